//! `check --show-files`: one line per discovered file, `check` or `skip` with the reason, then the counts.

use std::io::Write;

use crate::discover::{DiscoveredFile, FileKind};

/// Why a discovered file is not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Excluded,
    IgnoredByGit,
    NoKfp,
    NoDslCompile,
    NotAComponentSpec,
}

impl Reason {
    fn text(self) -> &'static str {
        match self {
            Reason::Excluded => "excluded by the exclude settings",
            Reason::IgnoredByGit => "ignored by git (.gitignore, .ignore)",
            Reason::NoKfp => "no \"kfp\" in it",
            Reason::NoDslCompile => "no `dsl-compile` in it",
            Reason::NotAComponentSpec => "not a component spec or compiled pipeline",
        }
    }
}

/// A discovered file and, when it is skipped, why.
pub(crate) struct Listed {
    pub file: DiscoveredFile,
    pub reason: Option<Reason>,
}

fn kind(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Python => "python",
        FileKind::Notebook => "notebook",
        FileKind::Shell => "shell/CI",
        FileKind::Yaml => "yaml",
        FileKind::Archive => "pipeline package",
    }
}

/// The list on `out` (one file a line, for scripts), the counts on `err`.
pub(crate) fn write(
    listed: &[Listed],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    for l in listed {
        let (path, kind) = (l.file.path.display(), kind(l.file.kind));
        match l.reason {
            None => writeln!(out, "check  {path} ({kind})")?,
            Some(why) => writeln!(out, "skip   {path} ({kind}): {}", why.text())?,
        }
    }
    let checked = listed.iter().filter(|l| l.reason.is_none()).count();
    writeln!(
        err,
        "{checked} file{} to check, {} skipped.",
        if checked == 1 { "" } else { "s" },
        listed.len() - checked
    )
}
