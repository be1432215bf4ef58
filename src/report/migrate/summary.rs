//! The summary for the migration pull request's description: the counts, the totals per rule, the files that
//! could not be migrated, failed verifications and the files that need a human, each list cut to its first
//! entries with an "and M more" line, so the whole stays within `SUMMARY_LIMIT` however large the tree.
//! Everything it leaves out is in the details file it names.

use super::model::MigrationReport;
use super::parts::{header, totals_table};

/// GitHub rejects a pull request body over 65,536 characters; this leaves room for the author's own words.
/// Counted in UTF-16 code units, as a browser counts them (a character outside the BMP counts twice), so the
/// limit holds whichever way the host counts.
pub(crate) const SUMMARY_LIMIT: usize = 60_000;

/// At most this many entries of each list.
const ERRORS_SHOWN: usize = 50;
const FAILURES_SHOWN: usize = 50;
const HUMANS_SHOWN: usize = 200;
/// An error message is cut to its first line and this many characters.
const MESSAGE_CHARS: usize = 300;
/// Rules named per file in the list of files that need a human.
const RULES_SHOWN: usize = 8;

pub(crate) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The summary; `details` names the file beside it that holds every entry.
pub(crate) fn summary(r: &MigrationReport, details: &str) -> String {
    let mut s = header(r, "KFP SDK v1 → v2 migration report");
    s.push_str(&format!(
        "Every file's fixes (with their line in the original file) and findings: `{details}`.\n\n"
    ));
    let see = format!("see `{details}`");
    if let Some(verify) = &r.verify {
        s.push_str(&format!(
            "Verification under kfp 2: {} of {} pipeline modules imported and compiled.\n\n",
            verify.iter().filter(|v| v.ok).count(),
            verify.len()
        ));
    }
    s.push_str(&totals_table(r));
    let mut budget = SUMMARY_LIMIT.saturating_sub(utf16_len(&s));

    if !r.errors.is_empty() {
        let items: Vec<String> = r
            .errors
            .iter()
            .map(|e| format!("- `{}`: {}\n", e.file, cut(&e.message)))
            .collect();
        let mut share = budget / 4;
        s.push_str(&section(
            "## Files that could not be migrated\n\n",
            &items,
            ERRORS_SHOWN,
            &mut share,
            &format!("files ({see})"),
        ));
        budget = SUMMARY_LIMIT.saturating_sub(utf16_len(&s));
    }
    let failures: Vec<String> = r
        .verify
        .iter()
        .flatten()
        .filter(|v| !v.ok)
        .map(|v| {
            format!(
                "- ❌ `{}`: {}\n",
                v.file,
                cut(v.error.as_deref().unwrap_or("failed"))
            )
        })
        .collect();
    if !failures.is_empty() {
        let mut share = budget / 4;
        s.push_str(&section(
            "## Modules that failed to import or compile under kfp 2\n\n",
            &failures,
            FAILURES_SHOWN,
            &mut share,
            &format!("modules ({see})"),
        ));
        budget = SUMMARY_LIMIT.saturating_sub(utf16_len(&s));
    }
    let humans: Vec<String> = r
        .needing_a_human()
        .into_iter()
        .map(|(path, counts)| {
            let n: usize = counts.values().sum();
            let mut rules: Vec<String> = counts
                .iter()
                .take(RULES_SHOWN)
                .map(|(rule, k)| format!("{rule} ×{k}"))
                .collect();
            if counts.len() > RULES_SHOWN {
                rules.push("…".to_string());
            }
            format!(
                "- [ ] `{path}`: {n} finding{}: {}\n",
                if n == 1 { "" } else { "s" },
                rules.join(", ")
            )
        })
        .collect();
    if !humans.is_empty() {
        s.push_str(&section(
            "## Files that need a human\n\n",
            &humans,
            HUMANS_SHOWN,
            &mut budget,
            &format!("files ({see})"),
        ));
    }
    fit(s)
}

/// A list under `heading`: its first entries (at most `max`, as many as `budget` holds) and, when some are
/// left out, a last line counting them. Takes what it uses from `budget`; empty when not even the heading
/// and that line fit.
fn section(heading: &str, items: &[String], max: usize, budget: &mut usize, what: &str) -> String {
    let more = |n: usize| format!("- … and {n} more {what}\n");
    let mut left = budget.saturating_sub(utf16_len(heading) + utf16_len(&more(items.len())) + 1);
    if left == 0 {
        return String::new();
    }
    let mut s = heading.to_string();
    let mut shown = 0;
    for item in items.iter().take(max) {
        let len = utf16_len(item);
        if len > left {
            break;
        }
        left -= len;
        s.push_str(item);
        shown += 1;
    }
    if shown < items.len() {
        s.push_str(&more(items.len() - shown));
    }
    s.push('\n');
    *budget = budget.saturating_sub(utf16_len(&s));
    s
}

/// A message's first line, at most `MESSAGE_CHARS` characters.
fn cut(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    match line.char_indices().nth(MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// The last guard: a header alone over the limit (only absurdly long paths make one) is cut to fit.
fn fit(mut s: String) -> String {
    const CUT: &str = "\n\n… (cut to fit a pull request description)\n";
    if utf16_len(&s) <= SUMMARY_LIMIT {
        return s;
    }
    let mut units = 0;
    let keep = SUMMARY_LIMIT - utf16_len(CUT);
    let end = s
        .char_indices()
        .find(|(_, c)| {
            units += c.len_utf16();
            units > keep
        })
        .map_or(s.len(), |(i, _)| i);
    s.truncate(end);
    s.push_str(CUT);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_stops_within_its_budget_and_counts_the_rest() {
        let items: Vec<String> = (0..1000).map(|i| format!("- item {i:04}\n")).collect();
        let mut budget = 500;
        let s = section("## H\n\n", &items, 200, &mut budget, "items");
        assert!(utf16_len(&s) <= 500, "{}", utf16_len(&s));
        let shown = s.lines().filter(|l| l.starts_with("- item")).count();
        assert!(shown > 10, "{s}");
        assert!(
            s.contains(&format!("- … and {} more items\n", 1000 - shown)),
            "{s}"
        );
        assert_eq!(budget, 500 - utf16_len(&s));
        // The count caps the list too.
        let mut budget = 100_000;
        let s = section("## H\n\n", &items, 200, &mut budget, "items");
        assert!(s.contains("- … and 800 more items\n"), "{s}");
    }

    #[test]
    fn fit_cuts_at_the_limit_counting_utf16_units() {
        let s = fit("𝔸".repeat(SUMMARY_LIMIT));
        assert!(utf16_len(&s) <= SUMMARY_LIMIT);
        assert!(s.ends_with("(cut to fit a pull request description)\n"));
        assert_eq!(fit("short".into()), "short");
    }

    #[test]
    fn cut_keeps_the_first_line_and_bounds_it() {
        assert_eq!(cut("first\nsecond"), "first");
        let long = "é".repeat(400);
        assert_eq!(cut(&long).chars().count(), MESSAGE_CHARS + 1);
    }
}
