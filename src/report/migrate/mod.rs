//! The `migrate` report: what a run changed and what it left, as one model (`MigrationReport`) read by three
//! renderings. `summary` is the Markdown for the migration pull request's description, bounded to fit it;
//! `details` is every file's fixes and findings in Markdown; JSON is the model itself.

mod details;
mod summary;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Applicability;
use crate::registry::registry;
use crate::report::RunReport;
use crate::settings::CheckSettings;

pub(crate) use details::details;
pub(crate) use summary::summary;

/// One file's part of the report (a notebook's: one per cell).
#[derive(Debug, Serialize)]
pub struct FileEntry {
    /// The path shown, relative to the migrated tree (`nb.ipynb:cell 3` for a notebook cell).
    pub file: String,
    /// The file itself, without the cell: what the summary counts.
    #[serde(skip)]
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    pub fixes: Vec<FixEntry>,
    pub remaining: Vec<RemainingEntry>,
    /// Anything else a human should see about the file (a heading and Markdown), shown in the details.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<FileNote>,
}

/// An extra note about one file, e.g. what a rewrite replaced.
#[derive(Debug, Clone, Serialize)]
pub struct FileNote {
    pub title: String,
    /// Markdown, rendered as it is.
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct FixEntry {
    pub rule: &'static str,
    /// The line of the finding in the file before the migration (in a notebook, in its cell).
    pub line: usize,
    pub applicability: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct RemainingEntry {
    pub rule: &'static str,
    /// Where the finding is in the migrated file.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do (the fix title) and where the rule's documentation is.
    pub guidance: Option<String>,
    pub docs: Option<String>,
    /// A fix exists but needs `--unsafe-fixes`.
    pub unsafe_fix_available: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct RuleTotal {
    pub name: String,
    pub fixed_safe: usize,
    pub fixed_unsafe: usize,
    pub remaining: usize,
}

#[derive(Debug, Serialize)]
pub struct ErrorEntry {
    pub file: String,
    pub message: String,
}

/// A migrated module imported and compiled under kfp 2.
#[derive(Debug, serde::Deserialize, Serialize)]
pub struct VerifyEntry {
    pub file: String,
    pub ok: bool,
    /// The components and pipelines compiled.
    pub compiled: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MigrationReport {
    pub source: String,
    pub destination: String,
    pub tool_version: &'static str,
    pub target_kfp: String,
    pub unsafe_fixes: bool,
    pub files_checked: usize,
    pub files_changed: usize,
    /// Every file with a fix or a finding, in the order they were checked.
    pub files: Vec<FileEntry>,
    /// Files that could not be migrated.
    pub errors: Vec<ErrorEntry>,
    pub totals: BTreeMap<&'static str, RuleTotal>,
    /// `--verify` results, one per pipeline module (absent without `--verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<Vec<VerifyEntry>>,
}

impl MigrationReport {
    pub fn fixes(&self) -> usize {
        self.files.iter().map(|f| f.fixes.len()).sum()
    }

    /// Findings left for a human.
    pub fn left(&self) -> usize {
        self.files.iter().map(|f| f.remaining.len()).sum()
    }

    /// The files (a notebook once, however many of its cells) with findings left, each with its count per
    /// rule, in report order.
    pub fn needing_a_human(&self) -> Vec<(&str, BTreeMap<&'static str, usize>)> {
        let mut files: Vec<(&str, BTreeMap<&'static str, usize>)> = Vec::new();
        for f in self.files.iter().filter(|f| !f.remaining.is_empty()) {
            if files.last().is_none_or(|(p, _)| *p != f.path) {
                files.push((&f.path, BTreeMap::new()));
            }
            let counts = &mut files.last_mut().expect("pushed above").1;
            for d in &f.remaining {
                *counts.entry(d.rule).or_default() += 1;
            }
        }
        files
    }

    /// Verified modules that failed to import or compile under kfp 2.
    pub fn unverified(&self) -> usize {
        self.verify.iter().flatten().filter(|v| !v.ok).count()
    }

    /// The whole report as JSON.
    pub fn json(&self) -> serde_json::Result<String> {
        let mut t = serde_json::to_string_pretty(self)?;
        t.push('\n');
        Ok(t)
    }
}

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

/// The header both Markdown renderings open with.
fn header(r: &MigrationReport, title: &str) -> String {
    let mut s = format!("# {title}\n\n");
    s.push_str(&format!(
        "Migrated `{}` → `{}` with kfp-upgrade {} for kfp {} ({}).\n\n",
        r.source,
        r.destination,
        r.tool_version,
        r.target_kfp,
        if r.unsafe_fixes {
            "safe and unsafe fixes"
        } else {
            "safe fixes only"
        }
    ));
    s.push_str(&format!(
        "**{} files checked, {} changed; {} fixes applied; {} findings in {} files need a human; {} files could \
         not be migrated.**\n\n",
        r.files_checked,
        r.files_changed,
        r.fixes(),
        r.left(),
        r.needing_a_human().len(),
        r.errors.len()
    ));
    s
}

/// The table of totals per rule.
fn totals_table(r: &MigrationReport) -> String {
    if r.totals.is_empty() {
        return "## Totals per rule\n\nNo findings.\n\n".to_string();
    }
    let mut s = String::from(
        "## Totals per rule\n\n| rule | name | fixed (safe) | fixed (unsafe) | left |\n|---|---|---|---|---|\n",
    );
    for (rule, t) in &r.totals {
        s.push_str(&format!(
            "| {rule} | {} | {} | {} | {} |\n",
            t.name, t.fixed_safe, t.fixed_unsafe, t.remaining
        ));
    }
    s.push('\n');
    s
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
fn replaced_v1_spec(f: &crate::report::FileReport) -> Option<FileNote> {
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
