//! Every rule proves itself with the examples in its data file:
//! - each invalid example is *reported* (exactly `count` diagnostics of the rule) — else "missing"/"noisy";
//! - fixing `before` (all rules, unsafe fixes included, to a fixed point) gives exactly `after` — else "wrong fix";
//!   without `after`, fixing `before` with only the rule selected changes nothing;
//! - `after` is clean of the rule, and fixing it again changes nothing — else "not idempotent";
//! - each valid example gives no diagnostic of the rule — else "noisy";
//! - the oracle: `before` imports and compiles under kfp 1.8.22, `after` under kfp 2.17.3.

mod common;

use std::path::{Path, PathBuf};

use common::oracle::{Kfp, compile_files};
use kfp_upgrade::python;
use kfp_upgrade::rules::{Rule, registry};
use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;

fn source(text: &str) -> SourceFile {
    SourceFile::new(Path::new("example.py"), text.to_string(), false)
}

/// Every default rule, plus `rule` itself when it is opt-in (selected by its id, as a user would).
fn all_rules_and(rule: &Rule) -> RuleSelection {
    RuleSelection {
        select: if rule.opt_in {
            vec!["KFP".into(), rule.id.clone()]
        } else {
            vec![]
        },
        ..RuleSelection::default()
    }
}

/// Rules of the `shell` family check shell, Makefile and CI text, not Python.
fn is_shell(rule: &Rule) -> bool {
    rule.family == "shell"
}

/// Rules of the `component_yaml` and `artefacts` families check YAML files: their examples are component
/// specs or compiled pipelines.
fn is_yaml(rule: &Rule) -> bool {
    matches!(rule.family.as_str(), "component_yaml" | "artefacts")
}

fn yaml_source(text: &str) -> SourceFile {
    SourceFile::new(Path::new("component.yaml"), text.to_string(), false)
}

fn yaml_fixed(text: &str, selection: &RuleSelection) -> Result<String, String> {
    kfp_upgrade::yaml::fix(&yaml_source(text), selection, true)
        .map(|(t, _)| t)
        .map_err(|e| e.to_string())
}

fn count_of(rule: &Rule, text: &str) -> Result<usize, String> {
    let diagnostics = if is_shell(rule) {
        kfp_upgrade::shell::check(&source(text), &all_rules_and(rule))
    } else if is_yaml(rule) {
        kfp_upgrade::yaml::check(&yaml_source(text), &all_rules_and(rule))
            .map_err(|e| e.to_string())?
    } else {
        python::check(&source(text), &all_rules_and(rule))
    };
    // Only the syntax-error rule's own examples may fail to parse.
    if rule.id != python::SYNTAX_ERROR_RULE
        && let Some(d) = diagnostics
            .iter()
            .find(|d| d.rule == python::SYNTAX_ERROR_RULE)
    {
        return Err(d.message.clone());
    }
    Ok(diagnostics.iter().filter(|d| d.rule == rule.id).count())
}

fn only(rule: &Rule) -> RuleSelection {
    RuleSelection {
        select: vec![rule.id.clone()],
        ..RuleSelection::default()
    }
}

fn fixed(rule: &Rule, text: &str) -> Result<String, String> {
    if is_shell(rule) {
        return Ok(shell_fixed(text, &all_rules_and(rule)));
    }
    if is_yaml(rule) {
        return yaml_fixed(text, &all_rules_and(rule));
    }
    fixed_with(text, &all_rules_and(rule))
}

/// One round of shell fixes (each replaces a whole command, so one round reaches the fixed point).
fn shell_fixed(text: &str, selection: &RuleSelection) -> String {
    let diagnostics = kfp_upgrade::shell::check(&source(text), selection);
    kfp_upgrade::fix::apply_fixes(text, &diagnostics, true)
        .map_or_else(|| text.to_string(), |(t, _)| t)
}

fn fixed_with(text: &str, selection: &RuleSelection) -> Result<String, String> {
    let outcome = python::fix(&source(text), selection, true);
    if let Some((rules, err)) = outcome.invalid_fix {
        return Err(format!("fixes by {rules:?} produced invalid Python: {err}"));
    }
    Ok(outcome.text)
}

#[test]
fn every_rule_example_behaves_as_documented() {
    let mut failures = Vec::new();
    for rule in &registry().rules {
        for ex in &rule.examples.invalid {
            let at = format!("{} invalid `{}`", rule.id, ex.name);
            match count_of(rule, &ex.before) {
                Ok(n) if n == ex.count => {}
                Ok(0) => failures.push(format!("{at}: missing (no diagnostic)")),
                Ok(n) => failures.push(format!(
                    "{at}: noisy ({n} diagnostics, expected {})",
                    ex.count
                )),
                Err(e) => failures.push(format!("{at}: before does not parse: {e}")),
            }
            // With `after`, fixing with every rule gives it; without, the rule itself changes nothing (other
            // rules may still fix the example's other v1 constructs).
            let expected = ex.after.as_deref().unwrap_or(&ex.before);
            let result = match &ex.after {
                Some(_) => fixed(rule, &ex.before),
                None if is_shell(rule) => Ok(shell_fixed(&ex.before, &only(rule))),
                None if is_yaml(rule) => yaml_fixed(&ex.before, &only(rule)),
                None => fixed_with(&ex.before, &only(rule)),
            };
            match result {
                Ok(actual) if actual == expected => {}
                Ok(actual) => failures.push(format!(
                    "{at}: wrong fix\n--- expected\n{expected}\n--- actual\n{actual}\n---"
                )),
                Err(e) => failures.push(format!("{at}: {e}")),
            }
            if let Some(after) = &ex.after {
                match count_of(rule, after) {
                    Ok(0) => {}
                    Ok(n) => {
                        failures.push(format!("{at}: after still has {n} diagnostics of the rule"))
                    }
                    Err(e) => failures.push(format!("{at}: after does not parse: {e}")),
                }
                match fixed(rule, after) {
                    Ok(again) if &again == after => {}
                    Ok(_) => {
                        failures.push(format!("{at}: not idempotent (fixing after changes it)"))
                    }
                    Err(e) => failures.push(format!("{at}: {e}")),
                }
            }
        }
        for ex in &rule.examples.valid {
            match count_of(rule, &ex.code) {
                Ok(0) => {}
                Ok(n) => failures.push(format!(
                    "{} valid `{}`: noisy ({n} diagnostics)",
                    rule.id, ex.name
                )),
                Err(e) => failures.push(format!(
                    "{} valid `{}`: does not parse: {e}",
                    rule.id, ex.name
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Writes the oracle examples to files named after their rule and example.
fn write_examples(
    dir: &Path,
    mut pick: impl FnMut(&kfp_upgrade::rules::InvalidExample) -> Option<&str>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for rule in &registry().rules {
        for ex in rule.examples.invalid.iter().filter(|e| e.oracle) {
            if let Some(text) = pick(ex) {
                let stem = format!("{}_{}", rule.id, ex.name.replace('-', "_"));
                let path = dir.join(format!("{stem}.py"));
                if is_yaml(rule) {
                    files.push(yaml_example_module(dir, &stem, text));
                    continue;
                }
                std::fs::write(&path, text).unwrap();
                files.push(path);
            }
        }
    }
    files
}

/// A component YAML example: the spec beside a module that loads it and builds a one-task pipeline
/// (`tests/oracle/yaml_component.py`), so the oracle loads, instantiates and compiles it.
fn yaml_example_module(dir: &Path, stem: &str, text: &str) -> PathBuf {
    let spec = dir.join(format!("{stem}.yaml"));
    std::fs::write(&spec, text).unwrap();
    let helpers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    let module = dir.join(format!("{stem}.py"));
    std::fs::write(
        &module,
        format!(
            "import sys\nsys.path.insert(0, {:?})\nfrom yaml_component import one_task_pipeline\n\n\
             pipeline = one_task_pipeline({:?}, __name__)\n",
            helpers.display().to_string(),
            spec.display().to_string()
        ),
    )
    .unwrap();
    module
}

fn assert_all_compile(kfp: Kfp, files: &[PathBuf]) {
    let Some(results) = compile_files(kfp, files, None) else {
        return;
    };
    let failures: Vec<String> = results
        .iter()
        // A component YAML example's module must really compile its one-task pipeline.
        .filter(|r| !r.ok || (r.compiled.is_empty() && r.file.with_extension("yaml").exists()))
        .map(|r| {
            format!(
                "{}: {}",
                r.file.display(),
                r.error.as_deref().unwrap_or("failed")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{kfp:?} oracle failures:\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn oracle_before_examples_compile_under_kfp1() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_examples(dir.path(), |ex| {
        ex.v1_error.is_none().then_some(ex.before.as_str())
    });
    assert!(!files.is_empty());
    assert_all_compile(Kfp::V1, &files);
}

/// Examples documented as already broken under kfp 1.8.22 really are, with the documented error.
#[test]
fn oracle_v1_errors_are_real() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    let files = write_examples(dir.path(), |ex| {
        let e = ex.v1_error.as_deref()?;
        expected.push(e.to_string());
        Some(ex.before.as_str())
    });
    let Some(results) = compile_files(Kfp::V1, &files, None) else {
        return;
    };
    for (result, error) in results.iter().zip(&expected) {
        let actual = result.error.as_deref().unwrap_or("");
        assert!(
            !result.ok && actual.contains(error.as_str()),
            "{}: expected kfp 1 to fail with `{error}`, got ok={} error={actual}",
            result.file.display(),
            result.ok
        );
    }
}

#[test]
fn oracle_after_examples_compile_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = write_examples(dir.path(), |ex| ex.after.as_deref());
    // Modernisation rules (those needing a minimum kfp 2 release) start from kfp 2 code: `before` must
    // compile under kfp 2 too.
    let before = dir.path().join("before");
    std::fs::create_dir_all(&before).unwrap();
    for rule in registry().rules.iter().filter(|r| r.min_kfp.is_some()) {
        for ex in &rule.examples.invalid {
            if is_yaml(rule) {
                let stem = format!("{}_{}", rule.id, ex.name.replace('-', "_"));
                files.push(yaml_example_module(&before, &stem, &ex.before));
                continue;
            }
            let path = before.join(format!("{}_{}.py", rule.id, ex.name.replace('-', "_")));
            std::fs::write(&path, &ex.before).unwrap();
            files.push(path);
        }
    }
    assert!(!files.is_empty());
    assert_all_compile(Kfp::V2, &files);
}

/// kfp 2.17.3's own error for the `before` of component YAML examples that break when the spec is loaded or
/// a task is created (KFP503's `fileOutputs` break silently: its `before` compiles).
const YAML_V2_ERRORS: &[(&str, &str)] = &[
    ("KFP501", "cannot be paired with InputValuePlaceholder"),
    ("KFP502", "cannot be paired with"),
    ("KFP504", "Container implementation not found"),
    (
        "KFP505",
        "'isPresent'|not subscriptable|Unexpected argument",
    ),
];

/// The YAML rules report real breakages: their `before` fails under kfp 2.17.3 with kfp's own error.
#[test]
fn oracle_yaml_before_examples_fail_under_kfp2() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for rule in registry().rules.iter().filter(|r| is_yaml(r)) {
        let Some((_, error)) = YAML_V2_ERRORS.iter().find(|(id, _)| *id == rule.id) else {
            continue;
        };
        for ex in &rule.examples.invalid {
            let stem = format!("{}_{}", rule.id, ex.name.replace('-', "_"));
            files.push(yaml_example_module(dir.path(), &stem, &ex.before));
            expected.push(*error);
        }
    }
    assert!(!files.is_empty());
    let Some(results) = compile_files(Kfp::V2, &files, None) else {
        return;
    };
    for (result, error) in results.iter().zip(&expected) {
        let actual = result.error.as_deref().unwrap_or("");
        assert!(
            !result.ok && error.split('|').any(|e| actual.contains(e)),
            "{}: expected kfp 2 to fail with `{error}`, got ok={} error={actual}",
            result.file.display(),
            result.ok
        );
    }
}

#[test]
fn every_rule_is_documented_and_well_formed() {
    let mut problems = Vec::new();
    for rule in &registry().rules {
        let d = &rule.docs;
        for (section, text) in [
            ("what", &d.what),
            ("why", &d.why),
            ("example", &d.example),
            ("use_instead", &d.use_instead),
            ("fix_safety", &d.fix_safety),
        ] {
            if text.trim().len() < 10 {
                problems.push(format!(
                    "{}: docs.{section} is missing or too short",
                    rule.id
                ));
            }
        }
        if rule.message.trim_end().ends_with('.') {
            problems.push(format!("{}: message should not end with a period", rule.id));
        }
        if !rule.fix_title.starts_with(|c: char| c.is_uppercase()) {
            problems.push(format!(
                "{}: fix title should start with a capital letter",
                rule.id
            ));
        }
        let has_logic = rule.table.len() + rule.keyword_renames.len() + rule.method_moves.len() > 0
            || HANDLER_RULES.contains(&rule.id.as_str());
        if !has_logic {
            problems.push(format!(
                "{}: no table, keyword rename or handler implements it",
                rule.id
            ));
        }
        // Shell rules are checked against kfp 2's command line by tests/classic_repo.rs instead; rules about
        // compiled artefacts have nothing to compile, and diagnostic-only component rules are checked
        // by loading their `before` under kfp 2 in the YAML oracle test.
        if !is_shell(rule)
            && rule.family != "artefacts"
            && rule.fix != kfp_upgrade::rules::FixAvailability::None
            && rule.examples.invalid.iter().all(|e| !e.oracle)
        {
            problems.push(format!(
                "{}: no invalid example is checked by the oracle",
                rule.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Rules implemented by a Rust handler rather than (only) by data.
const HANDLER_RULES: &[&str] = &[
    "KFP000", "KFP009", "KFP015", "KFP101", "KFP102", "KFP103", "KFP104", "KFP105", "KFP106",
    "KFP107", "KFP108", "KFP109", "KFP110", "KFP111", "KFP112", "KFP113", "KFP114", "KFP115",
    "KFP116", "KFP117", "KFP118", "KFP119", // Container ops and task settings.
    "KFP201", "KFP202", "KFP205", "KFP207", "KFP212", "KFP216", "KFP217", "KFP218", "KFP209",
    "KFP214", "KFP219", "KFP206", "KFP208", "KFP211", "KFP221", "KFP203",
    // Pipeline level, compiler and client.
    "KFP301", "KFP302", "KFP303", "KFP304", "KFP305", "KFP307", "KFP314", "KFP315", "KFP321",
    "KFP330", "KFP401", "KFP403", "KFP404", "KFP405", "KFP420", "KFP421", "KFP430",
    // Component YAML and compiled artefacts (src/yaml/rules.rs).
    "KFP501", "KFP502", "KFP503", "KFP504", "KFP505", "KFP506", "KFP507", "KFP601",
    // Suppression comments (src/noqa.rs).
    "KFP900",
];
