//! KFP108: `def f(x)` → `def f(x: str)`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// KFP108: `def f(x)` → `def f(x: str)`.
pub(crate) fn unannotated(checker: &mut Checker, arg: &ast::ParameterWithDefault) {
    let Some(rule) = checker.enabled(id::KFP108) else {
        return;
    };
    let name_range = range(&arg.parameter);
    let name = arg.parameter.name.as_str();
    let mut edits = vec![Edit::insert(name_range.end, ": str")];
    if let Some(default) = arg.default.as_deref() {
        // `x=1` → `x: str = 1` (PEP 8 spacing for annotated defaults).
        let between = name_range.end..range(default).start;
        if checker.text(between.clone()).trim() == "=" {
            edits = vec![Edit::replace(between, ": str = ")];
        }
    }
    let d = Diagnostic::new(rule.code, name_range, rule.message_with(&[("name", name)]))
        .with_fix_title(rule.fix_title_with(&[("name", name)]))
        .with_fix(Some(Fix::new(rule.fix.applicability(), edits)));
    checker.report(d);
}
