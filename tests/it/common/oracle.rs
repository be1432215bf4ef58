//! The "oracle": compile Python pipeline files with the real KFP SDKs
//! (kfp==1.8.22 for v1, kfp==2.17.3 + kfp-kubernetes==2.17.3 for v2).
//!
//! The venvs are created once (cached under `<target>/oracle/`) by
//! `scripts/oracle-venvs.sh`; files are compiled by
//! `tests/oracle/compile_kfp.py`, which prints one JSON object per file.
//!
//! Opt-out for local development only: `KFP_UPGRADE_SKIP_ORACLE=1` makes
//! [`compile_files`] return `None`, unless `CI=true`, where the opt-out is
//! ignored. Any failure to create the venvs or run the harness panics.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Which KFP SDK to compile with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kfp {
    /// kfp==1.8.22: `@dsl.pipeline` functions compiled to Argo workflows.
    V1,
    /// kfp==2.17.3 + kfp-kubernetes: module-level components and pipelines
    /// compiled to pipeline-spec IR.
    V2,
}

/// Outcome of compiling one file.
#[derive(Debug, Clone)]
pub struct OracleResult {
    /// The path exactly as passed to [`compile_files`].
    pub file: PathBuf,
    /// True when import and every compilation succeeded.
    pub ok: bool,
    /// Names compiled (pipeline function names for V1, module attribute
    /// names for V2); outputs are `<out_dir>/<file stem>/<name>.yaml`.
    pub compiled: Vec<String>,
    /// `"ExceptionType: message\n<traceback tail>"` when not ok.
    pub error: Option<String>,
    /// `"Category: message"` for every warning raised during import/compile.
    #[allow(dead_code, reason = "the harness reports them; no test reads them yet")]
    pub warnings: Vec<String>,
}

struct Pythons {
    v1: PathBuf,
    v2: PathBuf,
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

pub fn skip_requested() -> bool {
    std::env::var("KFP_UPGRADE_SKIP_ORACLE").is_ok_and(|v| v == "1") && !in_ci()
}

/// Runs a venv script of `scripts/` with `--print` and returns the interpreter paths it prints, one per line.
/// The scripts serialise concurrent test processes with flock and resolve `CARGO_TARGET_DIR` themselves, so
/// their output is the single source of truth for the interpreter paths. Build messages (stderr) are shown.
pub fn venv_pythons(script: &str, expected: usize) -> Result<Vec<PathBuf>, String> {
    let script = manifest_dir().join(script);
    let out = Command::new("bash")
        .arg(&script)
        .arg("--print")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{} failed ({}):\n{stderr}{stdout}",
            script.display(),
            out.status
        ));
    }
    if !stderr.trim().is_empty() {
        eprint!("{stderr}");
    }
    let paths: Vec<PathBuf> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(PathBuf::from)
        .collect();
    if paths.len() != expected {
        return Err(format!(
            "{} --print: expected {expected} python paths, got:\n{stdout}",
            script.display()
        ));
    }
    Ok(paths)
}

/// The oracle venvs (`scripts/oracle-venvs.sh`), built once per process.
fn pythons() -> &'static Pythons {
    static PYTHONS: OnceLock<Result<Pythons, String>> = OnceLock::new();
    let res = PYTHONS.get_or_init(|| {
        let paths = venv_pythons("scripts/oracle-venvs.sh", 2)?;
        Ok(Pythons {
            v1: paths[0].clone(),
            v2: paths[1].clone(),
        })
    });
    match res {
        Ok(p) => p,
        Err(msg) => panic!("oracle venvs unavailable: {msg}"),
    }
}

/// The python of an oracle venv, to run a script or kfp's command line with it; `None` under the opt-out.
pub fn python(kfp: Kfp) -> Option<PathBuf> {
    if skip_requested() {
        return None;
    }
    Some(match kfp {
        Kfp::V1 => pythons().v1.clone(),
        Kfp::V2 => pythons().v2.clone(),
    })
}

fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| x.as_str()).map(str::to_owned)
}

fn str_list(v: &serde_json::Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Compile `files` with the given SDK. Results come back in input order.
/// With `out_dir`, compiled YAML is kept at `<out_dir>/<file stem>/<name>.yaml`.
///
/// Returns `None` only when the developer opted out with
/// `KFP_UPGRADE_SKIP_ORACLE=1` outside CI. Panics if the venvs cannot be
/// created or the harness misbehaves (a file failing to compile is *not* a
/// harness failure: it is reported with `ok == false`).
pub fn compile_files(
    kfp: Kfp,
    files: &[PathBuf],
    out_dir: Option<&Path>,
) -> Option<Vec<OracleResult>> {
    if skip_requested() {
        eprintln!("oracle tests skipped: KFP_UPGRADE_SKIP_ORACLE=1");
        return None;
    }
    if files.is_empty() {
        return Some(Vec::new());
    }
    let pythons = pythons();
    let (python, major) = match kfp {
        Kfp::V1 => (&pythons.v1, "1"),
        Kfp::V2 => (&pythons.v2, "2"),
    };
    let harness = manifest_dir().join("tests/oracle/compile_kfp.py");
    let mut cmd = Command::new(python);
    cmd.arg(&harness).arg("--kfp").arg(major);
    if let Some(dir) = out_dir {
        cmd.arg("--out").arg(dir);
    }
    cmd.arg("--").args(files);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} {}: {e}", python.display(), harness.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit 0 = all ok, 1 = some file failed; anything else is a harness error.
    if !matches!(out.status.code(), Some(0 | 1)) {
        panic!(
            "oracle harness {} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
            harness.display(),
            out.status
        );
    }
    let values: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| {
                panic!("oracle harness printed invalid JSON ({e}): {l}\nstderr:\n{stderr}")
            })
        })
        .collect();
    assert_eq!(
        values.len(),
        files.len(),
        "oracle harness returned {} results for {} files\nstdout:\n{stdout}\nstderr:\n{stderr}",
        values.len(),
        files.len()
    );
    let results = files
        .iter()
        .zip(values)
        .map(|(file, v)| {
            let reported = str_field(&v, "file").unwrap_or_default();
            assert_eq!(
                Path::new(&reported),
                file.as_path(),
                "oracle harness results out of order"
            );
            OracleResult {
                file: file.clone(),
                ok: v.get("ok").and_then(|x| x.as_bool()).unwrap_or(false),
                compiled: str_list(&v, "compiled"),
                error: str_field(&v, "error"),
                warnings: str_list(&v, "warnings"),
            }
        })
        .collect();
    Some(results)
}

/// The normalised DAG shape (`{"tasks": [...], "edges": [[up, down], ...]}`) of a compiled pipeline: a v1
/// Argo workflow or a v2 IR file, read by `tests/oracle/dag_shape.py` with the matching SDK's python.
/// `None` under the same opt-out as [`compile_files`].
pub fn dag_shape(kfp: Kfp, compiled: &Path) -> Option<serde_json::Value> {
    run_shape_script("tests/oracle/dag_shape.py", kfp, compiled)
}

/// Runs a shape script of `tests/oracle` on one compiled file with the matching SDK's python.
fn run_shape_script(script: &str, kfp: Kfp, compiled: &Path) -> Option<serde_json::Value> {
    if skip_requested() {
        return None;
    }
    let python = match kfp {
        Kfp::V1 => &pythons().v1,
        Kfp::V2 => &pythons().v2,
    };
    let script = manifest_dir().join(script);
    let out = Command::new(python)
        .arg(&script)
        .arg(compiled)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} {} failed: {}",
        script.display(),
        compiled.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the shape script prints JSON"))
}

/// The normalised container shape (tasks matched by image and command, their Kubernetes settings, the
/// ordering between them) of a compiled pipeline, read by `tests/oracle/container_shape.py`. `None` under the
/// same opt-out as [`compile_files`].
pub fn container_shape(kfp: Kfp, compiled: &Path) -> Option<serde_json::Value> {
    run_shape_script("tests/oracle/container_shape.py", kfp, compiled)
}
