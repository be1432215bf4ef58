//! The ecosystem venvs (`scripts/ecosystem-venvs.sh`): google-cloud-pipeline-components 2.22.0 (with the Vertex
//! AI SDK) next to kfp 2.17.3, kfp-tekton 1.9.3 next to kfp 1.8.22, and google-cloud-pipeline-components 1.0.44
//! next to kfp 1.8.22. Same opt-out as the oracle:
//! `KFP_UPGRADE_SKIP_ORACLE=1` outside CI makes [`pythons`] return `None`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub struct Pythons {
    pub gcpc: PathBuf,
    pub tekton: PathBuf,
    /// GCPC 1.0.44 with kfp 1.8.22: where GCPC 1 code (the `before` of the rules that move it) compiles.
    pub gcpc1: PathBuf,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the venvs once per process. Panics when they cannot be built.
pub fn pythons() -> Option<&'static Pythons> {
    if super::oracle::skip_requested() {
        eprintln!("ecosystem oracle skipped: KFP_UPGRADE_SKIP_ORACLE=1");
        return None;
    }
    static PYTHONS: OnceLock<Result<Pythons, String>> = OnceLock::new();
    let result = PYTHONS.get_or_init(|| {
        let paths = super::oracle::venv_pythons("scripts/ecosystem-venvs.sh", 3)?;
        Ok(Pythons {
            gcpc: paths[0].clone(),
            tekton: paths[1].clone(),
            gcpc1: paths[2].clone(),
        })
    });
    match result {
        Ok(p) => Some(p),
        Err(e) => panic!("ecosystem venvs unavailable: {e}"),
    }
}

/// Runs `python -c code`; returns (success, stdout + stderr).
pub fn run_python(python: &Path, code: &str) -> (bool, String) {
    let out = Command::new(python)
        .args(["-W", "ignore", "-c", code])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Compiles files with `tests/oracle/compile_kfp.py` under `python` (a venv holding kfp `major`); returns the
/// failures as `file: error`.
pub fn compile_failures(python: &Path, major: u8, files: &[PathBuf]) -> Vec<String> {
    let harness = manifest_dir().join("tests/oracle/compile_kfp.py");
    let out = Command::new(python)
        .arg(&harness)
        .arg("--kfp")
        .arg(major.to_string())
        .arg("--")
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "harness failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), files.len(), "{stdout}");
    lines
        .iter()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("harness prints JSON");
            (!v["ok"].as_bool().unwrap_or(false)).then(|| {
                format!(
                    "{}: {}",
                    v["file"].as_str().unwrap_or("?"),
                    v["error"].as_str().unwrap_or("failed")
                )
            })
        })
        .collect()
}
