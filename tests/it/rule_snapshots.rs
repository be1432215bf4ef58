//! Every rule's invalid examples, rendered as users see them: the full (rustc-style) report of the rule's
//! diagnostics on each `before` (message, range, fix state, `help:` fix title), one insta snapshot per rule at
//! `tests/snapshots/<id>__<name>.snap`. Find a rule's with `ls tests/snapshots | grep KFP204`.
//!
//! A changed rendering fails the test and, outside CI, leaves `<file>.snap.new` beside the snapshot. Accept
//! the change with `INSTA_UPDATE=always cargo test --test it rule_snapshots::` and review it with
//! `git diff tests/snapshots`. Under `CI=true` nothing is written and a missing or changed snapshot fails.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use kfp_upgrade::registry::{Rule, registry};
use kfp_upgrade::report::{FileReport, RunReport, full};

use crate::rule_examples::diagnostics_of;

const SNAPSHOTS: &str = "tests/snapshots";

/// The snapshot of one rule: a header per invalid example, then its diagnostics in the full format, without
/// colours.
fn rendered(rule: &Rule) -> String {
    let mut text = String::new();
    for ex in &rule.examples.invalid {
        text.push_str(&format!("── invalid example `{}` ──\n", ex.name));
        match diagnostics_of(rule, &ex.before, &ex.files) {
            Ok((source, diagnostics)) => {
                let report = RunReport {
                    files: vec![FileReport::unchanged(source, diagnostics)],
                    ..RunReport::default()
                };
                let mut out = Vec::new();
                full::write(&mut out, &report, false).unwrap();
                text.push_str(&String::from_utf8(out).unwrap());
            }
            Err(e) => text.push_str(&format!("does not parse: {e}\n")),
        }
        if !text.ends_with("\n\n") {
            text.push('\n');
        }
    }
    text
}

fn snapshot_name(rule: &Rule) -> String {
    format!("{}__{}", rule.id, rule.name)
}

#[test]
fn every_rule_renders_its_invalid_examples_as_snapshotted() {
    let mut changed = Vec::new();
    for rule in registry()
        .rules
        .iter()
        .filter(|r| !r.examples.invalid.is_empty())
    {
        let text = rendered(rule);
        let name = snapshot_name(rule);
        // One failure must not hide the others: each rule's assertion reports (and, outside CI, writes its
        // `.snap.new`) on its own.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "../snapshots",
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("{} {}: the full report of each invalid example of {}", rule.id, rule.name, rule.path),
            }, {
                insta::assert_snapshot!(name.as_str(), text);
            });
        }));
        if outcome.is_err() {
            changed.push(name);
        }
    }
    assert!(
        changed.is_empty(),
        "{} rule snapshots differ or are missing: {changed:?}\naccept with `INSTA_UPDATE=always cargo test \
         --test it rule_snapshots::`, then review `git diff {SNAPSHOTS}`",
        changed.len()
    );
}

/// A snapshot whose rule is gone (or renamed, or without invalid examples) is deleted, not left behind.
#[test]
fn every_snapshot_belongs_to_a_rule() {
    let expected: BTreeSet<String> = registry()
        .rules
        .iter()
        .filter(|r| !r.examples.invalid.is_empty())
        .map(|r| format!("{}.snap", snapshot_name(r)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOTS);
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap") && !expected.contains(n))
        .collect();
    assert!(
        stale.is_empty(),
        "{SNAPSHOTS} holds snapshots of no rule (delete them): {stale:?}"
    );
}
