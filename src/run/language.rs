//! What the pipeline needs of each kind of file. A `Language` checks a text (Python, YAML, shell); a `View`
//! says which text of the file its rules read and how that text becomes the file again: the file itself, or
//! for a notebook its code cells joined into one Python module (`notebook::Notebook::module`) and split back.

use crate::diagnostic::Diagnostic;
use crate::fix::{AppliedFix, Checked, FixOutcome};
use crate::notebook::{self, distribute};
use crate::python;
use crate::report::FileReport;
use crate::settings::RuleSelection;
use crate::source::SourceFile;
use crate::{shell, yaml};

/// A text the language cannot read at all (broken YAML, an invalid component spec), with its position.
pub(crate) struct Unreadable {
    pub message: String,
    pub offset: Option<usize>,
}

/// The check of one kind of text.
pub(crate) trait Language {
    /// The language's name, for "fixes by … would produce invalid {name}".
    fn name(&self) -> &'static str;

    /// The text's findings, after suppression comments, in source order.
    fn check(&self, text: &SourceFile) -> Result<Vec<Diagnostic>, Unreadable>;

    /// The check of a fix round's result, with what the fix loop's guards need: whether it still parses and,
    /// where the language has names, which it reads unbound.
    fn recheck(&self, text: &SourceFile) -> Checked;

    /// The run is about to write this file's fixes to `path`: anything other files learn from its original
    /// text must be settled now. `outcome` is the fix loop's, with unsafe fixes when `unsafe_fixes`.
    fn before_write(&self, _path: &std::path::Path, _outcome: &FixOutcome, _unsafe_fixes: bool) {}
}

/// Python source, a file's or a notebook's joined cells (`ctx.notebook`).
pub(crate) struct Python<'a> {
    selection: &'a RuleSelection,
    ctx: python::Context<'a>,
}

impl<'a> Python<'a> {
    pub(crate) fn new(selection: &'a RuleSelection, ctx: python::Context<'a>) -> Self {
        Self { selection, ctx }
    }
}

impl Language for Python<'_> {
    fn name(&self) -> &'static str {
        "Python"
    }

    fn check(&self, text: &SourceFile) -> Result<Vec<Diagnostic>, Unreadable> {
        Ok(python::check_in(text, self.selection, &self.ctx))
    }

    fn recheck(&self, text: &SourceFile) -> Checked {
        python::check_round(text, self.selection, &self.ctx)
    }

    fn before_write(&self, path: &std::path::Path, outcome: &FixOutcome, unsafe_fixes: bool) {
        // Files importing this one are told whether it imports under kfp 2 as it was (KFP016).
        if !self.ctx.notebook {
            let migrated = unsafe_fixes.then_some((outcome, &self.ctx));
            super::import_blockers::pin(self.ctx.project, path, migrated);
        }
    }
}

/// A YAML or JSON file: a v1 component spec or a compiled artefact.
pub(crate) struct Yaml<'a> {
    selection: &'a RuleSelection,
    compiled_by: yaml::CompiledBy,
}

impl<'a> Yaml<'a> {
    pub(crate) fn new(selection: &'a RuleSelection, compiled_by: yaml::CompiledBy) -> Self {
        Self {
            selection,
            compiled_by,
        }
    }
}

impl Language for Yaml<'_> {
    fn name(&self) -> &'static str {
        "YAML"
    }

    fn check(&self, text: &SourceFile) -> Result<Vec<Diagnostic>, Unreadable> {
        yaml::check_in(text, self.selection, &self.compiled_by).map_err(|e| Unreadable {
            message: e.message,
            offset: Some(e.offset),
        })
    }

    fn recheck(&self, text: &SourceFile) -> Checked {
        yaml::check_round(text, self.selection, &self.compiled_by)
    }

    fn before_write(&self, path: &std::path::Path, _outcome: &FixOutcome, _unsafe_fixes: bool) {
        // A vendored spec the `[component-urls]` map points at is resolved as it was, not as fixed (KFP504's
        // digest check of a graph's children).
        if let Some(urls) = &self.selection.component_urls {
            urls.pin(path);
        }
    }
}

/// A shell script, Makefile or CI file, scanned for kfp 1's `dsl-compile`.
pub(crate) struct Shell<'a>(pub &'a RuleSelection);

impl Language for Shell<'_> {
    fn name(&self) -> &'static str {
        "shell"
    }

    fn check(&self, text: &SourceFile) -> Result<Vec<Diagnostic>, Unreadable> {
        Ok(shell::check(text, self.0))
    }

    fn recheck(&self, text: &SourceFile) -> Checked {
        Checked {
            diagnostics: shell::check(text, self.0),
            ..Checked::default()
        }
    }
}

/// The text a file's rules read.
pub(crate) enum View {
    /// The file's own text.
    Whole,
    /// A notebook's code cells, joined into one module (`module`, whose cells start at `starts`); reported
    /// cell by cell.
    Notebook {
        nb: notebook::Notebook,
        module: String,
        starts: Vec<usize>,
    },
}

/// A fixed view made the file's text again: the file's new text and, for a notebook, the cells it was split
/// into (their texts and where they start in the fixed module).
pub(crate) struct FileText {
    pub(crate) text: String,
    cells: Option<(Vec<String>, Vec<usize>)>,
}

impl View {
    /// The view of a notebook: its code cells joined once.
    pub(crate) fn notebook(nb: notebook::Notebook) -> Self {
        let (module, starts) = nb.module();
        View::Notebook { nb, module, starts }
    }

    /// The text the rules read, of the file whose text is `source`.
    pub(crate) fn text(&self, source: &SourceFile) -> SourceFile {
        match self {
            View::Whole => source.clone(),
            View::Notebook { module, .. } => SourceFile::new(&source.path, module.clone(), false),
        }
    }

    /// The file's text once the rules' text is `fixed`; `None` when a fix broke the view (spanned two cells).
    pub(crate) fn file_text(&self, fixed: &str) -> Option<FileText> {
        match self {
            View::Whole => Some(FileText {
                text: fixed.to_string(),
                cells: None,
            }),
            View::Notebook { nb, .. } => nb.split(fixed).map(|(texts, starts)| FileText {
                text: nb.with_sources(&texts),
                cells: Some((texts, starts)),
            }),
        }
    }

    /// The reports of a file checked and left as it is (`text` is `self.text(source)`).
    pub(crate) fn unchanged(
        &self,
        source: &SourceFile,
        text: &SourceFile,
        diagnostics: Vec<Diagnostic>,
    ) -> Vec<FileReport> {
        match self {
            View::Whole => vec![FileReport::unchanged(source.clone(), diagnostics)],
            View::Notebook { nb, starts, .. } => {
                let original: Vec<String> = nb.cells.iter().map(|c| c.text.clone()).collect();
                cell_reports(
                    nb,
                    distribute(
                        &source.path,
                        &nb.cells,
                        &original,
                        starts,
                        diagnostics,
                        &[],
                        (&text.text, starts),
                    ),
                )
            }
        }
    }

    /// The reports of a file fixed to `outcome`, whose file text is now `fixed` (`file_text` of it).
    pub(crate) fn fixed(
        &self,
        source: &SourceFile,
        outcome: FixOutcome,
        fixed: FileText,
    ) -> Vec<FileReport> {
        let changed = fixed.text != source.text;
        let fixed_file = fixed.text;
        match (self, fixed.cells) {
            (View::Whole, _) => vec![FileReport {
                source: SourceFile::new(&source.path, outcome.text, source.bom),
                diagnostics: outcome.remaining,
                applied: outcome.applied,
                change: changed.then(|| (source.text.clone(), fixed_file)),
                cell_change: None,
                cell: None,
            }],
            (View::Notebook { .. }, None) => {
                unreachable!("`file_text` of a notebook view always returns its cells")
            }
            (
                View::Notebook {
                    nb,
                    module,
                    starts: original_starts,
                },
                Some((texts, starts)),
            ) => {
                let mut cells = cell_reports(
                    nb,
                    distribute(
                        &source.path,
                        &nb.cells,
                        &texts,
                        &starts,
                        outcome.remaining,
                        &outcome.applied,
                        (module, original_starts),
                    ),
                );
                // The notebook changes as a whole (its JSON before and after, for writing and the summary);
                // `--diff` shows each changed cell's source under the cell's own name.
                for ((cell, before), after) in cells.iter_mut().zip(&nb.cells).zip(&texts) {
                    if before.text != *after {
                        cell.cell_change = Some((before.text.clone(), after.clone()));
                    }
                }
                if changed && let Some(first) = cells.first_mut() {
                    first.change = Some((source.text.clone(), fixed_file));
                }
                cells
            }
        }
    }
}

/// One report per code cell of `nb`, from what `distribute` gave each.
fn cell_reports(
    nb: &notebook::Notebook,
    cells: Vec<(SourceFile, Vec<Diagnostic>, Vec<AppliedFix>)>,
) -> Vec<FileReport> {
    nb.cells
        .iter()
        .zip(cells)
        .map(|(cell, (source, diagnostics, applied))| FileReport {
            source,
            diagnostics,
            applied,
            change: None,
            cell_change: None,
            cell: Some(cell.number),
        })
        .collect()
}
