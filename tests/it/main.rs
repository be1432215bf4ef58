//! The integration tests: one test binary (`cargo test --test it`), one module per subject, so the suite links
//! once instead of once per file. Run one module with `cargo test --test it cli::`, one test with
//! `cargo test --test it cli::check_reports_rustc_style_with_help_and_summary_and_exits_1`.
//!
//! To add tests: write `tests/it/<subject>.rs` (helpers from `crate::common`, fixtures under
//! `tests/fixtures/`) and declare it below with `mod <subject>;`. [`layout`] fails on a test file left outside
//! this binary or not declared here.
//!
//! The modules share one process and run in parallel threads: a test must not set environment variables or
//! change the current directory (pass them to the `Command` it runs instead), and the venvs of `common` are
//! built once per process.

mod common;

mod baseline;
mod classic_repo;
mod cli;
mod component_project;
mod component_urls;
mod components_cli;
mod config;
mod container_fidelity;
mod container_project;
mod ecosystem_oracle;
mod examples_e2e;
mod fix_safety;
mod gcpc_keywords;
mod graph_ir;
mod import_blockers;
mod migrate;
mod migrate_report;
mod notebook;
mod oracle_harness;
mod output_formats;
mod pipeline_cli;
mod pre_commit;
mod robustness;
mod ruff_features;
mod rule_docs;
mod rule_examples;
mod rule_handlers;
mod rule_snapshots;
mod stdin;
mod wheel;
mod yaml_components;
mod yaml_convert;

/// Every integration test is a module of this binary: no `tests/*.rs` of its own (Cargo would build it as
/// another binary), and every `tests/it/*.rs` declared in this file (else it is never compiled).
mod layout {
    use std::path::Path;

    fn rust_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_integration_test_is_a_module_of_tests_it() {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
        let outside = rust_files(&tests);
        assert!(
            outside.is_empty(),
            "move {outside:?} into tests/it/ and declare each in tests/it/main.rs (`mod <name>;`)"
        );
        let main = std::fs::read_to_string(tests.join("it/main.rs")).unwrap();
        let undeclared: Vec<String> = rust_files(&tests.join("it"))
            .into_iter()
            .filter(|n| n != "main.rs")
            .filter(|n| {
                let module = format!("mod {};", n.trim_end_matches(".rs"));
                !main.lines().any(|l| l.trim() == module)
            })
            .collect();
        assert!(
            undeclared.is_empty(),
            "declare {undeclared:?} in tests/it/main.rs (`mod <name>;`)"
        );
    }
}
