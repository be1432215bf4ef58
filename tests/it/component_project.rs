//! The multi-file component project (`examples/component_project`): `components.py` defines v1 function
//! components (decorators, assignments, positional factory options, `_path`/`_file` parameters, NamedTuple and
//! single returns); `pipeline.py` imports them under aliases and calls them positionally, with v1's stripped
//! keywords and with v1's output keys and lower-case aliases.
//!
//! `check --fix --unsafe-fixes` on a copy must leave nothing to do, the result must compile under kfp 2.17.3,
//! and the compiled v2 pipeline must have the same tasks and task dependencies as the v1 compile of the
//! original (v1 Argo workflow vs v2 IR, compared by `tests/oracle/dag_shape.py`).

use std::path::{Path, PathBuf};

use crate::common::oracle::{Kfp, compile_files, dag_shape};
use crate::common::project::{copy_dir, run_on};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/component_project")
}

/// Compiles the project's `pipeline.py` (and `components.py`) into `out`; returns the pipeline's file.
fn compile_pipeline(kfp: Kfp, dir: &Path, out: &Path) -> Option<PathBuf> {
    let files = vec![dir.join("components.py"), dir.join("pipeline.py")];
    let results = compile_files(kfp, &files, Some(out))?;
    for r in &results {
        assert!(
            r.ok,
            "{kfp:?}: {} does not compile:\n{}",
            r.file.display(),
            r.error.as_deref().unwrap_or("")
        );
    }
    assert_eq!(results[1].compiled, ["training_pipeline"], "{kfp:?}");
    Some(out.join("pipeline").join("training_pipeline.yaml"))
}

#[test]
fn the_original_reports_every_call_site_across_files() {
    let (code, out) = run_on(&["check", "--output-format", "concise"], &project());
    assert_eq!(code, Some(1), "{out}");
    // Call sites in pipeline.py are matched to components defined in components.py.
    for expected in [
        "pipeline.py:29:19: KFP102 The input `data` of v1 component `train_op` is `data_path`",
        "pipeline.py:31:46: KFP102 The output `model` of v1 component `train_op` is `model_path`",
        "pipeline.py:32:49: KFP102 The output `score` of v1 component `evaluate_op` is `Score`",
        "pipeline.py:33:31: KFP102 The output `output` of v1 component `summarize_op` is `Output`",
        "pipeline.py:29:53: KFP105 String passed to int input `epochs`",
        "pipeline.py:30:22: KFP103 kfp 2 components take keyword arguments only: `train_op`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
}

#[test]
fn migrated_project_compiles_under_kfp2_with_the_same_dag() {
    let work = tempfile::tempdir().unwrap();
    let v1_out = work.path().join("v1");
    let v2_out = work.path().join("v2");
    let migrated = work.path().join("migrated");
    copy_dir(&project(), &migrated);

    let (code, out) = run_on(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
        &migrated,
    );
    assert_eq!(
        code,
        Some(0),
        "everything in the project is migratable:\n{out}"
    );
    let pipeline = std::fs::read_to_string(migrated.join("pipeline.py")).unwrap();
    for expected in [
        "train(data_path=prep.outputs['data_path'], epochs=10)",
        "evaluation.outputs['Score']",
        "summary.output",
    ] {
        assert!(
            pipeline.contains(expected),
            "missing `{expected}`:\n{pipeline}"
        );
    }
    // A second run has nothing left to change.
    let (code, again) = run_on(&["check", "--diff", "--unsafe-fixes"], &migrated);
    assert_eq!(code, Some(0), "second run would change:\n{again}");

    let Some(v1) = compile_pipeline(Kfp::V1, &project(), &v1_out) else {
        return;
    };
    let Some(v2) = compile_pipeline(Kfp::V2, &migrated, &v2_out) else {
        return;
    };
    let (Some(v1_shape), Some(v2_shape)) = (dag_shape(Kfp::V1, &v1), dag_shape(Kfp::V2, &v2))
    else {
        return;
    };
    assert!(
        v1_shape["tasks"].as_array().is_some_and(|t| t.len() >= 5),
        "{v1_shape}"
    );
    assert_eq!(v1_shape, v2_shape, "v1 and migrated v2 DAGs differ");
}

/// `--fix` applies only safe fixes: the project must still be a working kfp 1 project (positional calls
/// become v1 keywords, numeric strings numbers; nothing is renamed before the definitions migrate).
#[test]
fn safe_fixes_keep_the_project_compiling_under_kfp1() {
    let work = tempfile::tempdir().unwrap();
    let fixed = work.path().join("fixed");
    copy_dir(&project(), &fixed);
    let (code, out) = run_on(&["check", "--fix", "--output-format", "concise"], &fixed);
    assert_eq!(code, Some(1), "unsafe migrations remain:\n{out}");
    let pipeline = std::fs::read_to_string(fixed.join("pipeline.py")).unwrap();
    assert!(pipeline.contains("epochs=10"), "{pipeline}");
    assert!(pipeline.contains("outputs['model']"), "{pipeline}");
    compile_pipeline(Kfp::V1, &fixed, &work.path().join("v1"));
}
