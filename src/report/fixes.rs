//! `check --fix --show-fixes` (or `--diff --show-fixes`): the fixes applied, or that would be, per file and
//! rule, in ruff's layout (`Fixed 3 problems:`, `- path:`, `    1 × KFP001 (kfp-v2-namespace)`).

use std::collections::BTreeMap;
use std::io::Write;

use crate::settings::FixMode;

use super::model::RunReport;

/// Fix counts per rule, per file in report order. A notebook's cells are reports of their own under the
/// notebook's path: they count as one file.
fn per_file(report: &RunReport) -> Vec<(String, BTreeMap<&'static str, usize>)> {
    let mut files: Vec<(String, BTreeMap<&'static str, usize>)> = Vec::new();
    for file in report.files.iter().filter(|f| !f.applied.is_empty()) {
        let path = file.source.path.display().to_string();
        if files.last().is_none_or(|(p, _)| *p != path) {
            files.push((path, BTreeMap::new()));
        }
        let counts = &mut files.last_mut().expect("pushed above").1;
        for fix in &file.applied {
            *counts.entry(fix.rule).or_default() += 1;
        }
    }
    files
}

pub(crate) fn write(report: &RunReport, mode: FixMode, out: &mut dyn Write) -> std::io::Result<()> {
    let files = per_file(report);
    let total: usize = files.iter().flat_map(|(_, c)| c.values()).sum();
    let would = mode == FixMode::Diff;
    if total == 0 {
        let what = if would { "available" } else { "applied" };
        return writeln!(out, "\nNo fixes {what}.");
    }
    writeln!(
        out,
        "\n{} {total} problem{}:",
        if would { "Would fix" } else { "Fixed" },
        if total == 1 { "" } else { "s" }
    )?;
    for (path, counts) in files {
        writeln!(out, "- {path}:")?;
        for (rule, n) in counts {
            let name = crate::registry::registry()
                .get(rule)
                .map_or("", |r| r.name.as_str());
            writeln!(out, "    {n} × {rule} ({name})")?;
        }
    }
    Ok(())
}
