//! KFP404: compile arguments kfp 2 ignores or does not know.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::keyword;
use crate::registry::id;
use std::ops::Range;

/// KFP404: compile arguments kfp 2 ignores or does not know.
pub(crate) fn compile_arguments(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(id::KFP404) else {
        return;
    };
    let mut findings: Vec<(Range<usize>, &str, &str)> = Vec::new();
    if let Some(k) = keyword(call, "type_check")
        && matches!(&k.value, Expr::BooleanLiteral(b) if !b.value)
    {
        findings.push((
            range(k),
            "type_check=False",
            "kfp 2 raises task-argument type errors whatever its value: fix the mismatched types, then remove it",
        ));
    }
    if let Some(k) = keyword(call, "tekton_pipeline_conf") {
        findings.push((
            range(k),
            "tekton_pipeline_conf=",
            "it is kfp-tekton's and has no kfp 2 equivalent: move what it sets to `dsl.PipelineConfig` and per-task `kfp.kubernetes` calls, then remove it",
        ));
    }
    // kfp 1: compile(pipeline_func, package_path, type_check, pipeline_conf); kfp 2: compile(pipeline_func,
    // package_path, pipeline_name, pipeline_display_name, ...). A bool third argument or a non-string fourth one
    // is kfp 1's; strings are kfp 2's names.
    let is_str = |e: &Expr| matches!(e, Expr::StringLiteral(_) | Expr::FString(_));
    let v1_positional = call
        .arguments
        .args
        .get(2)
        .is_some_and(|a| matches!(a, Expr::BooleanLiteral(_)))
        || call.arguments.args.get(3).is_some_and(|a| !is_str(a));
    if v1_positional {
        findings.push((
            range(&call.arguments.args[2]).start
                ..range(&call.arguments.args[call.arguments.args.len() - 1]).end,
            "positional `type_check`/`pipeline_conf`",
            "kfp 2's third parameter is `pipeline_name`: pass them by keyword",
        ));
    }
    for (r, name, details) in findings {
        let d = Diagnostic::new(
            rule.code,
            r,
            rule.message_with(&[("name", name), ("details", details)]),
        )
        .with_fix_title(rule.fix_title.clone());
        checker.report(d);
    }
}
