//! Helpers shared by the integration test modules, as `crate::common`.

pub mod ecosystem;
pub mod notebook;
pub mod oracle;
pub mod project;
pub mod tools;
pub mod wheel;
