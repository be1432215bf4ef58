//! `--output-format json-lines`: one JSON object per diagnostic and line, in the `json` format's diagnostic
//! schema, so a stream can be filtered with `jq -c` or `grep` without reading the whole document. Errors go to
//! stderr as text, as in the text formats.

use std::io::Write;

use super::model::RunReport;

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for d in super::json::diagnostics(report) {
        serde_json::to_writer(&mut *out, &d).map_err(std::io::Error::from)?;
        writeln!(out)?;
    }
    Ok(())
}
