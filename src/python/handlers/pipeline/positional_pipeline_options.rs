//! KFP302: `@dsl.pipeline('name', 'description')` → keywords (kfp 2's options are keyword-only).

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// v1's `pipeline(name=None, description=None, pipeline_root=None)`, in order (I1).
const V1_DECORATOR_PARAMETERS: &[&str] = &["name", "description", "pipeline_root"];

/// KFP302: `@dsl.pipeline('name', 'description')` → keywords (kfp 2's options are keyword-only).
pub(crate) fn positional_options(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(id::KFP302) else {
        return;
    };
    if call.arguments.args.is_empty() {
        return;
    }
    let mut edits = Vec::new();
    let mut fixable = call.arguments.args.len() <= V1_DECORATOR_PARAMETERS.len();
    for (arg, parameter) in call.arguments.args.iter().zip(V1_DECORATOR_PARAMETERS) {
        let given_twice = call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == *parameter));
        if matches!(arg, Expr::Starred(_)) || given_twice {
            fixable = false;
        }
        edits.push(Edit::insert(range(arg).start, format!("{parameter}=")));
    }
    let r = range(&call.arguments.args[0]).start
        ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
    let fix = fixable.then(|| Fix::new(rule.fix.applicability(), edits));
    let d = Diagnostic::new(rule.code, r, rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}
