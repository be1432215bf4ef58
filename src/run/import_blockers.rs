//! The run's answer to "does importing this Python file of the run still fail under kfp 2?" (KFP016): each
//! imported file is checked once, on the first question, from its original text.
//!
//! A file's answer is pinned before the run writes its fixes (`pin`), so every question sees the file as it
//! was, whichever thread asks first. The answer is the file's own blocker only: the check made to answer it
//! does not follow that file's imports in turn (no recursion, no cycles).

use std::cell::Cell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::discover::{DiscoveredFile, FileKind};
use crate::fix::FixOutcome;
use crate::once_map::OnceMap;
use crate::project::{ImportBlocker, ImportBlockers, Project};
use crate::python;
use crate::registry::id;
use crate::settings::CheckSettings;
use crate::source::SourceFile;

use super::screen::{PREFILTER, contains, file_settings};

thread_local! {
    /// Set while this thread checks a file to answer a question: that check's own imports are not followed.
    static ANSWERING: Cell<bool> = const { Cell::new(false) };
}

pub(crate) struct RunModules {
    settings: CheckSettings,
    files: HashSet<PathBuf>,
    answers: OnceMap<PathBuf, Option<ImportBlocker>>,
}

impl RunModules {
    pub(crate) fn new(files: &[DiscoveredFile], settings: &CheckSettings) -> Self {
        Self {
            settings: settings.clone(),
            files: files
                .iter()
                .filter(|f| f.kind == FileKind::Python)
                .map(|f| f.path.clone())
                .collect(),
            answers: OnceMap::default(),
        }
    }
}

impl ImportBlockers for RunModules {
    fn blocker(&self, project: &Project, path: &Path) -> Option<ImportBlocker> {
        if ANSWERING.get() || !self.files.contains(path) {
            return None;
        }
        self.answers.get_or_init(path.to_path_buf(), || {
            ANSWERING.set(true);
            let blocker = self.check(project, path);
            ANSWERING.set(false);
            blocker
        })
    }

    fn settle(&self, path: &Path, answer: &dyn Fn() -> Option<ImportBlocker>) {
        if self.files.contains(path) {
            self.answers.get_or_init(path.to_path_buf(), answer);
        }
    }
}

impl RunModules {
    fn check(&self, project: &Project, path: &Path) -> Option<ImportBlocker> {
        let bytes = std::fs::read(path).ok()?;
        if !contains(&bytes, PREFILTER) {
            return None;
        }
        let source = SourceFile::from_bytes(path, bytes).ok()?;
        let settings = file_settings(&self.settings, path);
        let ctx = python::Context::checking(project, path);
        python::import_blocker(&source, &settings.selection, &ctx)
    }
}

/// Fixes whose result the run writes to `path` are about to be written: settle what importing the file as it
/// was answers, before it changes on disk. `migrated` is the run's own migration of the file when it applied
/// unsafe fixes too: the migration the answer is judged on, so it is read from there instead of fixing the file
/// once more (the answer never follows imports, so the run's KFP016 findings are left out of it).
pub(crate) fn pin(
    project: &Project,
    path: &Path,
    migrated: Option<(&FixOutcome, &python::Context)>,
) {
    match migrated {
        Some((outcome, ctx)) => project.settle_import_blocker(path, &|| {
            let remaining: Vec<_> = outcome
                .remaining
                .iter()
                .filter(|d| d.rule != id::KFP016)
                .cloned()
                .collect();
            python::first_import_blocker(&outcome.text, &remaining, ctx)
        }),
        None => {
            project.import_blocker(path);
        }
    }
}
