//! The YAML component project (`examples/yaml_components`): `components/` holds one v1 component spec per
//! problem kfp 2 has with them (KFP501-KFP507), and `pipeline.py` loads the fixable ones
//! (`load_component_from_file`, `load_component(filename=)`, `load_component_from_text`), calls them
//! positionally and reads their outputs with v1 keys (`Model`, `Output`).
//!
//! The original compiles under kfp 1.8.22; after `check --fix --unsafe-fixes` on a copy, the pipeline
//! compiles under kfp 2.17.3, the YAML comments survive, the fixed files' outputs are written by the
//! wrapper, and only the diagnostic-only problems remain.

use std::path::{Path, PathBuf};

use crate::common::oracle::{Kfp, compile_files};
use crate::common::project::{copy_dir, run_on};

fn project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/yaml_components")
}

fn compile(kfp: Kfp, dir: &Path, out: &Path) -> Option<PathBuf> {
    let results = compile_files(kfp, &[dir.join("pipeline.py")], Some(out))?;
    let r = &results[0];
    assert!(
        r.ok,
        "{kfp:?}: pipeline.py does not compile:\n{}",
        r.error.as_deref().unwrap_or("")
    );
    assert!(
        r.compiled.contains(&"yaml_pipeline".to_string()),
        "{kfp:?}: {:?}",
        r.compiled
    );
    Some(out.join("pipeline").join("yaml_pipeline.yaml"))
}

#[test]
fn every_component_problem_is_reported_at_its_position() {
    let (code, out) = run_on(&["check", "--output-format", "concise"], &project());
    assert_eq!(code, Some(1), "{out}");
    for expected in [
        "components/export.yaml:4:28: KFP501 Input `Output dir` has type `GCSPath`",
        "components/export.yaml:6:9: KFP501 Input `Project` has dict-form type `{GCPProjectID: ...}`",
        "components/export.yaml:7:10: KFP501 Input `Accuracy` has no type",
        "components/count_chars.yaml:7:23: KFP502 `inputPath` on input `text`",
        "components/legacy_file_outputs.yaml:9:5: KFP503 `fileOutputs` is silently dropped",
        "components/train_graph.yaml:6:3: KFP504 `Train graph` is a v1 graph component",
        "components/gpu_flag.yaml:7:21: KFP505 kfp 2 cannot load an `if` on an input's value",
        "components/train.yaml:3:3: KFP507 kfp 2 drops the component's `metadata.annotations`",
        "build/yaml_pipeline.yaml:1:1: KFP601 This file is an Argo Workflow compiled by kfp 1",
        // Call sites of the loaded components, with kfp 2's names.
        "pipeline.py:33:22: KFP103 kfp 2 components take keyword arguments only: `train_op`",
        "pipeline.py:34:35: KFP102 The output `Model` of YAML component `train_op` is `model`",
        "pipeline.py:35:69: KFP102 The output `Output` of YAML component `show_op` is `output`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
}

#[test]
fn fixed_project_compiles_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("project");
    copy_dir(&project(), &work);
    let Some(_) = compile(Kfp::V1, &work, &dir.path().join("v1")) else {
        return;
    };
    let (code, out) = run_on(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
        &work,
    );
    assert_eq!(code, Some(1), "{out}");
    // Only the diagnostic-only problems are left.
    let remaining: Vec<&str> = out.lines().filter(|l| l.contains(": KFP")).collect();
    let rules: Vec<&str> = remaining
        .iter()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next())
        .collect();
    assert_eq!(rules, ["KFP601", "KFP505", "KFP507"], "{out}");
    // The graph's child resolves beside it: KFP504's unsafe fix replaced the graph by its pipeline IR.
    let graph = std::fs::read_to_string(work.join("components/train_graph.yaml")).unwrap();
    assert!(graph.starts_with("# PIPELINE DEFINITION\n"), "{graph}");
    assert!(
        out.contains("it is written by `compile(yaml_pipeline, ...)` in `"),
        "{out}"
    );
    let export = std::fs::read_to_string(work.join("components/export.yaml")).unwrap();
    assert!(export.contains("- {name: Output dir, type: String}  # where the report goes"));
    assert!(export.contains("# Exports a report to a bucket."));
    let pipeline = std::fs::read_to_string(work.join("pipeline.py")).unwrap();
    assert!(
        pipeline.contains("model_file=train.outputs['model']"),
        "{pipeline}"
    );
    let Some(ir) = compile(Kfp::V2, &work, &dir.path().join("v2")) else {
        return;
    };
    let ir = std::fs::read_to_string(ir).unwrap();
    // The fixed files are copied to the outputs kfp 2 chose.
    assert!(ir.contains("cp /tmp/blob.bin"), "{ir}");
    assert!(
        ir.contains("{{$.outputs.artifacts[''blob''].path}}"),
        "{ir}"
    );
    // Fixing again changes nothing.
    let (_, again) = run_on(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
        &work,
    );
    assert!(again.contains("Fixed 0 problems"), "{again}");
}

#[test]
fn yaml_files_are_classified_by_content_and_broken_ones_are_errors_with_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "ok/component.yaml",
        "name: A\nimplementation:\n  container: {image: alpine, command: [echo]}\n",
    );
    write(
        "ok/values.yaml",
        "image: {repository: x}\nimplementation_notes: [unclosed\n",
    );
    write(
        "ok/helm.yml",
        "kind: Deployment\nspec: {template: {{ .Values }} }\n",
    );
    write(
        "ok/ir.yaml",
        "# PIPELINE DEFINITION\ncomponents: {}\ndeploymentSpec: {}\npipelineInfo: {name: p}\nroot: {}\nschemaVersion: 2.1.0\nsdkVersion: kfp-2.17.3\n",
    );
    write(
        "ok/job.json",
        "{\"pipelineSpec\": {\"pipelineInfo\": {}}, \"runtimeConfig\": {}}",
    );
    write("ok/pipeline.tar.gz", "not really gzip");
    write(
        "bad/component.yaml",
        "name: B\ninputs: [{name: x}\nimplementation: {}\n",
    );
    let (code, out) = run_on(&["check", "--output-format", "concise"], &root.join("ok"));
    assert_eq!(code, Some(1), "{out}");
    let findings: Vec<&str> = out.lines().filter(|l| l.contains(": KFP")).collect();
    assert_eq!(findings.len(), 2, "{out}");
    assert!(findings[0].contains("job.json:1:2: KFP601"), "{out}");
    assert!(findings[1].contains("pipeline.tar.gz:1:1: KFP601"), "{out}");
    let (code, out) = run_on(&["check"], &root.join("bad"));
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("invalid YAML: did not find expected ',' or ']'"),
        "{out}"
    );
    assert!(out.contains("component.yaml:3:1"), "{out}");
}
