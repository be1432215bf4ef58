//! A v1 component spec as its Python callers see it, under kfp 1 and kfp 2 (kfp 1.8.22's
//! <https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_structures.py>, kfp 2.17.3's
//! `sanitize_input_name` in <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/utils.py>): the
//! language-neutral `Component` the project index holds for `op = load_component_from_file(...)`.
//!
//! kfp 1's factory takes keywords made by `_sanitize_python_function_name` (lower case, non-word characters
//! as `_`, a leading digit prefixed with `n`), required inputs first; its `task.outputs` accepts the declared
//! name and that same spelling. kfp 2 names inputs and outputs with `sanitize_input_name` (lower case, runs
//! of characters other than `[_0-9a-z]` as `_`, trimmed) and accepts nothing else.

use crate::components::{Component, Input, InputKind, Output, RenameReason, ValueType, sanitize};
use crate::diagnostic::Applicability;

use super::model::{self, ComponentSpec, V2Type};
use super::spans;

/// kfp 1.8.22's `_sanitize_python_function_name`.
pub fn v1_python_name(name: &str) -> String {
    let lowered: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() && c != '_' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = lowered.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out = words.join(" ");
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'n');
    }
    out.replace(' ', "_")
}

/// The interface of the component spec `text`, bound to `binding`; `None` when `text` is not a v1 component
/// spec.
pub fn component(binding: &str, text: &str) -> Option<Component> {
    let documents = spans::parse(text).ok()?;
    let root = documents.first()?;
    if super::kind::classify(root) != super::kind::Kind::Component {
        return None;
    }
    let spec = ComponentSpec::read(root, documents.len(), text).ok()?;
    // KFP501's reading of the placeholders sees aliases as written; the declared ports are their values.
    let by_value_only = super::handlers::inputs_read_by_value_only(&spec);
    let expanded = spans::expand_aliases(root).ok()?;
    let spec = ComponentSpec { root: &expanded };
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for input in spec.inputs() {
        let is_optional = input.optional() || input.has_default();
        let kind = match input.type_string() {
            Some(t) => match model::v2_type(Some(t)) {
                V2Type::Parameter(p) => InputKind::Value(ValueType::from_type_name(p)),
                _ if by_value_only.iter().any(|n| n == input.name) => {
                    InputKind::Value(ValueType::Str)
                }
                _ => InputKind::File,
            },
            // Untyped and dict-form types load as artifacts; KFP501 makes those read by value strings.
            None if by_value_only.iter().any(|n| n == input.name) => {
                match model::v2_type(input.dict_type_name()) {
                    V2Type::Parameter(p) => InputKind::Value(ValueType::from_type_name(p)),
                    _ => InputKind::Value(ValueType::Str),
                }
            }
            None => InputKind::File,
        };
        let entry = Input {
            v1_name: v1_python_name(input.name),
            v2_name: sanitize(input.name),
            kind,
            optional: is_optional,
        };
        if is_optional {
            optional.push(entry);
        } else {
            required.push(entry);
        }
    }
    required.extend(optional);
    let outputs: Vec<Output> = spec
        .outputs()
        .iter()
        .map(|o| Output {
            v1_name: o.name.to_string(),
            v2_name: sanitize(o.name),
            // kfp 2 makes them ordinary outputs; `task.output` counts them there.
            special: matches!(
                sanitize(o.name).as_str(),
                "mlpipeline_ui_metadata" | "mlpipeline_metrics"
            ),
            // kfp 2 loads an untyped or non-parameter-typed v1 output as an artifact.
            artifact: !matches!(model::v2_type(o.type_string()), V2Type::Parameter(_)),
        })
        .collect();
    // Loading a v1 spec in kfp 2 is not a migration of the definition: the kfp 2 names apply at once. A
    // rename is safe when kfp 1 accepted the new spelling too (its output alias), unsafe otherwise.
    let kfp1_accepts = required.iter().all(|i| i.v1_name == i.v2_name)
        && outputs
            .iter()
            .all(|o| o.v1_name == o.v2_name || v1_python_name(&o.v1_name) == o.v2_name);
    Some(Component {
        name: binding.to_string(),
        inputs: required,
        outputs,
        outputs_known: true,
        migration: Some(if kfp1_accepts {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        }),
        reason: RenameReason::LoadedYaml,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_python_names_follow_kfp1() {
        assert_eq!(v1_python_name("Output dir"), "output_dir");
        assert_eq!(
            v1_python_name("MLPipeline UI metadata"),
            "mlpipeline_ui_metadata"
        );
        assert_eq!(v1_python_name("2nd-value"), "n2nd_value");
        assert_eq!(v1_python_name("a__b"), "a_b");
    }

    #[test]
    fn interface_orders_required_inputs_first_and_uses_kfp2_names() {
        let text = "name: Train\ninputs:\n- {name: Epochs, type: Integer, default: '3'}\n- {name: Data, type: CSV}\n- {name: Out dir, type: GCSPath}\noutputs:\n- {name: Model, type: Model}\nimplementation:\n  container:\n    image: a\n    command: [x, {inputPath: Data}, {inputValue: Out dir}, {inputValue: Epochs}, {outputPath: Model}]\n";
        let c = component("train_op", text).unwrap();
        let names: Vec<_> = c.inputs.iter().map(|i| i.v1_name.as_str()).collect();
        assert_eq!(names, ["data", "out_dir", "epochs"]);
        assert_eq!(c.inputs[0].kind, InputKind::File);
        assert_eq!(c.inputs[1].kind, InputKind::Value(ValueType::Str));
        assert_eq!(c.inputs[2].kind, InputKind::Value(ValueType::Int));
        assert_eq!(c.outputs[0].v2_name, "model");
        assert_eq!(c.migration, Some(Applicability::Safe));
        assert!(component("x", "a: 1\n").is_none());
    }
}
