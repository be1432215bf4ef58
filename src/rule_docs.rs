//! `kfp-upgrade rule ID`, `rule --all` and `kfp-upgrade rules`: rule documentation from the embedded data.

use std::io::Write;

use crate::registry::{Rule, registry};

/// A table of every rule: id, name, severity, fix availability.
pub fn write_table(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<7} {:<38} {:<8} {:<12} FAMILY",
        "ID", "NAME", "SEVERITY", "FIX"
    )?;
    for rule in &registry().rules {
        let opt_in = match (&rule.opt_in, &rule.min_kfp) {
            (true, Some(min)) => format!(" (opt-in, kfp ≥ {min})"),
            (true, None) => " (opt-in)".to_string(),
            (false, Some(min)) => format!(" (kfp ≥ {min})"),
            (false, None) => String::new(),
        };
        writeln!(
            out,
            "{:<7} {:<38} {:<8} {:<12} {}{opt_in}",
            rule.id,
            rule.name,
            rule.severity.as_str(),
            rule.fix.as_str(),
            rule.family
        )?;
    }
    Ok(())
}

/// `kfp-upgrade rule ID` / `rule --all`: the documentation of one rule (`false` when the id is unknown) or,
/// with `id` `None`, of every rule in id order; as text, or as JSON (an object, or an array of them, as
/// `ruff rule --output-format json` prints).
pub fn write_rules(out: &mut dyn Write, id: Option<&str>, json: bool) -> std::io::Result<bool> {
    let rules: Vec<&Rule> = match id {
        Some(id) => match registry().get(id) {
            Some(rule) => vec![rule],
            None => return Ok(false),
        },
        None => registry().rules.iter().collect(),
    };
    if json {
        let value = match rules.as_slice() {
            [one] if id.is_some() => to_json(one),
            all => serde_json::Value::Array(all.iter().map(|r| to_json(r)).collect()),
        };
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(true);
    }
    for (n, rule) in rules.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        out.write_all(render(rule).as_bytes())?;
    }
    Ok(true)
}

/// A rule's documentation as JSON: the keys of its data file (`rules/<family>/<id>-<name>.yaml`), plus the
/// text `rule ID` prints as `explanation`.
fn to_json(rule: &Rule) -> serde_json::Value {
    let d = &rule.docs;
    serde_json::json!({
        "id": rule.id,
        "name": rule.name,
        "family": rule.family,
        "severity": rule.severity.as_str(),
        "fix": rule.fix.as_str(),
        "message": rule.message,
        "fix_title": rule.fix_title,
        "opt_in": rule.opt_in,
        "min_kfp": rule.min_kfp,
        "docs": {
            "what": d.what,
            "why": d.why,
            "example": d.example,
            "use_instead": d.use_instead,
            "fix_safety": d.fix_safety,
            "known_problems": d.known_problems,
            "references": d.references,
        },
        "explanation": render(rule),
    })
}

/// Markdown-like text of a rule's documentation.
pub fn render(rule: &Rule) -> String {
    let d = &rule.docs;
    let mut s = format!("# {} ({})\n\n", rule.name, rule.id);
    s.push_str(&format!(
        "Family: {} · Severity: {} · Fix: {}",
        rule.family,
        rule.severity.as_str(),
        rule.fix.as_str()
    ));
    if rule.opt_in {
        s.push_str(" · Opt-in");
    }
    if let Some(min) = &rule.min_kfp {
        s.push_str(&format!(" · Needs --target-version ≥ {min}"));
    }
    s.push_str("\n\n");
    s.push_str(&format!("## What it does\n{}\n\n", d.what.trim_end()));
    s.push_str(&format!("## Why is this bad?\n{}\n\n", d.why.trim_end()));
    s.push_str(&format!(
        "## Example\n```python\n{}\n```\n\n",
        d.example.trim_end()
    ));
    s.push_str(&format!(
        "## Use instead\n```python\n{}\n```\n\n",
        d.use_instead.trim_end()
    ));
    s.push_str(&format!("## Fix safety\n{}\n\n", d.fix_safety.trim_end()));
    if let Some(k) = &d.known_problems {
        s.push_str(&format!("## Known problems\n{}\n\n", k.trim_end()));
    }
    if !rule.table.is_empty() {
        s.push_str("## Names\n");
        for e in &rule.table {
            let to = match (&e.to, &e.guidance) {
                (Some(t), _) => format!("`{}`", t.trim_start_matches("builtins.")),
                (None, Some(g)) => g.clone(),
                (None, None) => "removed".into(),
            };
            s.push_str(&format!("- `{}` → {to}\n", e.from));
        }
        s.push('\n');
    }
    s.push_str(&implementation(rule));
    if !d.references.is_empty() {
        s.push_str("## References\n");
        for r in &d.references {
            s.push_str(&format!("- {r}\n"));
        }
        s.push('\n');
    }
    s
}

/// Where the rule lives in this repository: its data file, its handler, and the tests that prove it.
fn implementation(rule: &Rule) -> String {
    let h = &rule.handler;
    let handler = if h.data {
        let data: Vec<&str> = [
            ("table", !rule.table.is_empty()),
            ("keyword_renames", !rule.keyword_renames.is_empty()),
            ("method_moves", !rule.method_moves.is_empty()),
        ]
        .iter()
        .filter(|(_, used)| *used)
        .map(|(name, _)| *name)
        .collect();
        format!(
            "data (`{}`) interpreted by `{}` in {}",
            data.join("`, `"),
            h.function,
            h.source_file()
        )
    } else {
        format!("`{}` in {}", h.function, h.source_file())
    };
    format!(
        "## Implementation\n- Data: {}\n- Handler: {handler}\n- Tests: the data file's examples, run by \
         tests/it/rule_examples.rs; the rendered diagnostics of its invalid examples, tests/snapshots/{}__{}.snap\n\n",
        rule.path, rule.id, rule.name
    )
}
