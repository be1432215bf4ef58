//! KFP116 (opt-in, kfp ≥ 2.4): a kfp 2 component that declares an output artifact as an `Output[T]`
//! parameter can return it instead (`-> Metrics`, built on `dsl.get_uri()`), the authoring style KFP
//! recommends since kfp 2.4.0 ("Pythonic artifact authoring").
//!
//! Fixed: the shape `components::pythonic_output` recognises (one `Output[Metrics]` or
//! `Output[ClassificationMetrics]` that the body only logs to, no other output, no `return`), and only when
//! the project index agrees, so call sites reading `outputs['metrics']` are renamed to `outputs['Output']`
//! in the same run (KFP102). Reported without a fix: every other `Output[T]` parameter of a kfp 2 component.

use crate::components::RenameReason;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::{
    Annotation, ComponentDef, PythonicOutput, Site, classify_annotation, parameters,
    pythonic_output,
};
use crate::python::edits::{indentation, merge_inserts, next_line_start, spell_qualified};
use crate::python::names::range;
use crate::python::parse::TokenKind;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

use super::helpers::is_docstring;

const RULE: &str = id::KFP116;

pub fn check_definition(checker: &mut Checker, def: &ComponentDef) {
    if !matches!(def.site, Site::V2) {
        return;
    }
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let function = def.function;
    let shape = pythonic_output(
        checker.module,
        &checker.source.text,
        &checker.model,
        function,
    );
    let indexed_as_pythonic = checker.ctx.indexing
        || checker
            .ctx
            .project
            .file(&checker.source.path)
            .and_then(|m| m.components.get(&def.component.name))
            .is_some_and(|c| c.reason == RenameReason::Pythonic);
    for arg in parameters(function) {
        let annotation = arg.parameter.annotation.as_deref();
        if classify_annotation(&checker.model, annotation)
            != (Annotation::Artifact { output: true })
        {
            continue;
        }
        let Some(Expr::Subscript(sub)) = annotation else {
            continue;
        };
        let class = checker
            .model
            .qualified_name(0, &sub.slice)
            .and_then(|q| q.rsplit('.').next().map(str::to_string))
            .unwrap_or_else(|| "Artifact".into());
        let simple = shape.as_ref().filter(|s| std::ptr::eq(s.arg, arg));
        let note = match simple {
            Some(_) => "",
            None => {
                "; this shape needs a manual rewrite (write to the returned object's `.path`; the backend must support `dsl.get_uri()`, which older open-source KFP backends return empty)"
            }
        };
        let fix = simple
            .filter(|_| indexed_as_pythonic)
            .and_then(|s| rewrite(checker, function, s))
            .map(|edits| Fix::new(rule.fix.applicability(), edits));
        let name = arg.parameter.name.as_str();
        let d = Diagnostic::new(
            rule.code,
            range(&arg.parameter),
            rule.message_with(&[("name", name), ("class", &class), ("note", note)]),
        )
        .with_fix_title(rule.fix_title_with(&[("name", name), ("class", &class)]))
        .with_fix(fix);
        checker.report(d);
    }
}

/// The edits: drop the parameter, annotate the return, build the artifact first and return it last.
fn rewrite(
    checker: &Checker,
    function: &ast::StmtFunctionDef,
    shape: &PythonicOutput,
) -> Option<Vec<Edit>> {
    if !function.parameters.posonlyargs.is_empty() {
        return None;
    }
    let text = &checker.source.text;
    let (class, import_class) = spell_qualified(checker, &format!("kfp.dsl.{}", shape.class))?;
    let (get_uri, import_uri) = spell_qualified(checker, "kfp.dsl.get_uri")?;
    let mut edits = Vec::new();

    // The parameter, with the comma that separates it from a neighbour.
    let params: Vec<std::ops::Range<usize>> = function
        .parameters
        .args
        .iter()
        .chain(&function.parameters.kwonlyargs)
        .map(|a| {
            let start = range(&a.parameter).start;
            let end = a
                .default
                .as_deref()
                .map_or(range(&a.parameter).end, |d| range(d).end);
            start..end
        })
        .collect();
    let target = range(&shape.arg.parameter).start;
    let i = params.iter().position(|r| r.start == target)?;
    let vararg = function.parameters.vararg.is_some() || function.parameters.kwarg.is_some();
    edits.push(if i > 0 {
        Edit::delete(params[i - 1].end..params[i].end)
    } else if let Some(next) = params.get(1) {
        Edit::delete(params[i].start..next.start)
    } else if !vararg {
        Edit::delete(params[i].clone())
    } else {
        return None;
    });

    // `-> Metrics` after the parameter list's closing parenthesis (or in place of `-> None`).
    match function.returns.as_deref() {
        Some(r) => edits.push(Edit::replace(range(r), class.clone())),
        None => {
            let close = closing_paren(checker, function)?;
            edits.push(Edit::insert(close + 1, format!(" -> {class}")));
        }
    }

    // `metrics = Metrics(uri=dsl.get_uri())` before the first statement after the docstring, and
    // `return metrics` after the last one.
    let body = &function.body;
    let first = body.iter().find(|s| !is_docstring(s));
    let last = body.last()?;
    let eol = checker.source.line_ending();
    let indent = indentation(checker.source, range(body.first()?).start).to_string();
    let name = &shape.param;
    let after_last = next_line_start(text, range(last).end);
    let create_at = first.map_or(after_last, |s| {
        checker.source.line_range(range(s).start).start
    });
    let at_eof_without_newline = after_last == text.len() && !text.ends_with('\n');
    let lead = if at_eof_without_newline { eol } else { "" };
    edits.push(Edit::insert(
        create_at,
        format!("{lead}{indent}{name} = {class}(uri={get_uri}()){eol}"),
    ));
    let lead = if at_eof_without_newline && create_at != after_last {
        eol
    } else {
        ""
    };
    edits.push(Edit::insert(
        after_last,
        format!("{lead}{indent}return {name}{eol}"),
    ));
    edits.extend(import_class);
    edits.extend(import_uri);
    merge_inserts(&mut edits);
    Some(edits)
}

/// The offset of the `)` that closes a function's parameter list.
pub fn closing_paren(checker: &Checker, function: &ast::StmtFunctionDef) -> Option<usize> {
    let name = crate::python::components::def_name_range(&checker.source.text, function);
    let body_start = range(function.body.first()?).start;
    let mut depth = 0usize;
    for t in checker.module.tokens_in(name.end..body_start) {
        if t.kind != TokenKind::Other {
            continue;
        }
        match &checker.source.text[t.range.clone()] {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(t.range.start);
                }
            }
            _ => {}
        }
    }
    None
}
