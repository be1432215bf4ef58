//! KFP216: `op.container.set_cpu_limit(...)` → `task.set_cpu_limit(...)` (kfp 2 tasks have no `.container`).

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// KFP216: `op.container.set_cpu_limit(...)` → `task.set_cpu_limit(...)` (kfp 2 tasks have no `.container`).
pub(crate) fn container_spelling(
    checker: &mut Checker,
    attr: &ast::ExprAttribute,
    task: &Expr,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(id::KFP216) else {
        return;
    };
    let Expr::Attribute(container) = attr.value.as_ref() else {
        return;
    };
    // `task.container` → `task`: delete from the end of the task to the end of `.container`.
    let fix = fixable.then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::delete(range(task).end..range(container).end)],
        )
    });
    let d = Diagnostic::new(
        rule.code,
        range(task).end..range(container).end,
        rule.message_with(&[("name", attr.attr.as_str())]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", attr.attr.as_str())]))
    .with_fix(fix);
    checker.report(d);
}
