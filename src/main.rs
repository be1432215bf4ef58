//! Parses the command line, runs it (`kfp_upgrade::run`), maps the result to an exit code. Nothing else.

mod alloc;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use kfp_upgrade::ExitStatus;
use kfp_upgrade::cli::{Cli, ColorChoice, Command};

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
    // `auto` colours a terminal only; --output-file is coloured only when asked with `--color always`.
    let choice = match &cli.command {
        Command::Check(args) => args.color,
        _ => ColorChoice::Auto,
    };
    let color = match choice {
        ColorChoice::Always => true,
        _ if to_file => false,
        _ => choice.resolve(std::io::stdout().is_terminal()),
    };
    let result = kfp_upgrade::run(cli, color, &mut out, &mut err);
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
