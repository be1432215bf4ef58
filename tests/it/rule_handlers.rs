//! Every rule file names the code that implements it (`handler:`), and that code exists: a newcomer goes from a
//! rule id to its handler with one `grep`, and a handler that moves or is renamed fails here, not in review.

use std::path::Path;

use kfp_upgrade::registry::registry;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_names_a_handler_that_exists_and_reports_it() {
    let mut problems = Vec::new();
    for rule in &registry().rules {
        let h = &rule.handler;
        let file = h.source_file();
        let Ok(text) = std::fs::read_to_string(manifest().join(&file)) else {
            problems.push(format!("{}: handler module {file} does not exist", rule.id));
            continue;
        };
        let Some(body) = function_body(&text, &h.function) else {
            problems.push(format!("{}: {file} has no `fn {}`", rule.id, h.function));
            continue;
        };
        if h.data {
            let data = [
                ("table", !rule.table.is_empty()),
                ("keyword_renames", !rule.keyword_renames.is_empty()),
                ("method_moves", !rule.method_moves.is_empty()),
            ];
            if !data.iter().any(|(_, has)| *has) {
                problems.push(format!(
                    "{}: `handler: data …` but the rule has no data",
                    rule.id
                ));
            }
            for (field, _) in data.iter().filter(|(_, has)| *has) {
                if !text.contains(&format!(".{field}")) {
                    problems.push(format!("{}: {file} does not read `{field}`", rule.id));
                }
            }
        } else if !names_rule(&text, body, &rule.id) {
            problems.push(format!(
                "{}: `{}` in {file} never names `id::{}` (or a constant bound to it), so it cannot report the rule",
                rule.id, h.function, rule.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of the top-level (or `impl`-level) function `name` of a module: from its `fn` line to the next
/// item at its indentation.
fn function_body<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.trim_start();
        let indent = line.len() - code.len();
        let is_item = indent == 0 && !code.is_empty() && !line.starts_with([' ', '}', ')', '\n']);
        match start {
            None => {
                let bare = code
                    .trim_start_matches("pub(crate) ")
                    .trim_start_matches("pub ");
                if indent == 0 && bare.starts_with(&format!("fn {name}(")) {
                    start = Some(offset);
                }
            }
            Some(s) if is_item && !code.starts_with("//") && !code.starts_with("#[") => {
                return Some(&text[s..offset]);
            }
            Some(_) => {}
        }
        offset += line.len();
    }
    start.map(|s| &text[s..])
}

/// Whether a function names rule `id`: its constant, or a module constant bound to it.
fn names_rule(module: &str, body: &str, id: &str) -> bool {
    let constant = format!("id::{id}");
    let mentions = |word: &str| {
        body.match_indices(word).any(|(i, _)| {
            let after = body[i + word.len()..].chars().next();
            !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    if mentions(&constant) {
        return true;
    }
    module.lines().any(|line| {
        let line = line
            .trim_start()
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        line.strip_prefix("const ")
            .and_then(|rest| rest.split_once(": &str = "))
            .is_some_and(|(name, value)| value.trim_end_matches(';') == constant && mentions(name))
    })
}

/// Code names a rule by its generated constant (`id::KFP204`), which does not compile for an id the data
/// lacks; a string literal would, so none is left.
#[test]
fn code_names_rules_by_their_generated_constants() {
    let mut literals = Vec::new();
    for entry in walkdir::WalkDir::new(manifest().join("src")) {
        let path = entry.unwrap().into_path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let bytes = line.as_bytes();
            for (i, _) in line.match_indices("\"KFP") {
                let digits = &bytes[i + 4..];
                if digits.len() > 3
                    && digits[..3].iter().all(u8::is_ascii_digit)
                    && digits[3] == b'"'
                    && !line.contains("KFP999")
                {
                    literals.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        literals.is_empty(),
        "rule ids as string literals:\n{}",
        literals.join("\n")
    );
}

#[test]
fn every_rule_in_the_data_has_a_generated_constant() {
    let ids: Vec<&str> = registry().rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, kfp_upgrade::registry::id::ALL);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(kfp_upgrade::registry::slot(id), Some(i), "{id}");
    }
    for unknown in ["KFP999", "KFP", "KFP1", "kfp001", "KFP0011", "XYZ001"] {
        assert_eq!(kfp_upgrade::registry::slot(unknown), None, "{unknown}");
    }
}

#[test]
fn a_malformed_handler_is_rejected() {
    use kfp_upgrade::registry::Handler;
    for bad in [
        "",
        "check",
        "python::handlers::",
        "Python::x::f",
        "data ",
        "python::handlers::x::f g",
    ] {
        assert!(Handler::try_from(bad.to_string()).is_err(), "{bad:?}");
    }
    let h =
        Handler::try_from("data python::handlers::name_table::check_chain".to_string()).unwrap();
    assert!(h.data);
    assert_eq!(h.source_file(), "src/python/handlers/name_table.rs");
    assert_eq!(h.function, "check_chain");
}
