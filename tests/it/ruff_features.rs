//! The features a ruff user reaches for: `--show-settings` as TOML, `--show-files`, `--show-fixes`, `--config`
//! and `--isolated`, `--color` with `NO_COLOR` / `FORCE_COLOR`, `completions`, `rule --all` and
//! `rule --output-format json`. One test per feature.

use std::process::{Command, Output};

use crate::common::project::{Project, stderr, stdout};

/// `check --show-settings ARGS` in `p`, parsed back as TOML.
fn shown_settings(p: &Project, args: &[&str]) -> toml::Table {
    let o = p.run(&[&["check", "--show-settings"][..], args].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    toml::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"))
}

fn array(items: &[&str]) -> toml::Value {
    toml::Value::Array(items.iter().map(|s| toml::Value::from(*s)).collect())
}

#[test]
fn show_settings_is_toml_a_configuration_file_takes_back() {
    let p = Project::new();
    p.write(
        "pyproject.toml",
        "[tool.kfp-upgrade]\nignore = [\"KFP405\"]\ntarget-version = \"2.4\"\n\n\
         [tool.kfp-upgrade.per-file-ignores]\n\"tests/*.py\" = [\"KFP0\"]\n",
    );
    let shown = shown_settings(&p, &["--fix", "--select", "KFP0,KFP1", "."]);
    assert_eq!(shown["select"], array(&["KFP0", "KFP1"]));
    assert_eq!(shown["ignore"], array(&["KFP405"]));
    assert_eq!(shown["target-version"].as_str(), Some("2.4"));
    assert_eq!(shown["respect-gitignore"].as_bool(), Some(true));
    assert_eq!(shown["fetch-components"].as_bool(), Some(false));
    assert_eq!(shown["per-file-ignores"]["tests/*.py"], array(&["KFP0"]));
    let cli = &shown["command-line"];
    assert_eq!(cli["fix"].as_str(), Some("apply"));
    assert_eq!(cli["output-format"].as_str(), Some("full"));
    assert_eq!(cli["paths"], array(&["."]));
    let resolved = &shown["resolved"];
    assert!(
        resolved["config-file"]
            .as_str()
            .unwrap()
            .ends_with("pyproject.toml")
    );
    let enabled: Vec<&str> = resolved["enabled-rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        enabled.contains(&"KFP001") && enabled.contains(&"KFP101"),
        "{enabled:?}"
    );
    assert!(
        !enabled.iter().any(|r| r.starts_with("KFP4")),
        "{enabled:?}"
    );

    // Without the two tables a configuration file does not take, the output is a kfp-upgrade.toml that
    // resolves to the same settings.
    let mut pasted = shown.clone();
    pasted.remove("command-line");
    pasted.remove("resolved");
    let q = Project::new();
    q.write("kfp-upgrade.toml", toml::to_string(&pasted).unwrap());
    let again = shown_settings(&q, &["--fix", "."]);
    for key in ["select", "ignore", "target-version", "per-file-ignores"] {
        assert_eq!(again[key], shown[key], "{key}");
    }
    assert_eq!(
        again["resolved"]["enabled-rules"],
        shown["resolved"]["enabled-rules"]
    );
}

#[test]
fn show_settings_without_a_file_and_with_a_missing_component_url_target() {
    let p = Project::new();
    let shown = shown_settings(&p, &["."]);
    assert!(
        !shown["resolved"]
            .as_table()
            .unwrap()
            .contains_key("config-file")
    );
    assert_eq!(shown["select"], array(&["KFP"]), "the default selection");
    assert_eq!(shown["command-line"]["fix"].as_str(), Some("none"));

    // The corpus scorer probes exactly this before it writes the file the map names: it must not fail.
    p.write(
        "kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c.yaml\" = \"c.yaml\"\n",
    );
    let o = p.run(&["check", "--show-settings", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("\"https://example.com/c.yaml\" = "))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("{}", stdout(&o)));
    assert!(line.ends_with("c.yaml\"  # does not exist"), "{line}");
    let shown = shown_settings(&p, &["--fetch-components", "."]);
    let local = shown["component-urls"]["https://example.com/c.yaml"]
        .as_str()
        .unwrap();
    assert!(local.ends_with("c.yaml"), "{local}");
    assert_eq!(shown["fetch-components"].as_bool(), Some(true));
}

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
const V2: &str = "from kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
/// KFP001 (a safe fix) and KFP403 (`.tar.gz` output, an unsafe fix to `.yaml`).
const TWO_FIXES: &str = "import kfp\nfrom kfp.v2 import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, 'p.tar.gz')\n";
const COMPONENT: &str = "name: train\nimplementation:\n  container:\n    image: python:3.11\n    command: [python, -c, print(1)]\n";

/// `kfp-upgrade ARGS` in `p` with exactly the colour variables given.
fn run_env(p: &Project, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"));
    cmd.args(args)
        .current_dir(p.dir.path())
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn show_files_lists_what_is_checked_and_why_the_rest_is_skipped() {
    let p = Project::new();
    p.write(".gitignore", "build/\n");
    p.write("kfp-upgrade.toml", "exclude = [\"vendored\"]\n");
    p.write("src/train.py", V1);
    p.write("src/util.py", "def helper():\n    return 1\n");
    p.write("src/component.yaml", COMPONENT);
    p.write("deploy/values.yaml", "replicas: 3\n");
    p.write("ci/run.sh", "echo hi\n");
    p.write("vendored/old.py", V1);
    p.write("build/gen.py", V1);
    p.write("notes.txt", "from kfp.v2 import dsl\n");
    p.write(".venv/pyvenv.cfg", "home = /usr\n");
    p.write(".venv/lib/kfp.py", V1);

    let o = p.run(&["check", "--show-files"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "skip   build/gen.py (python): ignored by git (.gitignore, .ignore)",
            "skip   ci/run.sh (shell/CI): no `dsl-compile` in it",
            "skip   deploy/values.yaml (yaml): not a component spec or compiled pipeline",
            "check  src/component.yaml (yaml)",
            "check  src/train.py (python)",
            "skip   src/util.py (python): no \"kfp\" in it",
            "skip   vendored/old.py (python): excluded by the exclude settings",
        ],
        "{out}"
    );
    assert!(
        stderr(&o).contains("2 files to check, 5 skipped."),
        "{}",
        stderr(&o)
    );
    assert!(
        !out.contains("KFP001"),
        "--show-files checks nothing: {out}"
    );

    // The same folder without the ignore files, and with an exclude from the command line.
    let o = p.run(&[
        "check",
        "--show-files",
        "--no-respect-gitignore",
        "--exclude",
        "src",
    ]);
    let out = stdout(&o);
    assert!(out.contains("check  build/gen.py (python)\n"), "{out}");
    assert!(
        out.contains("skip   src/train.py (python): excluded by the exclude settings\n"),
        "{out}"
    );
    assert!(out.contains("check  vendored/old.py (python)\n"), "{out}");

    // A file named on the command line is checked unless --force-exclude.
    let o = p.run(&["check", "--show-files", "vendored/old.py"]);
    assert_eq!(stdout(&o), "check  vendored/old.py (python)\n");
    let o = p.run(&[
        "check",
        "--show-files",
        "--force-exclude",
        "vendored/old.py",
    ]);
    assert_eq!(
        stdout(&o),
        "skip   vendored/old.py (python): excluded by the exclude settings\n"
    );
}

#[test]
fn show_fixes_lists_the_fixes_per_file_and_rule() {
    let p = Project::new();
    p.write("a.py", TWO_FIXES);
    p.write("b.py", V1);
    p.write("c.py", V2);
    let o = p.run(&["check", "--diff", "--unsafe-fixes", "--show-fixes", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "Would fix 3 problems:\n- a.py:\n    1 × KFP001 (kfp-v2-namespace)\n    1 × KFP403 ("
        ),
        "{err}"
    );
    assert!(
        err.contains("- b.py:\n    1 × KFP001 (kfp-v2-namespace)\n"),
        "{err}"
    );
    assert!(!err.contains("c.py"), "{err}");
    assert!(
        stdout(&o).starts_with("--- a/a.py\n"),
        "stdout is the patch: {}",
        stdout(&o)
    );
    assert_eq!(p.read_string("b.py"), V1, "--diff writes nothing");

    // Safe fixes only: KFP403 is not applied, so it is not listed.
    let o = p.run(&["check", "--fix", "--show-fixes", "."]);
    let out = stdout(&o);
    assert!(
        out.ends_with(
            "Fixed 2 problems:\n- a.py:\n    1 × KFP001 (kfp-v2-namespace)\n- b.py:\n    1 × KFP001 (kfp-v2-namespace)\n"
        ),
        "{out}"
    );
    assert_eq!(p.read_string("b.py"), V2);
    let o = p.run(&["check", "--fix", "--show-fixes", "."]);
    assert!(
        stdout(&o).ends_with("\nNo fixes applied.\n"),
        "{}",
        stdout(&o)
    );
    // Without --fix or --diff nothing is fixed, and nothing is listed.
    let o = p.run(&["check", "--show-fixes", "."]);
    assert!(!stdout(&o).contains("No fixes"), "{}", stdout(&o));
}

#[test]
fn color_follows_the_flag_then_no_color_then_force_color() {
    let p = Project::new();
    p.write("a.py", V1);
    let colored = |o: &Output| stdout(o).contains("\x1b[");
    let check = ["check", "a.py"];
    assert!(!colored(&run_env(&p, &check, &[])), "a pipe is plain");
    assert!(colored(&run_env(&p, &check, &[("FORCE_COLOR", "1")])));
    assert!(!colored(&run_env(
        &p,
        &check,
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    )));
    assert!(
        !colored(&run_env(&p, &check, &[("FORCE_COLOR", "")])),
        "an empty variable is unset"
    );
    let always = ["check", "a.py", "--color", "always"];
    assert!(colored(&run_env(&p, &always, &[("NO_COLOR", "1")])));
    let never = ["check", "a.py", "--color", "never"];
    assert!(!colored(&run_env(&p, &never, &[("FORCE_COLOR", "1")])));
    let o = run_env(&p, &["check", "a.py", "--color", "sometimes"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("[possible values: auto, always, never]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn completions_for_every_shell() {
    let p = Project::new();
    for (shell, marker) in [
        ("bash", "complete -F _kfp__upgrade"),
        ("zsh", "#compdef kfp-upgrade"),
        ("fish", "complete -c kfp-upgrade"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = p.run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("show-settings"), "{shell}: flags complete");
        assert!(script.contains("migrate"), "{shell}: subcommands complete");
    }
    let script = p.write("kfp-upgrade.bash", p.run(&["completions", "bash"]).stdout);
    let o = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(o.status.success(), "not valid bash: {}", stderr(&o));
    assert_eq!(p.run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn rule_all_and_rule_output_format_json() {
    let p = Project::new();
    let ids: Vec<String> = stdout(&p.run(&["rules"]))
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(ids.len() > 50, "{ids:?}");

    let o = p.run(&["rule", "--all"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in &ids {
        assert!(
            out.contains(&format!(" ({id})\n\nFamily: ")),
            "{id} missing"
        );
    }

    let o = p.run(&["rule", "KFP001", "--output-format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "KFP001");
    assert_eq!(v["name"], "kfp-v2-namespace");
    assert!(v["docs"]["what"].as_str().unwrap().len() > 20, "{v}");
    let text = stdout(&p.run(&["rule", "KFP001"]));
    assert_eq!(v["explanation"].as_str(), Some(text.as_str()));

    let o = p.run(&["rule", "--all", "--output-format", "json"]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let json_ids: Vec<&str> = all.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(json_ids, ids);

    // An id or --all: not both, not neither.
    assert_eq!(p.run(&["rule"]).status.code(), Some(2));
    assert_eq!(p.run(&["rule", "KFP001", "--all"]).status.code(), Some(2));
    let o = p.run(&["rule", "KFP01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `KFP0"), "{}", stderr(&o));
}

#[test]
fn config_file_key_value_overrides_and_isolated() {
    let p = Project::new();
    p.write("kfp-upgrade.toml", "ignore = [\"KFP001\"]\n");
    p.write("other.toml", "select = [\"KFP4\"]\n");
    p.write("a.py", TWO_FIXES);
    let rules = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)));
        let mut r: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r
    };
    let run = |extra: &[&str]| {
        p.run(&[&["check", "a.py", "--output-format", "json"][..], extra].concat())
    };
    assert_eq!(
        rules(&run(&[])),
        ["KFP403"],
        "the found file ignores KFP001"
    );
    assert_eq!(rules(&run(&["--isolated"])), ["KFP001", "KFP403"]);
    assert_eq!(
        rules(&run(&["--config", "other.toml"])),
        ["KFP403"],
        "instead of the found file"
    );
    assert_eq!(
        rules(&run(&["--config", "ignore = []"])),
        ["KFP001", "KFP403"],
        "an override replaces the file's key"
    );
    assert_eq!(
        rules(&run(&["--isolated", "--config", "select = [\"KFP0\"]"])),
        ["KFP001"]
    );
    assert_eq!(
        rules(&run(&[
            "--config",
            "select = [\"KFP001\"]",
            "--config",
            "other.toml",
        ])),
        ["KFP001"],
        "an override wins over a --config file, whatever the order"
    );
    let shown = shown_settings(&p, &["--config", "target-version = \"2.4\""]);
    assert_eq!(shown["target-version"].as_str(), Some("2.4"));
    assert_eq!(
        shown["ignore"],
        array(&["KFP001"]),
        "the file is still read"
    );
    let shown = shown_settings(&p, &["--isolated", "--config", "ignore = [\"KFP2\"]"]);
    assert_eq!(shown["ignore"], array(&["KFP2"]));
    assert!(
        !shown["resolved"]
            .as_table()
            .unwrap()
            .contains_key("config-file"),
        "overrides alone come from no file"
    );

    // Bad overrides are errors (exit 2) that point into them, as a bad file's are.
    let refused = |extra: &[&str], message: &str| {
        let o = run(extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{extra:?}: {}", stderr(&o));
    };
    refused(
        &["--config", "selct = [\"KFP0\"]"],
        "error: --config 'selct = [\"KFP0\"]':1:1: unknown field `selct`",
    );
    refused(
        &["--config", "ignore = [\"KPF001\"]"],
        "did you mean `KFP001`?",
    );
    refused(
        &["--config", "missing.toml"],
        "--config `missing.toml`: no such file",
    );
    refused(
        &["--isolated", "--config", "other.toml"],
        "--isolated reads no configuration file",
    );
    // `migrate` takes them too.
    let q = Project::new();
    let copy = q.path("copy");
    let o = p.run(&[
        "migrate",
        ".",
        "--out",
        copy.to_str().unwrap(),
        "--isolated",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "KFP403 needs a human: {}",
        stderr(&o)
    );
    assert!(
        q.read_string("copy/a.py").contains("from kfp import dsl"),
        "KFP001 was fixed: the file's ignore was not read"
    );
}
