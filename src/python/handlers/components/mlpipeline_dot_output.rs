//! `task.output` where v1 picked the single ordinary output but kfp 2 sees several (KFP114).

use crate::components::Component;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self};
use crate::registry::id;
use std::ops::Range;

/// `task.output` where v1 picked the single ordinary output but kfp 2 sees several (KFP114).
pub fn check_dot_output(
    checker: &mut Checker,
    attribute: &ast::ExprAttribute,
    expr_range: Range<usize>,
    component: &Component,
) {
    if !component.outputs_known || component.v2_has_single_output() {
        return;
    }
    let Some(output) = component.v1_single_output() else {
        return;
    };
    let Some(rule) = checker.enabled(id::KFP114) else {
        return;
    };
    let value = checker.text(range(attribute.value.as_ref()));
    let replacement = format!("{value}.outputs['{}']", output.v2_name);
    let fix = component.migration.map(|m| {
        Fix::new(
            m.max(Applicability::Unsafe),
            vec![Edit::replace(expr_range.clone(), replacement)],
        )
    });
    let attr_start = range(attribute.value.as_ref()).end;
    let d = Diagnostic::new(
        rule.code,
        attr_start..expr_range.end,
        rule.message_with(&[("component", &component.name), ("name", &output.v2_name)]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", &output.v2_name)]))
    .with_fix(fix);
    checker.report(d);
}
