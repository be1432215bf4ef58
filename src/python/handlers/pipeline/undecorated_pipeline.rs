//! KFP301: `Compiler().compile(f, ...)` where `f` has no `@dsl.pipeline`.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::{indentation, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast;
use crate::python::pipelines::PipelineFn;
use crate::registry::id;
use std::ops::Range;

/// KFP301: `Compiler().compile(f, ...)` where `f` has no `@dsl.pipeline`.
pub(crate) fn undecorated(checker: &mut Checker, pipeline: &PipelineFn) {
    let Some(rule) = checker.enabled(id::KFP301) else {
        return;
    };
    let def = pipeline.def;
    let name = def.name.as_str();
    let def_range = range(def);
    // The decorator runs when the `def` does: it needs an import bound before it.
    checker.fix_point = Some(def_range.start);
    // The decorator goes above the first existing decorator, or the `def` line.
    let first = def
        .decorator_list
        .iter()
        .map(|d| range(d).start)
        .chain([def_range.start])
        .min()
        .unwrap_or(def_range.start);
    let line_start = checker.source.line_range(first).start;
    // Called directly somewhere, the function would now create a nested pipeline task instead of adding its
    // tasks to the caller's pipeline.
    let called = checker.pipelines.direct_calls.contains(&def_range.start);
    let applicability = if called {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let fix = spell_qualified(checker, "kfp.dsl.pipeline").map(|(spelled, import)| {
        let indent = indentation(checker.source, line_start).to_string();
        let eol = checker.source.line_ending();
        let mut edits = vec![Edit::insert(line_start, format!("{indent}@{spelled}{eol}"))];
        edits.extend(import);
        Fix::new(applicability, edits)
    });
    checker.fix_point = None;
    let details = if called {
        "; it is also called directly, which kfp 2 turns into a nested pipeline task"
    } else {
        ""
    };
    let name_range = def_name(checker, def);
    let d = Diagnostic::new(
        rule.code,
        name_range,
        rule.message_with(&[("name", name), ("details", details)]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", name)]))
    .with_fix(fix);
    checker.report(d);
}

fn def_name(checker: &Checker, def: &ast::StmtFunctionDef) -> Range<usize> {
    crate::python::components::def_name_range(&checker.source.text, def)
}
