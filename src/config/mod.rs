//! Configuration files and the resolution of the command line plus the file into one [`CheckSettings`].
//!
//! The settings live in `kfp-upgrade.toml` (top level) or in `pyproject.toml` under `[tool.kfp-upgrade]`,
//! found by walking up from the first checked path (or the `--stdin-filename`): the nearest folder with
//! either wins, `kfp-upgrade.toml` before `pyproject.toml`, and a `pyproject.toml` without the table is passed
//! over, as ruff does. Keys are read strictly: an unknown key is an error with its line and column.
//!
//! Precedence: `--select` replaces the file's `select` and `extend-select`; `--ignore` adds to its `ignore`;
//! `--exclude` replaces its `exclude` (`extend-exclude` always applies); `--target-version` replaces
//! `target-version`; `--no-respect-gitignore` turns discovery's `.gitignore`/`.ignore` handling off.

mod file;
mod overrides;

pub(crate) use file::{PerFileIgnore, component_urls, find};

use crate::cli::CheckArgs;
use crate::settings::CheckSettings;
use file::ConfigError;

/// The settings of a `check` run: its command line over the configuration file found from its first path
/// (or given with `--config`, with `--config KEY = VALUE` overrides on top).
pub(crate) fn check_settings(args: CheckArgs, color: bool) -> Result<CheckSettings, ConfigError> {
    let (paths, start) = file::paths_and_start(&args);
    file::validate_cli_selectors(&args.rules)?;
    let (config, config_path) = overrides::config_of_run(&args.config, &start)?;
    file::settings_from(args, color, paths, config, config_path)
}
