//! The Python wheel as users get it: built with maturin from PyPI (`crate::common::wheel`, once per process),
//! installed with `pip install --no-index` into a fresh venv, and run from that venv's `bin/`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::common::project::{stderr, stdout};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> std::process::Output {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{cmd:?}: {}{}", stdout(&o), stderr(&o));
    o
}

#[test]
fn wheel_installs_the_binary_offline_and_reports_cargo_version() {
    let Some(wheel) = crate::common::wheel::wheel() else {
        return;
    };
    // One wheel for every Python 3: the binary only, no extension module.
    let name = wheel.path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with(&format!("kfp_upgrade-{VERSION}-py3-none-")),
        "{name}"
    );
    let listing = run(Command::new(&wheel.python)
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(&wheel.path));
    let files: Vec<String> = stdout(&listing).lines().map(str::to_string).collect();
    let script = format!("kfp_upgrade-{VERSION}.data/scripts/kfp-upgrade");
    assert!(files.contains(&script), "{files:?}");
    assert!(
        files
            .iter()
            .all(|f| f == &script || f.starts_with(&format!("kfp_upgrade-{VERSION}.dist-info/"))),
        "the wheel holds the binary and its metadata only: {files:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    run(Command::new(&wheel.python).args(["-m", "venv"]).arg(&venv));
    let start = Instant::now();
    run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
            "--find-links",
        ])
        .arg(&wheel.dist)
        .arg(format!("kfp-upgrade=={VERSION}")));
    eprintln!(
        "wheel: {} ({} bytes, built in {:.1}s), pip install --no-index in {:.1}s",
        name,
        std::fs::metadata(&wheel.path).unwrap().len(),
        wheel.build_time.as_secs_f64(),
        start.elapsed().as_secs_f64()
    );

    let bin = venv.join("bin/kfp-upgrade");
    let o = run(Command::new(&bin).arg("--version"));
    assert_eq!(stdout(&o).trim(), format!("kfp-upgrade {VERSION}"));

    // Examples from examples/: v1 code, so findings and exit 1; already-v2 code passes.
    let check = |file: &str| {
        Command::new(&bin)
            .arg("check")
            .arg(manifest_dir().join("examples/pipelines").join(file))
            .current_dir(manifest_dir())
            .output()
            .unwrap()
    };
    let o = check("v2_namespace_pipeline.py");
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("warning[KFP001]"), "{}", stdout(&o));
    let o = check("clean_v2.py");
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// One maturin version everywhere: the build backend pyproject.toml asks pip for, the venv the tests build
/// with, and the release workflow.
#[test]
fn maturin_is_pinned_to_one_version() {
    let read = |p: &str| std::fs::read_to_string(manifest_dir().join(p)).unwrap();
    let pyproject: toml::Table = toml::from_str(&read("pyproject.toml")).unwrap();
    let build = &pyproject["build-system"];
    assert_eq!(build["build-backend"].as_str(), Some("maturin"));
    let requires = build["requires"].as_array().unwrap();
    assert_eq!(requires.len(), 1, "{requires:?}");
    let pin = requires[0].as_str().unwrap();
    let version = pin.strip_prefix("maturin==").expect("an exact maturin pin");
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    assert!(
        read("scripts/tool-venvs.sh")
            .contains(&format!("ensure_venv maturin \"maturin=={version}\"")),
        "scripts/tool-venvs.sh must install {pin}"
    );
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&read(".github/workflows/release.yml")).unwrap();
    assert_eq!(workflow["env"]["MATURIN_VERSION"].as_str(), Some(version));
    let text = read(".github/workflows/release.yml");
    let uses = text.matches("uses: PyO3/maturin-action@v1").count();
    let versions = text
        .matches("maturin-version: ${{ env.MATURIN_VERSION }}")
        .count();
    assert!(
        uses >= 4 && uses == versions,
        "every maturin-action step pins the version ({uses} uses, {versions} pins)"
    );
    // The project's version is Cargo.toml's (maturin reads it), never a second copy.
    assert_eq!(
        pyproject["project"]["dynamic"].as_array().unwrap(),
        &vec![toml::Value::from("version")]
    );
}
