//! One file through the pipeline, whatever its kind: read, prefilter, decode, then for the file's `Language`
//! check → fix (the one fix loop, `fix::fix_loop`) → text → write (the one write path, `write::write_atomic`)
//! → reports. A panic in a rule stays in its file.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::discover::{DiscoveredFile, FileKind};
use crate::fix;
use crate::project::Project;
use crate::python;
use crate::report::{FileError, FileReport};
use crate::settings::{CheckSettings, FixMode};
use crate::source::SourceFile;
use crate::yaml;

use super::index::RunIndex;
use super::language::{Language, Python, Shell, Unreadable, View, Yaml};
use super::screen::{file_settings, screen};
use super::write;

/// What happened to one file.
pub(crate) enum Outcome {
    Skipped,
    /// Checked: its reports (one per file, or one per notebook cell) and what went wrong, if anything (a
    /// fix that was dropped, a write that failed).
    Reported(Vec<FileReport>, Option<FileError>),
    Failed(FileError),
}

impl Outcome {
    /// The file at `path` could not be checked; `offset` is a position in `source`, when there is one.
    pub(crate) fn failed(
        path: &Path,
        message: String,
        offset: Option<usize>,
        source: Option<SourceFile>,
    ) -> Self {
        Outcome::Failed(FileError {
            path: path.to_path_buf(),
            message,
            offset,
            source,
        })
    }

    fn checked(report: FileReport) -> Self {
        Outcome::Reported(vec![report], None)
    }
}

/// `process`, with a bug in a rule contained to its file: a panic becomes an error for that file (nothing was
/// written: writes happen last and atomically) and the run goes on with the others.
pub(crate) fn process_guarded(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    index: &RunIndex,
) -> Outcome {
    let run = std::panic::AssertUnwindSafe(|| {
        // Debug builds only: lets the test suite prove that a panic stays in its file.
        if cfg!(debug_assertions)
            && std::env::var_os("KFP_UPGRADE_PANIC_ON").is_some_and(|n| file.path.ends_with(n))
        {
            panic!("KFP_UPGRADE_PANIC_ON");
        }
        process(file, settings, index)
    });
    std::panic::catch_unwind(run).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Outcome::failed(
            &file.path,
            format!("internal error while checking this file ({what}); it was left unchanged — please report this"),
            None,
            None,
        )
    })
}

fn process(file: &DiscoveredFile, settings: &CheckSettings, index: &RunIndex) -> Outcome {
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) => return Outcome::failed(&file.path, format!("could not read: {e}"), None, None),
    };
    let own_check = index.take_own_check(&file.path, &bytes);
    let settings = file_settings(settings, &file.path);
    process_bytes(file, &settings, &index.project, bytes, own_check)
}

/// Checks (and fixes) a file's bytes, read from disk or from stdin (`--stdin-filename`). `own_check` is the
/// Python file's check from the index pass, when it stands for the run's.
pub(crate) fn process_bytes(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    project: &Project,
    bytes: Vec<u8>,
    own_check: Option<python::OwnCheck>,
) -> Outcome {
    if file.kind == FileKind::Archive {
        return process_archive(file, settings, project);
    }
    if screen(file.kind, &bytes).is_err() {
        return Outcome::Skipped;
    }
    let source = match SourceFile::from_bytes(&file.path, bytes.clone()) {
        Ok(s) => s,
        Err(e) => return Outcome::failed(&file.path, e.to_string(), None, None),
    };
    let first = own_check.map(|own| own.diagnostics);
    let selection = &settings.selection;
    match file.kind {
        FileKind::Python => {
            let python = Python::new(selection, python::Context::checking(project, &file.path));
            pipeline(file, settings, source, &bytes, View::Whole, &python, first)
        }
        FileKind::Notebook => {
            let notebook = match crate::notebook::parse(&source.text) {
                Ok(nb) if nb.cells.is_empty() => return Outcome::Skipped,
                Ok(nb) => nb,
                Err(e) => {
                    return Outcome::failed(&file.path, e.message, Some(e.offset), Some(source));
                }
            };
            let python = Python::new(selection, python::Context::notebook(project, &file.path));
            pipeline(
                file,
                settings,
                source,
                &bytes,
                View::notebook(notebook),
                &python,
                None,
            )
        }
        FileKind::Yaml => {
            let yaml = Yaml::new(selection, project.compiled_by(&file.path));
            pipeline(file, settings, source, &bytes, View::Whole, &yaml, None)
        }
        FileKind::Shell => pipeline(
            file,
            settings,
            source,
            &bytes,
            View::Whole,
            &Shell(selection),
            None,
        ),
        FileKind::Archive => Outcome::Skipped,
    }
}

/// A pipeline package: one file-level diagnostic, the file is never opened.
fn process_archive(file: &DiscoveredFile, settings: &CheckSettings, project: &Project) -> Outcome {
    let diagnostics = yaml::archive(&settings.selection, &project.compiled_by(&file.path));
    if diagnostics.is_empty() {
        return Outcome::Skipped;
    }
    Outcome::checked(FileReport::unchanged(
        SourceFile::new(&file.path, String::new(), false),
        diagnostics,
    ))
}

/// The pipeline every kind of file goes through. `source` is the file's text, `view` what its rules read of
/// it, `first` the view's check when the index pass already made it.
fn pipeline(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    source: SourceFile,
    bytes: &[u8],
    view: View,
    language: &dyn Language,
    first: Option<Vec<Diagnostic>>,
) -> Outcome {
    let text = view.text(&source);
    let unreadable = |e: Unreadable, source: SourceFile| {
        Outcome::failed(&file.path, e.message, e.offset, Some(source))
    };
    let diagnostics = match first {
        Some(d) => d,
        None => match language.check(&text) {
            Ok(d) => d,
            Err(e) => return unreadable(e, source),
        },
    };
    if settings.fix_mode == FixMode::None {
        return Outcome::Reported(view.unchanged(&source, &text, diagnostics), None);
    }
    let outcome = fix::fix_loop(&text, diagnostics, settings.unsafe_fixes, |t| {
        language.recheck(t)
    });
    let error = outcome
        .problem(language.name())
        .map(|message| FileError::whole_file(&file.path, message));
    let Some(fixed_file) = view.file_text(&outcome.text) else {
        return Outcome::failed(
            &file.path,
            "a fix spanned two cells; the notebook was not changed — please report this".into(),
            None,
            None,
        );
    };
    let changed = fixed_file.text != source.text;
    if changed && settings.fix_mode == FixMode::Apply {
        language.before_write(&file.path, &outcome, settings.unsafe_fixes);
    }
    if changed
        && settings.fix_mode == FixMode::Apply
        && let Err(e) = write::write_atomic(&file.path, bytes, &source.encode(&fixed_file.text))
    {
        // Nothing was written: report the file as it stands.
        let error = FileError::whole_file(&file.path, e.to_string());
        let diagnostics = language.check(&text).unwrap_or_default();
        return Outcome::Reported(view.unchanged(&source, &text, diagnostics), Some(error));
    }
    Outcome::Reported(view.fixed(&source, outcome, fixed_file), error)
}
