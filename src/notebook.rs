//! Jupyter notebooks (`.ipynb`): the code cells are checked and fixed as one Python module (so an import in
//! the first cell serves the others), and the notebook is rewritten by replacing only the `source` strings of
//! the cells that changed — everything else (layout, metadata, outputs, other cells) stays byte-for-byte.
//!
//! Each cell is parsed on its own in IPython's dialect (Ruff's notebook mode), so shell escapes and magics
//! parse as IPython runs them: `!pip install a \` continued on the next line, `!`/`%` lines inside indented
//! blocks, `files = !ls`, `x = %time f()`, `obj?` and `obj??`. Two things the parser does not know are masked
//! with same-length placeholders while the cell is checked, and put back afterwards: a cell magic (`%%bash` on
//! the first line) makes the whole cell opaque, and an automagic line (`pip install x`, `cd dir`, `ls`, run by
//! IPython as `%pip …`) becomes `...`. Placeholders keep byte offsets, so a diagnostic's position in the cell
//! is its position in the module minus the cell's start. A cell that still does not parse is reported
//! (`KFP000`) and left alone; the other cells are checked and fixed, and the names the broken cell binds still
//! count as bound. Diagnostics name the cell: `analysis.ipynb:cell 3:2:6` (cells are numbered from 1 in
//! notebook order).

use std::ops::Range;
use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::fix::AppliedFix;
use crate::source::SourceFile;

/// A JSON value with the byte span of its text, as much of it as notebooks need.
#[derive(Debug)]
enum Json {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    String(String),
    Other,
}

#[derive(Debug)]
struct Node {
    value: Json,
    span: Range<usize>,
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match &self.value {
            Json::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Invalid JSON or not a notebook, at a byte offset.
#[derive(Debug, Clone)]
pub struct NotebookError {
    pub message: String,
    pub offset: usize,
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Parser<'t> {
    fn error<T>(&self, message: &str) -> Result<T, NotebookError> {
        Err(NotebookError {
            message: format!("invalid notebook JSON: {message}"),
            offset: self.at,
        })
    }
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && matches!(bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }
    fn expect(&mut self, b: u8) -> Result<(), NotebookError> {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.at += 1;
            Ok(())
        } else {
            self.error(&format!("expected `{}`", b as char))
        }
    }
    /// The members of an object or the items of an array, from after the opening bracket through `close`:
    /// `item` reads one, then a `,` or `close` follows.
    fn items(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), NotebookError>,
    ) -> Result<(), NotebookError> {
        self.skip_ws();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(c) if c == close => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return self.error(&format!("expected `,` or `{}`", close as char)),
            }
        }
    }
    fn value(&mut self, depth: usize) -> Result<Node, NotebookError> {
        if depth > 256 {
            return self.error("nested too deeply");
        }
        self.skip_ws();
        let start = self.at;
        let value = match self.peek() {
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.items(b'}', |p| {
                    let key = match p.value(depth + 1)? {
                        Node {
                            value: Json::String(s),
                            ..
                        } => s,
                        _ => return p.error("expected a string key"),
                    };
                    p.expect(b':')?;
                    members.push((key, p.value(depth + 1)?));
                    Ok(())
                })?;
                Json::Object(members)
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.items(b']', |p| {
                    items.push(p.value(depth + 1)?);
                    Ok(())
                })?;
                Json::Array(items)
            }
            Some(b'"') => {
                // The token is decoded by serde_json, which knows every escape.
                self.at += 1;
                let bytes = self.text.as_bytes();
                loop {
                    match bytes.get(self.at) {
                        None => return self.error("unterminated string"),
                        Some(b'\\') => self.at += 2,
                        Some(b'"') => {
                            self.at += 1;
                            break;
                        }
                        Some(_) => self.at += 1,
                    }
                }
                let token = self.text.get(start..self.at).unwrap_or("");
                match serde_json::from_str::<String>(token) {
                    Ok(s) => Json::String(s),
                    Err(e) => return self.error(&e.to_string()),
                }
            }
            Some(_) => {
                let bytes = self.text.as_bytes();
                while self.at < bytes.len()
                    && !matches!(
                        bytes[self.at],
                        b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'
                    )
                {
                    self.at += 1;
                }
                let token = &self.text[start..self.at];
                let literal = matches!(token, "true" | "false" | "null")
                    || serde_json::from_str::<serde_json::Number>(token).is_ok();
                if !literal {
                    self.at = start;
                    return self.error("expected a value");
                }
                Json::Other
            }
            None => return self.error("unexpected end"),
        };
        Ok(Node {
            value,
            span: start..self.at,
        })
    }
}

/// One code cell: where its source is in the notebook text and what it says.
#[derive(Debug)]
pub struct Cell {
    /// 1-based position among all the notebook's cells.
    pub number: usize,
    /// The `source` value (an array of line strings, or one string).
    source_span: Range<usize>,
    /// Spans of the line strings (one span for a string `source`).
    line_spans: Vec<Range<usize>>,
    is_array: bool,
    /// Whether each string of the `source` list is one line of the text (as Jupyter writes it). Only then do
    /// line spans stand for lines; otherwise a changed cell's list is written anew, one string per line.
    lines_aligned: bool,
    pub text: String,
    /// The text with IPython lines replaced by same-length placeholders.
    python: String,
    /// (placeholder line, original line) in order.
    masked: Vec<(String, String)>,
}

/// A notebook's code cells.
#[derive(Debug)]
pub struct Notebook {
    pub text: String,
    pub cells: Vec<Cell>,
}

/// Line magics IPython runs without their `%` (automagic, on by default), as commonly typed in notebooks.
const AUTOMAGICS: &[&str] = &[
    "pip",
    "conda",
    "cd",
    "ls",
    "pwd",
    "env",
    "mkdir",
    "rmdir",
    "rm",
    "cp",
    "mv",
    "cat",
    "less",
    "man",
    "alias",
    "history",
    "load_ext",
    "reload_ext",
    "matplotlib",
    "pylab",
    "who",
    "whos",
    "reset",
    "run",
    "time",
    "timeit",
    "set_env",
    "store",
    "bookmark",
    "pinfo",
    "psearch",
    "mamba",
    "micromamba",
    "uv",
];

/// Whether a line is an automagic command: a magic's name at the start of a top-level line, followed by
/// something that cannot continue a Python expression (`pip install x`, `cd ..`, a bare `ls`). `ls = [1]`,
/// `time.sleep(1)` and `pwd()` are Python.
fn is_automagic_line(line: &str) -> bool {
    if line.starts_with([' ', '\t']) {
        return false;
    }
    let content = line.trim_end_matches(['\n', '\r']);
    let word_end = content
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(content.len());
    let (word, rest) = content.split_at(word_end);
    if !AUTOMAGICS.contains(&word) {
        return false;
    }
    let rest = rest.trim_start();
    if rest.is_empty() {
        // A bare name is an expression statement in Python, and IPython runs the magic only for a few.
        return matches!(word, "ls" | "pwd" | "env" | "who" | "whos" | "history");
    }
    let gap = content.len() - word.len() - rest.len() > 0;
    // `cd ..`, `cd /tmp`: nobody names a variable `cd`.
    if gap && (word == "cd" || rest.starts_with("..")) {
        return true;
    }
    let next = rest.chars().next().unwrap_or(' ');
    // `pip install x`, `cd ..`, `ls -la`, `cat 'file'`: a space, then anything but an operator.
    gap && !(rest.starts_with("==")
        || rest.starts_with("!=")
        || matches!(
            next,
            '=' | '('
                | '['
                | '.'
                | ','
                | ':'
                | '+'
                | '*'
                | '/'
                | '%'
                | '&'
                | '|'
                | '^'
                | '<'
                | '>'
                | '@'
                | ';'
                | '#'
        )
        || rest.starts_with("if ")
        || rest.starts_with("for ")
        || rest.starts_with("and ")
        || rest.starts_with("or ")
        || rest.starts_with("in ")
        || rest.starts_with("is ")
        || rest.starts_with("not "))
}

/// A placeholder of the same byte length: `...` keeps a block that holds only the magic valid.
fn placeholder(line: &str, whole_cell: bool) -> String {
    let content = line.trim_end_matches(['\n', '\r']);
    let ending = &line[content.len()..];
    if whole_cell {
        return format!("{}{ending}", " ".repeat(content.len()));
    }
    let indent = content.len() - content.trim_start().len();
    let rest = content.len() - indent;
    let body = match rest {
        0 => String::new(),
        1 => "0".to_string(),
        2 => "0 ".to_string(),
        n => format!("...{}", " ".repeat(n - 3)),
    };
    format!("{}{body}{ending}", &content[..indent])
}

fn mask(text: &str) -> (String, Vec<(String, String)>) {
    let whole_cell = text.trim_start().starts_with("%%");
    let mut out = String::with_capacity(text.len());
    let mut masked = Vec::new();
    for line in text.split_inclusive('\n') {
        if whole_cell || is_automagic_line(line) {
            let p = placeholder(line, whole_cell);
            masked.push((p.clone(), line.to_string()));
            out.push_str(&p);
        } else {
            out.push_str(line);
        }
    }
    (out, masked)
}

fn unmask(text: &str, masked: &[(String, String)]) -> String {
    let mut pending = masked.iter().peekable();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match pending.peek() {
            Some((p, original)) if p == line => {
                out.push_str(original);
                pending.next();
            }
            _ => out.push_str(line),
        }
    }
    out
}

pub fn parse(text: &str) -> Result<Notebook, NotebookError> {
    let mut parser = Parser { text, at: 0 };
    let root = parser.value(0)?;
    let not_a_notebook = |message: &str, offset: usize| NotebookError {
        message: message.to_string(),
        offset,
    };
    let Some(Node {
        value: Json::Array(cells),
        ..
    }) = root.get("cells")
    else {
        return Err(not_a_notebook("not a Jupyter notebook: no `cells` list", 0));
    };
    let mut out = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(Node::as_str) != Some("code") {
            continue;
        }
        let Some(source) = cell.get("source") else {
            continue;
        };
        let mut lines_aligned = true;
        let (line_spans, is_array, text) = match &source.value {
            Json::Array(items) => {
                let mut text = String::new();
                let mut spans = Vec::new();
                let mut strings: Vec<&str> = Vec::new();
                for item in items {
                    let Json::String(s) = &item.value else {
                        return Err(not_a_notebook(
                            "a cell's `source` list holds a non-string",
                            item.span.start,
                        ));
                    };
                    text.push_str(s);
                    strings.push(s);
                    spans.push(item.span.clone());
                }
                lines_aligned = strings.iter().copied().eq(text.split_inclusive('\n'));
                (spans, true, text)
            }
            Json::String(s) => (vec![source.span.clone()], false, s.clone()),
            _ => {
                return Err(not_a_notebook(
                    "a cell's `source` is neither a string nor a list",
                    source.span.start,
                ));
            }
        };
        let (python, masked) = mask(&text);
        out.push(Cell {
            number: i + 1,
            source_span: source.span.clone(),
            line_spans,
            is_array,
            lines_aligned,
            text,
            python,
            masked,
        });
    }
    Ok(Notebook {
        text: text.to_string(),
        cells: out,
    })
}

use crate::python::cells::boundary;

impl Notebook {
    /// The code cells as one Python module, and each cell's start offset in it.
    pub fn module(&self) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (i, cell) in self.cells.iter().enumerate() {
            if i > 0 {
                text.push_str(&boundary(cell.number));
            }
            starts.push(text.len());
            text.push_str(&cell.python);
            if !cell.python.ends_with('\n') {
                text.push('\n');
            }
        }
        (text, starts)
    }

    /// Splits a (fixed) module back into cell texts with the IPython lines restored; `None` when a fix
    /// crossed a cell boundary.
    pub fn split(&self, module: &str) -> Option<(Vec<String>, Vec<usize>)> {
        let mut texts = Vec::new();
        let mut starts = Vec::new();
        let mut rest = module;
        let mut offset = 0;
        for (i, cell) in self.cells.iter().enumerate() {
            let end = match self.cells.get(i + 1) {
                Some(next) => rest.find(&boundary(next.number))?,
                None => rest.len(),
            };
            let mut body = rest[..end].to_string();
            // The newline the module added after a cell without one.
            if !cell.python.ends_with('\n') && body.ends_with('\n') {
                body.pop();
            }
            starts.push(offset);
            texts.push(unmask(&body, &cell.masked));
            if let Some(next) = self.cells.get(i + 1) {
                let skip = end + boundary(next.number).len();
                offset += skip;
                rest = &rest[skip..];
            }
        }
        Some((texts, starts))
    }

    /// The notebook text with the cells' new sources; unchanged cells keep their bytes.
    pub fn with_sources(&self, texts: &[String]) -> String {
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        for (cell, new) in self.cells.iter().zip(texts) {
            if *new == cell.text {
                continue;
            }
            if !cell.is_array {
                edits.push((cell.source_span.clone(), json_string(new)));
                continue;
            }
            // Keep the raw token of every unchanged line and the layout between tokens.
            let old_lines: Vec<&str> = cell.text.split_inclusive('\n').collect();
            let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
            let raw = |i: usize| &self.text[cell.line_spans[i].clone()];
            let (sep, prefix, suffix) = match (cell.line_spans.first(), cell.line_spans.last()) {
                (Some(first), Some(last)) => {
                    let sep = if cell.line_spans.len() > 1 {
                        self.text[cell.line_spans[0].end..cell.line_spans[1].start].to_string()
                    } else {
                        ", ".to_string()
                    };
                    (
                        sep,
                        self.text[cell.source_span.start + 1..first.start].to_string(),
                        self.text[last.end..cell.source_span.end - 1].to_string(),
                    )
                }
                _ => (", ".to_string(), String::new(), String::new()),
            };
            let diff = similar::TextDiff::configure()
                .algorithm(similar::Algorithm::Myers)
                .diff_slices(&old_lines, &new_lines);
            let mut tokens = Vec::new();
            for op in diff.ops() {
                for change in diff.iter_changes(op) {
                    match (change.tag(), change.old_index()) {
                        (similar::ChangeTag::Equal, Some(i))
                            if cell.lines_aligned && i < cell.line_spans.len() =>
                        {
                            tokens.push(raw(i).to_string())
                        }
                        (similar::ChangeTag::Delete, _) => {}
                        _ => tokens.push(json_string(change.value())),
                    }
                }
            }
            edits.push((
                cell.source_span.clone(),
                format!("[{prefix}{}{suffix}]", tokens.join(&sep)),
            ));
        }
        let mut out = String::with_capacity(self.text.len());
        let mut at = 0;
        for (range, content) in edits {
            out.push_str(&self.text[at..range.start]);
            out.push_str(&content);
            at = range.end;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Which cell a module offset falls in.
pub fn cell_at(starts: &[usize], offset: usize) -> usize {
    match starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    }
}

/// Diagnostics of the module, moved into the cells they fall in (fixes dropped: their edits are offsets into
/// the module, and the notebook is only ever written whole), and the applied fixes, which are positioned in
/// the `original` module (its text and cell starts) the fix loop started from, moved into their cells there.
pub fn distribute(
    notebook: &Path,
    cells: &[Cell],
    texts: &[String],
    starts: &[usize],
    diagnostics: Vec<Diagnostic>,
    applied: &[AppliedFix],
    original: (&str, &[usize]),
) -> Vec<(SourceFile, Vec<Diagnostic>, Vec<AppliedFix>)> {
    let mut out: Vec<(SourceFile, Vec<Diagnostic>, Vec<AppliedFix>)> = cells
        .iter()
        .zip(texts)
        .map(|(_, t)| (SourceFile::new(notebook, t.clone(), false), vec![], vec![]))
        .collect();
    for mut d in diagnostics {
        let i = cell_at(starts, d.range.start);
        let start = starts.get(i).copied().unwrap_or(0);
        let len = out.get(i).map_or(0, |c| c.0.text.len());
        d.range = (d.range.start - start).min(len)..(d.range.end.saturating_sub(start)).min(len);
        d.fix = None;
        if let Some(cell) = out.get_mut(i) {
            cell.1.push(d);
        }
    }
    let (module, original_starts) = original;
    for a in applied {
        let i = cell_at(original_starts, a.offset);
        let start = original_starts.get(i).copied().unwrap_or(0);
        if let Some(cell) = out.get_mut(i) {
            let mut a = a.clone();
            a.offset -= start.min(a.offset);
            a.line = module
                .get(start..a.offset + start)
                .map_or(1, |before| before.matches('\n').count() + 1);
            cell.2.push(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NB: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["# Title \u00e9\n"]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {"tags": ["x"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["hi\n"]}],
   "source": [
    "%pip install kfp\n",
    "from kfp.v2 import dsl\n",
    "x = \"caf\u00e9\""
   ]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "source": "%%bash\necho kfp.v2"
  }
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

    #[test]
    fn cell_magics_are_masked_and_line_magics_kept_for_the_parser() {
        let nb = parse(NB).unwrap();
        assert_eq!(nb.cells.len(), 2);
        assert_eq!(nb.cells[0].number, 2);
        assert_eq!(
            nb.cells[0].python,
            "%pip install kfp\nfrom kfp.v2 import dsl\nx = \"café\""
        );
        assert_eq!(nb.cells[1].python.trim(), "");
        let (module, _) = nb.module();
        let (texts, _) = nb.split(&module).unwrap();
        assert_eq!(texts[0], nb.cells[0].text);
        assert_eq!(texts[1], nb.cells[1].text);
        assert_eq!(
            nb.with_sources(&texts),
            NB,
            "nothing changed, nothing rewritten"
        );
    }

    #[test]
    fn only_the_edited_line_is_rewritten() {
        let nb = parse(NB).unwrap();
        let new = nb.cells[0].text.replace("kfp.v2", "kfp");
        let out = nb.with_sources(&[new, nb.cells[1].text.clone()]);
        assert_eq!(
            out,
            NB.replace(
                "\"from kfp.v2 import dsl\\n\"",
                "\"from kfp import dsl\\n\""
            )
        );
        assert!(
            out.contains(r#""x = \"caf\u00e9\"""#),
            "untouched lines keep their escapes"
        );
    }

    #[test]
    fn automagic_lines_are_masked_and_python_that_looks_alike_is_not() {
        for line in [
            "pip install kfp==1.8.22\n",
            "cd ..\n",
            "ls -la\n",
            "ls\n",
            "conda install -y x\n",
        ] {
            assert!(is_automagic_line(line), "{line}");
        }
        for line in [
            "ls = [1]\n",
            "time.sleep(1)\n",
            "pwd()\n",
            "run\n",
            "    pip install x\n",
            "pip == 3\n",
            "cd\n",
            "x = pip\n",
        ] {
            assert!(!is_automagic_line(line), "{line}");
        }
        let (masked, kept) = mask("import kfp\npip install kfp\n");
        assert_eq!(masked, "import kfp\n...            \n");
        assert_eq!(unmask(&masked, &kept), "import kfp\npip install kfp\n");
    }
}
