//! kfp-upgrade: find Kubeflow Pipelines SDK v1 constructs and rewrite them for SDK v2.
//!
//! The crate root only names the modules; `run` owns orchestration (see the README's architecture section for
//! the map). Public are the command line (`cli`, `run`) and what the tests drive directly: the rule data
//! (`rules`), single-file checks and fixes (`python`, `yaml`, `shell`, `fix`) and their inputs.

pub mod baseline;
pub mod cli;
pub mod components;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod noqa;
pub mod notebook;
pub mod project;
pub mod python;
pub mod report;
pub mod rule_docs;
pub mod rules;
pub mod run;
pub mod selector;
pub mod settings;
pub mod shell;
pub mod source;
pub mod yaml;

pub use run::{ExitStatus, run};
