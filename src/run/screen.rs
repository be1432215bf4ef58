//! Screening a file before it is parsed: the bytes that make it worth reading, and the settings it is checked
//! with.

use std::borrow::Cow;
use std::path::Path;

use crate::discover::FileKind;
use crate::settings::CheckSettings;
use crate::{shell, yaml};

/// Bytes a file must contain to be worth parsing: files that never mention kfp are skipped unparsed.
pub(crate) const PREFILTER: &[u8] = b"kfp";

/// Why a discovered file is not parsed: its bytes hold nothing a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unread {
    /// Python or a notebook that never mentions kfp.
    NoKfp,
    /// A shell or CI file without the `dsl-compile` command.
    NoDslCompile,
    /// YAML or JSON that is neither a component spec nor a compiled pipeline.
    NotAComponentSpec,
}

/// Whether a file of `kind` with these bytes is worth parsing, and if not, why.
pub(crate) fn screen(kind: FileKind, bytes: &[u8]) -> Result<(), Unread> {
    let (worth_reading, why) = match kind {
        FileKind::Python | FileKind::Notebook => (contains(bytes, PREFILTER), Unread::NoKfp),
        FileKind::Shell => (contains(bytes, shell::PREFILTER), Unread::NoDslCompile),
        FileKind::Yaml => (yaml::is_candidate(bytes), Unread::NotAComponentSpec),
        // A package is reported by its name (KFP601), never opened.
        FileKind::Archive => return Ok(()),
    };
    if worth_reading { Ok(()) } else { Err(why) }
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    // Every file of a tree goes through this prefilter: a vectorised search, not a byte-by-byte window.
    memchr::memmem::find(haystack, needle).is_some()
}

/// The settings a file is checked with: `per-file-ignores` turn those rules off for it.
pub(crate) fn file_settings<'s>(
    settings: &'s CheckSettings,
    path: &Path,
) -> Cow<'s, CheckSettings> {
    let ignored = settings.per_file_ignored(path);
    if ignored.is_empty() {
        return Cow::Borrowed(settings);
    }
    let mut narrowed = settings.clone();
    narrowed.selection.ignore.extend(ignored);
    Cow::Owned(narrowed)
}
