//! `kfp-upgrade convert component.yaml`: a v1 component spec as a kfp 2 Python module with an equivalent
//! `@dsl.container_component`.
//!
//! The spec is first fixed in memory with every YAML fix (KFP501 types, KFP503's `fileOutputs` wrapper), so
//! the module behaves like the fixed spec kfp 2 loads; `tests/yaml_convert.rs` proves that kfp 2.17.3
//! compiles the module to the same interface and container as it compiles the loaded spec.

use super::model::{self, ComponentSpec, Port, V2Type, scalar_text};
use super::placeholders::{self, Element, Kind, PortUse};
use super::scalar;
use super::spans::Node;
use crate::components::{InputKind, ValueType, sanitize};
use crate::settings::RuleSelection;
use crate::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("{0}")]
    Yaml(#[from] super::spans::YamlError),
    #[error("not a v1 component spec (no top-level `implementation:`)")]
    NotComponent,
    #[error("cannot convert: {0}")]
    Unsupported(String),
}

fn unsupported<T>(what: impl Into<String>) -> Result<T, ConvertError> {
    Err(ConvertError::Unsupported(what.into()))
}

/// A Python string literal (JSON's escapes are Python's).
fn py_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// `dsl.<Class>` for a v1 artifact type (kfp 2 keeps the system types, every other one is `Artifact`).
fn artifact_class(v1: Option<&Node>) -> String {
    let name = v1.and_then(scalar::string).unwrap_or("Artifact");
    format!("dsl.{}", crate::components::artifact_class(name))
}

fn python_type(param: &str) -> &'static str {
    match param {
        "Integer" => "int",
        "Float" => "float",
        "Boolean" => "bool",
        "JsonObject" => "dict",
        "JsonArray" => "list",
        _ => "str",
    }
}

/// The Python default for a v1 default string of a parameter type, as kfp 2 deserialises it.
fn default_literal(param: &str, default: &Node) -> Result<String, ConvertError> {
    let text = scalar_text(default).unwrap_or_default();
    let bad = || ConvertError::Unsupported(format!("default `{text}` is not a valid {param}"));
    Ok(match param {
        "Integer" => text.trim().parse::<i64>().map_err(|_| bad())?.to_string(),
        "Float" => {
            let f: f64 = text.trim().parse().map_err(|_| bad())?;
            format!("{f:?}")
        }
        "Boolean" => match text.to_ascii_lowercase().as_str() {
            "y" | "yes" | "t" | "true" | "on" | "1" => "True".into(),
            "n" | "no" | "f" | "false" | "off" | "0" => "False".into(),
            _ => return Err(bad()),
        },
        "JsonObject" | "JsonArray" => crate::python::json_literals::py_literal(
            &serde_json::from_str::<serde_json::Value>(&text).map_err(|_| bad())?,
        ),
        _ => py_str(&text),
    })
}

/// A declared input or output as the module names it.
struct Param<'n> {
    v1: String,
    ident: String,
    /// `Some(parameter type)` or `None` for an artifact.
    param: Option<&'static str>,
    v1_type: Option<&'n Node>,
}

fn port_type(t: Option<&Node>) -> Option<&'static str> {
    match model::v2_type(t.and_then(scalar::string)) {
        V2Type::Parameter(p) => Some(p),
        _ => None,
    }
}

fn ident(v1: &str) -> Result<String, ConvertError> {
    let s = sanitize(v1);
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        return unsupported(format!("`{v1}` has no Python name"));
    }
    Ok(s)
}

struct Converter<'n> {
    inputs: Vec<Param<'n>>,
    outputs: Vec<Param<'n>>,
}

impl<'n> Converter<'n> {
    fn input(&self, name: &Node) -> Result<&Param<'n>, ConvertError> {
        let name = scalar::string(name).unwrap_or_default();
        self.inputs
            .iter()
            .find(|p| p.v1 == name)
            .ok_or_else(|| ConvertError::Unsupported(format!("unknown input `{name}`")))
    }

    fn output(&self, name: &Node) -> Result<&Param<'n>, ConvertError> {
        let name = scalar::string(name).unwrap_or_default();
        self.outputs
            .iter()
            .find(|p| p.v1 == name)
            .ok_or_else(|| ConvertError::Unsupported(format!("unknown output `{name}`")))
    }

    /// A list of elements (a single element is a list of one).
    fn list(&self, v: &Node) -> Result<String, ConvertError> {
        if !model::is_sequence(v) {
            return Ok(format!("[{}]", self.element(v)?));
        }
        Ok(format!(
            "[{}]",
            v.items()
                .iter()
                .map(|i| self.element(i))
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        ))
    }

    /// One command-line element.
    fn element(&self, v: &Node) -> Result<String, ConvertError> {
        let p = match placeholders::element(v) {
            Element::Scalar(n) => {
                return match scalar_text(n) {
                    Some(s) => Ok(py_str(&s)),
                    None => unsupported(NEITHER),
                };
            }
            Element::Other(_) => return unsupported(NEITHER),
            Element::Mapping(_) => return unsupported(SEVERAL_KEYS),
            Element::Placeholder(p) => p,
        };
        let key = p.key;
        match p.kind {
            Kind::Port(PortUse::InputValue, name) => {
                let p = self.input(name)?;
                match p.param {
                    Some(_) => Ok(p.ident.clone()),
                    None => unsupported(format!("`inputValue` on the artifact input `{}`", p.v1)),
                }
            }
            Kind::Port(u @ (PortUse::InputPath | PortUse::InputUri), name) => {
                let p = self.input(name)?;
                if p.param.is_some() {
                    return unsupported(format!("`{key}` on the parameter input `{}`", p.v1));
                }
                let attr = if u == PortUse::InputPath {
                    "path"
                } else {
                    "uri"
                };
                Ok(format!("{}.{attr}", p.ident))
            }
            Kind::Port(PortUse::OutputPath, name) => {
                let p = self.output(name)?;
                Ok(match p.param {
                    Some(_) => p.ident.clone(),
                    None => format!("{}.path", p.ident),
                })
            }
            Kind::Port(PortUse::OutputUri, name) => {
                let p = self.output(name)?;
                if p.param.is_some() {
                    return unsupported(format!("`outputUri` on the parameter output `{}`", p.v1));
                }
                Ok(format!("{}.uri", p.ident))
            }
            Kind::Concat => {
                if !model::is_sequence(p.value) {
                    return unsupported("`concat` without a list");
                }
                let parts = p
                    .value
                    .items()
                    .iter()
                    .map(|i| self.element(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("dsl.ConcatPlaceholder([{}])", parts.join(", ")))
            }
            Kind::If(b) => {
                let Some(name) = b.is_present() else {
                    return unsupported("an `if` whose condition is not `isPresent` (KFP505)");
                };
                let p = self.input(name)?;
                // A list branch stays a list, a single element stays single (kfp renders them apart).
                let branch = |b: &Node| {
                    if model::is_sequence(b) {
                        self.list(b)
                    } else {
                        self.element(b)
                    }
                };
                let then = match b.then {
                    Some(t) => branch(t)?,
                    None => "[]".to_string(),
                };
                let mut out = format!(
                    "dsl.IfPresentPlaceholder(input_name={}, then={then}",
                    py_str(&p.ident),
                );
                if let Some(e) = b.else_ {
                    out.push_str(&format!(", else_={}", branch(e)?));
                }
                out.push(')');
                Ok(out)
            }
            Kind::Unknown if scalar::string(p.key_node).is_none() => unsupported(SEVERAL_KEYS),
            Kind::IfPresent(_) | Kind::Kfp1Only | Kind::Unknown => {
                unsupported(format!("the `{key}` placeholder"))
            }
        }
    }
}

const NEITHER: &str = "a command-line element that is neither a string nor a placeholder";
const SEVERAL_KEYS: &str = "a placeholder with several keys";

/// A spec after every YAML fix, read: its document, aliases followed.
pub struct FixedSpec {
    root: Node,
    text: String,
}

impl FixedSpec {
    pub fn spec(&self) -> ComponentSpec<'_> {
        ComponentSpec { root: &self.root }
    }

    /// The fixed text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Every YAML fix but KFP504's, which replaces a graph by its IR: the converters read the graph itself.
fn spec_fixes() -> RuleSelection {
    RuleSelection {
        ignore: vec![crate::registry::id::KFP504.to_string()],
        ..RuleSelection::default()
    }
}

/// The spec `text` after every YAML fix, parsed; an error unless it is a v1 component spec.
pub fn fixed_spec(text: &str) -> Result<FixedSpec, ConvertError> {
    let source = SourceFile::new(
        std::path::Path::new("component.yaml"),
        text.to_string(),
        false,
    );
    let fixed = super::check::fix(&source, &spec_fixes(), true)?.text;
    let documents = super::spans::parse(&fixed)?;
    if documents
        .first()
        .is_none_or(|root| super::kind::classify(root) != super::kind::Kind::Component)
    {
        return Err(ConvertError::NotComponent);
    }
    let root = &documents[0];
    ComponentSpec::read_document(root, documents.len(), &fixed)?;
    // `read_document` has expanded them once already: this cannot fail.
    let root = super::spans::expand_aliases(root)
        .map_or_else(|_| root.clone(), std::borrow::Cow::into_owned);
    Ok(FixedSpec { root, text: fixed })
}

/// What a graph task's `componentRef` (a `url`, maybe with a `digest`) reads as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChildSpec {
    /// The child's spec text.
    Text(String),
    /// Not at hand, and why (the Python module then loads it at run time, untyped here; the IR cannot be
    /// written).
    Unavailable(String),
}

/// The spec of a graph task's `componentRef`; an error when it must not be used (a digest that does not
/// match).
pub type ChildSpecs<'a> = &'a dyn Fn(&Node) -> Result<ChildSpec, String>;

/// Converts the v1 component spec `text` to a kfp 2 Python module.
pub fn to_python(text: &str) -> Result<String, ConvertError> {
    to_python_with(text, &|_| Ok(ChildSpec::Unavailable(String::new())))
}

/// `to_python`, reading a graph's child specs with `children` so its constants and untyped inputs get the
/// children's types.
pub fn to_python_with(text: &str, children: ChildSpecs) -> Result<String, ConvertError> {
    let fixed = fixed_spec(text)?;
    let spec = fixed.spec();
    if let Some((_, graph)) = spec.graph() {
        return graph_to_python(&spec, graph, children);
    }
    let Some(container) = spec.container() else {
        return unsupported("no `implementation.container`");
    };
    if container.env().is_some() {
        return unsupported(
            "`env`: `dsl.ContainerSpec` has no environment (load the YAML instead)",
        );
    }
    let Some(image) = container.image().and_then(scalar_text) else {
        return unsupported("no `image`");
    };
    type Declared<'n> = (Param<'n>, Option<&'n Node>, bool);
    let ports = |key: &str| -> Result<Vec<Declared>, ConvertError> {
        spec.port_items(key)
            .iter()
            .map(|item| {
                let port = Port::of(item).filter(|p| p.name_string().is_some());
                let Some(port) = port else {
                    return unsupported(format!("a nameless entry in `{key}`"));
                };
                let v1 = port.name;
                Ok((
                    Param {
                        v1: v1.to_string(),
                        ident: ident(v1)?,
                        param: port.parameter_type(),
                        v1_type: port.type_node,
                    },
                    port.default(),
                    port.optional(),
                ))
            })
            .collect()
    };
    let inputs = ports("inputs")?;
    let outputs = ports("outputs")?;
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for (p, default, is_optional) in &inputs {
        let annotation = match p.param {
            Some(t) => python_type(t).to_string(),
            None => format!("dsl.Input[{}]", artifact_class(p.v1_type)),
        };
        match (default, p.param) {
            (Some(d), Some(t)) => optional.push(format!(
                "{}: {annotation} = {}",
                p.ident,
                default_literal(t, d)?
            )),
            (Some(_), None) => {
                return unsupported(format!("a default for the artifact input `{}`", p.v1));
            }
            (None, _) if *is_optional => optional.push(format!("{}: {annotation} = None", p.ident)),
            (None, _) => required.push(format!("{}: {annotation}", p.ident)),
        }
    }
    for (p, _, _) in &outputs {
        let annotation = match p.param {
            Some(t) => format!("dsl.OutputPath({})", python_type(t)),
            None => format!("dsl.Output[{}]", artifact_class(p.v1_type)),
        };
        required.push(format!("{}: {annotation}", p.ident));
    }
    let converter = Converter {
        inputs: inputs.into_iter().map(|(p, _, _)| p).collect(),
        outputs: outputs.into_iter().map(|(p, _, _)| p).collect(),
    };
    let mut spec_args = vec![format!("image={}", py_str(&image))];
    for (key, v) in container.command_line() {
        spec_args.push(format!("{key}={}", converter.list(v)?));
    }
    let name = spec.name_string().unwrap_or("component");
    let function = ident(name)?;
    let params: Vec<String> = required.into_iter().chain(optional).collect();
    let mut out = String::new();
    out.push_str(&format!(
        "\"\"\"kfp 2 container component converted from the v1 component spec `{name}` by kfp-upgrade.\"\"\"\n\n"
    ));
    out.push_str("from kfp import dsl\n\n\n@dsl.container_component\n");
    out.push_str(&format!("def {function}(\n"));
    for p in &params {
        out.push_str(&format!("    {p},\n"));
    }
    out.push_str("):\n");
    if let Some(d) = spec.description() {
        out.push_str(&format!("    {}\n", py_str(d.trim_end())));
    }
    out.push_str("    return dsl.ContainerSpec(\n");
    for a in &spec_args {
        out.push_str(&format!("        {a},\n"));
    }
    out.push_str("    )\n");
    Ok(out)
}

/// One task of a graph component.
struct Task {
    id: String,
    var: String,
    loader: String,
    /// `(kfp 2 keyword, Python expression)`.
    arguments: Vec<(String, String)>,
    depends: Vec<String>,
}

/// A graph component as a `@dsl.pipeline` module: each task's component is loaded (a relative `url` as a
/// file beside the YAML, an `http(s)` URL with `load_component_from_url`, an inline `spec` from its text,
/// The kfp 2 parameter type (v1 spelling) of a child input, for typing a graph input it consumes.
fn parameter_of(kind: InputKind) -> Option<&'static str> {
    match kind {
        InputKind::Value(ValueType::Str) => Some("String"),
        InputKind::Value(ValueType::Int) => Some("Integer"),
        InputKind::Value(ValueType::Float) => Some("Float"),
        InputKind::Value(ValueType::Bool) => Some("Boolean"),
        InputKind::Value(ValueType::List) => Some("JsonArray"),
        InputKind::Value(ValueType::Dict) => Some("JsonObject"),
        _ => None,
    }
}

/// A string constant of a graph argument as the Python value of the child input's type: kfp 2 checks it
/// (`'6'` into an `Integer` input is `InconsistentTypeException`), kfp 1 converted it. Kept a string when
/// the type is unknown or the text is not a value of it.
fn typed_constant(text: &str, kind: Option<InputKind>) -> String {
    let t = text.trim();
    let typed = match kind {
        Some(InputKind::Value(ValueType::Int)) => t.parse::<i64>().ok().map(|i| i.to_string()),
        Some(InputKind::Value(ValueType::Float)) => t
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| format!("{f:?}")),
        Some(InputKind::Value(ValueType::Bool)) => match t.to_ascii_lowercase().as_str() {
            "true" => Some("True".into()),
            "false" => Some("False".into()),
            _ => None,
        },
        Some(InputKind::Value(k @ (ValueType::List | ValueType::Dict))) if !t.is_empty() => {
            crate::python::json_literals::from_json_text(t, k)
        }
        _ => None,
    };
    typed.unwrap_or_else(|| py_str(text))
}

/// fixed like any spec), graph inputs become pipeline parameters and `outputValues` the return value.
fn graph_to_python(
    spec: &ComponentSpec,
    graph: &Node,
    children: ChildSpecs,
) -> Result<String, ConvertError> {
    let name = spec.name_string().unwrap_or("pipeline");
    let function = ident(name)?;
    let mut params_required = Vec::new();
    let mut params_optional = Vec::new();
    let mut inputs = Vec::new();
    let mut ports = Vec::new();
    for item in spec.port_items("inputs") {
        let Some(port) = Port::of(item).filter(|p| p.name_string().is_some()) else {
            return unsupported("a nameless input");
        };
        inputs.push((port.name.to_string(), ident(port.name)?));
        ports.push(port);
    }
    let Some(task_map) = graph.get("tasks").filter(|t| t.is_mapping()) else {
        return unsupported("a graph without `tasks`");
    };
    let embedded = super::ir_graph::embedded_children(spec, graph, children);
    let mut loaders = Vec::new();
    let mut tasks = Vec::new();
    // `(graph input, child input kind)` for every graph input a task consumes.
    let mut consumers: Vec<(String, InputKind)> = Vec::new();
    for (id, task) in task_map.entries() {
        let id = scalar::string(id)
            .ok_or_else(|| ConvertError::Unsupported("a task id that is not a string".into()))?;
        let var = format!("{}_task", ident(id)?);
        let op = format!("{}_op", ident(id)?);
        let reference = task.get("componentRef");
        let mut child_text = None;
        let embedded_text = embedded.iter().find(|(t, _)| t == id).map(|(_, e)| e);
        let loader = if let Some(inline) = reference.and_then(|r| r.get("spec")) {
            let text = serde_yaml::to_string(&to_value(inline)?)
                .map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")))?;
            let fixed = match embedded_text {
                Some(e) => e.clone(),
                None => {
                    let source = SourceFile::new(std::path::Path::new("task.yaml"), text, false);
                    super::check::fix(&source, &spec_fixes(), true)?.text
                }
            };
            child_text = Some(fixed.clone());
            format!(
                "{op} = components.load_component_from_text({})",
                py_str(&fixed)
            )
        } else if let Some(url) = reference
            .and_then(|r| r.get("url"))
            .and_then(scalar::string)
        {
            if url.starts_with("http://") || url.starts_with("https://") {
                format!("{op} = components.load_component_from_url({})", py_str(url))
            } else {
                let path = url.trim_start_matches("file://");
                format!(
                    "{op} = components.load_component_from_file(os.path.join(_HERE, {}))",
                    py_str(path)
                )
            }
        } else {
            return unsupported(format!(
                "task `{id}` names its component without a `spec` or `url`"
            ));
        };
        let mut loader = loader;
        if child_text.is_none()
            && let Some(reference) = reference
        {
            let child = children(reference)
                .map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")))?;
            if let ChildSpec::Text(text) = child {
                // A child kfp 2 cannot load as it is (KFP501, KFP503, an untyped input fed a parameter) is
                // loaded from its text as the IR embeds it.
                child_text = Some(match embedded_text {
                    Some(fixed) if *fixed != text => {
                        let url = reference
                            .get("url")
                            .and_then(scalar::string)
                            .unwrap_or_default();
                        loader = format!(
                            "# {url}, fixed for kfp 2 by kfp-upgrade\n{op} = components.load_component_from_text({})",
                            py_str(fixed)
                        );
                        fixed.clone()
                    }
                    _ => text,
                });
            }
        }
        loaders.push(loader);
        let child = child_text.and_then(|t| crate::yaml::interface::component("op", &t));
        let kind_of = |k: &str| {
            child.as_ref().and_then(|c| {
                c.inputs
                    .iter()
                    .find(|i| i.v2_name == sanitize(k))
                    .map(|i| i.kind)
            })
        };
        let mut arguments = Vec::new();
        let mut depends = Vec::new();
        for (k, v) in task.get("arguments").map_or(&[][..], Node::entries) {
            let k = scalar::string(k).unwrap_or_default();
            let expr = if let Some(g) = v.get("graphInput") {
                let input = g
                    .get("inputName")
                    .and_then(scalar::string)
                    .unwrap_or_default();
                if let Some(kind) = kind_of(k) {
                    consumers.push((input.to_string(), kind));
                }
                inputs
                    .iter()
                    .find(|(v1, _)| v1 == input)
                    .map(|(_, id)| id.clone())
                    .ok_or_else(|| {
                        ConvertError::Unsupported(format!("unknown graph input `{input}`"))
                    })?
            } else if let Some(t) = v.get("taskOutput") {
                let (from, output) = task_output(t);
                depends.push(from.to_string());
                format!(
                    "{}_task.outputs[{}]",
                    ident(from)?,
                    py_str(&sanitize(output))
                )
            } else if let Some(text) = scalar_text(v) {
                typed_constant(&text, kind_of(k))
            } else {
                return unsupported(format!("the argument `{k}` of task `{id}`"));
            };
            arguments.push((sanitize(k), expr));
        }
        tasks.push(Task {
            id: id.to_string(),
            var,
            loader: op,
            arguments,
            depends,
        });
    }
    for port in &ports {
        let v1 = port.name;
        let id = ident(v1)?;
        // An untyped graph input is typed like the first child input that consumes it.
        let param = port.parameter_type().or_else(|| match port.type_node {
            None => consumers
                .iter()
                .find(|(input, _)| input == v1)
                .and_then(|(_, kind)| parameter_of(*kind)),
            Some(_) => None,
        });
        let annotation = match param {
            Some(p) => python_type(p).to_string(),
            None => format!("dsl.Input[{}]", artifact_class(port.type_node)),
        };
        match (port.default(), param) {
            (Some(d), Some(p)) => {
                params_optional.push(format!("{id}: {annotation} = {}", default_literal(p, d)?))
            }
            (Some(_), None) => {
                return unsupported(format!("a default for the artifact input `{v1}`"));
            }
            (None, _) if port.optional() => {
                params_optional.push(format!("{id}: {annotation} = None"))
            }
            (None, _) => params_required.push(format!("{id}: {annotation}")),
        }
    }
    let order = dependency_order(
        &tasks
            .iter()
            .map(|t| (t.id.as_str(), t.depends.as_slice()))
            .collect::<Vec<_>>(),
    )?;
    let mut tasks: Vec<Option<Task>> = tasks.into_iter().map(Some).collect();
    let ordered: Vec<Task> = order.iter().filter_map(|&i| tasks[i].take()).collect();
    // Outputs: a NamedTuple of them (its fields are the outputs' names).
    let mut outputs = Vec::new();
    for (k, v) in graph.get("outputValues").map_or(&[][..], Node::entries) {
        let k = scalar::string(k).unwrap_or_default();
        let Some(t) = v.get("taskOutput") else {
            return unsupported(format!("the output value `{k}`"));
        };
        let (from, output) = task_output(t);
        let declared = spec
            .port_items("outputs")
            .iter()
            .find(|o| o.get("name").and_then(scalar::string) == Some(k));
        let t = declared.and_then(|d| d.get("type"));
        let annotation = match port_type(t) {
            Some(p) => python_type(p).to_string(),
            None => artifact_class(t),
        };
        outputs.push((
            ident(k)?,
            annotation,
            format!(
                "{}_task.outputs[{}]",
                ident(from)?,
                py_str(&sanitize(output))
            ),
        ));
    }
    let mut out = format!(
        "\"\"\"kfp 2 pipeline converted from the v1 graph component `{name}` by kfp-upgrade.\"\"\"\n\n"
    );
    out.push_str("import os\n");
    if !outputs.is_empty() {
        out.push_str("from typing import NamedTuple\n");
    }
    out.push_str("\nfrom kfp import components, dsl\n\n_HERE = os.path.dirname(os.path.abspath(__file__))\n\n");
    for l in &loaders {
        out.push_str(l);
        out.push('\n');
    }
    // A `NamedTuple` even for one output: kfp 2 names a lone return value `Output`, and loaders of the graph
    // read its outputs under their own names.
    let returns = match outputs.len() {
        0 => String::new(),
        _ => format!(
            " -> NamedTuple(\"Outputs\", [{}])",
            outputs
                .iter()
                .map(|(n, t, _)| format!("(\"{n}\", {t})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let description = spec
        .description()
        .map(|d| format!(", description={}", py_str(d.trim_end())))
        .unwrap_or_default();
    out.push_str(&format!(
        "\n\n@dsl.pipeline(name={}{description})\ndef {function}(",
        py_str(&crate::python::handlers::pipeline_definition::sanitize_pipeline_name(name))
    ));
    let params: Vec<String> = params_required.into_iter().chain(params_optional).collect();
    out.push_str(&params.join(", "));
    out.push_str(&format!("){returns}:\n"));
    for t in &ordered {
        let args: Vec<String> = t
            .arguments
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push_str(&format!(
            "    {} = {}({})\n",
            t.var,
            t.loader,
            args.join(", ")
        ));
    }
    match outputs.len() {
        0 => {
            if ordered.is_empty() {
                out.push_str("    pass\n");
            }
        }
        _ => {
            let fields: Vec<String> = outputs.iter().map(|(n, _, e)| format!("{n}={e}")).collect();
            out.push_str(&format!(
                "    Outputs = NamedTuple(\"Outputs\", [{}])\n    return Outputs({})\n",
                outputs
                    .iter()
                    .map(|(n, t, _)| format!("(\"{n}\", {t})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                fields.join(", ")
            ));
        }
    }
    Ok(out)
}

/// The order a graph's tasks are called in: each task, in the graph's order, once the tasks it takes outputs
/// from are placed (`(id, ids it depends on)` in; indices out). kfp 2 names tasks in call order, so the Python
/// module and the IR must agree on it.
pub(super) fn dependency_order(tasks: &[(&str, &[String])]) -> Result<Vec<usize>, ConvertError> {
    let mut order: Vec<usize> = Vec::new();
    while order.len() < tasks.len() {
        let placed = |d: &String| order.iter().any(|&o| tasks[o].0 == d);
        let Some(i) =
            (0..tasks.len()).find(|i| !order.contains(i) && tasks[*i].1.iter().all(placed))
        else {
            return unsupported("a task that depends on an unknown task or a cycle");
        };
        order.push(i);
    }
    Ok(order)
}

/// `{taskOutput: {taskId, outputName}}`: the task and its output (empty when missing).
pub(super) fn task_output(t: &Node) -> (&str, &str) {
    let field = |k: &str| t.get(k).and_then(scalar::string).unwrap_or_default();
    (field("taskId"), field("outputName"))
}

/// An inline spec as a YAML value, for `serde_yaml` to write back as text (scalars keep their meaning).
pub(super) fn to_value(node: &Node) -> Result<serde_yaml::Value, ConvertError> {
    use super::spans::Value as Tree;
    use serde_yaml::Value;
    Ok(match &node.value {
        Tree::Scalar { .. } => match scalar::of(node) {
            Some(scalar::Scalar::Null) | None => Value::Null,
            Some(scalar::Scalar::Bool(b)) => Value::Bool(b),
            Some(scalar::Scalar::Int(i)) => match u64::try_from(i) {
                Ok(u) => Value::from(u),
                Err(_) => Value::from(i as i64),
            },
            Some(scalar::Scalar::Float(f)) => Value::from(f),
            Some(scalar::Scalar::Str(s)) => Value::String(s.to_string()),
            Some(scalar::Scalar::TooWide) => return unsupported("an integer wider than 64 bits"),
        },
        Tree::Sequence { items, .. } => {
            Value::Sequence(items.iter().map(to_value).collect::<Result<_, _>>()?)
        }
        Tree::Mapping { entries, .. } => {
            let mut m = serde_yaml::Mapping::new();
            for (k, v) in entries {
                m.insert(to_value(k)?, to_value(v)?);
            }
            Value::Mapping(m)
        }
        Tree::Alias(name) => return unsupported(format!("the alias `*{name}` in an inline spec")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_kfp2_python() {
        let text = "name: Train model\ninputs:\n- {name: Data, type: CSV}\n- {name: Epochs, type: Integer, default: '10'}\n- {name: Note, type: String, optional: true}\noutputs:\n- {name: Model, type: Model}\n- {name: Accuracy, type: Float}\nimplementation:\n  container:\n    image: python:3.11\n    command: [train, {inputPath: Data}, {concat: [--epochs=, {inputValue: Epochs}]}, {if: {cond: {isPresent: Note}, then: [--note, {inputValue: Note}]}}, {outputPath: Model}, {outputPath: Accuracy}]\n";
        let py = to_python(text).unwrap();
        assert!(py.contains("def train_model(\n    data: dsl.Input[dsl.Artifact],\n    model: dsl.Output[dsl.Model],\n    accuracy: dsl.OutputPath(float),\n    epochs: int = 10,\n    note: str = None,\n):"), "{py}");
        assert!(py.contains("command=[\"train\", data.path, dsl.ConcatPlaceholder([\"--epochs=\", epochs]), dsl.IfPresentPlaceholder(input_name=\"note\", then=[\"--note\", note]), model.path, accuracy]"), "{py}");
    }

    #[test]
    fn scalars_and_aliases_read_as_serde_yaml_read_them() {
        // Plain scalars keep their YAML meaning (`True` is the boolean, printed `true`; `0x10` is 16), and an
        // alias is the node it names.
        let text = "name: A\ninputs:\n- {name: N, type: Integer, default: 0x10}\nimplementation:\n  container:\n    image: &img busybox\n    command: &c [echo, 8080, True, 1e3, '0x10', {inputValue: N}]\n    args: *c\n";
        let py = to_python(text).unwrap();
        assert!(py.contains("n: int = 16,"), "{py}");
        assert!(
            py.contains("command=[\"echo\", \"8080\", \"true\", \"1000.0\", \"0x10\", n]"),
            "{py}"
        );
        assert!(
            py.contains("args=[\"echo\", \"8080\", \"true\", \"1000.0\", \"0x10\", n]"),
            "{py}"
        );
    }

    #[test]
    fn what_cannot_be_converted_is_an_error() {
        let graph = "name: G\nimplementation:\n  graph: {tasks: {t: {componentRef: {name: x}}}}\n";
        assert!(matches!(
            to_python(graph),
            Err(ConvertError::Unsupported(_))
        ));
        assert_eq!(to_python("a: 1\n"), Err(ConvertError::NotComponent));
    }
}
