//! The command line (clap derive). `settings` turns it into the values the program runs on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::settings::{KfpVersion, OutputFormat};

#[derive(Debug, Parser)]
#[command(
    name = "kfp-upgrade",
    version,
    about = "Find Kubeflow Pipelines SDK v1 code and rewrite it for KFP SDK v2."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files for KFP v1 constructs; optionally fix them.
    Check(CheckArgs),
    /// Show the documentation of one rule.
    Rule {
        /// A rule id such as KFP001.
        id: String,
    },
    /// List every rule with its fix availability.
    Rules,
    /// Convert a v1 component spec (component.yaml) to a kfp 2 Python module with a
    /// `@dsl.container_component`.
    Convert {
        /// The v1 component YAML file.
        file: PathBuf,
        /// Where to write the result (default: the YAML's path with `.py`, or `.ir.yaml` for `--format ir`;
        /// `-` for stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// `python`: a kfp 2 module; `ir`: the compiled kfp 2 component YAML, written without Python.
        #[arg(long, value_enum, default_value = "python")]
        format: ConvertFormat,
    },
}

/// What `convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConvertFormat {
    Python,
    Ir,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Apply safe fixes to the files.
    #[arg(long)]
    pub fix: bool,
    /// Also apply fixes that change behaviour or names (with --fix or --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as unified diffs and write nothing.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// Only run rules whose id starts with one of these (comma-separated), e.g. KFP0,KFP101.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Skip rules whose id starts with one of these (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip files and folders matching these globs (a name anywhere, or a path relative to the checked folder).
    #[arg(long, value_delimiter = ',')]
    pub exclude: Vec<String>,
    /// The kfp 2 release the migrated code will run with (default 2.17): fixes use nothing newer, and
    /// opt-in modernisation rules for that release are enabled.
    #[arg(long, value_name = "VERSION")]
    pub target_version: Option<KfpVersion>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "full")]
    pub output_format: OutputFormat,
    /// Exit with 0 even when diagnostics remain.
    #[arg(long)]
    pub exit_zero: bool,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    pub quiet: bool,
}
