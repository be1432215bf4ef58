//! `--stdin-filename`: editors pipe a buffer through kfp-upgrade and replace it with stdout.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::project::{Project, stderr, stdout};

const V1: &str =
    "from kfp.v2 import dsl\r\n\r\n\r\n@dsl.component\r\ndef f(x: int) -> int:\r\n    return x\r\n";

fn run_with_stdin(p: &Project, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(args)
        .current_dir(p.dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary may exit before reading (bad arguments): a closed pipe here is its answer, not a failure.
    let _ = child.stdin.take().unwrap().write_all(input);
    child.wait_with_output().unwrap()
}

#[test]
fn fix_prints_the_fixed_text_only_and_writes_nothing() {
    let p = Project::new();
    // The named file exists with other content: stdin is what is checked, and the file is left alone.
    p.write("pipe.py", "on disk\n");
    let mut input = b"\xef\xbb\xbf".to_vec();
    input.extend_from_slice(V1.as_bytes());
    let o = run_with_stdin(
        &p,
        &["check", "--stdin-filename", "pipe.py", "--fix"],
        &input,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut expected = b"\xef\xbb\xbf".to_vec();
    expected.extend_from_slice(V1.replace("kfp.v2", "kfp").as_bytes());
    assert_eq!(
        o.stdout, expected,
        "BOM and CRLF kept, only the edit changed"
    );
    assert_eq!(p.read_string("pipe.py"), "on disk\n");
}

#[test]
fn fix_echoes_unrelated_input_and_reports_what_remains_on_stderr() {
    let p = Project::new();
    let o = run_with_stdin(
        &p,
        &["check", "--stdin-filename", "x.py", "--fix"],
        b"import os\n",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "import os\n");

    let unsafe_only = "from kfp.components import InputPath\n";
    let o = run_with_stdin(
        &p,
        &["check", "--stdin-filename", "x.py", "--fix"],
        unsafe_only.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), unsafe_only);
    assert!(stderr(&o).contains("x.py:1:6"), "{}", stderr(&o));
}

#[test]
fn check_reports_under_the_given_name_and_bad_input_is_an_error() {
    let p = Project::new();
    let o = run_with_stdin(
        &p,
        &[
            "check",
            "--stdin-filename",
            "src/pipe.py",
            "--output-format",
            "concise",
        ],
        V1.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("src/pipe.py:1:6: KFP001 "),
        "{}",
        stdout(&o)
    );

    let o = run_with_stdin(
        &p,
        &["check", "--stdin-filename", "x.py", "--fix"],
        b"import kfp\ndef (:\n",
    );
    // A syntax error is a finding (exit 1), reported on stderr while the buffer goes back unchanged.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "import kfp\ndef (:\n",
        "the buffer is never lost"
    );
    assert!(stderr(&o).contains("x.py:2:5"), "{}", stderr(&o));
    assert!(stderr(&o).contains("KFP000"), "{}", stderr(&o));
}

#[test]
fn named_yaml_files_are_not_parsed_as_python() {
    let p = Project::new();
    p.write("c.yaml", "name: kfp\nimplementation: {}\n");
    let o = p.run(&["check", "c.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn baselines_are_refused_with_stdin() {
    let p = Project::new();
    for flag in ["--baseline", "--write-baseline"] {
        let o = run_with_stdin(
            &p,
            &["check", "--stdin-filename", "x.py", flag, "b.json"],
            b"import kfp\n",
        );
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
    }
}
