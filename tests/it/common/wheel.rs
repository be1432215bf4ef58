//! The Python wheel of this crate (pyproject.toml: maturin, `bindings = "bin"`), built once per test process with
//! maturin from PyPI (the second venv of `scripts/tool-venvs.sh`, cached under `<target>/oracle/maturin`).
//!
//! The wheel is built with the `dev` profile into its own cargo target directory (`<target>/tmp/wheel/target`):
//! the tests check the packaging, not the optimiser, and a release build of the Python parser would add minutes
//! to every cold run. Sharing the suite's own target directory is not an option: maturin's build of the binary
//! would replace `target/debug/kfp-upgrade` while other tests run it. The directory persists between runs, so a
//! warm build only relinks what changed.
//!
//! Same opt-out as the oracle: `KFP_UPGRADE_SKIP_ORACLE=1` outside CI makes [`wheel`] return `None`; a failure to
//! create the venv or build the wheel panics (under `CI=true` too, so CI never skips it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct Wheel {
    /// The `.whl` file.
    pub path: PathBuf,
    /// The folder holding it and nothing else: `pip install --no-index --find-links <dist>`.
    pub dist: PathBuf,
    /// The maturin venv's interpreter (a Python to create fresh venvs with).
    pub python: PathBuf,
    /// How long `maturin build` took in this process.
    pub build_time: Duration,
}

/// The wheel, built on the first call of the process. Panics when it cannot be built.
pub fn wheel() -> Option<&'static Wheel> {
    if super::oracle::skip_requested() {
        eprintln!("wheel skipped: KFP_UPGRADE_SKIP_ORACLE=1");
        return None;
    }
    static WHEEL: OnceLock<Result<Wheel, String>> = OnceLock::new();
    match WHEEL.get_or_init(build) {
        Ok(w) => Some(w),
        Err(e) => panic!("wheel unavailable: {e}"),
    }
}

fn build() -> Result<Wheel, String> {
    let python = super::oracle::venv_pythons("scripts/tool-venvs.sh", 2)?.remove(1);
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel");
    let dist = root.join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    }
    let start = Instant::now();
    let out = Command::new(&python)
        .args(["-m", "maturin", "build", "--locked", "--out"])
        .arg(&dist)
        .arg("--manifest-path")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .map_err(|e| format!("cannot run maturin: {e}"))?;
    let build_time = start.elapsed();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "maturin build failed ({}):\n{}",
            out.status,
            tail.join("\n")
        ));
    }
    let wheels: Vec<PathBuf> = std::fs::read_dir(&dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    let [path] = <[PathBuf; 1]>::try_from(wheels)
        .map_err(|w| format!("expected one wheel in {}: {w:?}", dist.display()))?;
    eprintln!(
        "wheel: built {} in {:.1}s",
        path.display(),
        build_time.as_secs_f64()
    );
    Ok(Wheel {
        path,
        dist,
        python,
        build_time,
    })
}
