//! The hooks of `.pre-commit-hooks.yaml` under the real pre-commit (from PyPI, `scripts/tool-venvs.sh`), in a
//! temporary git repository.
//!
//! Most tests use a `repo: local` config with the hooks exactly as `.pre-commit-hooks.yaml` defines them (id,
//! entry arguments, `types_or`, `require_serial`, …), except that the entry names the binary under test and the
//! language is `system`, so they need no wheel. `python_hooks_install_the_wheel_offline` runs the hooks as
//! published, `language: python`, installing the wheel of `crate::common::wheel` the way a hook repository pinned
//! to a release installs it from PyPI (`additional_dependencies: [kfp-upgrade==X.Y.Z]`).
//! `try_repo_builds_the_hook_from_source` (ignored by default) installs this repository itself via `try-repo`.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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

/// What kfp-upgrade checks, as pre-commit's file types (`identify` tags): Python, notebooks, YAML and JSON,
/// pipeline archives, and the shell scripts, Makefiles, Jenkinsfiles and CI YAML of KFP405
/// (`src/discover.rs`, `src/shell.rs::is_shell_or_ci`).
const TYPES: [&str; 9] = [
    "python", "jupyter", "yaml", "json", "gzip", "zip", "shell", "makefile", "jenkins",
];

/// The hooks of `.pre-commit-hooks.yaml`, as published.
fn published_hooks() -> Vec<serde_yaml::Mapping> {
    let text = std::fs::read_to_string(manifest_dir().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks: Vec<serde_yaml::Mapping> = serde_yaml::from_str(&text).unwrap();
    let ids: Vec<String> = hooks
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["kfp-upgrade", "kfp-upgrade-fix"]);
    for hook in &hooks {
        assert_eq!(hook["language"].as_str(), Some("python"));
        let types: Vec<&str> = hook["types_or"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(types, TYPES);
    }
    hooks
}

/// The hooks of `.pre-commit-hooks.yaml` as a `repo: local` config running the binary under test.
fn local_config() -> String {
    let mut hooks = published_hooks();
    for hook in &mut hooks {
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
    // `--statistics`: a count per rule, the findings themselves are the check hook's to print.
    assert!(stdout(&fix).contains("1  KFP006"), "{}", stdout(&fix));
    assert!(!stdout(&fix).contains("a.py"), "{}", stdout(&fix));
    assert_eq!(repo.read_string("a.py"), before);
    let check = pre_commit(python, &repo, &["run", "kfp-upgrade", "--all-files"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("error[KFP006]"),
        "{}",
        stdout(&check)
    );
}

fn write_repo(repo: &Project) {
    git(repo.dir.path(), &["init", "-q"]);
    repo.write(".gitignore", ".cache-pre-commit/\n");
    repo.write("a.py", V1);
    // Fixable only with --unsafe-fixes: still reported after the fix hook.
    repo.write(
        "b.py",
        "from kfp.components import InputPath\n\n\ndef f(p: InputPath()):\n    pass\n",
    );
    repo.write(
        "Makefile",
        "pipeline:\n\tdsl-compile --py a.py --output a.yaml\n",
    );
    git(repo.dir.path(), &["add", "-A"]);
}

/// The published hooks, `language: python`, in the recommended order (fix, then check), installed the way a
/// hook repository pinned to a release installs them: `additional_dependencies: [kfp-upgrade==X.Y.Z]`, the
/// wheel found by pip (here offline, in the folder of the freshly built wheel). The first run creates the
/// hook's venv and installs the wheel; later runs reuse it.
#[test]
fn python_hooks_install_the_wheel_offline() {
    let Some(python) = crate::common::tools::python() else {
        return;
    };
    let Some(wheel) = crate::common::wheel::wheel() else {
        return;
    };
    let mut hooks = published_hooks();
    hooks.reverse();
    for hook in &mut hooks {
        hook.insert(
            "additional_dependencies".into(),
            vec![format!("kfp-upgrade=={}", env!("CARGO_PKG_VERSION"))].into(),
        );
    }
    let config = serde_yaml::to_string(&serde_json::json!({
        "repos": [{"repo": "local", "hooks": hooks}]
    }))
    .unwrap();
    let repo = Project::new();
    repo.write(".pre-commit-config.yaml", config);
    write_repo(&repo);
    let run = |args: &[&str]| -> (Output, Duration) {
        let start = Instant::now();
        let o = Command::new(python)
            .args(["-m", "pre_commit"])
            .args(args)
            .current_dir(repo.dir.path())
            .env("PRE_COMMIT_HOME", repo.path(".cache-pre-commit"))
            .env("NO_COLOR", "1")
            // Offline: the wheel from its folder, and `repo: local`'s placeholder package (a setup.py)
            // built with the setuptools of the hook's venv instead of one fetched for an isolated build.
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &wheel.dist)
            .env("PIP_NO_BUILD_ISOLATION", "0")
            .env_remove("GIT_DIR")
            .output()
            .unwrap();
        (o, start.elapsed())
    };
    let (o, first) = run(&["run", "--all-files"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("Installing environment"), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    assert_eq!(repo.read_string("a.py"), V2);
    // Each remaining finding once: the check hook's diagnostic, the fix hook's count.
    assert_eq!(out.matches("b.py:").count(), 1, "{out}");
    assert_eq!(out.matches("Makefile:").count(), 1, "{out}");
    assert!(
        out.contains("error[KFP006]") && out.contains("note[KFP405]"),
        "{out}"
    );
    assert!(first < Duration::from_secs(60), "first run took {first:?}");

    git(repo.dir.path(), &["add", "-A"]);
    let mut later = Vec::new();
    for _ in 0..5 {
        let (o, t) = run(&["run", "--all-files"]);
        assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
        assert!(!stdout(&o).contains("Installing"), "{}", stdout(&o));
        later.push(t);
    }
    eprintln!("pre-commit with the wheel: first run {first:?} (installs), later runs {later:?}");
    // The fastest of five, so that a loaded test machine (the suite runs its tests in parallel) does not fail
    // it; every run stays inside a few seconds.
    let fastest = *later.iter().min().unwrap();
    assert!(
        fastest < Duration::from_secs(1),
        "later runs took {later:?}"
    );
    assert!(
        later.iter().all(|t| *t < Duration::from_secs(5)),
        "later runs took {later:?}"
    );
}

/// The published hook from this repository itself: `language: python` makes pre-commit `pip install` the
/// clone, which builds the wheel from source with maturin (a Rust toolchain and PyPI are needed; a release
/// build). Slow, so it runs only on request: `cargo test --test it pre_commit:: -- --ignored`.
#[test]
#[ignore]
fn try_repo_builds_the_hook_from_source() {
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
