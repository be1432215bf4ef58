//! KFP109: `InputPath(str)` compiles in kfp 2 as a parameter input but fails at run time.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

/// KFP109: `InputPath(str)` compiles in kfp 2 as a parameter input but fails at run time.
pub(crate) fn parameter_path(
    checker: &mut Checker,
    annotation_range: std::ops::Range<usize>,
    name: &str,
    t: &Expr,
) {
    let Some(rule) = checker.enabled(id::KFP109) else {
        return;
    };
    let type_text = checker.text(range(t)).to_string();
    let d = Diagnostic::new(
        rule.code,
        annotation_range,
        rule.message_with(&[("name", name), ("type", &type_text)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
