//! `task.outputs['key']` on a task of a known component (KFP102).

use super::component_calls::{describe, why};
use crate::components::Component;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self};
use crate::registry::id;

/// `task.outputs['key']` on a task of a known component (KFP102).
pub fn check_outputs_subscript(
    checker: &mut Checker,
    subscript: &ast::ExprSubscript,
    component: &Component,
) {
    if !component.outputs_known {
        return;
    }
    let Some(key) = crate::python::literals::str_value(&subscript.slice) else {
        return;
    };
    let Some(output) = component.output_by_v1_key(key) else {
        return;
    };
    if output.v2_name == *key {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP102) else {
        return;
    };
    let key_range = range(subscript.slice.as_ref());
    // v1's `outputs['output']` alias of a lone output is `task.output` in v1 and in kfp 2 alike, whether or not
    // the definition's rewrite is confirmed here (a notebook's own component, a suppressed fix).
    let lone = is_lone_output(component, key, output);
    let fix = match component.migration {
        _ if lone => {
            let ast::Expr::Attribute(outputs) = subscript.value.as_ref() else {
                return;
            };
            let task = checker.text(range(outputs.value.as_ref()));
            Some(Fix::new(
                rule.fix.applicability(),
                vec![Edit::replace(range(subscript), format!("{task}.output"))],
            ))
        }
        Some(migration) => requote(checker.text(key_range.clone()), key, &output.v2_name)
            .map(|text| Fix::new(migration, vec![Edit::replace(key_range.clone(), text)])),
        None => return,
    };
    let d = Diagnostic::new(
        rule.code,
        key_range,
        rule.message_with(&[
            ("kind", "output"),
            ("name", key),
            ("replacement", &output.v2_name),
            ("component", &describe(component)),
            ("why", why(component)),
        ]),
    )
    .with_fix_title(if lone {
        "Read the lone output as `task.output`".to_string()
    } else {
        rule.fix_title_with(&[("replacement", &output.v2_name)])
    })
    .with_fix(fix);
    checker.report(d);
}

/// `outputs['output']` naming v1's alias of the one output, which `task.output` reads in v1 and kfp 2.
fn is_lone_output(component: &Component, key: &str, output: &crate::components::Output) -> bool {
    key == "output"
        && component.v2_has_single_output()
        && component.v1_single_output() == Some(output)
}

/// A plain string literal's text with its content replaced, keeping the quotes; `None` for prefixed or
/// escaped literals.
pub(crate) fn requote(literal: &str, old: &str, new: &str) -> Option<String> {
    let quote = literal.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = literal.strip_prefix(quote)?.strip_suffix(quote)?;
    (inner == old).then(|| format!("{quote}{new}{quote}"))
}
