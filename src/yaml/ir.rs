//! `kfp-upgrade convert --format ir`: the compiled kfp 2 IR of a v1 component spec, written without Python.
//!
//! The output is what kfp 2.17.3 compiles from the module `convert` writes (checked structurally by
//! `tests/it/yaml_convert.rs`): the component, its executor, and the one-task `root` DAG kfp makes when it
//! compiles a component on its own. A graph component's pipeline IR is `ir_graph`'s, built from the same
//! parts (`container_parts`) for each child.

use serde_yaml::{Mapping, Value};

use super::convert::{ConvertError, fixed_spec};
use super::model::{self, Port, scalar_text};
use super::placeholders::{self, Element, Kind, PortUse};
use super::scalar;
use super::spans::Node;
use crate::components::sanitize;

/// A command-line element as kfp 2 renders it: a string, or a `Concat`/`IfPresent` structure.
enum Elem {
    Str(String),
    Concat(Vec<Elem>),
    IfPresent {
        input: String,
        then: Branch,
        else_: Option<Branch>,
    },
}

enum Branch {
    One(Box<Elem>),
    Many(Vec<Elem>),
}

/// Python's `json.dumps` (`, ` and `: ` separators, ASCII only), in the key order kfp writes.
fn dumps_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dumps(e: &Elem) -> String {
    let list = |items: &[Elem]| {
        format!(
            "[{}]",
            items.iter().map(dumps).collect::<Vec<_>>().join(", ")
        )
    };
    let branch = |b: &Branch| match b {
        Branch::One(e) => dumps(e),
        Branch::Many(items) => list(items),
    };
    match e {
        Elem::Str(s) => dumps_str(s),
        Elem::Concat(items) => format!("{{\"Concat\": {}}}", list(items)),
        Elem::IfPresent { input, then, else_ } => {
            let mut s = format!(
                "{{\"IfPresent\": {{\"InputName\": {}, \"Then\": {}",
                dumps_str(input),
                branch(then)
            );
            if let Some(e) = else_ {
                s.push_str(&format!(", \"Else\": {}", branch(e)));
            }
            s.push_str("}}");
            s
        }
    }
}

/// The string kfp puts in `command`/`args` for an element.
fn render(e: &Elem) -> String {
    match e {
        Elem::Str(s) => s.clone(),
        other => dumps(other),
    }
}

struct Ports {
    /// `(v1 name, kfp 2 name, parameter type or None for an artifact)`.
    inputs: Vec<(String, String, Option<&'static str>)>,
    outputs: Vec<(String, String, Option<&'static str>)>,
}

fn unsupported<T>(what: impl Into<String>) -> Result<T, ConvertError> {
    Err(ConvertError::Unsupported(what.into()))
}

impl Ports {
    fn find<'a>(
        list: &'a [(String, String, Option<&'static str>)],
        v: &Node,
    ) -> Result<&'a (String, String, Option<&'static str>), ConvertError> {
        let name = scalar::string(v).unwrap_or_default();
        list.iter()
            .find(|p| p.0 == name)
            .ok_or_else(|| ConvertError::Unsupported(format!("unknown port `{name}`")))
    }

    fn elems(&self, items: &[Node]) -> Result<Vec<Elem>, ConvertError> {
        items.iter().map(|i| self.elem(i)).collect()
    }

    fn elem(&self, v: &Node) -> Result<Elem, ConvertError> {
        let neither = "a command-line element that is neither a string nor a placeholder";
        let p = match placeholders::element(v) {
            Element::Scalar(n) => {
                return match scalar_text(n) {
                    Some(s) => Ok(Elem::Str(s)),
                    None => unsupported(neither),
                };
            }
            Element::Placeholder(p) if scalar::string(p.key_node).is_some() => p,
            _ => return unsupported(neither),
        };
        let key = p.key;
        let s = match p.kind {
            Kind::Port(PortUse::InputValue, name) => match Self::find(&self.inputs, name)? {
                (_, n, Some(_)) => format!("{{{{$.inputs.parameters['{n}']}}}}"),
                (v1, _, None) => {
                    return unsupported(format!("`inputValue` on the artifact `{v1}`"));
                }
            },
            Kind::Port(u @ (PortUse::InputPath | PortUse::InputUri), name) => {
                match Self::find(&self.inputs, name)? {
                    (_, n, None) => {
                        let attr = if u == PortUse::InputPath {
                            "path"
                        } else {
                            "uri"
                        };
                        format!("{{{{$.inputs.artifacts['{n}'].{attr}}}}}")
                    }
                    (v1, _, Some(_)) => {
                        return unsupported(format!("`{key}` on the parameter `{v1}`"));
                    }
                }
            }
            Kind::Port(PortUse::OutputPath, name) => match Self::find(&self.outputs, name)? {
                (_, n, Some(_)) => format!("{{{{$.outputs.parameters['{n}'].output_file}}}}"),
                (_, n, None) => format!("{{{{$.outputs.artifacts['{n}'].path}}}}"),
            },
            Kind::Port(PortUse::OutputUri, name) => match Self::find(&self.outputs, name)? {
                (_, n, None) => format!("{{{{$.outputs.artifacts['{n}'].uri}}}}"),
                (v1, _, Some(_)) => {
                    return unsupported(format!("`outputUri` on the parameter `{v1}`"));
                }
            },
            Kind::Concat => return Ok(Elem::Concat(self.elems(p.value.items())?)),
            Kind::If(b) => {
                let Some(name) = b.is_present() else {
                    return unsupported("an `if` whose condition is not `isPresent` (KFP505)");
                };
                let (_, input, _) = Self::find(&self.inputs, name)?;
                let branch = |b: &Node| -> Result<Branch, ConvertError> {
                    Ok(if model::is_sequence(b) {
                        Branch::Many(self.elems(b.items())?)
                    } else {
                        Branch::One(Box::new(self.elem(b)?))
                    })
                };
                let then = match b.then {
                    Some(t) => branch(t)?,
                    None => Branch::Many(vec![]),
                };
                let else_ = b.else_.map(branch).transpose()?;
                return Ok(Elem::IfPresent {
                    input: input.clone(),
                    then,
                    else_,
                });
            }
            Kind::IfPresent(_) | Kind::Kfp1Only | Kind::Unknown => {
                return unsupported(format!("the `{key}` placeholder"));
            }
        };
        Ok(Elem::Str(s))
    }
}

pub(super) fn map(entries: Vec<(&str, Value)>) -> Value {
    let mut m = Mapping::new();
    for (k, v) in entries {
        m.insert(Value::String(k.to_string()), v);
    }
    Value::Mapping(m)
}

pub(super) fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

pub(super) fn parameter_type(p: &str) -> &'static str {
    match p {
        "Integer" => "NUMBER_INTEGER",
        "Float" => "NUMBER_DOUBLE",
        "Boolean" => "BOOLEAN",
        "JsonObject" => "STRUCT",
        "JsonArray" => "LIST",
        _ => "STRING",
    }
}

pub(super) fn schema_title(t: Option<&Node>) -> String {
    let name = t.and_then(scalar::string).unwrap_or("Artifact");
    format!("system.{}", crate::components::artifact_class(name))
}

/// kfp 2's deserialised default (`'10'` for an Integer is `10.0` in the IR: protobuf numbers are doubles).
pub(super) fn default_value(param: &str, default: &Node) -> Result<Value, ConvertError> {
    let Some(text) = scalar_text(default) else {
        return unsupported("a default that is not a scalar");
    };
    let bad = || ConvertError::Unsupported(format!("default `{text}` is not a valid {param}"));
    Ok(match param {
        "Integer" => Value::from(text.trim().parse::<i64>().map_err(|_| bad())? as f64),
        "Float" => Value::from(text.trim().parse::<f64>().map_err(|_| bad())?),
        "Boolean" => Value::Bool(matches!(
            text.to_ascii_lowercase().as_str(),
            "y" | "yes" | "t" | "true" | "on" | "1"
        )),
        "JsonObject" | "JsonArray" => {
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| bad())?;
            serde_yaml::to_value(json).map_err(|_| bad())?
        }
        _ => Value::String(text),
    })
}

/// A declared port of a container component as kfp 2 names and types it.
pub(super) struct IrPort {
    pub v1: String,
    pub v2: String,
    /// The v1 spelling of the parameter type, or `None` for an artifact.
    pub param: Option<&'static str>,
    /// `system.<Class>` for an artifact.
    pub schema: String,
    /// Optional or defaulted: a task may leave it out.
    pub omissible: bool,
}

/// A container component's IR parts: what a pipeline's `components`/`deploymentSpec` hold for one task.
pub(super) struct ContainerIr {
    /// The spec's name made a k8s name (kfp 2's task name for it).
    pub k8s: String,
    pub description: Option<String>,
    /// `inputDefinitions`/`outputDefinitions` (each only when not empty), without `executorLabel`.
    pub component: Mapping,
    /// The executor's `container`.
    pub container: Mapping,
    pub inputs: Vec<IrPort>,
    pub outputs: Vec<IrPort>,
}

/// The IR YAML of the v1 component spec `text`; a graph component's children are not at hand.
pub fn to_ir(text: &str) -> Result<String, ConvertError> {
    to_ir_with(text, &|_| {
        Ok(super::convert::ChildSpec::Unavailable(String::new()))
    })
}

/// The IR YAML of the v1 component spec `text`, reading a graph's child specs with `children`.
pub fn to_ir_with(
    text: &str,
    children: super::convert::ChildSpecs,
) -> Result<String, ConvertError> {
    let fixed = fixed_spec(text)?;
    let spec = fixed.spec();
    if let Some((_, graph)) = spec.graph() {
        return super::ir_graph::graph_to_ir(&spec, graph, children);
    }
    one_task_document(container_parts(&spec)?)
}

/// The IR parts of a fixed container component spec.
pub(super) fn container_parts(spec: &model::ComponentSpec) -> Result<ContainerIr, ConvertError> {
    if spec.graph().is_some() {
        return unsupported("a task whose component is itself a graph component");
    }
    let Some(container) = spec.container() else {
        return unsupported("no `implementation.container`");
    };
    if container.env().is_some() {
        return unsupported("`env`");
    }
    let name = spec.name_string().unwrap_or("component");
    let k8s = crate::python::handlers::pipeline_definition::sanitize_pipeline_name(&sanitize(name));
    let declared = |key: &str| -> Result<Vec<Port>, ConvertError> {
        spec.port_items(key)
            .iter()
            .map(|item| {
                Port::of(item)
                    .filter(|p| p.name_string().is_some())
                    .ok_or_else(|| ConvertError::Unsupported("a nameless port".into()))
            })
            .collect()
    };
    let (inputs, outputs) = (declared("inputs")?, declared("outputs")?);
    let port = |p: &Port| (p.name.to_string(), sanitize(p.name), p.parameter_type());
    let ports = Ports {
        inputs: inputs.iter().map(port).collect(),
        outputs: outputs.iter().map(port).collect(),
    };
    // Interface.
    let mut in_artifacts = Mapping::new();
    let mut in_params = Mapping::new();
    for (item, (_, n, param)) in inputs.iter().zip(&ports.inputs) {
        match param {
            Some(p) => {
                let mut entry = Mapping::new();
                if let Some(d) = item.default() {
                    entry.insert(s("defaultValue"), default_value(p, d)?);
                }
                if item.optional() || item.default().is_some() {
                    entry.insert(s("isOptional"), Value::Bool(true));
                }
                entry.insert(s("parameterType"), s(parameter_type(p)));
                in_params.insert(s(n.clone()), Value::Mapping(entry));
            }
            None => {
                let artifact = map(vec![(
                    "artifactType",
                    map(vec![
                        ("schemaTitle", s(schema_title(item.type_node))),
                        ("schemaVersion", s("0.0.1")),
                    ]),
                )]);
                let mut artifact = artifact;
                if item.optional()
                    && let Value::Mapping(m) = &mut artifact
                {
                    m.insert(s("isOptional"), Value::Bool(true));
                }
                in_artifacts.insert(s(n.clone()), artifact);
            }
        }
    }
    let mut out_artifacts = Mapping::new();
    let mut out_params = Mapping::new();
    for (item, (_, n, param)) in outputs.iter().zip(&ports.outputs) {
        match param {
            Some(p) => {
                out_params.insert(
                    s(n.clone()),
                    map(vec![("parameterType", s(parameter_type(p)))]),
                );
            }
            None => {
                out_artifacts.insert(
                    s(n.clone()),
                    map(vec![(
                        "artifactType",
                        map(vec![
                            ("schemaTitle", s(schema_title(item.type_node))),
                            ("schemaVersion", s("0.0.1")),
                        ]),
                    )]),
                );
            }
        }
    }
    let definitions = |artifacts: &Mapping, params: &Mapping| {
        let mut m = Mapping::new();
        if !artifacts.is_empty() {
            m.insert(s("artifacts"), Value::Mapping(artifacts.clone()));
        }
        if !params.is_empty() {
            m.insert(s("parameters"), Value::Mapping(params.clone()));
        }
        m
    };
    let input_definitions = definitions(&in_artifacts, &in_params);
    let output_definitions = definitions(&out_artifacts, &out_params);
    // Executor.
    let mut executor = Mapping::new();
    for (key, v) in container.command_line() {
        let list = if model::is_sequence(v) {
            v.items()
        } else {
            std::slice::from_ref(v)
        };
        let rendered = ports.elems(list)?.iter().map(|e| s(render(e))).collect();
        executor.insert(s(key), Value::Sequence(rendered));
    }
    let image = container
        .image()
        .and_then(scalar::string)
        .ok_or_else(|| ConvertError::Unsupported("no `image`".into()))?;
    executor.insert(s("image"), s(image));
    let ir_ports = |ports: &[Port], named: &[(String, String, Option<&'static str>)]| {
        ports
            .iter()
            .zip(named)
            .map(|(p, (v1, v2, param))| IrPort {
                v1: v1.clone(),
                v2: v2.clone(),
                param: *param,
                schema: schema_title(p.type_node),
                omissible: p.optional() || p.default().is_some(),
            })
            .collect()
    };
    let mut component = Mapping::new();
    if !input_definitions.is_empty() {
        component.insert(s("inputDefinitions"), Value::Mapping(input_definitions));
    }
    if !output_definitions.is_empty() {
        component.insert(s("outputDefinitions"), Value::Mapping(output_definitions));
    }
    Ok(ContainerIr {
        k8s,
        description: spec.description().map(|d| d.trim_end().to_string()),
        component,
        container: executor,
        inputs: ir_ports(&inputs, &ports.inputs),
        outputs: ir_ports(&outputs, &ports.outputs),
    })
}

/// The document kfp 2 compiles from a container component on its own: the component, its executor and a
/// one-task `root` DAG.
fn one_task_document(parts: ContainerIr) -> Result<String, ConvertError> {
    let ContainerIr {
        k8s,
        description,
        component: definitions,
        container: executor,
        inputs,
        outputs,
    } = parts;
    let comp = format!("comp-{k8s}");
    let exec = format!("exec-{k8s}");
    let mut component = Mapping::new();
    component.insert(s("executorLabel"), s(exec.clone()));
    component.extend(definitions.clone());
    // The one-task DAG.
    let mut task_inputs = Mapping::new();
    let mut task_artifacts = Mapping::new();
    let mut task_params = Mapping::new();
    for IrPort { v2: n, param, .. } in &inputs {
        match param {
            Some(_) => task_params.insert(
                s(n.clone()),
                map(vec![("componentInputParameter", s(n.clone()))]),
            ),
            None => task_artifacts.insert(
                s(n.clone()),
                map(vec![("componentInputArtifact", s(n.clone()))]),
            ),
        };
    }
    if !task_artifacts.is_empty() {
        task_inputs.insert(s("artifacts"), Value::Mapping(task_artifacts));
    }
    if !task_params.is_empty() {
        task_inputs.insert(s("parameters"), Value::Mapping(task_params));
    }
    let mut task = Mapping::new();
    task.insert(
        s("cachingOptions"),
        map(vec![("enableCache", Value::Bool(true))]),
    );
    task.insert(s("componentRef"), map(vec![("name", s(comp.clone()))]));
    if !task_inputs.is_empty() {
        task.insert(s("inputs"), Value::Mapping(task_inputs));
    }
    task.insert(s("taskInfo"), map(vec![("name", s(k8s.clone()))]));
    let mut dag = Mapping::new();
    let mut dag_outputs = Mapping::new();
    let mut dag_artifacts = Mapping::new();
    let mut dag_params = Mapping::new();
    for IrPort { v2: n, param, .. } in &outputs {
        match param {
            Some(_) => dag_params.insert(
                s(n.clone()),
                map(vec![(
                    "valueFromParameter",
                    map(vec![
                        ("outputParameterKey", s(n.clone())),
                        ("producerSubtask", s(k8s.clone())),
                    ]),
                )]),
            ),
            None => dag_artifacts.insert(
                s(n.clone()),
                map(vec![(
                    "artifactSelectors",
                    Value::Sequence(vec![map(vec![
                        ("outputArtifactKey", s(n.clone())),
                        ("producerSubtask", s(k8s.clone())),
                    ])]),
                )]),
            ),
        };
    }
    if !dag_artifacts.is_empty() {
        dag_outputs.insert(s("artifacts"), Value::Mapping(dag_artifacts));
    }
    if !dag_params.is_empty() {
        dag_outputs.insert(s("parameters"), Value::Mapping(dag_params));
    }
    if !dag_outputs.is_empty() {
        dag.insert(s("outputs"), Value::Mapping(dag_outputs));
    }
    dag.insert(s("tasks"), map(vec![(k8s.as_str(), Value::Mapping(task))]));
    let mut root = Mapping::new();
    root.insert(s("dag"), Value::Mapping(dag));
    root.extend(definitions);
    let mut pipeline_info = Mapping::new();
    if let Some(d) = description {
        pipeline_info.insert(s("description"), s(d));
    }
    pipeline_info.insert(s("name"), s(k8s.clone()));
    let document = map(vec![
        (
            "components",
            map(vec![(comp.as_str(), Value::Mapping(component))]),
        ),
        (
            "deploymentSpec",
            map(vec![(
                "executors",
                map(vec![(
                    exec.as_str(),
                    map(vec![("container", Value::Mapping(executor))]),
                )]),
            )]),
        ),
        ("pipelineInfo", Value::Mapping(pipeline_info)),
        ("root", Value::Mapping(root)),
        ("schemaVersion", s("2.1.0")),
        ("sdkVersion", s("kfp-2.17.3")),
    ]);
    write_document(&k8s, &document)
}

/// The IR file: kfp's header comment, then the document.
pub(super) fn write_document(k8s: &str, document: &Value) -> Result<String, ConvertError> {
    let body = serde_yaml::to_string(document)
        .map_err(|e| ConvertError::Unsupported(format!("cannot write the IR: {e}")))?;
    Ok(format!("# PIPELINE DEFINITION\n# Name: {k8s}\n{body}"))
}
