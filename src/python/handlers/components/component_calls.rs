//! Call sites of v1 components (kfp 1.8.22's
//! <https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py> and
//! <https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_components.py>; kfp 2.17.3's
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/base_component.py> and
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/types/type_utils.py>):
//! - KFP102 keywords and `task.outputs[...]` keys that v1 spelled differently (stripped `_path`/`_file`,
//!   lower-case output aliases);
//! - KFP103 positional arguments (kfp 2 requires keywords);
//! - KFP104 literal `None` arguments;
//! - KFP105 numeric strings passed to numeric inputs;
//! - KFP106 string constants passed to file inputs;
//! - KFP114 `.output` on a component whose only ordinary output sits beside `mlpipeline_*` outputs.

use super::positional_component_call::positional_arguments;
use super::string_file_argument::report_string_into_file;
use crate::components::{Component, InputKind, RenameReason, ValueType};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::delete_argument;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;
use std::sync::Arc;

/// A call of a known v1 component.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, component: &Arc<Component>) {
    positional_arguments(checker, call, component);
    // A definition this run rewrites may still change its inputs' types (a ContainerOp factory's are
    // chosen from its callers): its arguments' types are judged against the rewritten definition.
    let types_settled =
        component.reason == RenameReason::LoadedYaml || component.migration.is_none();
    for keyword in &call.arguments.keywords {
        let Some(arg) = keyword.arg.as_ref() else {
            continue;
        };
        let name_range = range(keyword).start..range(keyword).start + arg.as_str().len();
        if let Some(input) = component.input_by_v1_name(arg.as_str())
            && input.v1_name != input.v2_name
            && let Some(migration) = component.migration
            && let Some(rule) = checker.enabled(id::KFP102)
        {
            let d = Diagnostic::new(
                rule.code,
                name_range.clone(),
                rule.message_with(&[
                    ("kind", "input"),
                    ("name", &input.v1_name),
                    ("replacement", &input.v2_name),
                    ("component", &describe(component)),
                    ("why", why(component)),
                ]),
            )
            .with_fix_title(rule.fix_title_with(&[("replacement", &input.v2_name)]))
            .with_fix(Some(Fix::new(
                migration,
                vec![Edit::replace(name_range, &input.v2_name)],
            )));
            checker.report(d);
        }
        if let Some(input) = component.input_by_name(arg.as_str()) {
            if types_settled {
                super::argument_type::check_argument(
                    checker,
                    &keyword.value,
                    input.kind,
                    &input.v1_name,
                );
            }
            check_argument_value(
                checker,
                call,
                &keyword.value,
                range(keyword),
                input.kind,
                input.optional,
                &input.v1_name,
            );
        }
    }
    for (i, arg) in call.arguments.args.iter().enumerate() {
        if let Some(input) = component.inputs.get(i) {
            if types_settled {
                super::argument_type::check_argument(checker, arg, input.kind, &input.v1_name);
            }
            check_argument_value(
                checker,
                call,
                arg,
                range(arg),
                input.kind,
                input.optional,
                &input.v1_name,
            );
        }
    }
}

/// KFP104, KFP105, KFP106, KFP117, KFP119 on one argument.
fn check_argument_value(
    checker: &mut Checker,
    call: &ast::ExprCall,
    value: &Expr,
    arg_range: Range<usize>,
    kind: InputKind,
    optional: bool,
    input: &str,
) {
    super::artifact_into_parameter::check_argument(checker, value, kind, input);
    let is_keyword = arg_range != range(value);
    match value {
        Expr::NumberLiteral(ast::ExprNumberLiteral {
            value: ast::Number::Int(_),
            ..
        }) if kind == InputKind::Value(ValueType::Float) => {
            let Some(rule) = checker.enabled(id::KFP117) else {
                return;
            };
            let text = checker.text(range(value));
            // `4` → `4.0`; hex, octal and binary literals are left to a human.
            let fix = text
                .chars()
                .all(|c| c.is_ascii_digit() || c == '_')
                .then(|| {
                    Fix::new(
                        rule.fix.applicability(),
                        vec![Edit::insert(range(value).end, ".0")],
                    )
                });
            let replacement = format!("{text}.0");
            let d = Diagnostic::new(
                rule.code,
                range(value),
                rule.message_with(&[("input", input), ("value", text)]),
            )
            .with_fix_title(rule.fix_title_with(&[("replacement", &replacement)]))
            .with_fix(fix);
            checker.report(d);
        }
        Expr::NoneLiteral(_) => {
            let Some(rule) = checker.enabled(id::KFP104) else {
                return;
            };
            // Dropping it means "not passed", which is what v1 made of `None` for an optional input. Only
            // keyword arguments can go without shifting the others (positional ones become keywords first).
            let fix = (optional && is_keyword)
                .then(|| delete_argument(call, &arg_range))
                .flatten()
                .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
            let d = Diagnostic::new(
                rule.code,
                range(value),
                rule.message_with(&[("input", input)]),
            )
            .with_fix_title(rule.fix_title_with(&[("input", input)]))
            .with_fix(fix);
            checker.report(d);
        }
        Expr::StringLiteral(ast::ExprStringLiteral { value: s, .. }) => match kind {
            InputKind::Value(
                t @ (ValueType::Int
                | ValueType::Float
                | ValueType::Bool
                | ValueType::List
                | ValueType::Dict),
            ) => {
                let Some(rule) = checker.enabled(id::KFP105) else {
                    return;
                };
                let Some(literal) = numeric_literal(s.to_str(), t) else {
                    return;
                };
                let type_name = match t {
                    ValueType::Int => "int",
                    ValueType::Float => "float",
                    ValueType::List => "list",
                    ValueType::Dict => "dict",
                    _ => "bool",
                };
                let d = Diagnostic::new(
                    rule.code,
                    range(value),
                    rule.message_with(&[("input", input), ("type", type_name)]),
                )
                .with_fix_title(rule.fix_title_with(&[("replacement", &literal)]))
                .with_fix(Some(Fix::new(
                    rule.fix.applicability(),
                    vec![Edit::replace(range(value), literal)],
                )));
                checker.report(d);
            }
            InputKind::File => report_string_into_file(checker, value, input),
            InputKind::Value(_) => {}
        },
        Expr::FString(_) if kind == InputKind::File => {
            report_string_into_file(checker, value, input)
        }
        Expr::Call(_) => {
            if let InputKind::Value(t @ (ValueType::List | ValueType::Dict)) = kind {
                dumped_into_json_input(checker, value, t, input);
            }
        }
        _ => {}
    }
}

/// KFP105 on `json.dumps([...])` passed to a `List` input (`json.dumps({...})` to a `Dict` one): kfp 1 took
/// the JSON text; kfp 2 takes the list itself and serialises it to the same JSON for the container.
fn dumped_into_json_input(checker: &mut Checker, value: &Expr, t: ValueType, input: &str) {
    let is_json_dumps = |f: &Expr| checker.qualified_name(f).as_deref() == Some("json.dumps");
    let Some(literal) = crate::python::json_literals::dumped_literal(value, is_json_dumps, t)
    else {
        return;
    };
    let Some(rule) = checker.enabled(id::KFP105) else {
        return;
    };
    let replacement = checker.text(range(literal)).to_string();
    let type_name = if t == ValueType::List { "list" } else { "dict" };
    let d = Diagnostic::new(
        rule.code,
        range(value),
        rule.message_with(&[("input", input), ("type", type_name)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", &replacement)]))
    .with_fix(Some(Fix::new(
        rule.fix.applicability(),
        vec![Edit::replace(range(value), replacement.clone())],
    )));
    checker.report(d);
}

/// The Python literal a numeric string stands for, when it parses as the input's type.
fn numeric_literal(s: &str, t: ValueType) -> Option<String> {
    let s = s.trim();
    match t {
        ValueType::Int => s.parse::<i64>().ok().map(|v| v.to_string()),
        ValueType::Float => {
            let v = s.parse::<f64>().ok().filter(|v| v.is_finite())?;
            // Keep the user's digits; make sure Python reads a float.
            Some(if s.contains(['.', 'e', 'E']) {
                s.trim_start_matches('+').to_string()
            } else {
                format!("{v:?}")
            })
        }
        ValueType::Bool => match s.to_ascii_lowercase().as_str() {
            "true" => Some("True".into()),
            "false" => Some("False".into()),
            _ => None,
        },
        // JSON text, as kfp 1 passed lists and dicts; an empty string is left alone here (it is not the
        // empty list in every component's eyes).
        ValueType::List | ValueType::Dict if !s.is_empty() => {
            crate::python::json_literals::from_json_text(s, t)
        }
        _ => None,
    }
}

/// How a message names the component.
pub(crate) fn describe(component: &Component) -> String {
    match component.reason {
        RenameReason::Migration => format!("v1 component `{}`", component.name),
        RenameReason::Pythonic => format!("component `{}`", component.name),
        RenameReason::LoadedYaml => format!("YAML component `{}`", component.name),
    }
}

/// When the new name applies.
pub(crate) fn why(component: &Component) -> &'static str {
    match component.reason {
        RenameReason::Migration => "in kfp 2",
        RenameReason::Pythonic => "once the component returns its artifact (KFP116)",
        RenameReason::LoadedYaml => "when kfp 2 loads the v1 spec",
    }
}

#[cfg(test)]
mod tests {
    use super::super::component_io_names::requote;
    use super::*;

    #[test]
    fn numeric_literals() {
        assert_eq!(numeric_literal("10", ValueType::Int).as_deref(), Some("10"));
        assert_eq!(numeric_literal("1.5", ValueType::Int), None);
        assert_eq!(
            numeric_literal("3", ValueType::Float).as_deref(),
            Some("3.0")
        );
        assert_eq!(
            numeric_literal("0.25", ValueType::Float).as_deref(),
            Some("0.25")
        );
        assert_eq!(numeric_literal("nan", ValueType::Float), None);
        assert_eq!(
            numeric_literal("True", ValueType::Bool).as_deref(),
            Some("True")
        );
        assert_eq!(numeric_literal("yes", ValueType::Bool), None);
    }

    #[test]
    fn requote_keeps_quotes() {
        assert_eq!(
            requote("'model'", "model", "model_path").as_deref(),
            Some("'model_path'")
        );
        assert_eq!(requote("\"a\"", "a", "b").as_deref(), Some("\"b\""));
        assert_eq!(requote("r'a'", "a", "b"), None);
    }
}
