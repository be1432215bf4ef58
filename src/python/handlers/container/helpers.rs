//! What several container rules share: a call's argument by position or keyword.

use crate::python::parse::ast::{self, Expr};

/// The value of a call argument by v1 position or keyword.
pub(crate) fn argument<'a>(
    call: &'a ast::ExprCall,
    position: usize,
    name: &str,
) -> Option<&'a Expr> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.get(position))
}
