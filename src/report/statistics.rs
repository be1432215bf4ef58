//! `--statistics`: how many diagnostics each rule produced, most frequent first — the size of the migration at
//! a glance. A table for text formats, a JSON array with `--output-format json`.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::model::RunReport;
use crate::diagnostic::Applicability;
use crate::registry::registry;

#[derive(Serialize)]
struct Row {
    rule: &'static str,
    name: String,
    count: usize,
    /// How many of them `--fix` would fix.
    fixable_safe: usize,
    /// How many more `--fix --unsafe-fixes` would fix.
    fixable_unsafe: usize,
}

fn rows(report: &RunReport) -> Vec<Row> {
    let mut by_rule: BTreeMap<&'static str, Row> = BTreeMap::new();
    for d in report.files.iter().flat_map(|f| &f.diagnostics) {
        let row = by_rule.entry(d.rule).or_insert_with(|| Row {
            rule: d.rule,
            name: registry()
                .get(d.rule)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            count: 0,
            fixable_safe: 0,
            fixable_unsafe: 0,
        });
        row.count += 1;
        match d.applicability() {
            Some(Applicability::Safe) => row.fixable_safe += 1,
            Some(Applicability::Unsafe) => row.fixable_unsafe += 1,
            _ => {}
        }
    }
    let mut rows: Vec<Row> = by_rule.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    rows
}

pub fn write(out: &mut dyn Write, report: &RunReport, json: bool) -> std::io::Result<()> {
    let rows = rows(report);
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::from)?;
        return writeln!(out);
    }
    for r in &rows {
        // `[*]` as in the concise format: some of them have an automatic fix.
        let marker = if r.fixable_safe + r.fixable_unsafe > 0 {
            "[*]"
        } else {
            "   "
        };
        writeln!(out, "{:>5}  {:<7} {marker} {}", r.count, r.rule, r.name)?;
    }
    Ok(())
}
