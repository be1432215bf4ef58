//! Graph components to kfp 2 pipeline IR: `convert --format ir` and KFP504's unsafe fix (`migrate`).
//!
//! The IR of a graph is what kfp 2.17.3 compiles from the `@dsl.pipeline` module `convert` writes
//! (`tests/oracle/ir_equal.py --full`), and kfp 2.17.3 loads it with `load_component_from_file` and compiles it
//! in a one-task pipeline (`tests/oracle/yaml_component.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::oracle::{Kfp, compile_files, python};
use crate::common::project::{Project, stderr, stdout};

/// A child with a parameter input with a default and two outputs, one of each kind.
const MAKE: &str = "name: Make data
inputs:
- {name: Url, type: String}
- {name: N, type: Integer, default: '3'}
outputs:
- {name: Data, type: Dataset}
- {name: Count, type: Integer}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'echo \"$0\" > \"$1\"; echo 1 > \"$2\"', {inputValue: Url}, {outputPath: Data}, {outputPath: Count}]
";

/// A child with an artifact input, a required and an optional parameter.
const TRAIN: &str = "name: Train
inputs:
- {name: Training data, type: Dataset}
- {name: Epochs, type: Integer}
- {name: Flag, type: Boolean, optional: true}
outputs:
- {name: Model, type: Model}
- {name: Score, type: Float}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'cp \"$0\" \"$2\"; echo \"$1\" > \"$3\"', {inputPath: Training data}, {inputValue: Epochs}, {outputPath: Model}, {outputPath: Score}]
";

/// A graph whose tasks come out of dependency order, use one child twice, pass parameters and artifacts
/// from graph inputs and task outputs, and give string constants to `Integer` and `Boolean` inputs.
const GRAPH: &str = "name: My graph
description: Makes data and trains twice.
inputs:
- {name: url, type: String}
- {name: data in, type: Dataset}
- {name: rate, type: Float, default: '0.5'}
- {name: n, type: Integer, default: '4'}
outputs:
- {name: model, type: Model}
- {name: score, type: Float}
implementation:
  graph:
    tasks:
      train:
        componentRef: {url: train.yaml}
        arguments:
          Training data: {taskOutput: {taskId: make, outputName: Data}}
          Epochs: {taskOutput: {taskId: make, outputName: Count}}
      make:
        componentRef: {url: make.yaml}
        arguments: {Url: {graphInput: {inputName: url}}, N: {graphInput: {inputName: n}}}
      train again:
        componentRef: {url: train.yaml}
        arguments: {Training data: {graphInput: {inputName: data in}}, Epochs: '6', Flag: 'True'}
    outputValues:
      model: {taskOutput: {taskId: train, outputName: Model}}
      score: {taskOutput: {taskId: train again, outputName: Score}}
";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A module that loads the component YAML at `spec` and compiles it in a one-task pipeline under kfp 2.
fn one_task_module(p: &Project, stem: &str, spec: &Path) -> PathBuf {
    p.write(
        &format!("{stem}.py"),
        format!(
            "import sys\nsys.path.insert(0, {:?})\nfrom yaml_component import one_task_pipeline\n\n\
             pipeline = one_task_pipeline({:?}, __name__)\n",
            manifest().join("tests/oracle").display().to_string(),
            spec.display().to_string()
        ),
    )
}

/// Asserts kfp 2.17.3 loads each IR with `load_component_from_file` and compiles it in a one-task pipeline.
fn assert_loads_and_compiles_under_kfp2(p: &Project, irs: &[PathBuf]) {
    let modules: Vec<PathBuf> = irs
        .iter()
        .enumerate()
        .map(|(i, ir)| one_task_module(p, &format!("load_{i}"), ir))
        .collect();
    let Some(results) = compile_files(Kfp::V2, &modules, None) else {
        return;
    };
    for (r, ir) in results.iter().zip(irs) {
        assert!(
            r.ok && r.compiled == ["pipeline"],
            "kfp 2 does not load and compile {}: {:?} {}\n{}",
            ir.display(),
            r.compiled,
            r.error.as_deref().unwrap_or(""),
            std::fs::read_to_string(ir).unwrap()
        );
    }
}

fn ir_of(p: &Project, graph: &str) -> std::process::Output {
    p.run(&["convert", "--format", "ir", "-o", "-", graph])
}

/// Asserts the IR at `ir` equals, as a whole, what kfp 2.17.3 compiles from the module `convert` writes for
/// `graph` (the pipeline function `function`).
fn assert_ir_is_the_compiled_module(p: &Project, graph: &str, ir: &Path, function: &str) {
    let module = graph.replace(".yaml", ".py");
    let o = p.run(&["convert", "-o", &module, graph]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = p.path("out");
    let Some(results) = compile_files(Kfp::V2, &[p.path(&module)], Some(&out)) else {
        return;
    };
    assert!(
        results[0].ok && results[0].compiled.iter().any(|c| c == function),
        "{:?} {}\n{}",
        results[0].compiled,
        results[0].error.as_deref().unwrap_or(""),
        p.read_string(&module)
    );
    let stem = module.trim_end_matches(".py");
    let compiled = out.join(stem).join(format!("{function}.yaml"));
    let Some(py) = python(Kfp::V2) else { return };
    let check = Command::new(py)
        .arg(manifest().join("tests/oracle/ir_equal.py"))
        .arg("--full")
        .arg(ir)
        .arg(&compiled)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "--format ir differs from kfp 2's compile of the converted module:\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn a_graph_becomes_the_ir_kfp2_compiles_from_the_converted_module() {
    let p = Project::new();
    p.write("make.yaml", MAKE);
    p.write("train.yaml", TRAIN);
    p.write("graph.yaml", GRAPH);
    let o = ir_of(&p, "graph.yaml");
    assert!(o.status.success(), "{}", stderr(&o));
    let ir = stdout(&o);
    // kfp 2's names in call order: `make` runs first though the graph lists it second.
    for name in [
        "comp-make-data:",
        "comp-train:",
        "comp-train-2:",
        "exec-train-2:",
        "producerTask: make-data",
    ] {
        assert!(ir.contains(name), "{name}\n{ir}");
    }
    let ir_path = p.write("graph.ir.yaml", &ir);
    assert_ir_is_the_compiled_module(&p, "graph.yaml", &ir_path, "my_graph");
    assert_loads_and_compiles_under_kfp2(&p, &[ir_path]);
}

/// A producer whose `Text` output kfp 2 loads as a `String` parameter.
const PREDICT: &str = "name: Predict
outputs:
- {name: predictions, type: Text}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'mkdir -p \"$(dirname \"$0\")\" && echo 1.5 > \"$0\"', {outputPath: predictions}]
";

/// A consumer that reads an untyped input as a file.
const METRICS: &str = "name: Metrics
inputs:
- {name: predicted_values}
outputs:
- {name: metrics, type: JsonObject}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'echo \"{\\\"n\\\": $(wc -l < \"$0\")}\" > \"$1\"', {inputPath: predicted_values}, {outputPath: metrics}]
";

#[test]
fn an_untyped_child_input_fed_a_parameter_takes_its_type() {
    // kfp 2 refuses a `String` parameter into an untyped (artifact) input; kfp 1 passed the file. The
    // embedded child declares the type and reads the value from a file, as KFP502 fixes it.
    let p = Project::new();
    p.write("predict.yaml", PREDICT);
    p.write("metrics.yaml", METRICS);
    p.write(
        "graph.yaml",
        "name: Evaluate
outputs: [{name: metrics, type: JsonObject}]
implementation:
  graph:
    tasks:
      predict: {componentRef: {url: predict.yaml}}
      metrics:
        componentRef: {url: metrics.yaml}
        arguments: {predicted_values: {taskOutput: {taskId: predict, outputName: predictions}}}
    outputValues:
      metrics: {taskOutput: {taskId: metrics, outputName: metrics}}
",
    );
    let o = ir_of(&p, "graph.yaml");
    assert!(o.status.success(), "{}", stderr(&o));
    let ir = stdout(&o);
    let doc: serde_yaml::Value = serde_yaml::from_str(&ir).unwrap();
    let inputs = &doc["components"]["comp-metrics"]["inputDefinitions"];
    assert_eq!(
        inputs["parameters"]["predicted_values"]["parameterType"], "STRING",
        "{ir}"
    );
    let args = &doc["root"]["dag"]["tasks"]["metrics"]["inputs"]["parameters"];
    assert_eq!(
        args["predicted_values"]["taskOutputParameter"]["producerTask"], "predict",
        "{ir}"
    );
    let command = &doc["deploymentSpec"]["executors"]["exec-metrics"]["container"]["command"];
    assert!(
        command[2].as_str().unwrap().contains("mktemp"),
        "the value is written to a file: {ir}"
    );
    let ir_path = p.write("graph.ir.yaml", &ir);
    // The module loads the same retyped child, from its text.
    assert_ir_is_the_compiled_module(&p, "graph.yaml", &ir_path, "evaluate");
    assert_loads_and_compiles_under_kfp2(&p, &[ir_path]);
}

#[test]
fn what_kfp2_would_refuse_or_cannot_resolve_is_an_error_that_names_it() {
    let p = Project::new();
    p.write("train.yaml", TRAIN);
    p.write("make.yaml", MAKE);
    let graph = |tasks: &str| format!("name: G\nimplementation:\n  graph:\n    tasks:\n{tasks}");
    let cases = [
        (
            "unmapped.yaml",
            graph("      t: {componentRef: {url: 'https://example.com/c/train.yaml'}}\n"),
            "task `t`: its `componentRef` `https://example.com/c/train.yaml` does not resolve: no \
             `[component-urls]` entry covers it",
        ),
        (
            "missing.yaml",
            graph("      t: {componentRef: {url: gone.yaml}}\n"),
            "task `t`: its `componentRef` `gone.yaml` does not resolve: cannot read `gone.yaml`",
        ),
        (
            "model_into_dataset.yaml",
            graph(
                "      m: {componentRef: {url: make.yaml}, arguments: {Url: x}}\n      \
                 a: {componentRef: {url: train.yaml}, arguments: {Training data: {taskOutput: {taskId: m, outputName: Data}}, Epochs: '1'}}\n      \
                 b: {componentRef: {url: train.yaml}, arguments: {Training data: {taskOutput: {taskId: a, outputName: Model}}, Epochs: '1'}}\n",
            ),
            "task `b`: its input `Training data` is an artifact of type `system.Dataset`, given an artifact of \
             type `system.Model`",
        ),
        (
            "artifact_kind.yaml",
            graph(
                "      m: {componentRef: {url: make.yaml}, arguments: {Url: x}}\n      \
                 t: {componentRef: {url: train.yaml}, arguments: {Training data: {taskOutput: {taskId: m, outputName: Count}}, Epochs: '1'}}\n",
            ),
            "task `t`: its input `Training data` is an artifact of type `system.Dataset`, given a parameter of \
             type `Integer`",
        ),
        (
            "bad_constant.yaml",
            graph("      m: {componentRef: {url: make.yaml}, arguments: {Url: x, N: several}}\n"),
            "task `m`: the constant `several` is not a valid Integer for its input `N`",
        ),
        (
            "required.yaml",
            graph("      m: {componentRef: {url: make.yaml}}\n"),
            "task `m` gives no argument for the required input `Url`",
        ),
    ];
    for (file, text, reason) in cases {
        p.write(file, &text);
        let o = ir_of(&p, file);
        let err = stderr(&o);
        assert!(!o.status.success() && err.contains(reason), "{file}: {err}");
    }
    // The Python module loads an unmapped URL at run time: it is written all the same.
    let o = p.run(&["convert", "-o", "-", "unmapped.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn migrate_replaces_a_graph_with_its_ir_when_every_child_resolves_and_says_why_not_otherwise() {
    let p = Project::new();
    // The children by URL, through the offline map, outside the migrated tree.
    p.write("vendor/make.yaml", MAKE);
    p.write("vendor/train.yaml", TRAIN);
    let graph = GRAPH
        .replace("url: train.yaml", "url: 'https://example.com/c/train.yaml'")
        .replace("url: make.yaml", "url: 'https://example.com/c/make.yaml'");
    p.write("tree/graph.yaml", &graph);
    let digest = kfp_upgrade::component_urls::sha256_hex(b"not the spec");
    let pinned = graph.replacen(
        "url: 'https://example.com/c/make.yaml'",
        &format!("url: 'https://example.com/c/make.yaml', digest: '{digest}'"),
        1,
    );
    p.write("tree/pinned.yaml", &pinned);
    p.write(
        "tree/kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c/\" = \"../vendor/\"\n",
    );
    let report = p.path("report.md");
    let o = p.run(&[
        "migrate",
        "tree",
        "--in-place",
        "--force",
        "--unsafe-fixes",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    let migrated = p.read_string("tree/graph.yaml");
    assert!(
        migrated.starts_with("# PIPELINE DEFINITION\n# Name: my-graph\n"),
        "{migrated}"
    );
    // The v1 spec is not kept in a second file but in the report's details, under the file it came from.
    let report = std::fs::read_to_string(p.path("report.md.details.md")).unwrap();
    let section = |file: &str| {
        report
            .split("### `")
            .find(|s| s.starts_with(file))
            .unwrap_or_default()
            .to_string()
    };
    let replaced = "The v1 graph component spec";
    assert!(
        section("graph.yaml`").contains(replaced)
            && section("graph.yaml`").contains(graph.trim_end()),
        "{report}"
    );
    assert!(!section("pinned.yaml`").contains(replaced), "{report}");
    assert!(
        !std::fs::read_dir(p.path("tree")).unwrap().any(|e| {
            let name = e.unwrap().file_name();
            let name = name.to_string_lossy();
            name.starts_with("graph") && name != "graph.yaml"
        }),
        "no second file"
    );
    // Exactly what `convert --format ir` writes.
    p.write("tree/copy/graph.yaml", &graph);
    let o = p.run(&[
        "convert",
        "--format",
        "ir",
        "-o",
        "-",
        "tree/copy/graph.yaml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), migrated);
    // The pinned graph's digest does not match the mapped spec: it stays, and the finding says why.
    assert_eq!(p.read_string("tree/pinned.yaml"), pinned);
    let o = p.run(&["check", "tree/pinned.yaml"]);
    let out = stdout(&o);
    assert!(
        out.contains("KFP504") && out.contains("not the digest") && out.contains("task `make`"),
        "{out}"
    );
    // A second run changes nothing; the IR has nothing left to report.
    let o = p.run(&["check", "tree/graph.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_loads_and_compiles_under_kfp2(&p, &[p.path("tree/graph.yaml")]);
}

#[test]
fn a_child_kfp2_cannot_load_as_it_is_is_embedded_fixed_in_the_module_and_the_ir_alike() {
    // `{inputValue: message}` on an untyped input: kfp 2 loads the input as an artifact and refuses the
    // placeholder (KFP501 types it `String`).
    let p = Project::new();
    p.write(
        "echo.yaml",
        "name: Echo\ninputs:\n- {name: message}\noutputs:\n- {name: out, type: String}\nimplementation:\n  container:\n    image: alpine\n    command: [sh, -c, 'echo \"$0\" > \"$1\"', {inputValue: message}, {outputPath: out}]\n",
    );
    p.write(
        "graph.yaml",
        "name: Echo twice\ninputs: [{name: text, type: String}]\noutputs: [{name: out, type: String}]\nimplementation:\n  graph:\n    tasks:\n      first: {componentRef: {url: echo.yaml}, arguments: {message: {graphInput: {inputName: text}}}}\n      second:\n        componentRef: {url: echo.yaml}\n        arguments: {message: {taskOutput: {taskId: first, outputName: out}}}\n    outputValues:\n      out: {taskOutput: {taskId: second, outputName: out}}\n",
    );
    let o = p.run(&["convert", "-o", "graph.py", "graph.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let module = p.read_string("graph.py");
    assert!(
        module.contains("# echo.yaml, fixed for kfp 2 by kfp-upgrade\n")
            && module.contains("load_component_from_text("),
        "{module}"
    );
    let o = ir_of(&p, "graph.yaml");
    assert!(o.status.success(), "{}", stderr(&o));
    let ir_path = p.write("graph.ir.yaml", stdout(&o));
    assert_ir_is_the_compiled_module(&p, "graph.yaml", &ir_path, "echo_twice");
}

/// A child vendored inside the tree being migrated, mapped by `[component-urls]` and pinned by its digest,
/// that the same run fixes (KFP501 types its untyped input): the graph's digest is checked against the spec
/// as vendored, not as the run rewrote it, so the graph becomes its IR and the child is fixed too.
#[test]
fn a_vendored_child_the_run_also_fixes_is_resolved_as_it_was() {
    let echo = "name: Echo\ninputs:\n- {name: message}\noutputs:\n- {name: out, type: String}\nimplementation:\n  container:\n    image: alpine\n    command: [sh, -c, 'echo \"$0\" > \"$1\"', {inputValue: message}, {outputPath: out}]\n";
    let digest = kfp_upgrade::component_urls::sha256_hex(echo.as_bytes());
    let graph = format!(
        "name: Echo once\ninputs: [{{name: text, type: String}}]\noutputs: [{{name: out, type: String}}]\nimplementation:\n  graph:\n    tasks:\n      first: {{componentRef: {{url: 'https://example.com/c/echo.yaml', digest: '{digest}'}}, arguments: {{message: {{graphInput: {{inputName: text}}}}}}}}\n    outputValues:\n      out: {{taskOutput: {{taskId: first, outputName: out}}}}\n"
    );
    let p = Project::new();
    // The child sorts first and the graph last, with specs between them: the child is fixed and written
    // long before the graph's turn, as `_urlcache/` and the graphs of kfp's tree are.
    p.write("tree/_vendor/echo.yaml", echo);
    for i in 0..400 {
        p.write(
            &format!("tree/specs/s{i:03}.yaml"),
            echo.replace("Echo", &format!("Echo {i}")),
        );
    }
    p.write("tree/z_graph.yaml", &graph);
    p.write(
        "tree/kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c/\" = \"_vendor/\"\n",
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "--quiet", "tree"]);
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    assert_ne!(
        p.read_string("tree/_vendor/echo.yaml"),
        echo,
        "the child is fixed too"
    );
    let migrated = p.read_string("tree/z_graph.yaml");
    assert!(
        migrated.starts_with("# PIPELINE DEFINITION\n"),
        "{}\n{migrated}",
        stdout(&o)
    );
    assert_loads_and_compiles_under_kfp2(&p, &[p.path("tree/z_graph.yaml")]);
}
