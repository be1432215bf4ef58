//! Graph-level fidelity of migrated ops: what the UI shows of a task (its label) and how consumers read a
//! lone output survive the migration, checked against the real SDKs (kfp 1.8.22 before, kfp 2.17.3 after).

use crate::common::oracle::{Kfp, compile_files};
use crate::common::project::{Project, stdout};
use serde::Deserialize;

/// The `taskInfo.name` (the UI label) of every task of a compiled kfp 2 pipeline's root DAG, sorted.
fn task_labels(compiled: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(compiled).unwrap();
    let doc: serde_yaml::Value = serde_yaml::Deserializer::from_str(&text)
        .next()
        .map(|d| serde_yaml::Value::deserialize(d).unwrap())
        .unwrap();
    let mut labels: Vec<String> = doc["root"]["dag"]["tasks"]
        .as_mapping()
        .unwrap()
        .values()
        .map(|t| t["taskInfo"]["name"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    labels
}

const OP_NAMES: &str = r#"from kfp import dsl


def echo_op(text):
    return dsl.ContainerOp(
        name='echo',
        image='alpine',
        command=['sh', '-c', 'echo "$0"', text],
    )


class GreetOp(dsl.ContainerOp):
    def __init__(self, who):
        super(GreetOp, self).__init__(name='greet', image='alpine', command=['echo', who])


@dsl.pipeline(name='labels')
def pipeline(text: str = 'hi'):
    first = echo_op(text)
    GreetOp('you').after(first)
"#;

/// A factory's (and a subclass's) `name=` labelled each task in v1; kfp 2 would label it after the function,
/// so every call keeps the v1 name with `.set_display_name(...)`.
#[test]
fn factory_and_subclass_op_names_stay_the_task_labels() {
    let project = Project::new();
    let original = project.write("before/labels.py", OP_NAMES);
    let migrated = project.write("after/labels.py", OP_NAMES);
    let out = project.run(&["check", "--fix", "--unsafe-fixes", "after"]);
    let text = std::fs::read_to_string(&migrated).unwrap();
    assert!(
        text.contains("echo_op(text=text).set_display_name('echo')")
            && text.contains("GreetOp(who='you').set_display_name('greet')"),
        "{}\n{text}",
        stdout(&out)
    );
    let Some(v1) = compile_files(Kfp::V1, &[original], None) else {
        return;
    };
    assert!(v1[0].ok, "{:?}", v1[0].error);
    let compiled = project.path("v2");
    let Some(v2) = compile_files(Kfp::V2, std::slice::from_ref(&migrated), Some(&compiled)) else {
        return;
    };
    assert!(v2[0].ok, "{:?}\n{text}", v2[0].error);
    let yaml = compiled.join("labels").join("pipeline.yaml");
    assert_eq!(task_labels(&yaml), ["echo", "greet"], "{text}");
}

/// A notebook whose own component is read as `task.outputs['output']` (v1's alias of the lone output): kfp 2
/// calls that output `Output`, and the notebook's definitions are not in the project index, so the key
/// becomes `task.output`, which reads the lone output in both SDKs.
#[test]
fn notebook_lone_output_alias_becomes_task_output() {
    let cells = [
        "import kfp\nfrom kfp import dsl\nfrom kfp.components import func_to_container_op\n",
        "@func_to_container_op\ndef produce() -> str:\n    return 'Hello world'\n\n\n@func_to_container_op\ndef consume(text: str):\n    print(text)\n",
        "@dsl.pipeline(name='alias')\ndef pipeline():\n    produced = produce()\n    consume(produced.outputs['output'])\n",
    ];
    let project = Project::new();
    let before = project.write("before.py", cells.concat());
    project.write("alias.ipynb", crate::common::notebook::of_cells(&cells));
    let out = project.run(&["check", "--fix", "--unsafe-fixes", "alias.ipynb"]);
    let code: String = crate::common::notebook::cell_sources(&project.read_string("alias.ipynb"))
        .iter()
        .map(|c| format!("{c}\n"))
        .collect();
    assert!(
        code.contains("consume(text=produced.output)") && !code.contains("outputs["),
        "{}\n{code}",
        stdout(&out)
    );
    let after = project.write("after.py", &code);
    let Some(v1) = compile_files(Kfp::V1, &[before], None) else {
        return;
    };
    assert!(v1[0].ok, "{:?}", v1[0].error);
    let Some(v2) = compile_files(Kfp::V2, &[after], None) else {
        return;
    };
    assert!(v2[0].ok, "{:?}\n{code}", v2[0].error);
}
