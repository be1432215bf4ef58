//! What a run found, as every output format reads it: per file its diagnostics, applied fixes and changes,
//! the errors of files that could not be checked, and the run's totals.

use std::path::PathBuf;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::{AppliedFix, is_allowed};
use crate::source::SourceFile;

/// Why a file could not be checked or written.
#[derive(Debug, Clone)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
    /// Byte offset, when the problem has a position.
    pub offset: Option<usize>,
    /// The text the offset refers to, for rendering the position.
    pub source: Option<SourceFile>,
}

impl FileError {
    /// An error about a file as a whole, without a position.
    pub fn whole_file(path: &std::path::Path, message: String) -> Self {
        Self {
            path: path.to_path_buf(),
            message,
            offset: None,
            source: None,
        }
    }

    pub fn line_col(&self) -> Option<(usize, usize)> {
        match (&self.source, self.offset) {
            (Some(s), Some(o)) => Some(s.line_col(o)),
            _ => None,
        }
    }
    /// The file the error is about, and the notebook cell: errors are about whole files (a notebook's too), so
    /// never a cell. Formats that name cells use this beside `location` of a report.
    pub(crate) fn location(&self) -> (String, Option<usize>) {
        (self.path.display().to_string(), None)
    }

    /// `path:line:col: message` or `path: message`.
    pub fn one_line(&self) -> String {
        match self.line_col() {
            Some((l, c)) => format!("{}:{l}:{c}: {}", self.path.display(), self.message),
            None => format!("{}: {}", self.path.display(), self.message),
        }
    }
}

/// Everything known about one checked file.
#[derive(Debug)]
pub struct FileReport {
    /// The text the diagnostics refer to (the fixed text after `--fix`).
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    pub applied: Vec<AppliedFix>,
    /// Original and fixed text, when fixing changed something (for a notebook: its whole JSON, on the report
    /// of its first cell).
    pub change: Option<(String, String)>,
    /// A notebook cell's original and fixed source, when the fix changed that cell (what `--diff` shows).
    pub cell_change: Option<(String, String)>,
    /// The notebook cell (numbered from 1 among all cells) `source` is, when it is one; `source.path` is then
    /// the notebook's.
    pub cell: Option<usize>,
}

impl FileReport {
    /// A file checked but not changed: its diagnostics, no fixes.
    pub fn unchanged(source: SourceFile, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            source,
            diagnostics,
            applied: vec![],
            change: None,
            cell_change: None,
            cell: None,
        }
    }

    /// The path human-readable formats show: the file's, or for a notebook cell `nb.ipynb:cell 3`.
    pub fn shown_path(&self) -> String {
        match self.cell {
            Some(n) => format!("{}:cell {n}", self.source.path.display()),
            None => self.source.path.display().to_string(),
        }
    }
}

/// The whole run.
#[derive(Debug, Default)]
pub struct RunReport {
    pub files: Vec<FileReport>,
    pub errors: Vec<FileError>,
    pub files_checked: usize,
}

/// Counts for the closing summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub problems: usize,
    pub fixable_safe: usize,
    pub fixable_unsafe: usize,
    pub fixed: usize,
    pub errors: usize,
    pub files_checked: usize,
    pub files_changed: usize,
}

impl Summary {
    /// Counts a later part of the run too.
    pub fn add(&mut self, later: &Summary) {
        self.problems += later.problems;
        self.fixable_safe += later.fixable_safe;
        self.fixable_unsafe += later.fixable_unsafe;
        self.fixed += later.fixed;
        self.errors += later.errors;
        self.files_checked += later.files_checked;
        self.files_changed += later.files_changed;
    }
}

impl RunReport {
    /// Adds a later part of the run (the next chunk of files).
    pub fn append(&mut self, mut later: RunReport) {
        self.files.append(&mut later.files);
        self.errors.append(&mut later.errors);
        self.files_checked += later.files_checked;
    }

    pub fn summary(&self) -> Summary {
        let all = || self.files.iter().flat_map(|f| &f.diagnostics);
        let fixable = |unsafe_ok: bool| {
            all()
                .filter(|d| {
                    d.fix
                        .as_ref()
                        .is_some_and(|f| is_allowed(f.applicability, unsafe_ok))
                })
                .count()
        };
        let safe = fixable(false);
        Summary {
            problems: all().count(),
            fixable_safe: safe,
            fixable_unsafe: fixable(true) - safe,
            fixed: self.files.iter().map(|f| f.applied.len()).sum(),
            errors: self.errors.len(),
            files_checked: self.files_checked,
            files_changed: self.files.iter().filter(|f| f.change.is_some()).count(),
        }
    }
}

/// The closing line(s) for text formats.
pub fn summary_text(summary: &Summary, fixing: bool, diff: bool) -> String {
    let mut out = String::new();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if diff {
        out.push_str(&format!(
            "Would fix {} in {}; {} would remain.\n",
            plural(summary.fixed, "problem"),
            plural(summary.files_changed, "file"),
            plural(summary.problems, "problem")
        ));
    } else if fixing {
        out.push_str(&format!(
            "Fixed {} in {}; {} remaining.\n",
            plural(summary.fixed, "problem"),
            plural(summary.files_changed, "file"),
            plural(summary.problems, "problem")
        ));
    } else if summary.problems == 0 {
        out.push_str("All checks passed!\n");
    } else {
        out.push_str(&format!(
            "Found {} ({} fixable with --fix, {} with --unsafe-fixes).\n",
            plural(summary.problems, "problem"),
            summary.fixable_safe,
            summary.fixable_unsafe
        ));
    }
    if summary.errors > 0 {
        out.push_str(&format!(
            "{} could not be checked (see the errors above).\n",
            plural(summary.errors, "file")
        ));
    }
    out
}

/// Short words for the fix state of a diagnostic.
pub fn fix_state(d: &Diagnostic) -> &'static str {
    match d.applicability() {
        Some(Applicability::Safe) => "fixable",
        Some(Applicability::Unsafe) => "fixable with --unsafe-fixes",
        Some(Applicability::DisplayOnly) => "suggested fix (not applied automatically)",
        None => "needs a manual change",
    }
}

/// The real file a report is about, and its notebook cell when it is one: machine-readable formats put the path
/// where a path belongs and the cell beside it.
pub(crate) fn location(file: &FileReport) -> (String, Option<usize>) {
    (file.source.path.display().to_string(), file.cell)
}
