//! Reading and resolving the configuration file: discovery, strict parsing, CLI + file → CheckSettings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::cli::{CheckArgs, RuleArgs};
use crate::settings::{CheckSettings, FixMode, KfpVersion, RuleSelection};

pub const FILE_NAME: &str = "kfp-upgrade.toml";
pub const PYPROJECT: &str = "pyproject.toml";

/// A rule selector as written in a configuration file, with its position (for "unknown selector" errors).
pub type Selector = toml::Spanned<String>;

/// The selectors' texts.
fn texts(selectors: Option<&Vec<Selector>>) -> Vec<String> {
    selectors
        .into_iter()
        .flatten()
        .map(|s| s.get_ref().clone())
        .collect()
}

/// The options a configuration file may set (kebab-case keys).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<Selector>>,
    pub ignore: Option<Vec<Selector>>,
    pub extend_select: Option<Vec<Selector>>,
    /// Glob (relative to the configuration file's folder, or a file name anywhere) → rule prefixes.
    pub per_file_ignores: Option<BTreeMap<String, Vec<Selector>>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub target_version: Option<toml::Spanned<String>>,
    pub respect_gitignore: Option<bool>,
    /// URL prefix → local file or folder (relative to the configuration file's folder) for components
    /// loaded by URL.
    pub component_urls: Option<BTreeMap<String, toml::Spanned<String>>>,
    /// Fetch the `http(s)` component URLs the map does not cover (off unless asked).
    pub fetch_components: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Debug, Deserialize)]
struct Tool {
    #[serde(rename = "kfp-upgrade")]
    kfp_upgrade: Option<Options>,
}

/// A configuration file that was found and read.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub options: Options,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A bad value on the command line.
    #[error("{0}")]
    Argument(String),
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn invalid(
    path: &Path,
    text: &str,
    span: Option<std::ops::Range<usize>>,
    message: String,
) -> ConfigError {
    let (line, column) = line_col(text, span.map_or(0, |s| s.start));
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
    }
}

/// Reads one configuration file; `Ok(None)` for a `pyproject.toml` without `[tool.kfp-upgrade]`.
pub fn load(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    load_text(path, &text)
}

/// [`load`] of a configuration's text; errors name `path` with a line and column.
pub(super) fn load_text(path: &Path, text: &str) -> Result<Option<ConfigFile>, ConfigError> {
    let parse_error =
        |e: toml::de::Error| invalid(path, text, e.span(), e.message().trim().to_string());
    let options = if path.file_name().is_some_and(|n| n == PYPROJECT) {
        let pyproject: Pyproject = toml::from_str(text).map_err(parse_error)?;
        match pyproject.tool.and_then(|t| t.kfp_upgrade) {
            Some(o) => o,
            None => return Ok(None),
        }
    } else {
        toml::from_str(text).map_err(parse_error)?
    };
    if let Some(v) = &options.target_version {
        v.get_ref().parse::<KfpVersion>().map_err(|message| {
            invalid(
                path,
                text,
                Some(v.span()),
                format!("target-version: {message}"),
            )
        })?;
    }
    // A selector that matches no rule is an error: it would silently select (or ignore) nothing.
    let lists = [
        ("`select`".to_string(), options.select.as_ref()),
        ("`ignore`".to_string(), options.ignore.as_ref()),
        (
            "`extend-select`".to_string(),
            options.extend_select.as_ref(),
        ),
    ];
    let per_file = options
        .per_file_ignores
        .iter()
        .flatten()
        .map(|(pattern, rules)| (format!("per-file-ignores `{pattern}`"), Some(rules)));
    for (place, list) in lists.into_iter().chain(per_file) {
        if let Some(selector) = list
            .into_iter()
            .flatten()
            .find(|s| !crate::selector::is_known(s.get_ref()))
        {
            return Err(invalid(
                path,
                text,
                Some(selector.span()),
                crate::selector::unknown_message(selector.get_ref(), &place),
            ));
        }
    }
    if let Some(map) = &options.per_file_ignores {
        for pattern in map.keys() {
            Glob::new(pattern).map_err(|e| {
                let at = text.find(pattern.as_str());
                invalid(
                    path,
                    text,
                    at.map(|a| a..a),
                    format!("per-file-ignores: {e}"),
                )
            })?;
        }
    }
    Ok(Some(ConfigFile {
        path: path.to_path_buf(),
        options,
    }))
}

/// `[component-urls]` values that do not exist are configuration errors, at the value.
pub fn check_component_urls(config: &ConfigFile) -> Result<(), ConfigError> {
    let Some(map) = &config.options.component_urls else {
        return Ok(());
    };
    let folder = config.path.parent().unwrap_or(Path::new("."));
    for (prefix, local) in map {
        if !folder.join(local.get_ref()).exists() {
            let text = std::fs::read_to_string(&config.path).unwrap_or_default();
            return Err(invalid(
                &config.path,
                &text,
                Some(local.span()),
                format!(
                    "component-urls: `{}` (for `{prefix}`) does not exist",
                    local.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

/// The URL resolver of a run: the file's `[component-urls]`, paths made relative to its folder, fetching
/// when the command line (`fetch`) or the file asks for it.
pub fn component_urls(
    config: Option<&ConfigFile>,
    fetch: bool,
) -> crate::component_urls::ComponentUrls {
    let folder = config
        .and_then(|c| c.path.parent())
        .map(|d| std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()))
        .unwrap_or_default();
    let map = config
        .and_then(|c| c.options.component_urls.as_ref())
        .into_iter()
        .flatten()
        .map(|(prefix, local)| (prefix.clone(), folder.join(local.get_ref())))
        .collect();
    let urls = crate::component_urls::ComponentUrls::new(map);
    let fetch = fetch || config.and_then(|c| c.options.fetch_components) == Some(true);
    match fetch {
        true => urls.fetching(crate::component_fetch::Fetcher::default()),
        false => urls,
    }
}

/// The nearest configuration file at or above `start` (a file or a folder).
pub fn find(start: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(d) = dir {
        for name in [FILE_NAME, PYPROJECT] {
            let candidate = d.join(name);
            if candidate.is_file()
                && let Some(config) = load(&candidate)?
            {
                return Ok(Some(config));
            }
        }
        dir = d.parent();
    }
    Ok(None)
}

/// `per-file-ignores` compiled: a matcher over paths relative to the configuration file's folder.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub pattern: String,
    matcher: GlobMatcher,
    pub rules: Vec<String>,
}

impl PerFileIgnore {
    fn new(pattern: &str, rules: &[Selector]) -> Option<Self> {
        // A pattern without a slash is a file name anywhere, as for `exclude`.
        let glob = if pattern.contains('/') {
            pattern.to_string()
        } else {
            format!("**/{pattern}")
        };
        Some(Self {
            pattern: pattern.to_string(),
            matcher: Glob::new(&glob).ok()?.compile_matcher(),
            rules: upper(
                &rules
                    .iter()
                    .map(|r| r.get_ref().clone())
                    .collect::<Vec<_>>(),
            ),
        })
    }
}

/// Rule prefixes as upper-case ids (`kfp0` selects `KFP001`).
pub fn upper(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|s| s.trim().to_ascii_uppercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The command line's say on what the file can also set.
#[derive(Debug, Default, Clone)]
pub struct CliOverrides {
    pub rules: RuleArgs,
    pub no_respect_gitignore: bool,
}

/// Fills `settings` (built from the command line) with the configuration file's options under the CLI's.
pub fn resolve(settings: &mut CheckSettings, cli: CliOverrides, config: Option<ConfigFile>) {
    let options = config
        .as_ref()
        .map(|c| c.options.clone())
        .unwrap_or_default();
    let select = if cli.rules.select.is_empty() {
        let mut s = upper(&texts(options.select.as_ref()));
        let extend = upper(&texts(options.extend_select.as_ref()));
        if s.is_empty() && !extend.is_empty() {
            // `extend-select` alone adds to the default selection: every rule that is not opt-in.
            s.push("KFP".into());
        }
        s.extend(extend);
        s
    } else {
        upper(&cli.rules.select)
    };
    let mut select = select;
    let extend = upper(&cli.rules.extend_select);
    if !extend.is_empty() {
        if select.is_empty() {
            // Added to the default selection: every rule that is not opt-in.
            select.push("KFP".into());
        }
        select.extend(extend);
    }
    let mut ignore = upper(&texts(options.ignore.as_ref()));
    ignore.extend(upper(&cli.rules.ignore));
    let component_urls =
        std::sync::Arc::new(component_urls(config.as_ref(), cli.rules.fetch_components));
    settings.selection = RuleSelection {
        select,
        ignore,
        component_urls: Some(component_urls),
        target: cli.rules.target_version.or_else(|| {
            options
                .target_version
                .as_ref()
                .and_then(|v| v.get_ref().parse().ok())
        }),
    };
    settings.exclude = if cli.rules.exclude.is_empty() {
        options.exclude.clone().unwrap_or_default()
    } else {
        cli.rules.exclude
    };
    settings
        .exclude
        .extend(options.extend_exclude.clone().unwrap_or_default());
    settings.respect_gitignore =
        !cli.no_respect_gitignore && options.respect_gitignore.unwrap_or(true);
    settings.per_file_ignores = options
        .per_file_ignores
        .iter()
        .flatten()
        .filter_map(|(pattern, rules)| PerFileIgnore::new(pattern, rules))
        .collect();
    settings.config_file = config.map(|c| c.path);
}

impl CheckSettings {
    /// The rule prefixes `per-file-ignores` adds for `path`, if any.
    pub fn per_file_ignored(&self, path: &Path) -> Vec<String> {
        if self.per_file_ignores.is_empty() {
            return vec![];
        }
        let root = self
            .config_file
            .as_ref()
            .and_then(|c| c.parent())
            .and_then(|d| std::path::absolute(d).ok());
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = root
            .as_ref()
            .and_then(|r| absolute.strip_prefix(r).ok())
            .unwrap_or(path);
        self.per_file_ignores
            .iter()
            .filter(|p| p.matcher.is_match(rel))
            .flat_map(|p| p.rules.iter().cloned())
            .collect()
    }
}

/// `--select`, `--extend-select` and `--ignore` name only selectors that match a rule.
pub fn validate_cli_selectors(rules: &RuleArgs) -> Result<(), ConfigError> {
    let lists = [
        ("--select", &rules.select),
        ("--extend-select", &rules.extend_select),
        ("--ignore", &rules.ignore),
    ];
    for (flag, list) in lists {
        if let Some(bad) = list
            .iter()
            .filter(|s| !s.trim().is_empty())
            .find(|s| !crate::selector::is_known(s))
        {
            return Err(ConfigError::Argument(crate::selector::unknown_message(
                bad, flag,
            )));
        }
    }
    Ok(())
}

/// The paths a `check` run checks (`.` when none is given), and where its configuration is looked up from:
/// the buffer's file, or the first checked path.
pub(super) fn paths_and_start(args: &CheckArgs) -> (Vec<PathBuf>, PathBuf) {
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    let start = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| paths[0].clone());
    (paths, start)
}

/// The settings of a `check` run: its command line over `config` (read from `config_path`).
pub(super) fn settings_from(
    args: CheckArgs,
    color: bool,
    paths: Vec<PathBuf>,
    config: Option<ConfigFile>,
    config_path: Option<PathBuf>,
) -> Result<CheckSettings, ConfigError> {
    // `--show-settings` shows what was read, a missing local path marked, rather than stopping at it.
    if let Some(c) = config.as_ref().filter(|_| !args.show_settings) {
        check_component_urls(c)?;
    }
    let mut settings = CheckSettings {
        paths,
        exclude: vec![],
        selection: RuleSelection::default(),
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
        color,
        stdin_filename: args.stdin_filename,
        baseline: args.baseline,
        write_baseline: args.write_baseline,
        respect_gitignore: true,
        force_exclude: args.force_exclude,
        per_file_ignores: vec![],
        config_file: None,
        show_fixes: args.show_fixes,
    };
    let cli = CliOverrides {
        rules: args.rules,
        no_respect_gitignore: args.no_respect_gitignore,
    };
    resolve(&mut settings, cli, config);
    // Options from `--config KEY = VALUE` alone come from no file.
    settings.config_file = config_path;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_their_position() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "select = [\"KFP0\"]\n\nselct = [\"KFP1\"]\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("kfp-upgrade.toml:3:1: unknown field `selct`"),
            "{err}"
        );
    }

    #[test]
    fn pyproject_without_the_table_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PYPROJECT),
            "[tool.black]\nline-length = 99\n",
        )
        .unwrap();
        assert!(load(&dir.path().join(PYPROJECT)).unwrap().is_none());
        std::fs::write(
            dir.path().join(PYPROJECT),
            "[tool.kfp-upgrade]\ntarget-version = \"1.8\"\n",
        )
        .unwrap();
        let err = load(&dir.path().join(PYPROJECT)).unwrap_err().to_string();
        assert!(
            err.contains("pyproject.toml:2:18: target-version: the target must be a kfp 2 release"),
            "{err}"
        );
    }

    #[test]
    fn component_urls_resolve_relative_to_the_config_and_missing_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("third_party/kfp")).unwrap();
        std::fs::create_dir_all(dir.path().join("vendor")).unwrap();
        std::fs::write(dir.path().join("vendor/echo.yaml"), "name: Echo\n").unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(
            &path,
            "[component-urls]\n\"https://h/c/\" = \"third_party/kfp/\"\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n",
        )
        .unwrap();
        let config = load(&path).unwrap().unwrap();
        check_component_urls(&config).unwrap();
        let urls = component_urls(Some(&config), false);
        assert_eq!(
            urls.mapped("https://h/c/a/component.yaml").unwrap(),
            std::path::absolute(dir.path())
                .unwrap()
                .join("third_party/kfp/a/component.yaml")
        );

        std::fs::write(
            &path,
            "[component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n\"https://h/x.yaml\" = \"vendor/missing.yaml\"\n",
        )
        .unwrap();
        let config = load(&path).unwrap().unwrap();
        let err = check_component_urls(&config).unwrap_err().to_string();
        assert!(
            err.contains("kfp-upgrade.toml:3:22: component-urls: `vendor/missing.yaml` (for `https://h/x.yaml`) does not exist"),
            "{err}"
        );

        let py = dir.path().join(PYPROJECT);
        std::fs::write(
            &py,
            "[tool.kfp-upgrade]\n[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n[tool.kfp-upgrade.component-url]\n",
        )
        .unwrap();
        let err = load(&py).unwrap_err().to_string();
        assert!(err.contains("pyproject.toml:4:"), "{err}");
        assert!(err.contains("unknown field `component-url`"), "{err}");
        std::fs::write(
            &py,
            "[tool.kfp-upgrade]\n[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n",
        )
        .unwrap();
        let config = load(&py).unwrap().unwrap();
        let urls = component_urls(Some(&config), false);
        assert_eq!(
            &*urls.resolve("https://h/e.yaml", None).unwrap().text,
            "name: Echo\n"
        );
    }
}
