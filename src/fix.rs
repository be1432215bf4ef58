//! Applying fixes: choose non-overlapping fixes in source order and splice their edits into the text.
//! The caller loops (re-parse, re-check, apply) until nothing changes.

use crate::diagnostic::{Applicability, Diagnostic};

/// A fix that was applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedFix {
    pub rule: &'static str,
    pub applicability: Applicability,
    /// 1-based line in the text the fix was applied to.
    pub line: usize,
    pub message: String,
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

    fn diag(
        range: std::ops::Range<usize>,
        content: &str,
        applicability: Applicability,
    ) -> Diagnostic {
        Diagnostic::new("KFP001", range.clone(), "m").with_fix(Some(Fix::new(
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
        Diagnostic::new("KFP201", at..at, "m").with_fix(Some(Fix::new(
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
            Diagnostic::new("KFP330", 1..1, "m").with_fix(Some(Fix::new(
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
