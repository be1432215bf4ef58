//! kfp-upgrade: find Kubeflow Pipelines SDK v1 constructs and rewrite them for SDK v2.
//!
//! `run_check` is the whole pipeline: discover → read → check (→ fix → write) → report.

pub mod baseline;
pub mod cli;
pub mod component_fetch;
pub mod component_urls;
pub mod components;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod migrate;
pub mod noqa;
pub mod notebook;
pub mod project;
pub mod python;
pub mod report;
pub mod rule_docs;
pub mod rules;
mod run_index;
pub mod selector;
pub mod settings;
pub mod shell;
pub mod source;
mod stdin;
pub mod write;
pub mod yaml;

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use discover::{DiscoveredFile, FileKind};
use project::Project;
use report::{FileError, FileReport, RunReport};
use run_index::RunIndex;
use settings::{CheckSettings, FixMode, OutputFormat};
use source::SourceFile;

/// Exit codes: 0 clean, 1 diagnostics remain (or `--diff` would change something), 2 errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

/// Bytes a file must contain to be worth parsing: files that never mention kfp are skipped unparsed.
pub(crate) const PREFILTER: &[u8] = b"kfp";

/// Parsing and checking recurse over the syntax tree; deeply nested code needs more than the default stack.
const WORKER_STACK: usize = 256 << 20;

/// What happened to one file.
pub(crate) enum Outcome {
    Skipped,
    Checked(FileReport),
    Failed(FileError),
    /// Checked, but writing or fixing failed: report both.
    Partly(FileReport, FileError),
    /// A notebook: one report per code cell, and what went wrong, if anything.
    Cells(Vec<FileReport>, Option<FileError>),
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
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // Every file of a tree goes through this prefilter: a vectorised search, not a byte-by-byte window.
    memchr::memmem::find(haystack, needle).is_some()
}

/// `process`, with a bug in a rule contained to its file: a panic becomes an error for that file (nothing was
/// written: writes happen last and atomically) and the run goes on with the others.
fn process_guarded(file: &DiscoveredFile, settings: &CheckSettings, index: &RunIndex) -> Outcome {
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

/// The settings a file is checked with: `per-file-ignores` turn those rules off for it.
pub(crate) fn file_settings<'s>(
    settings: &'s CheckSettings,
    path: &Path,
) -> std::borrow::Cow<'s, CheckSettings> {
    let ignored = settings.per_file_ignored(path);
    if ignored.is_empty() {
        return std::borrow::Cow::Borrowed(settings);
    }
    let mut narrowed = settings.clone();
    narrowed.selection.ignore.extend(ignored);
    std::borrow::Cow::Owned(narrowed)
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
    let worth_reading = match file.kind {
        FileKind::Python | FileKind::Notebook => contains(&bytes, PREFILTER),
        FileKind::Shell => contains(&bytes, shell::PREFILTER),
        FileKind::Yaml => yaml::is_candidate(&bytes),
        FileKind::Archive => return process_archive(file, settings, project),
    };
    if !worth_reading {
        return Outcome::Skipped;
    }
    let source = match SourceFile::from_bytes(&file.path, bytes.clone()) {
        Ok(s) => s,
        Err(e) => return Outcome::failed(&file.path, e.to_string(), None, None),
    };
    match file.kind {
        FileKind::Python => process_python(file, settings, source, &bytes, project, own_check),
        FileKind::Shell => process_shell(file, settings, source, &bytes),
        FileKind::Yaml => process_yaml(file, settings, source, &bytes, project),
        FileKind::Archive => Outcome::Skipped,
        FileKind::Notebook => notebook::process(file, settings, source, &bytes, project),
    }
}

/// A pipeline package: one file-level diagnostic, the file is never opened.
fn process_archive(file: &DiscoveredFile, settings: &CheckSettings, project: &Project) -> Outcome {
    let diagnostics = yaml::archive(&settings.selection, &project.compiled_by(&file.path));
    if diagnostics.is_empty() {
        return Outcome::Skipped;
    }
    Outcome::Checked(FileReport::unchanged(
        SourceFile::new(&file.path, String::new(), false),
        diagnostics,
    ))
}

/// A file's fixed text, ready to be written (or shown, with `--diff`).
struct Fixed {
    text: String,
    applied: Vec<fix::AppliedFix>,
    /// Diagnostics left in `text`.
    remaining: Vec<diagnostic::Diagnostic>,
    /// A problem to report even when the write succeeds (fixes that were dropped).
    failure: Option<FileError>,
}

/// The end of every language's fix: writes the fixed text atomically with `--fix` and reports what changed. When
/// the write fails, nothing was written: the original's diagnostics (`recheck`) are reported with the error.
fn finish_fix(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    source: SourceFile,
    bytes: &[u8],
    fixed: Fixed,
    recheck: impl FnOnce(&SourceFile) -> Vec<diagnostic::Diagnostic>,
) -> Outcome {
    let changed = fixed.text != source.text;
    if changed
        && settings.fix_mode == FixMode::Apply
        && let Err(e) = write::write_atomic(&file.path, bytes, &source.encode(&fixed.text))
    {
        let error = FileError::whole_file(&file.path, e.to_string());
        let diagnostics = recheck(&source);
        return Outcome::Partly(FileReport::unchanged(source, diagnostics), error);
    }
    let report = FileReport {
        source: SourceFile::new(&source.path, fixed.text.clone(), source.bom),
        diagnostics: fixed.remaining,
        applied: fixed.applied,
        change: changed.then(|| (source.text.clone(), fixed.text)),
        cell_change: None,
    };
    match fixed.failure {
        Some(f) => Outcome::Partly(report, f),
        None => Outcome::Checked(report),
    }
}

/// Fixes a taken by `fix::apply_fixes`, as reported.
fn applied_fixes(
    source: &SourceFile,
    taken: &[(usize, &diagnostic::Diagnostic)],
) -> Vec<fix::AppliedFix> {
    taken
        .iter()
        .map(|(offset, d)| fix::AppliedFix {
            rule: d.rule,
            applicability: d.applicability().unwrap_or(diagnostic::Applicability::Safe),
            line: source.line_col((*offset).min(source.text.len())).0,
            message: d.message.clone(),
        })
        .collect()
}

/// A YAML or JSON file: a v1 component spec or a compiled artefact; anything else is left alone.
fn process_yaml(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    source: SourceFile,
    bytes: &[u8],
    project: &Project,
) -> Outcome {
    let compiled_by = project.compiled_by(&file.path);
    let failed = |e: yaml::YamlError, source: SourceFile| {
        Outcome::failed(&file.path, e.message, Some(e.offset), Some(source))
    };
    if settings.fix_mode == FixMode::None {
        return match yaml::check_in(&source, &settings.selection, &compiled_by) {
            Ok(diagnostics) => Outcome::Checked(FileReport::unchanged(source, diagnostics)),
            Err(e) => failed(e, source),
        };
    }
    let (text, taken) = match yaml::fix_in(
        &source,
        &settings.selection,
        settings.unsafe_fixes,
        &compiled_by,
    ) {
        Ok(r) => r,
        Err(e) => return failed(e, source),
    };
    let fixed_source = SourceFile::new(&source.path, text.clone(), source.bom);
    let remaining =
        yaml::check_in(&fixed_source, &settings.selection, &compiled_by).unwrap_or_default();
    let taken: Vec<(usize, &diagnostic::Diagnostic)> = taken.iter().map(|(o, d)| (*o, d)).collect();
    let fixed = Fixed {
        applied: applied_fixes(&source, &taken),
        text,
        remaining,
        failure: None,
    };
    finish_fix(file, settings, source, bytes, fixed, |original| {
        yaml::check_in(original, &settings.selection, &compiled_by).unwrap_or_default()
    })
}

/// A shell, Makefile or CI file: one round of fixes is enough (each fix replaces one whole command).
fn process_shell(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    source: SourceFile,
    bytes: &[u8],
) -> Outcome {
    let diagnostics = shell::check(&source, &settings.selection);
    let fixed = match settings.fix_mode {
        FixMode::None => None,
        _ => fix::apply_fixes(&source.text, &diagnostics, settings.unsafe_fixes),
    };
    let Some((text, taken)) = fixed else {
        return Outcome::Checked(FileReport::unchanged(source, diagnostics));
    };
    let fixed_source = SourceFile::new(&source.path, text.clone(), source.bom);
    let fixed = Fixed {
        applied: applied_fixes(&source, &taken),
        remaining: shell::check(&fixed_source, &settings.selection),
        text,
        failure: None,
    };
    finish_fix(file, settings, source, bytes, fixed, |_| {
        diagnostics.clone()
    })
}

fn process_python(
    file: &DiscoveredFile,
    settings: &CheckSettings,
    source: SourceFile,
    bytes: &[u8],
    project: &Project,
    own_check: Option<python::OwnCheck>,
) -> Outcome {
    let ctx = python::Context::checking(project, &file.path);
    let checked = own_check.map(|own| own.diagnostics);
    if settings.fix_mode == FixMode::None {
        let diagnostics = match checked {
            Some(d) => d,
            None => python::check_in(&source, &settings.selection, &ctx),
        };
        return Outcome::Checked(FileReport::unchanged(source, diagnostics));
    }
    let outcome = python::fix_in(
        &source,
        &settings.selection,
        settings.unsafe_fixes,
        &ctx,
        checked,
    );
    let failure = outcome.invalid_fix_error(&file.path);
    let fixed = Fixed {
        text: outcome.text,
        applied: outcome.applied,
        remaining: outcome.remaining,
        failure,
    };
    finish_fix(file, settings, source, bytes, fixed, |original| {
        python::check_in(original, &settings.selection, &ctx)
    })
}

/// `kfp-upgrade convert FILE [-o OUT]`: writes the kfp 2 Python module for a v1 component spec.
pub fn convert_file(
    file: &std::path::Path,
    output: Option<&std::path::Path>,
    format: cli::ConvertFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let text = match std::fs::read(file)
        .map_err(|e| e.to_string())
        .and_then(|b| SourceFile::from_bytes(file, b).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: {}: {e}", file.display())?;
            return Ok(ExitStatus::Error);
        }
    };
    let converted = match format {
        cli::ConvertFormat::Python => {
            yaml::convert::to_python_with(&text.text, &yaml::graph_children::for_file(file))
        }
        cli::ConvertFormat::Ir => yaml::ir::to_ir(&text.text),
    };
    let module = match converted {
        Ok(m) => m,
        Err(e) => {
            let at = match &e {
                yaml::convert::ConvertError::Yaml(y) => {
                    let (line, column) = text.line_col(y.offset.min(text.text.len()));
                    format!(":{line}:{column}")
                }
                _ => String::new(),
            };
            writeln!(err, "error: {}{at}: {e}", file.display())?;
            return Ok(ExitStatus::Error);
        }
    };
    let extension = match format {
        cli::ConvertFormat::Python => "py",
        cli::ConvertFormat::Ir => "ir.yaml",
    };
    let target = output.map_or_else(
        || file.with_extension(extension),
        std::path::Path::to_path_buf,
    );
    if target.as_os_str() == "-" {
        out.write_all(module.as_bytes())?;
        return Ok(ExitStatus::Clean);
    }
    if let Err(e) = std::fs::write(&target, module) {
        writeln!(err, "error: {}: {e}", target.display())?;
        return Ok(ExitStatus::Error);
    }
    writeln!(out, "Wrote {}", target.display())?;
    Ok(ExitStatus::Clean)
}

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
                writeln!(err, "error: {e}")?;
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
            writeln!(err, "error: {e}")?;
            return Ok(ExitStatus::Error);
        }
    };
    warn_if_nothing_found(settings, &report.summary(), err)?;
    if let Some(path) = &settings.write_baseline {
        let written = baseline::from_report(&report, path);
        if let Err(e) = baseline::write(&written, path) {
            writeln!(err, "error: {e}")?;
            return Ok(ExitStatus::Error);
        }
        render(settings, &report, out, err)?;
        writeln!(
            err,
            "Wrote {} findings ({} entries) to the baseline {}.",
            report.summary().problems,
            written.entries.len(),
            path.display()
        )?;
        // Today's findings are the baseline now: only errors fail this run.
        return Ok(if report.errors.is_empty() {
            ExitStatus::Clean
        } else {
            ExitStatus::Error
        });
    }
    let applied = known.map(|(path, b)| (path, baseline::apply(&b, path, &mut report)));
    render(settings, &report, out, err)?;
    if let Some((path, applied)) = applied {
        write_baseline_notes(settings, path, &applied, err)?;
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
        render_findings(settings, &chunk, out, err)
    });
    match run {
        Ok(written) => written?,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitStatus::Error);
        }
    }
    render_summary(settings, &summary, out, err)?;
    warn_if_nothing_found(settings, &summary, err)?;
    Ok(exit_status(settings, &summary))
}

/// A run that found no file to check says so on stderr: an empty or fully excluded tree (or a mistyped path
/// filter) must not look like a clean one.
pub(crate) fn warn_if_nothing_found(
    settings: &CheckSettings,
    summary: &report::Summary,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if summary.files_checked > 0 || summary.errors > 0 {
        return Ok(());
    }
    let paths: Vec<String> = settings
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    writeln!(
        err,
        "warning: No Python, notebook or component YAML files found under {} (excluded, ignored by git, or none there)",
        paths.join(", ")
    )
}

/// What the baseline hid, and its stale entries (their code was migrated), on stderr.
fn write_baseline_notes(
    settings: &CheckSettings,
    path: &std::path::Path,
    applied: &baseline::Applied,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if !settings.quiet && applied.known > 0 {
        writeln!(
            err,
            "{} known problem{} in the baseline {} not reported.",
            applied.known,
            if applied.known == 1 { "" } else { "s" },
            path.display()
        )?;
    }
    if applied.stale.is_empty() {
        return Ok(());
    }
    let count: usize = applied.stale.iter().map(|(_, n)| n).sum();
    writeln!(
        err,
        "{count} baseline entr{} in {} no longer match (migrated or changed code):",
        if count == 1 { "y" } else { "ies" },
        path.display()
    )?;
    for (entry, n) in &applied.stale {
        let times = if *n > 1 {
            format!(" (×{n})")
        } else {
            String::new()
        };
        writeln!(
            err,
            "  stale: {} {} `{}`{times}",
            entry.file, entry.rule, entry.source
        )?;
    }
    writeln!(
        err,
        "Shrink the baseline: kfp-upgrade check --write-baseline {} …",
        path.display()
    )
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

/// Files checked together before their reports are handed on: bounds the memory a run holds (reports keep
/// each file's text) while leaving the worker threads enough files to balance.
pub(crate) const CHUNK_FILES: usize = 2048;

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
        Some(pool) => pool.install(|| run_index::build(&files, settings)),
        None => run_index::build(&files, settings),
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
    fn of(outcomes: Vec<Outcome>) -> Self {
        let mut report = RunReport::default();
        for outcome in outcomes {
            match outcome {
                Outcome::Skipped => report.files_checked += 1,
                Outcome::Checked(r) => {
                    report.files_checked += 1;
                    report.files.push(r);
                }
                Outcome::Failed(e) => report.errors.push(e),
                Outcome::Partly(r, e) => {
                    report.files_checked += 1;
                    report.files.push(r);
                    report.errors.push(e);
                }
                Outcome::Cells(cells, e) => {
                    report.files_checked += 1;
                    report.files.extend(cells);
                    report.errors.extend(e);
                }
            }
        }
        report
    }
}

/// The exit status of a run: errors win; `--exit-non-zero-on-fix` fails a run that changed a file even under
/// `--exit-zero` (the pre-commit fix hook fails only when it rewrote something, like pyupgrade).
pub(crate) fn exit_status(settings: &CheckSettings, summary: &report::Summary) -> ExitStatus {
    let changed = summary.files_changed > 0;
    if summary.errors > 0 {
        ExitStatus::Error
    } else if settings.exit_non_zero_on_fix && settings.fix_mode == FixMode::Apply && changed {
        ExitStatus::Findings
    } else if settings.exit_zero {
        ExitStatus::Clean
    } else if summary.problems > 0 || (settings.fix_mode == FixMode::Diff && changed) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}

pub(crate) fn render(
    settings: &CheckSettings,
    report: &RunReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let format = settings.output_format;
    if settings.statistics {
        for e in &report.errors {
            report::full::write_error(err, e, settings.color)?;
        }
        return report::statistics::write(out, report, format == OutputFormat::Json);
    }
    match format {
        OutputFormat::Json => return report::json::write(out, report),
        OutputFormat::Sarif => return report::sarif::write(out, report),
        OutputFormat::Junit => return report::junit::write(out, report),
        OutputFormat::Gitlab => return report::gitlab::write(out, report),
        OutputFormat::Rdjson => return report::rdjson::write(out, report),
        _ => {}
    }
    render_findings(settings, report, out, err)?;
    render_summary(settings, &report.summary(), out, err)
}

/// The findings and errors of (part of) a run in a line- or file-oriented format, without the summary: printing
/// the parts of a run one after the other prints the run.
fn render_findings(
    settings: &CheckSettings,
    report: &RunReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if settings.output_format == OutputFormat::Github {
        return report::github::write(out, report);
    }
    for e in &report.errors {
        report::full::write_error(err, e, settings.color)?;
    }
    if settings.fix_mode == FixMode::Diff {
        return report::diff::write(out, report);
    }
    match settings.output_format {
        OutputFormat::Full => report::full::write(out, report, settings.color),
        OutputFormat::Concise => report::concise::write(out, report),
        OutputFormat::JsonLines => report::json_lines::write(out, report),
        _ => unreachable!("structured formats are rendered whole"),
    }
}

/// The closing summary of text formats (none for structured formats or with `--quiet`).
fn render_summary(
    settings: &CheckSettings,
    summary: &report::Summary,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if !settings.quiet && !settings.output_format.is_structured() {
        let text = report::summary_text(
            summary,
            settings.fix_mode == FixMode::Apply,
            settings.fix_mode == FixMode::Diff,
        );
        // In diff mode stdout carries the patch; the summary goes beside it.
        if settings.fix_mode == FixMode::Diff {
            err.write_all(text.as_bytes())?;
        } else {
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}
