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
use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// The generated table: GCPC 2 component (qualified) → its inputs.
const SIGNATURES: &str = include_str!("gcpc2_signatures.json");

const MODEL_UPLOAD: &str = "google_cloud_pipeline_components.v1.model.ModelUploadOp";

/// Where GCPC 2 takes what a GCPC 1.0.44 keyword it dropped gave (the difference of the two releases'
/// signatures, read from both venvs). GCPC 2's `ModelUploadOp` reads the serving container and the model files
/// from one `google.UnmanagedContainerModel` artifact (its `containerSpec` and `predictSchemata` metadata).
const DROPPED: &[(&str, &str, &str)] = &[
    (
        MODEL_UPLOAD,
        "artifact_uri",
        "the importer's `artifact_uri`",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_image_uri",
        "`metadata['containerSpec']['imageUri']`",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_command",
        "`metadata['containerSpec']['command']`",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_args",
        "`metadata['containerSpec']['args']`",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_environment_variables",
        "`metadata['containerSpec']['env']` (a list of `{'name': ..., 'value': ...}`)",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_ports",
        "`metadata['containerSpec']['ports']` (a list of `{'containerPort': ...}`)",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_predict_route",
        "`metadata['containerSpec']['predictRoute']`",
    ),
    (
        MODEL_UPLOAD,
        "serving_container_health_route",
        "`metadata['containerSpec']['healthRoute']`",
    ),
    (
        MODEL_UPLOAD,
        "instance_schema_uri",
        "`metadata['predictSchemata']['instanceSchemaUri']`",
    ),
    (
        MODEL_UPLOAD,
        "parameters_schema_uri",
        "`metadata['predictSchemata']['parametersSchemaUri']`",
    ),
    (
        MODEL_UPLOAD,
        "prediction_schema_uri",
        "`metadata['predictSchemata']['predictionSchemaUri']`",
    ),
];

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
    if let Some((_, _, place)) = DROPPED
        .iter()
        .find(|(c, k, _)| *c == component && *k == keyword)
    {
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
    for keyword in &call.arguments.keywords {
        // `**kwargs` cannot be checked here.
        let Some(arg) = keyword.arg.as_ref().map(|a| a.as_str()) else {
            continue;
        };
        if inputs.iter().any(|i| i.name == arg) {
            continue;
        }
        let start = range(keyword).start;
        report(
            checker,
            start..start + arg.len(),
            &format!("`{arg}=`"),
            &guidance(&component, arg, inputs),
        );
    }
}
