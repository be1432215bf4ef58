//! What a Python text is checked against, and how it is parsed: a file of the run, or a notebook's joined
//! cells.

use super::cells;
use super::parse::{self, SyntaxError};
use crate::project::{ModulePath, Project};

/// What a file is checked against: the run's component index and the file's place in the import system.
pub struct Context<'p> {
    pub project: &'p Project,
    pub module: ModulePath,
    /// Set while the index itself is being built: rules whose fix depends on the index (KFP116) then report
    /// the fix they would make, so the index can record it.
    pub indexing: bool,
    /// When set, only these rules run (the index needs the diagnostics of three rules, not of all).
    pub only: Option<&'static [&'static str]>,
    /// The source is a notebook's cells joined by `cells::boundary` lines: each cell is parsed on its own, in
    /// IPython's dialect, and a cell with a syntax error is left alone while the others are fixed.
    pub notebook: bool,
}

impl<'p> Context<'p> {
    /// The context of the check of the file at `path` against `project`.
    pub fn checking(project: &'p Project, path: &std::path::Path) -> Self {
        Self {
            project,
            module: ModulePath::of(path),
            indexing: false,
            only: None,
            notebook: false,
        }
    }

    /// The context of the check of a notebook's joined cells.
    pub fn notebook(project: &'p Project, path: &std::path::Path) -> Self {
        Self {
            notebook: true,
            ..Self::checking(project, path)
        }
    }

    pub(crate) fn parse(&self, text: &str) -> parse::ParsedModule {
        if self.notebook {
            parse::parse_cells(text, &cells::ranges(text))
        } else {
            parse::parse_module(text)
        }
    }

    /// The parts of `text` a syntax error in `errors` freezes: the whole file, or in a notebook its cell.
    pub(crate) fn broken_regions(
        &self,
        text: &str,
        errors: &[SyntaxError],
    ) -> Vec<std::ops::Range<usize>> {
        if errors.is_empty() {
            return Vec::new();
        }
        if !self.notebook {
            #[allow(clippy::single_range_in_vec_init)]
            return vec![0..text.len()];
        }
        cells::ranges(text)
            .into_iter()
            .filter(|cell| {
                errors
                    .iter()
                    .any(|e| cell.start <= e.offset && e.offset <= cell.end)
            })
            .collect()
    }
}
