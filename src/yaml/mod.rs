//! YAML files: v1 component specs (KFP5xx) and compiled pipeline artefacts (KFP6xx).
//!
//! A `.yaml`/`.yml` file is classified by what it holds, not by its name: a v1 component spec (top-level
//! `implementation:`, kfp 2's own discriminator), a v1-compiled Argo Workflow, a v1 v2-namespace PipelineJob
//! (JSON is YAML), kfp 2 IR (left alone) or anything else (left alone, silently).
//!
//! A spec is read once, into `spans`' positioned tree (libyaml's events and marks); `model` gives it typed
//! accessors, `shape` checks it has a spec's shape, `scalar` says what a scalar means, `placeholders` what a
//! command-line element is. The rules (`rules`), the converters (`convert`, `ir`) and the project index
//! (`interface`) all read the spec through them.

pub mod convert;
pub mod interface;
pub mod ir;
pub mod model;
pub mod placeholders;
pub mod rules;
pub mod scalar;
mod shape;
pub mod spans;

use crate::diagnostic::Diagnostic;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

pub use spans::YamlError;

/// What a YAML or JSON file must contain to be worth parsing: a top-level `implementation:` key at the start
/// of a line (a component spec), `argoproj.io` (an Argo workflow) or `pipelineSpec` (a v2-namespace job), or
/// the JSON spellings `"implementation"` / `"pipelineSpec"`. Other YAML (CI, Helm, Kubernetes manifests) is
/// never parsed, so its syntax is never judged.
const MARKERS: &[&[u8]] = &[b"argoproj.io", b"\"implementation\"", b"pipelineSpec"];

/// What a YAML document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A v1 component spec (`implementation:` at the top level).
    Component,
    /// A workflow compiled by kfp 1's Argo compiler.
    ArgoWorkflow,
    /// A PipelineJob compiled by kfp 1.8's `kfp.v2.compiler` (`pipelineSpec` + `runtimeConfig`).
    V2NamespaceJob,
    /// kfp 2 IR: already migrated.
    V2Ir,
    Other,
}

/// Classifies a parsed document.
pub fn classify(root: &spans::Node) -> Kind {
    if !root.is_mapping() {
        return Kind::Other;
    }
    if root.get("implementation").is_some() {
        return Kind::Component;
    }
    let argo = root
        .get("apiVersion")
        .and_then(spans::Node::as_str)
        .is_some_and(|v| v.starts_with("argoproj.io/"));
    if argo && root.get("kind").and_then(spans::Node::as_str) == Some("Workflow") {
        return Kind::ArgoWorkflow;
    }
    if root.get("pipelineSpec").is_some() {
        return Kind::V2NamespaceJob;
    }
    if root.get("pipelineInfo").is_some() && root.get("deploymentSpec").is_some() {
        return Kind::V2Ir;
    }
    Kind::Other
}

/// Whether a file is worth parsing.
pub fn is_candidate(bytes: &[u8]) -> bool {
    let key = b"implementation:";
    bytes.starts_with(key)
        || memchr::memmem::find(bytes, b"\nimplementation:").is_some()
        || MARKERS
            .iter()
            .any(|m| memchr::memmem::find(bytes, m).is_some())
}

/// The Python file and pipeline whose `compile(...)` call in the run writes a compiled file (KFP601 says
/// where to recompile from).
pub type CompiledBy = Option<(std::path::PathBuf, String)>;

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
                let spec = model::ComponentSpec::read(root, documents.len(), &source.text)?;
                rules::component(source, &spec, selection, &mut diagnostics);
            }
            kind @ (Kind::ArgoWorkflow | Kind::V2NamespaceJob) => {
                rules::compiled_artefact(root, kind, selection, compiled_by, &mut diagnostics);
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
    rules::archive(selection, compiled_by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::id;

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
