//! The binary as users run it: exit codes, output formats, suppression, discovery, bad input, safe writes.

use std::process::{Command, Stdio};

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";
const V2: &str = "from kfp import dsl\n\n\n@dsl.component\ndef f(x: int) -> int:\n    return x\n";

#[test]
fn check_reports_rustc_style_with_help_and_summary_and_exits_1() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("warning[KFP001]: `kfp.v2.dsl` is the deprecated `kfp.v2` namespace"),
        "{out}"
    );
    assert!(out.contains("a.py:1:6"), "{out}");
    assert!(out.contains("1 │ from kfp.v2 import dsl"), "{out}");
    assert!(out.contains("^^^^^^ fixable"), "{out}");
    assert!(out.contains("= help: Use `kfp.dsl`"), "{out}");
    assert!(
        out.contains("Found 1 problem (1 fixable with --fix, 0 with --unsafe-fixes)."),
        "{out}"
    );
}

#[test]
fn clean_tree_exits_0() {
    let p = Project::new();
    p.write("a.py", V2);
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("All checks passed!"));
}

#[test]
fn fix_rewrites_and_exits_0_when_nothing_remains() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--fix", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(p.read("a.py"), V2.as_bytes());
    assert!(
        stdout(&o).contains("Fixed 1 problem in 1 file; 0 problems remaining."),
        "{}",
        stdout(&o)
    );
}

#[test]
fn diff_prints_patch_writes_nothing_and_exits_1() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--diff", "a.py"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("-from kfp.v2 import dsl\n+from kfp import dsl\n"),
        "{}",
        stdout(&o)
    );
    assert_eq!(p.read("a.py"), V1.as_bytes());
    let clean = Project::new();
    clean.write("a.py", V2);
    assert_eq!(
        clean.run(&["check", "--diff", "a.py"]).status.code(),
        Some(0)
    );
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let p = Project::new();
    let src = "from kfp.components import InputPath\n";
    p.write("a.py", src);
    let o = p.run(&["check", "--fix", "a.py"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        p.read("a.py"),
        src.as_bytes(),
        "an unsafe fix was applied without --unsafe-fixes"
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(p.read("a.py"), b"from kfp.dsl import InputPath\n");
}

#[test]
fn exit_zero_and_quiet() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&[
        "check",
        "--exit-zero",
        "--quiet",
        "--output-format",
        "concise",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "a.py:1:6: KFP001 `kfp.v2.dsl` is the deprecated `kfp.v2` namespace; kfp 2 has it at `kfp.dsl` [*]\n"
    );
}

#[test]
fn select_and_ignore_match_prefixes() {
    let p = Project::new();
    p.write("a.py", "from kfp.v2 import dsl\nfrom kfp.dsl.types import Integer\n\n\ndef p(a: Integer() = 1):\n    pass\n");
    let rules = |args: &[&str]| {
        let mut all = vec!["check", "--output-format", "concise", "--quiet"];
        all.extend_from_slice(args);
        let out = stdout(&p.run(&all));
        let mut ids: Vec<String> = out
            .lines()
            .filter_map(|l| l.split(' ').nth(1).map(str::to_string))
            .collect();
        ids.dedup();
        ids
    };
    assert_eq!(rules(&[]), vec!["KFP001", "KFP010"]);
    assert_eq!(rules(&["--select", "KFP01"]), vec!["KFP010"]);
    assert_eq!(
        rules(&["--select", "kfp001,KFP010"]),
        vec!["KFP001", "KFP010"]
    );
    assert_eq!(rules(&["--ignore", "KFP00"]), vec!["KFP010"]);
}

#[test]
fn noqa_suppresses_per_line_and_per_file() {
    let p = Project::new();
    p.write("a.py", "from kfp.v2 import dsl  # noqa: KFP001\nimport kfp.v2.compiler as c  # noqa\nfrom kfp.v2 import compiler  # noqa: KFP999\n");
    let out = stdout(&p.run(&["check", "--output-format", "concise", "--quiet"]));
    // Line 3's finding is not suppressed, and its misspelt code is reported as an unused `noqa` (KFP900).
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.lines().all(|l| l.starts_with("a.py:3:")), "{out}");
    assert!(
        out.contains("KFP900 Unused `noqa` directive: `KFP999` matches no rule"),
        "{out}"
    );
    p.write("a.py", "# kfp-upgrade: noqa\nfrom kfp.v2 import dsl\n");
    assert_eq!(p.run(&["check"]).status.code(), Some(0));
}

#[test]
fn strings_comments_and_import_error_shims_are_not_flagged() {
    let p = Project::new();
    p.write(
        "a.py",
        "import kfp\n# from kfp.v2 import dsl\nx = 'from kfp.v2 import dsl'\ntry:\n    from kfp.v2 import dsl\nexcept ImportError:\n    from kfp import dsl\n",
    );
    let o = p.run(&["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn json_output_is_the_documented_schema() {
    let p = Project::new();
    p.write("a.py", V1);
    let o = p.run(&["check", "--output-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["version"], 2);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["file"], "a.py");
    assert_eq!(d["rule"], "KFP001");
    assert_eq!(d["name"], "kfp-v2-namespace");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["fix_title"], "Use `kfp.dsl`");
    assert_eq!(
        d["start"],
        serde_json::json!({"line": 1, "column": 6, "offset": 5})
    );
    assert_eq!(
        d["end"],
        serde_json::json!({"line": 1, "column": 12, "offset": 11})
    );
    assert_eq!(d["fix"]["applicability"], "safe");
    // The fix re-spells only the module path: `from kfp.v2 import dsl` → `from kfp import dsl`.
    assert_eq!(d["fix"]["edits"][0]["content"], "kfp");
    assert_eq!(doc["errors"], serde_json::json!([]));
    assert_eq!(doc["summary"]["problems"], 1);
}

#[test]
fn bad_files_are_reported_with_position_and_the_run_goes_on() {
    let p = Project::new();
    p.write("bad_syntax.py", "import kfp\ndef f(:\n");
    p.write("newer.py", "import kfp\nx = f\"{kfp.__dict__[\"v\"]}\"\n");
    p.write("latin1.py", b"import kfp\nx = '\xe9'\n");
    p.write("good.py", V1);
    p.write("no_kfp_at_all.py", "this is not python (\n");
    let o = p.run(&["check", "--fix"]);
    // The undecodable file is an error (exit 2); syntax errors are findings.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let out = stdout(&o);
    assert!(out.contains("error[KFP000]"), "{out}");
    assert!(out.contains("bad_syntax.py:2:7"), "{out}");
    assert!(
        !out.contains("newer.py") && !err.contains("newer.py"),
        "PEP 701 f-strings parse: {out}{err}"
    );
    assert!(
        err.contains("latin1.py: invalid UTF-8 at line 2, column 6"),
        "{err}"
    );
    assert!(
        !err.contains("no_kfp_at_all"),
        "files that never mention kfp are not parsed: {err}"
    );
    assert_eq!(
        p.read("good.py"),
        V2.as_bytes(),
        "the good file was still fixed"
    );
    assert_eq!(p.read("latin1.py"), b"import kfp\nx = '\xe9'\n");
}

/// Syntax errors are findings, as in ruff: every one at its position, the v1 findings on the recovered tree
/// still reported, no fix applied to the file, exit 1 (0 with `--exit-zero`).
#[test]
fn syntax_errors_are_findings_and_block_fixes_of_their_file() {
    let p = Project::new();
    let broken = "from kfp.v2 import dsl\n\nx = (1,\n\n\ndef f():\n    pass\n";
    p.write("broken.py", broken);
    let o = p.run(&["check", "--fix", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    // The unclosed bracket is reported on its own line, not at the end of the file.
    assert!(out.contains("broken.py:3:8: KFP000"), "{out}");
    assert!(out.contains("broken.py:1:6: KFP001"), "{out}");
    assert_eq!(
        p.read("broken.py"),
        broken.as_bytes(),
        "no fix in a file with a syntax error"
    );
    let o = p.run(&["check", "--exit-zero"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn unreadable_file_is_an_error_not_a_skip() {
    let p = Project::new();
    let path = p.write("a.py", V1);
    p.write("good.py", V1);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Root reads a file whatever its mode (CI runs as root): `/proc/self/mem` fails to read at offset 0
        // for everyone (EIO), so the case is tested there too.
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("/proc/self/mem", &path).unwrap();
        assert!(std::fs::read(&path).is_err());
    }
    let o = p.run(&["check", "--output-format", "concise", "a.py", "good.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a.py: could not read"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("good.py:1:6: KFP001"),
        "the run goes on: {}",
        stdout(&o)
    );
}

#[test]
fn missing_path_and_bad_arguments_exit_2() {
    let p = Project::new();
    let o = p.run(&["check", "does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist"), "{}", stderr(&o));
    assert_eq!(p.run(&["check", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(
        p.run(&["check", "--exclude", "a[", "."]).status.code(),
        Some(2)
    );
}

#[test]
fn fixes_keep_crlf_bom_permissions_and_every_other_byte() {
    let p = Project::new();
    let src = "\u{feff}\"\"\"Doc.\"\"\"\r\nfrom kfp.v2 import dsl  # keep me\r\n\r\nx = 1\r\n";
    let path = p.write("a.py", src);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o754)).unwrap();
    let o = p.run(&["check", "--fix", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(p.read("a.py"), src.replace("kfp.v2", "kfp").as_bytes());
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o754
    );
}

#[test]
fn added_import_uses_the_files_line_endings_after_the_docstring() {
    let p = Project::new();
    let src = "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nfrom kfp.components import load_component\r\n\r\nop = load_component(text='x')\r\n";
    p.write("a.py", src);
    let o = p.run(&["check", "--fix", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let expected = "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nfrom kfp.components import load_component_from_text\r\n\r\nop = load_component_from_text('x')\r\n";
    assert_eq!(String::from_utf8(p.read("a.py")).unwrap(), expected);
}

#[test]
fn discovery_skips_venvs_hidden_and_excluded_but_checks_explicit_files() {
    let p = Project::new();
    p.write("venv/pyvenv.cfg", "home = /usr\n");
    p.write("venv/lib/a.py", V1);
    p.write(".hidden/a.py", V1);
    p.write("__pycache__/a.py", V1);
    p.write("node_modules/a.py", V1);
    p.write("build/a.py", V1);
    p.write("src/a.py", V1);
    p.write("src/notes.txt", V1);
    let out = stdout(&p.run(&[
        "check",
        "--output-format",
        "concise",
        "--quiet",
        "--exclude",
        "build",
    ]));
    assert_eq!(out.lines().collect::<Vec<_>>().len(), 1, "{out}");
    assert!(out.starts_with("src/a.py:"), "{out}");
    let out = stdout(&p.run(&[
        "check",
        "--output-format",
        "concise",
        "--quiet",
        "--exclude",
        "build",
        "build/a.py",
    ]));
    assert!(
        out.starts_with("build/a.py:"),
        "an explicit file is always checked: {out}"
    );
}

#[test]
fn broken_pipe_is_not_an_error() {
    let p = Project::new();
    for i in 0..200 {
        p.write(&format!("m{i:03}.py"), V1);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(["check", "."])
        .current_dir(p.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away at once, like `| head -0`
    let o = child.wait_with_output().unwrap();
    assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!stderr(&o).contains("error"), "{}", stderr(&o));
}

#[test]
fn rule_and_rules_commands_document_rules() {
    let p = Project::new();
    let o = p.run(&["rule", "kfp001"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for section in [
        "# kfp-v2-namespace (KFP001)",
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
    ] {
        assert!(out.contains(section), "missing {section}: {out}");
    }
    let o = p.run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("KFP001") && l.contains("safe")),
        "{}",
        stdout(&o)
    );
    assert_eq!(p.run(&["rule", "KFP999"]).status.code(), Some(2));
}

#[test]
fn read_only_file_under_fix_is_reported_not_written() {
    let p = Project::new();
    let path = p.write("a.py", V1);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    p.write("b.py", V1);
    let o = p.run(&["check", "--fix"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("a.py: not written: the file is read-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(p.read("a.py"), V1.as_bytes());
    assert_eq!(
        p.read("b.py"),
        V2.as_bytes(),
        "the other file is still fixed"
    );
}

/// A v1 pipeline written with Python 3.12 syntax (PEP 701 f-strings with nested quotes, a `type` alias, PEP 695
/// type parameters) is checked and fixed like any other, and the result still parses under CPython 3.12.
#[test]
fn python_3_12_syntax_is_checked_and_fixed_and_the_result_parses_under_cpython_3_12() {
    let p = Project::new();
    let src = r#"from kfp.v2 import dsl
from kfp.v2 import compiler

type Names = dict[str, str]
labels: Names = {"team": "ml"}


def first[T](items: list[T]) -> T:
    return items[0]


@dsl.pipeline(name=f"train-{labels["team"]}")
def train(message: str = f"{labels["team"]!r}"):
    pass


if __name__ == "__main__":
    compiler.Compiler().compile(train, "train.yaml")
"#;
    p.write("train.py", src);
    let o = p.run(&["check", "--output-format", "concise"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(!out.contains("KFP000"), "{out}");
    assert!(out.contains("train.py:1:6: KFP001"), "{out}");
    let o = p.run(&["check", "--fix", "--unsafe-fixes"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let fixed = p.read_string("train.py");
    assert!(
        fixed.starts_with("from kfp import dsl\nfrom kfp import compiler\n"),
        "{fixed}"
    );
    assert!(fixed.contains(r#"f"train-{labels["team"]}""#), "{fixed}");
    let Some(python) = crate::common::tools::python_312_or_newer() else {
        return;
    };
    let parsed = std::process::Command::new(&python)
        .args([
            "-c",
            "import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 12))",
        ])
        .arg(p.path("train.py"))
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
}

/// A run that finds nothing to check warns on stderr, whatever the reason: an empty folder, everything
/// excluded, everything ignored by git. It is not an error (exit 0), but it is never silent.
#[test]
fn a_run_that_finds_no_file_warns() {
    let warning = "warning: No Python, notebook or component YAML files found under";
    let empty = Project::new();
    std::fs::create_dir_all(empty.path("src")).unwrap();
    let o = empty.run(&["check", "src"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains(&format!("{warning} src")),
        "{}",
        stderr(&o)
    );

    let excluded = Project::new();
    excluded.write("gen/a.py", V1);
    let o = excluded.run(&["check", ".", "--exclude", "gen"]);
    assert!(
        stderr(&o).contains(&format!("{warning} .")),
        "{}",
        stderr(&o)
    );
    // Structured formats warn too (stderr), and keep stdout valid.
    let o = excluded.run(&["check", ".", "--exclude", "gen", "--output-format", "json"]);
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["files_checked"], 0);

    let ignored = Project::new();
    ignored.write(".gitignore", "*.py\n");
    ignored.write("a.py", V1);
    let o = ignored.run(&["check", "."]);
    assert!(stderr(&o).contains(warning), "{}", stderr(&o));

    // A tree with a file to check (even a clean one) does not warn.
    let clean = Project::new();
    clean.write("a.py", V2);
    let o = clean.run(&["check", "."]);
    assert!(!stderr(&o).contains(warning), "{}", stderr(&o));
}

/// `# noqa: KFPnnn` that suppresses nothing is KFP900, with a safe fix; codes of rules that are off in the run
/// and codes of other tools are left alone.
#[test]
fn unused_noqa_is_reported_and_fixed() {
    let p = Project::new();
    let text = "from kfp import dsl  # noqa: KFP001\nfrom kfp.v2 import compiler  # noqa: KFP001\nimport kfp  # noqa: F401\nimport kfp.dsl  # noqa: KFP201 reason\n";
    p.write("a.py", text);
    let o = p.run(&["check", "--output-format", "concise", "a.py"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let kfp900: Vec<&str> = out.lines().filter(|l| l.contains("KFP900")).collect();
    assert_eq!(kfp900.len(), 2, "{out}");
    assert!(
        kfp900[0].starts_with(
            "a.py:1:22: KFP900 Unused `noqa` directive: no finding of `KFP001` on this line"
        ),
        "{out}"
    );
    assert!(kfp900[1].starts_with("a.py:4:17: KFP900"), "{out}");
    // A rule that is off in this run: its code may be used in another configuration.
    let o = p.run(&[
        "check",
        "--output-format",
        "concise",
        "--select",
        "KFP0,KFP9",
        "a.py",
    ]);
    assert_eq!(stdout(&o).matches("KFP900").count(), 1, "{}", stdout(&o));
    let o = p.run(&[
        "check",
        "--output-format",
        "concise",
        "--ignore",
        "KFP900",
        "a.py",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The fix is safe: --fix removes the unused directives and keeps the used one and the explanation.
    let o = p.run(&["check", "--fix", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        p.read_string("a.py"),
        "from kfp import dsl\nfrom kfp.v2 import compiler  # noqa: KFP001\nimport kfp  # noqa: F401\nimport kfp.dsl  # reason\n"
    );
    // Per-file ignores turn the rule off like any other.
    let q = Project::new();
    q.write(
        "kfp-upgrade.toml",
        "[per-file-ignores]\n\"a.py\" = [\"KFP900\"]\n",
    );
    q.write("a.py", text);
    let o = q.run(&["check", "--output-format", "concise", "a.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A notebook cell's unused code is reported in that cell.
    let nb = Project::new();
    nb.write(
        "n.ipynb",
        r#"{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import kfp  # noqa: KFP001\n"], "outputs": [], "execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#,
    );
    let o = nb.run(&["check", "--output-format", "concise"]);
    assert!(
        stdout(&o).contains("n.ipynb:cell 1:1:13: KFP900"),
        "{}",
        stdout(&o)
    );
}

/// kfp 2.17 still runs a plain `dsl-compile --py … --output x.yaml` (its `kfp.cli.compile_` entry point), so
/// KFP405 reports that form as info; the forms kfp 2 rejects (`--mode`, an archive output) stay errors.
#[test]
fn kfp405_plain_dsl_compile_is_info_and_rejected_forms_are_errors() {
    let p = Project::new();
    p.write(
        "build.sh",
        "dsl-compile --py p.py --function pipe --output p.yaml\ndsl-compile --py p.py --output p.tar.gz --mode V2_COMPATIBLE\n",
    );
    let o = p.run(&["check", "--output-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let severities: Vec<(u64, &str)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["start"]["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(severities, [(1, "info"), (2, "error")], "{v}");
    let out = stdout(&p.run(&["check"]));
    assert!(out.contains("kfp 2.17 still runs it unchanged"), "{out}");
}
