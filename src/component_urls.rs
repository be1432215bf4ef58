//! Where the spec of a component loaded by URL comes from: the `[component-urls]` map of the configuration
//! file, URL prefix → local file or folder; else, only when asked, the network (`component_fetch`).
//!
//! Specs resolved here are read, never rewritten: they belong to someone else (a spec that is also a file of
//! the checked tree is checked and fixed as that file, like any other).

pub use crate::component_fetch::sha256_hex;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::once_map::OnceMap;

/// Why a URL did not resolve to a spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error(
        "`{url}` is not covered by `[component-urls]`, and fetching is off (`--fetch-components`)"
    )]
    NotMapped { url: String },
    #[error("could not fetch `{url}`: {message}")]
    Fetch { url: String, message: String },
    #[error("cannot read `{path}` (mapped from `{url}`): {message}")]
    Read {
        url: String,
        path: PathBuf,
        message: String,
    },
    #[error(
        "the spec at `{url}` has sha256 {actual}, not the digest {expected} its componentRef gives"
    )]
    Digest {
        url: String,
        expected: String,
        actual: String,
    },
}

impl UrlError {
    /// Why, without the URL (for a finding that names it already).
    pub fn reason(&self) -> String {
        match self {
            UrlError::NotMapped { .. } => {
                "no `[component-urls]` entry covers it and fetching is off (`--fetch-components`)"
                    .into()
            }
            UrlError::Read { path, message, .. } => {
                format!("cannot read `{}`: {message}", path.display())
            }
            UrlError::Fetch { message, .. } => format!("could not fetch it: {message}"),
            UrlError::Digest {
                expected, actual, ..
            } => format!("its sha256 is {actual}, not the digest {expected}"),
        }
    }
}

/// A component spec read for a URL.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub text: Arc<str>,
    /// The sha256 of its bytes, lower-case hex.
    pub sha256: String,
}

/// The URL → spec resolution of a run: the map, and what was resolved so far (each URL is read once per
/// run, however many files load it).
#[derive(Debug, Default)]
pub struct ComponentUrls {
    /// `(prefix, local path)`, longest prefix first; paths are absolute or relative to the working folder.
    map: Vec<(String, PathBuf)>,
    /// Set when fetching was asked for.
    fetcher: Option<crate::component_fetch::Fetcher>,
    /// One cell per URL, filled once: files of the run that load the same URL at the same time (the index
    /// pass is parallel) wait for one read or fetch instead of each making their own.
    memo: OnceMap<String, Result<Resolved, UrlError>>,
    /// The bytes of each mapped file as first read, by canonical path: a mapped file inside the tree being
    /// fixed is read as it was before the run rewrote it (`pin`), whichever file asks first.
    originals: OnceMap<PathBuf, Option<Vec<u8>>>,
    /// The map's local paths, canonical, computed on the first `pin`.
    targets: OnceLock<Vec<PathBuf>>,
}

/// A `componentRef.digest` without its optional `sha256:` prefix, lower case.
fn normalise_digest(d: &str) -> String {
    let d = d.trim();
    d.strip_prefix("sha256:").unwrap_or(d).to_ascii_lowercase()
}

impl ComponentUrls {
    /// A resolver over `map` (prefix → local path).
    pub fn new(mut map: Vec<(String, PathBuf)>) -> Self {
        // Longest prefix first, so the first match is the one that wins; ties cannot happen (keys are unique).
        map.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Self {
            map,
            fetcher: None,
            memo: OnceMap::default(),
            originals: OnceMap::default(),
            targets: OnceLock::new(),
        }
    }

    /// The run is about to rewrite the file at `path`: when the map points at it (a vendored spec inside the
    /// tree), keep its original bytes for every later resolution, so a graph's `digest` is checked against the
    /// spec as vendored, not as this run fixed it.
    pub fn pin(&self, path: &Path) {
        let targets = self.targets.get_or_init(|| {
            self.map
                .iter()
                .filter_map(|(_, local)| std::fs::canonicalize(local).ok())
                .collect()
        });
        if let Ok(path) = std::fs::canonicalize(path)
            && targets.iter().any(|t| path.starts_with(t))
        {
            self.original(&path);
        }
    }

    /// A mapped file's bytes as first read in this run.
    fn original(&self, path: &Path) -> Option<Vec<u8>> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.originals
            .get_or_init(key.clone(), || std::fs::read(&key).ok())
    }

    /// The same resolver, fetching the `http(s)` URLs the map does not cover with `fetcher`.
    pub fn fetching(mut self, fetcher: crate::component_fetch::Fetcher) -> Self {
        self.fetcher = Some(fetcher);
        self
    }

    pub fn fetcher(&self) -> Option<&crate::component_fetch::Fetcher> {
        self.fetcher.as_ref()
    }

    /// The map, longest prefix first.
    pub fn map(&self) -> &[(String, PathBuf)] {
        &self.map
    }

    /// The local file the map gives for `url`: the longest matching prefix whose value fits, a file value
    /// only for the whole URL, a folder value with the rest of the URL appended (query and fragment dropped).
    pub fn mapped(&self, url: &str) -> Option<PathBuf> {
        self.map
            .iter()
            .filter(|(prefix, _)| url.starts_with(prefix.as_str()))
            .find_map(|(prefix, local)| under(local, &url[prefix.len()..]))
    }

    /// The spec at `url`, checked against `digest` (a graph's `componentRef.digest`) when given.
    pub fn resolve(&self, url: &str, digest: Option<&str>) -> Result<Resolved, UrlError> {
        // Other URLs go on while this one is read or fetched.
        let resolved = self
            .memo
            .get_or_init(url.to_string(), || self.resolve_uncached(url))?;
        if let Some(expected) = digest.map(normalise_digest).filter(|d| !d.is_empty())
            && expected != resolved.sha256
        {
            return Err(UrlError::Digest {
                url: url.to_string(),
                expected,
                actual: resolved.sha256,
            });
        }
        Ok(resolved)
    }

    fn resolve_uncached(&self, url: &str) -> Result<Resolved, UrlError> {
        let Some(path) = self.mapped(url) else {
            let is_http = url.starts_with("http://") || url.starts_with("https://");
            let Some(fetcher) = self.fetcher.as_ref().filter(|_| is_http) else {
                return Err(UrlError::NotMapped {
                    url: url.to_string(),
                });
            };
            let error = |message: String| UrlError::Fetch {
                url: url.to_string(),
                message,
            };
            let bytes = fetcher.get(url).map_err(error)?;
            return resolved(bytes).ok_or_else(|| error("the spec is not UTF-8 text".into()));
        };
        let read_error = |message: String| UrlError::Read {
            url: url.to_string(),
            path: path.clone(),
            message,
        };
        let bytes = match self.original(&path) {
            Some(bytes) => bytes,
            // Not readable: say why.
            None => std::fs::read(&path).map_err(|e| read_error(e.to_string()))?,
        };
        resolved(bytes).ok_or_else(|| read_error("the spec is not UTF-8 text".into()))
    }
}

/// `rest` of a URL under the mapped `local` path: `local` itself for an exact match, a path inside a folder
/// otherwise; `None` when a file value would need a rest, or the rest climbs out of the folder.
fn under(local: &Path, rest: &str) -> Option<PathBuf> {
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    if rest.is_empty() {
        return Some(local.to_path_buf());
    }
    if !local.is_dir() {
        return None;
    }
    let mut path = local.to_path_buf();
    for part in rest.split('/').filter(|p| !p.is_empty()) {
        // A folder holds the files under their names: `Chicago%20Taxi` is the folder `Chicago Taxi`.
        let part = percent_decoded(part)?;
        if part == "." {
            continue;
        }
        if part == ".." || part.contains(['/', '\\']) {
            // Never leave the mapped folder.
            return None;
        }
        path.push(part);
    }
    Some(path)
}

/// A URL path segment with its `%XX` escapes decoded; `None` when they are not valid UTF-8.
fn percent_decoded(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A spec read as bytes, if it is text.
pub fn resolved(bytes: Vec<u8>) -> Option<Resolved> {
    let sha256 = sha256_hex(&bytes);
    let text = String::from_utf8(bytes).ok()?;
    Some(Resolved {
        text: text.into(),
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_folders_get_the_rest_of_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let vendor = dir.path().join("vendor");
        std::fs::create_dir_all(vendor.join("a")).unwrap();
        std::fs::write(dir.path().join("echo.yaml"), "name: Echo\n").unwrap();
        let urls = ComponentUrls::new(vec![
            ("https://example.com/".into(), vendor.clone()),
            (
                "https://example.com/team/echo.yaml".into(),
                dir.path().join("echo.yaml"),
            ),
        ]);
        assert_eq!(
            urls.mapped("https://example.com/team/echo.yaml"),
            Some(dir.path().join("echo.yaml"))
        );
        assert_eq!(
            urls.mapped("https://example.com/a/component.yaml?raw=1"),
            Some(vendor.join("a").join("component.yaml"))
        );
        // A file value is the whole URL, never a prefix of a longer one: the folder above takes that.
        assert_eq!(
            urls.mapped("https://example.com/team/echo.yaml.orig"),
            Some(vendor.join("team").join("echo.yaml.orig"))
        );
        assert_eq!(urls.mapped("https://example.com/../x.yaml"), None);
        assert_eq!(urls.mapped("https://example.com/%2e%2e/x.yaml"), None);
        assert_eq!(urls.mapped("https://example.com/a%2Fb.yaml"), None);
        assert_eq!(
            urls.mapped("https://example.com/Chicago%20Taxi/component.yaml"),
            Some(vendor.join("Chicago Taxi").join("component.yaml"))
        );
        assert_eq!(urls.mapped("https://other.org/x.yaml"), None);
        assert_eq!(
            urls.resolve("https://other.org/x.yaml", None).unwrap_err(),
            UrlError::NotMapped {
                url: "https://other.org/x.yaml".into()
            }
        );
        let missing = urls
            .resolve("https://example.com/a/missing.yaml", None)
            .unwrap_err();
        assert!(
            matches!(&missing, UrlError::Read { path, .. } if path.ends_with("a/missing.yaml")),
            "{missing}"
        );
    }

    #[test]
    fn resolved_specs_are_checked_against_a_digest() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("echo.yaml"), "name: Echo\n").unwrap();
        let urls = ComponentUrls::new(vec![(
            "https://example.com/echo.yaml".into(),
            dir.path().join("echo.yaml"),
        )]);
        let url = "https://example.com/echo.yaml";
        assert_eq!(&*urls.resolve(url, None).unwrap().text, "name: Echo\n");
        let bad = urls.resolve(url, Some("sha256:00")).unwrap_err();
        assert!(matches!(bad, UrlError::Digest { .. }), "{bad}");
        let digest = format!("sha256:{}", sha256_hex(b"name: Echo\n").to_uppercase());
        assert!(urls.resolve(url, Some(&digest)).is_ok());
        // Read once per run: the memo answers after the file is gone.
        std::fs::remove_file(dir.path().join("echo.yaml")).unwrap();
        assert!(urls.resolve(url, None).is_ok());
    }
}
