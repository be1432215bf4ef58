//! `kfp-upgrade convert`: every convertible v1 spec of `examples/yaml_components/components` and of the
//! YAML rules' fixed examples becomes a Python module that kfp 2.17.3 compiles to the same interface and
//! container (`tests/oracle/ir_equal.py`) as it compiles the fixed spec loaded with
//! `load_component_from_file`. Specs with problems that need a human are refused with an error.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::oracle::{Kfp, compile_files, python};
use kfp_upgrade::registry::registry;
use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The spec texts to convert: the example project's components and the rules' `after` specs.
fn specs() -> Vec<(String, String)> {
    let mut specs = Vec::new();
    let dir = manifest().join("examples/yaml_components/components");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.path().file_stem().unwrap().to_string_lossy().into_owned();
        specs.push((name, std::fs::read_to_string(e.path()).unwrap()));
    }
    for rule in registry()
        .rules
        .iter()
        .filter(|r| r.family == "component_yaml")
    {
        for ex in &rule.examples.invalid {
            if let Some(after) = &ex.after {
                specs.push((
                    format!("{}_{}", rule.id, ex.name.replace('-', "_")),
                    after.clone(),
                ));
            }
        }
    }
    specs
}

fn convert(spec: &Path) -> (bool, String, String) {
    convert_to(spec, "python")
}

fn convert_to(spec: &Path, format: &str) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(["convert", "--format", format, "-o", "-"])
        .arg(spec)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn specs_needing_a_human_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let examples = manifest().join("examples/yaml_components/components");
    std::fs::copy(
        examples.join("gpu_flag.yaml"),
        dir.path().join("gpu_flag.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("env.yaml"),
        "name: E\nimplementation:\n  container: {image: a, command: [echo], env: {A: b}}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("uri.yaml"),
        "name: U\noutputs: [{name: r, type: String}]\nimplementation:\n  container: {image: a, command: [echo, {outputUri: r}]}\n",
    )
    .unwrap();
    for (file, reason) in [
        ("gpu_flag.yaml", "not `isPresent`"),
        ("env.yaml", "`env`"),
        ("uri.yaml", "`outputUri` on the parameter output `r`"),
    ] {
        let (ok, _, err) = convert(&dir.path().join(file));
        assert!(!ok && err.contains(reason), "{file}: {err}");
    }
}

#[test]
fn converted_modules_compile_to_the_loaded_spec_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let mut loaders = Vec::new();
    let mut modules = Vec::new();
    let mut names = Vec::new();
    let mut irs = Vec::new();
    for (name, text) in specs() {
        let spec = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&spec, &text).unwrap();
        let (ok, module, _) = convert(&spec);
        // Graph components become pipelines: kfp 2 cannot load their spec to compare with.
        if !ok || module.contains("@dsl.pipeline(") {
            continue;
        }
        // kfp 2 loads the fixed spec (what `check --fix --unsafe-fixes` writes).
        let source = SourceFile::new(&spec, text.clone(), false);
        let fixed = kfp_upgrade::yaml::fix(&source, &RuleSelection::default(), true)
            .unwrap()
            .text;
        let fixed_path = dir.path().join(format!("{name}_fixed.yaml"));
        std::fs::write(&fixed_path, fixed).unwrap();
        let loader = dir.path().join(format!("{name}_loaded.py"));
        std::fs::write(
            &loader,
            format!(
                "from kfp import components\n\ncomp = components.load_component_from_file({:?})\n",
                fixed_path.display().to_string()
            ),
        )
        .unwrap();
        // `--format ir` writes what kfp 2 compiles from the module, without Python.
        let (ok, ir, err) = convert_to(&spec, "ir");
        assert!(ok, "{name}: --format ir failed: {err}");
        let ir_path = dir.path().join(format!("{name}.ir.yaml"));
        std::fs::write(&ir_path, ir).unwrap();
        irs.push(ir_path);
        let module_path = dir.path().join(format!("{name}_converted.py"));
        std::fs::write(&module_path, module).unwrap();
        loaders.push(loader);
        modules.push(module_path);
        names.push(name);
    }
    assert!(names.len() >= 5, "too few convertible specs: {names:?}");
    let out = dir.path().join("out");
    let files: Vec<PathBuf> = loaders.iter().chain(&modules).cloned().collect();
    let Some(results) = compile_files(Kfp::V2, &files, Some(&out)) else {
        return;
    };
    for r in &results {
        assert!(
            r.ok && r.compiled.len() == 1,
            "{}: {:?} {}",
            r.file.display(),
            r.compiled,
            r.error.as_deref().unwrap_or("")
        );
    }
    let n = names.len();
    let mut pairs = Vec::new();
    for i in 0..n {
        let stem = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
        pairs.push(
            out.join(stem(&loaders[i]))
                .join(format!("{}.yaml", results[i].compiled[0])),
        );
        pairs.push(
            out.join(stem(&modules[i]))
                .join(format!("{}.yaml", results[n + i].compiled[0])),
        );
    }
    let Some(py) = python(Kfp::V2) else { return };
    let mut full = vec!["--full".to_string()];
    for i in 0..n {
        full.push(irs[i].display().to_string());
        full.push(pairs[2 * i + 1].display().to_string());
    }
    let check_ir = Command::new(&py)
        .arg(manifest().join("tests/oracle/ir_equal.py"))
        .args(&full)
        .output()
        .unwrap();
    assert!(
        check_ir.status.success(),
        "--format ir differs from kfp 2's compile of the converted module:\n{}{}",
        String::from_utf8_lossy(&check_ir.stdout),
        String::from_utf8_lossy(&check_ir.stderr)
    );
    let check = Command::new(py)
        .arg(manifest().join("tests/oracle/ir_equal.py"))
        .args(&pairs)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stdout);
    assert_eq!(report.lines().count(), n, "{report}");
    assert!(
        check.status.success(),
        "converted modules differ from the loaded specs:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Graph components (KFP504) become `@dsl.pipeline` modules: the example's graph refers to `train.yaml`
/// beside it, the KFP504 rule example inlines its component's spec. Both compile under kfp 2.17.3.
#[test]
fn graph_components_convert_to_pipelines_that_compile_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let components = manifest().join("examples/yaml_components/components");
    for file in ["train_graph.yaml", "train.yaml"] {
        std::fs::copy(components.join(file), dir.path().join(file)).unwrap();
    }
    let rule = registry().get("KFP504").unwrap();
    let inline = dir.path().join("inline_graph.yaml");
    std::fs::write(&inline, &rule.examples.invalid[0].before).unwrap();
    let mut modules = Vec::new();
    for spec in [dir.path().join("train_graph.yaml"), inline] {
        let (ok, module, err) = convert(&spec);
        assert!(ok, "{}: {err}", spec.display());
        assert!(module.contains("@dsl.pipeline("), "{module}");
        let path = spec.with_extension("py");
        std::fs::write(&path, module).unwrap();
        modules.push(path);
    }
    let Some(results) = compile_files(Kfp::V2, &modules, None) else {
        return;
    };
    for r in &results {
        assert!(
            r.ok && r.compiled.iter().any(|c| c.ends_with("graph")),
            "{}: {:?} {}",
            r.file.display(),
            r.compiled,
            r.error.as_deref().unwrap_or("")
        );
    }
}
