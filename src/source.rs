//! A file's text and the facts about its encoding that a fix must preserve.
//!
//! Everything downstream works on byte offsets into `text` (the file without its BOM); this module is the only
//! place that turns an offset into a line and column, and the only place that knows how the bytes on disk
//! differ from `text`.

use std::path::{Path, PathBuf};

/// How a file's bytes could not be turned into text.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "invalid UTF-8 at line {line}, column {column} (byte {offset}); kfp-upgrade reads Python sources as UTF-8"
    )]
    InvalidUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
}

/// A source file held in memory.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user will see it in reports.
    pub path: PathBuf,
    /// The text without a leading UTF-8 byte order mark.
    pub text: String,
    /// Whether the bytes on disk started with a UTF-8 BOM (restored when the file is written).
    pub bom: bool,
    line_starts: Vec<usize>,
}

const BOM: &str = "\u{feff}";

impl SourceFile {
    /// Decodes file bytes, remembering a BOM so that writing the file back keeps it.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, DecodeError> {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                let bom = text.starts_with(BOM);
                if bom {
                    text.drain(..BOM.len());
                }
                Ok(Self::new(path, text, bom))
            }
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let bytes = err.as_bytes();
                let (line, column) = line_col_in_bytes(bytes, offset);
                Err(DecodeError::InvalidUtf8 {
                    offset,
                    line,
                    column,
                })
            }
        }
    }

    pub fn new(path: &Path, text: String, bom: bool) -> Self {
        let line_starts = line_starts(&text);
        Self {
            path: path.to_path_buf(),
            text,
            bom,
            line_starts,
        }
    }

    /// The bytes to write back for `text`: the BOM is restored when the original had one.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(BOM.as_bytes());
        }
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// 1-based line and 1-based column (in characters) of a byte offset into `text`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        (line + 1, column)
    }

    /// Byte range of the line (without its terminator) that contains `offset`.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let (line, _) = self.line_col(offset);
        let start = self.line_starts[line - 1];
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The line terminator new lines in a fix should use: the file's first one, `\n` by default.
    pub fn line_ending(&self) -> &'static str {
        line_ending_of(&self.text)
    }
}

/// The first line terminator of a text (`\r\n` or `\n`), defaulting to `\n`.
pub fn line_ending_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    // Every checked file is indexed (twice for a component file): one vectorised scan, not a search per line.
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    starts
}

fn line_col_in_bytes(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_stripped_and_restored() {
        let file = SourceFile::from_bytes(Path::new("a.py"), b"\xef\xbb\xbfimport kfp\n".to_vec())
            .unwrap();
        assert!(file.bom);
        assert_eq!(file.text, "import kfp\n");
        assert_eq!(file.encode("x\n"), b"\xef\xbb\xbfx\n");
    }

    #[test]
    fn invalid_utf8_reports_position() {
        let err =
            SourceFile::from_bytes(Path::new("a.py"), b"a = 1\nb = '\xff'\n".to_vec()).unwrap_err();
        let DecodeError::InvalidUtf8 {
            line,
            column,
            offset,
        } = err;
        assert_eq!((line, column, offset), (2, 6, 11));
    }

    #[test]
    fn line_col_counts_characters() {
        let file = SourceFile::new(Path::new("a.py"), "é = 1\r\nx = 2\n".into(), false);
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(2), (1, 2));
        assert_eq!(file.line_col(3), (1, 3));
        assert_eq!(file.line_col(8), (2, 1));
        assert_eq!(file.line_range(8), 8..13);
        assert_eq!(file.line_range(0), 0..6);
        assert_eq!(file.line_ending(), "\r\n");
    }
}
