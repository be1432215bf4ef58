//! Every rule proves itself with the examples in its data file:
//! - each invalid example is *reported* (exactly `count` diagnostics of the rule) — else "missing"/"noisy";
//! - fixing `before` (all rules, unsafe fixes included, to a fixed point) gives exactly `after` — else "wrong fix";
//!   without `after`, fixing `before` with only the rule selected changes nothing;
//! - `after` is clean of the rule, and fixing it again changes nothing — else "not idempotent";
//! - each valid example gives no diagnostic of the rule — else "noisy";
//! - the oracle: `before` imports and compiles under kfp 1.8.22, `after` under kfp 2.17.3.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::oracle::{Kfp, compile_files};
use kfp_upgrade::diagnostic::Diagnostic;
use kfp_upgrade::python;
use kfp_upgrade::registry::{Rule, registry};
use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;

fn python_source(text: &str) -> SourceFile {
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
pub(crate) fn is_shell(rule: &Rule) -> bool {
    rule.family == "shell"
}

/// Rules of the `component_yaml` and `artefacts` families check YAML files: their examples are component
/// specs or compiled pipelines.
pub(crate) fn is_yaml(rule: &Rule) -> bool {
    matches!(rule.family.as_str(), "component_yaml" | "artefacts")
}

fn yaml_source(text: &str) -> SourceFile {
    SourceFile::new(Path::new("component.yaml"), text.to_string(), false)
}

fn shell_source(text: &str) -> SourceFile {
    SourceFile::new(Path::new("compile.sh"), text.to_string(), false)
}

fn yaml_fixed(text: &str, selection: &RuleSelection) -> Result<String, String> {
    let outcome =
        kfp_upgrade::yaml::fix(&yaml_source(text), selection, true).map_err(|e| e.to_string())?;
    match outcome.invalid_fix {
        Some((rules, err)) => Err(format!("fixes by {rules:?} produced invalid YAML: {err}")),
        None => Ok(outcome.text),
    }
}

/// What checking an example reports with every rule on (the example as `example.py`, `component.yaml` or
/// `compile.sh`, by the rule's family): the source and the diagnostics of `rule` only. An error when the
/// example does not parse (only the syntax-error rule's own examples may fail to parse).
pub(crate) fn diagnostics_of(
    rule: &Rule,
    text: &str,
    files: &Files,
) -> Result<(SourceFile, Vec<Diagnostic>), String> {
    let (source, diagnostics) = if !files.is_empty() {
        project_check(text, files, &all_rules_and(rule))?
    } else if is_shell(rule) {
        let source = shell_source(text);
        let diagnostics = kfp_upgrade::shell::check(&source, &all_rules_and(rule));
        (source, diagnostics)
    } else if is_yaml(rule) {
        let source = yaml_source(text);
        let diagnostics =
            kfp_upgrade::yaml::check(&source, &all_rules_and(rule)).map_err(|e| e.to_string())?;
        (source, diagnostics)
    } else {
        let source = python_source(text);
        let diagnostics = python::check(&source, &all_rules_and(rule));
        (source, diagnostics)
    };
    if rule.id != python::SYNTAX_ERROR_RULE
        && let Some(d) = diagnostics
            .iter()
            .find(|d| d.rule == python::SYNTAX_ERROR_RULE)
    {
        return Err(d.message.clone());
    }
    let own = diagnostics
        .into_iter()
        .filter(|d| d.rule == rule.id)
        .collect();
    Ok((source, own))
}

fn count_of(rule: &Rule, text: &str, files: &Files) -> Result<usize, String> {
    diagnostics_of(rule, text, files).map(|(_, diagnostics)| diagnostics.len())
}

/// The other files of an example's project, by path relative to the example's folder.
pub(crate) type Files = BTreeMap<String, String>;

/// Writes an example with other files as a project: `example.py` in `<dir>/example/`, the files beside it.
fn write_project(dir: &Path, text: &str, files: &Files) -> PathBuf {
    let folder = dir.join("example");
    for (name, content) in files {
        let path = folder.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    std::fs::create_dir_all(&folder).unwrap();
    let example = folder.join("example.py");
    std::fs::write(&example, text).unwrap();
    example
}

/// What one run over an example's project reports on `example.py` (shown as `example.py`).
fn project_check(
    text: &str,
    files: &Files,
    selection: &RuleSelection,
) -> Result<(SourceFile, Vec<Diagnostic>), String> {
    let dir = tempfile::tempdir().unwrap();
    let example = write_project(dir.path(), text, files);
    let report = kfp_upgrade::run::check_tree(dir.path(), selection.clone(), false)
        .map_err(|e| e.to_string())?;
    if let Some(e) = report.errors.first() {
        return Err(format!("{e:?}"));
    }
    let diagnostics = report
        .files
        .into_iter()
        .filter(|f| f.source.path == example)
        .flat_map(|f| f.diagnostics)
        .collect();
    Ok((python_source(text), diagnostics))
}

/// `example.py` after one fixing run (unsafe fixes included) over the example's project.
fn project_fixed(text: &str, files: &Files, selection: &RuleSelection) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let example = write_project(dir.path(), text, files);
    let report = kfp_upgrade::run::check_tree(dir.path(), selection.clone(), true)
        .map_err(|e| e.to_string())?;
    if let Some(e) = report.errors.first() {
        return Err(format!("{e:?}"));
    }
    Ok(std::fs::read_to_string(example).unwrap())
}

fn only(rule: &Rule) -> RuleSelection {
    RuleSelection {
        select: vec![rule.id.clone()],
        ..RuleSelection::default()
    }
}

fn fixed(rule: &Rule, text: &str, files: &Files) -> Result<String, String> {
    if !files.is_empty() {
        return project_fixed(text, files, &all_rules_and(rule));
    }
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
    let diagnostics = kfp_upgrade::shell::check(&shell_source(text), selection);
    kfp_upgrade::fix::apply_fixes(text, &diagnostics, true)
        .map_or_else(|| text.to_string(), |(t, _)| t)
}

fn fixed_with(text: &str, selection: &RuleSelection) -> Result<String, String> {
    let outcome = python::fix(&python_source(text), selection, true);
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
            match count_of(rule, &ex.before, &ex.files) {
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
                Some(_) => fixed(rule, &ex.before, &ex.files),
                None if !ex.files.is_empty() => project_fixed(&ex.before, &ex.files, &only(rule)),
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
                match count_of(rule, after, &ex.files) {
                    Ok(0) => {}
                    Ok(n) => {
                        failures.push(format!("{at}: after still has {n} diagnostics of the rule"))
                    }
                    Err(e) => failures.push(format!("{at}: after does not parse: {e}")),
                }
                match fixed(rule, after, &ex.files) {
                    Ok(again) if &again == after => {}
                    Ok(_) => {
                        failures.push(format!("{at}: not idempotent (fixing after changes it)"))
                    }
                    Err(e) => failures.push(format!("{at}: {e}")),
                }
            }
        }
        for ex in &rule.examples.valid {
            match count_of(rule, &ex.code, &ex.files) {
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
    mut pick: impl FnMut(&kfp_upgrade::registry::InvalidExample) -> Option<&str>,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for rule in &registry().rules {
        for ex in rule.examples.invalid.iter().filter(|e| e.oracle) {
            if let Some(text) = pick(ex) {
                let stem = format!("{}_{}", rule.id, ex.name.replace('-', "_"));
                if !ex.files.is_empty() {
                    // The example's own folder, with its other files beside it.
                    let folder = dir.join(&stem);
                    for (name, content) in &ex.files {
                        let path = folder.join(name);
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        std::fs::write(path, content).unwrap();
                    }
                    let path = folder.join(format!("{stem}.py"));
                    std::fs::write(&path, text).unwrap();
                    files.push(path);
                    continue;
                }
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

/// What kfp 2.17.3 does with the `before` of a YAML rule's invalid examples.
enum UnderKfp2 {
    /// Loading the spec or creating a task fails with kfp's own error (alternatives separated by `|`).
    Fails(&'static str),
    /// kfp 2 loads the spec and compiles a pipeline with it without a word: the rule reports a breakage kfp
    /// keeps silent about (the reason).
    Silent(&'static str),
    /// Not loaded as a component under kfp 2 (the reason).
    Exempt(&'static str),
}

/// Every YAML rule (families `component_yaml` and `artefacts`), by what kfp 2.17.3 does with its `before`. A
/// YAML rule missing here fails `oracle_yaml_before_examples_fail_under_kfp2`, so a new rule's claim is
/// proven by the oracle or its exemption written down.
const YAML_UNDER_KFP2: &[(&str, UnderKfp2)] = &[
    (
        "KFP501",
        UnderKfp2::Fails("cannot be paired with InputValuePlaceholder"),
    ),
    ("KFP502", UnderKfp2::Fails("cannot be paired with")),
    (
        "KFP503",
        UnderKfp2::Silent("kfp 2 drops `fileOutputs`: the outputs stay empty at run time"),
    ),
    (
        "KFP504",
        UnderKfp2::Fails("Container implementation not found"),
    ),
    (
        "KFP505",
        UnderKfp2::Fails("'isPresent'|not subscriptable|Unexpected argument"),
    ),
    (
        "KFP506",
        UnderKfp2::Silent(
            "kfp 2 loads both inputs as one, `model_path`: one of them cannot be passed",
        ),
    ),
    (
        "KFP507",
        UnderKfp2::Silent("kfp 2 drops `metadata.annotations` and `metadata.labels`"),
    ),
    (
        "KFP601",
        UnderKfp2::Exempt(
            "its examples are compiled pipelines (Argo workflows, PipelineJob JSON), not component specs \
             to load and call",
        ),
    ),
];

/// The YAML rules report real breakages: their `before` fails under kfp 2.17.3 with kfp's own error, or (for
/// the breakages kfp 2 keeps silent about) loads and compiles without one. Every YAML rule is listed in
/// [`YAML_UNDER_KFP2`].
#[test]
fn oracle_yaml_before_examples_fail_under_kfp2() {
    let yaml_rules: Vec<&Rule> = registry().rules.iter().filter(|r| is_yaml(r)).collect();
    let unlisted: Vec<&str> = yaml_rules
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !YAML_UNDER_KFP2.iter().any(|(listed, _)| listed == id))
        .collect();
    let stale: Vec<&str> = YAML_UNDER_KFP2
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !yaml_rules.iter().any(|r| r.id == *id))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "YAML_UNDER_KFP2 must list every YAML rule and no other: add {unlisted:?} (with kfp 2.17.3's error, or \
         why kfp 2 is silent or the rule is exempt), remove {stale:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for rule in yaml_rules {
        let (_, under_kfp2) = YAML_UNDER_KFP2
            .iter()
            .find(|(id, _)| *id == rule.id)
            .expect("listed");
        if let UnderKfp2::Exempt(reason) = under_kfp2 {
            eprintln!("{}: not loaded under kfp 2: {reason}", rule.id);
            continue;
        }
        for ex in &rule.examples.invalid {
            let stem = format!("{}_{}", rule.id, ex.name.replace('-', "_"));
            files.push(yaml_example_module(dir.path(), &stem, &ex.before));
            expected.push(under_kfp2);
        }
    }
    assert!(!files.is_empty());
    let Some(results) = compile_files(Kfp::V2, &files, None) else {
        return;
    };
    let mut failures = Vec::new();
    for (result, under_kfp2) in results.iter().zip(&expected) {
        let actual = result.error.as_deref().unwrap_or("");
        match under_kfp2 {
            UnderKfp2::Fails(error) if result.ok || !error.split('|').any(|e| actual.contains(e)) => {
                failures.push(format!(
                    "{}: expected kfp 2 to fail with `{error}`, got ok={} error={actual}",
                    result.file.display(),
                    result.ok
                ))
            }
            UnderKfp2::Silent(breakage) if !result.ok || result.compiled.is_empty() => {
                failures.push(format!(
                    "{}: expected kfp 2 to load and compile it silently ({breakage}), got error={actual}",
                    result.file.display()
                ))
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
        // Shell rules are checked against kfp 2's command line by tests/it/classic_repo.rs instead; rules about
        // compiled artefacts have nothing to compile, and diagnostic-only component rules are checked
        // by loading their `before` under kfp 2 in the YAML oracle test.
        if !is_shell(rule)
            && rule.family != "artefacts"
            && rule.fix != kfp_upgrade::registry::FixAvailability::None
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
