//! Parses the command line, runs it, maps the result to an exit code. Nothing else.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use kfp_upgrade::cli::{Cli, Command};
use kfp_upgrade::settings::{CheckSettings, FixMode, RuleSelection};
use kfp_upgrade::{ExitStatus, rule_docs, run_check};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                ExitStatus::Error as u8
            } else {
                0
            });
        }
    };
    let stdout = std::io::stdout();
    let mut out: Box<dyn Write> = Box::new(std::io::BufWriter::new(stdout.lock()));
    let mut err = std::io::stderr();
    let mut to_file = false;
    if let Command::Check(args) = &cli.command
        && let Some(path) = &args.output_file
    {
        match std::fs::File::create(path) {
            Ok(f) => {
                out = Box::new(std::io::BufWriter::new(f));
                to_file = true;
            }
            Err(e) => {
                let _ = writeln!(err, "error: cannot write {}: {e}", path.display());
                return ExitCode::from(ExitStatus::Error as u8);
            }
        }
    }
    let result = match cli.command {
        Command::Rules => rule_docs::write_table(&mut out).map(|_| ExitStatus::Clean),
        Command::Rule { id } => match rule_docs::write_rule(&mut out, &id) {
            Ok(true) => Ok(ExitStatus::Clean),
            Ok(false) => {
                let _ = writeln!(
                    err,
                    "error: unknown rule `{id}`; `kfp-upgrade rules` lists them"
                );
                Ok(ExitStatus::Error)
            }
            Err(e) => Err(e),
        },
        Command::Check(args) => {
            let settings = CheckSettings {
                paths: if args.paths.is_empty() {
                    vec![".".into()]
                } else {
                    args.paths
                },
                exclude: args.exclude,
                selection: RuleSelection {
                    select: rule_prefixes(&args.select),
                    ignore: rule_prefixes(&args.ignore),
                    target: args.target_version,
                },
                fix_mode: if args.diff {
                    FixMode::Diff
                } else if args.fix {
                    FixMode::Apply
                } else {
                    FixMode::None
                },
                unsafe_fixes: args.unsafe_fixes,
                output_format: args.output_format,
                exit_zero: args.exit_zero,
                exit_non_zero_on_fix: args.exit_non_zero_on_fix,
                statistics: args.statistics,
                quiet: args.quiet,
                color: !to_file
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none(),
                stdin_filename: args.stdin_filename,
                baseline: args.baseline,
                write_baseline: args.write_baseline,
            };
            run_check(&settings, &mut out, &mut err)
        }
    };
    let status = match result.and_then(|s| out.flush().map(|_| s)) {
        Ok(s) => s,
        // A closed pipe (`kfp-upgrade check | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Clean,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            ExitStatus::Error
        }
    };
    ExitCode::from(status as u8)
}

/// `--select`/`--ignore` values as upper-case id prefixes (`kfp0` selects `KFP001`).
fn rule_prefixes(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}
