//! `--output-format gitlab`: a GitLab Code Quality report (the subset of the Code Climate issue format GitLab
//! reads), which GitLab shows in the merge request widget and, on Ultimate, in the diff. One JSON array of
//! issues: `description`, `check_name`, `fingerprint`, `severity`, `location.path` and `location.lines.begin`
//! (with `location.positions` for the exact range). Validated in `tests/it/output_formats.rs` against the schema
//! in `tests/fixtures/gitlab/`.
//!
//! Severity: `error` → `major`, `warning` → `minor`, `info` → `info`; a file that could not be checked is a
//! `critical` issue with `check_name` `kfp-upgrade`. The fingerprint is stable while code moves (the baseline's
//! key: file, rule and the flagged source) and unique within the report (the n-th identical finding in a file
//! gets its own).

use std::collections::HashMap;
use std::io::Write;

use serde_json::{Value, json};

use super::model::RunReport;
use crate::registry::Severity;

fn severity(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Error) | None => "major",
        Some(Severity::Warning) => "minor",
        Some(Severity::Info) => "info",
    }
}

/// A path as GitLab matches it against the repository: forward slashes, no leading `./`.
fn path_text(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").map(str::to_string).unwrap_or(p)
}

fn fingerprint(material: &str, seen: &mut HashMap<String, usize>) -> String {
    let n = seen.entry(material.to_string()).or_insert(0);
    *n += 1;
    let hash = crate::baseline::fnv1a(format!("{material}\0{n}").as_bytes());
    format!("{hash:016x}")
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let mut issues: Vec<Value> = Vec::new();
    let mut seen = HashMap::new();
    for file in &report.files {
        let s = &file.source;
        let (path, cell) = super::model::location(file);
        let path = path_text(&path);
        for d in &file.diagnostics {
            let (line, column) = s.line_col(d.range.start);
            let (end_line, end_column) = s.line_col(d.range.end);
            let mut description = d.message.clone();
            if let Some(help) = &d.fix_title {
                description.push_str(&format!(" (help: {help})"));
            }
            let key = crate::baseline::finding_key(s, d);
            let location = match cell {
                // A notebook cell's lines are not the file's: name the cell, point at the notebook.
                Some(n) => {
                    description = format!("cell {n}, line {line}, column {column}: {description}");
                    json!({"path": path, "lines": {"begin": 1}})
                }
                None => json!({
                    "path": path,
                    "lines": {"begin": line, "end": end_line},
                    "positions": {
                        "begin": {"line": line, "column": column},
                        "end": {"line": end_line, "column": end_column},
                    },
                }),
            };
            issues.push(json!({
                "type": "issue",
                "description": description,
                "check_name": d.rule,
                "fingerprint": fingerprint(&format!("{path}\0{}\0{}\0{key}", cell.unwrap_or(0), d.rule), &mut seen),
                "severity": severity(Some(crate::registry::severity_of(d))),
                "categories": ["Compatibility"],
                "location": location,
            }));
        }
    }
    for e in &report.errors {
        let (path, cell) = e.location();
        let path = path_text(&path);
        let line = match cell {
            Some(_) => 1,
            None => e.line_col().map_or(1, |(l, _)| l),
        };
        let description = match (cell, e.line_col()) {
            (Some(n), Some((l, c))) => format!("cell {n}, line {l}, column {c}: {}", e.message),
            (Some(n), None) => format!("cell {n}: {}", e.message),
            (None, _) => e.message.clone(),
        };
        issues.push(json!({
            "type": "issue",
            "description": format!("kfp-upgrade could not check this file: {description}"),
            "check_name": "kfp-upgrade",
            "fingerprint": fingerprint(&format!("{path}\0error\0{description}"), &mut seen),
            "severity": "critical",
            "categories": ["Bug Risk"],
            "location": {"path": path, "lines": {"begin": line}},
        }));
    }
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(std::io::Error::from)?;
    writeln!(out)
}
