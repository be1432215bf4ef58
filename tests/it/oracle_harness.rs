//! Proves the oracle harness can both pass and fail.
use crate::common::oracle::{Kfp, OracleResult, compile_files};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oracle")
        .join(name)
}

fn one(kfp: Kfp, file: PathBuf) -> Option<OracleResult> {
    let mut res = compile_files(kfp, std::slice::from_ref(&file), None)?;
    assert_eq!(res.len(), 1);
    let r = res.remove(0);
    assert_eq!(r.file, file);
    Some(r)
}

#[test]
fn v1_pipeline_compiles_under_kfp1() {
    let Some(r) = one(Kfp::V1, fixture("v1_pipeline.py")) else {
        return;
    };
    assert!(r.ok, "{:?}", r.error);
    assert_eq!(r.compiled, ["hello_pipeline"]);
    assert!(r.error.is_none());
}

#[test]
fn v1_pipeline_fails_under_kfp2() {
    let Some(r) = one(Kfp::V2, fixture("v1_pipeline.py")) else {
        return;
    };
    assert!(
        !r.ok,
        "v1 pipeline unexpectedly compiled under kfp 2: {r:?}"
    );
    let err = r.error.expect("error message");
    assert!(
        err.starts_with("AttributeError:") && err.contains("ContainerOp"),
        "unexpected error: {err}"
    );
}

#[test]
fn v2_pipeline_compiles_under_kfp2() {
    let Some(r) = one(Kfp::V2, fixture("v2_pipeline.py")) else {
        return;
    };
    assert!(r.ok, "{:?}", r.error);
    assert_eq!(r.compiled, ["say_hello", "hello_pipeline"]);
}

#[test]
fn results_keep_input_order_and_outputs_are_kept() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("oracle_harness_out");
    let _ = std::fs::remove_dir_all(&out);
    let files = [fixture("v2_pipeline.py"), fixture("v1_pipeline.py")];
    let Some(res) = compile_files(Kfp::V2, &files, Some(&out)) else {
        return;
    };
    assert_eq!(res.len(), 2);
    assert_eq!(res[0].file, files[0]);
    assert_eq!(res[1].file, files[1]);
    assert!(res[0].ok && !res[1].ok);
    assert!(out.join("v2_pipeline/hello_pipeline.yaml").is_file());
    assert!(out.join("v2_pipeline/say_hello.yaml").is_file());
}
