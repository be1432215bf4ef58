//! Shell scripts, Makefiles and CI configuration: KFP405, kfp 1's `dsl-compile` command
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/compiler/main.py>).
//!
//! These files are scanned for that one command only, line by line (comments skipped, `\` continuations
//! followed); nothing else in them is interpreted.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::noqa;
use crate::registry::registry;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

pub const RULE: &str = id::KFP405;

/// Bytes a file must contain to be worth scanning.
pub const PREFILTER: &[u8] = b"dsl-compile";

/// The commands: kfp 1's Argo compiler and kfp 1.8's v2-namespace compiler.
const COMMANDS: &[&str] = &["dsl-compile-v2", "dsl-compile"];

/// One `dsl-compile` invocation.
struct Invocation {
    /// From the command name to the end of its last argument.
    range: Range<usize>,
    command: &'static str,
    /// Spread over several lines with `\`.
    continued: bool,
    /// The arguments, as written.
    words: Vec<String>,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')
}

/// Splits a command's text into words, keeping quotes; stops at a shell operator.
fn words(text: &str) -> (Vec<String>, usize) {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut end = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match quote {
            Some(q) => {
                current.push(c);
                if c == q {
                    quote = None;
                }
                end = at + c.len_utf8();
            }
            None => {
                if c == '\'' || c == '"' {
                    quote = Some(c);
                    current.push(c);
                    end = at + 1;
                } else if c.is_whitespace() || c == '\\' {
                    if !current.is_empty() {
                        words.push(std::mem::take(&mut current));
                    }
                } else if matches!(c, ';' | '|' | '&' | ')' | '`') {
                    break;
                } else {
                    current.push(c);
                    end = at + c.len_utf8();
                }
            }
        }
        i += 1;
    }
    if !current.is_empty() {
        words.push(current);
    }
    (words, end)
}

fn find_invocations(text: &str) -> Vec<Invocation> {
    let mut found = Vec::new();
    let mut line_start = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let start_of_line = line_start;
        line_start += line.len();
        index += 1;
        let code = &line[..noqa::code_end(line)];
        let Some((at, command)) = COMMANDS.iter().find_map(|cmd| {
            code.match_indices(cmd).find_map(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = code[i + cmd.len()..].chars().next();
                let bounded = before.is_none_or(|c| !is_word_char(c))
                    && after.is_none_or(|c| !is_word_char(c));
                bounded.then_some((i, *cmd))
            })
        }) else {
            continue;
        };
        // The command's text, following `\` line continuations.
        let mut command_text = code[at + command.len()..].to_string();
        let mut continued = false;
        while command_text.trim_end().ends_with('\\') && index < lines.len() {
            let next = lines[index];
            let trimmed = command_text.trim_end();
            command_text = format!(
                "{} {}",
                &trimmed[..trimmed.len() - 1],
                &next[..noqa::code_end(next)]
            );
            line_start += next.len();
            index += 1;
            continued = true;
        }
        let (words, end) = words(&command_text);
        // A real invocation passes options (`--output` is required); `see dsl-compile docs` is prose.
        if !words.first().is_some_and(|w| w.starts_with("--")) {
            continue;
        }
        let start = start_of_line + at;
        let end = if continued {
            // Only reported (never fixed): the range covers the first line.
            start_of_line + code.trim_end().len()
        } else {
            start + command.len() + end
        };
        found.push(Invocation {
            range: start..end.max(start + command.len()),
            command,
            continued,
            words,
        });
    }
    found
}

/// v1 flags and whether they take a value.
const FLAGS: &[(&str, bool)] = &[
    ("--py", true),
    ("--output", true),
    ("--function", true),
    ("--namespace", true),
    ("--mode", true),
    ("--pipeline-parameters", true),
    ("--disable-type-check", false),
];

/// The `kfp dsl compile` form of an invocation, and notes on what changed; `None` when it cannot be read.
fn translate(invocation: &Invocation) -> Option<(String, Vec<&'static str>)> {
    let mut values: Vec<(&str, Option<String>)> = Vec::new();
    let mut words = invocation.words.iter();
    while let Some(word) = words.next() {
        let (flag, inline) = match word.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (word.as_str(), None),
        };
        let (name, takes_value) = FLAGS.iter().find(|(f, _)| *f == flag)?;
        let value = match (takes_value, inline) {
            (true, Some(v)) => Some(v),
            (true, None) => Some(words.next()?.clone()),
            (false, _) => None,
        };
        values.push((name, value));
    }
    let get = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.clone())
    };
    let py = get("--py")?;
    let mut output = get("--output")?;
    let mut notes = Vec::new();
    let bare = output.trim_matches(['\'', '"']);
    for suffix in [".tar.gz", ".tgz", ".zip", ".json"] {
        if bare.ends_with(suffix) {
            let at = output.rfind(suffix)?;
            output.replace_range(at..at + suffix.len(), ".yaml");
            notes.push("the output is kfp 2 IR YAML (archives are rejected, `.json` deprecated)");
            break;
        }
    }
    let mut form = format!("kfp dsl compile --py {py} --output {output}");
    if let Some(f) = get("--function") {
        form.push_str(&format!(" --function {f}"));
    }
    if let Some(p) = get("--pipeline-parameters") {
        form.push_str(&format!(" --pipeline-parameters {p}"));
    }
    if values.iter().any(|(n, _)| *n == "--disable-type-check") {
        form.push_str(" --disable-type-check");
        notes.push("`--disable-type-check` no longer silences task-argument type errors");
    }
    if get("--mode").is_some() {
        notes.push("`--mode` is gone (kfp 2 has one compiler)");
    }
    if get("--namespace").is_some() {
        notes.push("`--namespace` is gone");
    }
    Some((form, notes))
}

/// Checks one shell, Makefile or CI file.
pub fn check(source: &SourceFile, selection: &RuleSelection) -> Vec<Diagnostic> {
    let Some(rule) = registry().get(RULE).filter(|r| selection.is_enabled(r)) else {
        return Vec::new();
    };
    let mut diagnostics = Vec::new();
    for invocation in find_invocations(&source.text) {
        let translated = translate(&invocation);
        // kfp 2.17 still ships `dsl-compile` (`kfp.cli.compile_`): a plain `--py`/`--output FILE.yaml` command
        // works unchanged, so it is a modernisation (info), not an error.
        let plain = invocation.command == "dsl-compile"
            && translated
                .as_ref()
                .is_some_and(|(_, notes)| notes.is_empty());
        let (title, details) = match &translated {
            Some((form, _)) if plain => (
                format!("Use `{form}`"),
                " (kfp 2.17 still runs it unchanged; `kfp dsl compile` is its documented form)"
                    .to_string(),
            ),
            Some((form, notes)) if notes.is_empty() => (format!("Use `{form}`"), String::new()),
            Some((form, notes)) => (format!("Use `{form}`"), format!(" ({})", notes.join("; "))),
            None => (
                "Use `kfp dsl compile --py FILE --output FILE.yaml [--function NAME]`".to_string(),
                String::new(),
            ),
        };
        let fix = translated
            .filter(|_| !invocation.continued)
            .map(|(form, _)| {
                Fix::new(
                    rule.fix.applicability(),
                    vec![Edit::replace(invocation.range.clone(), form)],
                )
            });
        diagnostics.push(
            Diagnostic::new(
                rule.code,
                invocation.range.clone(),
                rule.message_with(&[("name", invocation.command), ("details", &details)]),
            )
            .with_fix_title(title)
            .with_fix(fix),
        );
        if plain && let Some(d) = diagnostics.last_mut() {
            d.severity = Some(crate::registry::Severity::Info);
        }
    }
    noqa::suppress(
        source,
        &noqa::hash_comments(&source.text),
        diagnostics,
        selection,
        true,
    )
}

/// Whether a file name is one of the shell, Makefile or CI files scanned for `dsl-compile`.
pub fn is_shell_or_ci(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "sh" | "bash" | "mk")
        || matches!(
            name,
            "Makefile" | "makefile" | "GNUmakefile" | "Jenkinsfile"
        )
    {
        return true;
    }
    if !matches!(ext, "yml" | "yaml") {
        return false;
    }
    let in_dir = |dir: &str| path.parent().is_some_and(|p| p.ends_with(dir));
    matches!(
        name,
        ".gitlab-ci.yml"
            | ".gitlab-ci.yaml"
            | ".travis.yml"
            | "azure-pipelines.yml"
            | "azure-pipelines.yaml"
            | "bitbucket-pipelines.yml"
            | "cloudbuild.yaml"
            | "cloudbuild.yml"
    ) || in_dir(".github/workflows")
        || (in_dir(".circleci") && name.starts_with("config."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invocations(text: &str) -> Vec<(String, Option<String>)> {
        find_invocations(text)
            .iter()
            .map(|i| (text[i.range.clone()].to_string(), translate(i).map(|t| t.0)))
            .collect()
    }

    #[test]
    fn finds_commands_and_translates_them() {
        let text = "set -e\n# dsl-compile --py old.py --output old.tar.gz\ndsl-compile --py p.py --output out/p.tar.gz --mode V2_COMPATIBLE && echo ok\n";
        assert_eq!(
            invocations(text),
            [(
                "dsl-compile --py p.py --output out/p.tar.gz --mode V2_COMPATIBLE".to_string(),
                Some("kfp dsl compile --py p.py --output out/p.yaml".to_string())
            )]
        );
    }

    #[test]
    fn follows_continuations_and_keeps_quotes() {
        let text = "run: |\n  dsl-compile-v2 --py \"$SRC/p.py\" \\\n    --output=p.json --function train\n";
        let found = invocations(text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].1.as_deref(),
            Some("kfp dsl compile --py \"$SRC/p.py\" --output p.yaml --function train")
        );
    }

    #[test]
    fn ignores_lookalikes() {
        assert!(invocations("my-dsl-compile --py x\nuse dsl-compiler here\n").is_empty());
        assert!(invocations("echo 'see dsl-compile docs' # dsl-compile --py x\n").is_empty());
    }

    #[test]
    fn unknown_flags_are_not_translated() {
        let found = invocations("dsl-compile --py p.py --output p.yaml --frobnicate\n");
        assert_eq!(found[0].1, None);
    }

    #[test]
    fn recognises_ci_files() {
        use std::path::Path;
        assert!(is_shell_or_ci(Path::new("repo/.github/workflows/ci.yml")));
        assert!(is_shell_or_ci(Path::new("Makefile")));
        assert!(is_shell_or_ci(Path::new("scripts/compile.sh")));
        assert!(!is_shell_or_ci(Path::new(
            "components/train/component.yaml"
        )));
    }
}
