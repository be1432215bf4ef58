//! Fetching component specs by URL, only when asked (`--fetch-components`, `fetch-components = true`).
//!
//! One plain `GET` per URL: no credentials, cookies or extra headers (the user agent names kfp-upgrade),
//! redirects followed, a timeout over the whole request and a size limit. Fetched specs are cached on disk,
//! keyed by URL, so a second run (or CI with a restored cache) needs no network; the cache is never refreshed
//! by itself: delete it to fetch again.

use sha2::Digest as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest spec fetched, in bytes: a component spec is a few kilobytes; anything near this is not one.
pub const MAX_BYTES: u64 = 1_000_000;
/// The environment variable that moves the cache (tests, CI caches) before the platform cache folder.
pub const CACHE_ENV: &str = "KFP_UPGRADE_CACHE_DIR";
/// The environment variable that sets the fetch timeout in seconds.
pub const TIMEOUT_ENV: &str = "KFP_UPGRADE_FETCH_TIMEOUT";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Fetches specs through the on-disk cache.
#[derive(Debug, Clone)]
pub struct Fetcher {
    cache_dir: Option<PathBuf>,
    timeout: Duration,
}

impl Default for Fetcher {
    /// The cache in [`cache_dir`], the timeout from [`TIMEOUT_ENV`] or 15 seconds.
    fn default() -> Self {
        let timeout = std::env::var(TIMEOUT_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64);
        Self {
            cache_dir: cache_dir(),
            timeout,
        }
    }
}

impl Fetcher {
    pub fn cache_location(&self) -> Option<&Path> {
        self.cache_dir.as_deref()
    }

    /// The bytes at `url`: from the cache, else from the network (then cached). The error says why, for a
    /// finding ("timeout", "HTTP 404", …).
    pub fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        if has_credentials(url) {
            return Err("the URL carries credentials; kfp-upgrade fetches without any".into());
        }
        let cached = self.cache_dir.as_ref().map(|d| d.join(cache_key(url)));
        if let Some(bytes) = cached.as_ref().and_then(|p| std::fs::read(p).ok()) {
            return Ok(bytes);
        }
        let bytes = fetch(url, self.timeout)?;
        if let Some(path) = &cached {
            // A cache that cannot be written costs a fetch next time, nothing more.
            let _ = write_cache(path, &bytes);
        }
        Ok(bytes)
    }
}

/// The platform cache folder for fetched specs: `$KFP_UPGRADE_CACHE_DIR`, else `kfp-upgrade/components` in
/// the user's cache folder (`~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows).
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d));
    }
    dirs::cache_dir().map(|d| d.join("kfp-upgrade").join("components"))
}

/// The cache file name of `url`: the sha256 of the URL, so any URL is a safe file name.
pub fn cache_key(url: &str) -> String {
    format!("{}.yaml", sha256_hex(url.as_bytes()))
}

/// `user:password@` in the URL's authority: fetching it would send them.
fn has_credentials(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    authority.contains('@')
}

fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Written aside and renamed: a run reading the cache at the same time never sees half a spec.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// One `GET` of `url`.
fn fetch(url: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(10)
        .http_status_as_error(true)
        .user_agent(concat!("kfp-upgrade/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| describe(&e))?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_vec()
        .map_err(|e| describe(&e))
}

fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::StatusCode(code) => format!("HTTP {code}"),
        ureq::Error::Timeout(_) => "timeout".into(),
        ureq::Error::BodyExceedsLimit(_) => format!("larger than {MAX_BYTES} bytes"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => "timeout".into(),
        other => other.to_string(),
    }
}

/// sha256 of `bytes` as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_authority_are_refused_before_any_request() {
        assert!(has_credentials("https://user:secret@example.com/c.yaml"));
        assert!(!has_credentials("https://example.com/a@b/c.yaml"));
        let fetcher = Fetcher {
            cache_dir: None,
            timeout: Duration::from_secs(1),
        };
        let err = fetcher.get("https://u:p@127.0.0.1:1/c.yaml").unwrap_err();
        assert!(err.contains("credentials"), "{err}");
    }

    #[test]
    fn cache_keys_are_file_names() {
        let key = cache_key("https://example.com/a/../b?c=d#e");
        assert_eq!(key.len(), 64 + ".yaml".len());
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    }
}
