//! Component rules through the binary: the project index across files and packages, the target version, and
//! the rule that call sites only change together with their component.

use crate::common::project::{Project, stdout};

const COMPONENTS: &str = "\
from kfp.components import InputPath, OutputPath, create_component_from_func


@create_component_from_func
def make(rows: int, data_path: OutputPath()):
    open(data_path, 'w').write('x' * rows)


@create_component_from_func
def count(data_path: InputPath()) -> int:
    return len(open(data_path).read())
";

const PIPELINE_RELATIVE: &str = "\
from kfp import dsl

from .components import count, make


@dsl.pipeline(name='p')
def pipeline():
    count(data=make(rows=3).outputs['data'])
";

#[test]
fn relative_imports_in_packages_reach_the_component() {
    let p = Project::new();
    p.write("pkg/__init__.py", "");
    p.write("pkg/components.py", COMPONENTS);
    p.write("pkg/pipeline.py", PIPELINE_RELATIVE);
    let o = p.run(&[
        "check",
        "--output-format",
        "concise",
        "pkg/pipeline.py",
        "pkg/components.py",
    ]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "pkg/pipeline.py:8:11: KFP102 The input `data` of v1 component `count` is `data_path`"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "pkg/pipeline.py:8:37: KFP102 The output `data` of v1 component `make` is `data_path`"
        ),
        "{out}"
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "pkg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        p.read_string("pkg/pipeline.py")
            .contains("count(data_path=make(rows=3).outputs['data_path'])"),
        "{}",
        p.read_string("pkg/pipeline.py")
    );
}

/// Folders without `__init__.py` (namespace packages, as kfp's own samples are laid out): a relative import
/// is resolved by path, so the call site follows the component's renames all the same.
#[test]
fn relative_imports_through_namespace_folders_reach_the_component() {
    let p = Project::new();
    p.write("samples/core/components.py", COMPONENTS);
    p.write(
        "samples/test/pipeline.py",
        PIPELINE_RELATIVE.replace("from .components", "from ..core.components"),
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "samples"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let pipeline = p.read_string("samples/test/pipeline.py");
    assert!(
        pipeline.contains("count(data_path=make(rows=3).outputs['data_path'])"),
        "{pipeline}"
    );
}

#[test]
fn safe_fixes_never_rename_call_sites_of_a_component_that_stays_v1() {
    let p = Project::new();
    p.write("components.py", COMPONENTS);
    p.write(
        "pipeline.py",
        "from kfp import dsl\n\nimport components as c\n\n\n@dsl.pipeline(name='p')\ndef pipeline():\n    c.count(c.make(3).outputs['data'])\n",
    );
    let o = p.run(&["check", "--fix", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    // Positional arguments became v1 keywords (right under kfp 1); the v1 names stay until the unsafe
    // migration of the definition, which renames both sides together.
    assert_eq!(
        p.read_string("pipeline.py"),
        "from kfp import dsl\n\nimport components as c\n\n\n@dsl.pipeline(name='p')\ndef pipeline():\n    c.count(data=c.make(rows=3).outputs['data'])\n"
    );
    assert_eq!(p.read_string("components.py"), COMPONENTS);
}

#[test]
fn a_component_outside_the_run_is_not_guessed() {
    let p = Project::new();
    p.write("lib/components.py", COMPONENTS);
    p.write(
        "pipeline.py",
        "from kfp import dsl\n\nfrom components import count\n\n\n@dsl.pipeline(name='p')\ndef pipeline():\n    count(data='x')\n",
    );
    let o = p.run(&["check", "--output-format", "concise", "pipeline.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn calls_of_kfp2_components_in_other_files_are_checked_too() {
    let p = Project::new();
    p.write(
        "ops.py",
        "from kfp import dsl\n\n\n@dsl.component\ndef add(a: int, b: int) -> int:\n    return a + b\n",
    );
    p.write(
        "pipeline.py",
        "from kfp import dsl\n\nfrom ops import add\n\n\n@dsl.pipeline(name='p')\ndef pipeline():\n    add(1, '2')\n",
    );
    let o = p.run(&["check", "--output-format", "concise", "."]);
    let out = stdout(&o);
    assert!(out.contains("pipeline.py:8:9: KFP103"), "{out}");
    assert!(
        out.contains("pipeline.py:8:12: KFP105 String passed to int input `b`"),
        "{out}"
    );
    let o = p.run(&["check", "--fix", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(p.read_string("pipeline.py").contains("add(a=1, b=2)"));
}

const PYTHONIC: &str = "\
from kfp import dsl
from kfp.dsl import Metrics, Output


@dsl.component
def evaluate(metrics: Output[Metrics]):
    metrics.log_metric('x', 1.0)
";

#[test]
fn target_version_enables_and_disables_the_opt_in_modernisation() {
    let p = Project::new();
    p.write("c.py", PYTHONIC);
    // Off by default.
    let o = p.run(&["check", "c.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // On with a target at or above kfp 2.4, or when selected.
    let o = p.run(&[
        "check",
        "--target-version",
        "2.4",
        "--output-format",
        "concise",
        "c.py",
    ]);
    assert!(stdout(&o).contains("KFP116"), "{}", stdout(&o));
    let o = p.run(&[
        "check",
        "--select",
        "KFP116",
        "--output-format",
        "concise",
        "c.py",
    ]);
    assert!(stdout(&o).contains("KFP116"), "{}", stdout(&o));
    // Never for a target that lacks the feature, even when selected.
    let o = p.run(&[
        "check",
        "--select",
        "KFP116",
        "--target-version",
        "2.3",
        "c.py",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Not a kfp 2 release.
    let o = p.run(&["check", "--target-version", "1.8", "c.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the target must be a kfp 2 release"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Callers are renamed only when the definition's own rewrite really applies: whatever keeps a definition v1
/// (a `# noqa`, comments inside the factory call, an option kfp 2 lacks) keeps its callers' v1 keywords.
#[test]
fn callers_keep_v1_names_whenever_the_definition_stays_v1() {
    let pipeline = "\
from kfp import dsl

from components import count, make


@dsl.pipeline(name='p')
def pipeline():
    count(data=make(rows=3).outputs['data'])
";
    let definitions = [
        COMPONENTS.replace(
            "@create_component_from_func\ndef make",
            "@create_component_from_func  # noqa: KFP101\ndef make",
        ),
        COMPONENTS.replace(
            "@create_component_from_func\ndef count(data_path: InputPath()) -> int:\n    return len(open(data_path).read())\n",
            "def count(data_path: InputPath()) -> int:\n    return len(open(data_path).read())\n\n\ncount = create_component_from_func(\n    count,  # the function\n)\n",
        ),
        COMPONENTS.replace(
            "@create_component_from_func\ndef count(data_path: InputPath()) -> int:\n    return len(open(data_path).read())\n",
            "def count(data_path: InputPath()) -> int:\n    return len(open(data_path).read())\n\n\ncount = comp.func_to_container_op(count, use_code_pickling=True)\n",
        )
        .replace("from kfp.components", "import kfp.components as comp\nfrom kfp.components"),
        // `make` in a file whose KFP101 is off by `per-file-ignores` (the index reads each file's own rules).
        COMPONENTS.replace(
            "@create_component_from_func\ndef count(data_path: InputPath()) -> int:\n    return len(open(data_path).read())\n",
            "",
        ),
    ];
    for (i, components) in definitions.iter().enumerate() {
        let p = Project::new();
        if i == 3 {
            p.write(
                "kfp-upgrade.toml",
                "[per-file-ignores]\n\"components.py\" = [\"KFP101\"]\n",
            );
            p.write(
                "counting.py",
                COMPONENTS.replace(
                    "@create_component_from_func\ndef make(rows: int, data_path: OutputPath()):\n    open(data_path, 'w').write('x' * rows)\n",
                    "",
                ),
            );
            p.write(
                "pipeline.py",
                pipeline.replace(
                    "from components import count, make",
                    "from components import make\nfrom counting import count",
                ),
            );
        } else {
            p.write("pipeline.py", pipeline);
        }
        p.write("components.py", components);
        let o = p.run(&[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--output-format",
            "concise",
            ".",
        ]);
        let fixed = p.read_string("pipeline.py");
        // The one definition that stays v1 keeps its callers' names; the other one migrates with its callers.
        let (kept, renamed) = if i == 0 || i == 3 {
            ("outputs['data']", "count(data_path=")
        } else {
            ("count(data=", "outputs['data_path']")
        };
        assert!(
            fixed.contains(kept) && fixed.contains(renamed),
            "case {i}:\n{fixed}\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn components_created_inside_functions_are_only_shown() {
    let p = Project::new();
    p.write(
        "p.py",
        "\
import kfp.components as comp
from kfp import dsl
from kfp.components import InputPath


def count(data_path: InputPath()) -> int:
    return len(open(data_path).read())


def add(a: int, b: int) -> int:
    return a + b


@dsl.pipeline(name='p')
def pipeline():
    count_op = comp.create_component_from_func(count)
    add_op = comp.create_component_from_func(add)
    count_op(data=add_op(a=1, b=2).output)
",
    );
    let o = p.run(&[
        "check",
        "--fix",
        "--unsafe-fixes",
        "--output-format",
        "concise",
        "p.py",
    ]);
    let fixed = p.read_string("p.py");
    // `add` keeps its names, so its rewrite applies; `count`'s would break the untracked call below.
    assert!(
        fixed.contains("add_op = dsl.component(add, base_image='python:3.11')"),
        "{fixed}"
    );
    assert!(
        fixed.contains("count_op = comp.create_component_from_func(count)"),
        "{fixed}"
    );
    assert!(
        stdout(&o).contains("calls of a component created inside a function are not tracked"),
        "{}",
        stdout(&o)
    );
}

/// `import kfp` does not load `kfp.kubernetes` (a separate package): fixes must import it.
#[test]
fn kfp_kubernetes_is_imported_not_reached_through_kfp() {
    let p = Project::new();
    p.write(
        "p.py",
        "\
import kfp
from kfp import dsl


@dsl.pipeline(name='p')
def pipeline():
    op = dsl.ContainerOp(name='sleep', image='alpine', command=['sleep', '1'])
    op.set_timeout(60)
",
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "p.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let fixed = p.read_string("p.py");
    assert!(fixed.contains("from kfp import dsl, kubernetes"), "{fixed}");
    assert!(
        fixed.contains("kubernetes.set_timeout(op, seconds=60)"),
        "{fixed}"
    );
    assert!(!fixed.contains("kfp.kubernetes."), "{fixed}");
}
