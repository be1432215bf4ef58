//! The classic v1 repository (`examples/classic_repo`): an undecorated pipeline compiled from `__main__`,
//! unannotated and v1-typed parameters, v1 control-flow keywords, Argo placeholders, `PipelineConf` settings,
//! a `kfp.Client` script and a `compile.sh` calling `dsl-compile`. The originals run under kfp 1.8.22; after
//! `kfp-upgrade check --fix --unsafe-fixes` nothing is left to report, every pipeline script runs under kfp
//! 2.17.3 and writes IR carrying the moved settings, the rewritten `compile.sh` commands run with kfp 2's command
//! line, and a second fix changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::oracle::{Kfp, compile_files, python};
use crate::common::project::{copy_dir, run_on};

const PIPELINE_SCRIPTS: &[(&str, &str)] = &[
    ("greeting_pipeline.py", "greeting_pipeline"),
    ("report_pipeline.py", "report_pipeline"),
];

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/classic_repo")
}

/// Runs `python script` in `dir` (what a user does to compile); returns stderr on failure.
fn run_script(python: &Path, dir: &Path, script: &str) -> Result<(), String> {
    let out = Command::new(python)
        .args(["-W", "ignore", script])
        .current_dir(dir)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn originals_compile_under_kfp1() {
    let Some(v1) = python(Kfp::V1) else { return };
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    let pipelines = dir.path().join("pipelines");
    for (script, name) in PIPELINE_SCRIPTS {
        run_script(&v1, &pipelines, script).unwrap_or_else(|e| panic!("{script} under kfp 1: {e}"));
        let written = std::fs::read_dir(&pipelines)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                e.file_name().to_string_lossy().starts_with(name)
                    && !e.file_name().to_string_lossy().ends_with(".py")
            });
        assert!(written, "{script} wrote no package under kfp 1");
    }
}

#[test]
fn fixed_repo_compiles_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("classic_repo");
    copy_dir(&example(), &root);

    let (code, output) = run_on(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
        ],
        &root,
    );
    assert_eq!(code, Some(0), "everything should be fixed:\n{output}");
    assert!(output.contains("0 problems remaining"), "{output}");

    // The shell script and the client script were rewritten too.
    let compile_sh = std::fs::read_to_string(root.join("compile.sh")).unwrap();
    assert!(!compile_sh.contains("dsl-compile"), "{compile_sh}");
    let commands: Vec<&str> = compile_sh
        .lines()
        .filter(|l| l.starts_with("kfp dsl compile "))
        .collect();
    assert_eq!(commands.len(), 2, "{compile_sh}");
    let submit = std::fs::read_to_string(root.join("pipelines/submit.py")).unwrap();
    for expected in [
        "detail.state != 'SUCCEEDED'",
        "result.run_info.run_id",
        "statuses[run.run_id] = run.state",
    ] {
        assert!(
            submit.contains(expected),
            "submit.py lacks `{expected}`:\n{submit}"
        );
    }
    assert!(!submit.contains("mode="), "{submit}");

    // Fixing again changes nothing.
    let (_, diff) = run_on(&["check", "--diff", "--unsafe-fixes", "--quiet"], &root);
    assert!(diff.trim().is_empty(), "second fix would change:\n{diff}");

    let Some(v2) = python(Kfp::V2) else { return };
    let pipelines = root.join("pipelines");
    // What users run: the scripts' own `__main__` compile calls.
    for (script, name) in PIPELINE_SCRIPTS {
        run_script(&v2, &pipelines, script).unwrap_or_else(|e| panic!("{script} under kfp 2: {e}"));
        let ir = std::fs::read_to_string(pipelines.join(format!("{name}.yaml"))).unwrap();
        assert!(ir.contains("pipelineInfo:"), "{name}.yaml is not kfp 2 IR");
    }
    // The moved PipelineConf settings are in the compiled pipeline.
    let report = std::fs::read_to_string(pipelines.join("report_pipeline.yaml")).unwrap();
    for setting in [
        "activeDeadlineSeconds: 3600",
        "resourceTtlOnCompletion: 86400",
        "imagePullPolicy: IfNotPresent",
        "secretName: registry-credentials",
        "displayName: Nightly Report",
    ] {
        assert!(
            report.contains(setting),
            "report_pipeline.yaml lacks `{setting}`"
        );
    }
    let greeting = std::fs::read_to_string(pipelines.join("greeting_pipeline.yaml")).unwrap();
    assert!(
        greeting.contains("{{$.pipeline_job_uuid}}"),
        "placeholders not migrated"
    );
    assert!(
        !greeting.contains("{{workflow."),
        "Argo variables left in the IR"
    );

    // The oracle harness compiles every module-level pipeline, and imports the client script.
    let files: Vec<PathBuf> = ["greeting_pipeline.py", "report_pipeline.py", "submit.py"]
        .iter()
        .map(|f| pipelines.join(f))
        .collect();
    if let Some(results) = compile_files(Kfp::V2, &files, None) {
        for r in &results {
            assert!(r.ok, "{}: {:?}", r.file.display(), r.error);
        }
        assert_eq!(results[0].compiled, ["greeting_pipeline"]);
        assert_eq!(results[1].compiled, ["report_pipeline"]);
    }

    // The rewritten compile.sh commands, run with kfp 2's command line from the script's folder.
    std::fs::create_dir_all(root.join("build")).unwrap();
    for command in commands {
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let code = format!(
            "import sys\nfrom kfp.cli.__main__ import main\nsys.argv = ['kfp'] + {args:?}\nmain()"
        );
        let out = Command::new(&v2)
            .args(["-W", "ignore", "-c", &code])
            .current_dir(&pipelines)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "`{command}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for name in ["greeting_pipeline.yaml", "report_pipeline.yaml"] {
        let ir = std::fs::read_to_string(root.join("build").join(name)).unwrap();
        assert!(ir.contains("pipelineInfo:"), "build/{name} is not kfp 2 IR");
    }
}
