//! A notebook's code cells as one module: cells are joined with a boundary comment line, so that a name bound
//! in one cell serves the next and fixes (which never edit comments) leave the boundaries where they were.
//!
//! For parsing, each cell is a range of its own (its boundary line included) and the ranges are separated by
//! exactly one `\n`, the contract of Ruff's cell-by-cell parse: a syntax error stays in its cell.

use std::ops::Range;

const BOUNDARY: &str = "# kfp-upgrade: cell boundary ";

/// The comment line that starts cell `number` (1-based notebook position) in the joined module.
pub fn boundary(number: usize) -> String {
    format!("{BOUNDARY}{number}\n")
}

/// The byte ranges of the cells of a joined module, as the cell-by-cell parse wants them.
pub fn ranges(module: &str) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    let mut at = 0;
    for line in module.split_inclusive('\n') {
        if at > 0 && line.starts_with(BOUNDARY) {
            starts.push(at);
        }
        at += line.len();
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        // Each cell ends with the `\n` the joined module gives it; that `\n` is the separator.
        let end = match starts.get(i + 1) {
            Some(&next) => next - 1,
            None if module.ends_with('\n') => module.len() - 1,
            None => module.len(),
        };
        out.push(start..end.max(start));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_separated_by_one_newline() {
        let module = format!("a = 1\n{}b = 2\n{}\n", boundary(2), boundary(4));
        let r = ranges(&module);
        assert_eq!(r.len(), 3);
        for w in r.windows(2) {
            assert_eq!(&module[w[0].end..w[1].start], "\n");
        }
        assert_eq!(&module[r[0].clone()], "a = 1");
    }
}
