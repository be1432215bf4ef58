//! KFP111: v1 passed open files; kfp 2 passes paths. The annotation becomes `InputPath(...)` / `OutputPath(...)` and the body opens each file under the parameter's own name first, so the body keeps working unchanged.

use super::helpers::is_docstring;
use super::helpers::is_parameter_type;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::{indentation, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

type FileObject<'a> = (&'a ast::ParameterWithDefault, &'a Expr, &'static str, bool);

/// KFP111: v1 passed open files; kfp 2 passes paths. The annotation becomes `InputPath(...)` /
/// `OutputPath(...)` and the body opens each file under the parameter's own name first, so the body keeps
/// working unchanged.
pub(crate) fn file_object_parameters(
    checker: &mut Checker,
    function: &ast::StmtFunctionDef,
    params: &[FileObject],
) {
    let Some(rule) = checker.enabled(id::KFP111) else {
        return;
    };
    // The opening lines go before the first statement after the docstring, which must start its own line.
    let first = function
        .body
        .iter()
        .find(|s| !is_docstring(s))
        .or(function.body.last());
    let insert_at = first.map(|s| range(s).start).filter(|start| {
        let line = checker.source.line_range(*start);
        checker.text(line.start..*start).trim().is_empty()
    });
    let insert_at = match (first, insert_at) {
        (Some(s), Some(_)) if is_docstring(s) => None,
        (_, at) => at,
    };
    for (arg, annotation, mode, output) in params {
        let name = arg.parameter.name.as_str();
        let path_type = if *output { "OutputPath" } else { "InputPath" };
        let fix = insert_at.and_then(|at| {
            let (spelled, import) = spell_qualified(checker, &format!("kfp.dsl.{path_type}"))?;
            // A parameter type argument (`str`) would make a parameter input, which kfp 2 cannot pass as a
            // file: keep only artifact type names.
            let type_arg = match annotation {
                Expr::Call(c) => c
                    .arguments
                    .args
                    .first()
                    .filter(|t| {
                        !is_parameter_type(t)
                            && !matches!(t, Expr::Name(n) if n.id.as_str() == "bytes")
                    })
                    .map(|t| checker.text(range(t)).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let indent = indentation(checker.source, at).to_string();
            let eol = checker.source.line_ending();
            let encoding = if mode.contains('b') {
                ""
            } else {
                ", encoding='utf-8'"
            };
            let line_start = checker.source.line_range(at).start;
            let mut edits = vec![
                Edit::replace(range(*annotation), format!("{spelled}({type_arg})")),
                Edit::stacked_insert(
                    line_start,
                    format!("{indent}{name} = open({name}, '{mode}'{encoding}){eol}"),
                ),
            ];
            edits.extend(import);
            Some(Fix::new(rule.fix.applicability(), edits))
        });
        let d = Diagnostic::new(
            rule.code,
            range(*annotation),
            rule.message_with(&[("name", name), ("replacement", path_type)]),
        )
        .with_fix_title(rule.fix_title_with(&[("replacement", path_type)]))
        .with_fix(fix);
        checker.report(d);
    }
}
