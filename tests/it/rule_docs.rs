//! Rule docs stand alone: `kfp-upgrade rule ID` prints each rule's docs to users, so they cite public sources
//! (kfp source files at a tagged version, kfp docs, kfp-kubernetes), never the project's internal reference
//! document, and every link is an `https://` URL of a known public host.
//!
//! Links into kubeflow/pipelines must be pinned to the SDK revisions the rules are verified against: tag
//! `sdk-2.17.3`, and for kfp 1 the `sdk/release-1.8` branch, which kfp 1.8.22 (its last release) was cut from
//! and which kubeflow.org's own v1 pages link; with the oracle venvs at hand, each linked file is also checked to exist in the installed
//! kfp 1.8.22, kfp 2.17.3 and kfp-kubernetes 2.17.3 packages (the wheels are built from those paths).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::oracle::{Kfp, python};
use serde_yaml::Value;

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Files under `dir` (relative to the crate root) whose name ends with `ext`, sorted.
fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(manifest_dir().join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(ext))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn rule_files() -> Vec<PathBuf> {
    let out = files("rules", ".yaml");
    assert!(
        out.len() > 80,
        "expected the rule data files under rules/, found {}",
        out.len()
    );
    out
}

/// The ways a citation of the internal reference document has been spelled. Built at run time so that this
/// file does not match itself.
fn internal_citations() -> Vec<String> {
    let section = '\u{a7}';
    vec![
        format!("reference {section}"),
        "reference section".to_string(),
        "kfp-v1-to-v2.md".to_string(),
        "shared/reference".to_string(),
    ]
}

/// Where `text` cites the internal reference (lower-cased needle found), as `line: text` strings.
fn internal_citations_in(text: &str) -> Vec<String> {
    let needles = internal_citations();
    let section = '\u{a7}';
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.to_lowercase();
            needles.iter().any(|n| l.contains(n.as_str())) || l.contains(section)
        })
        .map(|(i, l)| format!("{}: {}", i + 1, l.trim()))
        .collect()
}

/// Hosts (and, for github.com, owners) a rule's docs may link to.
const ALLOWED_PREFIXES: &[&str] = &[
    "https://github.com/kubeflow/",
    "https://www.kubeflow.org/docs/",
    "https://kubeflow.org/docs/",
    "https://kubeflow-pipelines.readthedocs.io/",
    "https://kfp-kubernetes.readthedocs.io/",
    "https://pypi.org/project/",
    "https://cloud.google.com/vertex-ai/docs/",
    "https://docs.python.org/3/",
    "https://github.com/astral-sh/ruff/",
    "https://docs.astral.sh/ruff/",
];

/// The kubeflow/pipelines revisions a link may name: the SDK releases the rules are verified against (kfp 1.8.22
/// is the tip of the `sdk/release-1.8` branch).
const PINNED_KFP_PREFIXES: &[&str] = &[
    "https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/",
    "https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/",
    "https://github.com/kubeflow/pipelines/tree/sdk/release-1.8/",
    "https://github.com/kubeflow/pipelines/tree/sdk-2.17.3/",
];

/// Every `http://` or `https://` URL in `text`, up to whitespace, a quote, `>`, `)` or a trailing `.`/`,`/`;`.
fn urls(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(i) = rest.find("http") {
        let tail = &rest[i..];
        if tail.starts_with("https://") || tail.starts_with("http://") {
            let end = tail
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | '`')
                })
                .unwrap_or(tail.len());
            let url = tail[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push(url.to_string());
            rest = &tail[end..];
        } else {
            rest = &tail[4..];
        }
    }
    out
}

/// Why `url` may not appear in a rule's docs, or `None` when it may.
fn url_problem(url: &str) -> Option<String> {
    if !url.starts_with("https://") {
        return Some("not an https:// URL".into());
    }
    if !ALLOWED_PREFIXES.iter().any(|p| url.starts_with(p)) {
        return Some(format!("host not in the allowed list {ALLOWED_PREFIXES:?}"));
    }
    if url.starts_with("https://github.com/kubeflow/pipelines/")
        && !PINNED_KFP_PREFIXES.iter().any(|p| url.starts_with(p))
    {
        return Some(format!(
            "kubeflow/pipelines links must name a verified tag: {PINNED_KFP_PREFIXES:?}"
        ));
    }
    None
}

/// The prose of a rule's `docs:` (everything but the `example` / `use_instead` code) and its references.
fn docs_prose(path: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let docs = doc
        .get("docs")
        .unwrap_or_else(|| panic!("{}: no docs", path.display()));
    let mut prose = vec![];
    for key in ["what", "why", "fix_safety", "known_problems"] {
        if let Some(s) = docs.get(key).and_then(Value::as_str) {
            prose.push((key.to_string(), s.to_string()));
        }
    }
    let references: Vec<String> = docs
        .get("references")
        .and_then(Value::as_sequence)
        .map(|seq| {
            seq.iter()
                .map(|v| v.as_str().expect("references are strings").to_string())
                .collect()
        })
        .unwrap_or_default();
    (prose, references)
}

#[test]
fn no_rule_file_or_source_cites_the_internal_reference() {
    let mut paths = rule_files();
    for (dir, ext) in [("src", ".rs"), ("tests", ".rs"), ("tests", ".py")] {
        paths.extend(files(dir, ext));
    }
    paths.push(manifest_dir().join("build.rs"));
    paths.push(manifest_dir().join("README.md"));
    // This file spells the needles out to test them.
    paths.retain(|p| !p.ends_with("tests/it/rule_docs.rs"));
    let mut bad = vec![];
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for hit in internal_citations_in(&text) {
            let rel = path.strip_prefix(manifest_dir()).unwrap_or(path);
            bad.push(format!("{}:{hit}", rel.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "cite the public source (a kfp file at its tag, kfp docs, kfp-kubernetes), not the internal \
         reference:\n{}",
        bad.join("\n")
    );
}

#[test]
fn rule_doc_links_are_public_https_urls() {
    let mut bad = vec![];
    for path in rule_files() {
        let rel = path
            .strip_prefix(manifest_dir())
            .unwrap()
            .display()
            .to_string();
        let (prose, references) = docs_prose(&path);
        for (i, r) in references.iter().enumerate() {
            if urls(r).is_empty() {
                bad.push(format!(
                    "{rel}: references[{i}] has no link a user can follow: {r:?}"
                ));
            }
        }
        let all = prose.iter().map(|(k, s)| (k.clone(), s.clone())).chain(
            references
                .iter()
                .map(|r| ("references".to_string(), r.clone())),
        );
        for (key, text) in all {
            for url in urls(&text) {
                if let Some(why) = url_problem(&url) {
                    bad.push(format!("{rel}: docs.{key}: {url}: {why}"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "rule docs links:\n{}", bad.join("\n"));
}

#[test]
fn every_rule_cites_a_source() {
    let missing: Vec<String> = rule_files()
        .iter()
        .filter(|p| docs_prose(p).1.is_empty())
        .map(|p| {
            p.strip_prefix(manifest_dir())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without docs.references: {missing:?}"
    );
}

/// The checks above must be able to fail: a citation of the internal reference, a plain-http link, a host
/// outside the list and an unpinned kubeflow/pipelines link are each caught.
#[test]
fn the_checks_catch_what_they_are_for() {
    let section = '\u{a7}';
    assert_eq!(
        internal_citations_in(&format!("ok\n- \"reference {section}3.2: set_gpu_limit\"")).len(),
        1
    );
    assert_eq!(
        internal_citations_in("see the Reference Section 4").len(),
        1
    );
    assert!(internal_citations_in("kfp 2.17.3 `PipelineTask`: https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_task.py").is_empty());

    assert_eq!(
        urls("a (<https://kubeflow.org/docs/x>), b: http://example.com/y."),
        ["https://kubeflow.org/docs/x", "http://example.com/y"]
    );
    assert!(url_problem("http://kubeflow.org/docs/components/pipelines/").is_some());
    assert!(url_problem("https://example.com/kfp").is_some());
    assert!(url_problem("https://github.com/someone/pipelines/blob/1.8.22/x.py").is_some());
    assert!(
        url_problem(
            "https://github.com/kubeflow/pipelines/blob/master/sdk/python/kfp/dsl/pipeline_task.py"
        )
        .is_some()
    );
    assert!(
        url_problem("https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_task.py")
            .is_none()
    );
    assert!(url_problem("https://pypi.org/project/kfp/2.2.0/").is_none());
}

/// Linked files of kubeflow/pipelines at a verified tag that no wheel ships, so the installed packages cannot
/// vouch for them.
const REPO_ONLY_FILES: &[&str] =
    &["https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/RELEASE.md"];

/// The directory of the `kfp` package a venv's python imports, after checking its version.
fn kfp_dir(python: &Path, version: &str) -> PathBuf {
    let out = Command::new(python)
        .args([
            "-c",
            "import os, kfp; print(kfp.__version__); print(os.path.dirname(kfp.__file__))",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some(version),
        "the oracle venv holds another kfp"
    );
    PathBuf::from(lines.next().expect("kfp's directory"))
}

/// Each kubeflow/pipelines source link of the rule docs and of `src/` names a file (or, for `tree/`, a
/// directory) that the installed packages of that release hold. Skipped under `KFP_UPGRADE_SKIP_ORACLE=1`.
#[test]
fn linked_kfp_source_files_exist_in_the_released_packages() {
    let (Some(py1), Some(py2)) = (python(Kfp::V1), python(Kfp::V2)) else {
        eprintln!("link check skipped: KFP_UPGRADE_SKIP_ORACLE=1");
        return;
    };
    let kfp1 = kfp_dir(&py1, "1.8.22");
    let kfp2 = kfp_dir(&py2, "2.17.3");
    // (URL prefix, the installed directory the rest of the path is relative to).
    let roots = [
        (
            "https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/",
            &kfp1,
            false,
        ),
        (
            "https://github.com/kubeflow/pipelines/tree/sdk/release-1.8/sdk/python/kfp",
            &kfp1,
            true,
        ),
        (
            "https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/",
            &kfp2,
            false,
        ),
        (
            "https://github.com/kubeflow/pipelines/tree/sdk-2.17.3/sdk/python/kfp",
            &kfp2,
            true,
        ),
        (
            "https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/kubernetes_platform/python/kfp/",
            &kfp2,
            false,
        ),
        (
            "https://github.com/kubeflow/pipelines/tree/sdk-2.17.3/kubernetes_platform/python/kfp",
            &kfp2,
            true,
        ),
    ];
    let mut links = BTreeSet::new();
    for path in rule_files().into_iter().chain(files("src", ".rs")) {
        let text = std::fs::read_to_string(&path).unwrap();
        links.extend(
            urls(&text)
                .into_iter()
                .filter(|u| u.starts_with("https://github.com/kubeflow/pipelines/")),
        );
    }
    assert!(!links.is_empty());
    let mut bad = vec![];
    for url in &links {
        if REPO_ONLY_FILES.contains(&url.as_str()) {
            continue;
        }
        let Some((prefix, dir, is_dir)) = roots.iter().find(|(p, _, _)| url.starts_with(p)) else {
            bad.push(format!(
                "{url}: not a kfp SDK or kfp-kubernetes source link of a verified tag"
            ));
            continue;
        };
        let rest = url[prefix.len()..].trim_start_matches('/');
        let target = dir.join(rest);
        let ok = if *is_dir {
            target.is_dir()
        } else {
            target.is_file()
        };
        if !ok {
            bad.push(format!(
                "{url}: no {} in the installed package",
                target.display()
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "links to files the release does not hold:\n{}",
        bad.join("\n")
    );
}
