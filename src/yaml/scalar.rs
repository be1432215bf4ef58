//! What a YAML scalar means: null, a boolean, a number or a string, by the YAML 1.2 core schema exactly as
//! `serde_yaml` 0.9 resolves it (`de.rs`'s `visit_untagged_scalar`).
//!
//! The positioned tree keeps every scalar as the text libyaml read; `convert`, the IR writer and the project
//! index need its type too (`8080` is a number, `true` a boolean, `~` no value), and spelled the way kfp-upgrade
//! always printed it (`0x10` is `16`, `1e3` is `1000.0`, `True` is `true`). Quoted and block scalars are
//! strings whatever their text.

use super::spans::{Node, Style, Value};

/// A scalar's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'n> {
    Null,
    Bool(bool),
    /// An integer in 64 bits, signed or not.
    Int(i128),
    Float(f64),
    Str(&'n str),
    /// An integer wider than 64 bits: `serde_yaml` refused these (its values hold at most 64 bits).
    TooWide,
}

/// The value of `node` when it is a scalar.
pub fn of(node: &Node) -> Option<Scalar<'_>> {
    match &node.value {
        Value::Scalar { text, style } => Some(resolve(text, *style)),
        _ => None,
    }
}

/// The value of a scalar written `text` in `style`.
pub fn resolve(text: &str, style: Style) -> Scalar<'_> {
    if style != Style::Plain {
        return Scalar::Str(text);
    }
    if is_null(text) {
        return Scalar::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    if let Some(int) = int(text) {
        let fits = i64::try_from(int).is_ok() || u64::try_from(int).is_ok();
        return if fits {
            Scalar::Int(int)
        } else {
            Scalar::TooWide
        };
    }
    if !digits_but_not_number(text)
        && let Some(float) = float(text)
    {
        return Scalar::Float(float);
    }
    Scalar::Str(text)
}

/// Whether a plain scalar is null: empty, `~` or `null`.
pub fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl Scalar<'_> {
    /// The scalar as text, `None` for null: how a command-line element, a default or an image prints.
    pub fn text(&self) -> Option<String> {
        match self {
            Scalar::Null | Scalar::TooWide => None,
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Int(i) => Some(i.to_string()),
            Scalar::Float(f) => Some(float_text(*f)),
            Scalar::Str(s) => Some(s.to_string()),
        }
    }
}

/// The string a node holds, `None` for anything else (a number, a boolean, null, a collection).
pub fn string(node: &Node) -> Option<&str> {
    match of(node)? {
        Scalar::Str(s) => Some(s),
        _ => None,
    }
}

/// The boolean a node holds.
pub fn boolean(node: &Node) -> Option<bool> {
    match of(node)? {
        Scalar::Bool(b) => Some(b),
        _ => None,
    }
}

/// Whether a node holds nothing (a null scalar), as an optional field reads it.
pub fn is_null_node(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar { text, style: Style::Plain } if is_null(text))
}

/// `serde_yaml`'s spelling of a float: `.nan`, `.inf`, or the shortest round-trip form (`1000.0`, `1e20`).
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f.is_sign_negative() {
            "-.inf"
        } else {
            ".inf"
        }
        .into()
    } else {
        serde_json::Number::from_f64(f).map_or_else(|| f.to_string(), |n| n.to_string())
    }
}

/// Leading zeros followed by digits are a string in YAML 1.2 (`0123`).
fn digits_but_not_number(text: &str) -> bool {
    let text = text.strip_prefix(['-', '+']).unwrap_or(text);
    text.len() > 1 && text.starts_with('0') && text[1..].bytes().all(|b| b.is_ascii_digit())
}

/// An integer: decimal, or `0x`/`0o`/`0b` with an optional sign.
fn int(text: &str) -> Option<i128> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (digits, radix) = if let Some(rest) = unsigned.strip_prefix("0x") {
        (rest, 16)
    } else if let Some(rest) = unsigned.strip_prefix("0o") {
        (rest, 8)
    } else if let Some(rest) = unsigned.strip_prefix("0b") {
        (rest, 2)
    } else {
        if digits_but_not_number(text) {
            return None;
        }
        (unsigned, 10)
    };
    // `from_str_radix` takes a sign of its own; a second one (`0x-1`, `+-1`) is not a number.
    if digits.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        0i128.checked_sub_unsigned(magnitude)
    } else {
        i128::try_from(magnitude).ok()
    }
}

/// A float: `.inf`, `.nan` or a finite decimal.
fn float(text: &str) -> Option<f64> {
    let unpositive = match text.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => text,
    };
    match unpositive {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        _ => {}
    }
    match text {
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve_as_serde_yaml_did() {
        let text = |t: &str| resolve(t, Style::Plain).text();
        assert_eq!(text("0x10").as_deref(), Some("16"));
        assert_eq!(text("-0o7").as_deref(), Some("-7"));
        assert_eq!(text("1e3").as_deref(), Some("1000.0"));
        assert_eq!(text("True").as_deref(), Some("true"));
        assert_eq!(text("0123").as_deref(), Some("0123"));
        assert_eq!(text("+.inf").as_deref(), Some(".inf"));
        assert_eq!(text("inf").as_deref(), Some("inf"));
        assert_eq!(text("~"), None);
        assert_eq!(
            resolve("18446744073709551616", Style::Plain),
            Scalar::TooWide
        );
        assert_eq!(resolve("1", Style::SingleQuoted), Scalar::Str("1"));
    }

    #[test]
    fn agrees_with_serde_yaml() {
        for t in [
            "1",
            "-1",
            "+1",
            "0",
            "-0",
            "0x1F",
            "0o17",
            "0b101",
            "1.5",
            "-2.5e-3",
            ".5",
            "1.",
            "1_000",
            "0x",
            "+-1",
            "-0x10",
            "yes",
            "NaN",
            "1e400",
            "18446744073709551615",
            "-9223372036854775808",
        ] {
            let ours = resolve(t, Style::Plain).text();
            let theirs = match serde_yaml::from_str::<serde_yaml::Value>(t).unwrap() {
                serde_yaml::Value::Number(n) => Some(n.to_string()),
                serde_yaml::Value::String(s) => Some(s),
                serde_yaml::Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            assert_eq!(ours, theirs, "{t}");
        }
    }
}
