//! Checking and fixing one YAML (or JSON) file with the KFP5xx/KFP6xx rules.

use crate::diagnostic::Diagnostic;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

use super::handlers;
use super::kind::{CompiledBy, Kind, classify};
use super::model::ComponentSpec;
use super::spans::{self, YamlError};

/// Checks one YAML (or JSON) file. Broken YAML is an error with its position.
pub fn check(source: &SourceFile, selection: &RuleSelection) -> Result<Vec<Diagnostic>, YamlError> {
    check_in(source, selection, &None)
}

/// `check`, knowing which compile call of the run writes this file.
pub fn check_in(
    source: &SourceFile,
    selection: &RuleSelection,
    compiled_by: &CompiledBy,
) -> Result<Vec<Diagnostic>, YamlError> {
    let documents = spans::parse(&source.text)?;
    let mut diagnostics = Vec::new();
    // Only the first document decides what a file is (IR has a second, platform document).
    if let Some(root) = documents.first() {
        match classify(root) {
            Kind::Component => {
                let spec = ComponentSpec::read(root, documents.len(), &source.text)?;
                handlers::component(source, &spec, selection, &mut diagnostics);
            }
            kind @ (Kind::ArgoWorkflow | Kind::V2NamespaceJob) => {
                handlers::compiled_artefact(root, kind, selection, compiled_by, &mut diagnostics);
            }
            Kind::V2Ir | Kind::Other => {}
        }
    }
    let mut diagnostics = crate::noqa::suppress(
        source,
        &crate::noqa::hash_comments(&source.text),
        diagnostics,
        selection,
        true,
    );
    diagnostics.sort_by_key(|d| (d.range.start, d.rule));
    Ok(diagnostics)
}

/// Fixes a YAML file to a fixed point, in the fix loop every kind of file shares; a round whose result is not
/// a valid spec is dropped and reported.
pub fn fix(
    source: &SourceFile,
    selection: &RuleSelection,
    unsafe_fixes: bool,
) -> Result<crate::fix::FixOutcome, YamlError> {
    let diagnostics = check(source, selection)?;
    Ok(fix_in(source, diagnostics, selection, unsafe_fixes, &None))
}

/// `fix`, from the source's `diagnostics`, knowing which compile call of the run writes this file.
pub fn fix_in(
    source: &SourceFile,
    diagnostics: Vec<Diagnostic>,
    selection: &RuleSelection,
    unsafe_fixes: bool,
    compiled_by: &CompiledBy,
) -> crate::fix::FixOutcome {
    crate::fix::fix_loop(source, diagnostics, unsafe_fixes, |s| {
        check_round(s, selection, compiled_by)
    })
}

/// The check of a fix round's result (`fix::fix_loop`): a text that is no longer a valid spec is broken.
pub(crate) fn check_round(
    source: &SourceFile,
    selection: &RuleSelection,
    compiled_by: &CompiledBy,
) -> crate::fix::Checked {
    match check_in(source, selection, compiled_by) {
        Ok(diagnostics) => crate::fix::Checked {
            diagnostics,
            ..Default::default()
        },
        Err(e) => crate::fix::Checked {
            broken: 1,
            first_error: Some(e.message),
            ..Default::default()
        },
    }
}

/// A file-level diagnostic for a compiled pipeline package (`.tar.gz`, `.tgz`, `.zip`): such files are never
/// read.
pub fn archive(selection: &RuleSelection, compiled_by: &CompiledBy) -> Vec<Diagnostic> {
    handlers::archive(selection, compiled_by)
}

#[cfg(test)]
mod tests {
    use super::super::kind::is_candidate;
    use super::*;
    use crate::registry::id;

    fn source(text: &str) -> SourceFile {
        SourceFile::new(std::path::Path::new("c.yaml"), text.to_string(), false)
    }

    fn rules(text: &str) -> Vec<&'static str> {
        check(&source(text), &RuleSelection::default())
            .unwrap()
            .iter()
            .map(|d| d.rule)
            .collect()
    }

    #[test]
    fn noqa_on_the_reported_line_suppresses() {
        let text = "name: A\ninputs:\n- {name: x, type: GCSPath}  # noqa: KFP501\n- {name: y, type: GCSPath}  # noqa: KFP502\nimplementation:\n  container: {image: a, command: [echo, {inputValue: x}, {inputValue: y}]}\n";
        // The `KFP502` on the second line suppresses nothing there: KFP900 says so, as in Python files.
        assert_eq!(rules(text), [id::KFP501, id::KFP900]);
        let exempt = format!("# kfp-upgrade: noqa\n{text}");
        assert!(rules(&exempt).is_empty(), "file-level opt-out");
    }

    #[test]
    fn crlf_files_keep_their_line_endings_when_fixed() {
        let text = "name: A\r\ninputs:\r\n- name: x\r\n  description: d\r\noutputs:\r\n- {name: o}\r\nimplementation:\r\n  container:\r\n    image: a\r\n    command:\r\n    - echo\r\n    - {inputValue: x}\r\n    fileOutputs:\r\n      o: /tmp/o\r\n";
        let outcome = fix(&source(text), &RuleSelection::default(), true).unwrap();
        let (fixed, applied) = (outcome.text, outcome.applied);
        assert_eq!(applied.len(), 2, "{fixed}");
        assert!(!fixed.replace("\r\n", "").contains('\n'), "{fixed:?}");
        assert!(
            fixed.contains("- name: x\r\n  type: String\r\n"),
            "{fixed:?}"
        );
        assert!(fixed.contains("    - sh\r\n    - -c\r\n"), "{fixed:?}");
        assert!(!fixed.contains("fileOutputs"), "{fixed:?}");
        assert!(rules(&fixed).is_empty(), "{fixed:?}");
    }

    #[test]
    fn documents_are_classified_by_content() {
        let kind = |t: &str| classify(&spans::parse(t).unwrap()[0]);
        assert_eq!(
            kind("implementation: {container: {image: a}}\n"),
            Kind::Component
        );
        assert_eq!(
            kind("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"),
            Kind::ArgoWorkflow
        );
        assert_eq!(
            kind("{\"pipelineSpec\": {}, \"runtimeConfig\": {}}"),
            Kind::V2NamespaceJob
        );
        assert_eq!(kind("pipelineInfo: {}\ndeploymentSpec: {}\n"), Kind::V2Ir);
        assert_eq!(
            kind("apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\n"),
            Kind::Other
        );
        assert_eq!(kind("- a\n"), Kind::Other);
        assert!(is_candidate(b"name: x\r\nimplementation:\r\n"));
        assert!(!is_candidate(b"implementation_notes: x\n"));
    }
}
