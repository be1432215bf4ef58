//! A command's exit status, as ruff's: 0 clean, 1 findings remain, 2 errors.

use crate::report::Summary;
use crate::settings::{CheckSettings, FixMode};

/// Exit codes: 0 clean, 1 diagnostics remain (or `--diff` would change something), 2 errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

/// The exit status of a run: errors win; `--exit-non-zero-on-fix` fails a run that changed a file even under
/// `--exit-zero` (the pre-commit fix hook fails only when it rewrote something, like pyupgrade).
pub(crate) fn exit_status(settings: &CheckSettings, summary: &Summary) -> ExitStatus {
    let changed = summary.files_changed > 0;
    if summary.errors > 0 {
        ExitStatus::Error
    } else if settings.exit_non_zero_on_fix && settings.fix_mode == FixMode::Apply && changed {
        ExitStatus::Findings
    } else if settings.exit_zero {
        ExitStatus::Clean
    } else if summary.problems > 0 || (settings.fix_mode == FixMode::Diff && changed) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    }
}
