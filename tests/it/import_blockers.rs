//! KFP016 across files: a module that imports a module of the run which still fails under kfp 2 fails with
//! it, however clean it is itself, so it carries a finding after migration. Proven by the oracle: the
//! importer compiles under kfp 1.8.22 and, after migration, fails under kfp 2.17.3 exactly as reported.

use crate::common::oracle::{Kfp, compile_files};
use crate::common::project::{Project, stderr, stdout};

/// A shared helper that uses `kfp.onprem` at module level (no kfp 2 equivalent, so no fix), with an unused
/// removed import above it that the migration deletes.
const UTIL: &str = r#"from kfp.aws import use_aws_secret
from kfp.onprem import mount_pvc

DATA_VOLUME = mount_pvc('data-claim', 'data', '/mnt/data')
"#;

const PIPELINE: &str = r#"from kfp import dsl


@dsl.pipeline(name='echo')
def pipeline(message: str = 'hello'):
    dsl.ContainerOp(name='echo', image='alpine', command=['echo', message])
"#;

/// A pipeline test module: nothing of kfp 1 in it, but it imports the helper.
const TEST: &str = r#"import kfp

from echo import pipeline
from util import DATA_VOLUME

assert kfp is not None and DATA_VOLUME is not None
"#;

fn findings(p: &Project, file: &str) -> Vec<(String, String)> {
    let o = p.run(&["check", "--output-format", "json", "."]);
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap().ends_with(file))
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_import_of_a_helper_that_still_fails_under_kfp2_is_a_finding_after_migration() {
    let p = Project::new();
    p.write("pipelines/util.py", UTIL);
    p.write("pipelines/echo.py", PIPELINE);
    p.write("pipelines/echo_test.py", TEST);
    if let Some(v1) = compile_files(Kfp::V1, &[p.path("pipelines/echo_test.py")], None) {
        assert!(v1[0].ok, "kfp 1: {:?}", v1[0].error);
    }

    let before = findings(&p, "echo_test.py");
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    // The helper was fixed where it could be (the unused import is gone), and still fails.
    let util = p.read_string("pipelines/util.py");
    assert!(!util.contains("kfp.aws"), "{util}");
    assert!(util.contains("from kfp.onprem import mount_pvc"), "{util}");

    let after = findings(&p, "echo_test.py");
    assert_eq!(
        before, after,
        "the finding does not depend on which text of the helper was read"
    );
    let [(rule, message)] = after.as_slice() else {
        panic!("one finding on the importer expected: {after:?}");
    };
    assert_eq!(rule, "KFP016");
    assert!(
        message.contains("`util` still fails to import under kfp 2: `util.py` has KFP013")
            && message.contains("kfp.onprem"),
        "{message}"
    );

    // The claim is true: under kfp 2.17.3 the migrated importer fails on the helper's import.
    if let Some(v2) = compile_files(Kfp::V2, &[p.path("pipelines/echo_test.py")], None) {
        let error = v2[0].error.as_deref().unwrap_or("");
        assert!(
            !v2[0].ok && error.contains("No module named 'kfp.onprem'"),
            "kfp 2: ok={} {error}",
            v2[0].ok
        );
    }
    // The migrated pipeline module itself imports and compiles under kfp 2: only the helper blocks.
    if let Some(v2) = compile_files(Kfp::V2, &[p.path("pipelines/echo.py")], None) {
        assert!(
            v2[0].ok,
            "kfp 2: {:?}\n{}",
            v2[0].error,
            p.read_string("pipelines/echo.py")
        );
    }
}

/// Imports the run cannot resolve to one of its files, or that do not run on import, are left alone.
#[test]
fn imports_of_files_outside_the_run_or_guarded_are_not_findings() {
    let p = Project::new();
    p.write("vendor/util.py", UTIL);
    p.write(
        "pipelines/echo_test.py",
        "import kfp\nimport sys\n\nsys.path.insert(0, '../vendor')\ntry:\n    from util import DATA_VOLUME\nexcept ImportError:\n    DATA_VOLUME = None\n",
    );
    p.write(
        "pipelines/other_test.py",
        "import kfp\nimport os.path\nfrom kfp import dsl\n",
    );
    p.write(
        "pipelines/late_test.py",
        "import kfp\n\n\ndef load():\n    from util import DATA_VOLUME\n    return DATA_VOLUME\n",
    );
    assert!(findings(&p, "echo_test.py").is_empty());
    assert!(findings(&p, "other_test.py").is_empty());
    // `util` is not beside `late_test.py` nor in its package root: nothing to resolve it to.
    assert!(findings(&p, "late_test.py").is_empty());
    // Excluding the helper from the run takes it out of the question.
    p.write("pipelines/util.py", UTIL);
    p.write(
        "pipelines/uses_test.py",
        "import kfp\nfrom util import DATA_VOLUME\n",
    );
    assert_eq!(findings(&p, "uses_test.py").len(), 1);
    let o = p.run(&[
        "check",
        "--output-format",
        "json",
        "--exclude",
        "pipelines/util.py",
        ".",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        !report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "KFP016"),
        "{report}"
    );
}
