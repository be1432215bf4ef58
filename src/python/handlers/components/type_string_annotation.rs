//! KFP107: `x: 'Integer'` → `x: int`.

use super::helpers::builtin_for_type_name;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

/// KFP107: `x: 'Integer'` → `x: int`.
pub(crate) fn type_string(checker: &mut Checker, annotation: &Expr, type_name: &str) {
    let Some(rule) = checker.enabled(id::KFP107) else {
        return;
    };
    let builtin = builtin_for_type_name(type_name);
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", type_name), ("replacement", builtin)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", builtin)]))
    .with_fix(Some(Fix::new(
        rule.fix.applicability(),
        vec![Edit::replace(range(annotation), builtin)],
    )));
    checker.report(d);
}
