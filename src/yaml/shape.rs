//! The shape a v1 component spec must have before any rule reads it: the checks `serde_yaml` made when the
//! spec was deserialised into typed structs, with `serde_yaml`'s own messages, so a broken spec is reported
//! as it always was (`invalid v1 component spec: inputs[0]: missing field `name` at line 3 column 3`).
//!
//! The fields read are `name` (a scalar), `inputs`/`outputs` (lists of mappings with a `name`; an input's
//! `optional` a boolean), and the free-form values (`type`, `default`, `implementation`, `metadata`), which
//! must hold no mapping with a repeated key and no integer wider than 64 bits. Other keys are ignored, as
//! kfp 1 ignored unknown metadata. Aliases are followed, as `serde_yaml` followed them.

use super::scalar::{self, Scalar};
use super::spans::{AliasError, Node, Style, Value};

/// A shape error: the path of the value (`.` for the document), the message, and where it is.
pub struct ShapeError {
    path: String,
    message: String,
    pub at: Option<usize>,
}

impl ShapeError {
    fn new(path: &str, message: String, at: &Node) -> Self {
        Self {
            path: path.to_string(),
            message,
            at: Some(at.range.start),
        }
    }

    /// `serde_yaml`'s rendering: `path: message at line L column C` (no path for the document, no position
    /// at its very start).
    pub fn display(&self, text: &str) -> String {
        let mut out = String::new();
        if self.path != "." {
            out.push_str(&self.path);
            out.push_str(": ");
        }
        out.push_str(&self.message);
        if let Some(at) = self.at {
            let (line, column) = line_column(text, at);
            if line != 0 || column != 0 {
                out.push_str(&format!(" at line {} column {}", line + 1, column + 1));
            }
        }
        out
    }
}

/// libyaml's zero-based line and column (in characters) of a byte offset.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..super::spans::floor_boundary(text, at)];
    let mut line = 0;
    let mut column = 0;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' => {
                line += 1;
                column = 0;
            }
            _ => column += 1,
        }
    }
    (line, column)
}

type Checked = Result<(), ShapeError>;

/// Checks a spec's root (the first of `documents` documents).
pub fn check_spec(root: &Node, documents: usize) -> Checked {
    let root = expanded(root)?;
    if let Some(deep) = spec_too_deep(&root) {
        return Err(recursion_limit(deep));
    }
    check_struct(
        &root,
        ".",
        "struct ComponentSpec",
        &[
            ("name", string_field),
            ("inputs", |n, p| list_field(n, p, "struct InputSpec", INPUT)),
            ("outputs", |n, p| {
                list_field(n, p, "struct OutputSpec", OUTPUT)
            }),
            ("implementation", free_value),
            ("metadata", optional_value),
        ],
        "implementation",
    )?;
    if documents > 1 {
        return Err(more_than_one_document());
    }
    Ok(())
}

/// Checks a whole stream's first document as a plain value, then that it is the only one.
pub fn check_document(root: &Node, documents: usize) -> Checked {
    check_value(root)?;
    if documents > 1 {
        return Err(more_than_one_document());
    }
    Ok(())
}

fn more_than_one_document() -> ShapeError {
    ShapeError {
        path: ".".into(),
        message: "deserializing from YAML containing more than one document is not supported"
            .into(),
        at: None,
    }
}

/// Checks a document the way reading it as a plain value did: no repeated key, no over-wide integer.
pub fn check_value(root: &Node) -> Checked {
    let root = expanded(root)?;
    if let Some(deep) = value_too_deep(&root, 1) {
        return Err(recursion_limit(deep));
    }
    free_value(&root, ".")
}

/// How deep `serde_yaml` read collections into collections, the document's own counted.
const MAX_DEPTH: usize = 128;

fn recursion_limit(at: &Node) -> ShapeError {
    ShapeError {
        path: ".".into(),
        message: "recursion limit exceeded".into(),
        at: Some(at.range.start),
    }
}

/// The first collection nested deeper than `MAX_DEPTH` in the fields of a spec `serde_yaml` read (the others
/// it skipped without counting).
fn spec_too_deep(root: &Node) -> Option<&Node> {
    for (key, value) in root.entries() {
        let found = match key.as_str() {
            Some("name" | "implementation" | "metadata") => value_too_deep(value, 2),
            Some(list @ ("inputs" | "outputs")) => {
                let fields = if list == "inputs" { INPUT } else { OUTPUT };
                value.items().iter().find_map(|item| {
                    item.entries()
                        .iter()
                        .filter(|(k, _)| fields.iter().any(|(f, _)| k.as_str() == Some(f)))
                        .find_map(|(_, v)| value_too_deep(v, 4))
                })
            }
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The first collection at or under `node` (at `depth`) nested deeper than `MAX_DEPTH`.
fn value_too_deep(node: &Node, depth: usize) -> Option<&Node> {
    let children: Vec<&Node> = match &node.value {
        Value::Sequence { items, .. } => items.iter().collect(),
        Value::Mapping { entries, .. } => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        _ => return None,
    };
    if depth > MAX_DEPTH {
        return Some(node);
    }
    children
        .into_iter()
        .find_map(|c| value_too_deep(c, depth + 1))
}

/// The document as `serde_yaml` saw it: aliases followed.
fn expanded(root: &Node) -> Result<std::borrow::Cow<'_, Node>, ShapeError> {
    super::spans::expand_aliases(root).map_err(|e| match e {
        AliasError::UnknownAnchor(at) => ShapeError {
            path: ".".into(),
            message: "unknown anchor".into(),
            at: Some(at),
        },
        AliasError::RepetitionLimitExceeded => ShapeError {
            path: ".".into(),
            message: "repetition limit exceeded".into(),
            at: None,
        },
    })
}

type Field = fn(&Node, &str) -> Checked;

const INPUT: &[(&str, Field)] = &[
    ("name", required_string),
    ("type", optional_value),
    ("default", optional_value),
    ("optional", optional_bool),
];
const OUTPUT: &[(&str, Field)] = &[("name", required_string), ("type", optional_value)];

fn child_path(parent: &str, key: &str) -> String {
    if parent == "." {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

fn is_empty_plain(node: &Node) -> bool {
    matches!(&node.value, Value::Scalar { text, style: Style::Plain } if text.is_empty())
}

/// A mapping read into a struct: each known field once, in the order written; a required field present.
fn check_struct(
    node: &Node,
    path: &str,
    expected: &str,
    fields: &[(&str, Field)],
    required: &str,
) -> Checked {
    match &node.value {
        Value::Mapping { entries, .. } => {
            let mut seen: Vec<&str> = Vec::new();
            for (key, value) in entries {
                let Some(k) = key.as_str() else { continue };
                let Some((name, check)) = fields.iter().find(|(f, _)| *f == k) else {
                    continue;
                };
                if seen.contains(name) {
                    return Err(ShapeError::new(
                        path,
                        format!("duplicate field `{name}`"),
                        node,
                    ));
                }
                seen.push(name);
                check(value, &child_path(path, k))?;
            }
            if !seen.contains(&required) {
                return Err(missing(path, required, node));
            }
            Ok(())
        }
        // An empty scalar reads as an empty mapping.
        _ if is_empty_plain(node) => Err(missing(path, required, node)),
        Value::Alias(_) => Ok(()),
        _ => Err(invalid_type(node, path, expected)),
    }
}

fn missing(path: &str, field: &str, node: &Node) -> ShapeError {
    ShapeError::new(path, format!("missing field `{field}`"), node)
}

/// `serde_yaml`'s "invalid type" error for `node` where `expected` was wanted.
fn invalid_type(node: &Node, path: &str, expected: &str) -> ShapeError {
    let unexpected = match &node.value {
        Value::Sequence { .. } => "sequence".to_string(),
        Value::Mapping { .. } => "map".to_string(),
        Value::Alias(_) => "alias".to_string(),
        Value::Scalar { text, style } => match scalar::resolve(text, *style) {
            Scalar::Null => "unit value".to_string(),
            Scalar::Bool(b) => format!("boolean `{b}`"),
            Scalar::Int(i) => format!("integer `{i}`"),
            Scalar::TooWide => format!("integer `{text}`"),
            Scalar::Float(f) => format!("floating point `{}`", with_decimal_point(f)),
            Scalar::Str(s) => format!("string {s:?}"),
        },
    };
    ShapeError::new(
        path,
        format!("invalid type: {unexpected}, expected {expected}"),
        node,
    )
}

/// serde's float spelling in messages: Rust's, with `.0` when it has no decimal point.
fn with_decimal_point(f: f64) -> String {
    let s = f.to_string();
    if f.is_finite() && !s.contains('.') {
        format!("{s}.0")
    } else {
        s
    }
}

fn required_string(node: &Node, path: &str) -> Checked {
    match &node.value {
        Value::Scalar { .. } | Value::Alias(_) => Ok(()),
        _ => Err(invalid_type(node, path, "a string")),
    }
}

fn string_field(node: &Node, path: &str) -> Checked {
    if scalar::is_null_node(node) {
        return Ok(());
    }
    required_string(node, path)
}

fn optional_bool(node: &Node, path: &str) -> Checked {
    if scalar::is_null_node(node) || matches!(node.value, Value::Alias(_)) {
        return Ok(());
    }
    // Only a plain `true`/`false` is a boolean (`'true'` is a string).
    match scalar::of(node) {
        Some(Scalar::Bool(_)) => Ok(()),
        _ => Err(invalid_type(node, path, "a boolean")),
    }
}

fn list_field(node: &Node, path: &str, expected: &str, fields: &[(&str, Field)]) -> Checked {
    if scalar::is_null_node(node) || is_empty_plain(node) {
        return Ok(());
    }
    match &node.value {
        Value::Sequence { items, .. } => {
            for (i, item) in items.iter().enumerate() {
                check_struct(item, &format!("{path}[{i}]"), expected, fields, "name")?;
            }
            Ok(())
        }
        Value::Alias(_) => Ok(()),
        _ => Err(invalid_type(node, path, "a sequence")),
    }
}

fn optional_value(node: &Node, path: &str) -> Checked {
    if scalar::is_null_node(node) {
        return Ok(());
    }
    free_value(node, path)
}

/// Any value: no mapping with a repeated key, no integer wider than 64 bits.
fn free_value(node: &Node, path: &str) -> Checked {
    match &node.value {
        Value::Scalar { text, style } => match scalar::resolve(text, *style) {
            Scalar::TooWide => {
                let sign = if text.starts_with('-') {
                    "i128"
                } else {
                    "u128"
                };
                let digits = match text.strip_prefix('+') {
                    Some(rest) => rest,
                    None => text,
                };
                Err(ShapeError::new(
                    path,
                    format!("invalid type: integer `{digits}` as {sign}, expected any YAML value"),
                    node,
                ))
            }
            _ => Ok(()),
        },
        Value::Alias(_) => Ok(()),
        Value::Sequence { items, .. } => {
            for (i, item) in items.iter().enumerate() {
                free_value(item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Value::Mapping { entries, .. } => {
            let mut keys: Vec<Scalar> = Vec::new();
            for (key, value) in entries {
                free_value(key, &format!("{}?", if path == "." { "" } else { path }))?;
                if let Some(k) = scalar::of(key) {
                    if keys.contains(&k) {
                        return Err(ShapeError::new(
                            path,
                            format!("duplicate entry {}", key_text(&k)),
                            node,
                        ));
                    }
                    keys.push(k);
                }
                let key_path = key.as_str().map_or_else(
                    || format!("{}?", if path == "." { "" } else { path }),
                    |k| child_path(path, k),
                );
                free_value(value, &key_path)?;
            }
            Ok(())
        }
    }
}

fn key_text(key: &Scalar) -> String {
    match key {
        Scalar::Null => "with null key".into(),
        Scalar::Bool(b) => format!("with key `{b}`"),
        Scalar::Str(s) => format!("with key {s:?}"),
        other => format!("with key {}", other.text().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::spans;
    use super::*;

    /// Our message and serde_yaml's, for the same spec.
    fn both(text: &str) -> (Option<String>, Option<String>) {
        #[allow(dead_code)]
        #[derive(serde::Deserialize)]
        struct InputSpec {
            name: String,
            #[serde(default, rename = "type")]
            type_: Option<serde_yaml::Value>,
            #[serde(default)]
            default: Option<serde_yaml::Value>,
            #[serde(default)]
            optional: Option<bool>,
        }
        #[allow(dead_code)]
        #[derive(serde::Deserialize)]
        struct OutputSpec {
            name: String,
            #[serde(default, rename = "type")]
            type_: Option<serde_yaml::Value>,
        }
        #[allow(dead_code)]
        #[derive(serde::Deserialize)]
        struct ComponentSpec {
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            inputs: Option<Vec<InputSpec>>,
            #[serde(default)]
            outputs: Option<Vec<OutputSpec>>,
            implementation: serde_yaml::Value,
            #[serde(default)]
            metadata: Option<serde_yaml::Value>,
        }
        let docs = spans::parse(text).unwrap();
        let ours = check_spec(&docs[0], docs.len())
            .err()
            .map(|e| e.display(text));
        let theirs = serde_yaml::from_str::<ComponentSpec>(text)
            .err()
            .map(|e| e.to_string());
        (ours, theirs)
    }

    #[test]
    fn shape_errors_read_as_serde_yaml_wrote_them() {
        for text in [
            "name: A\nimplementation: {container: {image: a}}\n",
            "name: [A]\nimplementation: {}\n",
            "inputs:\n- {type: String}\nimplementation: {}\n",
            "inputs:\n- name: x\n  optional: yes\nimplementation: {}\n",
            "inputs:\n- name: x\n  optional: 'true'\nimplementation: {}\n",
            "inputs:\n- name: x\n  name: y\nimplementation: {}\n",
            "inputs: 5\nimplementation: {}\n",
            "inputs: [~]\nimplementation: {}\n",
            "inputs: [[a]]\nimplementation: {}\n",
            "inputs:\n-\nimplementation: {}\n",
            "outputs: {a: 1}\nimplementation: {}\n",
            "name: a\nname: b\nimplementation: {}\n",
            "implementation: {container: {image: a, image: b}}\n",
            "implementation: {container: {args: [{a: 1, a: 2}]}}\n",
            "implementation: {container: {args: [99999999999999999999]}}\n",
            "metadata: {annotations: {1: a, 1: b}}\nimplementation: {}\n",
            "name: x\nimplementation: {}\n---\nname: y\n",
            "# c\ninputs: [{name: 1.5e3, optional: 2}]\nimplementation: {}\n",
            "inputs: [{name: x, optional: 1.0}]\nimplementation: {}\n",
            "description: [1]\nimplementation: {}\n",
            // Aliases are followed: into a field's type check, and to an anchor that is not there.
            "x: &n [1]\nname: *n\nimplementation: {}\n",
            "x: &i {type: String}\ninputs: [*i]\nimplementation: {}\n",
            "inputs: [{name: x, type: *nowhere}]\nimplementation: {}\n",
            &format!(
                "name: A\nmetadata: {{x: {}{}}}\nimplementation: {{}}\n",
                "[".repeat(127),
                "]".repeat(127)
            ),
            &format!(
                "name: A\nmetadata: {{x: {}{}}}\nimplementation: {{}}\n",
                "[".repeat(126),
                "]".repeat(126)
            ),
            &format!(
                "inputs: [{{name: x, type: {}{}}}]\nimplementation: {{}}\n",
                "[".repeat(126),
                "]".repeat(126)
            ),
            &format!(
                "description: {}{}\nimplementation: {{}}\n",
                "[".repeat(200),
                "]".repeat(200)
            ),
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nmetadata: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nimplementation: {}\n",
        ] {
            let (ours, theirs) = both(text);
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
