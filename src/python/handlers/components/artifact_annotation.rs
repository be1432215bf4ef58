//! KFP115: `InputArtifact('Model')` / `OutputArtifact()` → `Input[Model]` / `Output[Artifact]`. Both hand the function an artifact object with `.path`, `.uri` and `.metadata`, so the body stays as it is.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::{merge_inserts, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use crate::registry::id;

/// KFP115: `InputArtifact('Model')` / `OutputArtifact()` → `Input[Model]` / `Output[Artifact]`. Both hand the
/// function an artifact object with `.path`, `.uri` and `.metadata`, so the body stays as it is.
pub(crate) fn artifact_parameter(
    checker: &mut Checker,
    name: &str,
    annotation: &Expr,
    output: bool,
) {
    let Some(rule) = checker.enabled(id::KFP115) else {
        return;
    };
    let type_name = match annotation {
        Expr::Call(c) => c.arguments.args.first().and_then(str_literal),
        _ => None,
    };
    let class = type_name
        .as_deref()
        .map_or("Artifact", crate::components::artifact_class);
    let generic = if output { "Output" } else { "Input" };
    let fix = (|| {
        let (wrapper, import_a) = spell_qualified(checker, &format!("kfp.dsl.{generic}"))?;
        let (class_name, import_b) = spell_qualified(checker, &format!("kfp.dsl.{class}"))?;
        let mut edits = vec![Edit::replace(
            range(annotation),
            format!("{wrapper}[{class_name}]"),
        )];
        edits.extend(import_a);
        edits.extend(import_b);
        // Two new imports of the same module would be two inserts at one spot: merge them.
        merge_inserts(&mut edits);
        Some(Fix::new(rule.fix.applicability(), edits))
    })();
    let replacement = format!("{generic}[{class}]");
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", name), ("replacement", &replacement)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", &replacement)]))
    .with_fix(fix);
    checker.report(d);
}
