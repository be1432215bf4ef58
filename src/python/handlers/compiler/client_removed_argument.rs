//! KFP420: `create_run_from_pipeline_func(..., mode=..., launcher_image=...)` → dropped.

use crate::diagnostic::{Diagnostic, Fix};
use crate::python::checker::Checker;
use crate::python::edits::delete_argument;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// v1 `create_run_from_pipeline_func` parameters kfp 2 removed (`pipeline_conf` is KFP330's).
const REMOVED_CLIENT_ARGUMENTS: &[&str] = &["mode", "launcher_image", "tekton_pipeline_conf"];

/// KFP420: `create_run_from_pipeline_func(..., mode=..., launcher_image=...)` → dropped.
pub(crate) fn client_arguments(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
) {
    let Some(rule) = checker.enabled(id::KFP420) else {
        return;
    };
    for k in &call.arguments.keywords {
        let Some(name) = k.arg.as_ref().map(|a| a.as_str()) else {
            continue;
        };
        if !REMOVED_CLIENT_ARGUMENTS.contains(&name) {
            continue;
        }
        let r = range(k);
        let fix = delete_argument(call, &r)
            .filter(|_| !checker.module.has_comment_in(r.clone()))
            .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
        let d = Diagnostic::new(rule.code, r, rule.message_with(&[("name", name)]))
            .with_fix_title(rule.fix_title_with(&[("name", name)]))
            .with_fix(fix);
        checker.report(d);
    }
    // v1 order: pipeline_func, arguments, run_name, experiment_name, pipeline_conf, namespace, mode, …
    if call.arguments.args.len() > 4 {
        let r = range(&call.arguments.args[4]).start
            ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
        let d = Diagnostic::new(
            rule.code,
            r.start..r.end.min(call_range.end),
            rule.message_with(&[("name", "positional arguments after `experiment_name`")]),
        )
        .with_fix_title(
            "Pass the arguments by keyword, without `pipeline_conf`, `mode` and `launcher_image`",
        );
        checker.report(d);
    }
}
