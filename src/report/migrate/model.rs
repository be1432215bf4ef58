//! The migration report's model: what the renderings (`summary`, `details`, JSON) read.

use std::collections::BTreeMap;

use serde::Serialize;

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
