//! `kfp-upgrade migrate`: `--out` copies the whole tree (permissions, symlinks as symlinks, nothing outside the
//! tree touched) and migrates the copy; `--in-place` refuses a dirty git work tree; the report lists fixes and
//! what is left for a human.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
const V2: &str = "from kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
/// KFP001 (safe fix) and KFP403 (`.tar.gz` output: unsafe fix, left for a human without --unsafe-fixes).
const MIXED: &str = "import kfp\nfrom kfp.v2 import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, 'p.tar.gz')\n";

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn out_copies_the_tree_keeps_permissions_and_symlinks_and_migrates_the_copy() {
    let p = Project::new();
    p.write("src/pipelines/a.py", V1);
    p.write("src/pipelines/b.py", MIXED);
    let script = p.write("src/run.sh", "#!/bin/sh\necho hi\n");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = p.write("src/data/frozen.txt", "keep\n");
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o444)).unwrap();
    // A v1 file outside the tree, reached by a symlink: never followed, never rewritten.
    p.write("outside/shared.py", V1);
    std::os::unix::fs::symlink("../../outside/shared.py", p.path("src/pipelines/shared.py"))
        .unwrap();
    std::os::unix::fs::symlink("a.py", p.path("src/pipelines/alias.py")).unwrap();

    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "migrated",
        "--report",
        "report.md",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "findings left for a human: {}",
        stderr(&o)
    );
    // The source is untouched, the copy migrated.
    assert_eq!(p.read_string("src/pipelines/a.py"), V1);
    assert_eq!(p.read_string("migrated/pipelines/a.py"), V2);
    assert_eq!(p.read_string("outside/shared.py"), V1);
    assert_eq!(p.read_string("migrated/run.sh"), "#!/bin/sh\necho hi\n");
    assert_eq!(mode(&p.path("migrated/run.sh")), 0o755);
    assert_eq!(mode(&p.path("migrated/data/frozen.txt")), 0o444);
    for (link, target) in [
        ("shared.py", "../../outside/shared.py"),
        ("alias.py", "a.py"),
    ] {
        let path = p.path(&format!("migrated/pipelines/{link}"));
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_link(&path).unwrap(), Path::new(target));
    }

    // The summary for the pull request, and every file's detail beside it.
    let summary = p.read_string("report.md");
    assert!(
        summary.starts_with("# KFP SDK v1 → v2 migration report\n"),
        "{summary}"
    );
    assert!(
        summary.contains("| KFP001 | kfp-v2-namespace | 2 | 0 | 0 |"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "## Files that need a human\n\n- [ ] `pipelines/b.py`: 1 finding: KFP403 ×1\n"
        ),
        "{summary}"
    );
    assert!(
        !summary.contains("pipelines/a.py"),
        "nothing left there: {summary}"
    );
    let report = p.read_string("report.md.details.md");
    assert!(
        report.starts_with("# KFP SDK v1 → v2 migration report: every file"),
        "{report}"
    );
    assert!(report.contains("### `pipelines/a.py`"), "{report}");
    assert!(
        report.contains("- line 1 · KFP001 · safe — `kfp.v2.dsl` is the deprecated"),
        "{report}"
    );
    assert!(report.contains("- [ ] line 10:"), "{report}");
    assert!(report.contains("· KFP403 — "), "{report}");
    assert!(
        report.contains("(an unsafe fix exists: `--unsafe-fixes`)"),
        "{report}"
    );
    assert!(
        report.contains("| KFP001 | kfp-v2-namespace | 2 | 0 | 0 |"),
        "{report}"
    );
    assert!(!report.contains("shared.py"), "{report}");
    assert!(
        stderr(&o).contains("Report: report.md, details: report.md.details.md"),
        "{}",
        stderr(&o)
    );

    // Never into an existing folder with content.
    let o = p.run(&["migrate", "src", "--out", "migrated"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists and is not empty"),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["migrate", "src", "--out", "src/inner"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_report_with_unsafe_fixes_counts_per_rule() {
    let p = Project::new();
    p.write("src/b.py", MIXED);
    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out",
        "--unsafe-fixes",
        "--report-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["unsafe_fixes"], true);
    assert_eq!(report["files"][0]["file"], "b.py");
    assert_eq!(report["totals"]["KFP403"]["fixed_unsafe"], 1);
    assert_eq!(report["totals"]["KFP001"]["fixed_safe"], 1);
    assert!(p.read_string("out/b.py").contains("p.yaml"));
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
}

#[test]
fn in_place_refuses_uncommitted_changes_to_files_it_would_touch() {
    let p = Project::new();
    git(p.dir.path(), &["init", "-q"]);
    p.write("a.py", V1);
    p.write("notes.md", "draft\n");
    git(p.dir.path(), &["add", "-A"]);
    git(p.dir.path(), &["commit", "-qm", "v1"]);
    // An unrelated uncommitted change does not block.
    p.write("notes.md", "edited\n");
    p.write("a.py", format!("{V1}# edited\n"));
    let o = p.run(&["migrate", ".", "--in-place"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("uncommitted changes") && err.contains("a.py"),
        "{err}"
    );
    assert!(!err.contains("notes.md"), "{err}");
    assert!(p.read_string("a.py").contains("kfp.v2"));

    let o = p.run(&["migrate", ".", "--in-place", "--force"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(p.read_string("a.py"), format!("{V2}# edited\n"));

    git(p.dir.path(), &["commit", "-qam", "v2"]);
    p.write("b.py", V1);
    // An untracked file cannot be restored by git either.
    let o = p.run(&["migrate", ".", "--in-place"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("?? b.py"), "{}", stderr(&o));
    git(p.dir.path(), &["add", "b.py"]);
    git(p.dir.path(), &["commit", "-qm", "b"]);
    let o = p.run(&["migrate", ".", "--in-place"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(p.read_string("b.py"), V2);
}

/// A v1 pipeline that the safe fixes fully migrate, and one whose module still writes a `.tar.gz` on import
/// (KFP403's fix is unsafe), which kfp 2 rejects.
const PIPELINE_OK: &str = "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n\n\n@dsl.pipeline(name='p')\ndef p(x: int = 1):\n    f(x=x)\n";
const PIPELINE_BAD: &str = "import kfp\nfrom kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n\n\n@dsl.pipeline(name='q')\ndef q(x: int = 1):\n    f(x=x)\n\n\nkfp.compiler.Compiler().compile(q, 'q.tar.gz')\n";

#[test]
fn verify_imports_and_compiles_the_migrated_pipelines_with_kfp_2() {
    if crate::common::oracle::skip_requested() {
        return;
    }
    let pythons = crate::common::oracle::venv_pythons("scripts/oracle-venvs.sh", 2).unwrap();
    let kfp2 = pythons[1].to_str().unwrap().to_string();
    let p = Project::new();
    p.write("src/ok.py", PIPELINE_OK);
    p.write("src/bad.py", PIPELINE_BAD);
    let o = p.run(&[
        "migrate", "src", "--out", "out", "--report", "r.md", "--verify", "--python", &kfp2,
    ]);
    let report = p.read_string("r.md.details.md");
    assert_eq!(o.status.code(), Some(1), "{}{report}", stderr(&o));
    let summary = p.read_string("r.md");
    assert!(
        summary
            .contains("Verification under kfp 2: 1 of 2 pipeline modules imported and compiled."),
        "{summary}"
    );
    assert!(
        summary
            .contains("## Modules that failed to import or compile under kfp 2\n\n- ❌ `bad.py`: "),
        "{summary}"
    );
    assert!(
        report.contains("## Verification: import and compile under kfp 2"),
        "{report}"
    );
    assert!(report.contains("- ✅ `ok.py`: compiled f, p"), "{report}");
    assert!(report.contains("- ❌ `bad.py`:"), "{report}");
    assert!(
        report.contains(".yaml"),
        "kfp 2's error is quoted: {report}"
    );
    assert!(
        stderr(&o).contains("1 migrated modules failed"),
        "{}",
        stderr(&o)
    );

    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out2",
        "--verify",
        "--python",
        "/nonexistent/python",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--verify: cannot run /nonexistent/python"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn out_applies_the_source_configuration_to_the_copy() {
    let p = Project::new();
    p.write(
        "src/kfp-upgrade.toml",
        "[per-file-ignores]\n\"legacy/*.py\" = [\"KFP001\"]\n",
    );
    p.write("src/legacy/a.py", V1);
    p.write("src/new/a.py", V1);
    let o = p.run(&["migrate", "src", "--out", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        p.read_string("out/legacy/a.py"),
        V1,
        "ignored there by the config"
    );
    assert_eq!(p.read_string("out/new/a.py"), V2);
}
