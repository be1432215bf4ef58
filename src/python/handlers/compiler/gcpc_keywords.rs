//! KFP432: keywords a GCPC 2 component does not accept, on calls of the ops KFP431 moves to GCPC 2
//! (`gcc_aip.ModelUploadOp(...)`) and of their GCPC 2 homes (`v1.model.ModelUploadOp(...)`, so a call stays
//! reported after KFP431's fix). What each component accepts is generated from google-cloud-pipeline-components
//! 2.22.0 by `scripts/gcpc-signatures.py` (`gcpc2_signatures.json`; `tests/it/gcpc_keywords.rs` keeps it true).
//! kfp 2 refuses a component call with a keyword that is not one of its inputs, or with a positional argument
//! (GCPC 1's kfp 1 components took both; `TypeError` in kfp 2), so each such keyword gets a diagnostic saying
//! what replaces it (the GCPC 1.0.44 keywords GCPC 2 dropped have their replacement written below; any other
//! gets the closest input name), and positional arguments get one naming the inputs.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use super::super::name_table;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::{delete_argument, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// The generated table: GCPC 2 component (qualified) → its inputs.
const SIGNATURES: &str = include_str!("gcpc2_signatures.json");

const IMPORTER_FIX_TITLE: &str =
    "Import the model with `dsl.importer(...)` and pass it as `unmanaged_container_model=`";

const MODEL_UPLOAD: &str = "google_cloud_pipeline_components.v1.model.ModelUploadOp";

/// Where GCPC 2 takes what a GCPC 1.0.44 keyword it dropped gave (the difference of the two releases'
/// signatures, read from both venvs). GCPC 2's `ModelUploadOp` reads the serving container and the model files
/// from one `google.UnmanagedContainerModel` artifact: the importer's URI and its `containerSpec` and
/// `predictSchemata` metadata (the artifact's schema in GCPC 2.22.0's `types.artifact_types`).
const DROPPED: &[(&str, &str, Place)] = &[
    (MODEL_UPLOAD, "artifact_uri", Place::ArtifactUri),
    (
        MODEL_UPLOAD,
        "serving_container_image_uri",
        Place::Metadata("containerSpec", "imageUri", Value::Any),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_command",
        Place::Metadata("containerSpec", "command", Value::List),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_args",
        Place::Metadata("containerSpec", "args", Value::List),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_environment_variables",
        Place::Reshaped(
            "`metadata['containerSpec']['env']`, as a list of `{'name': ..., 'value': ...}`",
        ),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_ports",
        Place::Reshaped(
            "`metadata['containerSpec']['ports']`, as a list of `{'containerPort': ...}`",
        ),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_predict_route",
        Place::Metadata("containerSpec", "predictRoute", Value::Any),
    ),
    (
        MODEL_UPLOAD,
        "serving_container_health_route",
        Place::Metadata("containerSpec", "healthRoute", Value::Any),
    ),
    (
        MODEL_UPLOAD,
        "instance_schema_uri",
        Place::Metadata("predictSchemata", "instanceSchemaUri", Value::Any),
    ),
    (
        MODEL_UPLOAD,
        "parameters_schema_uri",
        Place::Metadata("predictSchemata", "parametersSchemaUri", Value::Any),
    ),
    (
        MODEL_UPLOAD,
        "prediction_schema_uri",
        Place::Metadata("predictSchemata", "predictionSchemaUri", Value::Any),
    ),
];

/// Where a dropped keyword's value goes in GCPC 2.
#[derive(Clone, Copy)]
enum Place {
    /// The importer's `artifact_uri`.
    ArtifactUri,
    /// `metadata[section][key]`, the value unchanged.
    Metadata(&'static str, &'static str, Value),
    /// Somewhere the value changes shape on the way (described): never moved by the fix.
    Reshaped(&'static str),
}

/// Which values move unchanged.
#[derive(Clone, Copy)]
enum Value {
    /// Any expression (a string, a pipeline parameter).
    Any,
    /// A list literal only: GCPC 1 also took a JSON string for these list inputs, which metadata would keep
    /// as a string.
    List,
}

fn place_of(component: &str, keyword: &str) -> Option<Place> {
    DROPPED
        .iter()
        .find(|(c, k, _)| *c == component && *k == keyword)
        .map(|(_, _, p)| *p)
}

#[derive(serde::Deserialize)]
struct Input {
    name: String,
}

#[derive(serde::Deserialize)]
struct Table {
    components: HashMap<String, Vec<Input>>,
}

fn signatures() -> &'static HashMap<String, Vec<Input>> {
    static TABLE: OnceLock<HashMap<String, Vec<Input>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str::<Table>(SIGNATURES)
            .expect("gcpc2_signatures.json is the generator's JSON")
            .components
    })
}

/// The GCPC 2 component a callee names: itself, or where KFP431 moves a GCPC 1 op.
fn gcpc2_component(callee: &str) -> Option<(String, &'static [Input])> {
    if let Some((name, inputs)) = signatures().get_key_value(callee) {
        return Some((name.clone(), inputs));
    }
    let hit = name_table::lookup(callee)?;
    if hit.rule.id != id::KFP431 {
        return None;
    }
    let moved = hit.replacement()?;
    let inputs = signatures().get(&moved)?;
    Some((moved, inputs))
}

/// What replaces `keyword`, which `component` (with `inputs`) does not accept.
fn guidance(component: &str, keyword: &str, inputs: &[Input]) -> String {
    if let Some(place) = place_of(component, keyword) {
        let place = match place {
            Place::ArtifactUri => "the importer's `artifact_uri`".to_string(),
            Place::Metadata(section, key, _) => format!("`metadata['{section}']['{key}']`"),
            Place::Reshaped(text) => text.to_string(),
        };
        return format!(
            "pass `unmanaged_container_model=` instead, the `.output` of `dsl.importer(artifact_uri=..., \
             artifact_class=artifact_types.UnmanagedContainerModel, metadata={{'containerSpec': {{'imageUri': \
             ...}}}})` (`artifact_types` from `google_cloud_pipeline_components.types`), where this value is \
             {place}"
        );
    }
    let closest = inputs
        .iter()
        .map(|i| (strsim::jaro_winkler(keyword, &i.name), i.name.as_str()))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, name)) => format!("did you mean `{name}=`? Otherwise remove it"),
        None => {
            let names: Vec<String> = inputs.iter().map(|i| format!("`{}`", i.name)).collect();
            format!("remove it; the inputs are {}", names.join(", "))
        }
    }
}

/// KFP432: a call of a (moved) GCPC component with keywords GCPC 2.22.0 does not accept.
pub(crate) fn check_call(checker: &mut Checker, call: &ast::ExprCall, callee: &str) {
    if !callee.starts_with("google_cloud_pipeline_components.") {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP432) else {
        return;
    };
    let Some((component, inputs)) = gcpc2_component(callee) else {
        return;
    };
    let short = component.rsplit('.').next().unwrap_or(&component);
    let report =
        |checker: &mut Checker, span: std::ops::Range<usize>, what: &str, guidance: &str| {
            let message = rule
                .message
                .replace("{name}", what)
                .replace("{replacement}", short)
                .replace("{guidance}", guidance);
            let d = Diagnostic::new(rule.code, span, message)
                .with_fix_title(rule.fix_title.replace("{name}", what));
            checker.report(d);
        };
    // GCPC 1's kfp 1 components took positional arguments; a kfp 2 component takes keywords only.
    if let (Some(first), Some(last)) = (call.arguments.args.first(), call.arguments.args.last()) {
        let count = call.arguments.args.len();
        let what = if count == 1 {
            "a positional argument".to_string()
        } else {
            format!("{count} positional arguments")
        };
        let names: Vec<String> = inputs.iter().map(|i| format!("`{}=`", i.name)).collect();
        let guidance = format!(
            "kfp 2 components take keyword arguments only; name each by its input ({})",
            names.join(", ")
        );
        report(
            checker,
            range(first).start..range(last).end,
            &what,
            &guidance,
        );
    }
    let unaccepted: Vec<&ast::Keyword> = call
        .arguments
        .keywords
        .iter()
        // `**kwargs` cannot be checked here.
        .filter(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| !inputs.iter().any(|i| i.name == a.as_str()))
        })
        .collect();
    // One fix moves all of a call's container keywords into one importer: each of their diagnostics offers it
    // (the fix loop applies it once).
    let fix = if component == MODEL_UPLOAD && call.arguments.args.is_empty() {
        importer_fix(checker, call, &unaccepted)
            .map(|edits| Fix::new(rule.fix.applicability(), edits))
    } else {
        None
    };
    for keyword in unaccepted {
        let Some(arg) = keyword.arg.as_ref().map(|a| a.as_str()) else {
            continue;
        };
        let start = range(keyword).start;
        let message = rule
            .message
            .replace("{name}", &format!("`{arg}=`"))
            .replace("{replacement}", short)
            .replace("{guidance}", &guidance(&component, arg, inputs));
        let title = match &fix {
            Some(_) => IMPORTER_FIX_TITLE.to_string(),
            None => rule.fix_title.replace("{name}", arg),
        };
        let d = Diagnostic::new(rule.code, start..start + arg.len(), message)
            .with_fix_title(title)
            .with_fix(fix.clone());
        checker.report(d);
    }
}

/// `x = ModelUploadOp(..., artifact_uri=a, serving_container_image_uri=i, ...)` →
/// `unmanaged_container_model = dsl.importer(artifact_uri=a, artifact_class=artifact_types.UnmanagedContainerModel,
/// metadata={'containerSpec': {'imageUri': i}})` on the line before, and
/// `x = ModelUploadOp(..., unmanaged_container_model=unmanaged_container_model.output)`. Only when every
/// unaccepted keyword moves unchanged, both the URI and the image are given (the importer and the container
/// spec require them), and the call starts its own statement line (`x = ...` or the call itself).
fn importer_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    unaccepted: &[&ast::Keyword],
) -> Option<Vec<Edit>> {
    let mut artifact_uri = None;
    let mut metadata: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for keyword in unaccepted {
        let arg = keyword.arg.as_ref()?.as_str();
        let value = checker.text(range(&keyword.value));
        match place_of(MODEL_UPLOAD, arg)? {
            Place::ArtifactUri => artifact_uri = Some(value),
            Place::Metadata(_, _, Value::List) if !matches!(keyword.value, Expr::List(_)) => {
                return None;
            }
            Place::Metadata(section, key, _) => {
                match metadata.iter_mut().find(|(s, _)| *s == section) {
                    Some((_, entries)) => entries.push((key, value)),
                    None => metadata.push((section, vec![(key, value)])),
                }
            }
            Place::Reshaped(_) => return None,
        }
    }
    let artifact_uri = artifact_uri?;
    let has_image = metadata
        .iter()
        .any(|(s, e)| *s == "containerSpec" && e.iter().any(|(k, _)| *k == "imageUri"));
    let call_range = range(call);
    if !has_image
        || call.arguments.keywords.iter().any(|k| {
            k.arg
                .as_ref()
                .is_some_and(|a| a.as_str() == "unmanaged_container_model")
        })
        || checker.module.has_comment_in(call_range.clone())
    {
        return None;
    }
    // The statement's line: only indentation, or `name = `, before the call.
    let line = checker.source.line_range(call_range.start);
    let before = &checker.source.text[line.start..call_range.start];
    let indent = &before[..before.len() - before.trim_start().len()];
    let head = before.trim_start();
    let simple_target = head.is_empty()
        || head.trim_end().strip_suffix('=').is_some_and(|t| {
            let t = t.trim_end();
            !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
    if indent.is_empty() || !simple_target {
        return None;
    }
    let name = [
        "unmanaged_container_model",
        "container_model",
        "uploaded_container_model",
    ]
    .into_iter()
    .find(|n| !checker.model.is_bound_anywhere(n))?;
    let mut edits = Vec::new();
    let (importer, import) = spell_qualified(checker, "kfp.dsl.importer")?;
    edits.extend(import);
    let (class, import) = spell_qualified(
        checker,
        "google_cloud_pipeline_components.types.artifact_types.UnmanagedContainerModel",
    )?;
    edits.extend(import);
    let sections: Vec<String> = metadata
        .iter()
        .map(|(section, entries)| {
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("'{k}': {v}")).collect();
            format!("'{section}': {{{}}}", entries.join(", "))
        })
        .collect();
    let nl = checker.source.line_ending();
    edits.push(Edit::insert(
        line.start,
        format!(
            "{indent}{name} = {importer}({nl}{indent}    artifact_uri={artifact_uri},{nl}{indent}    \
             artifact_class={class},{nl}{indent}    metadata={{{}}},{nl}{indent}){nl}",
            sections.join(", ")
        ),
    ));
    // The first unaccepted keyword becomes the artifact; the others go with their separating comma.
    let first = range(unaccepted[0]);
    edits.push(Edit::replace(
        first.clone(),
        format!("unmanaged_container_model={name}.output"),
    ));
    for keyword in &unaccepted[1..] {
        edits.push(delete_argument(call, &range(*keyword))?);
    }
    Some(edits)
}
