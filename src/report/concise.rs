//! `path:line:col: KFP001 message [*]` — one line per diagnostic, for editors and grep.

use std::io::Write;

use super::RunReport;

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for file in &report.files {
        for d in &file.diagnostics {
            let (line, col) = file.source.line_col(d.range.start);
            let marker = if d.fix.is_some() { " [*]" } else { "" };
            writeln!(
                out,
                "{}:{line}:{col}: {} {}{marker}",
                file.source.path.display(),
                d.rule,
                d.message
            )?;
        }
    }
    Ok(())
}
