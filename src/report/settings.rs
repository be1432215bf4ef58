//! `check --show-settings`: the resolved settings as a TOML document.
//!
//! The top-level keys and the `[per-file-ignores]` and `[component-urls]` tables are configuration keys, spelt
//! as in `kfp-upgrade.toml`, so they can be pasted into one. What only the command line sets (the paths, the
//! fix mode, the output format) and what is derived (the configuration file read, the enabled rules) is under
//! `[command-line]` and `[resolved]`, which a configuration file does not take.

use std::io::Write;

use toml::Value;

use crate::settings::{CheckSettings, FixMode};

/// A string as TOML (quoted and escaped), usable as a value or as a key.
fn string(s: &str) -> Value {
    Value::String(s.to_string())
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::Array(items.into_iter().map(|s| string(s.as_ref())).collect())
}

pub fn write(settings: &CheckSettings, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &settings.selection;
    writeln!(
        out,
        "# The settings kfp-upgrade resolved from the configuration file and the command line."
    )?;
    if s.select.is_empty() {
        writeln!(
            out,
            "select = [\"KFP\"]  # the default: every rule that is not opt-in"
        )?;
    } else {
        writeln!(out, "select = {}", strings(&s.select))?;
    }
    writeln!(out, "ignore = {}", strings(&s.ignore))?;
    writeln!(
        out,
        "exclude = {}  # extend-exclude included",
        strings(&settings.exclude)
    )?;
    writeln!(
        out,
        "target-version = {}{}",
        string(&s.target().to_string()),
        if s.target.is_none() {
            "  # the default"
        } else {
            ""
        }
    )?;
    writeln!(out, "respect-gitignore = {}", settings.respect_gitignore)?;
    let fetcher = s.component_urls.as_ref().and_then(|u| u.fetcher());
    writeln!(out, "fetch-components = {}", fetcher.is_some())?;

    writeln!(out, "\n[per-file-ignores]")?;
    for p in &settings.per_file_ignores {
        writeln!(out, "{} = {}", string(&p.pattern), strings(&p.rules))?;
    }

    writeln!(out, "\n[component-urls]")?;
    for (prefix, local) in s.component_urls.iter().flat_map(|u| u.map()) {
        // The scorer of a corpus probes the map before it writes the files: a missing one is marked, not fatal.
        let missing = if local.exists() {
            ""
        } else {
            "  # does not exist"
        };
        writeln!(
            out,
            "{} = {}{missing}",
            string(prefix),
            string(&local.display().to_string())
        )?;
    }

    writeln!(
        out,
        "\n# Set on the command line, not in a configuration file."
    )?;
    writeln!(out, "[command-line]")?;
    let paths = settings.paths.iter().map(|p| p.display().to_string());
    writeln!(out, "paths = {}", strings(paths))?;
    let fix = match settings.fix_mode {
        FixMode::None => "none",
        FixMode::Diff => "diff",
        FixMode::Apply => "apply",
    };
    writeln!(out, "fix = {}", string(fix))?;
    writeln!(out, "unsafe-fixes = {}", settings.unsafe_fixes)?;
    let format = clap::ValueEnum::to_possible_value(&settings.output_format)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    writeln!(out, "output-format = {}", string(&format))?;

    writeln!(out, "\n# What the settings amount to.")?;
    writeln!(out, "[resolved]")?;
    match &settings.config_file {
        Some(p) => writeln!(out, "config-file = {}", string(&p.display().to_string()))?,
        None => writeln!(out, "# config-file: none was read")?,
    }
    if let Some(f) = fetcher {
        match f.cache_location() {
            Some(d) => writeln!(
                out,
                "component-cache = {}",
                string(&d.display().to_string())
            )?,
            None => writeln!(out, "# component-cache: none")?,
        }
    }
    let enabled: Vec<&str> = crate::registry::registry()
        .rules
        .iter()
        .filter(|r| s.is_enabled(r))
        .map(|r| r.id.as_str())
        .collect();
    writeln!(out, "# {} rules", enabled.len())?;
    writeln!(out, "enabled-rules = {}", strings(enabled))
}
