//! KFP205: `op.add_toleration(V1Toleration(key=..., ...))` → `kubernetes.add_toleration(task, key=..., ...)`.

use super::kubernetes_objects;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// KFP205: `op.add_toleration(V1Toleration(key=..., ...))` → `kubernetes.add_toleration(task, key=..., ...)`.
pub(crate) fn toleration(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task_text: &str,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(id::KFP205) else {
        return;
    };
    const FIELDS: &[&str] = &["effect", "key", "operator", "toleration_seconds", "value"];
    let fields = call
        .arguments
        .args
        .first()
        .and_then(|a| kubernetes_objects::model_fields(checker, a, "V1Toleration", FIELDS))
        .filter(|f| f.iter().all(|(n, _)| FIELDS.contains(&n.as_str())));
    let fix = fields.filter(|_| fixable).and_then(|fields| {
        let (function, import) = spell_qualified(checker, "kfp.kubernetes.add_toleration")?;
        let mut arguments = vec![task_text.to_string()];
        arguments.extend(
            fields
                .iter()
                .map(|(n, v)| format!("{n}={}", checker.text(range(*v)))),
        );
        let mut edits = vec![Edit::replace(
            call_range,
            format!("{function}({})", arguments.join(", ")),
        )];
        edits.extend(import);
        Some(Fix::new(rule.fix.applicability(), edits))
    });
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}
