//! KFP214: `task.execution_options.caching_strategy.max_cache_staleness = 'P0D'` → `task.set_caching_options(False)`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// KFP214: `task.execution_options.caching_strategy.max_cache_staleness = 'P0D'` → `task.set_caching_options(False)`.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign, stmt_range: Range<usize>) {
    let [Expr::Attribute(target)] = assign.targets.as_slice() else {
        return;
    };
    if target.attr.as_str() != "max_cache_staleness" {
        return;
    }
    let Expr::Attribute(strategy) = target.value.as_ref() else {
        return;
    };
    let Expr::Attribute(options) = strategy.value.as_ref() else {
        return;
    };
    if strategy.attr.as_str() != "caching_strategy"
        || options.attr.as_str() != "execution_options"
        || !checker.is_task(&options.value)
    {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP214) else {
        return;
    };
    let task = checker.text(range(options.value.as_ref())).to_string();
    let never = crate::python::components::str_literal(&assign.value).as_deref() == Some("P0D");
    let fix = (never && !checker.module.has_comment_in(stmt_range.clone())).then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(
                stmt_range.clone(),
                format!("{task}.set_caching_options(False)"),
            )],
        )
    });
    let d = Diagnostic::new(rule.code, range(target), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}
