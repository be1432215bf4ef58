//! A fix never makes code worse: no name used before it is bound, no import deleted while still read, no
//! runaway fix. Each case is real v1 code (it compiles under kfp 1.8.22) and the migrated result compiles under
//! kfp 2.17.3, checked by the oracle; a second run changes nothing.

use crate::common::oracle::{Kfp, compile_files};
use crate::common::project::{Project, stderr, stdout};

fn assert_compiles(kfp: Kfp, project: &Project, file: &str) {
    let Some(results) = compile_files(kfp, &[project.path(file)], None) else {
        return;
    };
    assert!(
        results[0].ok,
        "{kfp:?}: {file} does not compile: {:?}\n{}",
        results[0].error,
        project.read_string(file)
    );
}

/// Migrates `file` with unsafe fixes, checks that a second run changes nothing, and returns the result.
fn migrate(project: &Project, file: &str) -> String {
    let o = project.run(&["check", "--fix", "--unsafe-fixes", file]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    let once = project.read_string(file);
    project.run(&["check", "--fix", "--unsafe-fixes", file]);
    assert_eq!(
        project.read_string(file),
        once,
        "a second run changed the file"
    );
    once
}

/// `dsl` is bound only further down the module: the component factory's rewrite must not use it before.
#[test]
fn a_name_bound_further_down_is_not_used_before_it_is_bound() {
    let p = Project::new();
    let src = r#"import kfp.components as comp


def add(a: float, b: float) -> float:
    return a + b


add_op = comp.create_component_from_func(add)

import kfp.dsl as dsl


@dsl.pipeline(name='add')
def add_pipeline(a: float = 1.0):
    add_op(a, 4.0)
"#;
    p.write("add.py", src);
    assert_compiles(Kfp::V1, &p, "add.py");
    let out = migrate(&p, "add.py");
    let component = out.find("add_op = ").unwrap();
    let import = out
        .find("from kfp import dsl")
        .or_else(|| out.find("import kfp.dsl as dsl"));
    assert!(
        import.is_some_and(|i| i < component),
        "dsl must be imported before its first use:\n{out}"
    );
    assert_compiles(Kfp::V2, &p, "add.py");
}

/// The only `import kfp` sits under `if __name__ == '__main__':`: the `@dsl.pipeline` decorator the fix writes
/// needs an import that runs before the function, and is written once.
#[test]
fn a_decorator_is_written_once_with_an_import_that_runs_before_it() {
    let p = Project::new();
    let src = r#"from kfp import components

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


def echo_pipeline(message: str = 'hello'):
    echo_op(message=message)


if __name__ == '__main__':
    import kfp
    kfp.compiler.Compiler().compile(echo_pipeline, 'echo.yaml')
"#;
    p.write("echo.py", src);
    assert_compiles(Kfp::V1, &p, "echo.py");
    let out = migrate(&p, "echo.py");
    assert_eq!(out.matches("@").count(), 1, "{out}");
    let decorator = out.find('@').unwrap();
    let import = out
        .find("from kfp import components, dsl")
        .or_else(|| out.find("from kfp import dsl"))
        .expect(&out);
    assert!(import < decorator, "{out}");
    assert_compiles(Kfp::V2, &p, "echo.py");
}

/// The guard behind the rules: a fix that would leave a name unbound is held back and reported, whatever
/// rule made it. kfp-tekton's custom-task image list is read right after its import; the import must stay.
#[test]
fn an_import_still_read_is_not_deleted() {
    let p = Project::new();
    let src = r#"from kfp_tekton.tekton import TEKTON_CUSTOM_TASK_IMAGES

TEKTON_CUSTOM_TASK_IMAGES = TEKTON_CUSTOM_TASK_IMAGES.append('example.com/my-task:latest')
"#;
    p.write("tekton.py", src);
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "tekton.py"]);
    let out = p.read_string("tekton.py");
    assert!(
        out.contains("from kfp_tekton.tekton import TEKTON_CUSTOM_TASK_IMAGES"),
        "{out}\n{}",
        stderr(&o)
    );
    // The finding that explains the kfp-tekton feature stays.
    let o = p.run(&["check", "--output-format", "concise", "tekton.py"]);
    assert!(stdout(&o).contains("KFP412"), "{}", stdout(&o));
}
