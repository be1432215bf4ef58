//! JSON text that stands for a list or dict argument: kfp 1 passed `'["a", "b"]'` (or `json.dumps([...])`) to
//! a `List` input as text; kfp 2 checks the argument's type and needs the value itself.

use super::parse::ast::Expr;
use crate::components::ValueType;

/// The Python literal of the list (`ValueType::List`) or dict (`ValueType::Dict`) a string holds as JSON.
/// The empty string, v1's usual "not given" for such inputs, is the empty list or dict.
pub fn from_json_text(text: &str, kind: ValueType) -> Option<String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return match kind {
            ValueType::List => Some("[]".into()),
            ValueType::Dict => Some("{}".into()),
            _ => None,
        };
    }
    let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let fits = match kind {
        ValueType::List => value.is_array(),
        ValueType::Dict => value.is_object(),
        _ => false,
    };
    fits.then(|| py_literal(&value))
}

/// The list or dict a `json.dumps(<literal>)` call serialises, as written: the value kfp 2 should get.
pub fn dumped_literal(
    call: &Expr,
    is_json_dumps: impl Fn(&Expr) -> bool,
    kind: ValueType,
) -> Option<&Expr> {
    let Expr::Call(c) = call else { return None };
    if !is_json_dumps(&c.func) || !c.arguments.keywords.is_empty() {
        return None;
    }
    let [value] = c.arguments.args.as_ref() else {
        return None;
    };
    let fits = match kind {
        ValueType::List => matches!(value, Expr::List(_)),
        ValueType::Dict => matches!(value, Expr::Dict(_)),
        _ => false,
    };
    fits.then_some(value)
}

/// A Python string literal of `s` (JSON string syntax is valid Python).
fn py_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// A Python literal of the same value as a JSON value.
pub(crate) fn py_literal(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "None".into(),
        serde_json::Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => py_str(s),
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(py_literal).collect::<Vec<_>>().join(", ")
            )
        }
        serde_json::Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", py_str(k), py_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_becomes_the_value_of_the_input_type() {
        assert_eq!(
            from_json_text(r#"["a", 1]"#, ValueType::List).as_deref(),
            Some(r#"["a", 1]"#)
        );
        assert_eq!(
            from_json_text(r#"{"k": true}"#, ValueType::Dict).as_deref(),
            Some(r#"{"k": True}"#)
        );
        assert_eq!(from_json_text("", ValueType::List).as_deref(), Some("[]"));
        assert_eq!(from_json_text(" ", ValueType::Dict).as_deref(), Some("{}"));
        assert_eq!(from_json_text("{}", ValueType::List), None);
        assert_eq!(from_json_text("gs://x", ValueType::List), None);
    }
}
