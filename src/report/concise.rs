//! `path:line:col: KFP001 message [*]` — one line per diagnostic, for editors and grep.

use std::io::Write;

use super::model::RunReport;

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for file in &report.files {
        for d in &file.diagnostics {
            let (line, col) = file.source.line_col(d.range.start);
            // `[*]`: an automatic fix exists (safe or unsafe); display-only suggestions are never applied.
            let marker = match d.applicability() {
                Some(
                    crate::diagnostic::Applicability::Safe
                    | crate::diagnostic::Applicability::Unsafe,
                ) => " [*]",
                _ => "",
            };
            writeln!(
                out,
                "{}:{line}:{col}: {} {}{marker}",
                file.shown_path(),
                d.rule,
                d.message
            )?;
        }
    }
    Ok(())
}
