//! rustc-style diagnostics with the source line, a label and the fix title, rendered by codespan-reporting.

use std::io::Write;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as RenderedSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};

use super::model::{FileError, RunReport, fix_state};
use crate::registry::Severity;

fn severity(d: &crate::diagnostic::Diagnostic) -> RenderedSeverity {
    match crate::registry::severity_of(d) {
        Severity::Error => RenderedSeverity::Error,
        Severity::Warning => RenderedSeverity::Warning,
        Severity::Info => RenderedSeverity::Note,
    }
}

fn new_buffer(color: bool) -> Buffer {
    if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    }
}

pub fn write(out: &mut dyn Write, report: &RunReport, color: bool) -> std::io::Result<()> {
    let config = term::Config::default();
    for file in &report.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        let mut files = SimpleFiles::new();
        let id = files.add(file.shown_path(), file.source.text.as_str());
        for d in &file.diagnostics {
            let mut notes = Vec::new();
            if let Some(title) = &d.fix_title {
                notes.push(format!("help: {title}"));
            }
            let rendered = Rendered::new(severity(d))
                .with_code(d.rule)
                .with_message(&d.message)
                .with_labels(vec![
                    Label::primary(id, d.range.clone()).with_message(fix_state(d)),
                ])
                .with_notes(notes);
            let mut buffer = new_buffer(color);
            term::emit_to_write_style(&mut buffer, &config, &files, &rendered)
                .map_err(std::io::Error::other)?;
            out.write_all(buffer.as_slice())?;
        }
    }
    Ok(())
}

/// Renders a file error like a diagnostic, with its position when it has one.
pub fn write_error(out: &mut dyn Write, error: &FileError, color: bool) -> std::io::Result<()> {
    let config = term::Config::default();
    let mut buffer = new_buffer(color);
    match (&error.source, error.offset) {
        (Some(source), Some(offset)) => {
            let mut files = SimpleFiles::new();
            let id = files.add(error.path.display().to_string(), source.text.as_str());
            let end = (offset + 1).min(source.text.len()).max(offset);
            let end = (end..=source.text.len())
                .find(|e| source.text.is_char_boundary(*e))
                .unwrap_or(offset);
            let rendered = Rendered::error()
                .with_message(&error.message)
                .with_labels(vec![Label::primary(id, offset..end).with_message("here")]);
            term::emit_to_write_style(&mut buffer, &config, &files, &rendered)
                .map_err(std::io::Error::other)?;
        }
        _ => {
            let files = SimpleFiles::<String, String>::new();
            let rendered = Rendered::<usize>::error().with_message(error.one_line());
            term::emit_to_write_style(&mut buffer, &config, &files, &rendered)
                .map_err(std::io::Error::other)?;
        }
    }
    out.write_all(buffer.as_slice())
}
