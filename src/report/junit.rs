//! `--output-format junit`: JUnit XML, which CI systems (GitLab, Jenkins, Azure) show as a test report. One
//! `testsuite` per checked file with findings, one failing `testcase` per diagnostic; a run without findings
//! is one passing test case, and a file that could not be checked is an `error` test case.

use std::io::Write;

use super::model::RunReport;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let files: Vec<_> = report
        .files
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .collect();
    let failures: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    let errors = report.errors.len();
    let tests = failures.max(1) + errors;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kfp-upgrade" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for file in &files {
        // The suite is named as the human formats name the file (`nb.ipynb:cell 3`); `file` and `classname`
        // are the real path, and a notebook cell goes into the test case's name.
        let path = escape(&file.shown_path());
        let (real, cell) = super::model::location(file);
        let real = escape(&real);
        let at_cell = cell.map(|c| format!("cell {c}, ")).unwrap_or_default();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{n}" failures="{n}" errors="0">"#,
            n = file.diagnostics.len()
        )?;
        for d in &file.diagnostics {
            let (line, col) = file.source.line_col(d.range.start);
            writeln!(
                out,
                r#"    <testcase name="{} at {at_cell}line {line}, column {col}" classname="{real}" file="{real}" line="{line}">"#,
                d.rule
            )?;
            let help = d
                .fix_title
                .as_ref()
                .map(|h| format!("\nhelp: {h}"))
                .unwrap_or_default();
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{line}:{col}: {} {}{}</failure>"#,
                escape(&d.message),
                d.rule,
                path,
                d.rule,
                escape(&d.message),
                escape(&help)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    if failures == 0 {
        writeln!(
            out,
            r#"  <testsuite name="kfp-upgrade" tests="1" failures="0" errors="0">"#
        )?;
        writeln!(
            out,
            r#"    <testcase name="no KFP v1 constructs" classname="kfp-upgrade"/>"#
        )?;
        writeln!(out, "  </testsuite>")?;
    }
    if errors > 0 {
        writeln!(
            out,
            r#"  <testsuite name="files that could not be checked" tests="{errors}" failures="0" errors="{errors}">"#
        )?;
        for e in &report.errors {
            let name = escape(&e.path.display().to_string());
            let path = escape(&e.location().0);
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="{path}" file="{path}"><error message="{}"/></testcase>"#,
                escape(&e.one_line())
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("<a & 'b'>\u{1}"),
            "&lt;a &amp; &apos;b&apos;&gt;\u{fffd}"
        );
    }
}
