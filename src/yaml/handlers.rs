//! The rules for v1 component specs (KFP5xx) and compiled artefacts (KFP6xx). Rules read a spec through
//! `model`'s typed view and `placeholders`, with every node's position at hand for their edits; they never
//! print, and read no file but one: KFP504 reads a graph's child specs (beside it, or through the run's URL
//! resolver, as the Python rules read loaded specs) to write its IR fix.

use crate::registry::id;
use std::collections::HashMap;
use std::ops::Range;

use super::kind::Kind;
use super::model::{self, ComponentSpec, Container, Port, V2Type};
use super::placeholders::{self, Placeholder, PortUse};
use super::spans::{Node, Value};
use crate::components::sanitize;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::registry::{Rule, registry};
use crate::settings::RuleSelection;
use crate::source::SourceFile;

fn enabled<'r>(id: &str, selection: &RuleSelection) -> Option<&'r Rule> {
    registry().get(id).filter(|r| selection.is_enabled(r))
}

fn diagnostic(rule: &Rule, range: Range<usize>, vars: &[(&str, &str)]) -> Diagnostic {
    Diagnostic::new(rule.code, range, rule.message_with(vars))
        .with_fix_title(rule.fix_title_with(vars))
}

struct Usage<'a> {
    kind: PortUse,
    name: String,
    node: &'a Node,
}

/// Placeholders kfp 2 cannot load: the node and a description.
struct Unsupported<'a> {
    node: &'a Node,
    what: String,
}

/// What the placeholders of a container's command line use, and what kfp 2 cannot load among them.
#[derive(Default)]
struct Placeholders<'a> {
    uses: Vec<Usage<'a>>,
    unsupported: Vec<Unsupported<'a>>,
}

impl<'a> Placeholders<'a> {
    fn of(container: Option<Container<'a>>) -> Self {
        let mut found = Self::default();
        if let Some(c) = container {
            placeholders::walk_container(&c, &mut |p| found.record(p));
        }
        found
    }

    fn record(&mut self, p: &Placeholder<'a>) {
        let what = match p.kind {
            placeholders::Kind::Port(kind, name) => {
                if let Some(name) = name.as_str() {
                    self.uses.push(Usage {
                        kind,
                        name: name.to_string(),
                        node: p.node,
                    });
                }
                return;
            }
            placeholders::Kind::If(b) if b.is_present().is_none() => match b.cond {
                Some(c) if c.get("inputValue").is_some() => {
                    "an `if` on an input's value (kfp 2 supports only `isPresent`)".to_string()
                }
                _ => "an `if` whose condition is not `isPresent`".to_string(),
            },
            placeholders::Kind::Kfp1Only => format!("`{}`", p.key),
            _ => return,
        };
        self.unsupported.push(Unsupported { node: p.node, what });
    }
}

/// How a port's type reads in a message.
fn type_text(port: &Port) -> String {
    match port.type_node {
        None => "no type".to_string(),
        Some(t) => match t.as_str() {
            Some(s) => format!("type `{s}`"),
            None => {
                let key = t.entries().first().and_then(|(k, _)| k.as_str());
                format!("dict-form type `{{{}: ...}}`", key.unwrap_or("..."))
            }
        },
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    let offset = super::spans::floor_boundary(text, offset);
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `offset`, past its terminator.
fn line_end(text: &str, offset: usize) -> usize {
    let offset = super::spans::floor_boundary(text, offset);
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// What the rules of one v1 component spec read.
struct SpecFacts<'s> {
    source: &'s SourceFile,
    spec: &'s ComponentSpec<'s>,
    inputs: Vec<Port<'s>>,
    outputs: Vec<Port<'s>>,
    container: Option<Container<'s>>,
    placeholders: Placeholders<'s>,
}

/// Checks one v1 component spec: each rule in turn.
pub fn component(
    source: &SourceFile,
    spec: &ComponentSpec,
    selection: &RuleSelection,
    out: &mut Vec<Diagnostic>,
) {
    let container = spec.container();
    let facts = SpecFacts {
        source,
        spec,
        inputs: spec.inputs(),
        outputs: spec.outputs(),
        container,
        placeholders: Placeholders::of(container),
    };

    if let Some(rule) = enabled(id::KFP501, selection) {
        input_value_artifact(source, rule, &facts.inputs, &facts.placeholders, out);
    }
    parameter_file_placeholder(&facts, selection, out);
    file_outputs(&facts, selection, out);
    graph_component(&facts, selection, out);
    unsupported_placeholder(&facts, selection, out);
    sanitized_name_collision(&facts, selection, out);
    metadata_annotations(&facts, selection, out);
}

/// KFP502: `{inputPath: x}`/`{inputUri: x}`/`{outputUri: x}` on a parameter: kfp 2 raises or has no URI.
fn parameter_file_placeholder(
    facts: &SpecFacts,
    selection: &RuleSelection,
    out: &mut Vec<Diagnostic>,
) {
    let Some(rule) = enabled(id::KFP502, selection) else {
        return;
    };
    let on_parameters: Vec<&Usage> = facts
        .placeholders
        .uses
        .iter()
        .filter(|u| u.kind == PortUse::InputPath)
        .filter(|u| {
            facts
                .inputs
                .iter()
                .find(|p| p.name == u.name)
                .is_some_and(|p| matches!(p.v2_type(), V2Type::Parameter(_)))
        })
        .collect();
    let fix = facts
        .container
        .filter(|_| !on_parameters.is_empty())
        .and_then(|c| value_file_fix(facts.source, c, &on_parameters));
    for usage in &facts.placeholders.uses {
        let (ports, what) = match usage.kind {
            PortUse::InputPath | PortUse::InputUri => (&facts.inputs, "input"),
            PortUse::OutputUri => (&facts.outputs, "output"),
            _ => continue,
        };
        let Some(port) = ports.iter().find(|p| p.name == usage.name) else {
            continue;
        };
        let V2Type::Parameter(t) = port.v2_type() else {
            continue;
        };
        let placeholder = match usage.kind {
            PortUse::InputPath => "inputPath",
            PortUse::InputUri => "inputUri",
            _ => "outputUri",
        };
        let details = match usage.kind {
            PortUse::InputPath => {
                "; kfp 1 wrote the value to a file, kfp 2 raises `TypeError` when the task is created"
            }
            _ => "; only artifacts have URIs in kfp 2",
        };
        let d = diagnostic(
            rule,
            usage.node.range.clone(),
            &[
                ("placeholder", placeholder),
                ("what", what),
                ("name", &usage.name),
                ("type", t),
                ("details", details),
            ],
        );
        let fix = if usage.kind == PortUse::InputPath {
            fix.clone()
        } else {
            None
        };
        out.push(d.with_fix(fix));
    }
}

/// KFP503: `fileOutputs`, which kfp 2 ignores: its outputs are never written.
fn file_outputs(facts: &SpecFacts, selection: &RuleSelection, out: &mut Vec<Diagnostic>) {
    let Some(rule) = enabled(id::KFP503, selection) else {
        return;
    };
    let Some(c) = facts.container else {
        return;
    };
    let Some((key, value)) = c.file_outputs() else {
        return;
    };
    let fix = file_outputs_fix(
        facts.source,
        c,
        key,
        value,
        &facts.outputs,
        &facts.placeholders,
    );
    let names: Vec<&str> = value
        .entries()
        .iter()
        .filter_map(|(k, _)| k.as_str())
        .collect();
    out.push(diagnostic(rule, key.range.clone(), &[("names", &names.join("`, `"))]).with_fix(fix));
}

/// KFP504: a graph component, which kfp 2 cannot load. When every child spec resolves (inline, a file beside
/// the graph, a URL through the run's `[component-urls]`/fetching), the unsafe fix replaces the file with the
/// graph's kfp 2 pipeline IR, which kfp 2 loads as a component; otherwise the message says what did not
/// resolve.
fn graph_component(facts: &SpecFacts, selection: &RuleSelection, out: &mut Vec<Diagnostic>) {
    let Some(rule) = enabled(id::KFP504, selection) else {
        return;
    };
    let Some((key, _)) = facts.spec.graph() else {
        return;
    };
    let name = facts.spec.name().unwrap_or("component");
    let folder = facts
        .source
        .path
        .parent()
        .unwrap_or(std::path::Path::new(""));
    let no_urls = crate::component_urls::ComponentUrls::default();
    let urls = selection.component_urls.as_deref().unwrap_or(&no_urls);
    let children = |r: &Node| super::graph_children::child(r, folder, urls);
    let (detail, fix) = match super::ir::to_ir_with(&facts.source.text, &children) {
        Ok(ir) => (
            String::new(),
            Some(Fix::new(
                Applicability::Unsafe,
                vec![Edit::replace(0..facts.source.text.len(), ir)],
            )),
        ),
        Err(super::convert::ConvertError::Unsupported(why)) => {
            (format!("; no kfp 2 IR for it: {why}"), None)
        }
        Err(e) => (format!("; no kfp 2 IR for it: {e}"), None),
    };
    let how = match fix {
        Some(_) => ", every child spec embedded (kfp 2 loads it as a component)",
        None => {
            " once every child spec resolves and kfp 2 accepts its arguments, or rewrite it as a \
             `@dsl.pipeline` (`kfp-upgrade convert` writes one)"
        }
    };
    let vars = [("name", name), ("detail", detail.as_str()), ("how", how)];
    out.push(diagnostic(rule, key.range.clone(), &vars).with_fix(fix));
}

/// KFP505: a placeholder kfp 2 does not know.
fn unsupported_placeholder(
    facts: &SpecFacts,
    selection: &RuleSelection,
    out: &mut Vec<Diagnostic>,
) {
    let Some(rule) = enabled(id::KFP505, selection) else {
        return;
    };
    for u in &facts.placeholders.unsupported {
        out.push(diagnostic(rule, u.node.range.clone(), &[("what", &u.what)]));
    }
}

/// KFP506: two inputs (or outputs) whose names kfp 2 sanitises to the same name.
fn sanitized_name_collision(
    facts: &SpecFacts,
    selection: &RuleSelection,
    out: &mut Vec<Diagnostic>,
) {
    let Some(rule) = enabled(id::KFP506, selection) else {
        return;
    };
    for (list, what) in [(&facts.inputs, "input"), (&facts.outputs, "output")] {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for port in list.iter() {
            let v2 = sanitize(port.name);
            match seen.get(&v2) {
                Some(first) => out.push(diagnostic(
                    rule,
                    port.name_node.range.clone(),
                    &[
                        ("what", what),
                        ("name", port.name),
                        ("first", first),
                        ("v2", &v2),
                    ],
                )),
                None => {
                    seen.insert(v2, port.name);
                }
            }
        }
    }
}

/// KFP507: `metadata.annotations`/`labels`, which kfp 2 drops.
fn metadata_annotations(facts: &SpecFacts, selection: &RuleSelection, out: &mut Vec<Diagnostic>) {
    let Some(rule) = enabled(id::KFP507, selection) else {
        return;
    };
    let Some(metadata) = facts.spec.metadata() else {
        return;
    };
    for (key, _) in metadata.entries() {
        if let Some(k @ ("annotations" | "labels")) = key.as_str() {
            out.push(diagnostic(rule, key.range.clone(), &[("key", k)]));
        }
    }
}

/// The names of inputs kfp 2 loads as artifacts but that the placeholders read only by value (KFP501 makes
/// them parameters).
pub fn inputs_read_by_value_only(spec: &ComponentSpec) -> Vec<String> {
    let placeholders = Placeholders::of(spec.container());
    spec.inputs()
        .iter()
        .filter(|p| p.v2_type() == V2Type::Artifact)
        .filter(|p| {
            let uses: Vec<PortUse> = placeholders
                .uses
                .iter()
                .filter(|u| u.name == p.name && !u.kind.is_output())
                .map(|u| u.kind)
                .collect();
            !uses.is_empty() && uses.iter().all(|u| *u == PortUse::InputValue)
        })
        .map(|p| p.name.to_string())
        .collect()
}

/// KFP501: an input kfp 2 loads as an artifact, read with `{inputValue: ...}`.
fn input_value_artifact(
    source: &SourceFile,
    rule: &Rule,
    inputs: &[Port],
    placeholders: &Placeholders,
    out: &mut Vec<Diagnostic>,
) {
    for port in inputs {
        if port.v2_type() != V2Type::Artifact {
            continue;
        }
        let uses: Vec<PortUse> = placeholders
            .uses
            .iter()
            .filter(|u| {
                u.name == port.name
                    && matches!(
                        u.kind,
                        PortUse::InputValue | PortUse::InputPath | PortUse::InputUri
                    )
            })
            .map(|u| u.kind)
            .collect();
        if !uses.contains(&PortUse::InputValue) {
            continue;
        }
        // Read as a file or URI too: a parameter type would break those uses.
        let by_value_only = uses.iter().all(|u| *u == PortUse::InputValue);
        let replacement = replacement_type(port);
        let fix = by_value_only
            .then(|| type_edit(source, port, replacement))
            .flatten()
            .map(|edit| Fix::new(Applicability::Safe, vec![edit]));
        let range = port.type_node.unwrap_or(port.name_node).range.clone();
        out.push(
            diagnostic(
                rule,
                range,
                &[
                    ("name", port.name),
                    ("type", &type_text(port)),
                    ("replacement", replacement),
                ],
            )
            .with_fix(fix),
        );
    }
}

/// The parameter type an input read by value should have: the dict-form type's own name when kfp 2 knows it
/// as a parameter type (`{Integer: {...}}` → `Integer`), else `String` (what kfp 1 passed).
fn replacement_type(port: &Port) -> &'static str {
    let key = port
        .type_node
        .and_then(|t| t.entries().first())
        .and_then(|(k, _)| k.as_str());
    match model::v2_type(key) {
        V2Type::Parameter(p) => p,
        _ => "String",
    }
}

/// The edit that sets an input's type.
fn type_edit(source: &SourceFile, port: &Port, replacement: &str) -> Option<Edit> {
    if let Some(t) = port.type_node {
        return Some(Edit::replace(t.range.clone(), replacement));
    }
    if port.node.is_flow() {
        return Some(Edit::insert(
            port.name_node.range.end,
            format!(", type: {replacement}"),
        ));
    }
    // Block mapping: a new `type:` line under `name:`, at its indentation.
    let (key, _) = port.node.entry("name")?;
    let text = &source.text;
    let start = line_start(text, key.range.start);
    let indent = &text[start..key.range.start];
    let indent: String = indent
        .chars()
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    if !indent.chars().all(|c| c == ' ') {
        return None;
    }
    let end_of_name = port.name_node.range.end;
    // Only when `name: X` ends its line (a comment after it stays on its line).
    let rest = &text[end_of_name..line_end(text, end_of_name)];
    if !(rest.trim().is_empty() || rest.trim_start().starts_with('#')) {
        return None;
    }
    let at = end_of_name + rest.trim_end_matches(['\n', '\r']).len();
    Some(Edit::insert(
        at,
        format!("{}{indent}type: {replacement}", source.line_ending()),
    ))
}

/// KFP503's fix: declare each fixed file's output with `{outputPath: ...}` and copy the file there after the
/// program runs, with the same `sh -c` wrapper the Python side uses for `file_outputs`.
fn file_outputs_fix(
    source: &SourceFile,
    container: Container,
    key: &Node,
    value: &Node,
    outputs: &[Port],
    placeholders: &Placeholders,
) -> Option<Fix> {
    let text = &source.text;
    if container.node.is_flow() || value.entries().is_empty() {
        return None;
    }
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (k, v) in value.entries() {
        let name = k.as_str()?;
        // Undeclared outputs, or outputs the program already writes to kfp's path, are left to a human.
        outputs.iter().find(|p| p.name == name)?;
        if placeholders.uses.iter().any(|u| u.name == name) {
            return None;
        }
        names.push(name);
        paths.push(v.as_str()?.to_string());
    }
    let command = container.command()?;
    let script = crate::python::op_translate::copy_outputs_script(&paths);
    let quoted = format!("'{}'", script.replace('\'', "''"));
    let mut words = vec!["sh".to_string(), "-c".to_string(), quoted];
    words.extend(names.iter().map(|n| format!("{{outputPath: {n}}}")));
    let insert = prepend_to_command(source, command, &words)?;
    // Delete the whole `fileOutputs:` entry, its lines included.
    let key_line = line_start(text, key.range.start);
    if !text[key_line..key.range.start].trim().is_empty() {
        return None;
    }
    let end = line_end(text, value.range.end.max(key.range.end).saturating_sub(1));
    let delete = Edit::delete(key_line..end);
    Some(Fix::new(Applicability::Unsafe, vec![insert, delete]))
}

/// An edit that puts `words` in front of a container's `command` (a flow or block sequence).
fn prepend_to_command(source: &SourceFile, command: &Node, words: &[String]) -> Option<Edit> {
    let text = &source.text;
    let first = command.items().first()?;
    let nl = source.line_ending();
    match &command.value {
        Value::Sequence { flow: true, .. } => Some(Edit::insert(
            first.range.start,
            format!("{}, ", words.join(", ")),
        )),
        Value::Sequence { flow: false, .. } => {
            let start = line_start(text, first.range.start);
            let prefix = &text[start..first.range.start];
            // `- item` lines: repeat the dash and its indentation.
            if prefix.trim_start_matches(' ') != "- " {
                return None;
            }
            let mut lines = String::new();
            for w in words {
                lines.push_str(&format!("{prefix}{w}{nl}"));
            }
            Some(Edit::insert(start, lines))
        }
        _ => None,
    }
}

/// The `sh -c` script that writes each value (the script's first arguments) to a temporary file and runs
/// the program with each `marker(i)` argument replaced by the i-th file's path: what kfp 1 did for
/// `{inputPath: ...}` on a parameter.
fn value_files_script(n: usize) -> String {
    let mut script = String::new();
    for i in 0..n {
        script.push_str(&format!(
            "f{i}=$(mktemp) && printf %s \"${i}\" > \"$f{i}\" && "
        ));
    }
    if n > 1 {
        script.push_str(&format!("shift {} && ", n - 1));
    }
    script.push_str("n=$# && i=0 && while [ \"$i\" -lt \"$n\" ]; do a=$1; shift; case $a in");
    for i in 0..n {
        script.push_str(&format!(" {}) a=$f{i};;", value_file_marker(i)));
    }
    script.push_str(" esac; set -- \"$@\" \"$a\"; i=$((i+1)); done; exec \"$@\"");
    script
}

fn value_file_marker(i: usize) -> String {
    format!("__kfp_value_file_{i}__")
}

/// KFP502's fix for `{inputPath: X}` on parameters: pass the values with `inputValue` to a wrapper that writes
/// them to files, and put a marker the wrapper replaces with the file's path where each placeholder was.
/// Only for placeholders that are whole command-line elements of a block or flow `command`/`args`.
fn value_file_fix(source: &SourceFile, container: Container, usages: &[&Usage]) -> Option<Fix> {
    let command = container.command()?;
    let top_level: Vec<Range<usize>> = container
        .command_line()
        .flat_map(|(_, n)| n.items().iter().map(|i| i.range.clone()))
        .collect();
    let mut names: Vec<&str> = Vec::new();
    let mut edits = Vec::new();
    for u in usages {
        if !top_level.contains(&u.node.range) {
            return None;
        }
        let i = match names.iter().position(|n| *n == u.name) {
            Some(i) => i,
            None => {
                names.push(&u.name);
                names.len() - 1
            }
        };
        edits.push(Edit::replace(u.node.range.clone(), value_file_marker(i)));
    }
    let script = value_files_script(names.len());
    let mut words = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!("'{}'", script.replace('\'', "''")),
    ];
    words.extend(names.iter().map(|n| format!("{{inputValue: {n}}}")));
    let insert = prepend_to_command(source, command, &words)?;
    // The first placeholder may be the command's first item: the insert goes before it.
    if edits.iter().any(|e| e.range.start == insert.range.start) {
        return None;
    }
    edits.push(insert);
    Some(Fix::new(Applicability::Unsafe, edits))
}

/// KFP601 for a compiled pipeline document.
pub fn compiled_artefact(
    root: &Node,
    kind: Kind,
    selection: &RuleSelection,
    compiled_by: &super::kind::CompiledBy,
    out: &mut Vec<Diagnostic>,
) {
    let Some(rule) = enabled(id::KFP601, selection) else {
        return;
    };
    let (what, key) = match kind {
        Kind::ArgoWorkflow => ("an Argo Workflow compiled by kfp 1", "apiVersion"),
        _ => (
            "a PipelineJob compiled by kfp 1.8's `kfp.v2.compiler`",
            "pipelineSpec",
        ),
    };
    let range = root
        .entry(key)
        .map_or(root.range.start..root.range.start, |(k, _)| k.range.clone());
    let source = source_note(compiled_by);
    out.push(diagnostic(
        rule,
        range,
        &[("what", what), ("source", &source)],
    ));
}

fn source_note(compiled_by: &super::kind::CompiledBy) -> String {
    match compiled_by {
        Some((file, pipeline)) => format!(
            "; it is written by `compile({pipeline}, ...)` in `{}`: recompile it from there with kfp 2",
            file.display()
        ),
        None => String::new(),
    }
}

/// KFP601 for a pipeline package archive (never opened).
pub fn archive(
    selection: &RuleSelection,
    compiled_by: &super::kind::CompiledBy,
) -> Vec<Diagnostic> {
    let source = source_note(compiled_by);
    enabled(id::KFP601, selection)
        .map(|rule| {
            vec![diagnostic(
                rule,
                0..0,
                &[
                    ("what", "a pipeline package compiled by kfp 1 (archive)"),
                    ("source", &source),
                ],
            )]
        })
        .into_iter()
        .flatten()
        .collect()
}
