//! `kfp-upgrade migrate`: a whole code base at once, with a report a team can paste into the migration PR.
//!
//! `--out DIR` copies the tree first (every file, permissions kept, symlinks copied as symlinks and never
//! followed, so nothing outside the tree is read or written) and migrates the copy; `--in-place` migrates the
//! tree itself, and refuses when git reports uncommitted changes to the files it would touch (`--force`
//! overrides), so every rewrite can be reviewed with `git diff` and undone with `git checkout`.
//! The rewriting is `check --fix` on the whole tree in one run, so call sites in other files follow
//! renamed component inputs.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::diagnostic::Applicability;
use crate::discover;
use crate::registry::registry;
use crate::report::RunReport;
use crate::settings::{CheckSettings, FixMode};

use crate::cli::ReportFormat;

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

/// One file's part of the report.
#[derive(Debug, Serialize)]
pub struct FileEntry {
    pub file: String,
    pub fixes: Vec<FixEntry>,
    pub remaining: Vec<RemainingEntry>,
    /// The v1 graph component spec KFP504's fix replaced by its pipeline IR: the file no longer holds it,
    /// the report keeps it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_v1_spec: Option<String>,
}

/// KFP504 hook: the original text of a file whose graph spec was replaced by its IR.
fn replaced_v1_spec(f: &crate::report::FileReport) -> Option<String> {
    let replaced = f
        .applied
        .iter()
        .any(|a| a.rule == crate::registry::id::KFP504);
    replaced.then(|| f.change.as_ref().map(|(before, _)| before.clone()))?
}

#[derive(Debug, Serialize)]
pub struct FixEntry {
    pub rule: &'static str,
    pub line: usize,
    pub applicability: &'static str,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct RemainingEntry {
    pub rule: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do (the fix title) and where the rule's documentation is.
    pub guidance: Option<String>,
    pub docs: Option<String>,
    /// A fix exists but needs `--unsafe-fixes`.
    pub unsafe_fix_available: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct RuleTotal {
    pub name: String,
    pub fixed_safe: usize,
    pub fixed_unsafe: usize,
    pub remaining: usize,
}

#[derive(Debug, Serialize)]
pub struct ErrorEntry {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct MigrationReport {
    pub source: String,
    pub destination: String,
    pub tool_version: &'static str,
    pub target_kfp: String,
    pub unsafe_fixes: bool,
    pub files_checked: usize,
    pub files_changed: usize,
    pub files: Vec<FileEntry>,
    pub errors: Vec<ErrorEntry>,
    pub totals: BTreeMap<&'static str, RuleTotal>,
    /// `--verify` results, one per pipeline module (absent without `--verify`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<Vec<VerifyEntry>>,
}

/// A migrated module imported and compiled under kfp 2.
#[derive(Debug, serde::Deserialize, Serialize)]
pub struct VerifyEntry {
    pub file: String,
    pub ok: bool,
    /// The components and pipelines compiled.
    pub compiled: Vec<String>,
    pub error: Option<String>,
}

/// The compile harness the test suite's oracle uses (`tests/oracle/compile_kfp.py`), embedded so `--verify`
/// works anywhere: it imports each file in a forked child with a timeout and compiles every module-level
/// component and pipeline with kfp 2's compiler.
const COMPILE_HARNESS: &str = include_str!("../../tests/oracle/compile_kfp.py");

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
        .args(["--kfp", "2", "--"])
        .args(&modules)
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

fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn total<'t>(
    totals: &'t mut BTreeMap<&'static str, RuleTotal>,
    rule: &'static str,
) -> &'t mut RuleTotal {
    totals.entry(rule).or_insert_with(|| RuleTotal {
        name: registry()
            .get(rule)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        ..RuleTotal::default()
    })
}

pub fn build_report(
    run: &RunReport,
    settings: &CheckSettings,
    src: &Path,
    root: &Path,
) -> MigrationReport {
    let mut totals: BTreeMap<&'static str, RuleTotal> = BTreeMap::new();
    let mut files = Vec::new();
    for f in &run.files {
        if f.applied.is_empty() && f.diagnostics.is_empty() {
            continue;
        }
        let fixes = f
            .applied
            .iter()
            .map(|a| {
                let t = total(&mut totals, a.rule);
                match a.applicability {
                    Applicability::Unsafe => t.fixed_unsafe += 1,
                    _ => t.fixed_safe += 1,
                }
                FixEntry {
                    rule: a.rule,
                    line: a.line,
                    applicability: a.applicability.as_str(),
                    message: a.message.clone(),
                }
            })
            .collect();
        let remaining = f
            .diagnostics
            .iter()
            .map(|d| {
                let t = total(&mut totals, d.rule);
                t.remaining += 1;
                let (line, column) = f.source.line_col(d.range.start);
                RemainingEntry {
                    rule: d.rule,
                    line,
                    column,
                    message: d.message.clone(),
                    guidance: d.fix_title.clone(),
                    docs: registry()
                        .get(d.rule)
                        .map(|r| crate::report::sarif::help_uri(&r.path)),
                    unsafe_fix_available: d.applicability() == Some(Applicability::Unsafe),
                }
            })
            .collect();
        files.push(FileEntry {
            file: shown(std::path::Path::new(&f.shown_path()), root),
            fixes,
            remaining,
            replaced_v1_spec: replaced_v1_spec(f),
        });
    }
    MigrationReport {
        source: src.display().to_string(),
        destination: root.display().to_string(),
        tool_version: env!("CARGO_PKG_VERSION"),
        target_kfp: settings.selection.target().to_string(),
        unsafe_fixes: settings.unsafe_fixes,
        files_checked: run.files_checked,
        files_changed: run.files.iter().filter(|f| f.change.is_some()).count(),
        files,
        errors: run
            .errors
            .iter()
            .map(|e| ErrorEntry {
                file: shown(&e.path, root),
                message: e.message.clone(),
            })
            .collect(),
        totals,
        verify: None,
    }
}

/// The report as Markdown, for the migration pull request.
pub fn markdown(r: &MigrationReport) -> String {
    let mut s = String::from("# KFP SDK v1 → v2 migration report\n\n");
    s.push_str(&format!(
        "Migrated `{}` → `{}` with kfp-upgrade {} for kfp {} ({}).\n\n",
        r.source,
        r.destination,
        r.tool_version,
        r.target_kfp,
        if r.unsafe_fixes {
            "safe and unsafe fixes"
        } else {
            "safe fixes only"
        }
    ));
    let fixed: usize = r.files.iter().map(|f| f.fixes.len()).sum();
    let left: usize = r.files.iter().map(|f| f.remaining.len()).sum();
    s.push_str(&format!(
        "**{} files checked, {} changed; {fixed} fixes applied; {left} findings need a human; {} files could not be \
         migrated.**\n\n",
        r.files_checked,
        r.files_changed,
        r.errors.len()
    ));
    if !r.errors.is_empty() {
        s.push_str("## Files that could not be migrated\n\n");
        for e in &r.errors {
            s.push_str(&format!("- `{}`: {}\n", e.file, e.message));
        }
        s.push('\n');
    }
    s.push_str("## Files\n\n");
    for f in &r.files {
        s.push_str(&format!("### `{}`\n\n", f.file));
        if !f.fixes.is_empty() {
            s.push_str("Fixes applied:\n\n");
            for x in &f.fixes {
                s.push_str(&format!(
                    "- line {} · {} · {} — {}\n",
                    x.line, x.rule, x.applicability, x.message
                ));
            }
            s.push('\n');
        }
        if let Some(v1) = &f.replaced_v1_spec {
            s.push_str(&format!(
                "<details><summary>The v1 graph component spec the kfp 2 pipeline IR replaced</summary>\n\n\
                 ````yaml\n{}\n````\n\n</details>\n\n",
                v1.trim_end()
            ));
        }
        if !f.remaining.is_empty() {
            s.push_str("Needs a human:\n\n");
            for d in &f.remaining {
                s.push_str(&format!(
                    "- [ ] line {}:{} · {} — {}",
                    d.line, d.column, d.rule, d.message
                ));
                if let Some(g) = &d.guidance {
                    s.push_str(&format!(". **{g}**"));
                }
                if d.unsafe_fix_available {
                    s.push_str(" (an unsafe fix exists: `--unsafe-fixes`)");
                }
                if let Some(docs) = &d.docs {
                    s.push_str(&format!(" ([docs]({docs}))"));
                }
                s.push('\n');
            }
            s.push('\n');
        }
    }
    if let Some(verify) = &r.verify {
        s.push_str("## Verification: import and compile under kfp 2\n\n");
        if verify.is_empty() {
            s.push_str("No pipeline modules to verify.\n\n");
        }
        for v in verify {
            if v.ok {
                s.push_str(&format!(
                    "- ✅ `{}`: compiled {}\n",
                    v.file,
                    v.compiled.join(", ")
                ));
            } else {
                let error = v.error.as_deref().unwrap_or("failed");
                s.push_str(&format!(
                    "- ❌ `{}`:\n\n  ```text\n  {}\n  ```\n",
                    v.file,
                    error.replace('\n', "\n  ")
                ));
            }
        }
        s.push('\n');
    }
    s.push_str("## Totals per rule\n\n| rule | name | fixed (safe) | fixed (unsafe) | left |\n|---|---|---|---|---|\n");
    for (rule, t) in &r.totals {
        s.push_str(&format!(
            "| {rule} | {} | {} | {} | {} |\n",
            t.name, t.fixed_safe, t.fixed_unsafe, t.remaining
        ));
    }
    s
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
    let show_progress = std::io::stderr().is_terminal();
    let done = AtomicUsize::new(0);
    let progress = |path: &Path, total: usize| {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        eprint!("\r\x1b[2K[{n}/{total}] {}", shown(path, &root));
    };
    let run = check_files(
        &settings,
        if show_progress {
            Some(&progress as &Progress<'_>)
        } else {
            None
        },
    )?;
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    let mut report = build_report(&run, &settings, src, &root);
    if let Some(python) = &options.verify {
        match verify(python, &root, &run) {
            Ok(entries) => report.verify = Some(entries),
            Err(e) => return Err(MigrateError::Verify(e).into()),
        }
    }
    let text = match options.report_format {
        ReportFormat::Markdown => markdown(&report),
        ReportFormat::Json => {
            let mut t = serde_json::to_string_pretty(&report).map_err(std::io::Error::from)?;
            t.push('\n');
            t
        }
    };
    match &options.report {
        Some(path) => {
            std::fs::write(path, text).map_err(|source| MigrateError::WriteReport {
                path: path.clone(),
                source,
            })?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    let fixed: usize = report.files.iter().map(|f| f.fixes.len()).sum();
    let left: usize = report.files.iter().map(|f| f.remaining.len()).sum();
    writeln!(
        err,
        "Migrated {}: {fixed} fixes in {} files; {left} findings need a human; {} errors.{}",
        root.display(),
        report.files_changed,
        report.errors.len(),
        options
            .report
            .as_ref()
            .map(|p| format!(" Report: {}", p.display()))
            .unwrap_or_default()
    )?;
    let unverified = report.verify.iter().flatten().filter(|v| !v.ok).count();
    if unverified > 0 {
        writeln!(
            err,
            "{unverified} migrated modules failed to import or compile under kfp 2 (see the report)."
        )?;
    }
    Ok(if !report.errors.is_empty() {
        ExitStatus::Error
    } else if left > 0 || unverified > 0 {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
