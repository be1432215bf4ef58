//! The command line, resolved once into the values the rest of the program reads.

use std::path::PathBuf;

use crate::rules::Rule;

/// Which rules run: `--select` / `--ignore` prefixes over rule ids.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Prefixes of selected rule ids; empty selects every rule that is not opt-in.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl RuleSelection {
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let matches =
            |prefixes: &[String]| prefixes.iter().any(|p| rule.id.starts_with(p.as_str()));
        if matches(&self.ignore) {
            return false;
        }
        if self.select.is_empty() {
            return !rule.opt_in;
        }
        // Opt-in rules run only when selected by more than the family prefix `KFP`.
        self.select
            .iter()
            .any(|p| rule.id.starts_with(p.as_str()) && (!rule.opt_in || p.len() > 3))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Full,
    Concise,
    Json,
}

/// What `check` does with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    None,
    /// Print diffs, write nothing.
    Diff,
    /// Write the fixed files.
    Apply,
}

#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub paths: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub selection: RuleSelection,
    pub fix_mode: FixMode,
    pub unsafe_fixes: bool,
    pub output_format: OutputFormat,
    pub exit_zero: bool,
    pub quiet: bool,
    pub color: bool,
}
