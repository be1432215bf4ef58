//! KFP203: `op.add_resource_limit('nvidia.com/gpu', n)` → `task.set_accelerator_type(...).set_accelerator_limit(n)`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// KFP203: `op.add_resource_limit('nvidia.com/gpu', n)` → `task.set_accelerator_type(...).set_accelerator_limit(n)`.
pub(crate) fn resource_limit(
    checker: &mut Checker,
    call: &ast::ExprCall,
    tail: Range<usize>,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(id::KFP203) else {
        return;
    };
    let [resource, value] = &call.arguments.args[..] else {
        return;
    };
    let text = format!(
        ".set_accelerator_type({}).set_accelerator_limit({})",
        checker.text(range(resource)),
        checker.text(range(value))
    );
    let fix = (fixable && call.arguments.keywords.is_empty())
        .then(|| Fix::new(rule.fix.applicability(), vec![Edit::replace(tail, text)]));
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}
