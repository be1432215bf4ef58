//! The rule registry, built from the data files in `rules/` (embedded at build time).
//!
//! A rule file is parsed strictly: an unknown key is an error, so a typo in a rule never silently drops data.
//! Pure data migrations (module and name moves, removals, keyword renames) live entirely in the file's
//! `table` and `keyword_renames`; rules with logic name a Rust handler by their id.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

pub use crate::diagnostic::Severity;
use crate::diagnostic::{Applicability, Diagnostic};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));
}

/// The rule ids of the data, as constants (`id::KFP204`), generated from `rules/**.yaml` by `build.rs`.
pub use embedded::id;

/// The position of rule `id` in `id::ALL` (and in the registry, which is sorted the same way).
pub fn slot(id: &str) -> Option<usize> {
    let digits = id.strip_prefix("KFP")?.as_bytes();
    if digits.len() != 3 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = digits
        .iter()
        .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'));
    id::SLOTS[number].checked_sub(1).map(usize::from)
}

/// The rules a check runs, resolved once from the selection: a rule's entry is found from its id's digits
/// (`slot`), so no rule lookup on a syntax node hashes a string or tests a selection prefix.
pub(crate) struct EnabledRules {
    rules: Vec<Option<&'static Rule>>,
}

impl EnabledRules {
    /// The rules `selection` enables, narrowed to `only` when given.
    pub(crate) fn resolve(
        selection: &crate::settings::RuleSelection,
        only: Option<&[&str]>,
    ) -> Self {
        let rules = registry()
            .rules
            .iter()
            .map(|rule| {
                let wanted = only.is_none_or(|only| only.contains(&rule.id.as_str()));
                (wanted && selection.is_enabled(rule)).then_some(rule)
            })
            .collect();
        Self { rules }
    }

    /// The rule with this id, when enabled.
    pub(crate) fn get(&self, id: &str) -> Option<&'static Rule> {
        slot(id).and_then(|i| self.rules.get(i).copied().flatten())
    }
}

/// Whether a rule offers fixes, and how trustworthy they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    Safe,
    Unsafe,
    DisplayOnly,
    /// Sometimes safe (e.g. deleting an unused import of a removed name), otherwise diagnostic only.
    Sometimes,
    None,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::DisplayOnly => "display-only",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::None => "none",
        }
    }
    /// The applicability of this rule's ordinary fix.
    pub fn applicability(self) -> Applicability {
        match self {
            FixAvailability::Unsafe => Applicability::Unsafe,
            FixAvailability::DisplayOnly => Applicability::DisplayOnly,
            _ => Applicability::Safe,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub example: String,
    pub use_instead: String,
    pub fix_safety: String,
    #[serde(default)]
    pub known_problems: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Match {
    /// The name itself and everything below it (`kfp.v2.dsl` matches `kfp.v2.dsl.component`).
    #[default]
    Prefix,
    /// Only the name itself.
    Exact,
}

/// One row of a rule's qualified-name table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableEntry {
    /// The v1 qualified name (module or object).
    pub from: String,
    /// The v2 qualified name; `builtins.X` means the builtin `X`; absent means removed (diagnostic only).
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default, rename = "match")]
    pub matching: Match,
    /// What to do instead, for removed names (appended to the message).
    #[serde(default)]
    pub guidance: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordRename {
    /// Qualified name of the callee.
    pub callee: String,
    pub from: String,
    pub to: String,
}

/// A v1 task method that became a function taking the task (`op.set_timeout(s)` →
/// `kubernetes.set_timeout(op, s)`), listed as data in a rule's `method_moves`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodMove {
    /// The v1 method, on the op or on `op.container`.
    pub method: String,
    /// The v1 parameters in order: positional arguments are named by them.
    pub params: Vec<String>,
    /// The qualified name of the function it becomes; the task is its first argument.
    pub to: String,
    /// The function's keyword for each v1 parameter, in the same order.
    pub keywords: Vec<String>,
    /// Only calls with exactly this many arguments (kfp 2 kept a same-named method with another meaning).
    #[serde(default)]
    pub arity: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvalidExample {
    pub name: String,
    pub before: String,
    /// The exact text after `--fix --unsafe-fixes`; absent when the rule gives a diagnostic only.
    #[serde(default)]
    pub after: Option<String>,
    /// Whether `before`/`after` are complete programs the oracle tests compile (default true).
    #[serde(default = "yes")]
    pub oracle: bool,
    /// How many diagnostics of this rule `before` must produce (default 1).
    #[serde(default = "one")]
    pub count: usize,
    /// Set when kfp 1.8.22 itself rejects `before` (the construct was already broken in the last v1 release,
    /// or `before` is kfp 2 code for a modernisation rule): text the kfp 1 oracle's error must contain. The
    /// oracle test checks the claim.
    #[serde(default)]
    pub v1_error: Option<String>,
    /// Other files of the example's project, by path relative to the example's folder: rules that look across
    /// files (KFP016) are checked on the whole project, with `before` as `example.py`.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidExample {
    pub name: String,
    pub code: String,
    /// Other files of the example's project (see `InvalidExample::files`).
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub invalid: Vec<InvalidExample>,
    pub valid: Vec<ValidExample>,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}

/// A rule as described by its data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub family: String,
    pub severity: Severity,
    /// Message template; `{name}` is the v1 qualified name, `{replacement}` the v2 one, `{guidance}` the table
    /// entry's guidance.
    pub message: String,
    pub fix_title: String,
    pub fix: FixAvailability,
    /// The code that reports the rule: a function (`python::handlers::compiler::package_path`, under `src/`), or
    /// `data …` with the function that interprets the rule's data (`table`, `keyword_renames`,
    /// `method_moves`).
    pub handler: Handler,
    pub docs: Docs,
    #[serde(default)]
    pub table: Vec<TableEntry>,
    #[serde(default)]
    pub keyword_renames: Vec<KeywordRename>,
    #[serde(default)]
    pub method_moves: Vec<MethodMove>,
    pub examples: Examples,
    /// Off unless selected explicitly (or, with `min_kfp`, by a `--target-version` at or above it).
    #[serde(default)]
    pub opt_in: bool,
    /// The first kfp release the rule's fix may rely on (`"2.4"`); the rule is off for older targets.
    #[serde(default)]
    pub min_kfp: Option<String>,
    #[serde(skip)]
    pub min_version: Option<crate::settings::KfpVersion>,
    #[serde(skip)]
    pub path: String,
    #[serde(skip)]
    pub code: &'static str,
}

/// Where a rule is implemented, as its file names it: `module::path::function`, or `data module::path::function`
/// for a rule that is data interpreted by that function.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Handler {
    /// The rule is data (`table`, `keyword_renames`, `method_moves`) that `function` interprets.
    pub data: bool,
    /// The module, as a path under `src/` (`python::handlers::compiler`).
    pub module: String,
    pub function: String,
}

impl Handler {
    /// The source file of the handler's module: `src/<module>.rs`, or `src/<module>/mod.rs` for a module that
    /// is a folder (a large rule, such as KFP201's conversion), as the source tree the binary was built from
    /// has it.
    pub fn source_file(&self) -> String {
        let path = self.module.replace("::", "/");
        let folder = format!("src/{path}/mod.rs");
        if std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(&folder)
            .is_file()
        {
            folder
        } else {
            format!("src/{path}.rs")
        }
    }
}

impl TryFrom<String> for Handler {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let (data, path) = match text.strip_prefix("data ") {
            Some(path) => (true, path),
            None => (false, text.as_str()),
        };
        let is_ident = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        match path.rsplit_once("::") {
            Some((module, function)) if module.split("::").all(is_ident) && is_ident(function) => {
                Ok(Self {
                    data,
                    module: module.to_string(),
                    function: function.to_string(),
                })
            }
            _ => Err(format!(
                "handler `{text}`: expected `module::path::function` or `data module::path::function`"
            )),
        }
    }
}

impl crate::settings::Selectable for Rule {
    fn id(&self) -> &str {
        &self.id
    }
    fn opt_in(&self) -> bool {
        self.opt_in
    }
    fn min_version(&self) -> Option<crate::settings::KfpVersion> {
        self.min_version
    }
}

/// A finding's severity: its own, else its rule's (error for a rule the registry does not know).
pub fn severity_of(d: &Diagnostic) -> Severity {
    d.severity
        .or_else(|| registry().get(d.rule).map(|r| r.severity))
        .unwrap_or(Severity::Error)
}

/// Fills `{key}` placeholders of a message or fix-title template.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (key, value) in vars {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

impl Rule {
    /// The rule's message with `vars` filled in.
    pub fn message_with(&self, vars: &[(&str, &str)]) -> String {
        fill(&self.message, vars)
    }

    /// The rule's fix title with `vars` filled in.
    pub fn fix_title_with(&self, vars: &[(&str, &str)]) -> String {
        fill(&self.fix_title, vars)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{path}: {source}")]
    Parse {
        path: String,
        source: serde_yaml::Error,
    },
    #[error("{path}: {source}")]
    ParseJson {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// All rules, sorted by id.
pub struct Registry {
    pub rules: Vec<Rule>,
    by_id: HashMap<String, usize>,
}

impl Registry {
    /// The registry of rule files as written (YAML).
    pub fn parse(files: &[(&str, &'static str)]) -> Result<Self, RegistryError> {
        Self::build(files, |path, text| {
            serde_yaml::from_str(text).map_err(|source| RegistryError::Parse {
                path: path.to_string(),
                source,
            })
        })
    }

    /// The registry of rule files converted to JSON at build time (the same data, parsed much faster).
    pub fn parse_json(files: &[(&str, &'static str)]) -> Result<Self, RegistryError> {
        Self::build(files, |path, text| {
            serde_json::from_str(text).map_err(|source| RegistryError::ParseJson {
                path: path.to_string(),
                source,
            })
        })
    }

    fn build(
        files: &[(&str, &'static str)],
        read: impl Fn(&str, &str) -> Result<Rule, RegistryError>,
    ) -> Result<Self, RegistryError> {
        let mut rules = Vec::new();
        for (path, text) in files {
            let mut rule = read(path, text)?;
            rule.path = path.to_string();
            if let Some(min) = &rule.min_kfp {
                rule.min_version = Some(min.parse().map_err(|message| RegistryError::Invalid {
                    path: path.to_string(),
                    message: format!("min_kfp: {message}"),
                })?);
            }
            validate(&rule)?;
            rules.push(rule);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let mut by_id = HashMap::default();
        for (i, rule) in rules.iter_mut().enumerate() {
            if by_id.insert(rule.id.clone(), i).is_some() {
                return Err(RegistryError::Invalid {
                    path: rule.path.clone(),
                    message: format!("duplicate id {}", rule.id),
                });
            }
            // Diagnostics carry `&'static str` ids: the generated constant's, or (a registry of other files,
            // in tests) one that lives as long as the process.
            rule.code = match id::ALL.iter().find(|c| **c == rule.id) {
                Some(code) => code,
                None => Box::leak(rule.id.clone().into_boxed_str()),
            };
        }
        Ok(Self { rules, by_id })
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        // Rules look themselves up by their canonical id on every node: only user input needs upper-casing.
        let index = match self.by_id.get(id) {
            Some(i) => Some(i),
            None if id.bytes().any(|b| b.is_ascii_lowercase()) => {
                self.by_id.get(&id.to_ascii_uppercase())
            }
            None => None,
        };
        index.map(|i| &self.rules[*i])
    }
}

fn validate(rule: &Rule) -> Result<(), RegistryError> {
    let bad = |message: String| {
        Err(RegistryError::Invalid {
            path: rule.path.clone(),
            message,
        })
    };
    let id_ok = rule.id.len() == 6
        && rule.id.starts_with("KFP")
        && rule.id[3..].chars().all(|c| c.is_ascii_digit());
    if !id_ok {
        return bad(format!("id `{}` is not of the form KFPnnn", rule.id));
    }
    let file_name = rule.path.rsplit('/').next().unwrap_or_default();
    if file_name != format!("{}-{}.yaml", rule.id, rule.name) {
        return bad(format!(
            "file must be named `{}-{}.yaml`",
            rule.id, rule.name
        ));
    }
    if !rule
        .name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return bad(format!("name `{}` is not kebab-case", rule.name));
    }
    if let Some(m) = rule
        .method_moves
        .iter()
        .find(|m| m.params.len() != m.keywords.len())
    {
        return bad(format!(
            "method_moves `{}`: params and keywords differ in length",
            m.method
        ));
    }
    if rule.examples.invalid.is_empty() || rule.examples.valid.is_empty() {
        return bad("a rule needs at least one invalid and one valid example".into());
    }
    Ok(())
}

/// The rule files as written, for tools that show or check them.
pub fn rule_files() -> &'static [(&'static str, &'static str)] {
    embedded::RULE_FILES
}

/// The registry of the rules embedded in this binary.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| match Registry::parse_json(embedded::RULE_JSON) {
        Ok(r) => r,
        // The rule files are part of the binary and checked by the test suite: a failure here is a build defect.
        Err(e) => panic!("embedded rule data is invalid: {e}"),
    })
}

#[cfg(test)]
mod embedded_tests {
    use super::*;

    /// The JSON the binary reads at start-up is the same data as the YAML files as written.
    #[test]
    fn json_registry_equals_the_yaml_registry() {
        let yaml = Registry::parse(rule_files()).expect("the YAML rule files parse");
        let json = Registry::parse_json(embedded::RULE_JSON).expect("the JSON rule data parses");
        assert!(!yaml.rules.is_empty());
        assert_eq!(format!("{:?}", yaml.rules), format!("{:?}", json.rules));
    }
}
