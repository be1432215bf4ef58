//! The classic v1 container samples (`examples/container_project`: flip-coin with conditions and factories,
//! VolumeOp with pvolumes and delete, apply(use_gcp_secret) with GPUs/selectors/tolerations/env, ContainerOps
//! with several file_outputs consumed downstream) migrate with `check --fix --unsafe-fixes` into code that
//! compiles under kfp 2.17.3 + kfp-kubernetes, and each compiled v2 IR has the same container shape as the v1
//! Argo workflow of the original: same tasks (image and command, modulo placeholders), same dependencies, the
//! same file outputs, and the Kubernetes settings (volumes, secrets, selectors, tolerations, GPUs, env) the v1
//! ops had. The comparison is `tests/oracle/container_shape.py`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::oracle::{Kfp, compile_files, container_shape};

const EXAMPLES: &[&str] = &["flip_coin", "volumes", "secrets_gpu", "file_outputs"];

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/container_project")
}

fn copy_project(to: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(to).unwrap();
    EXAMPLES
        .iter()
        .map(|e| {
            let target = to.join(format!("{e}.py"));
            std::fs::copy(project().join(format!("{e}.py")), &target).unwrap();
            target
        })
        .collect()
}

/// Compiles `files`, asserting each compiles one pipeline; returns the compiled pipeline files.
fn compile(kfp: Kfp, files: &[PathBuf], out: &Path) -> Option<Vec<PathBuf>> {
    let results = compile_files(kfp, files, Some(out))?;
    let mut compiled = Vec::new();
    for r in &results {
        assert!(
            r.ok,
            "{kfp:?}: {} does not compile:\n{}",
            r.file.display(),
            r.error.as_deref().unwrap_or("")
        );
        let stem = r.file.file_stem().unwrap().to_string_lossy().into_owned();
        let pipeline = r
            .compiled
            .iter()
            .find(|n| n.contains("pipeline"))
            .unwrap_or_else(|| {
                panic!(
                    "{kfp:?}: no pipeline compiled from {stem}: {:?}",
                    r.compiled
                )
            });
        compiled.push(out.join(stem).join(format!("{pipeline}.yaml")));
    }
    Some(compiled)
}

#[test]
fn container_samples_migrate_with_the_same_tasks_settings_and_order() {
    let work = tempfile::tempdir().unwrap();
    let originals: Vec<PathBuf> = EXAMPLES
        .iter()
        .map(|e| project().join(format!("{e}.py")))
        .collect();
    let migrated = copy_project(&work.path().join("migrated"));

    let out = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args([
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ])
        .arg(work.path().join("migrated"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "everything here is migratable:\n{report}"
    );
    for file in &migrated {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            !text.contains("dsl.ContainerOp("),
            "{}:\n{text}",
            file.display()
        );
    }

    let Some(v1) = compile(Kfp::V1, &originals, &work.path().join("v1")) else {
        return;
    };
    let Some(v2) = compile(Kfp::V2, &migrated, &work.path().join("v2")) else {
        return;
    };
    for ((name, v1), v2) in EXAMPLES.iter().zip(&v1).zip(&v2) {
        let (Some(before), Some(after)) =
            (container_shape(Kfp::V1, v1), container_shape(Kfp::V2, v2))
        else {
            return;
        };
        assert!(
            before["tasks"].as_array().is_some_and(|t| !t.is_empty()),
            "{name}: {before}"
        );
        assert_eq!(
            before, after,
            "{name}: the migrated pipeline differs from the original\n--- v1\n{before:#}\n--- v2\n{after:#}"
        );
    }
}
