//! The venv of Python tools the tests run as users do (`scripts/tool-venvs.sh`): pre-commit and jsonschema.
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
        super::oracle::venv_pythons("scripts/tool-venvs.sh", 1).map(|mut p| p.remove(0))
    }) {
        Ok(p) => Some(p),
        Err(e) => panic!("tool venv unavailable: {e}"),
    }
}
