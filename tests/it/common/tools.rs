//! The venv of Python tools the tests run as users do (`scripts/tool-venvs.sh`): pre-commit and jsonschema
//! (maturin, the script's second venv, is `super::wheel`'s).
//! Same opt-out as the oracle: `KFP_UPGRADE_SKIP_ORACLE=1` outside CI makes [`python`] return `None`.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The venv's interpreter, built once per test process. Panics when it cannot be built.
pub fn python() -> Option<&'static PathBuf> {
    if super::oracle::skip_requested() {
        eprintln!("tool venv skipped: KFP_UPGRADE_SKIP_ORACLE=1");
        return None;
    }
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(|| {
        super::oracle::venv_pythons("scripts/tool-venvs.sh", 2).map(|mut p| p.remove(0))
    }) {
        Ok(p) => Some(p),
        Err(e) => panic!("tool venv unavailable: {e}"),
    }
}

/// A CPython 3.12 or newer, the oracle for code written with 3.12 syntax (PEP 701 f-strings, PEP 695 type
/// parameters): `python3.13`/`python3.12` on `PATH`, or a pyenv version. Outside CI, `None` when there is
/// none (with a note); under `CI=true` a missing interpreter fails the test.
pub fn python_312_or_newer() -> Option<PathBuf> {
    let on_path = ["python3.14", "python3.13", "python3.12"]
        .iter()
        .find_map(|name| {
            let ok = std::process::Command::new(name)
                .args(["-c", "import sys; assert sys.version_info >= (3, 12)"])
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(name))
        });
    let pyenv = || {
        let root = std::env::var_os("PYENV_ROOT")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))?;
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join("versions"))
            .ok()?
            .flatten()
            .filter(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                let mut parts = name.split('.');
                parts.next() == Some("3")
                    && parts
                        .next()
                        .and_then(|m| m.parse::<u32>().ok())
                        .is_some_and(|m| m >= 12)
            })
            .map(|e| e.path().join("bin/python3"))
            .filter(|p| p.exists())
            .collect();
        found.sort();
        found.pop()
    };
    match on_path.or_else(pyenv) {
        Some(p) => Some(p),
        None if super::oracle::in_ci() => {
            panic!("no CPython >= 3.12 found (python3.12 on PATH or a pyenv version); CI needs one")
        }
        None => {
            eprintln!("CPython >= 3.12 not found: the 3.12-syntax oracle is skipped outside CI");
            None
        }
    }
}
