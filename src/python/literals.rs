//! Reading Python literals off the AST: strings, numbers, booleans and `None`.
//!
//! Ruff's AST has one node type per kind of literal; these helpers answer the questions rules ask of them
//! ("is this a string, and what does it say?") in one place.

use super::parse::ast::{self, Expr};

/// The value of a plain string literal (implicitly concatenated parts joined), not of an f-string or bytes.
pub fn str_value(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

/// `str_value`, owned.
pub fn str_literal(e: &Expr) -> Option<String> {
    str_value(e).map(str::to_string)
}

/// Whether `expr` is a constant: a string, bytes, number, boolean, `None` or `...` literal.
pub fn is_constant(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

/// The Python type name of a scalar literal (`'a'` → `str`, `1` → `int`, `1.5` → `float`, `True` → `bool`).
pub fn scalar_type(expr: &Expr) -> Option<&'static str> {
    match expr {
        Expr::StringLiteral(_) => Some("str"),
        Expr::BooleanLiteral(_) => Some("bool"),
        Expr::NumberLiteral(n) => match n.value {
            ast::Number::Int(_) => Some("int"),
            ast::Number::Float(_) => Some("float"),
            ast::Number::Complex { .. } => None,
        },
        _ => None,
    }
}

/// Whether `expr` is the literal `None`.
pub fn is_none(expr: &Expr) -> bool {
    matches!(expr, Expr::NoneLiteral(_))
}

/// The builtin type of a literal default, when it is unambiguous.
pub fn literal_type_name(default: &Expr) -> Option<&'static str> {
    Some(match default {
        Expr::StringLiteral(_) | Expr::BooleanLiteral(_) | Expr::NumberLiteral(_) => {
            scalar_type(default)?
        }
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) => {
            match literal_type_name(&u.operand)? {
                t @ ("int" | "float") => t,
                _ => return None,
            }
        }
        Expr::List(_) => "list",
        Expr::Dict(_) => "dict",
        _ => return None,
    })
}
