//! Suppression comments: `# noqa`, `# noqa: KFP001,KFP2` on the reported line, `# kfp-upgrade: noqa` for a file.

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_noqa_forms() {
        assert_eq!(parse_noqa("# noqa"), Some(Noqa { codes: vec![] }));
        assert_eq!(
            parse_noqa("# noqa: KFP001, kfp002"),
            Some(Noqa {
                codes: vec!["KFP001".into(), "KFP002".into()]
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
