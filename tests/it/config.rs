//! Configuration files: discovery by walking up, precedence of the command line, strict keys with positions,
//! per-file ignores, excludes and `.gitignore`, `--show-settings`.

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
/// KFP001 and KFP403 (`.tar.gz` compile output).
const TWO_RULES: &str = "import kfp\nfrom kfp.v2 import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, 'p.tar.gz')\n";

fn rules_reported(o: &std::process::Output) -> Vec<String> {
    let mut rules: Vec<String> = stdout(o)
        .lines()
        .filter_map(|l| l.split(": ").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .filter(|r| r.starts_with("KFP"))
        .map(str::to_string)
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn pyproject_is_found_by_walking_up_and_the_cli_overrides_it() {
    let p = Project::new();
    p.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.kfp-upgrade]\nignore = [\"KFP001\"]\n",
    );
    p.write("pkg/sub/a.py", TWO_RULES);
    let concise = ["--output-format", "concise"];
    let o = p.run(&[&["check", "pkg/sub/a.py"][..], &concise].concat());
    assert_eq!(rules_reported(&o), ["KFP403"], "{}", stdout(&o));
    // --select replaces the file's selection; --ignore adds to its ignore list.
    let o = p.run(&[&["check", "pkg", "--select", "KFP0"][..], &concise].concat());
    assert_eq!(rules_reported(&o), Vec::<String>::new(), "{}", stdout(&o));
    let o = p.run(&[&["check", "pkg", "--ignore", "KFP4"][..], &concise].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // A nearer kfp-upgrade.toml wins.
    p.write("pkg/kfp-upgrade.toml", "select = [\"KFP001\"]\n");
    let o = p.run(&[&["check", "pkg/sub"][..], &concise].concat());
    assert_eq!(rules_reported(&o), ["KFP001"], "{}", stdout(&o));
}

#[test]
fn unknown_keys_and_bad_values_are_errors_with_line_and_column() {
    let p = Project::new();
    p.write("a.py", V1);
    p.write(
        "kfp-upgrade.toml",
        "# settings\nselect = [\"KFP0\"]\n  extend-selct = [\"KFP1\"]\n",
    );
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("kfp-upgrade.toml:3:3: unknown field `extend-selct`"),
        "{err}"
    );
    assert!(
        err.contains("extend-select"),
        "the valid keys are listed: {err}"
    );

    p.write("kfp-upgrade.toml", "target-version = \"3.0\"\n");
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("kfp-upgrade.toml:1:18: target-version: the target must be a kfp 2 release"),
        "{}",
        stderr(&o)
    );

    p.write("kfp-upgrade.toml", "select = \"KFP0\"\n");
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("kfp-upgrade.toml:1:10: "),
        "{}",
        stderr(&o)
    );
}

#[test]
fn per_file_ignores_and_extend_select_apply_to_matching_files() {
    let p = Project::new();
    p.write(
        "kfp-upgrade.toml",
        "extend-select = [\"KFP116\"]\n\n[per-file-ignores]\n\"tests/*.py\" = [\"KFP0\"]\n\"legacy.py\" = [\"KFP\"]\n",
    );
    p.write("tests/t.py", TWO_RULES);
    p.write("src/deep/legacy.py", V1);
    p.write("src/a.py", V1);
    let o = p.run(&["check", ".", "--output-format", "concise"]);
    let out = stdout(&o);
    assert!(out.contains("src/a.py:1:6: KFP001"), "{out}");
    assert!(
        out.contains("tests/t.py:10:") && !out.contains("tests/t.py:2:"),
        "{out}"
    );
    assert!(!out.contains("legacy.py"), "{out}");
    // Fixes follow the narrowed selection: the ignored rule's fix is not applied either.
    let o = p.run(&["check", ".", "--fix"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        p.read_string("tests/t.py")
            .contains("from kfp.v2 import dsl")
    );
    assert!(!p.read_string("src/a.py").contains("kfp.v2"));

    let o = p.run(&["check", ".", "--show-settings"]);
    let out = stdout(&o);
    assert!(out.contains("kfp-upgrade.toml"), "{out}");
    assert!(out.contains("\n\"tests/*.py\" = [\"KFP0\"]\n"), "{out}");
    assert!(out.contains("\nselect = [\"KFP\", \"KFP116\"]\n"), "{out}");
    let enabled = out
        .lines()
        .find(|l| l.starts_with("enabled-rules = "))
        .unwrap_or_default();
    assert!(
        enabled.contains("\"KFP116\""),
        "the opt-in rule is enabled: {out}"
    );
}

#[test]
fn excludes_and_gitignore_shape_discovery() {
    let p = Project::new();
    p.write(
        "kfp-upgrade.toml",
        "exclude = [\"vendored\"]\nextend-exclude = [\"gen/*.py\"]\n",
    );
    p.write(".gitignore", "build/\n");
    p.write("vendored/a.py", V1);
    p.write("gen/a.py", V1);
    p.write("build/a.py", V1);
    p.write("src/a.py", V1);
    let files = |o: &std::process::Output| {
        let mut f: Vec<String> = stdout(o)
            .lines()
            .filter_map(|l| l.split(':').next())
            .filter(|f| f.ends_with(".py"))
            .map(str::to_string)
            .collect();
        f.sort();
        f
    };
    let o = p.run(&["check", ".", "--output-format", "concise"]);
    assert_eq!(files(&o), ["src/a.py"]);
    // --exclude replaces `exclude`; `extend-exclude` still applies.
    let o = p.run(&[
        "check",
        ".",
        "--output-format",
        "concise",
        "--exclude",
        "src",
    ]);
    assert_eq!(files(&o), ["vendored/a.py"]);
    let o = p.run(&[
        "check",
        ".",
        "--output-format",
        "concise",
        "--no-respect-gitignore",
    ]);
    assert_eq!(files(&o), ["build/a.py", "src/a.py"]);
    p.write("kfp-upgrade.toml", "respect-gitignore = false\n");
    let o = p.run(&["check", ".", "--output-format", "concise"]);
    assert_eq!(
        files(&o),
        ["build/a.py", "gen/a.py", "src/a.py", "vendored/a.py"]
    );
}

#[test]
fn unknown_selectors_on_the_command_line_are_errors_with_a_suggestion() {
    let p = Project::new();
    p.write("a.py", V1);
    for (flag, value, suggestion) in [
        ("--select", "KPF", "KFP"),
        ("--ignore", "KFP0011", "KFP001"),
        ("--extend-select", "KFO116", "KFP116"),
    ] {
        let o = p.run(&["check", flag, value, "."]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stdout(&o));
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "error: unknown rule selector `{value}` in {flag}: no rule id starts with it; did you mean `{suggestion}`?"
            )),
            "{err}"
        );
        assert!(!stdout(&o).contains("All checks passed"), "{}", stdout(&o));
    }
    // One bad selector in a list is enough; a lower-case known one is fine.
    let o = p.run(&["check", "--select", "kfp0,KFP8", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`KFP8` in --select"), "{}", stderr(&o));
    let o = p.run(&["check", "--select", "kfp0", "."]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // `migrate` resolves its rules the same way.
    let o = p.run(&["migrate", ".", "--out", "out", "--select", "KPF"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `KFP`?"), "{}", stderr(&o));
    assert!(!p.path("out").exists());
}

#[test]
fn unknown_selectors_in_the_configuration_are_errors_at_their_position() {
    let p = Project::new();
    p.write("a.py", V1);
    let cases = [
        (
            "select = [\"KFP0\", \"KPF1\"]\n",
            "1:19",
            "`KPF1` in `select`",
            "KFP1",
        ),
        (
            "ignore = [\"KFP00\"]\nextend-select = [\"KFP1166\"]\n",
            "2:18",
            "`KFP1166` in `extend-select`",
            "KFP116",
        ),
        (
            "[per-file-ignores]\n\"tests/*.py\" = [\"KFP\", \"KPF0\"]\n",
            "2:24",
            "`KPF0` in per-file-ignores `tests/*.py`",
            "KFP0",
        ),
    ];
    for (toml, at, what, suggestion) in cases {
        p.write("kfp-upgrade.toml", toml);
        let o = p.run(&["check", "."]);
        assert_eq!(o.status.code(), Some(2), "{toml}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!(
                "kfp-upgrade.toml:{at}: unknown rule selector {what}"
            )),
            "{toml}: {err}"
        );
        assert!(
            err.contains(&format!("did you mean `{suggestion}`?")),
            "{err}"
        );
    }
}

#[test]
fn extend_select_on_the_command_line_adds_to_the_selection() {
    let p = Project::new();
    // KFP116 is opt-in: off by default, on when named.
    p.write(
        "a.py",
        "from kfp import dsl\nfrom kfp.dsl import Metrics, Output\n\n\n@dsl.component\ndef evaluate(threshold: float, metrics: Output[Metrics]):\n    metrics.log_metric('threshold', threshold)\n",
    );
    p.write("b.py", V1);
    let concise = ["--output-format", "concise"];
    let o = p.run(&[&["check", "."][..], &concise].concat());
    assert_eq!(rules_reported(&o), ["KFP001"], "{}", stdout(&o));
    let o = p.run(&[&["check", ".", "--extend-select", "KFP116"][..], &concise].concat());
    assert_eq!(rules_reported(&o), ["KFP001", "KFP116"], "{}", stdout(&o));
    // On top of --select, not instead of it.
    let o = p.run(
        &[
            &[
                "check",
                ".",
                "--select",
                "KFP4",
                "--extend-select",
                "KFP116",
            ][..],
            &concise,
        ]
        .concat(),
    );
    assert_eq!(rules_reported(&o), ["KFP116"], "{}", stdout(&o));
    // And on top of the configuration's selection.
    p.write("kfp-upgrade.toml", "select = [\"KFP001\"]\n");
    let o = p.run(&[&["check", ".", "--extend-select", "KFP116"][..], &concise].concat());
    assert_eq!(rules_reported(&o), ["KFP001", "KFP116"], "{}", stdout(&o));
}
