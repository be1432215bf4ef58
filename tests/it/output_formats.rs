//! The CI gate's output formats and flags: json-lines, github annotations, SARIF (validated against the
//! official 2.1.0 schema), JUnit, `--output-file`, `--statistics`, `--exit-non-zero-on-fix`.

use std::process::Command;

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
/// Two findings of two rules, one with an unsafe fix only.
const V1_TWO: &str = "import kfp\nfrom kfp.v2 import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, 'p.tar.gz')\n";

#[test]
fn json_lines_prints_one_object_per_diagnostic() {
    let p = Project::new();
    p.write("a.py", V1);
    p.write("b.py", V1);
    let o = p.run(&["check", "--output-format", "json-lines"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for (line, file) in lines.iter().zip(["a.py", "b.py"]) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["file"], file);
        assert_eq!(v["rule"], "KFP001");
        assert_eq!(v["start"]["line"], 1);
        assert_eq!(v["start"]["column"], 6);
        assert_eq!(v["fix"]["applicability"], "safe");
    }
}

#[test]
fn github_format_prints_workflow_annotations() {
    let p = Project::new();
    p.write("dir, with comma/a.py", V1);
    p.write("bad.py", "import kfp\ndef (:\n");
    p.write("latin1.py", b"import kfp\nx = '\xe9'\n");
    let o = p.run(&["check", "--output-format", "github"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("::warning file=dir%2C with comma/a.py,line=1,col=6,endLine=1,endColumn=12,title=KFP001::`kfp.v2.dsl` is the deprecated `kfp.v2` namespace"),
        "{out}"
    );
    assert!(out.contains("(help: Use `kfp.dsl`)"), "{out}");
    assert!(
        out.contains("::error file=bad.py,line=2,col=5,endLine=2,endColumn=6,title=KFP000::syntax error: Expected an identifier"),
        "{out}"
    );
    assert!(
        out.contains("::error file=latin1.py,title=kfp-upgrade::invalid UTF-8 at line 2"),
        "{out}"
    );
    assert!(
        !out.contains("Found"),
        "no summary in a machine format: {out}"
    );
}

/// The annotation level is the rule's severity: error → `::error`, warning → `::warning`, info → `::notice`;
/// the exit code still fails the gate on any finding.
#[test]
fn github_annotation_levels_follow_rule_severity() {
    let p = Project::new();
    // KFP001 is a warning, KFP000 an error, KFP116 (opt-in) info; every line is checked against its rule.
    p.write("a.py", V1_TWO);
    p.write("broken.py", "import kfp\ndef (:\n");
    p.write(
        "m.py",
        "from kfp import dsl\nfrom kfp.dsl import Metrics, Output\n\n\n@dsl.component\ndef evaluate(threshold: float, metrics: Output[Metrics]):\n    metrics.log_metric('threshold', threshold)\n",
    );
    let o = p.run(&[
        "check",
        "--output-format",
        "github",
        "--extend-select",
        "KFP116",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let level = |rule: &str| -> Vec<String> {
        let mut levels: Vec<String> = out
            .lines()
            .filter(|l| l.contains(&format!(",title={rule}::")))
            .map(|l| l.split(' ').next().unwrap().to_string())
            .collect();
        levels.dedup();
        levels
    };
    assert_eq!(level("KFP000"), ["::error"], "{out}");
    assert_eq!(level("KFP001"), ["::warning"], "{out}");
    assert_eq!(level("KFP116"), ["::notice"], "{out}");
    for line in out.lines() {
        let rule = line
            .split(",title=")
            .nth(1)
            .unwrap()
            .split("::")
            .next()
            .unwrap();
        // KFP403's archive output is graver than its rule (an error; the rule is a warning).
        if rule == "KFP403" {
            assert!(line.starts_with("::error"), "{line}");
            continue;
        }
        let severity = kfp_upgrade::registry::registry()
            .get(rule)
            .unwrap()
            .severity;
        let expected = match severity {
            kfp_upgrade::registry::Severity::Error => "::error",
            kfp_upgrade::registry::Severity::Warning => "::warning",
            kfp_upgrade::registry::Severity::Info => "::notice",
        };
        assert!(line.starts_with(expected), "{line}");
    }
}

#[test]
fn junit_lists_a_failing_testcase_per_diagnostic() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--output-format", "junit"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kfp-upgrade\" tests=\"1\" failures=\"1\" errors=\"0\">"), "{out}");
    assert!(
        out.contains(r#"<testcase name="KFP001 at line 1, column 6" classname="a.py""#),
        "{out}"
    );
    assert!(
        out.contains("<failure message=\"`kfp.v2.dsl` is the deprecated"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("</testsuites>"), "{out}");

    let clean = Project::new();
    clean.write("a.py", "import kfp\n");
    let o = clean.run(&["check", "--output-format", "junit"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains(r#"tests="1" failures="0" errors="0""#));
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_carries_rule_metadata() {
    let p = Project::new();
    p.write("pipelines/a b.py", V1_TWO);
    p.write("bad.json", "{\"implementation\": [\n");
    let o = p.run(&[
        "check",
        "--output-format",
        "sarif",
        "--output-file",
        "out.sarif",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stdout(&o), "", "--output-file leaves stdout empty");
    let text = p.read_string("out.sarif");
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() >= 2, "{text}");
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at its rule"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "pipelines/a%20b.py"
        );
    }
    let kfp001 = rules.iter().find(|r| r["id"] == "KFP001").unwrap();
    assert_eq!(
        kfp001["helpUri"],
        "https://github.com/kfp-upgrade/kfp-upgrade/blob/main/rules/imports/KFP001-kfp-v2-namespace.yaml"
    );
    assert!(
        kfp001["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Fix safety")
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]
            ["region"]["startLine"],
        2
    );

    let Some(python) = crate::common::tools::python() else {
        return;
    };
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sarif/sarif-2.1.0-rtm.5.json");
    let validate = |path: &std::path::Path| {
        Command::new(python)
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 cls = jsonschema.validators.validator_for(schema)\n\
                 errors = list(cls(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
                 for e in errors: print(list(e.absolute_path), e.message)\n\
                 sys.exit(1 if errors else 0)",
            )
            .arg(&schema)
            .arg(path)
            .output()
            .unwrap()
    };
    let v = validate(&p.path("out.sarif"));
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    // The validator really rejects a log that breaks the schema.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    p.write("broken.sarif", serde_json::to_string(&broken).unwrap());
    assert!(!validate(&p.path("broken.sarif")).status.success());
}

/// Validates the JSON file at `path` against the JSON schema at `schema` (relative to the crate) with python
/// `jsonschema`; `None` when the tool venv is skipped (outside CI only).
fn validate_against(schema: &str, path: &std::path::Path) -> Option<std::process::Output> {
    let python = crate::common::tools::python()?;
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(schema);
    Some(
        Command::new(python)
            .arg("-c")
            .arg(
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 cls = jsonschema.validators.validator_for(schema)\n\
                 cls.check_schema(schema)\n\
                 errors = list(cls(schema).iter_errors(json.load(open(sys.argv[2]))))\n\
                 for e in errors: print(list(e.absolute_path), e.message)\n\
                 sys.exit(1 if errors else 0)",
            )
            .arg(&schema)
            .arg(path)
            .output()
            .unwrap(),
    )
}

/// A project with findings of every severity, a fix, a notebook cell and a file that cannot be read.
fn mixed_project() -> Project {
    let p = Project::new();
    p.write("pipelines/a.py", V1_TWO);
    // The same finding twice in one file: fingerprints must still differ.
    p.write("b.py", "from kfp.v2 import dsl\nfrom kfp.v2 import dsl\n");
    p.write(
        "m.py",
        "from kfp import dsl\nfrom kfp.dsl import Metrics, Output\n\n\n@dsl.component\ndef evaluate(threshold: float, metrics: Output[Metrics]):\n    metrics.log_metric('threshold', threshold)\n",
    );
    p.write(
        "nb.ipynb",
        r#"{"cells": [{"cell_type": "code", "metadata": {}, "source": ["from kfp.v2 import dsl\n"], "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#,
    );
    p.write("latin1.py", b"import kfp\nx = '\xe9'\n");
    p
}

#[test]
fn gitlab_code_quality_report_is_valid_and_maps_severity() {
    let p = mixed_project();
    let o = p.run(&[
        "check",
        "--output-format",
        "gitlab",
        "--extend-select",
        "KFP116",
        "-o",
        "gl-code-quality-report.json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = p.read_string("gl-code-quality-report.json");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let find = |path: &str, rule: &str| -> Vec<&serde_json::Value> {
        issues
            .iter()
            .filter(|i| i["location"]["path"] == path && i["check_name"] == rule)
            .collect()
    };
    let kfp001 = find("pipelines/a.py", "KFP001");
    assert_eq!(kfp001.len(), 1, "{text}");
    assert_eq!(kfp001[0]["severity"], "minor", "warning → minor");
    assert_eq!(kfp001[0]["location"]["lines"]["begin"], 2);
    assert_eq!(kfp001[0]["location"]["positions"]["begin"]["column"], 6);
    assert!(
        kfp001[0]["description"]
            .as_str()
            .unwrap()
            .contains("(help: Use `kfp.dsl`)")
    );
    assert_eq!(find("m.py", "KFP116")[0]["severity"], "info");
    let cell = &find("nb.ipynb", "KFP001")[0];
    assert!(
        cell["description"]
            .as_str()
            .unwrap()
            .starts_with("cell 1, line 1, column 6: "),
        "{cell}"
    );
    let unreadable = find("latin1.py", "kfp-upgrade");
    assert_eq!(unreadable[0]["severity"], "critical");
    assert_eq!(unreadable[0]["location"]["lines"]["begin"], 1);
    // Every error-severity rule is `major`.
    for i in &issues {
        // KFP403's archive output is an error although the rule is a warning.
        if i["check_name"] == "KFP403" {
            assert_eq!(i["severity"], "major", "{i}");
            continue;
        }
        if let Some(rule) = kfp_upgrade::registry::registry().get(i["check_name"].as_str().unwrap())
        {
            let expected = match rule.severity {
                kfp_upgrade::registry::Severity::Error => "major",
                kfp_upgrade::registry::Severity::Warning => "minor",
                kfp_upgrade::registry::Severity::Info => "info",
            };
            assert_eq!(i["severity"], expected, "{i}");
        }
    }
    // Fingerprints are unique (GitLab drops duplicates) and stable across runs.
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(find("b.py", "KFP001").len(), 2);
    prints.sort();
    let total = prints.len();
    prints.dedup();
    assert_eq!(prints.len(), total, "{text}");
    let again = p.run(&[
        "check",
        "--output-format",
        "gitlab",
        "--extend-select",
        "KFP116",
    ]);
    assert_eq!(stdout(&again), text, "same input, same report");

    let Some(v) = validate_against(
        "tests/fixtures/gitlab/code-quality-report.schema.json",
        &p.path("gl-code-quality-report.json"),
    ) else {
        return;
    };
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    // The schema really rejects a report GitLab would not read.
    let mut broken = issues.clone();
    broken[0]["severity"] = "error".into();
    broken[1].as_object_mut().unwrap().remove("fingerprint");
    p.write("broken.json", serde_json::to_string(&broken).unwrap());
    let v = validate_against(
        "tests/fixtures/gitlab/code-quality-report.schema.json",
        &p.path("broken.json"),
    )
    .unwrap();
    assert!(!v.status.success());
    let complaints = stdout(&v);
    assert!(complaints.contains("'error' is not one of"), "{complaints}");
    assert!(
        complaints.contains("'fingerprint' is a required property"),
        "{complaints}"
    );

    // A clean tree is an empty array, still valid.
    let clean = Project::new();
    clean.write("a.py", "import kfp\n");
    let o = clean.run(&["check", "--output-format", "gitlab"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn rdjson_is_valid_against_reviewdogs_schema_and_carries_suggestions() {
    let p = mixed_project();
    // A non-ASCII character before the finding: rdjson columns count UTF-8 bytes.
    p.write("u.py", "x = 'é'; from kfp.v2 import dsl\n");
    let o = p.run(&[
        "check",
        "--output-format",
        "rdjson",
        "--extend-select",
        "KFP116",
        "-o",
        "out.rdjson",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&p.read_string("out.rdjson")).unwrap();
    assert_eq!(doc["source"]["name"], "kfp-upgrade");
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    let find = |path: &str, code: &str| -> Vec<&serde_json::Value> {
        diagnostics
            .iter()
            .filter(|d| d["location"]["path"] == path && d["code"]["value"] == code)
            .collect()
    };
    let kfp001 = find("pipelines/a.py", "KFP001")[0];
    assert_eq!(kfp001["severity"], "WARNING");
    assert_eq!(
        kfp001["location"]["range"]["start"],
        serde_json::json!({"line": 2, "column": 6})
    );
    assert_eq!(
        kfp001["location"]["range"]["end"],
        serde_json::json!({"line": 2, "column": 12})
    );
    assert_eq!(
        kfp001["code"]["url"],
        "https://github.com/kfp-upgrade/kfp-upgrade/blob/main/rules/imports/KFP001-kfp-v2-namespace.yaml"
    );
    assert_eq!(kfp001["suggestions"][0]["text"], "kfp");
    assert_eq!(kfp001["suggestions"][0]["range"]["end"]["column"], 12);
    assert_eq!(kfp001["suggestions"][0]["range"]["start"]["column"], 6);
    let u = find("u.py", "KFP001")[0];
    // `x = 'é'; from ` is 14 characters but 15 bytes.
    assert_eq!(u["location"]["range"]["start"]["column"], 16, "{u}");
    assert_eq!(find("m.py", "KFP116")[0]["severity"], "INFO");
    assert_eq!(find("latin1.py", "kfp-upgrade")[0]["severity"], "ERROR");
    let cell = find("nb.ipynb", "KFP001")[0];
    assert!(
        cell["message"]
            .as_str()
            .unwrap()
            .starts_with("cell 1, line 1, column 6: "),
        "{cell}"
    );
    assert!(cell["location"].get("range").is_none(), "{cell}");

    let Some(v) = validate_against(
        "tests/fixtures/rdjson/DiagnosticResult.json",
        &p.path("out.rdjson"),
    ) else {
        return;
    };
    assert!(v.status.success(), "{}{}", stdout(&v), stderr(&v));
    let mut broken = doc.clone();
    broken["diagnostics"][0]["severity"] = "FATAL".into();
    broken["diagnostics"][1]["location"]["range"]["start"]["line"] = "2".into();
    p.write("broken.json", serde_json::to_string(&broken).unwrap());
    let v = validate_against(
        "tests/fixtures/rdjson/DiagnosticResult.json",
        &p.path("broken.json"),
    )
    .unwrap();
    assert!(!v.status.success());
    assert!(
        stdout(&v).contains("'2' is not of type 'integer'"),
        "{}",
        stdout(&v)
    );
}

#[test]
fn statistics_count_per_rule() {
    let p = Project::new();
    p.write("a.py", V1);
    p.write("b.py", V1);
    p.write("c.py", V1_TWO);
    let o = p.run(&["check", "--statistics"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert_eq!(first, "    3  KFP001  [*] kfp-v2-namespace", "{out}");
    assert!(!out.contains("a.py"), "{out}");
    let o = p.run(&["check", "--statistics", "--output-format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows[0]["rule"], "KFP001");
    assert_eq!(rows[0]["count"], 3);
    assert_eq!(rows[0]["fixable_safe"], 3);
}

#[test]
fn exit_non_zero_on_fix_fails_when_a_file_changed() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--fix", "--exit-non-zero-on-fix", "a.py"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(!p.read_string("a.py").contains("kfp.v2"));
    // Nothing left to change: exit 0.
    let o = p.run(&["check", "--fix", "--exit-non-zero-on-fix", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn output_file_that_cannot_be_created_is_an_error() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--output-file", "missing/dir/out.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing/dir/out.txt"), "{}", stderr(&o));
}

/// Text formats print each chunk of files (2048) as it is checked: a run across chunk boundaries still
/// prints every finding in path order, each error, and one summary counting the whole run, as the
/// collected (JSON) report does.
#[test]
fn runs_larger_than_a_chunk_print_everything_in_order_with_one_summary() {
    let p = Project::new();
    let with_findings = [0, 2047, 2048, 4100];
    for i in 0..4200 {
        let text = if with_findings.contains(&i) {
            V1
        } else {
            "x = 1\n"
        };
        p.write(&format!("m{i:05}.py"), text);
    }
    p.write("m02100.py", b"import kfp\n\nx = '\xe9'\n");
    let o = p.run(&["check", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let out = stdout(&o);
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("KFP001")).collect();
    let expected: Vec<String> = with_findings
        .iter()
        .map(|i| format!("m{i:05}.py:1:6: KFP001"))
        .collect();
    assert_eq!(findings.len(), expected.len(), "{out}");
    for (line, want) in findings.iter().zip(&expected) {
        assert!(line.starts_with(want.as_str()), "{line} vs {want}");
    }
    assert_eq!(out.matches("Found 4 problems").count(), 1, "{out}");
    assert!(
        stderr(&o).contains("m02100.py: invalid UTF-8 at line 3"),
        "{}",
        stderr(&o)
    );
    let json = p.run(&["check", "--output-format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["summary"]["problems"], 4, "{v}");
    // The file that cannot be read is an error, not a checked file.
    assert_eq!(v["summary"]["files_checked"], 4199, "{v}");
    assert_eq!(v["summary"]["errors"], 1, "{v}");
}

/// KFP403 is a warning — kfp 2.17 compiles to `.json` with a DeprecationWarning — but an archive output, which
/// kfp 2 rejects with a ValueError, is reported as an error in every format.
#[test]
fn kfp403_json_output_is_a_warning_and_archive_output_an_error() {
    assert_eq!(
        kfp_upgrade::registry::registry()
            .get("KFP403")
            .unwrap()
            .severity,
        kfp_upgrade::registry::Severity::Warning
    );
    let p = Project::new();
    let module = |path: &str| {
        format!(
            "import kfp\nfrom kfp import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, '{path}')\n"
        )
    };
    p.write("a.py", module("p.json"));
    p.write("b.py", module("p.tar.gz"));
    let o = p.run(&["check", "--select", "KFP403"]);
    let out = stdout(&o);
    assert!(
        out.contains("warning[KFP403]: `compile` writes `.json` here"),
        "{out}"
    );
    assert!(
        out.contains("error[KFP403]: `compile` writes `.tar.gz` here"),
        "{out}"
    );
    let o = p.run(&["check", "--select", "KFP403", "--output-format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let severity = |file: &str| {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file)
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity("a.py"), "warning");
    assert_eq!(severity("b.py"), "error");
    let o = p.run(&["check", "--select", "KFP403", "--output-format", "github"]);
    let out = stdout(&o);
    assert!(out.contains("::warning file=a.py,"), "{out}");
    assert!(out.contains("::error file=b.py,"), "{out}");
    let o = p.run(&["check", "--select", "KFP403", "--output-format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let levels: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["warning", "error"], "{log}");
}
