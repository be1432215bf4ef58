//! `kfp-upgrade convert component.yaml`: a v1 component spec as a kfp 2 Python module with an equivalent
//! `@dsl.container_component`.
//!
//! The spec is first fixed in memory with every YAML fix (KFP501 types, KFP503's `fileOutputs` wrapper), so
//! the module behaves like the fixed spec kfp 2 loads; `tests/it/yaml_convert.rs` proves that kfp 2.17.3
//! compiles the module to the same interface and container as it compiles the loaded spec.

use serde_yaml::Value;

use super::model::{self, V2Type};
use crate::components::{InputKind, ValueType, sanitize};
use crate::settings::RuleSelection;
use crate::source::SourceFile;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("{0}")]
    Yaml(#[from] super::YamlError),
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

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `dsl.<Class>` for a v1 artifact type (kfp 2 keeps the system types, every other one is `Artifact`).
fn artifact_class(v1: Option<&Value>) -> String {
    let name = v1.and_then(Value::as_str).unwrap_or("Artifact");
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
fn default_literal(param: &str, default: &Value) -> Result<String, ConvertError> {
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

struct Port {
    v1: String,
    ident: String,
    /// `Some(parameter type)` or `None` for an artifact.
    param: Option<&'static str>,
    v1_type: Option<Value>,
}

fn port_type(t: Option<&Value>) -> Option<&'static str> {
    match model::v2_type(t.and_then(Value::as_str)) {
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

struct Converter {
    inputs: Vec<Port>,
    outputs: Vec<Port>,
}

impl Converter {
    fn input(&self, name: &Value) -> Result<&Port, ConvertError> {
        let name = name.as_str().unwrap_or_default();
        self.inputs
            .iter()
            .find(|p| p.v1 == name)
            .ok_or_else(|| ConvertError::Unsupported(format!("unknown input `{name}`")))
    }

    fn output(&self, name: &Value) -> Result<&Port, ConvertError> {
        let name = name.as_str().unwrap_or_default();
        self.outputs
            .iter()
            .find(|p| p.v1 == name)
            .ok_or_else(|| ConvertError::Unsupported(format!("unknown output `{name}`")))
    }

    fn list(&self, v: &Value) -> Result<String, ConvertError> {
        match v {
            Value::Sequence(items) => Ok(format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| self.element(i))
                    .collect::<Result<Vec<_>, _>>()?
                    .join(", ")
            )),
            other => Ok(format!("[{}]", self.element(other)?)),
        }
    }

    /// One command-line element.
    fn element(&self, v: &Value) -> Result<String, ConvertError> {
        if let Some(s) = scalar_text(v) {
            return Ok(py_str(&s));
        }
        let Value::Mapping(m) = v else {
            return unsupported(
                "a command-line element that is neither a string nor a placeholder",
            );
        };
        let Some((Value::String(key), value)) = m.iter().next().filter(|_| m.len() == 1) else {
            return unsupported("a placeholder with several keys");
        };
        match key.as_str() {
            "inputValue" => {
                let p = self.input(value)?;
                match p.param {
                    Some(_) => Ok(p.ident.clone()),
                    None => unsupported(format!("`inputValue` on the artifact input `{}`", p.v1)),
                }
            }
            "inputPath" | "inputUri" => {
                let p = self.input(value)?;
                if p.param.is_some() {
                    return unsupported(format!("`{key}` on the parameter input `{}`", p.v1));
                }
                let attr = if key == "inputPath" { "path" } else { "uri" };
                Ok(format!("{}.{attr}", p.ident))
            }
            "outputPath" => {
                let p = self.output(value)?;
                Ok(match p.param {
                    Some(_) => p.ident.clone(),
                    None => format!("{}.path", p.ident),
                })
            }
            "outputUri" => {
                let p = self.output(value)?;
                if p.param.is_some() {
                    return unsupported(format!("`outputUri` on the parameter output `{}`", p.v1));
                }
                Ok(format!("{}.uri", p.ident))
            }
            "concat" => {
                let Value::Sequence(items) = value else {
                    return unsupported("`concat` without a list");
                };
                let parts = items
                    .iter()
                    .map(|i| self.element(i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("dsl.ConcatPlaceholder([{}])", parts.join(", ")))
            }
            "if" => {
                let cond = value.get("cond").and_then(|c| c.get("isPresent"));
                let Some(name) = cond else {
                    return unsupported("an `if` whose condition is not `isPresent` (KFP505)");
                };
                let p = self.input(name)?;
                // A list branch stays a list, a single element stays single (kfp renders them apart).
                let branch = |b: &Value| match b {
                    Value::Sequence(_) => self.list(b),
                    other => self.element(other),
                };
                let mut out = format!(
                    "dsl.IfPresentPlaceholder(input_name={}, then={}",
                    py_str(&p.ident),
                    branch(value.get("then").unwrap_or(&Value::Sequence(vec![])))?
                );
                if let Some(e) = value.get("else") {
                    out.push_str(&format!(", else_={}", branch(e)?));
                }
                out.push(')');
                Ok(out)
            }
            other => unsupported(format!("the `{other}` placeholder")),
        }
    }
}

/// The spec `text` after every YAML fix, parsed; an error unless it is a v1 component spec.
pub fn fixed_spec(text: &str) -> Result<Value, ConvertError> {
    let source = SourceFile::new(
        std::path::Path::new("component.yaml"),
        text.to_string(),
        false,
    );
    let fixed = super::fix(&source, &RuleSelection::default(), true)?.text;
    let documents = super::spans::parse(&fixed)?;
    if documents
        .first()
        .is_none_or(|root| super::classify(root) != super::Kind::Component)
    {
        return Err(ConvertError::NotComponent);
    }
    serde_yaml::from_str(&fixed).map_err(|e| {
        ConvertError::Yaml(super::YamlError {
            message: format!("invalid v1 component spec: {e}"),
            offset: e.location().map_or(0, |l| l.index()),
        })
    })
}

/// The spec text of a graph task's `componentRef` (a `url`, maybe with a `digest`): `Ok(None)` when it is not
/// at hand (the module then loads it at run time, untyped here), an error when it must not be used (a digest
/// that does not match).
pub type ChildSpecs<'a> = &'a dyn Fn(&Value) -> Result<Option<String>, String>;

/// Converts the v1 component spec `text` to a kfp 2 Python module.
pub fn to_python(text: &str) -> Result<String, ConvertError> {
    to_python_with(text, &|_| Ok(None))
}

/// `to_python`, reading a graph's child specs with `children` so its constants and untyped inputs get the
/// children's types.
pub fn to_python_with(text: &str, children: ChildSpecs) -> Result<String, ConvertError> {
    let spec = fixed_spec(text)?;
    let implementation = spec.get("implementation").cloned().unwrap_or(Value::Null);
    if let Some(graph) = implementation.get("graph") {
        return graph_to_python(&spec, graph, children);
    }
    let Some(container) = implementation.get("container") else {
        return unsupported("no `implementation.container`");
    };
    if container.get("env").is_some() {
        return unsupported(
            "`env`: `dsl.ContainerSpec` has no environment (load the YAML instead)",
        );
    }
    let Some(image) = container.get("image").and_then(scalar_text) else {
        return unsupported("no `image`");
    };
    let ports = |key: &str| -> Result<Vec<(Port, Option<Value>, bool)>, ConvertError> {
        let Some(Value::Sequence(items)) = spec.get(key) else {
            return Ok(vec![]);
        };
        items
            .iter()
            .map(|item| {
                let v1 = item.get("name").and_then(Value::as_str).ok_or_else(|| {
                    ConvertError::Unsupported(format!("a nameless entry in `{key}`"))
                })?;
                let t = item.get("type");
                let optional = item.get("optional").and_then(Value::as_bool) == Some(true);
                Ok((
                    Port {
                        v1: v1.to_string(),
                        ident: ident(v1)?,
                        param: port_type(t),
                        v1_type: t.cloned(),
                    },
                    item.get("default").cloned(),
                    optional,
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
            None => format!("dsl.Input[{}]", artifact_class(p.v1_type.as_ref())),
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
            None => format!("dsl.Output[{}]", artifact_class(p.v1_type.as_ref())),
        };
        required.push(format!("{}: {annotation}", p.ident));
    }
    let converter = Converter {
        inputs: inputs.into_iter().map(|(p, _, _)| p).collect(),
        outputs: outputs.into_iter().map(|(p, _, _)| p).collect(),
    };
    let mut spec_args = vec![format!("image={}", py_str(&image))];
    for key in ["command", "args"] {
        if let Some(v) = container.get(key) {
            spec_args.push(format!("{key}={}", converter.list(v)?));
        }
    }
    let name = spec
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("component");
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
    if let Some(d) = spec.get("description").and_then(Value::as_str) {
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
/// fixed like any spec), graph inputs become pipeline parameters and `outputValues` the return value.
fn graph_to_python(
    spec: &Value,
    graph: &Value,
    children: ChildSpecs,
) -> Result<String, ConvertError> {
    let name = spec
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("pipeline");
    let function = ident(name)?;
    let mut params_required = Vec::new();
    let mut params_optional = Vec::new();
    let mut inputs = Vec::new();
    let items = match spec.get("inputs") {
        Some(Value::Sequence(items)) => items.as_slice(),
        _ => &[],
    };
    for item in items {
        let v1 = item
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| ConvertError::Unsupported("a nameless input".into()))?;
        inputs.push((v1.to_string(), ident(v1)?));
    }
    let Some(Value::Mapping(task_map)) = graph.get("tasks") else {
        return unsupported("a graph without `tasks`");
    };
    let (loaders, mut tasks, consumers) = graph_tasks(task_map, &inputs, children)?;
    for item in items {
        let v1 = item.get("name").and_then(Value::as_str).unwrap_or_default();
        let t = item.get("type");
        let id = ident(v1)?;
        // An untyped graph input is typed like the first child input that consumes it.
        let param = port_type(t).or_else(|| match t {
            None => consumers
                .iter()
                .find(|(input, _)| input == v1)
                .and_then(|(_, kind)| parameter_of(*kind)),
            Some(_) => None,
        });
        let annotation = match param {
            Some(p) => python_type(p).to_string(),
            None => format!("dsl.Input[{}]", artifact_class(t)),
        };
        match (item.get("default"), param) {
            (Some(d), Some(p)) => {
                params_optional.push(format!("{id}: {annotation} = {}", default_literal(p, d)?))
            }
            (Some(_), None) => {
                return unsupported(format!("a default for the artifact input `{v1}`"));
            }
            (None, _) if item.get("optional").and_then(Value::as_bool) == Some(true) => {
                params_optional.push(format!("{id}: {annotation} = None"))
            }
            (None, _) => params_required.push(format!("{id}: {annotation}")),
        }
    }
    // Tasks in dependency order.
    let mut ordered: Vec<Task> = Vec::new();
    while !tasks.is_empty() {
        let Some(i) = tasks
            .iter()
            .position(|t| t.depends.iter().all(|d| ordered.iter().any(|o| &o.id == d)))
        else {
            return unsupported("a task that depends on an unknown task or a cycle");
        };
        ordered.push(tasks.remove(i));
    }
    graph_module(
        spec,
        graph,
        name,
        &function,
        params_required,
        params_optional,
        &loaders,
        ordered,
    )
}

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

/// The loader lines, the tasks, and `(graph input, child input kind)` for every graph input a task consumes.
#[allow(clippy::type_complexity)]
fn graph_tasks(
    task_map: &serde_yaml::Mapping,
    inputs: &[(String, String)],
    children: ChildSpecs,
) -> Result<(Vec<String>, Vec<Task>, Vec<(String, InputKind)>), ConvertError> {
    let mut loaders = Vec::new();
    let mut tasks = Vec::new();
    let mut consumers = Vec::new();
    for (id, task) in task_map {
        let id = id
            .as_str()
            .ok_or_else(|| ConvertError::Unsupported("a task id that is not a string".into()))?;
        let var = format!("{}_task", ident(id)?);
        let op = format!("{}_op", ident(id)?);
        let reference = task.get("componentRef").unwrap_or(&Value::Null);
        let mut child_text = None;
        let loader = if let Some(inline) = reference.get("spec") {
            let text = serde_yaml::to_string(inline)
                .map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")))?;
            child_text = Some(text.clone());
            let source = SourceFile::new(std::path::Path::new("task.yaml"), text, false);
            let fixed = super::fix(&source, &RuleSelection::default(), true)?.text;
            format!(
                "{op} = components.load_component_from_text({})",
                py_str(&fixed)
            )
        } else if let Some(url) = reference.get("url").and_then(Value::as_str) {
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
        loaders.push(loader);
        if child_text.is_none() {
            child_text = children(reference)
                .map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")))?;
        }
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
        if let Some(Value::Mapping(args)) = task.get("arguments") {
            for (k, v) in args {
                let k = k.as_str().unwrap_or_default();
                let expr = if let Some(g) = v.get("graphInput") {
                    let input = g
                        .get("inputName")
                        .and_then(Value::as_str)
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
                    let from = t.get("taskId").and_then(Value::as_str).unwrap_or_default();
                    let output = t
                        .get("outputName")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
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
        }
        tasks.push(Task {
            id: id.to_string(),
            var,
            loader: op,
            arguments,
            depends,
        });
    }
    Ok((loaders, tasks, consumers))
}

/// The module text of a converted graph.
#[allow(clippy::too_many_arguments)]
fn graph_module(
    spec: &Value,
    graph: &Value,
    name: &str,
    function: &str,
    params_required: Vec<String>,
    params_optional: Vec<String>,
    loaders: &[String],
    ordered: Vec<Task>,
) -> Result<String, ConvertError> {
    // Outputs: `-> type` for one, a NamedTuple for several.
    let mut outputs = Vec::new();
    if let Some(Value::Mapping(values)) = graph.get("outputValues") {
        for (k, v) in values {
            let k = k.as_str().unwrap_or_default();
            let Some(t) = v.get("taskOutput") else {
                return unsupported(format!("the output value `{k}`"));
            };
            let from = t.get("taskId").and_then(Value::as_str).unwrap_or_default();
            let output = t
                .get("outputName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let declared = spec
                .get("outputs")
                .and_then(Value::as_sequence)
                .and_then(|o| {
                    o.iter()
                        .find(|o| o.get("name").and_then(Value::as_str) == Some(k))
                });
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
    }
    let mut out = format!(
        "\"\"\"kfp 2 pipeline converted from the v1 graph component `{name}` by kfp-upgrade.\"\"\"\n\n"
    );
    out.push_str("import os\n");
    if outputs.len() > 1 {
        out.push_str("from typing import NamedTuple\n");
    }
    out.push_str("\nfrom kfp import components, dsl\n\n_HERE = os.path.dirname(os.path.abspath(__file__))\n\n");
    for l in loaders {
        out.push_str(l);
        out.push('\n');
    }
    let returns = match outputs.len() {
        0 => String::new(),
        1 => format!(" -> {}", outputs[0].1),
        _ => format!(
            " -> NamedTuple(\"Outputs\", [{}])",
            outputs
                .iter()
                .map(|(n, t, _)| format!("(\"{n}\", {t})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push_str(&format!(
        "\n\n@dsl.pipeline(name={})\ndef {function}(",
        py_str(&crate::python::rules::pipeline_definition::sanitize_pipeline_name(name))
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
        1 => out.push_str(&format!("    return {}\n", outputs[0].2)),
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
    fn what_cannot_be_converted_is_an_error() {
        let graph = "name: G\nimplementation:\n  graph: {tasks: {t: {componentRef: {name: x}}}}\n";
        assert!(matches!(
            to_python(graph),
            Err(ConvertError::Unsupported(_))
        ));
        assert_eq!(to_python("a: 1\n"), Err(ConvertError::NotComponent));
    }
}
