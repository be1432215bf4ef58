//! The placeholders of a v1 container's `command` and `args` (kfp 1.8.22 `_structures.py`): what each
//! command-line element is, and the one walk over them.
//!
//! The rules (`rules`), the Python writer (`convert`) and the IR writer (`ir`) all start from `element`, so a
//! placeholder is recognised the same way everywhere; the rules visit every placeholder with `walk`, the
//! writers recurse through `Element` as they render.

use super::model::Container;
use super::spans::{Node, Value};

/// One command-line element.
#[derive(Debug, Clone, Copy)]
pub enum Element<'n> {
    /// A literal string, number or boolean (or null).
    Scalar(&'n Node),
    /// A one-key mapping: a placeholder.
    Placeholder(Placeholder<'n>),
    /// A mapping with no key or several keys.
    Mapping(&'n Node),
    /// A sequence or an alias.
    Other(&'n Node),
}

/// A placeholder: the whole node, its key as written, and what it is.
#[derive(Debug, Clone, Copy)]
pub struct Placeholder<'n> {
    pub node: &'n Node,
    pub key_node: &'n Node,
    pub key: &'n str,
    /// The value under the key.
    pub value: &'n Node,
    pub kind: Kind<'n>,
}

/// What a placeholder is.
#[derive(Debug, Clone, Copy)]
pub enum Kind<'n> {
    /// `{inputValue: x}` and its kin: the port's name node.
    Port(PortUse, &'n Node),
    /// `{concat: [...]}`: its items (the value itself).
    Concat,
    /// `{if: {cond: ..., then: ..., else: ...}}`.
    If(Branches<'n>),
    /// `{ifPresent: {then: ..., else: ...}}`.
    IfPresent(Branches<'n>),
    /// `inputMetadata`, `outputMetadata`, `inputOutputPortName`: kfp 1 only.
    Kfp1Only,
    /// Any other key (`executorInput`, a typo).
    Unknown,
}

/// The parts of a conditional placeholder.
#[derive(Debug, Clone, Copy)]
pub struct Branches<'n> {
    pub cond: Option<&'n Node>,
    pub then: Option<&'n Node>,
    pub else_: Option<&'n Node>,
}

impl<'n> Branches<'n> {
    /// The input of an `isPresent` condition.
    pub fn is_present(&self) -> Option<&'n Node> {
        self.cond.and_then(|c| c.get("isPresent"))
    }

    fn each(&self) -> impl Iterator<Item = &'n Node> + use<'n> {
        [self.then, self.else_].into_iter().flatten()
    }
}

/// How a placeholder uses an input or output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortUse {
    InputValue,
    InputPath,
    InputUri,
    OutputPath,
    OutputUri,
}

impl PortUse {
    fn of(key: &str) -> Option<Self> {
        Some(match key {
            "inputValue" => Self::InputValue,
            "inputPath" => Self::InputPath,
            "inputUri" => Self::InputUri,
            "outputPath" => Self::OutputPath,
            "outputUri" => Self::OutputUri,
            _ => return None,
        })
    }

    pub fn is_output(self) -> bool {
        matches!(self, Self::OutputPath | Self::OutputUri)
    }
}

/// What the command-line element `node` is.
pub fn element(node: &Node) -> Element<'_> {
    match &node.value {
        Value::Scalar { .. } => Element::Scalar(node),
        Value::Mapping { entries, .. } if entries.len() == 1 => {
            let (key_node, value) = (&entries[0].0, &entries[0].1);
            let Some(key) = key_node.as_str() else {
                return Element::Mapping(node);
            };
            let branches = || Branches {
                cond: value.get("cond"),
                then: value.get("then"),
                else_: value.get("else"),
            };
            let kind = match key {
                "concat" => Kind::Concat,
                "if" => Kind::If(branches()),
                "ifPresent" => Kind::IfPresent(branches()),
                "inputMetadata" | "outputMetadata" | "inputOutputPortName" => Kind::Kfp1Only,
                k => match PortUse::of(k) {
                    Some(u) => Kind::Port(u, value),
                    None => Kind::Unknown,
                },
            };
            Element::Placeholder(Placeholder {
                node,
                key_node,
                key,
                value,
                kind,
            })
        }
        Value::Mapping { .. } => Element::Mapping(node),
        _ => Element::Other(node),
    }
}

/// Visits every placeholder under `node` (a list, an element), those nested in `concat` and in conditional
/// branches included, in document order.
pub fn walk<'n>(node: &'n Node, visit: &mut impl FnMut(&Placeholder<'n>)) {
    if let Value::Sequence { items, .. } = &node.value {
        items.iter().for_each(|n| walk(n, visit));
        return;
    }
    let Element::Placeholder(p) = element(node) else {
        return;
    };
    visit(&p);
    match p.kind {
        Kind::Concat => walk(p.value, visit),
        Kind::If(b) | Kind::IfPresent(b) => b.each().for_each(|n| walk(n, visit)),
        _ => {}
    }
}

/// Visits every placeholder of a container's `command`, then of its `args`.
pub fn walk_container<'n>(container: &Container<'n>, visit: &mut impl FnMut(&Placeholder<'n>)) {
    for (_, list) in container.command_line() {
        walk(list, visit);
    }
}
