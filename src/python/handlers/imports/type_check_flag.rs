//! `kfp.TYPE_CHECK = False` no longer turns type errors off.

use super::super::name_table::message;
use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// `kfp.TYPE_CHECK = False` no longer turns type errors off.
pub fn type_check_flag(checker: &mut Checker, assign: &ast::StmtAssign) {
    let Some(rule) = checker.enabled(id::KFP015) else {
        return;
    };
    for target in &assign.targets {
        if checker.qualified_name(target).as_deref() == Some("kfp.TYPE_CHECK") {
            let d = Diagnostic::new(
                rule.code,
                range(target),
                message(rule, "kfp.TYPE_CHECK", "", ""),
            )
            .with_fix_title(rule.fix_title.clone());
            checker.report(d);
        }
    }
}
