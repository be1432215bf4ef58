//! Printing a run: its findings in the chosen format, its summary, and the notes around them. With the
//! format writers beside it, the only place that prints what a check found.

use std::io::Write;

use crate::settings::{CheckSettings, FixMode, OutputFormat};

use super::model::{RunReport, Summary};

/// An error that stops a command before or instead of its report (bad configuration, an unreadable input).
pub(crate) fn error(err: &mut dyn Write, message: &str) -> std::io::Result<()> {
    writeln!(err, "error: {message}")
}

/// `convert`: the file it wrote.
pub(crate) fn wrote(out: &mut dyn Write, path: &std::path::Path) -> std::io::Result<()> {
    writeln!(out, "Wrote {}", path.display())
}

/// `--write-baseline`: how much it wrote, where.
pub(crate) fn wrote_baseline(
    err: &mut dyn Write,
    findings: usize,
    entries: usize,
    path: &std::path::Path,
) -> std::io::Result<()> {
    writeln!(
        err,
        "Wrote {findings} findings ({entries} entries) to the baseline {}.",
        path.display()
    )
}

/// A run that found no file to check says so on stderr: an empty or fully excluded tree (or a mistyped path
/// filter) must not look like a clean one.
pub(crate) fn warn_if_nothing_found(
    settings: &CheckSettings,
    summary: &Summary,
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
pub(crate) fn write_baseline_notes(
    settings: &CheckSettings,
    path: &std::path::Path,
    applied: &crate::baseline::Applied,
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

pub(crate) fn render(
    settings: &CheckSettings,
    report: &RunReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    let format = settings.output_format;
    if settings.statistics {
        for e in &report.errors {
            super::full::write_error(err, e, settings.color)?;
        }
        return super::statistics::write(out, report, format == OutputFormat::Json);
    }
    match format {
        OutputFormat::Json => return super::json::write(out, report),
        OutputFormat::Sarif => return super::sarif::write(out, report),
        OutputFormat::Junit => return super::junit::write(out, report),
        OutputFormat::Gitlab => return super::gitlab::write(out, report),
        OutputFormat::Rdjson => return super::rdjson::write(out, report),
        _ => {}
    }
    render_findings(settings, report, out, err)?;
    render_summary(settings, &report.summary(), out, err)?;
    if settings.show_fixes && settings.fix_mode != FixMode::None {
        // With --diff, stdout carries the patch: the list goes beside it, as the summary does.
        if settings.fix_mode == FixMode::Diff {
            super::fixes::write(report, settings.fix_mode, err)?;
        } else {
            super::fixes::write(report, settings.fix_mode, out)?;
        }
    }
    Ok(())
}

/// The findings and errors of (part of) a run in a line- or file-oriented format, without the summary: printing
/// the parts of a run one after the other prints the run.
pub(crate) fn render_findings(
    settings: &CheckSettings,
    report: &RunReport,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if settings.output_format == OutputFormat::Github {
        return super::github::write(out, report);
    }
    for e in &report.errors {
        super::full::write_error(err, e, settings.color)?;
    }
    if settings.fix_mode == FixMode::Diff {
        return super::diff::write(out, report);
    }
    match settings.output_format {
        OutputFormat::Full => super::full::write(out, report, settings.color),
        OutputFormat::Concise => super::concise::write(out, report),
        OutputFormat::JsonLines => super::json_lines::write(out, report),
        _ => unreachable!("structured formats are rendered whole"),
    }
}

/// The closing summary of text formats (none for structured formats or with `--quiet`).
pub(crate) fn render_summary(
    settings: &CheckSettings,
    summary: &Summary,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if !settings.quiet && !settings.output_format.is_structured() {
        let text = super::model::summary_text(
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
