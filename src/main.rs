//! Parses the command line, runs it, maps the result to an exit code. Nothing else.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use kfp_upgrade::cli::{Cli, Command};
use kfp_upgrade::{ExitStatus, rule_docs, run_check};

// Parsing allocates a node per AST element; mimalloc's thread-local free lists cut the allocator's share of a
// KFP-dense run (about a fifth of the instructions with the system allocator, `valgrind --tool=callgrind`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `arena_eager_commit` option (its number in `mi_option_e`, mimalloc 2 and 3). Committing arena
/// memory as it is used instead of up front keeps a 100,000-file run's resident set at the system allocator's
/// (80 MB → 59 MB), at no measurable cost in speed (`scripts/bench.sh`).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// mimalloc reads an option once, at its first allocation, which the Rust runtime makes before `main`: the
/// option is set from an ELF constructor, which runs before that.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00099")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // SAFETY: sets a documented mimalloc option, single-threaded, before any allocation.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    }
    set
};

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
        Command::Convert {
            file,
            output,
            format,
        } => kfp_upgrade::convert_file(&file, output.as_deref(), format, &mut out, &mut err),
        Command::Migrate(args) => {
            let options = kfp_upgrade::migrate::MigrateOptions {
                src: args.src.clone(),
                out: args.out,
                force: args.force,
                report: args.report,
                report_format: args.report_format,
                verify: args.verify.then(|| args.python.clone()),
            };
            // The settings of a `check --fix` of SRC, its configuration file included.
            let check = kfp_upgrade::cli::CheckArgs {
                paths: vec![args.src],
                unsafe_fixes: args.unsafe_fixes,
                rules: args.rules,
                ..Default::default()
            };
            match kfp_upgrade::config::check_settings(check, false) {
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    Ok(ExitStatus::Error)
                }
                Ok(settings) => kfp_upgrade::migrate::run(&options, &settings, &mut out, &mut err),
            }
        }
        Command::Check(args) => {
            // Colour only on a terminal, never into --output-file.
            let color = !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none();
            let show_settings = args.show_settings;
            match kfp_upgrade::config::check_settings(args, color) {
                Err(e) => {
                    let _ = writeln!(err, "error: {e}");
                    Ok(ExitStatus::Error)
                }
                Ok(settings) if show_settings => {
                    kfp_upgrade::config::show(&settings, &mut out).map(|_| ExitStatus::Clean)
                }
                Ok(settings) => run_check(&settings, &mut out, &mut err),
            }
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
