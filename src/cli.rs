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
    /// Migrate a whole tree (a copy with --out, or in place) and write a report for the migration PR.
    Migrate(MigrateArgs),
    /// Show the documentation of one rule (or of every rule with --all).
    Rule {
        /// A rule id such as KFP001.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<String>,
        /// Every rule, in id order.
        #[arg(long)]
        all: bool,
        /// `text` (Markdown-like) or `json` (an object; an array with --all).
        #[arg(long, value_enum, default_value = "text")]
        output_format: RuleFormat,
    },
    /// Print a shell completion script for kfp-upgrade on stdout
    /// (e.g. `kfp-upgrade completions bash > ~/.local/share/bash-completion/completions/kfp-upgrade`).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// List every rule with its fix availability.
    Rules,
    /// Convert a v1 component spec (component.yaml) to a kfp 2 Python module with a
    /// `@dsl.container_component` (a graph component: a `@dsl.pipeline`), or to kfp 2 IR.
    Convert {
        /// The v1 component YAML file.
        file: PathBuf,
        /// Where to write the result (default: the YAML's path with `.py`, or `.ir.yaml` for `--format ir`;
        /// `-` for stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// `python`: a kfp 2 module; `ir`: the compiled kfp 2 component YAML (a graph component's pipeline
        /// IR, its children's specs embedded), written without Python.
        #[arg(long, value_enum, default_value = "python")]
        format: ConvertFormat,
        /// Fetch the specs of a graph's `http(s)` children that `[component-urls]` does not map (one plain GET
        /// each, no credentials, cached on disk); never done unless asked.
        #[arg(long)]
        fetch_components: bool,
    },
}

/// How `rule` prints documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

/// When to colour the output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal. The flag wins; under `auto`, `NO_COLOR`
    /// (non-empty) wins over `FORCE_COLOR` (non-empty), as <https://no-color.org> and
    /// <https://force-color.org> ask.
    pub fn resolve(self, is_terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto if set("FORCE_COLOR") => true,
            ColorChoice::Auto => is_terminal,
        }
    }
}

/// Which configuration is read (`check` and `migrate`).
#[derive(Debug, Default, Clone, Args)]
pub struct ConfigArgs {
    /// A configuration file to use instead of the one found by walking up (`kfp-upgrade.toml` or a
    /// `pyproject.toml` with `[tool.kfp-upgrade]`), or a `KEY = VALUE` pair in its syntax that overrides the
    /// file's key (`--config 'ignore = ["KFP405"]'`). Repeatable.
    #[arg(long, value_name = "CONFIG_OPTION")]
    pub config: Vec<String>,
    /// Read no configuration file; only the command line (and `--config 'KEY = VALUE'`) counts.
    #[arg(long)]
    pub isolated: bool,
}

/// What `convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConvertFormat {
    Python,
    Ir,
}

#[derive(Debug, Default, Args)]
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
    #[command(flatten)]
    pub rules: RuleArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "full")]
    pub output_format: OutputFormat,
    /// Write the report to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print how many diagnostics each rule produced instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,
    /// Exit with 0 even when diagnostics remain (--exit-non-zero-on-fix still fails a run that changed a file).
    #[arg(long)]
    pub exit_zero: bool,
    /// With --fix: exit with 1 when a file was changed, even if no diagnostics remain (as pre-commit hooks do).
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,
    /// Read the source from stdin, as the file NAME (its name decides the file kind and module); with --fix,
    /// write the fixed text to stdout and the remaining diagnostics to stderr.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Report only findings that are not in this baseline file (written by --write-baseline); entries that
    /// no longer match are listed as stale.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["write_baseline", "stdin_filename"])]
    pub baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file (keyed on file, rule and the flagged source, not
    /// line numbers) and exit 0.
    // A baseline describes a tree; one buffer on stdin would silently skip it or rewrite it from one file.
    #[arg(long, value_name = "FILE", conflicts_with = "stdin_filename")]
    pub write_baseline: Option<PathBuf>,
    /// Walk into files that .gitignore or .ignore exclude (overrides `respect-gitignore`).
    #[arg(long)]
    pub no_respect_gitignore: bool,
    /// Apply the excludes to files named on the command line too (as the pre-commit hooks do).
    #[arg(long)]
    pub force_exclude: bool,
    /// Print the settings resolved from the configuration file and the command line, as TOML, then exit.
    #[arg(long)]
    pub show_settings: bool,
    /// Print every file discovery found, whether it would be checked, and why a skipped one is skipped; then
    /// exit.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,
    /// With --fix (or --diff): list the fixes applied (or that would be), per file and rule.
    #[arg(long)]
    pub show_fixes: bool,
    /// When to colour the output: `auto` colours a terminal unless NO_COLOR is set, or any output when
    /// FORCE_COLOR is set.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print diagnostics only, no summary.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("destination").required(true).args(["out", "in_place"])))]
pub struct MigrateArgs {
    /// The folder to migrate.
    pub src: PathBuf,
    /// Copy SRC to this new folder (every file, permissions and symlinks kept) and migrate the copy.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Migrate SRC itself; refused when git reports uncommitted changes to the files it would rewrite.
    #[arg(long)]
    pub in_place: bool,
    /// With --in-place: run even with uncommitted changes.
    #[arg(long)]
    pub force: bool,
    /// Also apply fixes that change names or behaviour.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Write the report to FILE: a summary that fits a pull request description (totals per rule, the
    /// first files that need a human, files not migrated; at most 60,000 characters), with every file's
    /// fixes and findings in FILE.details.md. Without it, the full report goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The report's format: Markdown (summary and details), or the whole report as one JSON document.
    #[arg(long, value_enum, default_value = "markdown")]
    pub report_format: ReportFormat,
    /// After migrating, import each pipeline module with --python (which must have kfp 2) and compile its
    /// pipelines; failures go into the report. This RUNS THE MODULES' CODE: use it on code you trust.
    #[arg(long)]
    pub verify: bool,
    /// The Python interpreter for --verify.
    #[arg(
        long,
        value_name = "PATH",
        default_value = "python3",
        requires = "verify"
    )]
    pub python: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Which rules run on which files, for `check` and `migrate` alike.
#[derive(Debug, Default, Clone, Args)]
pub struct RuleArgs {
    /// Only run rules whose id starts with one of these (comma-separated), e.g. KFP0,KFP101.
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Also run these rules (comma-separated prefixes), on top of --select or the configured selection.
    #[arg(long, value_delimiter = ',', value_name = "PREFIXES")]
    pub extend_select: Vec<String>,
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
    /// Fetch the specs of components loaded by `http(s)` URL that `[component-urls]` does not map (one plain
    /// GET each, no credentials, cached on disk); never done unless asked.
    #[arg(long)]
    pub fetch_components: bool,
}

/// `migrate --report-format`: the migration report as Markdown or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}
