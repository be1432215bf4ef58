//! Unified diffs of the fixes (`--diff`).

use std::io::Write;

use similar::TextDiff;

use super::RunReport;

pub fn write(out: &mut dyn Write, report: &RunReport) -> std::io::Result<()> {
    for file in &report.files {
        // A notebook's change is shown per cell, each under its cell's name (`nb.ipynb:cell 3`).
        let is_cell = crate::notebook::split_cell_path(&file.source.path).is_some();
        let change = if is_cell {
            &file.cell_change
        } else {
            &file.change
        };
        if let Some((before, after)) = change {
            let path = file.source.path.display().to_string();
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
