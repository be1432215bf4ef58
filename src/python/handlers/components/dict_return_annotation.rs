//! KFP110: `-> {'a': int, 'b': str}` → `-> NamedTuple('Outputs', [('a', int), ('b', str)])`. kfp 2's executor reads a NamedTuple return by position, as v1 read the dict-declared outputs.

use super::helpers::builtin_for_type_name;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// KFP110: `-> {'a': int, 'b': str}` → `-> NamedTuple('Outputs', [('a', int), ('b', str)])`. kfp 2's executor
/// reads a NamedTuple return by position, as v1 read the dict-declared outputs.
pub(crate) fn dict_return(checker: &mut Checker, returns: &Expr, d: &ast::ExprDict) {
    let Some(rule) = checker.enabled(id::KFP110) else {
        return;
    };
    let fields: Option<Vec<String>> = d
        .items
        .iter()
        .map(|item| {
            let (k, v) = (&item.key, &item.value);
            let key = k.as_ref()?;
            str_literal(key)?;
            let value = match v {
                Expr::StringLiteral(s) => builtin_for_type_name(s.value.to_str()).to_string(),
                other => checker.text(range(other)).to_string(),
            };
            Some(format!("({}, {value})", checker.text(range(key))))
        })
        .collect();
    let fix = fields
        .filter(|_| !checker.module.has_comment_in(range(returns)))
        .and_then(|fields| {
            let (spelled, import) = spell_qualified(checker, "typing.NamedTuple")?;
            let mut edits = vec![Edit::replace(
                range(returns),
                format!("{spelled}('Outputs', [{}])", fields.join(", ")),
            )];
            edits.extend(import);
            Some(Fix::new(rule.fix.applicability(), edits))
        });
    let diagnostic = Diagnostic::new(rule.code, range(returns), rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(diagnostic);
}
