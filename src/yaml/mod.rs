//! YAML files: v1 component specs (KFP5xx) and compiled pipeline artefacts (KFP6xx).
//!
//! A `.yaml`/`.yml` file is classified by what it holds, not by its name: a v1 component spec (top-level
//! `implementation:`, kfp 2's own discriminator), a v1-compiled Argo Workflow, a v1 v2-namespace PipelineJob
//! (JSON is YAML), kfp 2 IR (left alone) or anything else (left alone, silently).
//!
//! A spec is read once, into `spans`' positioned tree (libyaml's events and marks); `model` gives it typed
//! accessors, `shape` checks it has a spec's shape, `scalar` says what a scalar means, `placeholders` what a
//! command-line element is. The rules (`rules`), the converters (`convert`, `ir`, `ir_graph`) and the project index
//! (`interface`) all read the spec through them.

mod check;
pub mod convert;
pub mod graph_children;
pub mod handlers;
pub mod interface;
pub mod ir;
mod ir_graph;
mod kind;
pub mod model;
pub mod placeholders;
pub mod scalar;
mod shape;
pub mod spans;

pub(crate) use check::check_round;
pub use check::{archive, check, check_in, fix, fix_in};
pub use kind::{CompiledBy, Kind, classify, is_candidate};
pub use spans::YamlError;
