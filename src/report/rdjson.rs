//! `--output-format rdjson`: reviewdog's Diagnostic Format as one JSON document (`DiagnosticResult`), for
//! `reviewdog -f=rdjson`, which posts the findings as review comments and the fixes as suggested changes.
//! Validated in `tests/it/output_formats.rs` against reviewdog's published schema (`tests/fixtures/rdjson/`).
//!
//! Positions are 1-based lines and 1-based columns counted in UTF-8 bytes, as the format specifies; ranges
//! are end-exclusive. Each fix edit becomes a suggestion. A notebook finding names its cell in the message
//! and carries no range (the cell's lines are not the file's). A file that could not be checked is an `ERROR`
//! diagnostic with the code `kfp-upgrade`.

use std::io::Write;

use serde_json::{Value, json};

use super::model::RunReport;
use crate::registry::{Severity, registry};
use crate::source::SourceFile;

const REPOSITORY: &str = "https://github.com/kfp-upgrade/kfp-upgrade";

fn severity(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Error) | None => "ERROR",
        Some(Severity::Warning) => "WARNING",
        Some(Severity::Info) => "INFO",
    }
}

/// `{line, column}` with the column in UTF-8 bytes from the start of the line, 1-based.
fn position(source: &SourceFile, offset: usize) -> Value {
    let offset = offset.min(source.text.len());
    let (line, _) = source.line_col(offset);
    let line_start = source.line_range(offset).start;
    json!({"line": line, "column": offset - line_start + 1})
}

fn range(source: &SourceFile, range: &std::ops::Range<usize>) -> Value {
    json!({"start": position(source, range.start), "end": position(source, range.end)})
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let mut diagnostics: Vec<Value> = Vec::new();
    for file in &report.files {
        let s = &file.source;
        let (path, cell) = super::model::location(file);
        for d in &file.diagnostics {
            let rule = registry().get(d.rule);
            let mut message = d.message.clone();
            if let Some(help) = &d.fix_title {
                message.push_str(&format!(" (help: {help})"));
            }
            let mut diagnostic = json!({
                "message": message,
                "location": {"path": path},
                "severity": severity(Some(crate::registry::severity_of(d))),
                "code": {
                    "value": d.rule,
                    "url": rule.map(|r| format!("{REPOSITORY}/blob/main/{}", r.path)).unwrap_or_default(),
                },
            });
            match cell {
                Some(n) => {
                    let (line, column) = s.line_col(d.range.start);
                    diagnostic["message"] =
                        format!("cell {n}, line {line}, column {column}: {message}").into();
                }
                None => {
                    diagnostic["location"]["range"] = range(s, &d.range);
                    if let Some(fix) = &d.fix {
                        diagnostic["suggestions"] = fix
                            .edits
                            .iter()
                            .map(|e| json!({"range": range(s, &e.range), "text": e.content}))
                            .collect();
                    }
                }
            }
            diagnostics.push(diagnostic);
        }
    }
    for e in &report.errors {
        let (path, cell) = e.location();
        let mut diagnostic = json!({
            "message": format!("kfp-upgrade could not check this file: {}", e.message),
            "location": {"path": path},
            "severity": "ERROR",
            "code": {"value": "kfp-upgrade"},
        });
        if let (None, Some(source), Some(offset)) = (cell, &e.source, e.offset) {
            diagnostic["location"]["range"] = json!({"start": position(source, offset)});
        }
        diagnostics.push(diagnostic);
    }
    let document = json!({
        "source": {"name": "kfp-upgrade", "url": REPOSITORY},
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &document).map_err(std::io::Error::from)?;
    writeln!(out)
}
