//! The JSON output (`--output-format json`), a stable schema documented in the README:
//! `{"version": 2, "diagnostics": [...], "errors": [...], "summary": {...}}`. Version 2: `file` is always a
//! real path; a notebook finding names its cell in `cell` (1-based), with `start`/`end` in that cell.

use std::io::Write;

use serde::Serialize;

use super::model::{RunReport, Summary};
use crate::registry::registry;
use crate::source::SourceFile;

pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

fn position(source: &SourceFile, offset: usize) -> Position {
    let (line, column) = source.line_col(offset);
    Position {
        line,
        column,
        offset,
    }
}

#[derive(Serialize)]
struct JsonEdit {
    start: Position,
    end: Position,
    content: String,
}

#[derive(Serialize)]
struct JsonFix {
    applicability: &'static str,
    edits: Vec<JsonEdit>,
}

#[derive(Serialize)]
pub(crate) struct JsonDiagnostic {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<usize>,
    rule: &'static str,
    name: String,
    severity: &'static str,
    message: String,
    fix_title: Option<String>,
    start: Position,
    end: Position,
    fix: Option<JsonFix>,
}

#[derive(Serialize)]
struct JsonError {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<usize>,
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    offset: Option<usize>,
}

#[derive(Serialize)]
struct Document {
    version: u32,
    diagnostics: Vec<JsonDiagnostic>,
    errors: Vec<JsonError>,
    summary: Summary,
}

/// Every diagnostic of the run in the JSON schema (shared with `json-lines`).
pub(crate) fn diagnostics(report: &RunReport) -> Vec<JsonDiagnostic> {
    let mut diagnostics = Vec::new();
    for file in &report.files {
        let s = &file.source;
        let (path, cell) = super::model::location(file);
        for d in &file.diagnostics {
            let rule = registry().get(d.rule);
            diagnostics.push(JsonDiagnostic {
                file: path.clone(),
                cell,
                rule: d.rule,
                name: rule.map(|r| r.name.clone()).unwrap_or_default(),
                severity: crate::registry::severity_of(d).as_str(),
                message: d.message.clone(),
                fix_title: d.fix_title.clone(),
                start: position(s, d.range.start),
                end: position(s, d.range.end),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    applicability: f.applicability.as_str(),
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            start: position(s, e.range.start),
                            end: position(s, e.range.end),
                            content: e.content.clone(),
                        })
                        .collect(),
                }),
            });
        }
    }
    diagnostics
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let diagnostics = diagnostics(report);
    let errors = report
        .errors
        .iter()
        .map(|e| {
            let lc = e.line_col();
            let (file, cell) = e.location();
            JsonError {
                file,
                cell,
                message: e.message.clone(),
                line: lc.map(|x| x.0),
                column: lc.map(|x| x.1),
                offset: e.offset,
            }
        })
        .collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        diagnostics,
        errors,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::from)?;
    writeln!(out)
}
