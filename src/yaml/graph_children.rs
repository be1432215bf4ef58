//! Where `convert` reads a graph component's child specs (`componentRef.url`) from: a relative path beside
//! the graph's file, or an `http(s)` URL through the `[component-urls]` map of the configuration that
//! governs the file (never the network). A `digest` the reference gives is checked against the mapped file.

use std::path::Path;

use super::scalar;
use super::spans::Node;

use crate::component_urls::{ComponentUrls, UrlError};

/// The child spec reader for the graph component at `yaml` (see `convert::ChildSpecs`).
pub fn for_file(yaml: &Path) -> impl Fn(&Node) -> Result<Option<String>, String> {
    let folder = yaml.parent().map(Path::to_path_buf).unwrap_or_default();
    // A configuration that does not load was reported by the run that uses it; convert goes on without it.
    let config = crate::config::find(yaml).ok().flatten();
    let urls: ComponentUrls = crate::config::component_urls(config.as_ref(), false);
    move |reference: &Node| {
        let Some(url) = reference.get("url").and_then(scalar::string) else {
            return Ok(None);
        };
        if url.starts_with("http://") || url.starts_with("https://") {
            let digest = reference.get("digest").and_then(scalar::string);
            return match urls.resolve(url, digest) {
                Ok(spec) => Ok(Some(spec.text.to_string())),
                Err(UrlError::NotMapped { .. }) => Ok(None),
                Err(e) => Err(e.to_string()),
            };
        }
        let path = url.trim_start_matches("file://");
        Ok(std::fs::read_to_string(folder.join(path)).ok())
    }
}
