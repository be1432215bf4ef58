//! Embeds every rule data file under `rules/` into the binary, so `kfp-upgrade rule KFP001` works anywhere: the
//! YAML as written (`RULE_FILES`, for tools and tests) and the same data converted to JSON (`RULE_JSON`), which
//! the binary parses at start-up — parsing ~100 YAML files was most of a one-file run's time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut ids = Vec::new();
    let mut code = String::from("pub static RULE_FILES: &[(&str, &str)] = &[\n");
    let mut json = String::from("pub static RULE_JSON: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&root)
            .expect("rule file under the manifest dir");
        writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            rel.display().to_string(),
            file.display().to_string()
        )
        .expect("write to string");
        let text = std::fs::read_to_string(file).expect("read a rule file");
        // A rule file that is not even YAML fails the build here, with its path; its content is checked
        // strictly when the registry is built (and by the test suite).
        let value: serde_yaml::Value = serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: invalid YAML: {e}", rel.display()));
        if let Some(id) = value.get("id").and_then(serde_yaml::Value::as_str) {
            ids.push(id.to_string());
        }
        let as_json = serde_json::to_string(&value)
            .unwrap_or_else(|e| panic!("{}: not representable as JSON: {e}", rel.display()));
        writeln!(
            json,
            "    ({:?}, {:?}),",
            rel.display().to_string(),
            as_json
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    json.push_str("];\n");
    code.push_str(&json);
    // One constant per rule id: code that reports a rule names it by its constant, so a rule id that is not in
    // the data does not compile.
    ids.sort();
    code.push_str("/// Every rule id in the data, one constant each, and all of them in order (`ALL`).\npub mod id {\n");
    for id in &ids {
        writeln!(code, "    pub const {id}: &str = {id:?};").expect("write to string");
    }
    writeln!(code, "    pub const ALL: &[&str] = &[{}];", ids.join(", ")).expect("write to string");
    // The position in `ALL` of each id's number, plus one (0: no such rule): a rule's slot is found from its
    // id's digits, without hashing or comparing strings.
    let mut slots = vec![0usize; 1000];
    for (i, id) in ids.iter().enumerate() {
        let number: usize = id
            .strip_prefix("KFP")
            .and_then(|n| n.parse().ok())
            .filter(|n| *n < 1000 && id.len() == 6)
            .unwrap_or_else(|| panic!("rule id {id}: not KFP followed by three digits"));
        slots[number] = i + 1;
    }
    writeln!(code, "    pub(crate) const SLOTS: [u8; 1000] = {slots:?};").expect("write to string");
    code.push_str("}\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("rule_files.rs");
    std::fs::write(out, code).expect("write rule_files.rs");
}
