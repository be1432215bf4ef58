//! What a YAML document is: a v1 component spec, a compiled artefact, kfp 2 IR or anything else, decided by its
//! content; and which files are worth parsing at all.

use super::spans;

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
