//! `--output-format sarif`: SARIF 2.1.0 (the OASIS standard GitHub code scanning and other security dashboards
//! read). The run's tool lists every rule with its documentation and a help URI; each diagnostic is a result
//! with its location and, when it has one, its fix; files that could not be checked are tool execution
//! notifications, so the log stays valid and the failure is still visible. `tests/it/output_formats.rs` validates the output
//! against the official schema vendored under `tests/fixtures/sarif/`.

use std::io::Write;

use serde_json::{Value, json};

use super::model::RunReport;
use crate::registry::{Severity, registry};
use crate::source::SourceFile;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const REPOSITORY: &str = "https://github.com/kfp-upgrade/kfp-upgrade";

/// The rule's documentation in the repository (`rules/<family>/KFPnnn-<name>.yaml`).
pub fn help_uri(rule_path: &str) -> String {
    format!("{REPOSITORY}/blob/main/{rule_path}")
}

/// A relative path as a URI reference: forward slashes, and anything outside the unreserved set
/// percent-encoded so spaces and `#` in file names survive.
fn uri(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first sentence of a rule's "what it does" text, for the one-line description dashboards show.
fn first_sentence(text: &str) -> String {
    let text = text.trim().replace('\n', " ");
    match text.find(". ") {
        Some(i) => text[..=i].to_string(),
        None => text,
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(source: &SourceFile, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = source.line_col(range.start);
    let (end_line, end_column) = source.line_col(range.end);
    json!({
        "startLine": start_line, "startColumn": start_column,
        "endLine": end_line, "endColumn": end_column,
    })
}

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    let rules: Vec<Value> = registry()
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": first_sentence(&r.docs.what)},
                "fullDescription": {"text": r.docs.what.trim()},
                "help": {
                    "text": format!("{}\n\nFix safety: {}", r.docs.what.trim(), r.docs.fix_safety.trim()),
                    "markdown": crate::rule_docs::render(r),
                },
                "helpUri": help_uri(&r.path),
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"family": r.family, "fix": r.fix.as_str(), "tags": ["kfp", "migration"]},
            })
        })
        .collect();
    let index = |id: &str| registry().rules.iter().position(|r| r.id == id);
    let mut results = Vec::new();
    for file in &report.files {
        let s = &file.source;
        // A notebook cell is not a file: the location is the notebook, the cell and line go in the message.
        let cell = file.cell;
        let location = |range: &std::ops::Range<usize>| match cell {
            Some(_) => json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(&s.path)},
            }}),
            None => json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(&s.path)},
                "region": region(s, range),
            }}),
        };
        for d in &file.diagnostics {
            let where_ = cell.map(|n| {
                let (line, column) = s.line_col(d.range.start);
                format!("cell {n}, line {line}, column {column}: ")
            });
            let message = match &d.fix_title {
                Some(help) => format!("{}{} (help: {help})", where_.unwrap_or_default(), d.message),
                None => format!("{}{}", where_.unwrap_or_default(), d.message),
            };
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(crate::registry::severity_of(d)),
                "message": {"text": message},
                "locations": [location(&d.range)],
            });
            if let Some(i) = index(d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(n) = cell {
                let (line, column) = s.line_col(d.range.start);
                result["properties"] = json!({"cell": n, "cellLine": line, "cellColumn": column});
            }
            if let Some(fix) = d.fix.as_ref().filter(|_| cell.is_none()) {
                result["fixes"] = json!([{
                    "description": {"text": format!("{} ({} fix)",
                        d.fix_title.clone().unwrap_or_default(), fix.applicability.as_str())},
                    "artifactChanges": [{
                        "artifactLocation": {"uri": uri(&s.path)},
                        "replacements": fix.edits.iter().map(|e| json!({
                            "deletedRegion": region(s, &e.range),
                            "insertedContent": {"text": e.content},
                        })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            // Errors are about whole files (a notebook's too, never one of its cells).
            let mut location =
                json!({"physicalLocation": {"artifactLocation": {"uri": uri(&e.path)}}});
            if let Some((line, column)) = e.line_col() {
                location["physicalLocation"]["region"] =
                    json!({"startLine": line, "startColumn": column});
            }
            json!({"level": "error", "message": {"text": e.message}, "locations": [location]})
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kfp-upgrade",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": REPOSITORY,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log).map_err(std::io::Error::from)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references_with_escapes() {
        assert_eq!(uri(std::path::Path::new("a b/c#.py")), "a%20b/c%23.py");
        assert_eq!(
            help_uri("rules/imports/KFP001-kfp-v2-namespace.yaml"),
            "https://github.com/kfp-upgrade/kfp-upgrade/blob/main/rules/imports/KFP001-kfp-v2-namespace.yaml"
        );
    }
}
