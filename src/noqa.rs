//! Suppression comments, for every kind of file: `# noqa`, `# noqa: KFP001,KFP2` on the reported line,
//! `# kfp-upgrade: noqa` for a file, and KFP900 for `# noqa` codes that suppress nothing. Python files find
//! their comments in the token stream; YAML and shell files with `hash_comments`. All apply them with
//! `suppress`.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::settings::RuleSelection;
use crate::source::SourceFile;

/// The rule that reports `# noqa: KFPnnn` codes that suppress nothing (as ruff's RUF100).
pub const UNUSED_NOQA_RULE: &str = id::KFP900;

/// Codes a `# noqa` comment names; empty means every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Noqa {
    pub codes: Vec<String>,
}

/// Parses the text of one comment.
pub fn parse_noqa(comment: &str) -> Option<Noqa> {
    let lower = comment.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    // `# kfp-upgrade: noqa` is the file-level form, handled separately.
    if lower[..at].trim_end().ends_with("kfp-upgrade:") {
        return None;
    }
    let rest = comment[at + 4..].trim_start();
    let Some(list) = rest.strip_prefix(':') else {
        return Some(Noqa { codes: vec![] });
    };
    let codes: Vec<String> = list
        .split([',', ' ', '\t'])
        .filter(|c| !c.is_empty())
        // A code is letters then digits; the first word that is not one ends the list (`# noqa: KFP1 because`).
        .take_while(|c| {
            c.starts_with(|ch: char| ch.is_ascii_alphabetic())
                && c.contains(|ch: char| ch.is_ascii_digit())
        })
        .map(str::to_ascii_uppercase)
        .collect();
    Some(Noqa { codes })
}

/// The `#` comments of a YAML or shell text: from an unquoted `#` at the start of a line or after a blank,
/// to the end of the line.
pub(crate) fn hash_comments(text: &str) -> Vec<Range<usize>> {
    let mut comments = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let at = code_end(body);
        if at < body.len() {
            comments.push(start + at..start + body.len());
        }
        start += line.len();
    }
    comments
}

/// The code part of a line: up to an unquoted `#` that starts a comment.
pub(crate) fn code_end(line: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return i,
            None => {}
        }
        previous = c;
    }
    line.len()
}

/// A file's findings after its suppression comments: none when the file opts out (`# kfp-upgrade: noqa`),
/// else those no `# noqa` on their line suppresses, plus KFP900 for the codes that suppressed nothing when
/// `judge_unused` (not in a file whose findings are in doubt, one with syntax errors). In source order.
pub(crate) fn suppress(
    source: &SourceFile,
    comments: &[Range<usize>],
    diagnostics: Vec<Diagnostic>,
    selection: &RuleSelection,
    judge_unused: bool,
) -> Vec<Diagnostic> {
    if file_is_exempt(source, comments.iter().cloned()) {
        return Vec::new();
    }
    let unused = match judge_unused {
        true => unused(source, comments, &diagnostics, selection),
        false => vec![],
    };
    let mut diagnostics = filter(source, comments, diagnostics);
    if !unused.is_empty() {
        diagnostics.extend(unused);
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    }
    diagnostics
}

/// Whether a file opts out entirely with `# kfp-upgrade: noqa` in any comment.
pub fn file_is_exempt<'a>(
    source: &SourceFile,
    mut comments: impl Iterator<Item = Range<usize>> + 'a,
) -> bool {
    comments.any(|r| {
        let text = source.text[r].to_ascii_lowercase();
        let body = text.trim_start_matches('#').trim();
        body.starts_with("kfp-upgrade:")
            && body["kfp-upgrade:".len()..]
                .trim_start()
                .starts_with("noqa")
    })
}

/// Drops diagnostics suppressed by a `# noqa` comment on the line where they start.
pub fn filter(
    source: &SourceFile,
    comments: &[Range<usize>],
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if comments.is_empty() {
        return diagnostics;
    }
    diagnostics
        .into_iter()
        .filter(|d| {
            let line = source.line_range(d.range.start);
            !comments
                .iter()
                .filter(|c| c.start >= line.start && c.start <= line.end)
                .any(|c| {
                    parse_noqa(&source.text[c.clone()]).is_some_and(|n| {
                        n.codes.is_empty()
                            || n.codes.iter().any(|code| d.rule.starts_with(code.as_str()))
                    })
                })
        })
        .collect()
}

/// Where a `# noqa: …` directive sits in its comment, and its codes (each with its byte range).
struct Directive {
    /// From the directive's `#` (or the `noqa` word) to the end of its last code.
    span: Range<usize>,
    /// The code list (`KFP001, E501`), for rewriting it.
    list: Range<usize>,
    codes: Vec<String>,
}

/// The `# noqa: codes` directive of a comment at `comment` (byte range in `text`), if it has a code list.
fn directive(text: &str, comment: &Range<usize>) -> Option<Directive> {
    let body = &text[comment.clone()];
    let lower = body.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    if lower[..at].trim_end().ends_with("kfp-upgrade:") {
        return None;
    }
    let after = &body[at + 4..];
    let colon = after.len() - after.trim_start().len();
    if !after[colon..].starts_with(':') {
        return None;
    }
    let list_start = at + 4 + colon + 1;
    // The codes: words of letters then digits, separated by commas and blanks (as `parse_noqa` reads them).
    let mut end = list_start;
    let mut codes = Vec::new();
    let bytes = body.as_bytes();
    let mut i = list_start;
    while i < body.len() {
        let c = bytes[i];
        if c == b',' || c == b' ' || c == b'\t' {
            i += 1;
            continue;
        }
        let word_end = body[i..]
            .find([',', ' ', '\t'])
            .map_or(body.len(), |n| i + n);
        let word = &body[i..word_end];
        let is_code = word.starts_with(|ch: char| ch.is_ascii_alphabetic())
            && word.contains(|ch: char| ch.is_ascii_digit());
        if !is_code {
            break;
        }
        codes.push(word.to_ascii_uppercase());
        end = word_end;
        i = word_end;
    }
    if codes.is_empty() {
        return None;
    }
    // The directive starts at its own `#` (`# type: ignore  # noqa: X`) or at the comment's.
    let hash = body[..at].rfind('#').unwrap_or(0);
    Some(Directive {
        span: comment.start + hash..comment.start + end,
        list: comment.start + list_start..comment.start + end,
        codes,
    })
}

/// Reports the `# noqa: KFPnnn` codes that suppressed nothing: no finding of an enabled rule they match started
/// on their line (`diagnostics` are the findings before suppression), or no rule matches them at all. Codes of
/// other tools (`E501`), blanket `# noqa` and codes of rules this run does not enable are left alone: they may
/// be used elsewhere. The fix (safe: a comment changes no behaviour) drops the unused codes, or the whole
/// directive when nothing else is left in it.
pub fn unused(
    source: &SourceFile,
    comments: &[Range<usize>],
    diagnostics: &[Diagnostic],
    selection: &RuleSelection,
) -> Vec<Diagnostic> {
    let Some(rule) = crate::registry::registry().get(UNUSED_NOQA_RULE) else {
        return vec![];
    };
    if !selection.is_enabled(rule) {
        return vec![];
    }
    let registry = crate::registry::registry();
    let mut found = Vec::new();
    for comment in comments {
        let Some(d) = directive(&source.text, comment) else {
            continue;
        };
        let line = source.line_range(comment.start);
        let on_line: Vec<&str> = diagnostics
            .iter()
            .filter(|x| x.range.start >= line.start && x.range.start <= line.end)
            .map(|x| x.rule)
            .collect();
        let mut unknown = Vec::new();
        let mut unused = Vec::new();
        let mut kept = Vec::new();
        for code in &d.codes {
            if !code.starts_with("KFP") {
                kept.push(code.clone());
            } else if !crate::selector::is_known(code) {
                unknown.push(code.clone());
            } else if on_line.iter().any(|r| r.starts_with(code.as_str())) {
                kept.push(code.clone());
            } else if registry
                .rules
                .iter()
                .any(|r| r.id.starts_with(code.as_str()) && selection.is_enabled(r))
            {
                unused.push(code.clone());
            } else {
                // Its rules are off in this run: it may suppress something in another.
                kept.push(code.clone());
            }
        }
        if unknown.is_empty() && unused.is_empty() {
            continue;
        }
        let mut details = Vec::new();
        if !unused.is_empty() {
            details.push(format!(
                "no finding of {} on this line",
                unused
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !unknown.is_empty() {
            details.push(format!(
                "{} match{} no rule",
                unknown
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if unknown.len() == 1 { "es" } else { "" }
            ));
        }
        let edit = if !kept.is_empty() {
            Edit::replace(d.list.clone(), format!(" {}", kept.join(", ")))
        } else {
            let rest = &source.text[d.span.end..comment.end];
            if !rest.trim().is_empty() {
                // `# noqa: KFP001 because …` keeps its explanation as a plain comment.
                let blank = rest.len() - rest.trim_start().len();
                Edit::replace(d.span.start..d.span.end + blank, "# ")
            } else {
                // The directive and the blanks before it; the comment's own text before it stays.
                let before = &source.text[line.start..d.span.start];
                Edit::delete(line.start + before.trim_end().len()..comment.end)
            }
        };
        found.push(
            Diagnostic::new(
                UNUSED_NOQA_RULE,
                d.span.clone(),
                rule.message_with(&[("details", &details.join("; "))]),
            )
            .with_fix_title(rule.fix_title.clone())
            .with_fix(Some(Fix::new(Applicability::Safe, vec![edit]))),
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_noqa_forms() {
        assert_eq!(parse_noqa("# noqa"), Some(Noqa { codes: vec![] }));
        assert_eq!(
            parse_noqa("# noqa: KFP001, kfp002"),
            Some(Noqa {
                codes: vec![id::KFP001.into(), id::KFP002.into()]
            })
        );
        assert_eq!(
            parse_noqa("# NOQA:KFP1 because"),
            Some(Noqa {
                codes: vec!["KFP1".into()]
            })
        );
        assert_eq!(parse_noqa("# a comment"), None);
        assert_eq!(parse_noqa("# kfp-upgrade: noqa"), None);
    }
}
