//! The v1 component spec (kfp 1.8.22 `components/_structures.py`): typed accessors over the positioned tree.
//!
//! There is one reading of a spec, `spans`' tree; this module names its parts (`inputs()`, `container()`,
//! `graph()`) so that the rules, `convert`, the IR writer, the project index and the Python rules that look
//! into inline specs all read the same fields the same way, with positions at hand. `read` checks the shape
//! kfp-upgrade has always required of a spec before any rule runs (`shape`).

use super::scalar;
use super::spans::{Node, Value, YamlError};

/// A v1 component spec: the root mapping of its document.
#[derive(Debug, Clone, Copy)]
pub struct ComponentSpec<'n> {
    pub root: &'n Node,
}

impl<'n> ComponentSpec<'n> {
    /// The spec held by `root`, the first of `documents` documents, once its shape is checked.
    pub fn read(root: &'n Node, documents: usize, text: &str) -> Result<Self, YamlError> {
        super::shape::check_spec(root, documents).map_err(|e| YamlError {
            message: format!("invalid v1 component spec: {}", e.display(text)),
            offset: e.at.unwrap_or(root.range.start),
        })?;
        Ok(Self { root })
    }

    /// Checks that the spec, fixed, is still a document `convert` can read: one document, no mapping with a
    /// repeated key anywhere (`read` checks only the fields a spec has).
    pub fn read_document(root: &'n Node, documents: usize, text: &str) -> Result<Self, YamlError> {
        super::shape::check_document(root, documents).map_err(|e| YamlError {
            message: format!("invalid v1 component spec: {}", e.display(text)),
            offset: e.at.unwrap_or(0),
        })?;
        Ok(Self { root })
    }

    /// Any document read as a spec, as long as it holds no mapping with a repeated key (a spec in a Python
    /// string, which may not be one: every field is optional).
    pub fn read_any(root: &'n Node) -> Option<Self> {
        super::shape::check_value(root).ok()?;
        Some(Self { root })
    }

    /// `name:` as kfp 1 reads it (any scalar's text), `None` when absent or null.
    pub fn name(&self) -> Option<&'n str> {
        self.root
            .get("name")
            .filter(|n| !scalar::is_null_node(n))
            .and_then(Node::as_str)
    }

    /// `name:` when it is a string.
    pub fn name_string(&self) -> Option<&'n str> {
        self.root.get("name").and_then(scalar::string)
    }

    /// `description:` when it is a string.
    pub fn description(&self) -> Option<&'n str> {
        self.root.get("description").and_then(scalar::string)
    }

    /// The entries of `inputs:` that have a name.
    pub fn inputs(&self) -> Vec<Port<'n>> {
        ports(self.root, "inputs")
    }

    /// The entries of `outputs:` that have a name.
    pub fn outputs(&self) -> Vec<Port<'n>> {
        ports(self.root, "outputs")
    }

    /// Every item of `inputs:` or `outputs:`, named or not (`key` is `"inputs"` or `"outputs"`).
    pub fn port_items(&self, key: &str) -> &'n [Node] {
        self.root.get(key).map_or(&[], Node::items)
    }

    pub fn implementation(&self) -> Option<&'n Node> {
        self.root.get("implementation")
    }

    /// `implementation.container`.
    pub fn container(&self) -> Option<Container<'n>> {
        self.implementation()
            .and_then(|i| i.get("container"))
            .map(|node| Container { node })
    }

    /// `implementation.graph`: its key and value.
    pub fn graph(&self) -> Option<(&'n Node, &'n Node)> {
        self.implementation().and_then(|i| i.entry("graph"))
    }

    pub fn metadata(&self) -> Option<&'n Node> {
        self.root.get("metadata")
    }
}

/// One declared input or output.
#[derive(Debug, Clone, Copy)]
pub struct Port<'n> {
    /// The whole entry (`{name: x, type: String}`).
    pub node: &'n Node,
    /// `name:` as kfp 1 reads it.
    pub name: &'n str,
    pub name_node: &'n Node,
    pub type_node: Option<&'n Node>,
}

fn ports<'n>(root: &'n Node, key: &str) -> Vec<Port<'n>> {
    let Some(list) = root.get(key) else {
        return vec![];
    };
    list.items().iter().filter_map(Port::of).collect()
}

impl<'n> Port<'n> {
    /// The port an item of `inputs:`/`outputs:` declares, when it has a name.
    pub fn of(node: &'n Node) -> Option<Self> {
        let (_, name_node) = node.entry("name")?;
        Some(Port {
            node,
            name: name_node.as_str()?,
            name_node,
            type_node: node.get("type"),
        })
    }

    /// The v2 type of the declared type: dict-form types (`{GCSPath: {...}}`, even `{String: {...}}`) and
    /// untyped ports load as artifacts.
    pub fn v2_type(&self) -> V2Type {
        match self.type_node.and_then(Node::as_str) {
            Some(s) => v2_type(Some(s)),
            None => V2Type::Artifact,
        }
    }

    /// The type when it is a string (`None` for an untyped port, a dict-form type, or a number).
    pub fn type_string(&self) -> Option<&'n str> {
        self.type_node.and_then(scalar::string)
    }

    /// The parameter type of a string type; `None` for an artifact.
    pub fn parameter_type(&self) -> Option<&'static str> {
        match v2_type(self.type_string()) {
            V2Type::Parameter(p) => Some(p),
            _ => None,
        }
    }

    /// The name of a dict-form type (`{Integer: {...}}` → `Integer`), when it is a string.
    pub fn dict_type_name(&self) -> Option<&'n str> {
        self.type_node
            .and_then(|t| t.entries().first())
            .and_then(|(k, _)| scalar::string(k))
    }

    /// `name:` when it is a string.
    pub fn name_string(&self) -> Option<&'n str> {
        scalar::string(self.name_node)
    }

    /// `default:`, null included.
    pub fn default(&self) -> Option<&'n Node> {
        self.node.get("default")
    }

    /// Whether the port has a default that is not null.
    pub fn has_default(&self) -> bool {
        self.default().is_some_and(|d| !scalar::is_null_node(d))
    }

    /// `optional: true`.
    pub fn optional(&self) -> bool {
        self.node.get("optional").and_then(scalar::boolean) == Some(true)
    }
}

/// `implementation.container`.
#[derive(Debug, Clone, Copy)]
pub struct Container<'n> {
    pub node: &'n Node,
}

impl<'n> Container<'n> {
    pub fn image(&self) -> Option<&'n Node> {
        self.node.get("image")
    }

    pub fn command(&self) -> Option<&'n Node> {
        self.node.get("command")
    }

    /// `command` then `args`, each with its key, when present.
    pub fn command_line(&self) -> impl Iterator<Item = (&'static str, &'n Node)> + use<'n> {
        let node = self.node;
        ["command", "args"]
            .into_iter()
            .filter_map(move |k| node.get(k).map(|v| (k, v)))
    }

    /// `fileOutputs`: its key and value.
    pub fn file_outputs(&self) -> Option<(&'n Node, &'n Node)> {
        self.node.entry("fileOutputs")
    }

    pub fn env(&self) -> Option<&'n Node> {
        self.node.get("env")
    }
}

/// A scalar node's text as a command-line element, default or image prints (`None` for null or a
/// collection).
pub fn scalar_text(node: &Node) -> Option<String> {
    scalar::of(node).and_then(|s| s.text())
}

/// Whether a node is a sequence.
pub fn is_sequence(node: &Node) -> bool {
    matches!(node.value, Value::Sequence { .. })
}

/// What kfp 2.17.3 makes of a v1 `type:`
/// (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/types/type_utils.py>): a parameter type
/// (its canonical v1 spelling) or an artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum V2Type {
    Parameter(&'static str),
    Artifact,
    /// `PipelineTaskFinalStatus`.
    Special,
}

/// The v2 type of a v1 type given as a scalar (`None`: no type).
pub fn v2_type(v1: Option<&str>) -> V2Type {
    let Some(t) = v1 else {
        return V2Type::Artifact;
    };
    let lower = t.to_ascii_lowercase();
    let param = match lower.as_str() {
        "integer" | "int" => "Integer",
        "float" | "double" => "Float",
        "string" | "str" | "text" => "String",
        "bool" | "boolean" => "Boolean",
        "jsonobject" | "dict" => "JsonObject",
        "jsonarray" | "list" => "JsonArray",
        "pipelinetaskfinalstatus" => return V2Type::Special,
        l if l.starts_with("typing.list[") || l.starts_with("list[") => "JsonArray",
        l if l.starts_with("typing.dict[") || l.starts_with("dict[") => "JsonObject",
        _ => return V2Type::Artifact,
    };
    V2Type::Parameter(param)
}
