//! Python rules. The checker calls one entry point per node kind; each dispatches to the rule families.

pub mod imports;
pub mod name_table;

use std::ops::Range;

use super::checker::{Checker, ImportSite};
use super::names::Resolved;
use super::parse::ast::{self, Expr};

/// An import statement (after the whole module has been walked).
pub fn check_import(checker: &mut Checker, site: &ImportSite) {
    name_table::check_import(checker, site);
}

/// A name or attribute chain in load context, with what its head name resolved to; `bare_call` is the range of `chain()` when it is called with
/// no arguments; `is_callee` says whether the chain is called at all.
pub fn check_chain(
    checker: &mut Checker,
    expr: &Expr,
    head: Option<&Resolved>,
    bare_call: Option<Range<usize>>,
    is_callee: bool,
) {
    name_table::check_chain(checker, expr, head, bare_call, is_callee);
}

/// Qualified names whose calls a handler reports, so the name table stays quiet about the callee.
pub const CALLS_WITH_HANDLERS: &[&str] = &["kfp.components.load_component"];

/// A call, before its callee and arguments are visited. Only calls of names that resolve to a qualified
/// name (an import) can be kfp calls; the callee is resolved once for every call rule.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Some(callee) = checker.qualified_name(&call.func) else {
        return;
    };
    imports::keyword_renames(checker, call, &callee);
    imports::load_component(checker, call, call_range, &callee);
}

/// An assignment statement.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign) {
    imports::type_check_flag(checker, assign);
}
