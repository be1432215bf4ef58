//! The hooks of `.pre-commit-hooks.yaml` under the real pre-commit (from PyPI, `scripts/tool-venvs.sh`), in a
//! temporary git repository.
//!
//! The repository's config is `repo: local` with the hooks exactly as `.pre-commit-hooks.yaml` defines them
//! (id, entry arguments, `types_or`, `require_serial`, …), except that the entry names the binary under test
//! and the language is `system`: `language: rust` would `cargo install` this crate in release mode on every
//! run. `try_repo_builds_the_hook_with_cargo` (ignored by default) runs that real install via `try-repo`.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
const V2: &str = "from kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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

/// The hooks of `.pre-commit-hooks.yaml` as a `repo: local` config running the binary under test.
fn local_config() -> String {
    let text = std::fs::read_to_string(manifest_dir().join(".pre-commit-hooks.yaml")).unwrap();
    let mut hooks: Vec<serde_yaml::Mapping> = serde_yaml::from_str(&text).unwrap();
    let ids: Vec<String> = hooks
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["kfp-upgrade", "kfp-upgrade-fix"]);
    for hook in &mut hooks {
        assert_eq!(hook["language"].as_str(), Some("rust"));
        let types: Vec<&str> = hook["types_or"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(types, ["python", "yaml", "jupyter"]);
        let entry = hook["entry"].as_str().unwrap();
        let args = entry.strip_prefix("kfp-upgrade ").unwrap();
        let entry = format!("{} {args}", env!("CARGO_BIN_EXE_kfp-upgrade"));
        hook.insert("entry".into(), entry.into());
        hook.insert("language".into(), "system".into());
    }
    serde_yaml::to_string(&serde_json::json!({
        "repos": [{"repo": "local", "hooks": hooks}]
    }))
    .unwrap()
}

fn pre_commit(python: &Path, repo: &Project, args: &[&str]) -> Output {
    Command::new(python)
        .args(["-m", "pre_commit"])
        .args(args)
        .current_dir(repo.dir.path())
        .env("PRE_COMMIT_HOME", repo.path(".cache-pre-commit"))
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .output()
        .unwrap()
}

#[test]
fn check_and_fix_hooks_under_real_pre_commit() {
    let Some(python) = crate::common::tools::python() else {
        return;
    };
    let repo = Project::new();
    git(repo.dir.path(), &["init", "-q"]);
    repo.write(".pre-commit-config.yaml", local_config());
    repo.write(".gitignore", ".cache-pre-commit/\n");
    repo.write("pipelines/train.py", V1);
    repo.write("pipelines/clean.py", V2);
    // Passed by `types_or: [yaml]`, never parsed as Python.
    repo.write(
        "component.yaml",
        "name: train\nimplementation: {container: {image: kfp}}\n",
    );
    repo.write("notes.txt", "from kfp.v2 import dsl\n");
    // Excluded by the configuration: pre-commit names it, `--force-exclude` skips it.
    repo.write("kfp-upgrade.toml", "extend-exclude = [\"vendored\"]\n");
    repo.write("vendored/old.py", V1);
    git(repo.dir.path(), &["add", "-A"]);

    let o = pre_commit(python, &repo, &["run", "kfp-upgrade", "--all-files"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("kfp-upgrade") && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("warning[KFP001]"), "{out}");
    assert!(out.contains("pipelines/train.py:1:6"), "{out}");
    assert!(!out.contains("clean.py"), "{out}");
    assert!(
        !out.contains("notes.txt") && !out.contains("component.yaml"),
        "{out}"
    );

    let o = pre_commit(python, &repo, &["run", "kfp-upgrade-fix", "--all-files"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "a fix fails the hook: {out}");
    assert!(out.contains("Fixed 1 problem in 1 file"), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert_eq!(repo.read_string("pipelines/train.py"), V2);
    assert_eq!(repo.read_string("notes.txt"), "from kfp.v2 import dsl\n");
    assert_eq!(repo.read_string("vendored/old.py"), V1);

    git(repo.dir.path(), &["add", "-A"]);
    for hook in ["kfp-upgrade-fix", "kfp-upgrade"] {
        let o = pre_commit(python, &repo, &["run", hook, "--all-files"]);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{hook}: {out}{}", stderr(&o));
        assert!(out.contains("Passed"), "{out}");
    }
}

#[test]
fn fix_hook_passes_when_only_unfixable_findings_remain() {
    let Some(python) = crate::common::tools::python() else {
        return;
    };
    let repo = Project::new();
    git(repo.dir.path(), &["init", "-q"]);
    repo.write(".pre-commit-config.yaml", local_config());
    repo.write(".gitignore", ".cache-pre-commit/\n");
    // KFP006's fix is unsafe: `--fix` leaves the file alone.
    let before = "from kfp.components import InputPath\n\n\ndef f(p: InputPath()):\n    pass\n";
    repo.write("a.py", before);
    git(repo.dir.path(), &["add", "-A"]);
    // A passing hook's output is shown only with --verbose.
    let fix = pre_commit(
        python,
        &repo,
        &["run", "kfp-upgrade-fix", "--all-files", "--verbose"],
    );
    assert_eq!(fix.status.code(), Some(0), "{}", stdout(&fix));
    assert!(
        stdout(&fix).contains("1 problem remaining"),
        "{}",
        stdout(&fix)
    );
    assert_eq!(repo.read_string("a.py"), before);
    let check = pre_commit(python, &repo, &["run", "kfp-upgrade", "--all-files"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("error[KFP006]"),
        "{}",
        stdout(&check)
    );
}

/// The published hook as users get it: `language: rust` makes pre-commit `cargo install` this repository.
/// Slow (a release build) and needs crates.io, so it runs only on request:
/// `cargo test --test it pre_commit:: -- --ignored`.
#[test]
#[ignore]
fn try_repo_builds_the_hook_with_cargo() {
    let Some(python) = crate::common::tools::python() else {
        return;
    };
    let repo = Project::new();
    git(repo.dir.path(), &["init", "-q"]);
    repo.write(".gitignore", ".cache-pre-commit/\n");
    repo.write("a.py", V1);
    git(repo.dir.path(), &["add", "-A"]);
    let o = pre_commit(
        python,
        &repo,
        &[
            "try-repo",
            manifest_dir().to_str().unwrap(),
            "kfp-upgrade",
            "--all-files",
        ],
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("warning[KFP001]"), "{out}");
}
