//! Syntax errors as findings (`KFP000`), as ruff reports them: every error of a file at its own position.
//!
//! Ruff's parser recovers from errors and returns a tree, so the v1 findings on the rest of the file are still
//! reported: a CI gate sees them. A finding on a line the parser had to recover is doubtful (the tree there
//! is the parser's guess) and is left out. Syntax errors cannot be suppressed with `# noqa`, and a file that
//! has any gets no fix.

use crate::diagnostic::Diagnostic;
use crate::registry::id;
use crate::source::SourceFile;

use super::parse::SyntaxError;

/// The rule id of syntax errors.
pub const SYNTAX_ERROR_RULE: &str = id::KFP000;

/// One `KFP000` diagnostic per syntax error.
pub fn diagnostics(source: &SourceFile, errors: &[SyntaxError]) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let start = e.offset.min(source.text.len());
            let end = e.end.clamp(start, source.text.len());
            // An error "found newline" points at the end of its line, not across the line break.
            let end = if source.text[start..end].trim().is_empty() {
                start
            } else {
                end
            };
            Diagnostic::new(SYNTAX_ERROR_RULE, start..end, e.message.clone())
                .with_fix_title("Fix the syntax error; kfp-upgrade fixes nothing else in a file that does not parse")
        })
        .collect()
}

/// Drops the findings that touch a line holding a syntax error.
pub fn without_doubtful(
    source: &SourceFile,
    errors: &[SyntaxError],
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if errors.is_empty() {
        return diagnostics;
    }
    let error_lines: Vec<std::ops::Range<usize>> = errors
        .iter()
        .map(|e| {
            let start = source.line_range(e.offset.min(source.text.len())).start;
            let end = source.line_range(e.end.min(source.text.len())).end;
            start..end
        })
        .collect();
    diagnostics
        .into_iter()
        .filter(|d| {
            let lines = source.line_range(d.range.start).start
                ..source.line_range(d.range.end.min(source.text.len())).end;
            !error_lines
                .iter()
                .any(|e| e.start <= lines.end && lines.start <= e.end)
        })
        .collect()
}

/// Takes the fixes off the diagnostics whose edits touch a frozen region (a part with a syntax error): the
/// finding stays, the rewrite waits until the error is fixed.
pub fn without_fixes_in(
    frozen: &[std::ops::Range<usize>],
    mut diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if frozen.is_empty() {
        return diagnostics;
    }
    for d in &mut diagnostics {
        let touches = d.fix.as_ref().is_some_and(|f| {
            f.edits.iter().any(|e| {
                frozen
                    .iter()
                    .any(|r| e.range.start <= r.end && r.start <= e.range.end)
            })
        });
        if touches {
            d.fix = None;
        }
    }
    diagnostics
}
