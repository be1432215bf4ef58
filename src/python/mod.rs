//! Python sources: parse, resolve names, check, fix.

pub mod checker;
pub mod edits;
pub mod names;
pub mod parse;
pub mod rules;
pub mod visit;

use crate::diagnostic::Diagnostic;
use crate::fix::{AppliedFix, apply_fixes};
use crate::noqa;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

pub use parse::SyntaxError;

/// Upper bound on fix iterations: each one re-parses and re-checks; real files settle in two or three.
const MAX_FIX_ITERATIONS: usize = 10;

/// Checks a Python source: the diagnostics that survive `# noqa`, in source order.
pub fn check(
    source: &SourceFile,
    selection: &RuleSelection,
) -> Result<Vec<Diagnostic>, SyntaxError> {
    let module = parse::parse_module(&source.text)?;
    let comments: Vec<_> = module.comments().collect();
    if noqa::file_is_exempt(source, comments.iter().cloned()) {
        return Ok(Vec::new());
    }
    let diagnostics = checker::check_module(source, &module, selection);
    Ok(noqa::filter(source, &comments, diagnostics))
}

/// The outcome of fixing one file.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    pub applied: Vec<AppliedFix>,
    /// Diagnostics left in `text`.
    pub remaining: Vec<Diagnostic>,
    /// Set when an iteration produced text that does not parse; its fixes were dropped.
    pub invalid_fix: Option<(Vec<&'static str>, SyntaxError)>,
}

/// Applies fixes until nothing changes (bounded). A round whose result does not parse is discarded, and the
/// rules involved are reported.
pub fn fix(
    source: &SourceFile,
    selection: &RuleSelection,
    unsafe_fixes: bool,
) -> Result<FixOutcome, SyntaxError> {
    let mut current = source.clone();
    let mut diagnostics = check(&current, selection)?;
    let mut applied = Vec::new();
    let mut invalid_fix = None;
    for _ in 0..MAX_FIX_ITERATIONS {
        let Some((text, taken)) = apply_fixes(&current.text, &diagnostics, unsafe_fixes) else {
            break;
        };
        let candidate = SourceFile::new(&source.path, text, source.bom);
        match check(&candidate, selection) {
            Ok(next) => {
                applied.extend(taken.iter().map(|(offset, d)| {
                    AppliedFix {
                        rule: d.rule,
                        applicability: d
                            .applicability()
                            .unwrap_or(crate::diagnostic::Applicability::Safe),
                        line: current.line_col(*offset).0,
                        message: d.message.clone(),
                    }
                }));
                current = candidate;
                diagnostics = next;
            }
            Err(err) => {
                let mut rules: Vec<&'static str> = taken.iter().map(|(_, d)| d.rule).collect();
                rules.sort_unstable();
                rules.dedup();
                invalid_fix = Some((rules, err));
                break;
            }
        }
    }
    Ok(FixOutcome {
        text: current.text,
        applied,
        remaining: diagnostics,
        invalid_fix,
    })
}
