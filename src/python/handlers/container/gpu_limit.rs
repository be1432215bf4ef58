//! KFP202: `op.set_gpu_limit(n, vendor)` → `task.set_accelerator_type('nvidia.com/gpu').set_accelerator_limit(n)`.

use super::helpers::argument;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// KFP202: `op.set_gpu_limit(n, vendor)` → `task.set_accelerator_type('nvidia.com/gpu').set_accelerator_limit(n)`.
pub(crate) fn gpu_limit(
    checker: &mut Checker,
    call: &ast::ExprCall,
    tail: Range<usize>,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(id::KFP202) else {
        return;
    };
    let Some(count) = argument(call, 0, "gpu") else {
        return;
    };
    let vendor = match argument(call, 1, "vendor") {
        None => Some("nvidia".to_string()),
        Some(v) => crate::python::components::str_literal(v),
    };
    let resource = vendor.map(|v| format!("{v}.com/gpu"));
    let count_text = checker.text(range(count)).to_string();
    let fix = resource.as_ref().filter(|_| fixable).map(|r| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(
                tail,
                format!(".set_accelerator_type('{r}').set_accelerator_limit({count_text})"),
            )],
        )
    });
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title_with(&[(
            "resource",
            resource.as_deref().unwrap_or("<vendor>.com/gpu"),
        )]))
        .with_fix(fix);
    checker.report(d);
}
