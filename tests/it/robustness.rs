//! Malformed and extreme input, and data safety: every case gets a clear outcome, the other files of the run
//! are still checked and fixed, and no file is ever left half-written.

use std::process::{Command, Stdio};

use crate::common::project::{Project, stderr, stdout};

const V1: &str = "from kfp.v2 import dsl\n";
const V2: &str = "from kfp import dsl\n";

/// 100,000 nested brackets: neither the parser nor our own recursion may overflow the stack.
#[test]
fn deep_nesting_does_not_overflow() {
    let p = Project::new();
    let n = 100_000;
    let src = format!("{V1}x = {}{}\n", "[".repeat(n), "]".repeat(n));
    p.write("deep.py", &src);
    p.write("good.py", V1);
    let o = p.run(&["check", "--fix", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(p.read_string("deep.py"), src.replacen("kfp.v2", "kfp", 1));
    assert_eq!(p.read_string("good.py"), V2);
}

/// A 50 MB file (mostly comments, which once made the lexer quadratic) is checked and fixed.
#[test]
fn fifty_megabyte_file_is_checked_and_fixed() {
    let p = Project::new();
    let line = format!("# {}\n", "x".repeat(96));
    let mut src = String::from(V1);
    while src.len() < 50 * 1024 * 1024 {
        src.push_str(&line);
    }
    src.push_str("value = dsl.pipeline\n");
    p.write("big.py", &src);
    let o = p.run(&["check", "--fix", "big.py"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let fixed = p.read("big.py");
    assert_eq!(fixed.len(), src.len() - 3);
    assert!(fixed.starts_with(V2.as_bytes()));
    assert!(fixed.ends_with(b"value = dsl.pipeline\n"));
}

/// Mixed line endings stay exactly as they were outside the edit.
#[test]
fn mixed_line_endings_are_preserved() {
    let p = Project::new();
    let src = "\"\"\"Doc.\"\"\"\r\nfrom kfp.v2 import dsl\nimport os\r\n\r\n\tx = 1 if os else 2\n"
        .replace('\t', "");
    p.write("mixed.py", &src);
    let o = p.run(&["check", "--fix", "mixed.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(p.read_string("mixed.py"), src.replacen("kfp.v2", "kfp", 1));
}

/// Empty and whitespace-only files are clean, whether or not they mention kfp.
#[test]
fn empty_and_tiny_files_are_clean() {
    let p = Project::new();
    p.write("empty.py", "");
    p.write("blank.py", "\n\n   \n");
    p.write("only_comment.py", "# kfp\n");
    p.write("no_newline.py", "import kfp");
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

/// A symlink loop and a dangling symlink named on the command line are errors with their path (even as root,
/// where permission bits do not stop reads); the other files are still fixed.
#[test]
fn symlink_loops_and_dangling_links_are_reported_and_the_run_goes_on() {
    let p = Project::new();
    std::os::unix::fs::symlink("loop.py", p.path("loop.py")).unwrap();
    std::os::unix::fs::symlink("missing.py", p.path("dangling.py")).unwrap();
    p.write("good.py", V1);
    let o = p.run(&["check", "--fix", "loop.py", "dangling.py", "good.py"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("loop.py"), "{err}");
    assert!(err.contains("dangling.py"), "{err}");
    assert_eq!(p.read_string("good.py"), V2);
    // Walking the folder does not follow links, so the loop cannot trap discovery either.
    let o = p.run(&["check", "."]);
    assert_ne!(o.status.code(), None);
}

/// `--fix` killed at an arbitrary moment leaves every file either exactly as it was or completely fixed:
/// files are written to a temporary file beside the original and renamed over it.
#[test]
fn a_killed_fix_leaves_every_file_old_or_new() {
    let p = Project::new();
    let filler = format!("# {}\n", "y".repeat(200)).repeat(500);
    let original = format!("{V1}{filler}");
    let fixed = format!("{V2}{filler}");
    for i in 0..300 {
        p.write(&format!("f{i:03}.py"), &original);
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(["check", "--fix", "."])
        .current_dir(p.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    let mut new = 0;
    for i in 0..300 {
        let text = p.read_string(&format!("f{i:03}.py"));
        assert!(
            text == original || text == fixed,
            "f{i:03}.py is neither the original nor the fixed file ({} bytes)",
            text.len()
        );
        new += usize::from(text == fixed);
    }
    eprintln!("{new} of 300 files were fixed before the kill");
}

/// A large file full of look-alikes: only the flagged bytes change.
#[test]
fn every_byte_outside_the_edits_is_kept() {
    let p = Project::new();
    let mut src = String::from("\u{feff}# -*- coding: utf-8 -*-\r\n");
    src.push_str("from kfp.v2 import dsl  # kfp.v2 in a comment stays\r\n");
    for i in 0..2000 {
        src.push_str(&format!(
            "s{i} = 'kfp.v2.dsl in a string stays — ünïcödé'\t# {i}\r\n"
        ));
    }
    src.push_str("\r\n@dsl.component\r\ndef f(x: int) -> int:\r\n    return x\r\n");
    p.write("look.py", &src);
    let o = p.run(&["check", "--fix", "look.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let expected = src.replacen("from kfp.v2 import dsl", "from kfp import dsl", 1);
    assert_eq!(p.read_string("look.py"), expected);
}

/// 150 inline `ContainerOp`s (each adds a component before the pipeline) converge in one run.
#[test]
fn many_insertions_at_one_place_converge() {
    let p = Project::new();
    let mut src =
        String::from("from kfp import dsl\n\n\n@dsl.pipeline(name='many')\ndef pipeline():\n");
    for i in 0..150 {
        src.push_str(&format!(
            "    dsl.ContainerOp(name='step-{i}', image='alpine', command=['echo', '{i}'])\n"
        ));
    }
    p.write("many.py", &src);
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "many.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let fixed = p.read_string("many.py");
    assert_eq!(fixed.matches("@dsl.container_component").count(), 150);
    assert!(!fixed.contains("ContainerOp("), "{fixed}");
}

/// Fuzzing regressions (`fuzz/README.md`): every input in tests/fixtures/fuzz is checked and fixed without a
/// panic (exit code 101), and a second fix changes nothing.
#[test]
fn fuzz_fixtures_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let p = Project::new();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        p.write(&name, std::fs::read(&path).unwrap());
        let o = p.run(&["check", "--fix", "--unsafe-fixes", &name]);
        assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{name}: {:?}\n{}",
            o.status,
            stderr(&o)
        );
        let once = p.read(&name);
        p.run(&["check", "--fix", "--unsafe-fixes", &name]);
        assert_eq!(p.read(&name), once, "{name}: fixing again changed it");
        seen += 1;
    }
    assert!(seen > 0, "no fixtures in {}", dir.display());
}

/// A bug that panics on one file (simulated in debug builds) is reported for that file; the other files are
/// still checked and fixed, and the exit code says something went wrong.
#[test]
fn a_panic_stays_in_its_file() {
    let p = Project::new();
    p.write("boom.py", V1);
    p.write("good.py", V1);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"))
        .args(["check", "--fix", "."])
        .current_dir(p.dir.path())
        .env("KFP_UPGRADE_PANIC_ON", "boom.py")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("boom.py: internal error while checking this file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(p.read_string("boom.py"), V1, "left unchanged");
    assert_eq!(
        p.read_string("good.py"),
        V2,
        "the other file was still fixed"
    );
}
