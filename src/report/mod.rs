//! Rendering results: the only place that prints. One submodule per output format.

pub(crate) mod concise;
pub(crate) mod diff;
pub(crate) mod files;
pub(crate) mod fixes;
pub mod full;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod json;
pub(crate) mod json_lines;
pub(crate) mod junit;
pub(crate) mod migrate;
mod model;
pub(crate) mod rdjson;
pub(crate) mod render;
pub(crate) mod sarif;
pub(crate) mod settings;
pub(crate) mod statistics;

pub use model::{FileError, FileReport, RunReport, Summary, fix_state, summary_text};
