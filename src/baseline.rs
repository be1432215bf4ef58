//! Baselines: adopt the CI gate before the migration is finished.
//!
//! `--write-baseline FILE` records today's findings; `--baseline FILE` then reports only findings that are not
//! in it, so the gate fails on new v1 code alone. An entry is keyed on the file (relative to the baseline's
//! folder, so the gate can run from anywhere), the rule and a hash of the flagged source — the flagged text
//! and the line it sits on, whitespace collapsed — never on line numbers: code above it can move and an entry
//! still matches. Identical findings in one file are counted. Entries that no longer match anything are
//! *stale* (the code was migrated): they are reported so the file can be rewritten and shrinks as the
//! migration proceeds.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::report::RunReport;
use crate::source::SourceFile;

pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the baseline file's folder, with `/` separators.
    pub file: String,
    pub rule: String,
    /// FNV-1a 64 of the flagged source (hex): stable across runs, platforms and releases.
    pub hash: String,
    /// How many identical findings the file had.
    #[serde(default = "one")]
    pub count: usize,
    /// The flagged line, for a reader of the file (not used for matching).
    #[serde(default)]
    pub source: String,
}

fn one() -> usize {
    1
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid baseline {path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("baseline {path} has version {found}; this kfp-upgrade reads version {VERSION}")]
    Version { path: PathBuf, found: u32 },
    #[error("cannot write baseline {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What applying a baseline did.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings hidden because the baseline knows them.
    pub known: usize,
    /// Baseline entries (with the number of findings each is short of) that matched nothing.
    pub stale: Vec<(Entry, usize)>,
}

/// FNV-1a, 64 bits: a published, stable hash (baseline keys and report fingerprints must not change between
/// releases or platforms, which `std`'s hashers do not promise).
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key of a finding: rule, flagged text and the line it starts on, whitespace collapsed so re-indenting
/// or re-wrapping around it keeps the entry.
fn key_of(source: &SourceFile, d: &Diagnostic) -> (String, String) {
    let range = d.range.start.min(source.text.len())..d.range.end.min(source.text.len());
    let flagged = source.text.get(range).unwrap_or("");
    let line = source
        .text
        .get(source.line_range(d.range.start))
        .unwrap_or("");
    let material = format!(
        "{}\0{}\0{}",
        d.rule,
        collapse_whitespace(flagged),
        collapse_whitespace(line)
    );
    (
        format!("{:016x}", fnv1a(material.as_bytes())),
        line.trim().to_string(),
    )
}

/// A finding's position-independent key (as recorded in a baseline): stable while code moves around.
pub(crate) fn finding_key(source: &SourceFile, d: &Diagnostic) -> String {
    key_of(source, d).0
}

/// `path` relative to `base` with `/` separators; the path as given when it is not below `base`.
fn relative(path: &Path, base: &Path) -> String {
    let absolute = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let path_abs = match path.parent() {
        // The file may not exist (`--stdin-filename`): resolve its folder.
        Some(parent) if !path.exists() => absolute(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
        .join(path.file_name().unwrap_or_default()),
        _ => absolute(path),
    };
    // Walk up from `base` to the common ancestor, then down to the file.
    let base_abs = absolute(base);
    let from: Vec<Component> = base_abs.components().collect();
    let to: Vec<Component> = path_abs.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Nothing in common (another drive): keep the path as given.
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to[common..].iter().filter_map(|c| match c {
        Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
        _ => None,
    }));
    parts.join("/")
}

fn folder_of(baseline: &Path) -> PathBuf {
    match baseline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The baseline of a run's current findings.
pub fn from_report(report: &RunReport, baseline_path: &Path) -> Baseline {
    let base = folder_of(baseline_path);
    // Created now so paths are resolved against the real folder; `write` would create it anyway.
    let _ = std::fs::create_dir_all(&base);
    let mut counts: BTreeMap<(String, String, String), (usize, String)> = BTreeMap::new();
    for file in &report.files {
        let rel = relative(Path::new(&file.shown_path()), &base);
        for d in &file.diagnostics {
            let (hash, line) = key_of(&file.source, d);
            let e = counts
                .entry((rel.clone(), d.rule.to_string(), hash))
                .or_insert((0, line));
            e.0 += 1;
        }
    }
    Baseline {
        version: VERSION,
        entries: counts
            .into_iter()
            .map(|((file, rule, hash), (count, source))| Entry {
                file,
                rule,
                hash,
                count,
                source,
            })
            .collect(),
    }
}

pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let baseline: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if baseline.version != VERSION {
        return Err(BaselineError::Version {
            path: path.to_path_buf(),
            found: baseline.version,
        });
    }
    Ok(baseline)
}

/// Writes the baseline atomically (a temporary file beside it, then a rename): an interrupted run never
/// leaves a truncated baseline that would let every finding through.
pub fn write(baseline: &Baseline, path: &Path) -> Result<(), BaselineError> {
    let err = |source| BaselineError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut text = serde_json::to_string_pretty(baseline).map_err(|e| err(e.into()))?;
    text.push('\n');
    let folder = folder_of(path);
    std::fs::create_dir_all(&folder).map_err(err)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&folder).map_err(err)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Drops the findings the baseline knows from `report`; returns how many and which entries are stale.
pub fn apply(baseline: &Baseline, baseline_path: &Path, report: &mut RunReport) -> Applied {
    let base = folder_of(baseline_path);
    let mut remaining: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for e in &baseline.entries {
        *remaining
            .entry((e.file.clone(), e.rule.clone(), e.hash.clone()))
            .or_default() += e.count;
    }
    let mut applied = Applied::default();
    for file in &mut report.files {
        let rel = relative(Path::new(&file.shown_path()), &base);
        let source = &file.source;
        file.diagnostics.retain(|d| {
            let (hash, _) = key_of(source, d);
            match remaining.get_mut(&(rel.clone(), d.rule.to_string(), hash)) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    applied.known += 1;
                    false
                }
                _ => true,
            }
        });
    }
    for e in &baseline.entries {
        let key = (e.file.clone(), e.rule.clone(), e.hash.clone());
        if let Some(n) = remaining.get_mut(&key)
            && *n > 0
        {
            // Entries sharing a key (a hand-edited file) each take their share of what is left over.
            let short = (*n).min(e.count);
            *n -= short;
            applied.stale.push((e.clone(), short));
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::id;

    #[test]
    fn fnv_is_the_published_function() {
        // Test vectors of FNV-1a 64.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn keys_ignore_position_and_indentation_but_not_the_text() {
        let a = SourceFile::new(
            Path::new("a.py"),
            "x\nfrom kfp.v2 import dsl\n".into(),
            false,
        );
        let b = SourceFile::new(
            Path::new("a.py"),
            "\n\n  from  kfp.v2 import dsl\n".into(),
            false,
        );
        let c = SourceFile::new(
            Path::new("a.py"),
            "from kfp.v2 import dsl as d\n".into(),
            false,
        );
        let at = |s: &SourceFile| {
            let start = s.text.find("kfp.v2").unwrap();
            Diagnostic::new(id::KFP001, start..start + 6, "m")
        };
        assert_eq!(key_of(&a, &at(&a)).0, key_of(&b, &at(&b)).0);
        assert_ne!(key_of(&a, &at(&a)).0, key_of(&c, &at(&c)).0);
        assert_eq!(key_of(&a, &at(&a)).1, "from kfp.v2 import dsl");
    }
}
