//! `--stdin-filename NAME`: the source comes from stdin, for editors and formatters-on-save. Nothing is
//! written to disk. With `--fix` stdout carries exactly the fixed text (the input unchanged when nothing
//! applies or the file does not mention kfp) and the remaining diagnostics go to stderr, so an editor can
//! replace its buffer with stdout; without `--fix` the report is printed as for a file.

use std::io::{Read, Write};
use std::path::Path;

use crate::discover::{DiscoveredFile, FileKind};
use crate::project::Project;
use crate::python;
use crate::report::RunReport;
use crate::report::render::{self, render};
use crate::settings::{CheckSettings, FixMode};
use crate::source::SourceFile;

use super::exit::{ExitStatus, exit_status};
use super::file::{Outcome, process_bytes};
use super::screen::file_settings;

pub(crate) fn run(
    settings: &CheckSettings,
    name: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        render::error(err, &format!("could not read stdin: {e}"))?;
        return Ok(ExitStatus::Error);
    }
    let file = DiscoveredFile {
        path: name.to_path_buf(),
        kind: FileKind::from_path(name).unwrap_or(FileKind::Python),
    };
    let fixing = settings.fix_mode == FixMode::Apply;
    // Compute fixes as `--diff` does, which never writes; `per-file-ignores` apply as to a file on disk.
    let mut compute = file_settings(settings, name).into_owned();
    if fixing {
        compute.fix_mode = FixMode::Diff;
    }
    // The buffer's own components are the only index there is: calls into other files keep their names. The
    // buffer's check against them is made from the same parse.
    let (project, own_check) = match SourceFile::from_bytes(name, bytes.clone()) {
        Ok(source) if file.kind == FileKind::Python => {
            let (project, own) = python::check_alone(&source, &compute.selection);
            (project, Some(own))
        }
        _ => (Project::default(), None),
    };
    let outcome = process_bytes(&file, &compute, &project, bytes.clone(), own_check);
    let fixed_text = match &outcome {
        Outcome::Reported(reports, _) => reports
            .iter()
            .find_map(|r| r.change.as_ref().map(|(_, after)| after.clone())),
        Outcome::Skipped | Outcome::Failed(_) => None,
    };
    let report = RunReport::of(vec![outcome]);
    if !fixing {
        render(settings, &report, out, err)?;
        return Ok(exit_status(settings, &report.summary()));
    }
    // The fixed text, with the input's BOM; the input itself when nothing changed or it could not be read.
    match &fixed_text {
        Some(text) if bytes.starts_with(b"\xef\xbb\xbf") => {
            out.write_all(b"\xef\xbb\xbf")?;
            out.write_all(text.as_bytes())?;
        }
        Some(text) => out.write_all(text.as_bytes())?,
        None => out.write_all(&bytes)?,
    }
    // The remaining diagnostics and errors, both to stderr: stdout carries only the text.
    let mut quiet = settings.clone();
    quiet.quiet = true;
    let (mut diagnostics, mut errors) = (Vec::new(), Vec::new());
    render(&quiet, &report, &mut diagnostics, &mut errors)?;
    err.write_all(&errors)?;
    err.write_all(&diagnostics)?;
    // `files_changed` counts what `--diff` would change, which under `--fix` is what was fixed.
    Ok(exit_status(settings, &report.summary()))
}
