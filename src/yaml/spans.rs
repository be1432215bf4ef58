//! Positions for YAML: the one module that knows where a YAML node sits in its file.
//!
//! `serde_yaml` 0.9 gives no node positions, so a YAML file is read here, once, with libyaml's event parser
//! (`unsafe-libyaml`, the very parser `serde_yaml` uses, already in the dependency tree), into a small tree that
//! keeps each node's byte range; every reader of a component spec uses this tree (`model`). A broken file gets
//! libyaml's own message with its exact position. Aliases are kept as leaves, and a file with more aliases than `MAX_ALIASES` is
//! refused, so "billion laughs" documents cost nothing; `expand_aliases` makes a copy with them followed, within
//! `serde_yaml`'s limit, for readers that want values rather than positions.
//!
//! All `unsafe` code of the crate's YAML support is in `events`; it follows `serde_yaml`'s own wrapper.

use std::ops::Range;

/// More aliases than this and the file is refused (a component spec has a handful at most).
pub const MAX_ALIASES: usize = 1000;
/// Nesting deeper than this is refused (libyaml itself recurses).
const MAX_DEPTH: usize = 256;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar {
        text: String,
        style: Style,
    },
    /// `flow`: written `[a, b]` rather than as `- a` lines.
    Sequence {
        items: Vec<Node>,
        flow: bool,
    },
    Mapping {
        entries: Vec<(Node, Node)>,
        flow: bool,
    },
    /// `*name`: never followed.
    Alias(String),
}

/// A YAML node and the bytes it covers in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub range: Range<usize>,
    /// `&name` written before the node.
    pub anchor: Option<String>,
}

/// A YAML syntax error, or a document this tool refuses to read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value under `key`, for a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value node under `key`, for a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Mapping { entries, .. } => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Mapping { entries, .. } => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Sequence { items, .. } => items,
            _ => &[],
        }
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self.value, Value::Mapping { .. })
    }

    pub fn is_flow(&self) -> bool {
        matches!(
            self.value,
            Value::Mapping { flow: true, .. } | Value::Sequence { flow: true, .. }
        )
    }

    /// Every node of the tree, depth first, this one included.
    pub fn walk<'a>(&'a self, out: &mut Vec<&'a Node>) {
        out.push(self);
        match &self.value {
            Value::Sequence { items, .. } => items.iter().for_each(|n| n.walk(out)),
            Value::Mapping { entries, .. } => entries.iter().for_each(|(k, v)| {
                k.walk(out);
                v.walk(out);
            }),
            _ => {}
        }
    }
}

/// The documents of a YAML stream, each as a positioned tree.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let events = events::read(text)?;
    let aliases = events
        .iter()
        .filter(|e| matches!(e.kind, events::Kind::Alias(_)))
        .count();
    if aliases > MAX_ALIASES {
        let offset = events
            .iter()
            .filter(|e| matches!(e.kind, events::Kind::Alias(_)))
            .nth(MAX_ALIASES)
            .map_or(0, |e| e.range.start);
        return Err(YamlError {
            message: format!("refused: more than {MAX_ALIASES} aliases (alias expansion bomb?)"),
            offset,
        });
    }
    let mut builder = Builder {
        events: events.into_iter(),
    };
    let mut documents = Vec::new();
    while let Some(event) = builder.events.next() {
        if let events::Kind::DocumentStart = event.kind
            && let Next::Node(node) = builder.node(0)?
        {
            documents.push(node);
        }
    }
    Ok(documents)
}

struct Builder {
    events: std::vec::IntoIter<events::Event>,
}

enum Next {
    Node(Node),
    /// The end of the enclosing collection or document, at this offset.
    End(usize),
}

impl Builder {
    fn node(&mut self, depth: usize) -> Result<Next, YamlError> {
        let Some(event) = self.events.next() else {
            return Ok(Next::End(0));
        };
        if depth > MAX_DEPTH {
            return Err(YamlError {
                message: format!("refused: nesting deeper than {MAX_DEPTH} levels"),
                offset: event.range.start,
            });
        }
        let start = event.range.start;
        let mut end = event.range.end;
        let anchor = event.anchor;
        let value = match event.kind {
            events::Kind::Scalar(text, style) => Value::Scalar { text, style },
            events::Kind::Alias(name) => Value::Alias(name),
            events::Kind::SequenceStart(flow) => {
                let mut items = Vec::new();
                loop {
                    match self.node(depth + 1)? {
                        Next::Node(item) => items.push(item),
                        Next::End(at) => {
                            end = at;
                            break;
                        }
                    }
                }
                // A block sequence's end event sits at the next token: end at its last item instead.
                if !flow {
                    end = items.last().map_or(end, |n| n.range.end);
                }
                Value::Sequence { items, flow }
            }
            events::Kind::MappingStart(flow) => {
                let mut entries = Vec::new();
                loop {
                    let key = match self.node(depth + 1)? {
                        Next::Node(key) => key,
                        Next::End(at) => {
                            end = at;
                            break;
                        }
                    };
                    match self.node(depth + 1)? {
                        Next::Node(value) => entries.push((key, value)),
                        Next::End(at) => {
                            end = at;
                            break;
                        }
                    }
                }
                if !flow {
                    end = entries.last().map_or(end, |(_, v)| v.range.end);
                }
                Value::Mapping { entries, flow }
            }
            events::Kind::End(at) => return Ok(Next::End(at)),
            events::Kind::DocumentStart | events::Kind::Other => return Ok(Next::End(end)),
        };
        Ok(Next::Node(Node {
            value,
            range: start..end,
            anchor,
        }))
    }
}

mod events {
    //! libyaml's event stream, copied out of the C-style API into plain Rust values.

    use std::mem::MaybeUninit;
    use std::ops::Range;

    use super::{Style, YamlError};

    pub enum Kind {
        DocumentStart,
        Scalar(String, Style),
        Alias(String),
        /// `true` for a flow collection.
        SequenceStart(bool),
        MappingStart(bool),
        /// The end of a sequence, mapping or document; its end offset.
        End(usize),
        Other,
    }

    pub struct Event {
        pub kind: Kind,
        pub range: Range<usize>,
        pub anchor: Option<String>,
    }

    struct Parser {
        sys: Box<MaybeUninit<unsafe_libyaml::yaml_parser_t>>,
    }

    impl Drop for Parser {
        fn drop(&mut self) {
            // SAFETY: initialised in `read` before a `Parser` exists.
            unsafe { unsafe_libyaml::yaml_parser_delete(self.sys.as_mut_ptr()) }
        }
    }

    unsafe fn c_text(ptr: *const i8) -> String {
        if ptr.is_null() {
            return String::new();
        }
        // SAFETY: libyaml's messages and anchors are NUL-terminated strings.
        unsafe { std::ffi::CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    }

    pub fn read(text: &str) -> Result<Vec<Event>, YamlError> {
        let input = text.as_bytes();
        let mut parser = Parser {
            sys: Box::new(MaybeUninit::uninit()),
        };
        let raw = parser.sys.as_mut_ptr();
        // SAFETY: libyaml's documented life cycle; `input` outlives the parser (dropped at the end of this
        // function), every event is deleted after it is copied.
        unsafe {
            if unsafe_libyaml::yaml_parser_initialize(raw).fail {
                // Not initialised: nothing to delete.
                std::mem::forget(parser);
                return Err(YamlError {
                    message: "out of memory".into(),
                    offset: 0,
                });
            }
            unsafe_libyaml::yaml_parser_set_encoding(raw, unsafe_libyaml::YAML_UTF8_ENCODING);
            unsafe_libyaml::yaml_parser_set_input_string(raw, input.as_ptr(), input.len() as u64);
        }
        let mut events = Vec::new();
        loop {
            let mut event = MaybeUninit::<unsafe_libyaml::yaml_event_t>::uninit();
            let event = event.as_mut_ptr();
            // SAFETY: see above; the union field read matches the event type.
            unsafe {
                if unsafe_libyaml::yaml_parser_parse(raw, event).fail {
                    let state = &*raw;
                    let problem = c_text(state.problem);
                    let context = c_text(state.context);
                    let offset = state.problem_mark.index as usize;
                    let message = if context.is_empty() {
                        format!("invalid YAML: {problem}")
                    } else {
                        format!("invalid YAML: {problem} {context}")
                    };
                    return Err(YamlError {
                        message,
                        offset: super::floor_boundary(text, offset),
                    });
                }
                // libyaml's marks are byte offsets, but not always on a character boundary (found by
                // fuzzing: next to a non-breaking space); every range we slice with must be.
                let range = super::floor_boundary(text, (*event).start_mark.index as usize)
                    ..super::ceil_boundary(text, (*event).end_mark.index as usize);
                let anchor = match (*event).type_ {
                    unsafe_libyaml::YAML_SCALAR_EVENT => (*event).data.scalar.anchor,
                    unsafe_libyaml::YAML_SEQUENCE_START_EVENT => {
                        (*event).data.sequence_start.anchor
                    }
                    unsafe_libyaml::YAML_MAPPING_START_EVENT => (*event).data.mapping_start.anchor,
                    _ => std::ptr::null_mut(),
                };
                let anchor = (!anchor.is_null()).then(|| c_text(anchor as *const i8));
                let kind = match (*event).type_ {
                    unsafe_libyaml::YAML_STREAM_END_EVENT => {
                        unsafe_libyaml::yaml_event_delete(event);
                        break;
                    }
                    unsafe_libyaml::YAML_DOCUMENT_START_EVENT => Kind::DocumentStart,
                    unsafe_libyaml::YAML_DOCUMENT_END_EVENT
                    | unsafe_libyaml::YAML_SEQUENCE_END_EVENT
                    | unsafe_libyaml::YAML_MAPPING_END_EVENT => Kind::End(range.end),
                    unsafe_libyaml::YAML_ALIAS_EVENT => {
                        Kind::Alias(c_text((*event).data.alias.anchor as *const i8))
                    }
                    unsafe_libyaml::YAML_SCALAR_EVENT => {
                        let data = (*event).data.scalar;
                        let bytes = std::slice::from_raw_parts(data.value, data.length as usize);
                        let style = match data.style {
                            unsafe_libyaml::YAML_SINGLE_QUOTED_SCALAR_STYLE => Style::SingleQuoted,
                            unsafe_libyaml::YAML_DOUBLE_QUOTED_SCALAR_STYLE => Style::DoubleQuoted,
                            unsafe_libyaml::YAML_LITERAL_SCALAR_STYLE => Style::Literal,
                            unsafe_libyaml::YAML_FOLDED_SCALAR_STYLE => Style::Folded,
                            _ => Style::Plain,
                        };
                        Kind::Scalar(String::from_utf8_lossy(bytes).into_owned(), style)
                    }
                    unsafe_libyaml::YAML_SEQUENCE_START_EVENT => Kind::SequenceStart(
                        (*event).data.sequence_start.style
                            == unsafe_libyaml::YAML_FLOW_SEQUENCE_STYLE,
                    ),
                    unsafe_libyaml::YAML_MAPPING_START_EVENT => Kind::MappingStart(
                        (*event).data.mapping_start.style
                            == unsafe_libyaml::YAML_FLOW_MAPPING_STYLE,
                    ),
                    _ => Kind::Other,
                };
                unsafe_libyaml::yaml_event_delete(event);
                events.push(Event {
                    kind,
                    range,
                    anchor,
                });
            }
        }
        drop(parser);
        Ok(events)
    }
}

/// Why aliases could not be expanded, in `serde_yaml`'s words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasError {
    /// `*name` with no `&name` before it: the alias's offset.
    UnknownAnchor(usize),
    /// Expanding would repeat the document more than a hundred times over (an alias bomb).
    RepetitionLimitExceeded,
}

/// `root` with every alias replaced by a copy of the node its anchor names (the latest `&name` before it), for
/// readers that want the values a document means rather than where they are written: what `serde_yaml` read.
/// Borrowed when there is no alias. A copy keeps the ranges of the anchored node.
pub fn expand_aliases(root: &Node) -> Result<std::borrow::Cow<'_, Node>, AliasError> {
    let mut nodes = Vec::new();
    root.walk(&mut nodes);
    if !nodes.iter().any(|n| matches!(n.value, Value::Alias(_))) {
        return Ok(std::borrow::Cow::Borrowed(root));
    }
    let mut expander = Expander {
        anchors: std::collections::HashMap::new(),
        jumps: 0,
        // `serde_yaml` allows a hundred alias jumps per event of the document.
        limit: nodes.len() * 100,
    };
    Ok(std::borrow::Cow::Owned(expander.expand(root)?.0))
}

struct Expander {
    /// Each anchor's expanded node and how many jumps it holds.
    anchors: std::collections::HashMap<String, (Node, usize)>,
    jumps: usize,
    limit: usize,
}

impl Expander {
    /// The expanded node and the number of alias jumps inside it.
    fn expand(&mut self, node: &Node) -> Result<(Node, usize), AliasError> {
        let mut inner = 0;
        let value = match &node.value {
            Value::Alias(name) => {
                let Some((found, held)) = self.anchors.get(name) else {
                    return Err(AliasError::UnknownAnchor(node.range.start));
                };
                let jumps = 1 + held;
                self.jumps += jumps;
                if self.jumps > self.limit {
                    return Err(AliasError::RepetitionLimitExceeded);
                }
                return Ok((found.clone(), jumps));
            }
            Value::Scalar { .. } => node.value.clone(),
            Value::Sequence { items, flow } => {
                let mut expanded = Vec::with_capacity(items.len());
                for item in items {
                    let (item, jumps) = self.expand(item)?;
                    inner += jumps;
                    expanded.push(item);
                }
                Value::Sequence {
                    items: expanded,
                    flow: *flow,
                }
            }
            Value::Mapping { entries, flow } => {
                let mut expanded = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let (k, jk) = self.expand(k)?;
                    let (v, jv) = self.expand(v)?;
                    inner += jk + jv;
                    expanded.push((k, v));
                }
                Value::Mapping {
                    entries: expanded,
                    flow: *flow,
                }
            }
        };
        let out = Node {
            value,
            range: node.range.clone(),
            anchor: node.anchor.clone(),
        };
        if let Some(name) = &node.anchor {
            self.anchors.insert(name.clone(), (out.clone(), inner));
        }
        Ok((out, inner))
    }
}

/// The largest character boundary of `text` at or before `offset` (clamped to the text).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary of `text` at or after `offset` (clamped to the text).
pub fn ceil_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.range.clone()]
    }

    #[test]
    fn nodes_carry_their_byte_ranges_in_block_and_flow_yaml() {
        let text = "name: Tràin # c\ninputs:\n- {name: Output dir, type: GCSPath}\n- name: x\n  type: {Integer: {a: 1}}\nimplementation:\n  container:\n    command: [echo, {inputValue: x}]\n";
        let docs = parse(text).unwrap();
        let root = &docs[0];
        assert_eq!(at(text, root.get("name").unwrap()), "Tràin");
        let inputs = root.get("inputs").unwrap().items();
        assert_eq!(at(text, &inputs[0]), "{name: Output dir, type: GCSPath}");
        assert_eq!(at(text, inputs[0].get("type").unwrap()), "GCSPath");
        assert_eq!(
            at(text, inputs[1].get("type").unwrap()),
            "{Integer: {a: 1}}"
        );
        assert_eq!(at(text, &inputs[1]), "name: x\n  type: {Integer: {a: 1}}");
        let command = root
            .get("implementation")
            .and_then(|i| i.get("container"))
            .and_then(|c| c.get("command"))
            .unwrap();
        assert_eq!(at(text, &command.items()[1]), "{inputValue: x}");
    }

    #[test]
    fn broken_yaml_is_an_error_at_its_position() {
        let text = "name: a\ninputs: [{name: x}\nimplementation: {}\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.starts_with("invalid YAML:"), "{}", err.message);
        assert!(err.offset > 8 && err.offset <= text.len(), "{}", err.offset);
    }

    #[test]
    fn alias_bombs_are_refused_not_expanded() {
        let mut text = String::from("a: &a [x, x]\n");
        for i in 0..=MAX_ALIASES {
            text.push_str(&format!("k{i}: *a\n"));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
        // A few aliases are fine, and stay unexpanded.
        let docs = parse("a: &a [x]\nb: *a\n").unwrap();
        assert_eq!(docs[0].get("b").unwrap().value, Value::Alias("a".into()));
        let expanded = expand_aliases(&docs[0]).unwrap();
        assert_eq!(expanded.get("b").unwrap().items()[0].as_str(), Some("x"));
        // A bomb within the alias count is refused when expanded.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let docs = parse(&bomb).unwrap();
        assert_eq!(
            expand_aliases(&docs[0]).unwrap_err(),
            AliasError::RepetitionLimitExceeded
        );
        let docs = parse("a: *nowhere\n").unwrap();
        assert_eq!(
            expand_aliases(&docs[0]).unwrap_err(),
            AliasError::UnknownAnchor(3)
        );
    }
}
