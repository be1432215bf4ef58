//! Notebooks: code cells are checked as one module (imports in one cell serve the others), diagnostics name
//! the cell and the line in it, IPython lines are skipped per line, and a fix rewrites only the edited lines.

use crate::common::project::{Project, stderr, stdout};

/// Layout as Jupyter writes it (one-space indent), with outputs, metadata, a markdown cell, line magics, a
/// shell escape inside a block, a cell magic and a non-ASCII escape that must survive untouched.
const NB: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Training pipeline \u2014 v1\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {
    "tags": ["setup"]
   },
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "Successfully installed kfp-1.8.22\n"
     ]
    }
   ],
   "source": [
    "%pip install kfp==1.8.22\n",
    "import kfp\n",
    "from kfp.v2 import dsl\n",
    "files = !ls"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {},
   "outputs": [],
   "source": [
    "@dsl.pipeline(name='p')\n",
    "def p():\n",
    "    pass\n",
    "\n",
    "\n",
    "for i in range(2):\n",
    "    !echo caf\u00e9\n",
    "kfp.compiler.Compiler().compile(p, 'p.tar.gz')"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "%%bash\n",
    "echo from kfp.v2 import dsl"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Python 3",
   "language": "python",
   "name": "python3"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn diagnostics_name_the_cell_and_the_line_in_it() {
    let p = Project::new();
    p.write("train.ipynb", NB);
    let o = p.run(&["check", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("train.ipynb:cell 2:3:6: KFP001 "), "{out}");
    // Resolved through `import kfp` in cell 2.
    assert!(out.contains("train.ipynb:cell 3:8:"), "{out}");
    assert!(out.contains("KFP403"), "{out}");
    // Nothing from the IPython lines or the %%bash cell.
    assert!(!out.contains("cell 4"), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.contains("KFP")).count(),
        2,
        "{out}"
    );

    let o = p.run(&["check"]);
    let out = stdout(&o);
    assert!(out.contains("┌─ train.ipynb:cell 2:3:6"), "{out}");
    assert!(out.contains("3 │ from kfp.v2 import dsl"), "{out}");
}

#[test]
fn fix_rewrites_only_the_edited_source_line() {
    let p = Project::new();
    p.write("train.ipynb", NB);
    let o = p.run(&["check", "--fix"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "KFP403's fix is unsafe: {}",
        stdout(&o)
    );
    let expected = NB.replace(
        "    \"from kfp.v2 import dsl\\n\",",
        "    \"from kfp import dsl\\n\",",
    );
    assert_ne!(expected, NB);
    assert_eq!(p.read_string("train.ipynb"), expected);

    let o = p.run(&["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let expected = expected.replace(
        "\"kfp.compiler.Compiler().compile(p, 'p.tar.gz')\"",
        "\"kfp.compiler.Compiler().compile(p, 'p.yaml')\"",
    );
    assert_eq!(p.read_string("train.ipynb"), expected);
    let again = p.run(&["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(p.read_string("train.ipynb"), expected, "{}", stdout(&again));
}

#[test]
fn bad_notebooks_are_errors_with_positions_and_the_run_goes_on() {
    let p = Project::new();
    p.write("broken.ipynb", "{\"cells\": [kfp\n");
    p.write(
        "syntax.ipynb",
        r#"{"cells": [{"cell_type": "code", "metadata": {}, "source": ["import kfp\n"]},
 {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "def (:\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#,
    );
    p.write("a.py", "from kfp.v2 import dsl\n");
    let o = p.run(&["check", "--output-format", "concise"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("broken.ipynb:1:12") && err.contains("invalid notebook JSON"),
        "{err}"
    );
    // The cell that does not parse is a finding in its cell, at its line there.
    assert!(
        stdout(&o).contains("syntax.ipynb:cell 2:2:5: KFP000"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("a.py:1:6: KFP001"), "{}", stdout(&o));
}

#[test]
fn sarif_and_github_locate_cells_in_the_notebook_file() {
    let p = Project::new();
    p.write("train.ipynb", NB);
    let o = p.run(&["check", "--output-format", "github"]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "::warning file=train.ipynb,title=KFP001::cell 2, line 3, column 6: `kfp.v2.dsl`"
        ),
        "{out}"
    );
    let o = p.run(&["check", "--output-format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "train.ipynb"
    );
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("cell 2, line 3, column 6: ")
    );
}

/// A notebook as IPython runs it: `!pip install … \` continued on the next line, `!`/`%` lines inside an
/// indented block, `x = !cmd`, `obj?`, an automagic `pip install`, and one cell with a real syntax error.
/// Every other cell is checked and fixed; outputs and metadata keep their bytes; the broken cell is reported
/// and left as it was.
const IPYTHON_NB: &str = r##"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {"tags": ["setup"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["ok\n"]}],
   "source": [
    "!pip install kfp==1.8.22 \\\n",
    "    kfp-kubernetes\n",
    "pip install pandas\n",
    "from kfp.v2 import dsl\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {},
   "outputs": [],
   "source": [
    "if True:\n",
    "    !echo hi\n",
    "    %time y = 1\n",
    "files = !ls\n",
    "dsl?\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "from kfp.v2 import compiler\n",
    "x = (1,\n"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {"collapsed": true},
   "outputs": [],
   "source": [
    "from kfp.v2.dsl import component\n"
   ]
  }
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn ipython_syntax_parses_and_a_broken_cell_is_reported_and_left_alone() {
    let p = Project::new();
    p.write("nb.ipynb", IPYTHON_NB);
    let o = p.run(&["check", "--output-format", "concise"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("nb.ipynb:cell 1:4:6: KFP001"), "{out}");
    assert!(out.contains("nb.ipynb:cell 4:1:6: KFP001"), "{out}");
    assert!(out.contains("nb.ipynb:cell 3:2:8: KFP000"), "{out}");
    // The broken cell's other findings are still reported; only cell 3 has a syntax error.
    assert!(out.contains("nb.ipynb:cell 3:1:6: KFP001"), "{out}");
    assert_eq!(out.matches("KFP000").count(), 1, "{out}");
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));

    // `--diff` shows one diff per changed cell, under that cell's own name.
    let o = p.run(&["check", "--diff"]);
    let diff = stdout(&o);
    assert!(
        diff.contains("--- a/nb.ipynb:cell 1\n+++ b/nb.ipynb:cell 1\n"),
        "{diff}"
    );
    assert!(
        diff.contains("--- a/nb.ipynb:cell 4\n+++ b/nb.ipynb:cell 4\n"),
        "{diff}"
    );
    assert!(
        !diff.contains("cell 3"),
        "the broken cell is left alone: {diff}"
    );
    assert!(
        !diff.contains("\"cells\""),
        "no raw JSON in the diff: {diff}"
    );
    assert!(
        diff.contains("-from kfp.v2 import dsl\n+from kfp import dsl\n"),
        "{diff}"
    );

    let o = p.run(&["check", "--fix"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let expected = IPYTHON_NB
        .replace(
            "\"from kfp.v2 import dsl\\n\"",
            "\"from kfp import dsl\\n\"",
        )
        .replace(
            "\"from kfp.v2.dsl import component\\n\"",
            "\"from kfp.dsl import component\\n\"",
        );
    assert_eq!(p.read_string("nb.ipynb"), expected);
}

#[test]
fn machine_formats_name_the_notebook_file_and_the_cell_apart() {
    let p = Project::new();
    p.write("nb.ipynb", IPYTHON_NB);
    let run = |format: &str| stdout(&p.run(&["check", "--output-format", format]));

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["version"], 2);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty());
    for d in diagnostics {
        assert_eq!(d["file"], "nb.ipynb", "{d}");
        assert!(d["cell"].as_u64().is_some(), "{d}");
    }
    assert!(
        diagnostics
            .iter()
            .any(|d| d["rule"] == "KFP000" && d["cell"] == 3 && d["start"]["line"] == 2)
    );

    for line in run("json-lines").lines() {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(d["file"], "nb.ipynb", "{d}");
        assert!(d["cell"].as_u64().is_some(), "{d}");
    }

    let junit = run("junit");
    assert!(junit.contains(r#"file="nb.ipynb""#), "{junit}");
    assert!(!junit.contains(r#"file="nb.ipynb:cell"#), "{junit}");
    assert!(
        junit.contains("KFP000 at cell 3, line 2, column 8"),
        "{junit}"
    );

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "nb.ipynb"
        );
        assert!(r["properties"]["cell"].as_u64().is_some(), "{r}");
    }

    let github = run("github");
    for line in github.lines() {
        // The level is the finding's severity (KFP001 is a warning); the file is the notebook.
        assert!(
            line.starts_with("::error file=nb.ipynb,title=")
                || line.starts_with("::warning file=nb.ipynb,title="),
            "{line}"
        );
    }
    assert!(
        github.contains("cell 3, line 2, column 8: syntax error"),
        "{github}"
    );
}

/// Regression (real notebook): a `source` list whose strings are not one line each (`"a\nb"` in one string).
/// Rewriting the changed cell must not lose the lines that share a string with others.
#[test]
fn a_cell_whose_source_strings_hold_several_lines_keeps_every_line() {
    let p = Project::new();
    let nb = r##"{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
 "source": ["import kfp\n", "# Compile.\nimport kfp.compiler as compiler\n", "from kfp.v2 import dsl"]}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##;
    p.write("nb.ipynb", nb);
    let o = p.run(&["check", "--fix"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&p.read_string("nb.ipynb")).unwrap();
    let source: String = doc["cells"][0]["source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        source,
        "import kfp\n# Compile.\nimport kfp.compiler as compiler\nfrom kfp import dsl"
    );
}

/// A notebook's own function components are indexed like a file's: calls in other cells follow the
/// definition's rewrite (kfp 1 stripped `_path`; kfp 2 keeps it), and the result compiles under kfp 2.17.3.
#[test]
fn calls_in_other_cells_follow_the_renames_of_the_notebooks_components() {
    use crate::common::oracle::{Kfp, compile_files};
    let cells = [
        "from kfp import dsl\nfrom kfp.components import InputPath, OutputPath, create_component_from_func\n",
        "def write_text(text_path: OutputPath()):\n    with open(text_path, 'w') as f:\n        f.write('hi')\n\n\nwrite_op = create_component_from_func(write_text, base_image='python:3.11')\n",
        "def print_text(text_path: InputPath()):\n    with open(text_path) as f:\n        print(f.read())\n\n\nprint_op = create_component_from_func(print_text, base_image='python:3.11')\n",
        "@dsl.pipeline(name='text')\ndef pipeline():\n    print_op(text=write_op().outputs['text'])\n",
    ];
    let p = Project::new();
    let before = p.write("before.py", cells.join("\n"));
    p.write("text.ipynb", crate::common::notebook::of_cells(&cells));
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "text.ipynb"]);
    let code = crate::common::notebook::cell_sources(&p.read_string("text.ipynb"));
    let code = code.join("\n");
    assert!(
        code.contains("print_op(text_path=write_op().outputs['text_path'])"),
        "{}\n{code}",
        stdout(&o)
    );
    let after = p.write("after.py", &code);
    let Some(v1) = compile_files(Kfp::V1, &[before], None) else {
        return;
    };
    assert!(v1[0].ok, "{:?}", v1[0].error);
    let Some(v2) = compile_files(Kfp::V2, &[after], None) else {
        return;
    };
    assert!(v2[0].ok, "{:?}\n{code}", v2[0].error);
}
