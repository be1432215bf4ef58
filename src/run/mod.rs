//! Orchestration: what a command line asks for, and the check pipeline of a run: discover → index → check
//! (→ fix → write) → report. `file` takes one file through the pipeline; the printing is `report`'s.

mod check;
mod convert;
mod exit;
mod file;
mod import_blockers;
pub(crate) mod index;
mod language;
pub(crate) mod migrate;
mod screen;
mod show_files;
mod stdin;
mod write;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::report::render;
use crate::{config, rule_docs};

pub use check::{check_tree, run_check};
pub use exit::ExitStatus;

/// Runs a parsed command line, printing to `out` and `err`. `color` says whether `out` is a terminal that
/// takes colour.
pub fn run(
    cli: Cli,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitStatus> {
    match cli.command {
        Command::Rules => rule_docs::write_table(out).map(|_| ExitStatus::Clean),
        Command::Rule {
            id,
            all,
            output_format,
        } => {
            let id = id.filter(|_| !all);
            let json = output_format == crate::cli::RuleFormat::Json;
            if rule_docs::write_rules(out, id.as_deref(), json)? {
                return Ok(ExitStatus::Clean);
            }
            let id = id.unwrap_or_default();
            let hint = crate::selector::closest(&id);
            render::error(
                err,
                &format!(
                    "unknown rule `{id}`; did you mean `{hint}`? (`kfp-upgrade rules` lists them)"
                ),
            )?;
            Ok(ExitStatus::Error)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "kfp-upgrade", out);
            Ok(ExitStatus::Clean)
        }
        Command::Convert {
            file,
            output,
            format,
            fetch_components,
        } => convert::convert_file(&file, output.as_deref(), format, fetch_components, out, err),
        Command::Migrate(args) => {
            let options = migrate::MigrateOptions {
                src: args.src.clone(),
                out: args.out,
                force: args.force,
                report: args.report,
                report_format: args.report_format,
                verify: args.verify.then(|| args.python.clone()),
            };
            // The settings of a `check --fix` of SRC, its configuration file included.
            let check = crate::cli::CheckArgs {
                paths: vec![args.src],
                unsafe_fixes: args.unsafe_fixes,
                rules: args.rules,
                config: args.config,
                ..Default::default()
            };
            match config::check_settings(check, false) {
                Err(e) => {
                    render::error(err, &e.to_string())?;
                    Ok(ExitStatus::Error)
                }
                Ok(settings) => migrate::run(&options, &settings, out, err),
            }
        }
        Command::Check(args) => {
            let show_settings = args.show_settings;
            let show_files = args.show_files;
            match config::check_settings(args, color) {
                Err(e) => {
                    render::error(err, &e.to_string())?;
                    Ok(ExitStatus::Error)
                }
                Ok(settings) if show_settings => {
                    crate::report::settings::write(&settings, out).map(|_| ExitStatus::Clean)
                }
                Ok(settings) if show_files => show_files::run(&settings, out, err),
                Ok(settings) => run_check(&settings, out, err),
            }
        }
    }
}
