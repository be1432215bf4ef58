//! `--output-format github`: GitHub Actions workflow commands, which the runner turns into annotations on the
//! pull request's changed lines: `::error file=a.py,line=1,col=6,endLine=1,endColumn=12,title=KFP001::…`.
//!
//! The annotation level follows the rule's severity: `error` (breaks or misbehaves under kfp 2) → `::error`,
//! `warning` (deprecated, still works) → `::warning`, `info` (modernisation) → `::notice`. The exit code is
//! unchanged: any finding still fails the gate. A file that could not be checked is an `::error`.

use std::io::Write;

use super::model::RunReport;
use crate::registry::Severity;

/// Escaping for the message part (the runner decodes `%25`, `%0D`, `%0A`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for `key=value` properties, where `:` and `,` are separators too.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for file in &report.files {
        // A notebook cell is not a file: annotate the notebook and name the cell and line in the message.
        let (path, cell) = super::model::location(file);
        let path = escape_property(&path);
        for d in &file.diagnostics {
            let (line, col) = file.source.line_col(d.range.start);
            let (end_line, end_col) = file.source.line_col(d.range.end);
            let mut message = d.message.clone();
            if let Some(help) = &d.fix_title {
                message.push_str(&format!(" (help: {help})"));
            }
            let position = match cell {
                Some(n) => {
                    message = format!("cell {n}, line {line}, column {col}: {message}");
                    String::new()
                }
                None => {
                    format!(",line={line},col={col},endLine={end_line},endColumn={end_col}")
                }
            };
            let level = match crate::registry::severity_of(d) {
                Severity::Warning => "warning",
                Severity::Info => "notice",
                Severity::Error => "error",
            };
            writeln!(
                out,
                "::{level} file={path}{position},title={}::{}",
                escape_property(d.rule),
                escape_data(&message)
            )?;
        }
    }
    for e in &report.errors {
        let (path, cell) = e.location();
        let (path, position, message) = match cell {
            Some(n) => (
                path,
                String::new(),
                match e.line_col() {
                    Some((l, c)) => format!("cell {n}, line {l}, column {c}: {}", e.message),
                    None => format!("cell {n}: {}", e.message),
                },
            ),
            None => (
                path,
                e.line_col()
                    .map(|(l, c)| format!(",line={l},col={c}"))
                    .unwrap_or_default(),
                e.message.clone(),
            ),
        };
        writeln!(
            out,
            "::error file={}{position},title=kfp-upgrade::{}",
            escape_property(&path),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_newlines_are_escaped() {
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(escape_data("x: y\nz"), "x: y%0Az");
    }
}
