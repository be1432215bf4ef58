//! The command line, resolved once into the values the rest of the program reads.

use std::path::PathBuf;

/// A kfp 2 release (`2.17`): the version migrated code will run with, which decides what fixes may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct KfpVersion {
    pub major: u32,
    pub minor: u32,
}

impl KfpVersion {
    /// The kfp release whose SDK the fixes are verified against (the oracle's kfp 2.17.3).
    pub const DEFAULT_TARGET: KfpVersion = KfpVersion {
        major: 2,
        minor: 17,
    };
}

impl std::str::FromStr for KfpVersion {
    type Err = String;

    /// `2.17`, `2.4.0` or `2`; only kfp 2 releases are migration targets.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.trim().split('.');
        let number = |p: Option<&str>| -> Result<u32, String> {
            p.unwrap_or("0")
                .parse()
                .map_err(|_| format!("`{s}` is not a version such as 2.17"))
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        if let Some(patch) = parts.next() {
            number(Some(patch))?;
        }
        if parts.next().is_some() {
            return Err(format!("`{s}` is not a version such as 2.17"));
        }
        if major != 2 {
            return Err(format!(
                "the target must be a kfp 2 release (such as 2.17), not `{s}`"
            ));
        }
        Ok(Self { major, minor })
    }
}

impl std::fmt::Display for KfpVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What the selection reads of a rule. The rule registry implements it: settings sit below the rules.
pub trait Selectable {
    fn id(&self) -> &str;
    /// Off unless selected explicitly (or by a target version at or above `min_version`).
    fn opt_in(&self) -> bool;
    /// The first kfp release the rule's fix may rely on.
    fn min_version(&self) -> Option<KfpVersion>;
}

impl<T: Selectable + ?Sized> Selectable for &T {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn opt_in(&self) -> bool {
        (**self).opt_in()
    }
    fn min_version(&self) -> Option<KfpVersion> {
        (**self).min_version()
    }
}

/// Which rules run: `--select` / `--ignore` prefixes over rule ids, and the target kfp version.
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// Prefixes of selected rule ids; empty selects every rule that is not opt-in.
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// `--target-version`, when given: rules needing a newer kfp are off; opt-in rules that name a minimum
    /// version are on once the target reaches it.
    pub target: Option<KfpVersion>,
    /// Where specs of components loaded by URL come from (`[component-urls]`, `--fetch-components`); `None`
    /// resolves no URL.
    pub component_urls: Option<std::sync::Arc<crate::component_urls::ComponentUrls>>,
}

impl RuleSelection {
    pub fn target(&self) -> KfpVersion {
        self.target.unwrap_or(KfpVersion::DEFAULT_TARGET)
    }

    pub fn is_enabled(&self, rule: &(impl Selectable + ?Sized)) -> bool {
        let id = rule.id();
        let matches = |prefixes: &[String]| prefixes.iter().any(|p| id.starts_with(p.as_str()));
        if matches(&self.ignore) {
            return false;
        }
        if rule.min_version().is_some_and(|min| self.target() < min) {
            return false;
        }
        let selected = self.select.is_empty() || matches(&self.select);
        if !rule.opt_in() {
            return selected;
        }
        // Opt-in rules run when selected by more than the family prefix `KFP`, or when the user states a
        // target version at or above the release the rule needs.
        let explicitly = self
            .select
            .iter()
            .any(|p| id.starts_with(p.as_str()) && p.len() > 3);
        explicitly || (selected && self.target.is_some() && rule.min_version().is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_and_compare() {
        let v: KfpVersion = "2.4.0".parse().unwrap();
        assert_eq!(v, KfpVersion { major: 2, minor: 4 });
        assert!(v < KfpVersion::DEFAULT_TARGET);
        assert_eq!("2".parse::<KfpVersion>().unwrap().to_string(), "2.0");
        assert!("1.8".parse::<KfpVersion>().is_err());
        assert!("2.x".parse::<KfpVersion>().is_err());
        assert!("2.1.2.3".parse::<KfpVersion>().is_err());
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// rustc-style, with the source line.
    #[default]
    Full,
    /// `path:line:col: KFP001 message`.
    Concise,
    /// One JSON document (schema in the README).
    Json,
    /// One JSON object per diagnostic and line.
    JsonLines,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0 for code scanning dashboards.
    Sarif,
    /// JUnit XML for CI test reports.
    Junit,
    /// GitLab Code Quality JSON (merge request widget and diff).
    Gitlab,
    /// reviewdog's Diagnostic Format (rdjson), for review comments with suggested fixes.
    Rdjson,
}

impl OutputFormat {
    /// Formats for machines: they carry the run's errors themselves and get no summary line.
    pub fn is_structured(self) -> bool {
        !matches!(self, OutputFormat::Full | OutputFormat::Concise)
    }
}

/// What `check` does with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Report only.
    None,
    /// Print diffs, write nothing.
    Diff,
    /// Write the fixed files.
    Apply,
}

#[derive(Debug, Clone)]
pub struct CheckSettings {
    pub paths: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub selection: RuleSelection,
    pub fix_mode: FixMode,
    pub unsafe_fixes: bool,
    pub output_format: OutputFormat,
    pub exit_zero: bool,
    /// `--exit-non-zero-on-fix`: exit 1 when `--fix` changed a file, even if nothing remains (pre-commit).
    pub exit_non_zero_on_fix: bool,
    /// `--statistics`: counts per rule instead of the diagnostics.
    pub statistics: bool,
    pub quiet: bool,
    pub color: bool,
    /// `--stdin-filename NAME`: check the text on stdin as if it were the file NAME; with `--fix`, print the
    /// fixed text on stdout (editors), the diagnostics on stderr.
    pub stdin_filename: Option<PathBuf>,
    /// `--baseline FILE`: findings recorded there are not reported (src/baseline.rs).
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`: record the run's findings there.
    pub write_baseline: Option<PathBuf>,
    /// Honour `.gitignore`, `.ignore` and git's excludes while walking folders (`respect-gitignore`).
    pub respect_gitignore: bool,
    /// `--force-exclude`: excludes apply to files named on the command line too (pre-commit names them all).
    pub force_exclude: bool,
    /// `per-file-ignores` from the configuration file.
    pub per_file_ignores: Vec<crate::config::PerFileIgnore>,
    /// The configuration file the settings came from, if any.
    pub config_file: Option<PathBuf>,
    /// `--show-fixes`: list the fixes applied (or, with `--diff`, that would be), per file and rule.
    pub show_fixes: bool,
}
