//! The check pipeline of a run: discover → index → check (→ fix → write, file by file) → report, in chunks
//! of files so a large tree is printed as it goes.

use std::io::Write;

use rayon::prelude::*;

use crate::baseline;
use crate::discover::{self, DiscoveredFile};
use crate::report::{self, FileError, RunReport, render};
use crate::settings::{CheckSettings, OutputFormat};

use super::exit::{ExitStatus, exit_status};
use super::file::{Outcome, process_guarded};
use super::index::{self, CHUNK_FILES, RunIndex};
use super::stdin;

/// Parsing and checking recurse over the syntax tree; deeply nested code needs more than the default stack.
const WORKER_STACK: usize = 256 << 20;

/// Checks (and fixes) the files `settings` names, then reports. Returns the exit status.
pub fn run_check(
    settings: &CheckSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    if let Some(name) = &settings.stdin_filename {
        return stdin::run(settings, name, out, err);
    }
    // A bad baseline stops the run before any work: without it the gate would fail on every known finding.
    let known = match &settings.baseline {
        Some(path) => match baseline::read(path) {
            Ok(b) => Some((path, b)),
            Err(e) => {
                render::error(err, &e.to_string())?;
                return Ok(ExitStatus::Error);
            }
        },
        None => None,
    };
    if streams(settings) {
        return stream_check(settings, out, err);
    }
    let mut report = match check_files(settings, None) {
        Ok(r) => r,
        Err(e) => {
            render::error(err, &e.to_string())?;
            return Ok(ExitStatus::Error);
        }
    };
    render::warn_if_nothing_found(settings, &report.summary(), err)?;
    if let Some(path) = &settings.write_baseline {
        let written = baseline::from_report(&report, path);
        if let Err(e) = baseline::write(&written, path) {
            render::error(err, &e.to_string())?;
            return Ok(ExitStatus::Error);
        }
        render::render(settings, &report, out, err)?;
        render::wrote_baseline(err, report.summary().problems, written.entries.len(), path)?;
        // Today's findings are the baseline now: only errors fail this run.
        return Ok(if report.errors.is_empty() {
            ExitStatus::Clean
        } else {
            ExitStatus::Error
        });
    }
    let applied = known.map(|(path, b)| (path, baseline::apply(&b, path, &mut report)));
    render::render(settings, &report, out, err)?;
    if let Some((path, applied)) = applied {
        render::write_baseline_notes(settings, path, &applied, err)?;
    }
    Ok(exit_status(settings, &report.summary()))
}

/// Whether the run's output can be printed chunk by chunk as files finish, keeping memory bounded on large
/// trees: the line- and file-oriented formats print each file on its own. JSON, SARIF and JUnit are one
/// document with totals, statistics count the whole run, and a baseline matches findings across files: those
/// hold the whole report.
fn streams(settings: &CheckSettings) -> bool {
    let line_oriented = matches!(
        settings.output_format,
        OutputFormat::Full | OutputFormat::Concise | OutputFormat::JsonLines | OutputFormat::Github
    );
    line_oriented
        && !settings.statistics
        // The fixes are listed after the whole run, per file: the run's reports are kept for that.
        && !settings.show_fixes
        && settings.baseline.is_none()
        && settings.write_baseline.is_none()
}

/// `run_check` for streaming formats: each chunk of files is printed as soon as it is checked, and only the
/// counts are kept for the summary.
fn stream_check(
    settings: &CheckSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut summary = report::Summary::default();
    let run = check_files_in_chunks(settings, None, &mut |chunk| {
        summary.add(&chunk.summary());
        render::render_findings(settings, &chunk, out, err)
    });
    match run {
        Ok(written) => written?,
        Err(e) => {
            render::error(err, &e.to_string())?;
            return Ok(ExitStatus::Error);
        }
    }
    render::render_summary(settings, &summary, out, err)?;
    render::warn_if_nothing_found(settings, &summary, err)?;
    Ok(exit_status(settings, &summary))
}

/// Called after each file with its path and the number of files.
pub type Progress<'a> = dyn Fn(&std::path::Path, usize) + Sync + 'a;

/// Discovers, checks (and fixes) the files `settings` names and returns what happened, without printing.
/// `progress` is called after each file with its path and the number of files (for a progress bar).
pub fn check_files(
    settings: &CheckSettings,
    progress: Option<&Progress<'_>>,
) -> Result<RunReport, discover::ExcludeError> {
    let mut report = RunReport::default();
    check_files_in_chunks(settings, progress, &mut |chunk| {
        report.append(chunk);
        Ok(())
    })?
    .expect("collecting a report in memory cannot fail");
    Ok(report)
}

/// Checks every file under `root` as one run with `selection` and otherwise default settings, fixing them in
/// place (unsafe fixes included) with `fix`: the rule examples that span several files are checked this way.
pub fn check_tree(
    root: &std::path::Path,
    selection: crate::settings::RuleSelection,
    fix: bool,
) -> Result<RunReport, discover::ExcludeError> {
    let settings = CheckSettings {
        paths: vec![root.to_path_buf()],
        exclude: Vec::new(),
        selection,
        fix_mode: if fix {
            crate::settings::FixMode::Apply
        } else {
            crate::settings::FixMode::None
        },
        unsafe_fixes: fix,
        output_format: Default::default(),
        exit_zero: false,
        exit_non_zero_on_fix: false,
        statistics: false,
        quiet: true,
        color: false,
        stdin_filename: None,
        baseline: None,
        write_baseline: None,
        respect_gitignore: false,
        force_exclude: false,
        per_file_ignores: Vec::new(),
        config_file: None,
        show_fixes: false,
    };
    check_files(&settings, None)
}

/// `check_files`, handing the report on in chunks of files, in discovery order: walk errors first, then each
/// chunk's files and errors. A run over a large tree then holds one chunk's reports at a time. Stops at the
/// first error `on_chunk` returns (a closed stdout) and returns it.
pub fn check_files_in_chunks(
    settings: &CheckSettings,
    progress: Option<&Progress<'_>>,
    on_chunk: &mut dyn FnMut(RunReport) -> std::io::Result<()>,
) -> Result<std::io::Result<()>, discover::ExcludeError> {
    let excludes = discover::exclude_set(&settings.exclude)?;
    let (files, walk_errors) = discover::discover(
        &settings.paths,
        &excludes,
        settings.respect_gitignore,
        settings.force_exclude,
    );
    let walked = RunReport {
        errors: walk_errors
            .into_iter()
            .map(|w| FileError::whole_file(&w.path, w.message))
            .collect(),
        ..RunReport::default()
    };
    if let Err(e) = on_chunk(walked) {
        return Ok(Err(e));
    }
    let run = |index: &RunIndex, file: &DiscoveredFile| {
        let outcome = process_guarded(file, settings, index);
        if let Some(p) = progress {
            p(&file.path, files.len());
        }
        outcome
    };
    // Our own pool, for the stack deep nesting needs; without one (threads refused) the files go one by one.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .build()
        .ok();
    let index = match &pool {
        Some(pool) => pool.install(|| index::build(&files, settings)),
        None => index::build(&files, settings),
    };
    let result = files.chunks(CHUNK_FILES).try_for_each(|chunk| {
        let outcomes: Vec<Outcome> = match &pool {
            Some(pool) => pool.install(|| chunk.par_iter().map(|f| run(&index, f)).collect()),
            None => chunk.iter().map(|f| run(&index, f)).collect(),
        };
        on_chunk(RunReport::of(outcomes))
    });
    Ok(result)
}

impl RunReport {
    /// The report of some files' outcomes, in their order.
    pub(crate) fn of(outcomes: Vec<Outcome>) -> Self {
        let mut report = RunReport::default();
        for outcome in outcomes {
            match outcome {
                Outcome::Skipped => report.files_checked += 1,
                Outcome::Failed(e) => report.errors.push(e),
                Outcome::Reported(cells, e) => {
                    report.files_checked += 1;
                    report.files.extend(cells);
                    report.errors.extend(e);
                }
            }
        }
        report
    }
}
