//! Building blocks for fixes on Python text: indentation, deleting statements, adding imports. Every helper returns byte-range edits; nothing here re-prints code it did not write.

use std::ops::Range;

use super::checker::Checker;
use super::names::range;
use super::parse::ast::{self, Stmt};
use crate::diagnostic::Edit;
use crate::source::SourceFile;

/// The leading whitespace of the line `offset` is on.
pub fn indentation(source: &SourceFile, offset: usize) -> &str {
    let line = source.line_range(offset);
    let text = &source.text[line];
    &text[..text.len() - text.trim_start().len()]
}

/// Whether the statement at `range` is alone on its lines (nothing but whitespace or a comment around it).
fn owns_its_lines(source: &SourceFile, range: &Range<usize>) -> bool {
    let first = source.line_range(range.start);
    let last = source.line_range(range.end.saturating_sub(1).max(range.start));
    source.text[first.start..range.start].trim().is_empty() && {
        let after = source.text[range.end..last.end].trim_start();
        after.is_empty() || after.starts_with('#')
    }
}

/// Deletes a statement: its whole lines when it owns them, a `pass` when it is alone in its block.
pub fn delete_statement(source: &SourceFile, stmt: &Stmt, sole_in_block: bool) -> Edit {
    let r = range(stmt);
    if sole_in_block {
        return Edit::replace(r, "pass");
    }
    if owns_its_lines(source, &r) {
        let start = source.line_range(r.start).start;
        let last = source.line_range(r.end.saturating_sub(1).max(r.start));
        let end = next_line_start(&source.text, last.end);
        return Edit::delete(start..end);
    }
    // `a = 1; import x` — remove the statement and one separator next to it.
    let text = &source.text;
    let after = &text[r.end..];
    let trimmed = after.trim_start_matches([' ', '\t']);
    if let Some(rest) = trimmed.strip_prefix(';') {
        let skip = after.len() - rest.trim_start_matches([' ', '\t']).len();
        return Edit::delete(r.start..r.end + skip);
    }
    let before = text[..r.start].trim_end_matches([' ', '\t']);
    if before.ends_with(';') {
        return Edit::delete(before.len() - 1..r.end);
    }
    Edit::replace(r, "pass")
}

/// The offset where the line after `offset`'s line starts (the text's end on the last line).
pub fn next_line_start(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// Joins statements that replace one statement: on separate lines with its indentation when it owns its
/// lines, with `; ` otherwise.
pub fn join_statements(
    source: &SourceFile,
    stmt_range: &Range<usize>,
    statements: &[String],
) -> String {
    if owns_its_lines(source, stmt_range) {
        let sep = format!(
            "{}{}",
            source.line_ending(),
            indentation(source, stmt_range.start)
        );
        statements.join(&sep)
    } else {
        statements.join("; ")
    }
}

/// `from module import a, b as c`
pub fn from_import_text(module: &str, names: &[(String, Option<String>)]) -> String {
    let list: Vec<String> = names
        .iter()
        .map(|(n, a)| match a {
            Some(a) if a != n => format!("{n} as {a}"),
            _ => n.clone(),
        })
        .collect();
    format!("from {module} import {}", list.join(", "))
}

/// Makes `qualified` (`kfp.components.load_component_from_file`) usable as a bare name at module level:
/// returns the local name and, when no import binds it yet, the edit adding one. The edit is merged into an
/// existing unaliased `from module import …` when there is one, and otherwise inserted as a new line after the
/// module docstring and `from __future__` imports. `None` when the name is taken by something else.
///
/// A module-level import is reused only when it runs before the statement being fixed: an import further
/// down the module (or in a later notebook cell, or under `if __name__ == '__main__':` after a function
/// whose decorator is being written) is not bound yet where the fix writes the name.
pub fn ensure_imported(checker: &Checker, qualified: &str) -> Option<(String, Option<Edit>)> {
    let point = point_of_use(checker);
    if let Some(b) = checker
        .model
        .module_bindings_of(qualified)
        .find(|b| b.range.start < point)
    {
        return Some((b.name.clone(), None));
    }
    let (module, name) = qualified.rsplit_once('.')?;
    // The name may be taken only by a later import of the very same thing, which the new import agrees with.
    let taken = checker
        .model
        .bindings
        .iter()
        .any(|b| b.name == name && b.qualified.as_deref() != Some(qualified));
    if taken {
        return None;
    }
    let body = &checker.module.body;
    for stmt in body {
        if let Stmt::ImportFrom(ast::StmtImportFrom {
            module: Some(m),
            names,
            level,
            ..
        }) = stmt
            && m.as_str() == module
            && *level == 0
            && range(stmt).start < point
            && names.iter().all(|a| a.name.as_str() != "*")
            && let Some(last) = names.last()
        {
            return Some((
                name.to_string(),
                // Stackable: two fixes importing different names from one module extend the list together.
                Some(Edit::stacked_insert(range(last).end, format!(", {name}"))),
            ));
        }
    }
    let source = checker.source;
    let line = format!("from {module} import {name}{}", source.line_ending());
    let mut insert_at = None;
    for (i, stmt) in body.iter().enumerate() {
        let is_docstring = i == 0
            && matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
                if value.is_string_literal_expr());
        let is_future = matches!(stmt, Stmt::ImportFrom(ast::StmtImportFrom { module: Some(m), .. }) if m.as_str() == "__future__");
        if !(is_docstring || is_future) {
            insert_at = Some(source.line_range(range(stmt).start).start);
            break;
        }
    }
    let edit = match insert_at {
        // A whole import line stacks with other import lines added at the same place.
        Some(at) => Edit::stacked_insert(at, line),
        None => {
            // Only a docstring and future imports: append after the last of them.
            let end = body.last().map_or(0, |s| range(s).end);
            let at = next_line_start(&source.text, end);
            if at == source.text.len() && !source.text.ends_with('\n') {
                Edit::stacked_insert(at, format!("{}{}", source.line_ending(), line))
            } else {
                Edit::stacked_insert(at, line)
            }
        }
    };
    Some((name.to_string(), Some(edit)))
}

/// Where a name a fix writes must already be bound: the start of the module-level statement being fixed (the
/// module runs top to bottom, and kfp 2 runs a pipeline's body when its `def` is decorated).
fn point_of_use(checker: &Checker) -> usize {
    checker.fix_point.unwrap_or_else(|| {
        checker
            .top_level
            .map_or(usize::MAX, |stmt| range(stmt).start)
    })
}

/// A spelling of `qualified` (`kfp.dsl.component`) usable in module code, and the import edit it needs.
/// An existing module-level import is reused (`import kfp` → `kfp.dsl.component`, `from kfp import dsl` →
/// `dsl.component`; a `kfp.v2.dsl` import counts as `kfp.dsl`, which the namespace rule rewrites it to);
/// otherwise the parent module is imported (`from kfp import dsl`), or the name itself when that is taken.
pub fn spell_qualified(checker: &Checker, qualified: &str) -> Option<(String, Option<Edit>)> {
    let mut best: Option<(usize, String)> = None;
    let point = point_of_use(checker);
    for b in checker
        .model
        .bindings
        .iter()
        .filter(|b| b.scope == 0 && b.range.start < point)
    {
        let Some(q) = b.qualified.as_deref() else {
            continue;
        };
        let q = if q == "kfp.v2.dsl" { "kfp.dsl" } else { q };
        let spelled = if q == qualified {
            b.name.clone()
        } else if let Some(rest) = qualified.strip_prefix(q).filter(|r| r.starts_with('.')) {
            // `import kfp` makes `kfp.dsl` available but not `kfp.kubernetes` (a separate package that only
            // its own import loads).
            if q == "kfp" && rest.starts_with(".kubernetes") {
                continue;
            }
            format!("{}{rest}", b.name)
        } else {
            continue;
        };
        // A later local binding of the same name would shadow the import.
        let shadowed = checker
            .model
            .bindings
            .iter()
            .any(|o| o.name == b.name && o.qualified.is_none());
        if !shadowed && best.as_ref().is_none_or(|(len, _)| q.len() > *len) {
            best = Some((q.len(), spelled));
        }
    }
    if let Some((_, spelled)) = best {
        return Some((spelled, None));
    }
    let (parent, name) = qualified.rsplit_once('.')?;
    if let Some((local, edit)) = ensure_imported(checker, parent) {
        return Some((format!("{local}.{name}"), edit));
    }
    ensure_imported(checker, qualified)
}

/// The ranges of a call's arguments (positional and keyword) in source order.
pub fn argument_ranges(call: &ast::ExprCall) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = call
        .arguments
        .args
        .iter()
        .map(range)
        .chain(call.arguments.keywords.iter().map(range))
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Deletes the argument at `target` from a call, with the comma that separates it from its neighbour.
pub fn delete_argument(call: &ast::ExprCall, target: &Range<usize>) -> Option<Edit> {
    let ranges = argument_ranges(call);
    let i = ranges.iter().position(|r| r == target)?;
    Some(if i > 0 {
        Edit::delete(ranges[i - 1].end..target.end)
    } else if let Some(next) = ranges.get(1) {
        Edit::delete(target.start..next.start)
    } else {
        Edit::delete(target.clone())
    })
}

/// Inserts `text` (such as `, base_image='python:3.11'`) after a call's last argument, or in its empty
/// parentheses (then without the leading comma).
pub fn append_argument(call_range: &Range<usize>, call: &ast::ExprCall, argument: &str) -> Edit {
    match argument_ranges(call).last() {
        Some(last) => Edit::insert(last.end, format!(", {argument}")),
        None => Edit::insert(call_range.end - 1, argument.to_string()),
    }
}

/// Joins insertions at the same offset into one edit (keeping their order), dropping exact repeats.
pub fn merge_inserts(edits: &mut Vec<Edit>) {
    let mut merged: Vec<Edit> = Vec::new();
    for e in edits.drain(..) {
        match merged
            .iter_mut()
            .find(|m| m.range.is_empty() && e.range.is_empty() && m.range.start == e.range.start)
        {
            Some(m) if m.content == e.content => {}
            Some(m) => m.content.push_str(&e.content),
            None => merged.push(e),
        }
    }
    *edits = merged;
}

/// `edits` with insertions at one offset merged (see `merge_inserts`).
pub fn merged(mut edits: Vec<Edit>) -> Vec<Edit> {
    merge_inserts(&mut edits);
    edits
}
