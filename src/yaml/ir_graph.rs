//! `kfp-upgrade convert --format ir` for a v1 graph component: the kfp 2 pipeline IR kfp 2.17.3 compiles from
//! the `@dsl.pipeline` module `convert` writes, with every child spec embedded (fixed like any spec) instead
//! of loaded at run time. kfp 2 loads such a file as a component (`load_component_from_file`), so the graph
//! stays a reusable component.
//!
//! Names follow kfp 2's compiler
//! (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/compiler/pipeline_spec_builder.py>):
//! a task is named after its component (`train`, then `train-2`), its component `comp-<task>` and its
//! executor `exec-<task>`; tasks are named in the order the module calls them. Arguments are checked the way
//! kfp 2 checks them when the module calls a component
//! (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/types/type_utils.py>,
//! `verify_type_compatibility`): what it would refuse is an error here too.

use serde_yaml::{Mapping, Value};

use super::convert::{
    ChildSpec, ChildSpecs, ConvertError, dependency_order, fixed_spec, task_output,
};
use super::ir::{
    ContainerIr, IrPort, container_parts, default_value, map, s, schema_title, write_document,
};
use super::model::{ComponentSpec, Port, scalar_text};
use super::scalar;
use super::spans::Node;
use crate::components::sanitize;
use crate::python::handlers::pipeline_definition::sanitize_pipeline_name;

fn unsupported<T>(what: impl Into<String>) -> Result<T, ConvertError> {
    Err(ConvertError::Unsupported(what.into()))
}

/// What feeds an input or a graph output: a parameter of a type (v1 spelling) or an artifact of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Parameter(&'static str),
    Artifact(String),
}

impl Kind {
    fn of(port: &IrPort) -> Self {
        match port.param {
            Some(p) => Kind::Parameter(p),
            None => Kind::Artifact(port.schema.clone()),
        }
    }

    /// How it reads in a message: `a parameter of type `Integer``.
    fn text(&self) -> String {
        match self {
            Kind::Parameter(p) => format!("a parameter of type `{p}`"),
            Kind::Artifact(a) => format!("an artifact of type `{a}`"),
        }
    }

    /// kfp 2's rule: parameters of the same type; artifacts of the same schema, or one of them generic.
    fn accepts(&self, given: &Kind) -> bool {
        match (self, given) {
            (Kind::Parameter(a), Kind::Parameter(b)) => a == b,
            (Kind::Artifact(a), Kind::Artifact(b)) => {
                a == b || a == "system.Artifact" || b == "system.Artifact"
            }
            _ => false,
        }
    }
}

/// One task, its child read.
struct Task<'n> {
    id: &'n str,
    /// The child spec as given, before any fix.
    text: String,
    /// The child spec as the IR embeds it: retyped (see `retypes`), then fixed.
    embedded: String,
    child: ContainerIr,
    arguments: &'n [(Node, Node)],
    depends: Vec<String>,
}

/// A graph input as the root DAG declares it.
struct GraphInput<'n> {
    port: Port<'n>,
    v2: String,
    kind: Kind,
}

/// The child spec text of a task's `componentRef`.
fn child_text(
    id: &str,
    reference: Option<&Node>,
    children: ChildSpecs,
) -> Result<String, ConvertError> {
    let Some(reference) = reference else {
        return unsupported(format!("task `{id}` has no `componentRef`"));
    };
    if let Some(inline) = reference.get("spec") {
        return serde_yaml::to_string(&super::convert::to_value(inline)?)
            .map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")));
    }
    let Some(url) = reference.get("url").and_then(scalar::string) else {
        return unsupported(format!(
            "task `{id}`: its `componentRef` gives no `spec` or `url` (a component store `name`/`digest` \
             does not resolve)"
        ));
    };
    match children(reference).map_err(|e| ConvertError::Unsupported(format!("task `{id}`: {e}")))? {
        ChildSpec::Text(text) => Ok(text),
        ChildSpec::Unavailable(why) => {
            let why = if why.is_empty() {
                String::new()
            } else {
                format!(": {why}")
            };
            unsupported(format!(
                "task `{id}`: its `componentRef` `{url}` does not resolve{why}"
            ))
        }
    }
}

/// A child spec's IR parts, after every fix, and its fixed text.
fn child_parts(id: &str, text: &str) -> Result<(ContainerIr, String), ConvertError> {
    let in_task = |e: ConvertError| match e {
        ConvertError::Unsupported(why) => ConvertError::Unsupported(format!("task `{id}`: {why}")),
        other => ConvertError::Unsupported(format!("task `{id}`: its component: {other}")),
    };
    let fixed = fixed_spec(text).map_err(in_task)?;
    let parts = container_parts(&fixed.spec()).map_err(in_task)?;
    Ok((parts, fixed.text().to_string()))
}

/// The names of the inputs a child spec declares without a type (kfp 1 passed them anything).
fn untyped_inputs(text: &str) -> Vec<String> {
    let Ok(doc) = serde_yaml::from_str::<Value>(text) else {
        return vec![];
    };
    doc.get("inputs")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .filter(|i| i.get("type").is_none_or(Value::is_null))
        .filter_map(|i| i.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The child spec with the inputs `types` names given those (v1 spelling) types.
fn retyped(id: &str, text: &str, types: &[(String, &'static str)]) -> Result<String, ConvertError> {
    let bad = |e: serde_yaml::Error| ConvertError::Unsupported(format!("task `{id}`: {e}"));
    let mut doc: Value = serde_yaml::from_str(text).map_err(bad)?;
    if let Some(items) = doc.get_mut("inputs").and_then(Value::as_sequence_mut) {
        for item in items.iter_mut().filter_map(Value::as_mapping_mut) {
            let name = item.get("name").and_then(Value::as_str).map(str::to_string);
            if let Some((_, t)) = types.iter().find(|(n, _)| Some(n) == name.as_ref()) {
                item.insert(s("type"), s(*t));
            }
        }
    }
    serde_yaml::to_string(&doc).map_err(bad)
}

fn read_task<'n>(
    id: &'n str,
    task: &'n Node,
    children: ChildSpecs,
) -> Result<Task<'n>, ConvertError> {
    for key in ["isEnabledCondition", "executionOptions"] {
        if task.get(key).is_some() {
            return unsupported(format!(
                "task `{id}`: `{key}` (write the pipeline in Python)"
            ));
        }
    }
    let text = child_text(id, task.get("componentRef"), children)?;
    let (child, embedded) = child_parts(id, &text)?;
    let arguments = task.get("arguments").map_or(&[][..], Node::entries);
    let depends = arguments
        .iter()
        .filter_map(|(_, v)| v.get("taskOutput"))
        .map(|t| task_output(t).0.to_string())
        .collect();
    Ok(Task {
        id,
        text,
        embedded,
        child,
        arguments,
        depends,
    })
}

/// The child input an argument keyword names (kfp 2 matches the sanitised names).
fn child_input<'c>(task: &'c Task, key: &str) -> Result<&'c IrPort, ConvertError> {
    let v2 = sanitize(key);
    task.child
        .inputs
        .iter()
        .find(|p| p.v2 == v2)
        .ok_or_else(|| {
            ConvertError::Unsupported(format!("task `{}` has no input `{key}`", task.id))
        })
}

/// A constant argument as the IR's `runtimeValue.constant` of the input's parameter type.
fn constant(text: &str, param: &str) -> Option<Value> {
    let t = text.trim();
    Some(match param {
        "Integer" => Value::from(t.parse::<i64>().ok()? as f64),
        "Float" => Value::from(t.parse::<f64>().ok().filter(|f| f.is_finite())?),
        "Boolean" => match t.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return None,
        },
        "JsonObject" | "JsonArray" => {
            let json: serde_json::Value = serde_json::from_str(t).ok()?;
            let fits = match param {
                "JsonObject" => json.is_object(),
                _ => json.is_array(),
            };
            if !fits {
                return None;
            }
            serde_yaml::to_value(json).ok()?
        }
        _ => Value::String(text.to_string()),
    })
}

/// Names made unique the way kfp 2 does (`name`, `name-2`, `name-3`, …).
fn unique(name: String, taken: &[String]) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (2..)
        .map(|i| format!("{name}-{i}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(name)
}

fn definitions(artifacts: Mapping, parameters: Mapping) -> Mapping {
    let mut m = Mapping::new();
    if !artifacts.is_empty() {
        m.insert(s("artifacts"), Value::Mapping(artifacts));
    }
    if !parameters.is_empty() {
        m.insert(s("parameters"), Value::Mapping(parameters));
    }
    m
}

fn artifact_type(schema: &str) -> Value {
    map(vec![
        ("schemaTitle", s(schema)),
        ("schemaVersion", s("0.0.1")),
    ])
}

/// kfp writes its IR with sorted keys.
fn sorted(v: Value) -> Value {
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
            Value::Mapping(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// A graph's tasks, their children read (and retyped), and its inputs typed. With `strict`, a child that
/// cannot be read is an error; without, its task is left out (what the Python module loads at run time).
fn read_graph<'n>(
    spec: &ComponentSpec<'n>,
    graph: &'n Node,
    children: ChildSpecs,
    strict: bool,
) -> Result<(Vec<Task<'n>>, Vec<GraphInput<'n>>), ConvertError> {
    let Some(task_map) = graph.get("tasks").filter(|t| t.is_mapping()) else {
        return unsupported("a graph without `tasks`");
    };
    let mut tasks = Vec::new();
    for (id, task) in task_map.entries() {
        let id = scalar::string(id)
            .ok_or_else(|| ConvertError::Unsupported("a task id that is not a string".into()))?;
        match read_task(id, task, children) {
            Ok(t) => tasks.push(t),
            Err(e) if strict => return Err(e),
            Err(_) => {}
        }
    }
    // Graph inputs: an untyped one takes the type of the first child input it feeds (as in the module).
    let mut inputs = Vec::new();
    for item in spec.port_items("inputs") {
        let Some(port) = Port::of(item).filter(|p| p.name_string().is_some()) else {
            return unsupported("a nameless input");
        };
        let consumer = || {
            tasks.iter().find_map(|t| {
                t.arguments.iter().find_map(|(k, v)| {
                    let fed = v
                        .get("graphInput")?
                        .get("inputName")
                        .and_then(scalar::string)?;
                    (fed == port.name).then(|| child_input(t, scalar::string(k)?).ok())?
                })
            })
        };
        let kind = match (port.parameter_type(), port.type_node) {
            (Some(p), _) => Kind::Parameter(p),
            (None, None) => match consumer().and_then(|c| c.param) {
                Some(p) => Kind::Parameter(p),
                None => Kind::Artifact(schema_title(None)),
            },
            (None, Some(t)) => Kind::Artifact(schema_title(Some(t))),
        };
        inputs.push(GraphInput {
            v2: sanitize(port.name),
            port,
            kind,
        });
    }
    // An untyped child input takes the parameter type of what feeds it (kfp 1 passed an untyped input
    // anything; kfp 2 loads it as an artifact and refuses a parameter): the embedded copy of the child
    // declares that type, and its fixes then apply (KFP502 writes the value to a file for `inputPath`).
    let mut retypes: Vec<Vec<(String, &'static str)>> = Vec::new();
    for task in &tasks {
        let untyped = untyped_inputs(&task.text);
        let mut types = Vec::new();
        for (k, v) in task.arguments {
            let Some(input) = scalar::string(k).and_then(|k| child_input(task, k).ok()) else {
                continue;
            };
            if !untyped.contains(&input.v1) {
                continue;
            }
            let given = if let Some(g) = v.get("graphInput") {
                let fed = g
                    .get("inputName")
                    .and_then(scalar::string)
                    .unwrap_or_default();
                inputs
                    .iter()
                    .find(|i| i.port.name == fed)
                    .map(|i| i.kind.clone())
            } else if let Some(t) = v.get("taskOutput") {
                let (from, output) = task_output(t);
                tasks
                    .iter()
                    .find(|p| p.id == from)
                    .and_then(|p| p.child.outputs.iter().find(|o| o.v2 == sanitize(output)))
                    .map(Kind::of)
            } else {
                scalar_text(v).map(|_| Kind::Parameter("String"))
            };
            if let Some(Kind::Parameter(p)) = given
                && input.param != Some(p)
            {
                types.push((input.v1.clone(), p));
            }
        }
        retypes.push(types);
    }
    for (task, types) in tasks.iter_mut().zip(retypes) {
        if !types.is_empty() {
            match child_parts(task.id, &retyped(task.id, &task.text, &types)?) {
                Ok(read) => (task.child, task.embedded) = read,
                Err(e) if strict => return Err(e),
                Err(_) => {}
            }
        }
    }
    Ok((tasks, inputs))
}

/// The child specs of a graph as its IR embeds them (retyped, fixed), by task id, for the Python module to
/// load the same components; tasks whose child cannot be read are left out.
pub(super) fn embedded_children(
    spec: &ComponentSpec,
    graph: &Node,
    children: ChildSpecs,
) -> Vec<(String, String)> {
    read_graph(spec, graph, children, false)
        .map(|(tasks, _)| {
            tasks
                .into_iter()
                .map(|t| (t.id.to_string(), t.embedded))
                .collect()
        })
        .unwrap_or_default()
}

/// The pipeline IR of a fixed graph component spec, reading the children with `children`.
pub(super) fn graph_to_ir(
    spec: &ComponentSpec,
    graph: &Node,
    children: ChildSpecs,
) -> Result<String, ConvertError> {
    let name = spec.name_string().unwrap_or("pipeline");
    let (tasks, inputs) = read_graph(spec, graph, children, true)?;
    let order = dependency_order(
        &tasks
            .iter()
            .map(|t| (t.id, t.depends.as_slice()))
            .collect::<Vec<_>>(),
    )?;
    // kfp 2's names, in call order: task, component, executor.
    let mut task_names: Vec<String> = Vec::new();
    let mut names = vec![String::new(); tasks.len()];
    for &i in &order {
        let base = match tasks[i].child.k8s.as_str() {
            "" => "task".to_string(),
            k => k.to_string(),
        };
        let n = unique(base, &task_names);
        task_names.push(n.clone());
        names[i] = n;
    }
    let name_of = |id: &str| -> Result<(&Task, &str), ConvertError> {
        tasks
            .iter()
            .zip(&names)
            .find(|(t, _)| t.id == id)
            .map(|(t, n)| (t, n.as_str()))
            .ok_or_else(|| {
                ConvertError::Unsupported(format!("an output of the unknown task `{id}`"))
            })
    };
    let output_of = |id: &str, output: &str| -> Result<(&str, &IrPort), ConvertError> {
        let (task, n) = name_of(id)?;
        let v2 = sanitize(output);
        let port = task
            .child
            .outputs
            .iter()
            .find(|p| p.v2 == v2)
            .ok_or_else(|| {
                ConvertError::Unsupported(format!("task `{id}` has no output `{output}`"))
            })?;
        Ok((n, port))
    };
    let mut components = Mapping::new();
    let mut executors = Mapping::new();
    let mut dag_tasks = Mapping::new();
    let (mut component_keys, mut executor_keys) = (Vec::new(), Vec::new());
    for &i in &order {
        let task = &tasks[i];
        let task_name = &names[i];
        let (mut artifacts, mut parameters) = (Mapping::new(), Mapping::new());
        let mut dependent: Vec<String> = Vec::new();
        let mut given: Vec<&str> = Vec::new();
        for (k, v) in task.arguments {
            let key = scalar::string(k).unwrap_or_default();
            let input = child_input(task, key)?;
            given.push(&input.v2);
            let expected = Kind::of(input);
            let mismatch = |got: &Kind| {
                ConvertError::Unsupported(format!(
                    "task `{}`: its input `{key}` is {}, given {} (kfp 2 refuses that)",
                    task.id,
                    expected.text(),
                    got.text()
                ))
            };
            let (got, value) = if let Some(g) = v.get("graphInput") {
                let fed = g
                    .get("inputName")
                    .and_then(scalar::string)
                    .unwrap_or_default();
                let graph_input = inputs.iter().find(|i| i.port.name == fed).ok_or_else(|| {
                    ConvertError::Unsupported(format!("unknown graph input `{fed}`"))
                })?;
                let source = match graph_input.kind {
                    Kind::Parameter(_) => "componentInputParameter",
                    Kind::Artifact(_) => "componentInputArtifact",
                };
                (
                    graph_input.kind.clone(),
                    map(vec![(source, s(graph_input.v2.clone()))]),
                )
            } else if let Some(t) = v.get("taskOutput") {
                let (from, output) = task_output(t);
                let (producer, port) = output_of(from, output)?;
                if !dependent.iter().any(|d| d == producer) {
                    dependent.push(producer.to_string());
                }
                let value = match port.param {
                    Some(_) => map(vec![(
                        "taskOutputParameter",
                        map(vec![
                            ("outputParameterKey", s(port.v2.clone())),
                            ("producerTask", s(producer)),
                        ]),
                    )]),
                    None => map(vec![(
                        "taskOutputArtifact",
                        map(vec![
                            ("outputArtifactKey", s(port.v2.clone())),
                            ("producerTask", s(producer)),
                        ]),
                    )]),
                };
                (Kind::of(port), value)
            } else if let Some(text) = scalar_text(v) {
                let Some(param) = input.param else {
                    return unsupported(format!(
                        "task `{}`: the constant `{text}` for its input `{key}`, {} (kfp 2 takes \
                         artifacts only from tasks, graph inputs or importers)",
                        task.id,
                        expected.text()
                    ));
                };
                let Some(value) = constant(&text, param) else {
                    return unsupported(format!(
                        "task `{}`: the constant `{text}` is not a valid {param} for its input `{key}`",
                        task.id
                    ));
                };
                (
                    expected.clone(),
                    map(vec![("runtimeValue", map(vec![("constant", value)]))]),
                )
            } else {
                return unsupported(format!("the argument `{key}` of task `{}`", task.id));
            };
            if !expected.accepts(&got) {
                return Err(mismatch(&got));
            }
            match input.param {
                Some(_) => parameters.insert(s(input.v2.clone()), value),
                None => artifacts.insert(s(input.v2.clone()), value),
            };
        }
        if let Some(missing) = task
            .child
            .inputs
            .iter()
            .find(|p| !p.omissible && !given.contains(&p.v2.as_str()))
        {
            return unsupported(format!(
                "task `{}` gives no argument for the required input `{}`",
                task.id, missing.v1
            ));
        }
        let component_key = unique(format!("comp-{task_name}"), &component_keys);
        let executor_key = unique(format!("exec-{task_name}"), &executor_keys);
        component_keys.push(component_key.clone());
        executor_keys.push(executor_key.clone());
        let mut component = Mapping::new();
        component.insert(s("executorLabel"), s(executor_key.clone()));
        component.extend(task.child.component.clone());
        components.insert(s(component_key.clone()), Value::Mapping(component));
        executors.insert(
            s(executor_key),
            map(vec![(
                "container",
                Value::Mapping(task.child.container.clone()),
            )]),
        );
        let mut spec = Mapping::new();
        spec.insert(
            s("cachingOptions"),
            map(vec![("enableCache", Value::Bool(true))]),
        );
        spec.insert(s("componentRef"), map(vec![("name", s(component_key))]));
        if !dependent.is_empty() {
            dependent.sort();
            spec.insert(
                s("dependentTasks"),
                Value::Sequence(dependent.into_iter().map(s).collect()),
            );
        }
        let task_inputs = definitions(artifacts, parameters);
        if !task_inputs.is_empty() {
            spec.insert(s("inputs"), Value::Mapping(task_inputs));
        }
        spec.insert(s("taskInfo"), map(vec![("name", s(task_name.clone()))]));
        dag_tasks.insert(s(task_name.clone()), Value::Mapping(spec));
    }
    // The root's interface.
    let (mut in_artifacts, mut in_params) = (Mapping::new(), Mapping::new());
    for input in &inputs {
        let port = &input.port;
        match &input.kind {
            Kind::Parameter(p) => {
                let mut entry = Mapping::new();
                if let Some(d) = port.default() {
                    entry.insert(s("defaultValue"), default_value(p, d)?);
                }
                if port.optional() || port.default().is_some() {
                    entry.insert(s("isOptional"), Value::Bool(true));
                }
                entry.insert(s("parameterType"), s(super::ir::parameter_type(p)));
                in_params.insert(s(input.v2.clone()), Value::Mapping(entry));
            }
            Kind::Artifact(schema) => {
                if port.default().is_some() {
                    return unsupported(format!(
                        "a default for the artifact input `{}`",
                        port.name
                    ));
                }
                let mut entry = Mapping::new();
                entry.insert(s("artifactType"), artifact_type(schema));
                if port.optional() {
                    entry.insert(s("isOptional"), Value::Bool(true));
                }
                in_artifacts.insert(s(input.v2.clone()), Value::Mapping(entry));
            }
        }
    }
    // Graph outputs: the declared type, or the producing output's when undeclared or untyped.
    let (mut out_artifacts, mut out_params) = (Mapping::new(), Mapping::new());
    let (mut dag_artifacts, mut dag_params) = (Mapping::new(), Mapping::new());
    for (k, v) in graph.get("outputValues").map_or(&[][..], Node::entries) {
        let k = scalar::string(k).unwrap_or_default();
        let Some(t) = v.get("taskOutput") else {
            return unsupported(format!("the output value `{k}`"));
        };
        let (from, output) = task_output(t);
        let (producer, port) = output_of(from, output)?;
        let declared = spec
            .port_items("outputs")
            .iter()
            .filter_map(Port::of)
            .find(|o| o.name == k);
        let given = Kind::of(port);
        let kind = match declared.and_then(|d| d.type_node.map(|t| (d, t))) {
            Some((d, _)) if d.parameter_type().is_some() => {
                Kind::Parameter(d.parameter_type().unwrap_or("String"))
            }
            Some((_, t)) => Kind::Artifact(schema_title(Some(t))),
            None => given.clone(),
        };
        if !kind.accepts(&given) {
            return unsupported(format!(
                "the output `{k}` is {}, given task `{from}`'s output `{output}`, {} (kfp 2 refuses that)",
                kind.text(),
                given.text()
            ));
        }
        let v2 = sanitize(k);
        match kind {
            Kind::Parameter(p) => {
                out_params.insert(
                    s(v2.clone()),
                    map(vec![("parameterType", s(super::ir::parameter_type(p)))]),
                );
                dag_params.insert(
                    s(v2),
                    map(vec![(
                        "valueFromParameter",
                        map(vec![
                            ("outputParameterKey", s(port.v2.clone())),
                            ("producerSubtask", s(producer)),
                        ]),
                    )]),
                );
            }
            Kind::Artifact(schema) => {
                out_artifacts.insert(
                    s(v2.clone()),
                    map(vec![("artifactType", artifact_type(&schema))]),
                );
                dag_artifacts.insert(
                    s(v2),
                    map(vec![(
                        "artifactSelectors",
                        Value::Sequence(vec![map(vec![
                            ("outputArtifactKey", s(port.v2.clone())),
                            ("producerSubtask", s(producer)),
                        ])]),
                    )]),
                );
            }
        }
    }
    let mut dag = Mapping::new();
    let dag_outputs = definitions(dag_artifacts, dag_params);
    if !dag_outputs.is_empty() {
        dag.insert(s("outputs"), Value::Mapping(dag_outputs));
    }
    dag.insert(s("tasks"), Value::Mapping(dag_tasks));
    let mut root = Mapping::new();
    root.insert(s("dag"), Value::Mapping(dag));
    let input_definitions = definitions(in_artifacts, in_params);
    if !input_definitions.is_empty() {
        root.insert(s("inputDefinitions"), Value::Mapping(input_definitions));
    }
    let output_definitions = definitions(out_artifacts, out_params);
    if !output_definitions.is_empty() {
        root.insert(s("outputDefinitions"), Value::Mapping(output_definitions));
    }
    let pipeline_name = sanitize_pipeline_name(name);
    let mut pipeline_info = Mapping::new();
    if let Some(d) = spec.description() {
        pipeline_info.insert(s("description"), s(d.trim_end()));
    }
    pipeline_info.insert(s("name"), s(pipeline_name.clone()));
    let document = map(vec![
        ("components", Value::Mapping(components)),
        (
            "deploymentSpec",
            map(vec![("executors", Value::Mapping(executors))]),
        ),
        ("pipelineInfo", Value::Mapping(pipeline_info)),
        ("root", Value::Mapping(root)),
        ("schemaVersion", s("2.1.0")),
        ("sdkVersion", s("kfp-2.17.3")),
    ]);
    write_document(&pipeline_name, &sorted(document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique_as_kfp_does() {
        let taken = vec!["train".to_string(), "train-2".to_string()];
        assert_eq!(unique("train".into(), &taken), "train-3");
        assert_eq!(unique("make".into(), &taken), "make");
    }

    #[test]
    fn constants_take_the_input_type_or_are_refused() {
        assert_eq!(constant(" 6 ", "Integer"), Some(Value::from(6.0)));
        assert_eq!(constant("True", "Boolean"), Some(Value::Bool(true)));
        assert_eq!(constant("yes", "Boolean"), None);
        assert_eq!(constant("[1]", "JsonObject"), None);
        assert_eq!(constant(" a ", "String"), Some(s(" a ")));
        assert_eq!(constant("inf", "Float"), None);
    }

    #[test]
    fn artifacts_match_by_schema_unless_one_is_generic() {
        let a = |t: &str| Kind::Artifact(t.into());
        assert!(a("system.Dataset").accepts(&a("system.Artifact")));
        assert!(a("system.Artifact").accepts(&a("system.Model")));
        assert!(!a("system.Dataset").accepts(&a("system.Model")));
        assert!(!Kind::Parameter("Float").accepts(&Kind::Parameter("Integer")));
        assert!(!a("system.Artifact").accepts(&Kind::Parameter("String")));
    }

    #[test]
    fn untyped_inputs_are_retyped_in_the_embedded_copy_only() {
        let text = "name: M\ninputs:\n- {name: a}\n- {name: b, type: CSV}\nimplementation:\n  container: {image: x, command: [cat, {inputPath: a}]}\n";
        assert_eq!(untyped_inputs(text), ["a"]);
        let retyped = retyped("m", text, &[("a".into(), "String")]).unwrap();
        assert!(untyped_inputs(&retyped).is_empty(), "{retyped}");
        assert!(retyped.contains("type: String"), "{retyped}");
    }
}
