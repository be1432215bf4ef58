//! What the compiler rules share: the output suffixes kfp 2's compiler rejects or deprecates.

use std::ops::Range;

use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::Expr;

/// Output suffixes kfp 2's compiler rejects (archives) or deprecates (`.json`), longest first.
const OLD_SUFFIXES: &[&str] = &[".tar.gz", ".tgz", ".zip", ".json"];

/// The range of a string literal's old suffix (`.tar.gz` in `'pipeline.tar.gz'`), and the suffix.
pub(crate) fn old_suffix(
    checker: &Checker,
    literal: &Expr,
) -> Option<(Range<usize>, &'static str)> {
    let is_text = match literal {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        // `os.path.join(out_dir, 'pipeline.tar.gz')`: the last part names the file.
        Expr::Call(c)
            if checker.qualified_name(&c.func).as_deref() == Some("os.path.join")
                && c.arguments.keywords.is_empty() =>
        {
            return old_suffix(checker, c.arguments.args.last()?);
        }
        _ => false,
    };
    if !is_text {
        return None;
    }
    let r = range(literal);
    let text = checker.text(r.clone());
    let quotes = text.len() - text.trim_end_matches(['\'', '"']).len();
    // A closing `'''` or `"""`, or one quote.
    let quotes = if quotes >= 3 { 3 } else { quotes.min(1) };
    let body = &text[..text.len() - quotes];
    let suffix = OLD_SUFFIXES.iter().find(|s| body.ends_with(**s))?;
    let end = r.start + body.len();
    Some((end - suffix.len()..end, suffix))
}
