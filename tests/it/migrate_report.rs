//! The `migrate` report as it is used: a summary that fits a pull request description however large the tree,
//! every file's detail beside it, a JSON report that holds every file, fix lines that are lines of the
//! original file, `--verify` on a package layout, and a progress line only on a terminal.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::project::{Project, stderr};

/// KFP001 (a safe fix) and KFP403 (`.tar.gz` output: its fix is unsafe, so it is left for a human).
const MIXED: &str = "import kfp\nfrom kfp.v2 import dsl\n\n\n@dsl.pipeline(name='p')\ndef p():\n    pass\n\n\nkfp.compiler.Compiler().compile(p, 'p.tar.gz')\n";

/// GitHub's limit on a pull request body is 65,536 characters; the summary promises 60,000.
const LIMIT: usize = 60_000;

/// A path as long as the longest of real monorepos (about 300 characters), so that the summary's budget, not
/// only its count of entries, is what bounds its lists.
fn deep_path(i: usize) -> String {
    format!(
        "team_{:02}/services/ml_platform/kubeflow_pipelines/nightly_training_and_evaluation_jobs/region_{:02}/\
         shared_feature_engineering_and_model_validation_components_maintained_by_the_platform_team/\
         pipeline_definitions_for_the_model_family_number_{i:05}.py",
        i % 7,
        i % 31
    )
}

#[test]
fn summary_of_a_4000_file_tree_fits_a_pull_request_and_the_details_hold_every_file() {
    let p = Project::new();
    let (migrated, broken) = (3_900, 100);
    let paths: Vec<String> = (0..migrated).map(deep_path).collect();
    for path in &paths {
        p.write(&format!("src/{path}"), MIXED);
    }
    // Files that cannot be migrated: not UTF-8.
    let errors: Vec<String> = (0..broken)
        .map(|i| format!("legacy/encoding_{i:03}.py"))
        .collect();
    for path in &errors {
        p.write(&format!("src/{path}"), b"import kfp\nx = '\xff'\n");
    }

    let o = p.run(&["migrate", "src", "--out", "out", "--report", "MIGRATION.md"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Report: MIGRATION.md, details: MIGRATION.md.details.md"),
        "{}",
        stderr(&o)
    );

    let summary = p.read_string("MIGRATION.md");
    let utf16 = summary.encode_utf16().count();
    assert!(utf16 <= LIMIT, "{utf16} UTF-16 units");
    assert!(summary.chars().count() <= LIMIT);
    assert!(
        summary.contains(&format!(
            "**{migrated} files checked, {migrated} changed; {migrated} fixes applied; {migrated} findings in \
             {migrated} files need a human; {broken} files could not be migrated.**"
        )),
        "{}",
        &summary[..2000]
    );
    assert!(
        summary.contains(&format!(
            "| KFP001 | kfp-v2-namespace | {migrated} | 0 | 0 |"
        )),
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "| KFP403 | compile-archive-path | 0 | 0 | {migrated} |"
        )),
        "{summary}"
    );
    // The first files that need a human, each named once, then how many more.
    let humans: Vec<&str> = summary
        .lines()
        .filter_map(|l| l.strip_prefix("- [ ] `"))
        .filter_map(|l| l.split('`').next())
        .collect();
    assert!(humans.len() >= 50, "{} shown", humans.len());
    for shown in &humans {
        assert!(paths.iter().any(|p| p == shown), "{shown}");
    }
    assert_eq!(
        humans.iter().collect::<BTreeSet<_>>().len(),
        humans.len(),
        "each file once"
    );
    assert!(
        summary.contains(&format!(
            "- … and {} more files (see `MIGRATION.md.details.md`)",
            migrated - humans.len()
        )),
        "{}",
        &summary[summary.len() - 1000..]
    );
    // The files not migrated, with their error, then how many more.
    let not_migrated: Vec<&str> = summary
        .lines()
        .filter_map(|l| l.strip_prefix("- `legacy/"))
        .collect();
    assert!(!not_migrated.is_empty());
    assert!(
        not_migrated.iter().all(|l| l.contains("invalid UTF-8")),
        "{not_migrated:?}"
    );
    assert!(
        summary.contains(&format!(
            "- … and {} more files (see `MIGRATION.md.details.md`)",
            broken - not_migrated.len()
        )),
        "{summary}"
    );

    // The details: every file, with its fix and its finding, and every file that could not be migrated.
    let details = p.read_string("MIGRATION.md.details.md");
    assert!(details.len() > 10 * LIMIT, "{} bytes", details.len());
    for path in &paths {
        assert!(
            details.contains(&format!(
                "### `{path}`\n\nFixes applied:\n\n- line 2 · KFP001 · safe"
            )),
            "{path}"
        );
    }
    assert_eq!(details.matches("- [ ] line 10:").count(), migrated);
    for path in &errors {
        assert!(
            details.contains(&format!("- `{path}`: invalid UTF-8")),
            "{path}"
        );
    }

    // The JSON report: one document with every file.
    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out-json",
        "--report-format",
        "json",
        "--report",
        "migration.json",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&p.read_string("migration.json")).unwrap();
    let files: BTreeSet<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, paths.iter().map(String::as_str).collect());
    let failed: BTreeSet<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(failed, errors.iter().map(String::as_str).collect());
    assert_eq!(report["totals"]["KFP403"]["remaining"], migrated);
    assert!(
        !p.path("migration.json.details.md").exists(),
        "the JSON is complete"
    );
}

#[test]
fn without_report_the_whole_report_goes_to_stdout() {
    let p = Project::new();
    p.write("src/a.py", MIXED);
    let o = p.run(&["migrate", "src", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("### `a.py`"), "{text}");
    assert!(text.contains("- [ ] line 10:"), "{text}");
    assert!(
        text.contains("| KFP001 | kfp-v2-namespace | 1 | 0 | 0 |"),
        "{text}"
    );
}

/// A pipeline of `ContainerOp`s (each fix writes a container component above the pipeline, 16 lines in all)
/// and a `PipelineConf` below it, whose settings move into the decorator over later fix rounds.
const NIGHTLY: &str = "\
from kfp import compiler, dsl


@dsl.pipeline(name='nightly')
def nightly(days: int = 7):
    report = dsl.ContainerOp(
        name='report',
        image='alpine',
        command=['echo', days],
    )
    publish = dsl.ContainerOp(name='publish', image='alpine', command=['echo', 'done'])
    publish.after(report)


pipeline_conf = dsl.PipelineConf()
pipeline_conf.set_timeout(3600)
pipeline_conf.set_ttl_seconds_after_finished(86400)

if __name__ == '__main__':
    compiler.Compiler().compile(nightly, 'nightly.yaml', pipeline_conf=pipeline_conf)
";

/// The v1 name a fix message is about: its first code span (`dsl.ContainerOp`, `set_timeout(...)`,
/// `pipeline_conf=...`) without the call or keyword marks, its last dotted part.
fn subject(message: &str) -> &str {
    let span = message.split('`').nth(1).unwrap_or("");
    let name = span.split(['(', '=']).next().unwrap_or(span);
    name.rsplit('.').next().unwrap_or(name)
}

/// Each fix's line, in `lines` (the original text of the file or cell): where the v1 code it fixed is.
fn assert_fix_lines_hold_their_subject(fixes: &serde_json::Value, lines: &[&str], fixed: &str) {
    let fixed: Vec<&str> = fixed.lines().collect();
    let fixes = fixes.as_array().unwrap();
    assert!(fixes.len() >= 5, "{fixes:?}");
    let mut moved = 0;
    for fix in fixes {
        let line = fix["line"].as_u64().unwrap() as usize;
        let name = subject(fix["message"].as_str().unwrap());
        assert!(!name.is_empty(), "{fix}");
        let original = lines.get(line - 1).copied().unwrap_or("<past the end>");
        assert!(
            original.contains(name),
            "{} at line {line} is about `{name}`, the original line is {original:?}",
            fix["rule"]
        );
        if !fixed.get(line - 1).is_some_and(|l| l.contains(name)) {
            moved += 1;
        }
    }
    // The fixes above moved the code below them: the same line numbers in the fixed text are elsewhere.
    assert!(moved >= 4, "{moved} of {} moved", fixes.len());
}

#[test]
fn fix_lines_are_lines_of_the_original_file_after_fixes_above_insert_lines() {
    let p = Project::new();
    p.write("src/nightly.py", NIGHTLY);
    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out",
        "--unsafe-fixes",
        "--report-format",
        "json",
        "--report",
        "r.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed = p.read_string("out/nightly.py");
    assert!(
        fixed.lines().count() > NIGHTLY.lines().count() + 5,
        "{fixed}"
    );
    let report: serde_json::Value = serde_json::from_str(&p.read_string("r.json")).unwrap();
    let file = &report["files"][0];
    assert_eq!(file["file"], "nightly.py");
    let lines: Vec<&str> = NIGHTLY.lines().collect();
    assert_fix_lines_hold_their_subject(&file["fixes"], &lines, &fixed);
    let rules: BTreeSet<&str> = file["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, BTreeSet::from(["KFP201", "KFP330"]));
    // In the file's order.
    let numbers: Vec<u64> = file["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(numbers.is_sorted(), "{numbers:?}");

    // The Markdown details say the same.
    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out-md",
        "--unsafe-fixes",
        "--report",
        "r.md",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let details = p.read_string("r.md.details.md");
    let line_of = |needle: &str| NIGHTLY.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (needle, rule) in [
        ("report = dsl.ContainerOp(", "KFP201"),
        ("publish = dsl.ContainerOp(", "KFP201"),
        ("set_ttl_seconds_after_finished", "KFP330"),
        ("pipeline_conf=pipeline_conf", "KFP330"),
    ] {
        let entry = format!("- line {} · {rule} · ", line_of(needle));
        assert!(details.contains(&entry), "{entry}\n{details}");
    }
}

#[test]
fn fix_lines_in_a_notebook_are_lines_of_the_original_cell() {
    let (imports, pipeline) = NIGHTLY.split_at(NIGHTLY.find("@dsl.pipeline").unwrap());
    let (pipeline, conf) = pipeline.split_at(pipeline.find("pipeline_conf =").unwrap());
    let cells = [imports, pipeline, conf];
    let notebook = serde_json::json!({
        "cells": cells.iter().map(|source| serde_json::json!({
            "cell_type": "code",
            "execution_count": null,
            "metadata": {},
            "outputs": [],
            "source": source.split_inclusive('\n').collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "metadata": {"kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    let p = Project::new();
    p.write("src/nightly.ipynb", notebook.to_string());
    let o = p.run(&[
        "migrate",
        "src",
        "--out",
        "out",
        "--unsafe-fixes",
        "--report-format",
        "json",
        "--report",
        "r.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed: serde_json::Value =
        serde_json::from_str(&p.read_string("out/nightly.ipynb")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&p.read_string("r.json")).unwrap();
    let mut cells_with_fixes = BTreeSet::new();
    let mut all = Vec::new();
    for file in report["files"].as_array().unwrap() {
        let cell = file["cell"].as_u64().unwrap() as usize;
        assert_eq!(file["file"], format!("nightly.ipynb:cell {cell}"));
        let lines: Vec<&str> = cells[cell - 1].lines().collect();
        for fix in file["fixes"].as_array().unwrap() {
            let line = fix["line"].as_u64().unwrap() as usize;
            let name = subject(fix["message"].as_str().unwrap());
            assert!(
                lines.get(line - 1).is_some_and(|l| l.contains(name)),
                "cell {cell} line {line}: {fix}"
            );
            all.push(fix.clone());
        }
        cells_with_fixes.insert(cell);
        let source: String = fixed["cells"][cell - 1]["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_ne!(source, cells[cell - 1], "cell {cell} was migrated");
    }
    assert_eq!(cells_with_fixes, BTreeSet::from([2, 3]));
    assert!(all.len() >= 5, "{all:?}");
}

#[test]
fn verify_imports_a_src_layout_package_and_a_root_package_with_their_sibling_modules() {
    let Some(kfp2) = crate::common::oracle::python(crate::common::oracle::Kfp::V2) else {
        return;
    };
    let p = Project::new();
    // The standard `src` layout: the pipeline imports its package's sibling modules by the package name and
    // relatively.
    p.write("proj/pyproject.toml", "[project]\nname = \"mypkg\"\n");
    p.write("proj/src/mypkg/__init__.py", "");
    p.write(
        "proj/src/mypkg/components.py",
        "from kfp.v2 import dsl\n\n\n@dsl.component\ndef add(a: int, b: int) -> int:\n    return a + b\n",
    );
    p.write(
        "proj/src/mypkg/steps.py",
        "from kfp.v2 import dsl\n\n\n@dsl.component\ndef double(a: int) -> int:\n    return 2 * a\n",
    );
    p.write(
        "proj/src/mypkg/pipeline.py",
        "from kfp.v2 import dsl\n\nfrom mypkg import components\nfrom mypkg.components import add\n\
         from .steps import double\n\n\n@dsl.pipeline(name='sum')\ndef total(a: int = 1, b: int = 2):\n    \
         first = add(a=a, b=b)\n    second = components.add(a=first.output, b=b)\n    \
         double(a=second.output)\n",
    );
    // A package at the project root, imported from its own folder by the package name.
    p.write("proj/tools/__init__.py", "");
    p.write("proj/tools/naming.py", "PIPELINE_NAME = 'named'\n");
    p.write(
        "proj/tools/named_pipeline.py",
        "from kfp.v2 import dsl\n\nfrom tools.naming import PIPELINE_NAME\n\n\n@dsl.component\ndef hello():\n    \
         print('hello')\n\n\n@dsl.pipeline(name=PIPELINE_NAME)\ndef named():\n    hello()\n",
    );
    let o = p.run(&[
        "migrate",
        "proj",
        "--out",
        "out",
        "--report",
        "r.md",
        "--verify",
        "--python",
        kfp2.to_str().unwrap(),
    ]);
    let details = p.read_string("r.md.details.md");
    assert_eq!(o.status.code(), Some(0), "{}{details}", stderr(&o));
    assert!(
        details.contains("- ✅ `src/mypkg/pipeline.py`: compiled total"),
        "{details}"
    );
    assert!(
        details.contains("- ✅ `tools/named_pipeline.py`: compiled hello, named"),
        "{details}"
    );
    assert!(!details.contains("No module named"), "{details}");
    let summary = p.read_string("r.md");
    assert!(
        summary
            .contains("Verification under kfp 2: 2 of 2 pipeline modules imported and compiled."),
        "{summary}"
    );
    assert!(
        p.read_string("out/src/mypkg/pipeline.py")
            .starts_with("from kfp import dsl\n")
    );
}

/// A tree of `n` v1 files in folders deep enough that their paths do not fit a 50-column line.
fn progress_tree(n: usize) -> Project {
    let p = Project::new();
    for i in 0..n {
        p.write(
            &format!("src/a_long_folder_name/another_long_folder_name/pipeline_{i:03}.py"),
            MIXED,
        );
    }
    p
}

#[test]
fn progress_is_not_drawn_when_stderr_is_not_a_terminal() {
    let p = progress_tree(40);
    let o = p.run(&["migrate", "src", "--out", "out", "--report", "r.md"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Only the closing line: no progress frames, no carriage returns, no escape sequences.
    assert_eq!(
        stderr(&o),
        "Migrated out: 40 fixes in 40 files; 40 findings need a human; 0 errors. Report: r.md, details: \
         r.md.details.md\n"
    );
}

/// Strips ANSI escape sequences (CSI `ESC [ … letter`).
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn progress_on_a_terminal_counts_files_and_cuts_the_path_to_the_width() {
    // `script` runs the command on a pseudo-terminal, 50 columns wide.
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            !crate::common::oracle::in_ci(),
            "util-linux `script` is needed for this test"
        );
        eprintln!("skipped: no `script` (util-linux) to run on a terminal");
        return;
    }
    let p = progress_tree(40);
    let bin = env!("CARGO_BIN_EXE_kfp-upgrade");
    let o = Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "stty cols 50 rows 20; '{bin}' migrate src --out out --report r.md"
        ))
        .arg("/dev/null")
        .current_dir(p.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&o.stdout).into_owned();
    let frames: Vec<String> = transcript
        .split(['\r', '\n'])
        .map(plain)
        .filter(|f| f.starts_with('['))
        .collect();
    assert!(frames.iter().any(|f| f.contains("/40] ")), "{transcript:?}");
    for frame in &frames {
        assert!(frame.chars().count() <= 50, "{frame:?}");
    }
    let full = "a_long_folder_name/another_long_folder_name/pipeline_";
    assert!(
        frames
            .iter()
            .any(|f| f.contains("…") && f.trim_end().ends_with(".py")),
        "{frames:?}"
    );
    assert!(!frames.iter().any(|f| f.contains(full)), "{frames:?}");
    // The line is cleared at the end: the closing line follows on a clean line.
    assert!(
        plain(&transcript).contains("Migrated out: 40 fixes in 40 files"),
        "{transcript:?}"
    );
    assert!(Path::new(&p.path("r.md")).exists());
}
