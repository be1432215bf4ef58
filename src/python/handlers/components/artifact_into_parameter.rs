//! KFP119: an artifact output of a loaded v1 spec passed to a parameter input (`String`, `Integer`, …).
//!
//! kfp 1 read the output file and passed its content as the value; kfp 2 loads an untyped (or
//! non-parameter-typed) v1 output as an artifact and refuses it for a parameter input
//! (`InconsistentTypeException: Argument type 'system.Artifact@0.0.1' is incompatible with the input type
//! 'STRING'`). Only the author of the specs can say which side to change, so there is no fix.

use crate::components::{InputKind, Output};
use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::literals::str_value;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

/// `task.outputs['x']` or `task.output` passed as `value` to an input of `kind`.
pub fn check_argument(checker: &mut Checker, value: &Expr, kind: InputKind, input: &str) {
    if kind == InputKind::File {
        return;
    }
    let Some((producer, output)) = artifact_output(checker, value) else {
        return;
    };
    let Some(rule) = checker.enabled(id::KFP119) else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(value),
        rule.message_with(&[
            ("output", &output.v1_name),
            ("component", &producer),
            ("input", input),
        ]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}

/// The producing component's name and the output `value` reads, when that output is an artifact.
fn artifact_output(checker: &Checker, value: &Expr) -> Option<(String, Output)> {
    let (task, key) = match value {
        Expr::Subscript(s) => match s.value.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "outputs" => {
                (a.value.as_ref(), Some(str_value(&s.slice)?))
            }
            _ => return None,
        },
        Expr::Attribute(a) if a.attr.as_str() == "output" => (a.value.as_ref(), None),
        _ => return None,
    };
    let component = checker.task_component(task)?;
    if !component.outputs_known {
        return None;
    }
    let output = match key {
        Some(key) => component.output_by_v1_key(key)?,
        None => component.v1_single_output()?,
    };
    output
        .artifact
        .then(|| (component.name.clone(), output.clone()))
}
