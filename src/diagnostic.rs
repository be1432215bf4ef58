//! What a rule reports: a diagnostic at a byte range, with an optional fix made of byte-range edits.

use std::ops::Range;

use serde::Serialize;

/// How much a fix can be trusted. Ordered from most to least trustworthy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Same behaviour under kfp 2 as under kfp 1: applied by `--fix`.
    Safe,
    /// Changes names, types or run-time behaviour: applied only with `--unsafe-fixes`.
    Unsafe,
    /// Shown to the user (`--diff`, JSON) but never applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `range` of the original text with `content`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
    /// An insertion that may share its offset with other stackable insertions in one fix round (applied in
    /// the order their fixes are taken): self-contained blocks such as a new module-level function. Other
    /// insertions at one offset wait for the next round, where their rule sees what the first one did.
    #[serde(skip)]
    pub stackable: bool,
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Self {
        Self {
            range,
            content: content.into(),
            stackable: false,
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Self {
            range: at..at,
            content: content.into(),
            stackable: false,
        }
    }
    /// An insertion that stacks with other stackable insertions at the same offset (see `stackable`).
    pub fn stacked_insert(at: usize, content: impl Into<String>) -> Self {
        Self {
            stackable: true,
            ..Self::insert(at, content)
        }
    }
    pub fn delete(range: Range<usize>) -> Self {
        Self {
            stackable: false,
            range,
            content: String::new(),
        }
    }
}

/// A set of edits applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// Sorted by start offset, non-overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(applicability: Applicability, mut edits: Vec<Edit>) -> Self {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        edits.dedup();
        Self {
            applicability,
            edits,
        }
    }

    /// The smallest range that covers every edit.
    pub fn span(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.range.end).max().unwrap_or(0);
        start..end
    }

    /// Whether the fix's edits overlap each other (a rule bug; such a fix is never applied).
    pub fn is_well_formed(&self) -> bool {
        self.edits
            .windows(2)
            .all(|w| w[0].range.end <= w[1].range.start || w[0].range == w[1].range)
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Breaks under kfp 2.
    Error,
    /// Deprecated in kfp 2, still works.
    Warning,
    /// Advisory.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding of one rule.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule id, e.g. `KFP001`.
    pub rule: &'static str,
    pub range: Range<usize>,
    pub message: String,
    /// The fix title (shown as `help:`), present even when no automatic fix exists.
    pub fix_title: Option<String>,
    pub fix: Option<Fix>,
    /// This finding's severity when it differs from its rule's (one rule, cases of unequal weight: a `.json`
    /// output only warns under kfp 2, an archive output raises).
    pub severity: Option<Severity>,
}

impl Diagnostic {
    pub fn new(rule: &'static str, range: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            rule,
            range,
            message: message.into(),
            fix_title: None,
            fix: None,
            severity: None,
        }
    }
    /// Overrides the rule's severity for this finding.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
    pub fn with_fix_title(mut self, title: impl Into<String>) -> Self {
        self.fix_title = Some(title.into());
        self
    }
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }
    pub fn applicability(&self) -> Option<Applicability> {
        self.fix.as_ref().map(|f| f.applicability)
    }
}
