//! What several component rules ask of a signature: the builtin a v1 type name stands for, whether an
//! annotation is a parameter type, whether a statement is a docstring.

use crate::python::literals::str_literal;
use crate::python::parse::ast::{self, Expr, Stmt};

/// The builtin a v1 type name stands for in a plain parameter's annotation.
pub(crate) fn builtin_for_type_name(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "integer" | "int" => "int",
        "float" | "double" => "float",
        "bool" | "boolean" => "bool",
        "jsonobject" | "dict" => "dict",
        "jsonarray" | "list" => "list",
        _ => "str",
    }
}

pub(crate) fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
        if value.is_string_literal_expr())
}

/// Whether an `InputPath(...)` type argument names a parameter type (`str`, `'String'`, `int`, …).
pub(crate) fn is_parameter_type(t: &Expr) -> bool {
    let name = match t {
        Expr::Name(n) => n.id.to_string(),
        other => match str_literal(other) {
            Some(s) => s,
            None => return false,
        },
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "str" | "string" | "int" | "integer" | "float" | "bool" | "boolean"
    )
}
