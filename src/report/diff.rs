//! Unified diffs of the fixes (`--diff`).

use std::io::Write;

use similar::TextDiff;

use super::model::RunReport;

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for file in &report.files {
        // A notebook's change is shown per cell, each under its cell's name (`nb.ipynb:cell 3`).
        let change = if file.cell.is_some() {
            &file.cell_change
        } else {
            &file.change
        };
        if let Some((before, after)) = change {
            let path = file.shown_path();
            let diff = TextDiff::from_lines(before.as_str(), after.as_str());
            write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
            )?;
        }
    }
    Ok(())
}
