//! The header and the totals table the summary and the details both begin with.

use super::model::MigrationReport;

/// The header both Markdown renderings open with.
pub(super) fn header(r: &MigrationReport, title: &str) -> String {
    let mut s = format!("# {title}\n\n");
    s.push_str(&format!(
        "Migrated `{}` → `{}` with kfp-upgrade {} for kfp {} ({}).\n\n",
        r.source,
        r.destination,
        r.tool_version,
        r.target_kfp,
        if r.unsafe_fixes {
            "safe and unsafe fixes"
        } else {
            "safe fixes only"
        }
    ));
    s.push_str(&format!(
        "**{} files checked, {} changed; {} fixes applied; {} findings in {} files need a human; {} files could \
         not be migrated.**\n\n",
        r.files_checked,
        r.files_changed,
        r.fixes(),
        r.left(),
        r.needing_a_human().len(),
        r.errors.len()
    ));
    s
}

/// The table of totals per rule.
pub(super) fn totals_table(r: &MigrationReport) -> String {
    if r.totals.is_empty() {
        return "## Totals per rule\n\nNo findings.\n\n".to_string();
    }
    let mut s = String::from(
        "## Totals per rule\n\n| rule | name | fixed (safe) | fixed (unsafe) | left |\n|---|---|---|---|---|\n",
    );
    for (rule, t) in &r.totals {
        s.push_str(&format!(
            "| {rule} | {} | {} | {} | {} |\n",
            t.name, t.fixed_safe, t.fixed_unsafe, t.remaining
        ));
    }
    s.push('\n');
    s
}
