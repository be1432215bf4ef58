//! The `migrate` report: what a run changed and what it left, as one model (`MigrationReport`) read by three
//! renderings. `summary` is the Markdown for the migration pull request's description, bounded to fit it;
//! `details` is every file's fixes and findings in Markdown; JSON is the model itself.

mod details;
mod model;
mod parts;
mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostic::Applicability;
use crate::registry::registry;
use crate::report::model::RunReport;
use crate::settings::CheckSettings;

pub(crate) use details::details;
pub use model::{
    ErrorEntry, FileEntry, FileNote, FixEntry, MigrationReport, RemainingEntry, RuleTotal,
    VerifyEntry,
};
pub(crate) use summary::summary;

/// `path` relative to `root`, with forward slashes.
pub(crate) fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn total<'t>(
    totals: &'t mut BTreeMap<&'static str, RuleTotal>,
    rule: &'static str,
) -> &'t mut RuleTotal {
    totals.entry(rule).or_insert_with(|| RuleTotal {
        name: registry()
            .get(rule)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        ..RuleTotal::default()
    })
}

/// The report of a migration of `src` (migrated in `root`) whose `check --fix` run was `run`.
pub fn build(
    run: &RunReport,
    settings: &CheckSettings,
    src: &Path,
    root: &Path,
) -> MigrationReport {
    let mut totals: BTreeMap<&'static str, RuleTotal> = BTreeMap::new();
    let mut files = Vec::new();
    for f in &run.files {
        if f.applied.is_empty() && f.diagnostics.is_empty() {
            continue;
        }
        let mut fixes: Vec<FixEntry> = f
            .applied
            .iter()
            .map(|a| {
                let t = total(&mut totals, a.rule);
                match a.applicability {
                    Applicability::Unsafe => t.fixed_unsafe += 1,
                    _ => t.fixed_safe += 1,
                }
                FixEntry {
                    rule: a.rule,
                    line: a.line,
                    applicability: a.applicability.as_str(),
                    message: a.message.clone(),
                }
            })
            .collect();
        // In the order of the file, not of the fix rounds that applied them.
        fixes.sort_by_key(|x| x.line);
        let remaining = f
            .diagnostics
            .iter()
            .map(|d| {
                let t = total(&mut totals, d.rule);
                t.remaining += 1;
                let (line, column) = f.source.line_col(d.range.start);
                RemainingEntry {
                    rule: d.rule,
                    line,
                    column,
                    message: d.message.clone(),
                    guidance: d.fix_title.clone(),
                    docs: registry()
                        .get(d.rule)
                        .map(|r| crate::report::sarif::help_uri(&r.path)),
                    unsafe_fix_available: d.applicability() == Some(Applicability::Unsafe),
                }
            })
            .collect();
        let path = shown(&f.source.path, root);
        files.push(FileEntry {
            file: match f.cell {
                Some(n) => format!("{path}:cell {n}"),
                None => path.clone(),
            },
            path,
            cell: f.cell,
            fixes,
            remaining,
            notes: replaced_v1_spec(f).into_iter().collect(),
        });
    }
    MigrationReport {
        source: src.display().to_string(),
        destination: root.display().to_string(),
        tool_version: env!("CARGO_PKG_VERSION"),
        target_kfp: settings.selection.target().to_string(),
        unsafe_fixes: settings.unsafe_fixes,
        files_checked: run.files_checked,
        files_changed: run.files.iter().filter(|f| f.change.is_some()).count(),
        files,
        errors: run
            .errors
            .iter()
            .map(|e| ErrorEntry {
                file: shown(&e.path, root),
                message: e.message.clone(),
            })
            .collect(),
        totals,
        verify: None,
    }
}

/// The lines a migration closes with on stderr: what it did, where the report is, and verification failures.
pub fn closing_lines(r: &MigrationReport, root: &Path, written: &[&Path]) -> String {
    let mut s = format!(
        "Migrated {}: {} fixes in {} files; {} findings need a human; {} errors.",
        root.display(),
        r.fixes(),
        r.files_changed,
        r.left(),
        r.errors.len(),
    );
    if let Some((first, rest)) = written.split_first() {
        s.push_str(&format!(" Report: {}", first.display()));
        for path in rest {
            s.push_str(&format!(", details: {}", path.display()));
        }
    }
    s.push('\n');
    let unverified = r.unverified();
    if unverified > 0 {
        s.push_str(&format!(
            "{unverified} migrated modules failed to import or compile under kfp 2 (see the report).\n"
        ));
    }
    s
}

/// KFP504's fix replaces a v1 graph component spec by its pipeline IR: the file no longer holds the v1 spec,
/// the report keeps it, under the file it came from.
fn replaced_v1_spec(f: &crate::report::model::FileReport) -> Option<FileNote> {
    let replaced = f
        .applied
        .iter()
        .any(|a| a.rule == crate::registry::id::KFP504);
    let (before, _) = f.change.as_ref().filter(|_| replaced)?;
    Some(FileNote {
        title: "The v1 graph component spec the kfp 2 pipeline IR replaced".into(),
        body: format!(
            "<details><summary>v1 spec</summary>\n\n````yaml\n{}\n````\n\n</details>",
            before.trim_end()
        ),
    })
}
