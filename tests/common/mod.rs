//! Helpers shared by integration tests. Include with `mod common;`.
#![allow(dead_code)]

pub mod ecosystem;
pub mod oracle;
pub mod project;
pub mod tools;
