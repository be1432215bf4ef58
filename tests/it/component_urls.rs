//! Components loaded by URL: the `[component-urls]` offline map in the configuration file, and fetching
//! (`--fetch-components`) from an HTTP server in this test binary, through the on-disk cache.

use crate::common::project::{Project, stderr, stdout};

/// A small HTTP/1.1 server on 127.0.0.1, a thread of the test binary on a free port, for tests of components
/// loaded by URL (by kfp-upgrade and by the kfp 2 oracle alike). Stopped when dropped.
mod http_server {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// What the server answers for a path.
    #[derive(Debug, Clone)]
    pub enum Reply {
        /// 200 with this body.
        Body(String),
        /// 302 to this location.
        Redirect(String),
        /// Says nothing for this long, then closes (a client timeout).
        Silence(Duration),
    }

    pub struct Server {
        pub port: u16,
        stop: Arc<AtomicBool>,
        requests: Arc<AtomicUsize>,
        seen: Arc<Mutex<Vec<String>>>,
        thread: Option<JoinHandle<()>>,
    }

    impl Server {
        /// Serves `routes` (path → reply; anything else is a 404).
        pub fn start(routes: HashMap<String, Reply>) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let stop = Arc::new(AtomicBool::new(false));
            let requests = Arc::new(AtomicUsize::new(0));
            let seen = Arc::new(Mutex::new(Vec::new()));
            let thread = {
                let (stop, requests, seen) = (stop.clone(), requests.clone(), seen.clone());
                std::thread::spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Ok(stream) = stream else { continue };
                        let routes = routes.clone();
                        let (requests, seen) = (requests.clone(), seen.clone());
                        // One thread per connection: a silent reply must not hold up the others.
                        std::thread::spawn(move || answer(stream, &routes, &requests, &seen));
                    }
                })
            };
            Self {
                port,
                stop,
                requests,
                seen,
                thread: Some(thread),
            }
        }

        pub fn url(&self, path: &str) -> String {
            format!("http://127.0.0.1:{}{path}", self.port)
        }

        /// Requests answered so far.
        pub fn requests(&self) -> usize {
            self.requests.load(Ordering::SeqCst)
        }

        /// The request heads received so far (request line and headers), one string each.
        pub fn seen(&self) -> Vec<String> {
            self.seen.lock().unwrap().clone()
        }

        /// Stops accepting; the port is closed when this returns.
        pub fn stop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop so it sees the flag.
            let _ = TcpStream::connect(("127.0.0.1", self.port));
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop();
        }
    }

    fn answer(
        mut stream: TcpStream,
        routes: &HashMap<String, Reply>,
        requests: &AtomicUsize,
        seen: &Mutex<Vec<String>>,
    ) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" || line == "\n" {
                break;
            }
            head.push_str(&line);
        }
        let path = head
            .lines()
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or("/")
            .to_string();
        requests.fetch_add(1, Ordering::SeqCst);
        seen.lock().unwrap().push(head);
        let response = match routes.get(&path) {
            Some(Reply::Body(body)) => format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ),
            Some(Reply::Redirect(to)) => format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            Some(Reply::Silence(d)) => {
                std::thread::sleep(*d);
                return;
            }
            None => {
                "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found"
                    .to_string()
            }
        };
        let _ = stream.write_all(response.as_bytes());
        let _ = stream.flush();
    }
}

#[test]
fn show_settings_lists_the_map_and_marks_a_missing_value_instead_of_failing() {
    let p = Project::new();
    // The corpus scorer probes exactly this before it writes its own map: the value need not exist.
    p.write(
        "kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c.yaml\" = \"c.yaml\"\n",
    );
    let o = p.run(&["check", "--show-settings", "."]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o);
    let line = shown
        .lines()
        .find(|l| l.contains("https://example.com/c.yaml"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(line.ends_with("c.yaml\"  # does not exist"), "{line}");
    assert!(shown.contains("\nfetch-components = false\n"), "{shown}");
    let o = p.run(&["check", "--show-settings", "--fetch-components", "."]);
    let shown = stdout(&o);
    assert!(shown.contains("\nfetch-components = true\n"), "{shown}");
    assert!(shown.contains("\ncomponent-cache = "), "{shown}");
}

#[test]
fn a_missing_map_value_is_a_configuration_error_with_its_position() {
    let p = Project::new();
    p.write(
        "vendor/echo.yaml",
        "name: Echo\nimplementation: {container: {image: alpine}}\n",
    );
    p.write(
        "pyproject.toml",
        "[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n\"https://h/x.yaml\" =   \"vendor/x.yaml\"\n",
    );
    p.write("a.py", "import kfp\n");
    for args in [
        &["check", "."][..],
        &["migrate", ".", "--in-place", "--force"],
    ] {
        let o = p.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(
                "pyproject.toml:3:24: component-urls: `vendor/x.yaml` (for `https://h/x.yaml`) does not exist"
            ),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    std::fs::remove_file(p.path("pyproject.toml")).unwrap();
    p.write(
        "pyproject.toml",
        "[tool.kfp-upgrade.component-urls]\n\"https://h/e.yaml\" = \"vendor/echo.yaml\"\n",
    );
    let o = p.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

use std::collections::HashMap;

use crate::common::oracle::{Kfp, compile_files};
use http_server::{Reply, Server};

/// A v1 spec with an output kfp 2 renames (`Data` → `data`).
const DOWNLOAD: &str = "name: Download data
inputs:
- {name: Url, type: String}
outputs:
- {name: Data, type: Dataset}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'mkdir -p \"$(dirname \"$1\")\" && echo \"$0\" > \"$1\"', {inputValue: Url}, {outputPath: Data}]
";

/// A v1 spec with an artifact input and an `Integer` input, in that order.
const TRAIN: &str = "name: Train
inputs:
- {name: Training data, type: Dataset}
- {name: Epochs, type: Integer}
- {name: Learning rate, type: Float, default: '0.1'}
outputs:
- {name: Model, type: Model}
implementation:
  container:
    image: alpine
    command: [sh, -c, 'cp \"$0\" \"$2\"; echo \"$1\"', {inputPath: Training data}, {inputValue: Epochs}, {outputPath: Model}]
";

/// A v1 pipeline that loads both specs from `base` and calls them positionally, with a v1 output key and a
/// string into the `Integer` input.
fn pipeline(base: &str) -> String {
    format!(
        "from kfp import components, dsl

download_op = components.load_component_from_url('{base}/download/component.yaml')
train_op = components.load_component_from_url(url='{base}/train/component.yaml')


@dsl.pipeline(name='train')
def train_pipeline(url: str = 'gs://bucket/data.csv'):
    data = download_op(url)
    train_op(data.outputs['Data'], '2')
"
    )
}

/// The calls of `pipeline` once migrated: keywords in kfp 1's input order, the kfp 2 output key, an int.
const MIGRATED_CALLS: &str = "    data = download_op(url=url)
    train_op(training_data=data.outputs['data'], epochs=2)
";

/// The test server's routes for both specs.
fn spec_routes() -> HashMap<String, Reply> {
    HashMap::from([
        (
            "/c/download/component.yaml".to_string(),
            Reply::Body(DOWNLOAD.into()),
        ),
        (
            "/c/train/component.yaml".to_string(),
            Reply::Body(TRAIN.into()),
        ),
    ])
}

/// Compiles `file` under kfp 2.17.3; kfp loads the specs from their URLs, so `server` must be up.
fn assert_compiles_under_kfp2(file: &std::path::Path, server: &Server) {
    let before = server.requests();
    let Some(results) = compile_files(Kfp::V2, &[file.to_path_buf()], None) else {
        return;
    };
    assert!(
        results[0].ok,
        "{} does not compile under kfp 2:\n{}\n{}",
        file.display(),
        results[0].error.as_deref().unwrap_or(""),
        std::fs::read_to_string(file).unwrap()
    );
    assert!(
        results[0].compiled.iter().any(|c| c == "train_pipeline"),
        "{:?}",
        results[0].compiled
    );
    assert!(
        server.requests() > before,
        "kfp 2 did not load the specs from the server"
    );
}

#[test]
fn offline_map_gives_url_components_the_fixes_of_local_ones_and_leaves_the_specs_alone() {
    let server = Server::start(spec_routes());
    let base = server.url("/c");
    let p = Project::new();
    // The vendored specs sit outside the migrated folder: they are read, never rewritten.
    p.write("vendor/download/component.yaml", DOWNLOAD);
    p.write("vendor/train/component.yaml", TRAIN);
    p.write(
        "kfp-upgrade.toml",
        format!("[component-urls]\n\"{base}/\" = \"vendor/\"\n"),
    );
    p.write("pipelines/pipeline.py", pipeline(&base));
    let o = p.run(&["check", "--output-format", "concise", "pipelines"]);
    let out = stdout(&o);
    for expected in [
        "pipeline.py:9:24: KFP103 kfp 2 components take keyword arguments only: `download_op`",
        "pipeline.py:10:14: KFP103 kfp 2 components take keyword arguments only: `train_op`",
        "pipeline.py:10:27: KFP102 The output `Data` of YAML component `download_op` is `data`",
        "pipeline.py:10:36: KFP105 String passed to int input `epochs`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(!out.contains("vendor"), "{out}");
    let o = p.run(&[
        "migrate",
        "pipelines",
        "--in-place",
        "--force",
        "--unsafe-fixes",
    ]);
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    let migrated = p.read_string("pipelines/pipeline.py");
    assert!(migrated.contains(MIGRATED_CALLS), "{migrated}");
    assert_eq!(p.read_string("vendor/download/component.yaml"), DOWNLOAD);
    assert_eq!(p.read_string("vendor/train/component.yaml"), TRAIN);
    // No network for kfp-upgrade: the map answered.
    assert_eq!(server.requests(), 0, "{:?}", server.seen());
    assert_compiles_under_kfp2(&p.path("pipelines/pipeline.py"), &server);
}

#[test]
fn an_artifact_input_fed_a_string_is_reported_for_a_url_component() {
    let p = Project::new();
    p.write("vendor/train.yaml", TRAIN);
    p.write(
        "kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/train.yaml\" = \"vendor/train.yaml\"\n",
    );
    p.write(
        "p.py",
        "from kfp import components, dsl\n\ntrain_op = components.load_component_from_url('https://example.com/train.yaml')\n\n\n@dsl.pipeline(name='t')\ndef p():\n    train_op(training_data='gs://bucket/data.csv', epochs=3)\n",
    );
    let o = p.run(&["check", "--output-format", "concise", "p.py"]);
    let out = stdout(&o);
    assert!(out.contains("p.py:8:28: KFP106"), "{out}");
}

#[test]
fn a_notebook_gets_the_same_fixes_for_url_components() {
    let p = Project::new();
    p.write("vendor/download/component.yaml", DOWNLOAD);
    p.write("vendor/train/component.yaml", TRAIN);
    p.write(
        "kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/c/\" = \"vendor/\"\n",
    );
    let cells: Vec<String> = pipeline("https://example.com/c")
        .split("\n\n\n")
        .map(|c| serde_json::json!({"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": c}).to_string())
        .collect();
    p.write(
        "nb/pipeline.ipynb",
        format!(
            "{{\"cells\": [{}], \"metadata\": {{}}, \"nbformat\": 4, \"nbformat_minor\": 5}}\n",
            cells.join(", ")
        ),
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "nb"]);
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    let nb: serde_json::Value = serde_json::from_str(&p.read_string("nb/pipeline.ipynb")).unwrap();
    let source = nb["cells"][1]["source"]
        .as_array()
        .map(|lines| lines.iter().filter_map(|l| l.as_str()).collect::<String>())
        .or_else(|| nb["cells"][1]["source"].as_str().map(str::to_string))
        .unwrap();
    assert!(source.contains(MIGRATED_CALLS.trim_end()), "{source}");
}

/// Runs kfp-upgrade in `p` with its fetch cache in `cache` and these extra environment variables.
fn run_fetching(
    p: &Project,
    cache: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kfp-upgrade"));
    cmd.args(args)
        .current_dir(p.dir.path())
        .env("NO_COLOR", "1")
        .env("KFP_UPGRADE_CACHE_DIR", cache);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn fetched_specs_give_the_same_fixes_and_the_result_compiles_under_kfp2() {
    let server = Server::start(spec_routes());
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.write("pipeline.py", pipeline(&server.url("/c")));
    let o = run_fetching(
        &p,
        cache.path(),
        &[
            "migrate",
            ".",
            "--in-place",
            "--force",
            "--unsafe-fixes",
            "--fetch-components",
        ],
        &[],
    );
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    let migrated = p.read_string("pipeline.py");
    assert!(migrated.contains(MIGRATED_CALLS), "{migrated}");
    // One plain GET per spec: kfp-upgrade's user agent, no credentials or cookies.
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for head in &seen {
        assert!(head.starts_with("GET /c/"), "{head}");
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("user-agent: kfp-upgrade/"), "{head}");
        assert!(
            !lower.contains("authorization") && !lower.contains("cookie"),
            "{head}"
        );
    }
    assert_compiles_under_kfp2(&p.path("pipeline.py"), &server);
}

#[test]
fn fetching_is_off_unless_asked_and_can_be_asked_for_in_the_configuration() {
    let server = Server::start(spec_routes());
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.write("pipeline.py", pipeline(&server.url("/c")));
    let args = ["check", "--output-format", "concise", "."];
    let o = run_fetching(&p, cache.path(), &args, &[]);
    let out = stdout(&o);
    assert!(
        out.contains("pipeline.py:3:50: KFP118 The spec loaded from `http://127.0.0.1:")
            && out.contains("no `[component-urls]` entry covers it and fetching is off"),
        "{out}"
    );
    assert!(!out.contains("KFP105"), "{out}");
    assert_eq!(server.requests(), 0);
    p.write("kfp-upgrade.toml", "fetch-components = true\n");
    let o = run_fetching(&p, cache.path(), &args, &[]);
    let out = stdout(&o);
    assert!(!out.contains("KFP118"), "{out}");
    assert!(out.contains("KFP105"), "{out}");
    assert_eq!(server.requests(), 2);
}

#[test]
fn redirects_are_followed() {
    let mut routes = spec_routes();
    let target = "/c/train/component.yaml".to_string();
    let train = routes.remove(&target).unwrap();
    routes.insert("/moved/train.yaml".into(), train);
    let server = Server::start(routes);
    // Another origin, as raw.githubusercontent.com redirects would be.
    let redirecting = Server::start(HashMap::from([(
        "/c/train/component.yaml".to_string(),
        Reply::Redirect(server.url("/moved/train.yaml")),
    )]));
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.write(
        "p.py",
        format!(
            "from kfp import components, dsl\n\ntrain_op = components.load_component_from_url('{}')\n\n\n@dsl.pipeline(name='t')\ndef p(data: str = 'x'):\n    train_op(data, '2')\n",
            redirecting.url("/c/train/component.yaml")
        ),
    );
    let o = run_fetching(
        &p,
        cache.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--fetch-components",
            ".",
        ],
        &[],
    );
    let out = stdout(&o);
    assert!(
        out.contains("p.py:8:20: KFP105 String passed to int input `epochs`"),
        "{out}"
    );
    assert_eq!((redirecting.requests(), server.requests()), (1, 1));
}

#[test]
fn a_404_and_a_timeout_are_findings_on_the_call_and_the_run_goes_on() {
    let server = Server::start(HashMap::from([(
        "/slow.yaml".to_string(),
        Reply::Silence(std::time::Duration::from_secs(20)),
    )]));
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    let load = |name: &str, path: &str| {
        format!(
            "from kfp import components\n\n{name}_op = components.load_component_from_url('{}')\n",
            server.url(path)
        )
    };
    p.write("a_missing.py", load("missing", "/missing.yaml"));
    p.write("b_slow.py", load("slow", "/slow.yaml"));
    p.write("c_other.py", "from kfp.v2 import dsl\n");
    let started = std::time::Instant::now();
    let o = run_fetching(
        &p,
        cache.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--fetch-components",
            ".",
        ],
        &[("KFP_UPGRADE_FETCH_TIMEOUT", "1")],
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    for expected in [
        "a_missing.py:3:49: KFP118 The spec loaded from",
        "could not fetch it: HTTP 404",
        "b_slow.py:3:46: KFP118 The spec loaded from",
        "could not fetch it: timeout",
        "c_other.py:1:6: KFP001",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    // Nothing failed is cached: the next run asks again.
    assert_eq!(std::fs::read_dir(cache.path()).map_or(0, |d| d.count()), 0);
}

#[test]
fn a_cached_spec_is_used_with_the_server_stopped() {
    let mut server = Server::start(spec_routes());
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.write("pipeline.py", pipeline(&server.url("/c")));
    let args = [
        "check",
        "--output-format",
        "concise",
        "--fetch-components",
        ".",
    ];
    let first = stdout(&run_fetching(&p, cache.path(), &args, &[]));
    assert!(first.contains("KFP105"), "{first}");
    assert_eq!(server.requests(), 2);
    server.stop();
    let second = stdout(&run_fetching(&p, cache.path(), &args, &[]));
    assert_eq!(first, second);
    // Without the cache the stopped server is a finding.
    let empty = tempfile::tempdir().unwrap();
    let third = stdout(&run_fetching(&p, empty.path(), &args, &[]));
    assert!(
        third.contains("KFP118") && third.contains("could not fetch it"),
        "{third}"
    );
}

#[test]
fn a_url_loaded_by_many_files_is_fetched_once() {
    let server = Server::start(spec_routes());
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    for i in 0..8 {
        p.write(&format!("p{i}.py"), pipeline(&server.url("/c")));
    }
    let o = run_fetching(
        &p,
        cache.path(),
        &[
            "check",
            "--output-format",
            "concise",
            "--fetch-components",
            ".",
        ],
        &[],
    );
    assert_eq!(stdout(&o).matches("KFP105").count(), 8, "{}", stdout(&o));
    assert_eq!(server.requests(), 2, "{:?}", server.seen());
}

#[test]
fn a_mapped_spec_inside_the_checked_tree_is_checked_and_fixed_like_any_file() {
    let p = Project::new();
    // Read by value, typed `GCSPath`: KFP501 retypes it, on this file only because it is in the tree.
    let spec = "name: Export\ninputs:\n- {name: Output dir, type: GCSPath}\nimplementation:\n  container:\n    image: alpine\n    command: [echo, {inputValue: Output dir}]\n";
    p.write("vendor/export.yaml", spec);
    p.write("outside/export.yaml", spec);
    p.write(
        "tree/kfp-upgrade.toml",
        "[component-urls]\n\"https://example.com/in.yaml\" = \"vendor/export.yaml\"\n\"https://example.com/out.yaml\" = \"../outside/export.yaml\"\n",
    );
    std::fs::rename(p.path("vendor"), p.path("tree/vendor")).unwrap();
    p.write(
        "tree/p.py",
        "from kfp import components, dsl\n\nin_op = components.load_component_from_url('https://example.com/in.yaml')\nout_op = components.load_component_from_url('https://example.com/out.yaml')\n\n\n@dsl.pipeline(name='t')\ndef p():\n    in_op('gs://a')\n    out_op('gs://b')\n",
    );
    let o = p.run(&["check", "--fix", "--unsafe-fixes", "tree"]);
    assert!(o.status.code().unwrap_or(9) <= 1, "{}", stderr(&o));
    let fixed = p.read_string("tree/p.py");
    assert!(fixed.contains("in_op(output_dir='gs://a')"), "{fixed}");
    assert!(fixed.contains("out_op(output_dir='gs://b')"), "{fixed}");
    assert_ne!(p.read_string("tree/vendor/export.yaml"), spec);
    assert_eq!(p.read_string("outside/export.yaml"), spec);
}

/// A v1 graph component whose tasks name their components by URL, one with the digest of its spec.
fn graph(base: &str, train_digest: &str) -> String {
    format!(
        "name: Train graph
inputs:
- {{name: source}}
implementation:
  graph:
    tasks:
      download:
        componentRef: {{url: '{base}/download/component.yaml'}}
        arguments:
          Url: {{graphInput: {{inputName: source}}}}
      train:
        componentRef: {{url: '{base}/train/component.yaml', digest: '{train_digest}'}}
        arguments:
          Training data: {{taskOutput: {{taskId: download, outputName: Data}}}}
          Epochs: '6'
          Learning rate: '0.5'
"
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    kfp_upgrade::component_urls::sha256_hex(bytes)
}

#[test]
fn a_graph_with_url_children_converts_with_their_types_and_compiles_under_kfp2() {
    let server = Server::start(spec_routes());
    let base = server.url("/c");
    let p = Project::new();
    p.write("vendor/download/component.yaml", DOWNLOAD);
    p.write("vendor/train/component.yaml", TRAIN);
    p.write(
        "kfp-upgrade.toml",
        format!("[component-urls]\n\"{base}/\" = \"vendor/\"\n"),
    );
    p.write("graph.yaml", graph(&base, &sha256_hex(TRAIN.as_bytes())));
    let o = p.run(&["convert", "-o", "-", "graph.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let module = stdout(&o);
    // The untyped graph input feeds a `String` input; the constants go to `Integer` and `Float` inputs.
    assert!(module.contains("def train_graph(source: str)"), "{module}");
    assert!(module.contains("epochs=6"), "{module}");
    assert!(module.contains("learning_rate=0.5"), "{module}");
    assert_eq!(
        server.requests(),
        0,
        "the map answered: {:?}",
        server.seen()
    );
    p.write("graph.py", &module);
    let Some(results) = compile_files(Kfp::V2, &[p.path("graph.py")], None) else {
        return;
    };
    assert!(
        results[0].ok,
        "{}\n{module}",
        results[0].error.as_deref().unwrap_or("")
    );
    assert!(server.requests() > 0, "kfp 2 loaded the children by URL");

    // A digest that does not match the spec is an error on that task.
    p.write("bad.yaml", graph(&base, &"0".repeat(64)));
    let o = p.run(&["convert", "-o", "-", "bad.yaml"]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("task `train`") && err.contains("not the digest"),
        "{err}"
    );
}

#[test]
fn convert_fetches_a_graphs_children_only_when_asked() {
    let server = Server::start(spec_routes());
    let base = server.url("/c");
    let cache = tempfile::tempdir().unwrap();
    let p = Project::new();
    p.write("graph.yaml", graph(&base, &sha256_hex(TRAIN.as_bytes())));
    let ir = ["convert", "--format", "ir", "-o", "-", "graph.yaml"];
    let o = run_fetching(&p, cache.path(), &ir, &[]);
    let err = stderr(&o);
    assert!(
        !o.status.success()
            && err.contains("does not resolve")
            && err.contains("--fetch-components"),
        "{err}"
    );
    assert_eq!(server.requests(), 0, "{:?}", server.seen());
    let fetching = [&ir[..], &["--fetch-components"]].concat();
    let o = run_fetching(&p, cache.path(), &fetching, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let module = stdout(&o);
    // The constants are typed by the fetched children: `Epochs` is an `Integer`.
    assert!(module.contains("constant: 6.0"), "{module}");
    assert_eq!(server.requests(), 2, "{:?}", server.seen());
}
