//! Rules whose fixes write names of packages beside kfp, proven against those packages:
//! - every GCPC 2 name KFP431 writes imports from google-cloud-pipeline-components 2.22.0, and every KFP430
//!   (Vertex AI SDK), KFP431 and KFP432 `after` compiles there with kfp 2.17.3;
//! - the GCPC 1 `before` of KFP431 and KFP432 compiles with google-cloud-pipeline-components 1.0.44 and kfp
//!   1.8.22; KFP432's GCPC 2 `before` fails under GCPC 2.22.0 on the keyword it reports, and its GCPC 2 valid
//!   code (what the diagnostic asks for) compiles there (tests/it/gcpc_keywords.rs checks KFP432's table);
//! - every kfp-tekton name KFP410-KFP412 match imports from kfp-tekton 1.9.3, and their `before` examples compile
//!   there with kfp 1.8.22 (the plain kfp 1 oracle lacks kfp-tekton, so rule_examples checks `v1_error` only).

use std::path::PathBuf;

use crate::common::ecosystem::{compile_failures, pythons, run_python};
use kfp_upgrade::registry::registry;

fn write_examples(dir: &std::path::Path, ids: &[&str], after: bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for id in ids {
        let rule = registry().get(id).expect("rule exists");
        for ex in &rule.examples.invalid {
            let text = if after {
                ex.after.as_deref()
            } else {
                Some(ex.before.as_str())
            };
            let Some(text) = text else { continue };
            let path = dir.join(format!("{id}_{}.py", ex.name.replace('-', "_")));
            std::fs::write(&path, text).unwrap();
            files.push(path);
        }
    }
    files
}

/// `import a.b; a.b.c` for every qualified name of a rule's table column.
fn import_check(names: &[String]) -> String {
    let mut code = String::from("import importlib\nmissing = []\n");
    for name in names {
        code.push_str(&format!(
            "try:\n    m, _, n = {name:?}.rpartition('.')\n    getattr(importlib.import_module(m), n)\nexcept Exception:\n    try:\n        importlib.import_module({name:?})\n    except Exception as e:\n        missing.append(({name:?}, repr(e)))\n"
        ));
    }
    code.push_str(
        "assert not missing, missing\nprint(len(%d))\n"
            .replace("%d", "missing")
            .as_str(),
    );
    code
}

#[test]
fn gcpc_table_targets_exist_in_gcpc_2() {
    let Some(p) = pythons() else { return };
    let rule = registry().get("KFP431").unwrap();
    let targets: Vec<String> = rule.table.iter().filter_map(|e| e.to.clone()).collect();
    assert!(targets.len() > 20, "the GCPC table lost its rows");
    let (ok, out) = run_python(&p.gcpc, &import_check(&targets));
    assert!(ok, "GCPC 2.22.0 lacks names KFP431 writes:\n{out}");
}

#[test]
fn gcpc_and_vertex_fixes_compile_with_their_packages() {
    let Some(p) = pythons() else { return };
    let dir = tempfile::tempdir().unwrap();
    let files = write_examples(dir.path(), &["KFP430", "KFP431", "KFP432"], true);
    assert!(files.len() >= 3, "{files:?}");
    let failures = compile_failures(&p.gcpc, 2, &files);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn gcpc_1_befores_compile_with_gcpc_1() {
    let Some(p) = pythons() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for id in ["KFP431", "KFP432"] {
        let rule = registry().get(id).unwrap();
        // Examples with `v1_error` are GCPC 2 code, or import nothing GCPC 1 has.
        for ex in rule
            .examples
            .invalid
            .iter()
            .filter(|e| e.v1_error.is_none())
        {
            let path = dir
                .path()
                .join(format!("{id}_{}.py", ex.name.replace('-', "_")));
            std::fs::write(&path, &ex.before).unwrap();
            files.push(path);
        }
    }
    assert!(files.len() >= 3, "{files:?}");
    let failures = compile_failures(&p.gcpc1, 1, &files);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// KFP432's claim, made by kfp 2 itself: a reported keyword is one GCPC 2.22.0 rejects, and the code the
/// diagnostic asks for compiles.
#[test]
fn gcpc_2_keywords_kfp432_reports_fail_under_gcpc_2() {
    let Some(p) = pythons() else { return };
    let rule = registry().get("KFP432").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for ex in rule
        .examples
        .invalid
        .iter()
        .filter(|e| e.v1_error.is_some())
    {
        let source = kfp_upgrade::source::SourceFile::new(
            std::path::Path::new("example.py"),
            ex.before.clone(),
            false,
        );
        let diagnostics = kfp_upgrade::python::check(&source, &Default::default());
        let reported: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.rule == "KFP432")
            .map(|d| &ex.before[d.range.clone()])
            .collect();
        assert!(!reported.is_empty(), "{}: nothing reported", ex.name);
        let path = dir.path().join(format!("{}.py", ex.name.replace('-', "_")));
        std::fs::write(&path, &ex.before).unwrap();
        let failures = compile_failures(&p.gcpc, 2, std::slice::from_ref(&path));
        // A keyword is reported by its name, positional arguments by their span.
        let expected = if ex.before.contains(&format!("{}=", reported[0])) {
            format!("unexpected keyword argument \"{}\"", reported[0])
        } else {
            "Positional parameters are not allowed".to_string()
        };
        assert!(
            failures.len() == 1 && failures[0].contains(&expected),
            "{}: expected kfp 2 to fail with `{expected}`, got {failures:?}",
            ex.name
        );
        checked += 1;
    }
    assert!(checked >= 3, "KFP432 lost its GCPC 2 examples");
    let mut files = Vec::new();
    for ex in rule
        .examples
        .valid
        .iter()
        .filter(|e| !e.code.contains("kfp.v2"))
    {
        let path = dir
            .path()
            .join(format!("valid_{}.py", ex.name.replace('-', "_")));
        std::fs::write(&path, &ex.code).unwrap();
        files.push(path);
    }
    assert!(files.len() >= 2, "{files:?}");
    let failures = compile_failures(&p.gcpc, 2, &files);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn tekton_names_and_examples_exist_in_kfp_tekton() {
    let Some(p) = pythons() else { return };
    let mut names = Vec::new();
    for id in ["KFP410", "KFP411", "KFP412"] {
        names.extend(
            registry()
                .get(id)
                .unwrap()
                .table
                .iter()
                .map(|e| e.from.clone()),
        );
    }
    let (ok, out) = run_python(&p.tekton, &import_check(&names));
    assert!(
        ok,
        "kfp-tekton 1.9.3 lacks names the tekton rules match:\n{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let files = write_examples(dir.path(), &["KFP410", "KFP411", "KFP412"], false);
    let failures = compile_failures(&p.tekton, 1, &files);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
