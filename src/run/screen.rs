//! Screening a file before it is parsed: the bytes that make it worth reading, and the settings it is checked
//! with.

use std::borrow::Cow;
use std::path::Path;

use crate::settings::CheckSettings;

/// Bytes a file must contain to be worth parsing: files that never mention kfp are skipped unparsed.
pub(crate) const PREFILTER: &[u8] = b"kfp";

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
