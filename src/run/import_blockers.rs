//! The run's answer to "does importing this Python file of the run still fail under kfp 2?" (KFP016): each
//! imported file is checked once, on the first question, from its original text.
//!
//! A file's answer is pinned before the run writes its fixes (`pin`), so every question sees the file as it
//! was, whichever thread asks first. The answer is the file's own blocker only: the check made to answer it
//! does not follow that file's imports in turn (no recursion, no cycles).

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::discover::{DiscoveredFile, FileKind};
use crate::project::{ImportBlocker, ImportBlockers, Project};
use crate::python;
use crate::settings::CheckSettings;
use crate::source::SourceFile;

use super::screen::{PREFILTER, contains, file_settings};

thread_local! {
    /// Set while this thread checks a file to answer a question: that check's own imports are not followed.
    static ANSWERING: Cell<bool> = const { Cell::new(false) };
}

type Answer = Arc<OnceLock<Option<ImportBlocker>>>;

pub(crate) struct RunModules {
    settings: CheckSettings,
    files: HashSet<PathBuf>,
    answers: Mutex<HashMap<PathBuf, Answer>>,
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
            answers: Mutex::default(),
        }
    }
}

impl ImportBlockers for RunModules {
    fn blocker(&self, project: &Project, path: &Path) -> Option<ImportBlocker> {
        if ANSWERING.get() || !self.files.contains(path) {
            return None;
        }
        let answer: Answer = self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(path.to_path_buf())
            .or_default()
            .clone();
        answer
            .get_or_init(|| {
                ANSWERING.set(true);
                let blocker = self.check(project, path);
                ANSWERING.set(false);
                blocker
            })
            .clone()
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
/// was answers, before it changes on disk.
pub(crate) fn pin(project: &Project, path: &Path) {
    project.import_blocker(path);
}
