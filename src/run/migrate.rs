//! `kfp-upgrade migrate`: a whole code base at once, with a report a team can paste into the migration PR.
//!
//! `--out DIR` copies the tree first (every file, permissions kept, symlinks copied as symlinks and never
//! followed, so nothing outside the tree is read or written) and migrates the copy; `--in-place` migrates the
//! tree itself, and refuses when git reports uncommitted changes to the files it would touch (`--force`
//! overrides), so every rewrite can be reviewed with `git diff` and undone with `git checkout`.
//! The rewriting is `check --fix` on the whole tree in one run, so call sites in other files follow
//! renamed component inputs. What the report says and how it is laid out is `report::migrate`'s; this module
//! runs the migration, `--verify` and the progress line, and writes the report's files.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::ReportFormat;
use crate::discover;
use crate::report::RunReport;
use crate::report::migrate::{self as report, MigrationReport, VerifyEntry, shown};
use crate::settings::{CheckSettings, FixMode};

use super::check::{Progress, check_files};
use super::exit::ExitStatus;

#[derive(Debug, Clone)]
pub struct MigrateOptions {
    pub src: PathBuf,
    /// `--out DIR`; `None` means `--in-place`.
    pub out: Option<PathBuf>,
    pub force: bool,
    pub report: Option<PathBuf>,
    pub report_format: ReportFormat,
    /// `--verify`: the Python (with kfp 2) that imports each migrated pipeline module and compiles it.
    pub verify: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0}: not a folder")]
    NotAFolder(PathBuf),
    #[error("{0} already exists and is not empty; choose a new --out folder")]
    OutExists(PathBuf),
    #[error("--out {out} is inside the source {src}")]
    OutInsideSource { out: PathBuf, src: PathBuf },
    #[error("copying {path}: {source}")]
    Copy {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the report {path}: {source}")]
    WriteReport {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "uncommitted changes to files migrate would rewrite (commit or stash them, or pass --force):\n{0}"
    )]
    Dirty(String),
    #[error("{0}")]
    Exclude(#[from] discover::ExcludeError),
    #[error("--verify: {0}")]
    Verify(String),
}

/// Copies `src` into the new folder `dst`: files with their permissions, symlinks as the same links (never
/// followed), folders recursively. walkdir does not follow links by default, so a link cannot lead the copy out
/// of the tree or into a loop; folders get their permissions after their contents, so a read-only folder does
/// not stop its own copy.
pub fn copy_tree(src: &Path, dst: &Path) -> Result<(), MigrateError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| MigrateError::Copy { path, source }
    };
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.map_err(|e| MigrateError::Copy {
            path: e.path().unwrap_or(src).to_path_buf(),
            source: e.into(),
        })?;
        let from = entry.path();
        let Ok(relative) = from.strip_prefix(src) else {
            continue;
        };
        let to = dst.join(relative);
        let kind = entry.file_type();
        if kind.is_symlink() {
            let target = std::fs::read_link(from).map_err(err(from))?;
            symlink(&target, &to).map_err(err(from))?;
        } else if kind.is_dir() {
            std::fs::create_dir_all(&to).map_err(err(&to))?;
            let permissions = entry
                .metadata()
                .map_err(|e| MigrateError::Copy {
                    path: from.to_path_buf(),
                    source: e.into(),
                })?
                .permissions();
            folders.push((to, permissions));
        } else if kind.is_file() {
            // `fs::copy` copies the permission bits too.
            std::fs::copy(from, &to).map_err(err(from))?;
        }
        // Sockets, fifos and devices are not source code: skipped.
    }
    for (folder, permissions) in folders.into_iter().rev() {
        std::fs::set_permissions(&folder, permissions).map_err(err(&folder))?;
    }
    Ok(())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(windows)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_file(target, link)
}

/// Files under `root` with uncommitted changes (per git) among `files`; empty outside a git work tree.
/// One `git status` over the whole tree (not one argument per file, which a large tree would overflow).
fn dirty_files(root: &Path, files: &[PathBuf]) -> Vec<String> {
    if files.is_empty() {
        return vec![];
    }
    let touched: std::collections::HashSet<String> = files.iter().map(|f| shown(f, root)).collect();
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "status",
            "--porcelain=v1",
            "--untracked-files=all",
            "--",
            ".",
        ])
        .output();
    match output {
        // Paths are relative to `root` (git's cwd); a rename is `old -> new`.
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| {
                let path = l.get(3..).unwrap_or("");
                let path = path.rsplit(" -> ").next().unwrap_or(path);
                touched.contains(path.trim_matches('"'))
            })
            .map(|l| format!("  {}", l.trim_end()))
            .collect(),
        // Not a git work tree, or no git: nothing to protect the user from beyond atomic writes.
        _ => vec![],
    }
}

/// The compile harness the test suite's oracle uses (`tests/oracle/compile_kfp.py`), embedded so `--verify`
/// works anywhere: it imports each file in a forked child with a timeout and compiles every module-level
/// component and pipeline with kfp 2's compiler.
const COMPILE_HARNESS: &str = include_str!("../../tests/oracle/compile_kfp.py");

/// The `PYTHONPATH` a module is imported with: the project root and its `src/` (the two places a package of
/// the project lives, flat or `src` layout, as pytest's rootdir and `pythonpath = src` make them importable),
/// before whatever the environment had. The harness puts the module's own folder first, and with
/// `--as-package` the folder above the module's package.
fn import_path(root: &Path) -> std::ffi::OsString {
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut paths = vec![root.clone()];
    if root.join("src").is_dir() {
        paths.push(root.join("src"));
    }
    if let Some(existing) = std::env::var_os("PYTHONPATH") {
        paths.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(paths).unwrap_or_default()
}

/// Imports and compiles the migrated pipeline modules with `python`. This runs the user's module code.
fn verify(python: &Path, root: &Path, run: &RunReport) -> Result<Vec<VerifyEntry>, String> {
    let modules: Vec<PathBuf> = run
        .files
        .iter()
        .map(|f| f.source.path.clone())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .filter(|p| {
            std::fs::read_to_string(p).is_ok_and(|t| t.contains("kfp") && t.contains("pipeline"))
        })
        .collect();
    if modules.is_empty() {
        return Ok(vec![]);
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let harness = dir.path().join("compile_kfp.py");
    std::fs::write(&harness, COMPILE_HARNESS).map_err(|e| e.to_string())?;
    let output = std::process::Command::new(python)
        .arg(&harness)
        // A module of a package is imported by its dotted name, so its relative imports work.
        .args(["--kfp", "2", "--as-package", "--"])
        .args(&modules)
        .env("PYTHONPATH", import_path(root))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut entries = Vec::new();
    for line in stdout.lines().filter(|l| l.starts_with('{')) {
        let mut entry: VerifyEntry = serde_json::from_str(line).map_err(|e| e.to_string())?;
        entry.file = shown(Path::new(&entry.file), root);
        entries.push(entry);
    }
    if entries.len() != modules.len() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "the compile harness failed under {} (is kfp 2 installed there?):\n{}",
            python.display(),
            tail.join("\n")
        ));
    }
    Ok(entries)
}

/// Runs a migration. The report goes to `--report FILE`, or to `out` when none is given.
pub fn run(
    options: &MigrateOptions,
    base: &CheckSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    match migrate(options, base, out, err) {
        Ok(status) => Ok(status),
        Err(Failure::Io(e)) => Err(e),
        Err(Failure::Migrate(e)) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitStatus::Error)
        }
    }
}

enum Failure {
    Io(std::io::Error),
    Migrate(MigrateError),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Io(e)
    }
}

impl From<MigrateError> for Failure {
    fn from(e: MigrateError) -> Self {
        Failure::Migrate(e)
    }
}

impl From<discover::ExcludeError> for Failure {
    fn from(e: discover::ExcludeError) -> Self {
        Failure::Migrate(e.into())
    }
}

fn migrate(
    options: &MigrateOptions,
    base: &CheckSettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitStatus, Failure> {
    let src = &options.src;
    if !src.is_dir() {
        return Err(MigrateError::NotAFolder(src.clone()).into());
    }
    let root = match &options.out {
        Some(dir) => {
            if dir.exists()
                && std::fs::read_dir(dir)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true)
            {
                return Err(MigrateError::OutExists(dir.clone()).into());
            }
            let src_abs = std::path::absolute(src)?;
            let out_abs = std::path::absolute(dir)?;
            if out_abs.starts_with(&src_abs) {
                return Err(MigrateError::OutInsideSource {
                    out: dir.clone(),
                    src: src.clone(),
                }
                .into());
            }
            copy_tree(src, dir)?;
            dir.clone()
        }
        None => src.clone(),
    };
    let mut settings = base.clone();
    settings.paths = vec![root.clone()];
    // A configuration file inside SRC was copied with it: `per-file-ignores` paths are relative to the copy.
    if let (Some(out_dir), Some(config)) = (&options.out, &base.config_file)
        && let Ok(rel) = std::path::absolute(config)
            .unwrap_or_else(|_| config.clone())
            .strip_prefix(std::path::absolute(src)?)
    {
        settings.config_file = Some(out_dir.join(rel));
    }
    settings.fix_mode = FixMode::Apply;
    if options.out.is_none() && !options.force {
        let excludes = discover::exclude_set(&settings.exclude)?;
        let (files, _) = discover::discover(
            &settings.paths,
            &excludes,
            settings.respect_gitignore,
            false,
        );
        let paths: Vec<PathBuf> = files.into_iter().map(|f| f.path).collect();
        let dirty = dirty_files(&root, &paths);
        if !dirty.is_empty() {
            return Err(MigrateError::Dirty(dirty.join("\n")).into());
        }
    }
    // A progress line on a terminal only: logs and pipes get the report and nothing else.
    let progress = ProgressLine::new(&root, std::io::stderr().is_terminal());
    let update = |path: &Path, total: usize| progress.update(path, total);
    let run = check_files(
        &settings,
        progress.is_shown().then_some(&update as &Progress<'_>),
    )?;
    progress.finish();
    let mut report = report::build(&run, &settings, src, &root);
    if let Some(python) = &options.verify {
        match verify(python, &root, &run) {
            Ok(entries) => report.verify = Some(entries),
            Err(e) => return Err(MigrateError::Verify(e).into()),
        }
    }
    let written = write_report(&report, options, out)?;
    let written: Vec<&Path> = written.iter().map(PathBuf::as_path).collect();
    err.write_all(report::closing_lines(&report, &root, &written).as_bytes())?;
    Ok(if !report.errors.is_empty() {
        ExitStatus::Error
    } else if report.left() > 0 || report.unverified() > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// The details file beside the summary `FILE`: `FILE.details.md`.
pub fn details_path(summary: &Path) -> PathBuf {
    let mut name = summary.as_os_str().to_os_string();
    name.push(".details.md");
    PathBuf::from(name)
}

/// Writes the report: with `--report FILE`, the summary there and every file's detail beside it (Markdown),
/// or the whole report there (JSON); without, the whole report to `out`, there being no file beside which to
/// put the rest. Returns the files written.
fn write_report(
    report: &MigrationReport,
    options: &MigrateOptions,
    out: &mut dyn Write,
) -> Result<Vec<PathBuf>, Failure> {
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|source| MigrateError::WriteReport {
            path: path.to_path_buf(),
            source,
        })
    };
    let json = || report.json().map_err(std::io::Error::from);
    match (&options.report, options.report_format) {
        (Some(path), ReportFormat::Markdown) => {
            let details = details_path(path);
            let name = details
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            write(&details, report::details(report))?;
            write(path, report::summary(report, &name))?;
            Ok(vec![path.clone(), details])
        }
        (Some(path), ReportFormat::Json) => {
            write(path, json()?)?;
            Ok(vec![path.clone()])
        }
        (None, ReportFormat::Markdown) => {
            out.write_all(report::details(report).as_bytes())?;
            Ok(vec![])
        }
        (None, ReportFormat::Json) => {
            out.write_all(json()?.as_bytes())?;
            Ok(vec![])
        }
    }
}

/// The progress line on stderr: files done of the total and the current file, its path cut from the left to
/// what the terminal's width leaves (the file name is the part worth seeing). Hidden, and never drawn, when
/// stderr is not a terminal.
struct ProgressLine<'r> {
    bar: ProgressBar,
    root: &'r Path,
}

impl<'r> ProgressLine<'r> {
    fn new(root: &'r Path, terminal: bool) -> Self {
        let bar = if terminal {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        // `{wide_msg}` fills what is left of the line and cuts what would overflow it.
        if let Ok(style) = ProgressStyle::with_template("[{pos}/{len}] {wide_msg}") {
            bar.set_style(style);
        }
        Self { bar, root }
    }

    fn is_shown(&self) -> bool {
        !self.bar.is_hidden()
    }

    fn update(&self, path: &Path, total: usize) {
        let total = total as u64;
        if self.bar.length() != Some(total) {
            self.bar.set_length(total);
        }
        // The message first: `inc` draws, and should draw this file.
        let used = format!("[{}/{total}] ", self.bar.position() + 1).len();
        let columns = console::Term::stderr().size().1 as usize;
        self.bar.set_message(fit_path(
            &shown(path, self.root),
            columns.saturating_sub(used + 1),
        ));
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `path` in at most `width` columns: whole when it fits, else `…` and its end.
fn fit_path(path: &str, width: usize) -> String {
    if console::measure_text_width(path) <= width {
        return path.to_string();
    }
    let mut kept = 0;
    let mut start = path.len();
    for (i, c) in path.char_indices().rev() {
        let w = console::measure_text_width(c.encode_utf8(&mut [0; 4]));
        if kept + w + 1 > width {
            break;
        }
        kept += w;
        start = i;
    }
    format!("…{}", &path[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_path_keeps_its_end_within_the_width() {
        assert_eq!(fit_path("a/b.py", 20), "a/b.py");
        let cut = fit_path("pipelines/team/very/deep/folder/train_pipeline.py", 24);
        assert_eq!(cut, "…older/train_pipeline.py");
        assert_eq!(console::measure_text_width(&cut), 24);
        assert_eq!(fit_path("ab", 0), "…");
    }
}
