//! `--config` and `--isolated`, as ruff has them: `--config PATH` reads that file instead of the one found by
//! walking up, `--config 'KEY = VALUE'` sets one option over every file, and `--isolated` reads no file.

use std::path::{Path, PathBuf};

use super::file::{ConfigError, ConfigFile, Options, find, load, load_text};
use crate::cli::ConfigArgs;

/// The configuration of a run: `--config FILE` instead of the file found by walking up from `start` (none
/// with `--isolated`), then the `--config 'KEY = VALUE'` overrides in order, each replacing its key. Returns
/// the merged options and the file they were read from, if any (overrides alone come from no file; their
/// relative paths are then relative to the current folder).
pub fn config_of_run(
    args: &ConfigArgs,
    start: &Path,
) -> Result<(Option<ConfigFile>, Option<PathBuf>), ConfigError> {
    let mut file: Option<&str> = None;
    let mut overrides = Vec::new();
    for value in &args.config {
        // As ruff decides: an existing file is a file, anything else must be a `KEY = VALUE` pair.
        if Path::new(value).is_file() {
            if let Some(first) = file {
                return Err(ConfigError::Argument(format!(
                    "--config names two configuration files, `{first}` and `{value}`; give one"
                )));
            }
            file = Some(value);
        } else if value.contains('=') {
            overrides.push(value);
        } else {
            return Err(ConfigError::Argument(format!(
                "--config `{value}`: no such file, and not a `KEY = VALUE` setting such as `ignore = [\"KFP405\"]`"
            )));
        }
    }
    let base = match file {
        Some(path) if args.isolated => {
            return Err(ConfigError::Argument(format!(
                "--isolated reads no configuration file, but --config names `{path}`; drop one of them"
            )));
        }
        Some(path) => Some(load(Path::new(path))?.ok_or_else(|| {
            ConfigError::Argument(format!(
                "--config {path}: the file has no [tool.kfp-upgrade] table"
            ))
        })?),
        None if args.isolated => None,
        None => find(start)?,
    };
    let path = base.as_ref().map(|c| c.path.clone());
    let mut options = base.map(|c| c.options);
    for value in overrides {
        // Errors point into the override itself: `--config 'selct = []':1:1: unknown field `selct``.
        let label = PathBuf::from(format!("--config '{value}'"));
        let over = load_text(&label, value)?
            .map(|c| c.options)
            .unwrap_or_default();
        options = Some(merge(options.unwrap_or_default(), over));
    }
    let config = options.map(|options| ConfigFile {
        path: path.clone().unwrap_or_default(),
        options,
    });
    Ok((config, path))
}

/// `over`'s keys replace `base`'s. Every key is named, so a new option cannot be forgotten here.
fn merge(base: Options, over: Options) -> Options {
    let Options {
        select,
        ignore,
        extend_select,
        per_file_ignores,
        exclude,
        extend_exclude,
        target_version,
        respect_gitignore,
        component_urls,
        fetch_components,
    } = over;
    Options {
        select: select.or(base.select),
        ignore: ignore.or(base.ignore),
        extend_select: extend_select.or(base.extend_select),
        per_file_ignores: per_file_ignores.or(base.per_file_ignores),
        exclude: exclude.or(base.exclude),
        extend_exclude: extend_exclude.or(base.extend_exclude),
        target_version: target_version.or(base.target_version),
        respect_gitignore: respect_gitignore.or(base.respect_gitignore),
        component_urls: component_urls.or(base.component_urls),
        fetch_components: fetch_components.or(base.fetch_components),
    }
}
