//! Where `convert` and KFP504 read a graph component's child specs (`componentRef.url`) from: a relative path
//! beside the graph's file, or an `http(s)` URL through the `[component-urls]` map of the configuration that
//! governs the file (the network only with `--fetch-components`). A `digest` the reference gives is checked
//! against the spec found.

use std::path::Path;

use super::convert::ChildSpec;
use super::scalar;
use super::spans::Node;

use crate::component_urls::{ComponentUrls, UrlError};

/// The child spec reader for the graph component at `yaml` (see `convert::ChildSpecs`), with the URL map of
/// the configuration that governs it, fetching when `fetch` (or that configuration) asks for it.
pub fn for_file(yaml: &Path, fetch: bool) -> impl Fn(&Node) -> Result<ChildSpec, String> + use<> {
    // A configuration that does not load was reported by the run that uses it; convert goes on without it.
    let config = crate::config::find(yaml).ok().flatten();
    let urls: ComponentUrls = crate::config::component_urls(config.as_ref(), fetch);
    let folder = yaml.parent().map(Path::to_path_buf).unwrap_or_default();
    move |reference: &Node| child(reference, &folder, &urls)
}

/// The spec a `componentRef` names, relative paths read in `folder`.
pub fn child(reference: &Node, folder: &Path, urls: &ComponentUrls) -> Result<ChildSpec, String> {
    let Some(url) = reference.get("url").and_then(scalar::string) else {
        return Ok(ChildSpec::Unavailable("it gives no `url`".into()));
    };
    if url.starts_with("http://") || url.starts_with("https://") {
        let digest = reference.get("digest").and_then(scalar::string);
        return match urls.resolve(url, digest) {
            Ok(spec) => Ok(ChildSpec::Text(spec.text.to_string())),
            Err(e @ UrlError::NotMapped { .. }) => Ok(ChildSpec::Unavailable(e.reason())),
            Err(e) => Err(e.to_string()),
        };
    }
    let path = url.trim_start_matches("file://");
    match std::fs::read_to_string(folder.join(path)) {
        Ok(text) => Ok(ChildSpec::Text(text)),
        Err(e) => Ok(ChildSpec::Unavailable(format!(
            "cannot read `{path}` beside the graph: {e}"
        ))),
    }
}
