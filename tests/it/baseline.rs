//! `--write-baseline` / `--baseline`: the gate fails only on new v1 code; migrated code makes entries stale.

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
const V2: &str = "from kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";

#[test]
fn known_findings_pass_new_ones_fail_and_migrated_ones_are_stale() {
    let p = Project::new();
    p.write("pipelines/a.py", V1);
    p.write("pipelines/b.py", V1);
    let o = p.run(&["check", "--write-baseline", "kfp-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Wrote 2 findings (2 entries) to the baseline kfp-baseline.json."),
        "{}",
        stderr(&o)
    );
    let written: serde_json::Value =
        serde_json::from_str(&p.read_string("kfp-baseline.json")).unwrap();
    assert_eq!(written["version"], 1);
    let entries = written["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["file"], "pipelines/a.py");
    assert_eq!(entries[0]["rule"], "KFP001");
    assert_eq!(entries[0]["source"], "from kfp.v2 import dsl");
    assert!(
        entries[0].get("line").is_none(),
        "no line numbers: {entries:?}"
    );

    // Everything known: the gate passes.
    let o = p.run(&["check", "--baseline", "kfp-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o).contains("2 known problems in the baseline kfp-baseline.json not reported.")
    );

    // Code moves down: still known.
    p.write("pipelines/a.py", format!("\"\"\"Docs.\"\"\"\n\n\n{V1}"));
    let o = p.run(&["check", "--baseline", "kfp-baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // New v1 code fails the gate, and only it is reported.
    p.write("pipelines/c.py", V1);
    let o = p.run(&[
        "check",
        "--baseline",
        "kfp-baseline.json",
        "--output-format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o)
            .lines()
            .filter(|l| l.contains("KFP001"))
            .collect::<Vec<_>>(),
        [
            "pipelines/c.py:1:6: KFP001 `kfp.v2.dsl` is the deprecated `kfp.v2` namespace; kfp 2 has it at `kfp.dsl` [*]"
        ]
    );
    std::fs::remove_file(p.path("pipelines/c.py")).unwrap();

    // b.py is migrated: its entry is stale, which is reported but does not fail the gate.
    p.write("pipelines/b.py", V2);
    let o = p.run(&["check", "--baseline", "kfp-baseline.json"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("1 baseline entry in kfp-baseline.json no longer match"),
        "{err}"
    );
    assert!(
        err.contains("  stale: pipelines/b.py KFP001 `from kfp.v2 import dsl`"),
        "{err}"
    );

    // Rewriting the baseline drops the stale entry.
    p.run(&["check", "--write-baseline", "kfp-baseline.json"]);
    let o = p.run(&["check", "--baseline", "kfp-baseline.json"]);
    assert!(!stderr(&o).contains("stale"), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&p.read_string("kfp-baseline.json")).unwrap();
    assert_eq!(written["entries"].as_array().unwrap().len(), 1);
}

#[test]
fn identical_findings_are_counted_and_paths_are_relative_to_the_baseline() {
    let p = Project::new();
    let twice = "import kfp.v2.dsl\nimport kfp.v2.dsl\n";
    p.write("src/a.py", twice);
    let o = p.run(&["check", "src", "--write-baseline", "ci/baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: serde_json::Value =
        serde_json::from_str(&p.read_string("ci/baseline.json")).unwrap();
    assert_eq!(written["entries"][0]["file"], "../src/a.py");
    assert_eq!(written["entries"][0]["count"], 2);

    // Run from another folder: the same entries match.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(["check", ".", "--baseline", "../ci/baseline.json"])
        .current_dir(p.path("src"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // A third copy is new.
    p.write("src/a.py", format!("{twice}import kfp.v2.dsl\n"));
    let o = p.run(&[
        "check",
        "src",
        "--baseline",
        "ci/baseline.json",
        "--output-format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["problems"], 1);
}

#[test]
fn an_invalid_baseline_is_an_error_with_its_position() {
    let p = Project::new();
    p.write("a.py", V1);
    p.write(
        "b.json",
        "{\"version\": 1,\n \"entries\": [{\"file\": \"a.py\", \"rule\": 1}]}\n",
    );
    let o = p.run(&["check", "--baseline", "b.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid baseline b.json:2:"),
        "{}",
        stderr(&o)
    );
    let o = p.run(&["check", "--baseline", "missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read baseline missing.json"),
        "{}",
        stderr(&o)
    );
}
