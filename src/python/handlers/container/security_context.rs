//! KFP211 on `task.container.set_security_context(V1SecurityContext(...))`: only `run_as_user`, `run_as_group` and `run_as_non_root` exist in kfp-kubernetes.

use super::kubernetes_objects::{model_fields, report, text};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// KFP211 on `task.container.set_security_context(V1SecurityContext(...))`: only `run_as_user`,
/// `run_as_group` and `run_as_non_root` exist in kfp-kubernetes.
pub fn security_context(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task: &str,
    fixable: bool,
) {
    const KEPT: &[&str] = &["run_as_user", "run_as_group", "run_as_non_root"];
    let rewrite = call.arguments.args.first().and_then(|v| {
        let f = model_fields(checker, v, "V1SecurityContext", &[])?;
        if f.iter().any(|(k, _)| !KEPT.contains(&k.as_str())) {
            return None;
        }
        let (function, import) = spell_qualified(checker, "kfp.kubernetes.set_security_context")?;
        let args: Vec<String> = f
            .iter()
            .map(|(k, v)| format!("{k}={}", text(checker, v)))
            .collect();
        Some((format!("{function}({task}, {})", args.join(", ")), import))
    });
    report(
        checker,
        id::KFP211,
        range(call.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
}
