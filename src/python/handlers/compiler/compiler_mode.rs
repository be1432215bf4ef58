//! KFP401: kfp 2's `Compiler()` takes no arguments.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;
use std::ops::Range;

/// KFP401: kfp 2's `Compiler()` takes no arguments.
pub(crate) fn compiler_mode(checker: &mut Checker, call: &ast::ExprCall) {
    if call.arguments.args.is_empty() && call.arguments.keywords.is_empty() {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP401) else {
        return;
    };
    let mut all: Vec<Range<usize>> = call.arguments.args.iter().map(range).collect();
    all.extend(call.arguments.keywords.iter().map(range));
    all.sort_by_key(|r| r.start);
    let span = all[0].start..all[all.len() - 1].end;
    let fix = (!checker.module.has_comment_in(span.clone()))
        .then(|| Fix::new(rule.fix.applicability(), vec![Edit::delete(span.clone())]));
    let d = Diagnostic::new(rule.code, span, rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}
