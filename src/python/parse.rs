//! The only module that talks to rustpython-parser: lexing, parsing and syntax errors.
//!
//! The lexer runs once per parse; its tokens (comments included) are kept because fixes and suppression need
//! to know where comments and names are, and rustpython's AST has no ranges for identifiers or comments.

use std::ops::Range;

use rustpython_parser::lexer::lex;
use rustpython_parser::{Mode, ParseErrorType, Tok, parse_tokens};

pub use rustpython_parser::ast;

/// A token's kind, reduced to what kfp-upgrade needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier; its text is the source's text at the token's range.
    Name,
    Comment,
    String,
    Dot,
    Other,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub kind: TokenKind,
    pub range: Range<usize>,
}

/// A parsed Python module.
#[derive(Debug)]
pub struct ParsedModule {
    pub body: Vec<ast::Stmt>,
    /// Every token in source order, comments included.
    pub tokens: Vec<Token>,
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
}

/// Why a file could not be parsed, with the byte offset where the parser stopped.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// Parses a module. Syntax the grammar does not know (for example PEP 701 f-strings from Python 3.12) is
/// reported as a syntax error whose message says so.
pub fn parse_module(source: &str) -> Result<ParsedModule, SyntaxError> {
    // Python averages a token per four or five bytes: sized up front, the vectors of an ordinary module do not
    // grow token by token (capped: a huge file of comments or strings has few tokens).
    let estimate = (source.len() / 4).min(1 << 16);
    let mut spanned = Vec::with_capacity(estimate);
    let mut tokens = Vec::with_capacity(estimate);
    for result in lex(source, Mode::Module) {
        match result {
            Ok((tok, range)) => {
                let r = usize::from(range.start())..usize::from(range.end());
                let kind = match &tok {
                    Tok::Name { .. } => TokenKind::Name,
                    Tok::Comment(_) => TokenKind::Comment,
                    Tok::String { .. } => TokenKind::String,
                    Tok::Dot => TokenKind::Dot,
                    _ => TokenKind::Other,
                };
                tokens.push(Token { kind, range: r });
                spanned.push(Ok((tok, range)));
            }
            Err(err) => {
                return Err(SyntaxError {
                    offset: usize::from(err.location).min(source.len()),
                    message: format!("syntax error: {}{}", err.error, NEWER_SYNTAX_HINT),
                });
            }
        }
    }
    match parse_tokens(spanned, Mode::Module, "<source>") {
        Ok(ast::Mod::Module(module)) => Ok(ParsedModule {
            body: module.body,
            tokens,
        }),
        Ok(_) => Err(SyntaxError {
            offset: 0,
            message: "syntax error: not a module".into(),
        }),
        Err(err) => {
            let offset = usize::from(err.offset).min(source.len());
            let detail = match &err.error {
                ParseErrorType::Eof => "unexpected end of file".to_string(),
                ParseErrorType::UnrecognizedToken(tok, _) | ParseErrorType::ExtraToken(tok) => {
                    format!("unexpected token `{}`", tok)
                }
                ParseErrorType::InvalidToken => "invalid token".to_string(),
                ParseErrorType::Lexical(e) => e.to_string(),
            };
            Err(SyntaxError {
                offset,
                message: format!("syntax error: {detail}{NEWER_SYNTAX_HINT}"),
            })
        }
    }
}

/// Said with every syntax error, because the most common cause on valid code is newer syntax.
const NEWER_SYNTAX_HINT: &str = " (the parser knows Python syntax up to 3.11; newer syntax such as 3.12 f-strings is not supported)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_comments_as_tokens() {
        let module = parse_module("import kfp  # noqa\nx = '# not a comment'\n").unwrap();
        let comments: Vec<_> = module.comments().collect();
        assert_eq!(comments, vec![12..18]);
        assert_eq!(module.body.len(), 2);
    }

    #[test]
    fn reports_syntax_error_offset() {
        let err = parse_module("x = 1\na b\n").unwrap_err();
        assert_eq!(err.offset, 8);
        assert!(err.message.starts_with("syntax error"), "{}", err.message);
    }

    #[test]
    fn pep701_fstring_is_a_syntax_error() {
        assert!(parse_module("x = f\"{d[\"k\"]}\"\n").is_err());
    }
}
