//! The pipeline, compiler and client rules through the command line: `--target-version` gating, and the shell
//! and CI files the `dsl-compile` rule scans.

mod common;

use common::project::{Project, stdout};

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
