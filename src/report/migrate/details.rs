//! Every file's fixes and findings, in Markdown: the complete record beside the summary (`FILE.details.md`),
//! and what `migrate` prints when no `--report` file is given.

use super::model::MigrationReport;
use super::parts::{header, totals_table};

pub(crate) fn details(r: &MigrationReport) -> String {
    let mut s = header(r, "KFP SDK v1 → v2 migration report: every file");
    if !r.errors.is_empty() {
        s.push_str("## Files that could not be migrated\n\n");
        for e in &r.errors {
            s.push_str(&format!("- `{}`: {}\n", e.file, e.message));
        }
        s.push('\n');
    }
    s.push_str(
        "## Files\n\nFixes are placed at their line in the file before the migration, findings left at their \
         line in the migrated file.\n\n",
    );
    for f in &r.files {
        s.push_str(&format!("### `{}`\n\n", f.file));
        if !f.fixes.is_empty() {
            s.push_str("Fixes applied:\n\n");
            for x in &f.fixes {
                s.push_str(&format!(
                    "- line {} · {} · {} — {}\n",
                    x.line, x.rule, x.applicability, x.message
                ));
            }
            s.push('\n');
        }
        if !f.remaining.is_empty() {
            s.push_str("Needs a human:\n\n");
            for d in &f.remaining {
                s.push_str(&format!(
                    "- [ ] line {}:{} · {} — {}",
                    d.line, d.column, d.rule, d.message
                ));
                if let Some(g) = &d.guidance {
                    s.push_str(&format!(". **{g}**"));
                }
                if d.unsafe_fix_available {
                    s.push_str(" (an unsafe fix exists: `--unsafe-fixes`)");
                }
                if let Some(docs) = &d.docs {
                    s.push_str(&format!(" ([docs]({docs}))"));
                }
                s.push('\n');
            }
            s.push('\n');
        }
        for note in &f.notes {
            s.push_str(&format!("{}:\n\n{}\n\n", note.title, note.body.trim_end()));
        }
    }
    if let Some(verify) = &r.verify {
        s.push_str("## Verification: import and compile under kfp 2\n\n");
        if verify.is_empty() {
            s.push_str("No pipeline modules to verify.\n\n");
        }
        for v in verify {
            if v.ok {
                s.push_str(&format!(
                    "- ✅ `{}`: compiled {}\n",
                    v.file,
                    v.compiled.join(", ")
                ));
            } else {
                let error = v.error.as_deref().unwrap_or("failed");
                s.push_str(&format!(
                    "- ❌ `{}`:\n\n  ```text\n  {}\n  ```\n",
                    v.file,
                    error.replace('\n', "\n  ")
                ));
            }
        }
        s.push('\n');
    }
    s.push_str(&totals_table(r));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::migrate::{FileEntry, FileNote};

    #[test]
    fn a_file_note_is_shown_under_its_file_and_kept_in_the_json() {
        let mut report = MigrationReport {
            source: "src".into(),
            destination: "out".into(),
            tool_version: "0",
            target_kfp: "2.17".into(),
            unsafe_fixes: false,
            files_checked: 1,
            files_changed: 1,
            files: vec![],
            errors: vec![],
            totals: Default::default(),
            verify: None,
        };
        report.files.push(FileEntry {
            file: "p.py".into(),
            path: "p.py".into(),
            cell: None,
            fixes: vec![],
            remaining: vec![],
            notes: vec![FileNote {
                title: "The v1 spec of `train_op`".into(),
                body: "```yaml\nname: Train\n```\n".into(),
            }],
        });
        let text = details(&report);
        assert!(
            text.contains(
                "### `p.py`\n\nThe v1 spec of `train_op`:\n\n```yaml\nname: Train\n```\n\n"
            ),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&report.json().unwrap()).unwrap();
        assert_eq!(
            json["files"][0]["notes"][0]["title"],
            "The v1 spec of `train_op`"
        );
        // Without notes, the key is left out.
        report.files[0].notes.clear();
        assert!(!report.json().unwrap().contains("notes"));
    }
}
