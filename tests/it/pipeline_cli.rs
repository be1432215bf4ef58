//! The pipeline, compiler and client rules through the command line: `--target-version` gating, and the shell
//! and CI files the `dsl-compile` rule scans.

use crate::common::project::{Project, stdout};

const PIPELINE: &str = r#"from kfp import components, dsl

ECHO = '''
name: Echo
inputs:
- {name: message, type: String}
implementation:
  container:
    image: alpine
    command: [echo, {inputValue: message}]
'''

echo_op = components.load_component_from_text(ECHO)


@dsl.pipeline(name='echo')
def pipeline(loud: bool = False):
    dsl.get_pipeline_conf().set_timeout(3600)
    with dsl.Condition(loud == True):
        echo_op(message='HELLO')
"#;

fn json(project: &Project, args: &[&str]) -> serde_json::Value {
    let out = project.run(args);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

fn diagnostics_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

#[test]
fn target_version_decides_if_and_pipeline_config() {
    let project = Project::new();
    project.write("pipeline.py", PIPELINE);

    let default = json(
        &project,
        &["check", "--output-format", "json", "pipeline.py"],
    );
    assert_eq!(diagnostics_of(&default, "KFP310").len(), 1, "{default}");
    let conf = diagnostics_of(&default, "KFP330");
    assert_eq!(conf.len(), 1);
    assert_eq!(conf[0]["fix"]["applicability"], "unsafe", "{default}");

    // kfp 2.1 has neither `dsl.If` (2.2) nor `PipelineConfig(active_deadline_seconds=)` (2.17).
    let old = json(
        &project,
        &[
            "check",
            "--output-format",
            "json",
            "--target-version",
            "2.1",
            "pipeline.py",
        ],
    );
    assert!(diagnostics_of(&old, "KFP310").is_empty(), "{old}");
    let conf = diagnostics_of(&old, "KFP330");
    assert_eq!(conf.len(), 1);
    assert!(conf[0]["fix"].is_null(), "{old}");
}

#[test]
fn dsl_compile_is_found_in_shell_and_ci_files_only() {
    let project = Project::new();
    let command = "dsl-compile --py p.py --output p.tar.gz\n";
    project.write("Makefile", format!("build:\n\t{command}"));
    project.write(
        ".github/workflows/ci.yml",
        format!("jobs:\n  build:\n    steps:\n      - run: {command}"),
    );
    project.write("scripts/compile.sh", command);
    // Not CI configuration (and not a shell script): never scanned.
    project.write("components/component.yaml", format!("# {command}"));
    project.write("notes.txt", command);

    let report = json(&project, &["check", "--output-format", "json", "."]);
    let mut files: Vec<&str> = diagnostics_of(&report, "KFP405")
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [".github/workflows/ci.yml", "Makefile", "scripts/compile.sh"],
        "{report}"
    );

    let out = project.run(&["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let makefile = project.read_string("Makefile");
    assert_eq!(
        makefile,
        "build:\n\tkfp dsl compile --py p.py --output p.yaml\n"
    );
    assert!(
        project
            .read_string(".github/workflows/ci.yml")
            .contains("- run: kfp dsl compile --py p.py --output p.yaml")
    );
    assert_eq!(project.read_string("notes.txt"), command);
}

/// `kfp.dsl.importer` (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/__init__.py>,
/// <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/importer_node.py>) was kfp 1.8's
/// deprecated alias of `kfp.v2.dsl.importer`, and is kfp 2's importer under the same name and signature, so no rule
/// touches it; only the `kfp.v2` imports around it change (KFP001), and the result compiles under kfp 2.17.3.
#[test]
fn dsl_importer_alias_needs_no_rewrite() {
    let project = Project::new();
    let source = r#"from kfp import dsl
from kfp.v2.dsl import Dataset, Input, component


@component
def count_rows(data: Input[Dataset]) -> int:
    with open(data.path) as f:
        return len(f.readlines())


@dsl.pipeline(name='import-data', pipeline_root='gs://my-bucket/root')
def pipeline(uri: str = 'gs://my-bucket/data.csv'):
    data = dsl.importer(artifact_uri=uri, artifact_class=Dataset, reimport=False)
    count_rows(data=data.outputs['artifact'])
"#;
    project.write("importer.py", source);
    let report = json(
        &project,
        &["check", "--output-format", "json", "importer.py"],
    );
    let importer_line = source
        .lines()
        .position(|l| l.contains("dsl.importer("))
        .unwrap()
        + 1;
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(
            d["rule"], "KFP001",
            "only the kfp.v2 import is a finding: {d}"
        );
        assert_ne!(d["start"]["line"], importer_line, "{d}");
    }
    let out = project.run(&["check", "--fix", "importer.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let fixed = project.read_string("importer.py");
    assert!(
        fixed.contains("dsl.importer(artifact_uri=uri, artifact_class=Dataset, reimport=False)")
    );
    let Some(results) = crate::common::oracle::compile_files(
        crate::common::oracle::Kfp::V2,
        &[project.path("importer.py")],
        None,
    ) else {
        return;
    };
    assert!(results[0].ok, "{:?}", results[0].error);
    assert!(
        results[0].compiled.contains(&"pipeline".to_string()),
        "{:?}",
        results[0].compiled
    );
}

/// KFP316's claim, proven by the oracle: its invalid example, migrated, still fails under kfp 2.17.3 with the
/// cross-context error and keeps the finding; its valid example (the kfp 2 way: inside the block, `dsl.OneOf`)
/// compiles.
#[test]
fn a_dependency_on_a_conditional_task_fails_under_kfp2_as_reported() {
    use crate::common::oracle::{Kfp, compile_files};
    let rule = kfp_upgrade::registry::registry()
        .get("KFP316")
        .expect("the rule");
    let p = Project::new();
    p.write("flip.py", &rule.examples.invalid[0].before);
    p.write("valid.py", &rule.examples.valid[0].code);
    p.run(&["check", "--fix", "--unsafe-fixes", "flip.py"]);
    let report = json(&p, &["check", "--output-format", "json", "flip.py"]);
    let rules: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["KFP316", "KFP316"], "{report}");
    let Some(results) = compile_files(Kfp::V2, &[p.path("flip.py"), p.path("valid.py")], None)
    else {
        return;
    };
    let error = results[0].error.as_deref().unwrap_or("");
    assert!(
        !results[0].ok && error.contains("Illegal task dependency across DSL context managers"),
        "{error}\n{}",
        p.read_string("flip.py")
    );
    assert!(results[1].ok, "{:?}", results[1].error);
}

/// KFP120's claim, proven by the oracle: each invalid example without a fix (v1 code kfp 1.8.22 compiles)
/// fails under kfp 2.17.3 with the argument type error the finding describes.
#[test]
fn argument_type_mismatches_fail_under_kfp2_as_reported() {
    use crate::common::oracle::{Kfp, compile_files};
    let rule = kfp_upgrade::registry::registry()
        .get("KFP120")
        .expect("the rule");
    let p = Project::new();
    let files: Vec<_> = rule
        .examples
        .invalid
        .iter()
        .filter(|ex| ex.after.is_none())
        .map(|ex| p.write(&format!("{}.py", ex.name.replace('-', "_")), &ex.before))
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    let Some(results) = compile_files(Kfp::V2, &files, None) else {
        return;
    };
    for r in results {
        let error = r.error.as_deref().unwrap_or("");
        assert!(
            !r.ok && error.contains("InconsistentTypeException"),
            "{}: ok={} {error}",
            r.file.display(),
            r.ok
        );
    }
}
