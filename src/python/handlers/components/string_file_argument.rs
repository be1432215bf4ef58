//! string file argument.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

pub(crate) fn report_string_into_file(checker: &mut Checker, value: &Expr, input: &str) {
    let Some(rule) = checker.enabled(id::KFP106) else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(value),
        rule.message_with(&[("input", input)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
