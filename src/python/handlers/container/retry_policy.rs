//! KFP212: `set_retry(n, policy=...)`: kfp 2 has no retry policy (`TypeError`); the argument is dropped.

use crate::diagnostic::{Diagnostic, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// KFP212: `set_retry(n, policy=...)`: kfp 2 has no retry policy (`TypeError`); the argument is dropped.
pub(crate) fn retry(checker: &mut Checker, call: &ast::ExprCall, fixable: bool) {
    let Some(rule) = checker.enabled(id::KFP212) else {
        return;
    };
    let policy = call
        .arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "policy"))
        .map(range)
        .or_else(|| call.arguments.args.get(1).map(range));
    let Some(policy) = policy else { return };
    let fix = fixable
        .then(|| crate::python::edits::delete_argument(call, &policy))
        .flatten()
        .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
    // A positional policy shifts the backoff arguments that follow it: only a trailing one can go.
    let trailing = crate::python::edits::argument_ranges(call).last() == Some(&policy);
    let d = Diagnostic::new(rule.code, policy.clone(), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(
            fix.filter(|_| trailing || call.arguments.keywords.iter().any(|k| range(k) == policy)),
        );
    checker.report(d);
}
