//! KFP432 against the real packages: the accepted-keyword table is what google-cloud-pipeline-components 2.22.0
//! says, every keyword a GCPC 1.0.44 op takes is either accepted by the op's GCPC 2 home or reported (before and
//! after KFP431 moves the call), and a corpus-like GCPC 1 pipeline compiles under GCPC 1.0.44 and, migrated,
//! under GCPC 2.22.0; with a value KFP432 cannot move it keeps exactly the diagnostics kfp 2 fails on, and
//! compiles once they are followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::ecosystem::{compile_failures, pythons, run_python};
use kfp_upgrade::python;
use kfp_upgrade::registry::registry;
use kfp_upgrade::settings::RuleSelection;
use kfp_upgrade::source::SourceFile;

const TABLE: &str = "src/python/handlers/compiler/gcpc2_signatures.json";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The checked-in table: GCPC 2 component → its input names.
fn gcpc2_inputs() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(manifest().join(TABLE)).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["components"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, inputs)| {
            let names = inputs
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string())
                .collect();
            (name.clone(), names)
        })
        .collect()
}

/// Every (GCPC 1 op, GCPC 2 component) pair KFP431 moves: its exact rows, and each component of a module it
/// moves as a whole (`experimental.dataflow` → `v1.dataflow`).
fn moved_ops(gcpc2: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let rule = registry().get("KFP431").unwrap();
    let mut pairs = Vec::new();
    for entry in &rule.table {
        let Some(to) = entry.to.as_deref() else {
            continue;
        };
        if gcpc2.contains_key(to) {
            pairs.push((entry.from.clone(), to.to_string()));
            continue;
        }
        for component in gcpc2.keys() {
            if let Some(name) = component.strip_prefix(&format!("{to}."))
                && !name.contains('.')
            {
                pairs.push((format!("{}.{name}", entry.from), component.clone()));
            }
        }
    }
    pairs
}

fn check(text: &str) -> Vec<kfp_upgrade::diagnostic::Diagnostic> {
    let source = SourceFile::new(Path::new("example.py"), text.to_string(), false);
    python::check(&source, &RuleSelection::default())
}

/// The keywords KFP432 reports in `text`, with their messages.
fn reported(text: &str) -> BTreeMap<String, String> {
    check(text)
        .into_iter()
        .filter(|d| d.rule == "KFP432")
        .map(|d| (text[d.range.clone()].to_string(), d.message))
        .collect()
}

fn fixed(text: &str) -> String {
    let source = SourceFile::new(Path::new("example.py"), text.to_string(), false);
    python::fix(&source, &RuleSelection::default(), true).text
}

#[test]
fn signature_table_is_what_gcpc_2_22_says() {
    let Some(p) = pythons() else { return };
    let script = manifest().join("scripts/gcpc-signatures.py");
    let out = std::process::Command::new(&p.gcpc)
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    let checked_in = std::fs::read_to_string(manifest().join(TABLE)).unwrap();
    assert!(
        generated == checked_in,
        "{TABLE} differs from what GCPC 2.22.0 says: regenerate it with \
         `target/oracle/gcpc/bin/python scripts/gcpc-signatures.py > {TABLE}`"
    );
}

/// GCPC 1.0.44's inputs of each op, read in its venv (`None` for an op GCPC 1 does not have).
fn gcpc1_inputs(python: &Path, ops: &[String]) -> BTreeMap<String, Option<BTreeSet<String>>> {
    let code = format!(
        "import importlib, json, warnings\nwarnings.simplefilter('ignore')\nout = {{}}\n\
         for q in {ops:?}:\n    m, _, n = q.rpartition('.')\n    op = getattr(importlib.import_module(m), n, None)\n    \
         out[q] = None if op is None else [i.name for i in (op.component_spec.inputs or [])]\nprint(json.dumps(out))\n"
    );
    let (ok, out) = run_python(python, &code);
    assert!(ok, "{out}");
    let value: serde_json::Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    value
        .as_object()
        .unwrap()
        .iter()
        .map(|(op, inputs)| {
            let inputs = inputs
                .as_array()
                .map(|a| a.iter().map(|i| i.as_str().unwrap().to_string()).collect());
            (op.clone(), inputs)
        })
        .collect()
}

/// A call of `op` with every keyword in `keywords`, imported from its GCPC 1 module.
fn call_source(op: &str, keywords: &BTreeSet<String>) -> String {
    let (module, name) = op.rsplit_once('.').unwrap();
    let args: Vec<String> = keywords.iter().map(|k| format!("{k}=None")).collect();
    format!(
        "from {module} import {name}\n\n\ndef pipeline():\n    {name}({})\n",
        args.join(", ")
    )
}

#[test]
fn every_gcpc_1_keyword_is_accepted_by_gcpc_2_or_reported() {
    let Some(p) = pythons() else { return };
    let gcpc2 = gcpc2_inputs();
    let pairs = moved_ops(&gcpc2);
    assert!(pairs.len() > 50, "KFP431 moves fewer ops: {pairs:?}");
    let ops: Vec<String> = pairs.iter().map(|(v1, _)| v1.clone()).collect();
    let gcpc1 = gcpc1_inputs(&p.gcpc1, &ops);
    let mut checked = 0;
    let mut dropped_total = 0;
    let mut problems = Vec::new();
    for (v1, v2) in &pairs {
        // An op GCPC 2 added to a moved module (`DataflowFlexTemplateJobOp`) has no GCPC 1 calls to migrate.
        let Some(Some(v1_inputs)) = gcpc1.get(v1) else {
            continue;
        };
        checked += 1;
        let expected: BTreeSet<String> = v1_inputs.difference(&gcpc2[v2]).cloned().collect();
        dropped_total += expected.len();
        let before = call_source(v1, v1_inputs);
        let after = fixed(&before);
        assert_ne!(before, after, "KFP431 did not move {v1}");
        for (text, stage) in [(&before, "GCPC 1 call"), (&after, "call KFP431 moved")] {
            let got = reported(text);
            let keys: BTreeSet<String> = got.keys().cloned().collect();
            if keys != expected {
                problems.push(format!(
                    "{v1} ({stage}): reported {keys:?}, GCPC 2.22.0 rejects {expected:?}"
                ));
            }
            // Every keyword GCPC 1.0.44 took has its replacement written down, not a guess.
            for (keyword, message) in &got {
                if !message.contains("unmanaged_container_model=") {
                    problems.push(format!(
                        "{v1}: `{keyword}` has no known replacement: {message}"
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} ops found in GCPC 1.0.44");
    assert!(
        dropped_total > 0,
        "no GCPC 1 keyword is dropped: the check is vacuous"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A GCPC 1 pipeline like the corpus's (the Dataflow sample's `DataflowPythonJobOp` + `WaitGcpResourcesOp`, and
/// the upload-and-deploy flow of `aiplatform` ops).
const CORPUS_LIKE: &str = r#"from google_cloud_pipeline_components import aiplatform as gcc_aip
from google_cloud_pipeline_components.experimental.dataflow import DataflowPythonJobOp
from google_cloud_pipeline_components.experimental.wait_gcp_resources import WaitGcpResourcesOp
from kfp.v2 import dsl

PROJECT = 'my-project'
REGION = 'us-central1'
IMAGE = 'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-0:latest'


@dsl.pipeline(name='train-upload-deploy', pipeline_root='gs://my-bucket/root')
def pipeline(project: str = PROJECT, location: str = REGION):
    preprocess = DataflowPythonJobOp(
        project=project,
        location=location,
        python_module_path='gs://my-bucket/wc.py',
        temp_location='gs://my-bucket/tmp',
        requirements_file_path='gs://my-bucket/requirements.txt',
        args=['--output', 'gs://my-bucket/out'],
    )
    wait = WaitGcpResourcesOp(gcp_resources=preprocess.outputs['gcp_resources'])
    endpoint = gcc_aip.EndpointCreateOp(project=project, location=location, display_name='endpoint')
    model = gcc_aip.ModelUploadOp(
        project=project,
        location=location,
        display_name='model',
        artifact_uri='gs://my-bucket/model',
        serving_container_image_uri=IMAGE,
    ).after(wait)
    gcc_aip.ModelDeployOp(
        model=model.outputs['model'],
        endpoint=endpoint.outputs['endpoint'],
        dedicated_resources_machine_type='n1-standard-4',
        dedicated_resources_min_replica_count=1,
        dedicated_resources_max_replica_count=1,
    )
"#;

/// The same upload with a port: a value that changes shape, so the call is reported and left to the user.
const FLAGGED: &str =
    "        artifact_uri='gs://my-bucket/model',\n        serving_container_image_uri=IMAGE,\n";
const WITH_PORT: &str = "        artifact_uri='gs://my-bucket/model',\n        serving_container_image_uri=IMAGE,\n        \
    serving_container_ports=[8080],\n";
/// What the diagnostics ask for: the three keywords become one importer task's artifact.
const FOLLOWED: &str = "        unmanaged_container_model=dsl.importer(\n            \
    artifact_uri='gs://my-bucket/model',\n            \
    artifact_class=artifact_types.UnmanagedContainerModel,\n            \
    metadata={'containerSpec': {'imageUri': IMAGE, 'ports': [{'containerPort': 8080}]}},\n        ).output,\n";

struct Oracle<'a> {
    dir: tempfile::TempDir,
    pythons: &'a crate::common::ecosystem::Pythons,
}

impl Oracle<'_> {
    /// Compile failures of `text` under GCPC 1.0.44 + kfp 1.8.22 (`major` 1) or GCPC 2.22.0 + kfp 2.17.3.
    fn failures(&self, name: &str, text: &str, major: u8) -> Vec<String> {
        let path = self.dir.path().join(format!("{name}.py"));
        std::fs::write(&path, text).unwrap();
        let python = if major == 1 {
            &self.pythons.gcpc1
        } else {
            &self.pythons.gcpc
        };
        compile_failures(python, major, std::slice::from_ref(&path))
    }
}

#[test]
fn corpus_like_gcpc_1_pipeline_migrates_and_compiles_with_gcpc_2() {
    let Some(p) = pythons() else { return };
    let oracle = Oracle {
        dir: tempfile::tempdir().unwrap(),
        pythons: p,
    };
    // The v1 source is real GCPC 1 code.
    let failures = oracle.failures("before", CORPUS_LIKE, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        reported(CORPUS_LIKE).keys().collect::<Vec<_>>(),
        ["artifact_uri", "serving_container_image_uri"]
    );
    // Migrated: every op moved, the upload's container keywords moved into an importer, nothing left.
    let after = fixed(CORPUS_LIKE);
    assert!(
        !after.contains("gcc_aip") && !after.contains("experimental"),
        "{after}"
    );
    assert!(
        after.contains("unmanaged_container_model=")
            && !after.contains("artifact_uri='gs://my-bucket/model',\n        serving"),
        "{after}"
    );
    let left: Vec<String> = check(&after).iter().map(|d| d.message.clone()).collect();
    assert!(left.is_empty(), "{left:?}\n{after}");
    let failures = oracle.failures("after", &after, 2);
    assert!(failures.is_empty(), "{}\n{after}", failures.join("\n"));
}

#[test]
fn corpus_like_upload_with_a_reshaped_value_keeps_its_diagnostics() {
    let Some(p) = pythons() else { return };
    let oracle = Oracle {
        dir: tempfile::tempdir().unwrap(),
        pythons: p,
    };
    assert!(CORPUS_LIKE.contains(FLAGGED));
    let source = CORPUS_LIKE.replace(FLAGGED, WITH_PORT);
    let failures = oracle.failures("before", &source, 1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Migrated: the other ops moved, the three keywords still reported, and kfp 2 fails on exactly them.
    let after = fixed(&source);
    assert!(
        !after.contains("gcc_aip") && !after.contains("experimental"),
        "{after}"
    );
    assert_eq!(
        reported(&after).keys().collect::<Vec<_>>(),
        [
            "artifact_uri",
            "serving_container_image_uri",
            "serving_container_ports"
        ],
        "{after}"
    );
    let failures = oracle.failures("after", &after, 2);
    assert!(
        failures.len() == 1 && failures[0].contains("unexpected keyword argument \"artifact_uri\""),
        "kfp 2 should reject the reported keyword: {failures:?}"
    );

    // Following the diagnostics gives a pipeline GCPC 2.22.0 compiles, and KFP432 is silent.
    assert!(after.contains(WITH_PORT), "{after}");
    let done = format!(
        "from google_cloud_pipeline_components.types import artifact_types\n{}",
        after.replace(WITH_PORT, FOLLOWED)
    );
    assert!(reported(&done).is_empty(), "{done}");
    let failures = oracle.failures("done", &done, 2);
    assert!(failures.is_empty(), "{}\n{done}", failures.join("\n"));
}
