//! The index pass: the run's component index, and each component file's own check for the check pass.
//!
//! Every Python file that may define components is parsed once here, indexed, and checked against a project
//! holding only its own components. The check pass takes that check instead of parsing again when the file's
//! bytes are unchanged and no other file's components could change it (`Project::answers_as_alone`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::discover::{DiscoveredFile, FileKind};
use crate::project::{self, Project};
use crate::python;
use crate::settings::CheckSettings;
use crate::source::SourceFile;

use super::import_blockers::RunModules;
use super::screen::{PREFILTER, contains, file_settings};

/// Files checked together before their reports are handed on: bounds the memory a run holds (reports keep
/// each file's text) while leaving the worker threads enough files to balance. On 30,000 dense kfp files,
/// 1,024 instead of 2,048 took peak RSS from 100 to 86 MB (with `OWN_CHECKS_KEPT` halved too).
pub(crate) const CHUNK_FILES: usize = 1024;

/// Bytes a Python file that defines components contains (`create_component_from_func`,
/// `func_to_container_op`, `dsl.component`, a `ContainerOp` factory) or compiles a pipeline (KFP601 names
/// the source of a committed compiled file): only such files are indexed before the check.
const COMPONENT_MARKERS: &[&[u8]] = &[b"component", b"ContainerOp", b"compile"];

/// What the index pass learned: the run's components, and the own check of each indexed file with a
/// fingerprint of the bytes it was made from.
#[derive(Default)]
pub(crate) struct RunIndex {
    pub(crate) project: Project,
    own_checks: HashMap<PathBuf, (u64, Mutex<Option<python::OwnCheck>>)>,
}

impl RunIndex {
    /// The own check of the file at `path` when it stands for the run's check: made from these same bytes, and
    /// no other file's components live under a module it looked up. Taken, not copied: each file is checked
    /// once.
    pub(crate) fn take_own_check(&self, path: &Path, bytes: &[u8]) -> Option<python::OwnCheck> {
        let (fingerprint, own) = self.own_checks.get(path)?;
        if *fingerprint != fingerprint_of(bytes) {
            return None;
        }
        let own = own.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        self.project
            .answers_as_alone(path, &own.queried, &own.imported)
            .then_some(own)
    }
}

/// A file's bytes, as far as reuse is concerned: a file edited between the two passes is checked again.
fn fingerprint_of(bytes: &[u8]) -> u64 {
    // Change detection between the two passes of one run, not a security boundary: a fast hash will do.
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// Files whose own check the index pass keeps for the check pass, at most. Past that the index pass only
/// indexes and the check pass parses again: a run over a huge KFP-dense tree holds a bounded number of files'
/// diagnostics (the check pass prints chunk by chunk). Each kept check is a file's diagnostics with their
/// fixes: 2,048 of them are about 14 MB on the dense benchmark files.
const OWN_CHECKS_KEPT: usize = 2048;

/// Indexes the components of every Python file that may define some; each such file is parsed once here and
/// checked against its own components, which the check pass reuses when nothing else could change it.
pub(crate) fn build(files: &[DiscoveredFile], settings: &CheckSettings) -> RunIndex {
    build_keeping(files, settings, OWN_CHECKS_KEPT)
}

/// `build`, keeping at most `keep` files' own checks.
fn build_keeping(files: &[DiscoveredFile], settings: &CheckSettings, keep: usize) -> RunIndex {
    let mut index = RunIndex::default();
    index
        .project
        .set_import_blockers(std::sync::Arc::new(RunModules::new(files, settings)));
    let mut kept = 0;
    for chunk in files.chunks(CHUNK_FILES) {
        let with_checks = kept < keep;
        let indexed: Vec<_> = chunk
            .par_iter()
            .filter_map(|file| index_file(file, settings, with_checks))
            .collect();
        for (components, own) in indexed {
            if let Some((fingerprint, own)) = own
                && kept < keep
            {
                kept += 1;
                index.own_checks.insert(
                    components.path.clone(),
                    (fingerprint, Mutex::new(Some(own))),
                );
            }
            index.project.add(components);
        }
    }
    index
}

/// A Python file's components, with its own check and the fingerprint of the bytes checked when `with_check`;
/// `None` for files that cannot define components (or do not parse: the check pass reports those).
fn index_file(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    with_check: bool,
) -> Option<(project::ModuleComponents, Option<(u64, python::OwnCheck)>)> {
    if file.kind == FileKind::Notebook {
        return index_notebook(file, settings).map(|c| (c, None));
    }
    if file.kind != FileKind::Python {
        return None;
    }
    let bytes = std::fs::read(&file.path).ok()?;
    let marked =
        contains(&bytes, PREFILTER) && COMPONENT_MARKERS.iter().any(|m| contains(&bytes, m));
    if !marked {
        return None;
    }
    let fingerprint = with_check.then(|| fingerprint_of(&bytes));
    let source = SourceFile::from_bytes(&file.path, bytes).ok()?;
    let settings = file_settings(settings, &file.path);
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let (components, own) = python::index(&source, &settings.selection, &read, with_check);
    Some((components, fingerprint.zip(own)))
}

/// A notebook's components and loaded specs (`None` for a notebook that has none, or does not parse: the
/// check pass reports that).
fn index_notebook(
    file: &DiscoveredFile,
    settings: &CheckSettings,
) -> Option<project::ModuleComponents> {
    let bytes = std::fs::read(&file.path).ok()?;
    let marked = COMPONENT_MARKERS.iter().any(|m| contains(&bytes, m));
    if !contains(&bytes, PREFILTER) || !marked {
        return None;
    }
    let text = String::from_utf8(bytes).ok()?;
    let (cells, _) = crate::notebook::parse(&text).ok()?.module();
    let source = SourceFile::new(&file.path, cells, false);
    let settings = file_settings(settings, &file.path);
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let components = python::index_notebook(&source, &settings.selection, &read);
    (!components.components.is_empty()).then_some(components)
}

#[cfg(test)]
mod tests {
    use super::super::file::{Outcome, process_guarded};
    use super::*;
    use crate::{cli, config, discover};

    fn diagnostics_of(outcome: Outcome) -> String {
        match outcome {
            Outcome::Reported(r, None) if r.len() == 1 => format!("{:?}", r[0].diagnostics),
            Outcome::Skipped => "skipped".into(),
            _ => "error".into(),
        }
    }

    /// Past the budget the check pass checks again what the index pass did not keep: same diagnostics.
    #[test]
    fn own_checks_past_the_budget_give_the_same_diagnostics() {
        let examples = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"));
        let cli = <cli::Cli as clap::Parser>::try_parse_from([
            "kfp-upgrade".as_ref(),
            "check".as_ref(),
            examples.as_os_str(),
        ])
        .unwrap();
        let cli::Command::Check(args) = cli.command else {
            unreachable!("a check command line")
        };
        let settings = config::check_settings(args, false).unwrap();
        let (files, _) = discover::discover(&settings.paths, &Default::default(), true, false);
        let all = build_keeping(&files, &settings, usize::MAX);
        let none = build_keeping(&files, &settings, 0);
        assert!(all.own_checks.len() > 5, "{}", all.own_checks.len());
        assert!(none.own_checks.is_empty());
        let mut compared = 0;
        for file in &files {
            let reused = diagnostics_of(process_guarded(file, &settings, &all));
            let checked = diagnostics_of(process_guarded(file, &settings, &none));
            assert_eq!(reused, checked, "{}", file.path.display());
            compared += usize::from(reused.len() > 2);
        }
        assert!(compared > 5, "{compared}");
    }
}
