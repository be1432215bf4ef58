//! The only module that talks to Ruff's parser (`ruff_python_parser`): parsing, tokens and syntax errors.
//!
//! Ruff's parser recovers from errors: a module always comes back as a tree, with every syntax error found on
//! the way. Its tokens (comments included) are kept in a reduced form because fixes and suppression comments
//! need to know where comments and strings are. The parser crate's API is unstable by design; nothing outside
//! `src/python/` names its types, so a version bump touches this folder only.

use std::ops::Range;

use ruff_python_ast::PySourceType;
use ruff_python_ast::token::TokenKind as RuffToken;
use ruff_python_parser::{ParseOptions, parse_unchecked_source};
use ruff_text_size::{TextRange, TextSize};

pub use ruff_python_ast as ast;
pub use ruff_text_size::Ranged;

/// A token's kind, reduced to what kfp-upgrade needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier (soft keywords such as `match` and `type` included); its text is the source's text at the
    /// token's range.
    Name,
    Comment,
    /// A plain or bytes string literal (not an f-string or t-string part).
    String,
    Dot,
    /// Newlines, indentation and the end of the file: tokens with no text of their own.
    Layout,
    Other,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: TokenKind,
    pub range: Range<usize>,
}

/// A parsed Python module: the (possibly recovered) tree, its tokens and its syntax errors.
#[derive(Debug)]
pub struct ParsedModule {
    pub body: Vec<ast::Stmt>,
    /// Every token in source order, comments included.
    pub tokens: Vec<Token>,
    /// Every syntax error, in source order. When there are any, `body` is the parser's recovery of the text.
    pub errors: Vec<SyntaxError>,
}

impl ParsedModule {
    /// Tokens whose start lies in `range`.
    pub fn tokens_in(&self, range: Range<usize>) -> &[Token] {
        let lo = self.tokens.partition_point(|t| t.range.start < range.start);
        let hi = self.tokens.partition_point(|t| t.range.start < range.end);
        &self.tokens[lo..hi]
    }

    /// Whether a comment starts inside `range` (a fix replacing the range would lose it).
    pub fn has_comment_in(&self, range: Range<usize>) -> bool {
        self.tokens_in(range)
            .iter()
            .any(|t| t.kind == TokenKind::Comment)
    }

    /// Ranges of all comments.
    pub fn comments(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Comment)
            .map(|t| t.range.clone())
    }

    /// Whether the text parsed without a syntax error.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One syntax error: where it is and what the parser says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// The byte offset the error starts at.
    pub offset: usize,
    /// The byte offset it ends at (equal to `offset` for an error at a point, such as a missing bracket).
    pub end: usize,
    pub message: String,
}

impl SyntaxError {
    pub fn range(&self) -> Range<usize> {
        self.offset..self.end
    }
}

/// How a source is read: as a module, or as IPython runs a notebook cell (`!cmd`, `%magic`, `x = !cmd`,
/// `obj?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Python,
    IPython,
}

impl Dialect {
    fn options(self) -> PySourceType {
        match self {
            Dialect::Python => PySourceType::Python,
            Dialect::IPython => PySourceType::Ipynb,
        }
    }
}

/// Parses a module, recovering from syntax errors (see `ParsedModule::errors`).
pub fn parse_module(source: &str) -> ParsedModule {
    parse_as(source, Dialect::Python)
}

/// Parses a source in the given dialect.
pub fn parse_as(source: &str, dialect: Dialect) -> ParsedModule {
    let parsed = parse_unchecked_source(source, dialect.options());
    from_ruff(source, parsed)
}

/// Parses each of `cells` (byte ranges of `source`, in order, each pair separated by exactly one `\n`) as an
/// IPython cell of its own, as a notebook runs them: an error in one cell does not spill into the next.
pub fn parse_cells(source: &str, cells: &[Range<usize>]) -> ParsedModule {
    let ranges = cells
        .iter()
        .map(|r| TextRange::new(TextSize::new(r.start as u32), TextSize::new(r.end as u32)));
    let options = ParseOptions::from(Dialect::IPython.options());
    let parsed = ruff_python_parser::parse_cells_unchecked(source, ranges, &options);
    from_ruff(source, parsed)
}

fn from_ruff(source: &str, parsed: ruff_python_parser::Parsed<ast::ModModule>) -> ParsedModule {
    let tokens = parsed
        .tokens()
        .iter()
        .map(|t| Token {
            kind: reduce(t.kind()),
            range: range_of(t.range()),
        })
        .collect();
    let mut errors: Vec<SyntaxError> = parsed
        .errors()
        .iter()
        .map(|e| {
            let r = range_of(e.location);
            SyntaxError {
                offset: r.start.min(source.len()),
                end: r.end.min(source.len()),
                message: format!("syntax error: {}", e.error),
            }
        })
        .collect();
    errors.sort_by_key(|e| e.offset);
    errors.dedup();
    ParsedModule {
        body: parsed.into_syntax().body.into_iter().collect(),
        tokens,
        errors,
    }
}

fn reduce(kind: RuffToken) -> TokenKind {
    match kind {
        RuffToken::Name => TokenKind::Name,
        RuffToken::Comment => TokenKind::Comment,
        RuffToken::String => TokenKind::String,
        RuffToken::Dot => TokenKind::Dot,
        RuffToken::Newline
        | RuffToken::NonLogicalNewline
        | RuffToken::Indent
        | RuffToken::Dedent
        | RuffToken::EndOfFile => TokenKind::Layout,
        // Soft keywords are names wherever they do not start their statement.
        k if k.is_soft_keyword() => TokenKind::Name,
        _ => TokenKind::Other,
    }
}

fn range_of(r: TextRange) -> Range<usize> {
    usize::from(r.start())..usize::from(r.end())
}

/// The byte range of any node.
pub fn range<T: Ranged>(node: &T) -> Range<usize> {
    range_of(node.range())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_as_tokens() {
        let module = parse_module("import kfp  # noqa\nx = '# not a comment'\n");
        let comments: Vec<_> = module.comments().collect();
        assert_eq!(comments, vec![12..18]);
        assert_eq!(module.body.len(), 2);
        assert!(module.is_valid());
    }

    #[test]
    fn reports_syntax_error_offset() {
        let module = parse_module("x = 1\na b\n");
        assert_eq!(module.errors.len(), 1, "{:?}", module.errors);
        assert_eq!(module.errors[0].offset, 8);
        assert!(
            module.errors[0].message.starts_with("syntax error"),
            "{}",
            module.errors[0].message
        );
    }

    #[test]
    fn reports_every_error_and_keeps_a_tree() {
        let module = parse_module("x = (1,\ny = 2\ndef f(:\n    pass\nz = 3\n");
        assert!(module.errors.len() >= 2, "{:?}", module.errors);
        assert!(!module.body.is_empty());
    }

    #[test]
    fn unclosed_bracket_is_reported_at_the_bracket_line_not_at_end_of_file() {
        let src = "import kfp\nop = f(1,\n\n\ndef g():\n    pass\n";
        let module = parse_module(src);
        let first = &module.errors[0];
        assert!(first.offset < src.find("def g").unwrap(), "{first:?}");
    }

    #[test]
    fn python_3_12_to_3_14_syntax_parses() {
        for src in [
            "x = f\"{d[\"k\"]}\"\n",
            "type X = list[int]\n",
            "def f[T](x: T) -> T:\n    return x\n",
            "try:\n    pass\nexcept A, B:\n    pass\n",
            "t = t\"hello {name}\"\n",
        ] {
            let module = parse_module(src);
            assert!(module.is_valid(), "{src}: {:?}", module.errors);
        }
    }

    #[test]
    fn invalid_code_the_old_parser_accepted_is_an_error() {
        for src in ["a + 1 = 2\n", "del f()\n"] {
            assert!(!parse_module(src).is_valid(), "{src}");
        }
    }

    #[test]
    fn ipython_escapes_parse_in_the_ipython_dialect_only() {
        let src = "!pip install a \\\n  b\nx = !ls\n%matplotlib inline\nobj?\n";
        assert!(parse_as(src, Dialect::IPython).is_valid());
        assert!(!parse_module(src).is_valid());
    }
}
