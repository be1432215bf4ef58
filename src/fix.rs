//! Applying fixes, for every kind of file: `apply_fixes` chooses non-overlapping fixes in source order and
//! splices their edits into the text; `fix_loop` repeats that (re-check, apply) until nothing changes, behind
//! the guards that keep a fix from making a file worse. Python, notebooks, YAML and shell files all go through
//! this one loop; only their check differs.

use rustc_hash::FxHashMap;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::source::SourceFile;

/// Upper bound on fix rounds: each one re-parses and re-checks. Most files settle in two or three, but fixes
/// that insert at the same place (one module-level container component per inline `ContainerOp` of a
/// pipeline) take one round each, and real pipelines have dozens of ops.
pub(crate) const MAX_FIX_ROUNDS: usize = 64;

/// A check of one text, as the fix loop needs it: the findings, how many regions of the text do not parse
/// (the file, or notebook cells) with the first error's message, and, where the language has names, how often
/// each name is read where nothing binds it.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub broken: usize,
    pub first_error: Option<String>,
    pub unbound: FxHashMap<String, usize>,
}

/// The outcome of fixing one text.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    pub applied: Vec<AppliedFix>,
    /// Diagnostics left in `text`.
    pub remaining: Vec<Diagnostic>,
    /// Set when a round produced text that does not parse: its rules and the parse error. The round was
    /// dropped.
    pub invalid_fix: Option<(Vec<&'static str>, String)>,
    /// Fixes the loop's guards held back, each with why: a fix that would leave a name unbound, one that did
    /// not converge, or fixes still pending after the last round. Their diagnostics stay, without the fix.
    pub held_back: Vec<String>,
}

impl FixOutcome {
    /// The outcome of a text no fix applies to.
    pub(crate) fn unchanged(text: String, remaining: Vec<Diagnostic>) -> Self {
        Self {
            text,
            applied: Vec::new(),
            remaining,
            invalid_fix: None,
            held_back: Vec::new(),
        }
    }

    /// What to report about the file when fixes were not applied because of a rule bug: a round whose result
    /// did not parse (as `language`), a fix that would leave a name unbound, a fix that did not converge.
    pub fn problem(&self, language: &str) -> Option<String> {
        let mut problems: Vec<String> = self
            .invalid_fix
            .iter()
            .map(|(rules, err)| {
                format!(
                    "fixes by {} would produce invalid {language} ({err})",
                    rules.join(", "),
                )
            })
            .collect();
        problems.extend(self.held_back.iter().cloned());
        (!problems.is_empty()).then(|| {
            format!(
                "{}; they were not applied — please report this",
                problems.join("; ")
            )
        })
    }
}

/// Applies fixes to `source` until nothing changes (at most `MAX_FIX_ROUNDS` rounds). `diagnostics` are the
/// source's findings; `check` re-checks each round's result.
///
/// Three guards keep a fix from making the file worse, whatever rule made it:
/// - a round whose result does not parse (or, in a notebook, breaks a cell that parsed) is dropped and its
///   rules reported;
/// - names stay bound: a round after which the text reads a name where nothing binds it (at module level
///   before its binding, or nowhere) is dropped, the fixes that introduced it are held back and reported, and
///   the loop goes on without them;
/// - converge or stop: a fix applied while the same rule's finding with the same message comes back where it
///   was is held back and reported, and the text keeps the last good round.
pub(crate) fn fix_loop(
    source: &SourceFile,
    mut diagnostics: Vec<Diagnostic>,
    unsafe_fixes: bool,
    check: impl Fn(&SourceFile) -> Checked,
) -> FixOutcome {
    if diagnostics.iter().all(|d| d.fix.is_none()) {
        return FixOutcome::unchanged(source.text.clone(), diagnostics);
    }
    let mut current = source.clone();
    let mut outcome = FixOutcome::unchanged(String::new(), Vec::new());
    let start = check(&current);
    let mut broken = start.broken;
    let mut unbound = start.unbound;
    // Findings whose fix is held back, by (rule, message).
    let mut blocked: Vec<(&'static str, String)> = Vec::new();
    let mut converged = false;
    // The accepted rounds' edits, oldest first: the way from a later round's text back to `source`.
    let mut history: Vec<Shift> = Vec::new();
    for _ in 0..MAX_FIX_ROUNDS {
        hold_back(&mut diagnostics, &blocked);
        let Some((text, taken)) = apply_fixes(&current.text, &diagnostics, unsafe_fixes) else {
            converged = true;
            break;
        };
        let candidate = SourceFile::new(&source.path, text, source.bom);
        let checked = check(&candidate);
        if checked.broken > broken
            && let Some(err) = checked.first_error
        {
            let mut rules: Vec<&'static str> = taken.iter().map(|(_, d)| d.rule).collect();
            rules.sort_unstable();
            rules.dedup();
            outcome.invalid_fix = Some((rules, err));
            break;
        }
        // Names stay bound.
        let lost = newly_unbound(&unbound, &checked.unbound);
        if !lost.is_empty() {
            let names = lost
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            for (rule, message) in introducing(&current.text, &taken, &lost) {
                note(
                    &mut outcome.held_back,
                    format!("the fix for {rule} would leave {names} undefined"),
                );
                blocked.push((rule, message));
            }
            continue;
        }
        // Converge or stop: a finding that was fixed must not come back where it was.
        let shift = Shift::of(&taken, |offset| original(&history, offset));
        let stuck: Vec<(&'static str, String)> = taken
            .iter()
            .filter(|(_, d)| {
                let at = shift.map(d.range.start);
                checked
                    .diagnostics
                    .iter()
                    .any(|n| n.rule == d.rule && n.message == d.message && n.range.start == at)
            })
            .map(|(_, d)| (d.rule, d.message.clone()))
            .collect();
        if !stuck.is_empty() {
            for (rule, message) in stuck {
                note(
                    &mut outcome.held_back,
                    format!("the fix for {rule} did not converge"),
                );
                blocked.push((rule, message));
            }
            continue;
        }
        outcome.applied.extend(
            taken
                .iter()
                .map(|(_, d)| AppliedFix::of(source, original(&history, d.range.start), d)),
        );
        history.push(shift);
        current = candidate;
        diagnostics = checked.diagnostics;
        broken = checked.broken;
        unbound = checked.unbound;
    }
    if !converged && diagnostics.iter().any(|d| d.fix.is_some()) {
        let mut rules: Vec<&'static str> = diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.rule)
            .collect();
        rules.sort_unstable();
        rules.dedup();
        outcome.held_back.push(format!(
            "fixes by {} were still pending after {MAX_FIX_ROUNDS} rounds",
            rules.join(", ")
        ));
    }
    hold_back(&mut diagnostics, &blocked);
    outcome.text = current.text;
    outcome.remaining = diagnostics;
    outcome
}

/// Adds a reason to the held-back list once.
fn note(held_back: &mut Vec<String>, why: String) {
    if !held_back.contains(&why) {
        held_back.push(why);
    }
}

/// The names a round made unbound: read more often without a binding after it than before.
fn newly_unbound(
    before: &FxHashMap<String, usize>,
    after: &FxHashMap<String, usize>,
) -> Vec<String> {
    let mut names: Vec<String> = after
        .iter()
        .filter(|(name, n)| before.get(*name).is_none_or(|b| *n > b))
        .map(|(name, _)| name.clone())
        .collect();
    names.sort();
    names
}

/// Where an offset of the text before a round lies in the text after it, and back.
struct Shift {
    /// The round's distinct edits, sorted by position in the text before the round.
    edits: Vec<RoundEdit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct RoundEdit {
    start: usize,
    end: usize,
    inserted: usize,
    /// Where the diagnostic whose fix made the edit lies in the original text: text a fix wrote (a new
    /// module-level component, an added import) stands for the v1 code that asked for it.
    origin: usize,
}

/// Where an offset of the text after a round lies in the text before it.
enum Before {
    /// An offset of the text before the round.
    At(usize),
    /// Inside text the round wrote: the original offset of the code that asked for it.
    Written(usize),
}

impl Shift {
    /// The round that applied `taken`; `origin` maps an offset of the round's text to the original text.
    fn of(taken: &[(usize, &Diagnostic)], origin: impl Fn(usize) -> usize) -> Self {
        let mut edits: Vec<RoundEdit> = Vec::new();
        let mut seen: Vec<&crate::diagnostic::Edit> = Vec::new();
        for (_, d) in taken {
            let origin = origin(d.range.start);
            for e in d.fix.iter().flat_map(|f| &f.edits) {
                // The same edit made by two fixes is applied once.
                if seen.contains(&e) {
                    continue;
                }
                seen.push(e);
                edits.push(RoundEdit {
                    start: e.range.start,
                    end: e.range.end,
                    inserted: e.content.len(),
                    origin,
                });
            }
        }
        // Stable, as `apply_fixes` orders them: stacked insertions keep their order.
        edits.sort_by_key(|e| (e.start, e.end));
        Self { edits }
    }

    /// The inverse of `map`: an offset of the text after the round, in the text before it.
    fn back(&self, offset: usize) -> Before {
        let mut delta: isize = 0;
        for e in &self.edits {
            let start = (e.start as isize + delta) as usize;
            if offset < start {
                break;
            }
            if offset < start + e.inserted {
                return Before::Written(e.origin);
            }
            delta += e.inserted as isize - (e.end - e.start) as isize;
        }
        Before::At((offset as isize - delta).max(0) as usize)
    }

    /// An offset outside every edit moves by the size change of the edits before it; one inside an edit goes
    /// to the edit's start.
    fn map(&self, offset: usize) -> usize {
        let mut delta: isize = 0;
        for &RoundEdit {
            start,
            end,
            inserted,
            ..
        } in &self.edits
        {
            if end <= offset {
                // Before the offset (an insertion at the offset itself pushes what follows).
                delta += inserted as isize - (end - start) as isize;
            } else if start < offset {
                return (start as isize + delta) as usize;
            } else {
                break;
            }
        }
        (offset as isize + delta) as usize
    }
}

/// Where an offset of the text after the rounds of `history` lies in the text before the first.
fn original(history: &[Shift], mut offset: usize) -> usize {
    for round in history.iter().rev() {
        match round.back(offset) {
            Before::At(before) => offset = before,
            Before::Written(origin) => return origin,
        }
    }
    offset
}

/// Takes the fix off every diagnostic a guard blocked.
fn hold_back(diagnostics: &mut [Diagnostic], blocked: &[(&'static str, String)]) {
    if blocked.is_empty() {
        return;
    }
    for d in diagnostics {
        if blocked
            .iter()
            .any(|(rule, message)| d.rule == *rule && d.message == *message)
        {
            d.fix = None;
        }
    }
}

/// The fixes of a round that made `names` unbound: those whose edits write one of the names, or delete text
/// that holds one (an import). When none does, every fix of the round is to blame.
fn introducing(
    text: &str,
    taken: &[(usize, &Diagnostic)],
    names: &[String],
) -> Vec<(&'static str, String)> {
    let mentions = |s: &str| names.iter().any(|n| has_word(s, n));
    let blamed: Vec<(&'static str, String)> = taken
        .iter()
        .filter(|(_, d)| {
            d.fix.as_ref().is_some_and(|f| {
                f.edits.iter().any(|e| {
                    mentions(&e.content) || text.get(e.range.clone()).is_some_and(mentions)
                })
            })
        })
        .map(|(_, d)| (d.rule, d.message.clone()))
        .collect();
    if blamed.is_empty() {
        taken
            .iter()
            .map(|(_, d)| (d.rule, d.message.clone()))
            .collect()
    } else {
        blamed
    }
}

/// Whether `word` occurs in `text` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub rule: &'static str,
    pub applicability: Applicability,
    /// Where its finding was in the text the fix loop started from (byte offset, 1-based line), whatever
    /// earlier rounds inserted above it. A finding in text an earlier fix wrote is placed where the code
    /// that asked for that text was.
    pub offset: usize,
    pub line: usize,
    pub message: String,
}

impl AppliedFix {
    /// The fix of `d`, whose finding lies at byte `offset` of the `original` text.
    fn of(original: &SourceFile, offset: usize, d: &Diagnostic) -> Self {
        let offset = offset.min(original.text.len());
        Self {
            rule: d.rule,
            applicability: d.applicability().unwrap_or(Applicability::Safe),
            offset,
            line: original.line_col(offset).0,
            message: d.message.clone(),
        }
    }
}

/// Whether a fix of this applicability may be applied.
pub fn is_allowed(applicability: Applicability, unsafe_fixes: bool) -> bool {
    match applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// Applies every allowed fix that does not overlap an earlier one. Returns the new text and the fixes taken
/// (with their byte offset in `text`), or `None` when no fix applies.
pub fn apply_fixes<'d>(
    text: &str,
    diagnostics: &'d [Diagnostic],
    unsafe_fixes: bool,
) -> Option<(String, Vec<(usize, &'d Diagnostic)>)> {
    let mut candidates: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| is_allowed(f.applicability, unsafe_fixes) && f.is_well_formed())
        })
        .collect();
    candidates.sort_by_key(|d| d.fix.as_ref().map(|f| (f.span().start, f.span().end)));
    let mut taken_edits: Vec<&crate::diagnostic::Edit> = Vec::new();
    let mut taken = Vec::new();
    'next: for d in candidates {
        let Some(fix) = &d.fix else { continue };
        for edit in &fix.edits {
            if edit.range.end > text.len()
                || !text.is_char_boundary(edit.range.start)
                || !text.is_char_boundary(edit.range.end)
            {
                continue 'next;
            }
            // Touching ranges count as overlapping (an insert next to a replacement has no defined side),
            // with two exceptions: the very same edit (two fixes adding one import), which is applied once,
            // and stackable insertions at one offset, applied in the order the fixes are taken, so fixes that
            // each add a self-contained block at the same place (one module-level component per inline
            // `ContainerOp`) apply in one round instead of one round each.
            let compatible = |t: &crate::diagnostic::Edit| {
                *t == *edit
                    || (edit.stackable
                        && t.stackable
                        && edit.range.is_empty()
                        && t.range.is_empty()
                        && edit.range.start == t.range.start)
            };
            if taken_edits.iter().any(|t| {
                edit.range.start <= t.range.end && t.range.start <= edit.range.end && !compatible(t)
            }) {
                continue 'next;
            }
        }
        taken_edits.extend(fix.edits.iter());
        // Identical fixes (the same edit reported twice) are applied once.
        taken.push((fix.span().start, d));
    }
    if taken.is_empty() {
        return None;
    }
    let mut edits: Vec<&crate::diagnostic::Edit> = Vec::new();
    for edit in taken
        .iter()
        .flat_map(|(_, d)| d.fix.iter().flat_map(|f| &f.edits))
    {
        // Two fixes adding the same import at the same place add it once.
        if !edits.contains(&edit) {
            edits.push(edit);
        }
    }
    // Stable: stacked insertions keep the order their fixes were taken in.
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.content);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    Some((out, taken))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix};
    use crate::registry::id;

    fn diag(
        range: std::ops::Range<usize>,
        content: &str,
        applicability: Applicability,
    ) -> Diagnostic {
        Diagnostic::new(id::KFP001, range.clone(), "m").with_fix(Some(Fix::new(
            applicability,
            vec![Edit::replace(range, content)],
        )))
    }

    #[test]
    fn applies_non_overlapping_in_order_and_skips_overlaps() {
        let text = "abcdef";
        let ds = vec![
            diag(0..2, "X", Applicability::Safe),
            diag(1..3, "Y", Applicability::Safe),
            diag(4..5, "Z", Applicability::Safe),
        ];
        let (out, taken) = apply_fixes(text, &ds, false).unwrap();
        assert_eq!(out, "XcdZf");
        assert_eq!(taken.len(), 2);
    }

    fn insert(at: usize, content: &str) -> Diagnostic {
        Diagnostic::new(id::KFP201, at..at, "m").with_fix(Some(Fix::new(
            Applicability::Safe,
            vec![Edit::stacked_insert(at, content)],
        )))
    }

    #[test]
    fn stackable_insertions_at_one_offset_stack_in_order_and_identical_ones_apply_once() {
        let ds = vec![
            insert(1, "A"),
            insert(1, "B"),
            insert(1, "B"),
            insert(1, "C"),
        ];
        let (out, taken) = apply_fixes("xy", &ds, false).unwrap();
        assert_eq!(out, "xABCy");
        assert_eq!(taken.len(), 4);
    }

    #[test]
    fn plain_insertions_at_one_offset_wait_for_the_next_round() {
        let plain = |c: &str| {
            Diagnostic::new(id::KFP330, 1..1, "m").with_fix(Some(Fix::new(
                Applicability::Safe,
                vec![Edit::insert(1, c)],
            )))
        };
        let ds = vec![plain("A"), plain("B")];
        let (out, taken) = apply_fixes("xy", &ds, false).unwrap();
        assert_eq!(out, "xAy");
        assert_eq!(taken.len(), 1);
    }

    #[test]
    fn an_insertion_touching_a_replacement_waits() {
        let ds = vec![diag(1..2, "Y", Applicability::Safe), insert(1, "A")];
        let (out, taken) = apply_fixes("xyz", &ds, false).unwrap();
        // The insertion comes first (smaller span); the replacement is left for the next round.
        assert_eq!(out, "xAyz");
        assert_eq!(taken.len(), 1);
    }

    /// A check in three steps: `import old` becomes three imports (two lines inserted above what follows);
    /// once `new` is imported, `use_old()` becomes `use_new()` and `import extra` (text the first fix wrote)
    /// becomes `import extra_ok`.
    fn staged_check(text: &SourceFile) -> Checked {
        let t = &text.text;
        let mut diagnostics = Vec::new();
        let mut rewrite = |rule, from: &str, to: &str| {
            if let Some(at) = t.find(&format!("{from}\n")) {
                let range = at..at + from.len();
                diagnostics.push(Diagnostic::new(rule, range.clone(), from).with_fix(Some(
                    Fix::new(Applicability::Safe, vec![Edit::replace(range, to)]),
                )));
            }
        };
        rewrite(
            id::KFP001,
            "import old",
            "import new\nimport extra\nimport more",
        );
        if t.contains("import new\n") {
            rewrite(id::KFP010, "use_old()", "use_new()");
            rewrite(id::KFP011, "import extra", "import extra_ok");
        }
        Checked {
            diagnostics,
            ..Checked::default()
        }
    }

    #[test]
    fn applied_fixes_keep_their_line_in_the_original_text() {
        let source = SourceFile::new(
            std::path::Path::new("m.py"),
            "# top\nimport old\n\nx = 1\nuse_old()\n".into(),
            false,
        );
        let first = staged_check(&source).diagnostics;
        let outcome = fix_loop(&source, first, false, staged_check);
        assert_eq!(
            outcome.text,
            "# top\nimport new\nimport extra_ok\nimport more\n\nx = 1\nuse_new()\n"
        );
        let lines: Vec<(&str, usize)> = outcome.applied.iter().map(|a| (a.rule, a.line)).collect();
        // `use_old()` was on line 5 of the original and on line 7 of the text its fix was applied to; the
        // import the first fix wrote stands for the `import old` of line 2.
        assert_eq!(lines, [(id::KFP001, 2), (id::KFP011, 2), (id::KFP010, 5)]);
        let use_old = source.text.find("use_old").unwrap();
        assert_eq!(outcome.applied[2].offset, use_old);
    }

    #[test]
    fn shift_back_inverts_map_outside_edits() {
        let d = |at: std::ops::Range<usize>, to: &str| {
            Diagnostic::new(id::KFP001, at.clone(), "m").with_fix(Some(Fix::new(
                Applicability::Safe,
                vec![Edit::replace(at, to)],
            )))
        };
        let ds = [d(2..4, "XYZW"), d(6..9, ""), d(10..10, "ins")];
        let taken: Vec<(usize, &Diagnostic)> = ds.iter().map(|d| (d.range.start, d)).collect();
        let shift = Shift::of(&taken, |o| o + 1000);
        for offset in [0, 1, 4, 5, 9, 11, 15] {
            match shift.back(shift.map(offset)) {
                Before::At(o) => assert_eq!(o, offset, "offset {offset}"),
                Before::Written(_) => panic!("{offset} is outside every edit"),
            }
        }
        // Inside written text: the origin of the fix that wrote it.
        assert!(matches!(shift.back(3), Before::Written(1002)));
    }

    #[test]
    fn respects_applicability() {
        let ds = vec![
            diag(0..1, "U", Applicability::Unsafe),
            diag(2..3, "D", Applicability::DisplayOnly),
        ];
        assert!(apply_fixes("abc", &ds, false).is_none());
        assert_eq!(apply_fixes("abc", &ds, true).unwrap().0, "Ubc");
    }
}
