//! A component's interface as kfp 1 and kfp 2 see it: the names callers use for its inputs and outputs.
//!
//! Re-authoring a v1 component for kfp 2 changes those names
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/component_factory.py>): v1 dropped a
//! trailing `_path` / `_file` from file-style parameters and accepted a lower-case alias for every output;
//! `@dsl.component` keeps the full parameter names and knows no aliases. Every call site of a component therefore has
//! to be rewritten together with its definition. This model is language-neutral: Python function components register
//! here today, and v1 `component.yaml` files loaded with `load_component_from_file` can register the same way.

use crate::diagnostic::Applicability;

/// What kind of value an input takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Str,
    Int,
    Float,
    Bool,
    /// A JSON array (`list`, v1 `List`/`JsonArray`).
    List,
    /// A JSON object (`dict`, v1 `Dict`/`JsonObject`).
    Dict,
    /// Anything we cannot name.
    Other,
}

impl ValueType {
    /// The value type of a Python annotation's builtin spelling (`int`, `'Integer'`, …).
    pub fn from_type_name(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "str" | "string" => ValueType::Str,
            "int" | "integer" => ValueType::Int,
            "float" => ValueType::Float,
            "bool" | "boolean" => ValueType::Bool,
            "list" | "jsonarray" => ValueType::List,
            "dict" | "jsonobject" => ValueType::Dict,
            _ => ValueType::Other,
        }
    }
}

/// How an input receives its argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A parameter value.
    Value(ValueType),
    /// A file or artifact (`InputPath`, `InputTextFile`, `Input[...]`, …): needs an upstream output or an
    /// importer, never a literal.
    File,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The keyword v1 callers used.
    pub v1_name: String,
    /// The keyword after migration.
    pub v2_name: String,
    pub kind: InputKind,
    /// Has a default: callers may leave it out.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The declared v1 key of `task.outputs`.
    pub v1_name: String,
    /// The key after migration.
    pub v2_name: String,
    /// `mlpipeline_ui_metadata` / `mlpipeline_metrics`: special in v1 (rendered by the UI, not in
    /// `task.outputs`, ignored by `.output`), ordinary outputs in kfp 2.
    pub special: bool,
    /// Known to be an artifact in kfp 2 (a loaded v1 spec's output whose type is not a parameter type);
    /// `false` when it is a parameter or not known.
    pub artifact: bool,
}

/// Why a component's callers must change their spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameReason {
    /// The v1 → kfp 2 migration (KFP101): v1 stripped suffixes and accepted aliases.
    Migration,
    /// The pythonic-artifact rewrite (KFP116): an output parameter becomes the return value `Output`.
    Pythonic,
    /// A v1 component spec loaded from YAML: kfp 2 names its inputs and outputs itself (`Model` →
    /// `model`), with no rewrite of the definition.
    LoadedYaml,
}

/// A component as its callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The name it is bound to where it is defined.
    pub name: String,
    /// Inputs in v1 positional order.
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    /// Whether `outputs` is complete (a return annotation we cannot read leaves it unknown: output keys are then
    /// left alone).
    pub outputs_known: bool,
    /// How the definition's rewrite is applied (`None` when it is not rewritten: call sites must then keep
    /// their v1 names, so renames at call sites share this applicability).
    pub migration: Option<Applicability>,
    pub reason: RenameReason,
}

/// kfp 2's artifact classes (`dsl.Model`, `system.Model` in the IR), named case-insensitively by v1 types.
const ARTIFACT_CLASSES: &[&str] = &[
    "Artifact",
    "Model",
    "Dataset",
    "Metrics",
    "HTML",
    "Markdown",
    "ClassificationMetrics",
    "SlicedClassificationMetrics",
];

/// The kfp 2 artifact class for a v1 artifact type name (`model` → `Model`): kfp 2 keeps the system types,
/// every other one is a generic `Artifact`.
pub fn artifact_class(v1_type: &str) -> &'static str {
    ARTIFACT_CLASSES
        .iter()
        .find(|c| c.eq_ignore_ascii_case(v1_type))
        .copied()
        .unwrap_or("Artifact")
}

/// kfp's "pythonic" spelling of a name: lower case, runs of other characters as `_`, trimmed. v1 accepted it
/// as an alias for every output key; kfp 2 uses it for the names of loaded v1 YAML components.
pub fn sanitize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            out.push(c);
            gap = false;
        } else if !gap {
            out.push('_');
            gap = true;
        }
    }
    out.trim_matches('_').to_string()
}

impl Component {
    pub fn input_by_v1_name(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.v1_name == name)
    }

    pub fn input_by_name(&self, name: &str) -> Option<&Input> {
        self.input_by_v1_name(name)
            .or_else(|| self.inputs.iter().find(|i| i.v2_name == name))
    }

    /// The output a v1 `task.outputs[key]` meant: the declared name, or its lower-case alias.
    pub fn output_by_v1_key(&self, key: &str) -> Option<&Output> {
        self.outputs
            .iter()
            .find(|o| o.v1_name == key)
            .or_else(|| self.outputs.iter().find(|o| sanitize(&o.v1_name) == key))
    }

    /// The output v1's `task.output` meant: the only output that is not special.
    pub fn v1_single_output(&self) -> Option<&Output> {
        let mut ordinary = self.outputs.iter().filter(|o| !o.special);
        match (ordinary.next(), ordinary.next()) {
            (Some(o), None) => Some(o),
            _ => None,
        }
    }

    /// Whether kfp 2's `task.output` works: exactly one output, special ones included.
    pub fn v2_has_single_output(&self) -> bool {
        self.outputs.len() == 1
    }

    /// Whether migrating changes any name callers use.
    pub fn renames_anything(&self) -> bool {
        self.inputs.iter().any(|i| i.v1_name != i.v2_name)
            || self.outputs.iter().any(|o| o.v1_name != o.v2_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_matches_kfp() {
        assert_eq!(sanitize("Output"), "output");
        assert_eq!(sanitize("Training data"), "training_data");
        assert_eq!(sanitize("  Data--Path "), "data_path");
        assert_eq!(sanitize("Score"), "score");
    }

    fn component() -> Component {
        Component {
            name: "train_op".into(),
            inputs: vec![],
            outputs: vec![
                Output {
                    v1_name: "Score".into(),
                    v2_name: "Score".into(),
                    special: false,
                    artifact: false,
                },
                Output {
                    v1_name: "mlpipeline_metrics".into(),
                    v2_name: "mlpipeline_metrics_path".into(),
                    special: true,
                    artifact: false,
                },
            ],
            outputs_known: true,
            migration: Some(Applicability::Unsafe),
            reason: RenameReason::Migration,
        }
    }

    #[test]
    fn v1_output_keys_include_the_lower_case_alias() {
        let c = component();
        assert_eq!(c.output_by_v1_key("score").unwrap().v2_name, "Score");
        assert_eq!(c.output_by_v1_key("Score").unwrap().v2_name, "Score");
        assert!(c.output_by_v1_key("other").is_none());
    }

    #[test]
    fn single_output_ignores_special_outputs_in_v1_only() {
        let c = component();
        assert_eq!(c.v1_single_output().unwrap().v1_name, "Score");
        assert!(!c.v2_has_single_output());
    }
}
