//! KFP305: `x: 'Integer'` → `x: int`.

use super::super::components::helpers::builtin_for_type_name;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

/// String annotations kfp 2 reads as parameter types (checked by compiling each with kfp 2.17.3); every other
/// string, `'str'` and `'Bool'` included, is read as an artifact type and fails.
const KFP2_TYPE_NAMES: &[&str] = &["Integer", "String", "Float", "Boolean", "Dict", "List"];

/// v1 type names whose builtin carries exactly the same values.
const SAME_VALUES: &[&str] = &[
    "integer", "int", "float", "double", "string", "str", "bool", "boolean",
];

/// KFP305: `x: 'Integer'` → `x: int`.
pub(crate) fn type_name(checker: &mut Checker, annotation: &Expr) {
    let Some(rule) = checker.enabled(id::KFP305) else {
        return;
    };
    let Some(type_name) = str_literal(annotation) else {
        return;
    };
    // Only plain names (`'Integer'`, `'GCSPath'`); a string such as `'List[str]'` is a forward reference.
    if type_name.is_empty()
        || !type_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || type_name.starts_with(|c: char| c.is_ascii_digit())
    {
        return;
    }
    // kfp 2.17.3 still maps these (exactly so spelled) to parameter types: they compile as they are.
    if KFP2_TYPE_NAMES.contains(&type_name.as_str()) {
        return;
    }
    let builtin = builtin_for_type_name(&type_name);
    let applicability = if SAME_VALUES.contains(&type_name.to_ascii_lowercase().as_str()) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", &type_name), ("replacement", builtin)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", builtin)]))
    .with_fix(Some(Fix::new(
        applicability,
        vec![Edit::replace(range(annotation), builtin)],
    )));
    checker.report(d);
}
