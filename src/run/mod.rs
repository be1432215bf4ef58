//! Orchestration: what a command line asks for, and the check pipeline of a run: discover → index → check
//! (→ fix → write) → report. `file` takes one file through the pipeline; the printing is `report`'s.

mod check;
mod convert;
mod exit;
mod file;
pub(crate) mod index;
mod language;
pub(crate) mod migrate;
mod screen;
mod stdin;
mod write;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::report::render;
use crate::{config, rule_docs};

pub use check::run_check;
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
        Command::Rule { id } => match rule_docs::write_rule(out, &id)? {
            true => Ok(ExitStatus::Clean),
            false => {
                render::error(
                    err,
                    &format!("unknown rule `{id}`; `kfp-upgrade rules` lists them"),
                )?;
                Ok(ExitStatus::Error)
            }
        },
        Command::Convert {
            file,
            output,
            format,
        } => convert::convert_file(&file, output.as_deref(), format, out, err),
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
            match config::check_settings(args, color) {
                Err(e) => {
                    render::error(err, &e.to_string())?;
                    Ok(ExitStatus::Error)
                }
                Ok(settings) if show_settings => {
                    config::show(&settings, out).map(|_| ExitStatus::Clean)
                }
                Ok(settings) => run_check(&settings, out, err),
            }
        }
    }
}
