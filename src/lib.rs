//! kfp-upgrade: find Kubeflow Pipelines SDK v1 constructs and rewrite them for SDK v2.
//!
//! The crate root only names the modules; `run` owns orchestration (see the README's architecture section for
//! the map). Public are the command line (`cli`, `run`) and what the tests drive directly: the rule data
//! (`rules`), single-file checks and fixes (`python`, `yaml`, `shell`, `fix`) and their inputs.

pub(crate) mod baseline;
pub mod cli;
pub(crate) mod component_fetch;
pub mod component_urls;
pub(crate) mod components;
pub(crate) mod config;
pub mod diagnostic;
pub(crate) mod discover;
pub mod fix;
pub(crate) mod noqa;
pub(crate) mod notebook;
pub(crate) mod once_map;
pub(crate) mod project;
pub mod python;
pub mod registry;
pub mod report;
pub(crate) mod rule_docs;
pub mod run;
pub(crate) mod selector;
pub mod settings;
pub mod shell;
pub mod source;
pub mod yaml;

pub use run::{ExitStatus, run};
