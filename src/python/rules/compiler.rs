//! The compiler and the client's submit call
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/client/client.py>):
//! - KFP401 `Compiler(mode=..., launcher_image=...)` → `Compiler()`;
//! - KFP403 `compile(f, 'x.tar.gz')` (an archive, or kfp 1.8's `.json` job spec) → `.yaml`;
//! - KFP404 `compile(..., type_check=False)` and kfp-tekton's `tekton_pipeline_conf=`;
//! - KFP420 `Client().create_run_from_pipeline_func(..., mode=, launcher_image=)`.

use crate::rules::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::delete_argument;
use crate::python::literals::str_value;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::{KfpObject, argument, keyword};

const COMPILER_MODE_RULE: &str = id::KFP401;
const PACKAGE_PATH_RULE: &str = id::KFP403;
const COMPILE_ARGUMENT_RULE: &str = id::KFP404;
const CLIENT_ARGUMENT_RULE: &str = id::KFP420;

/// Output suffixes kfp 2's compiler rejects (archives) or deprecates (`.json`), longest first.
const OLD_SUFFIXES: &[&str] = &[".tar.gz", ".tgz", ".zip", ".json"];

pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    if let Some(callee) = checker.qualified_name(&call.func)
        && KfpObject::constructed_by(&callee) == Some(KfpObject::Compiler)
    {
        compiler_mode(checker, call);
    }
    let Expr::Attribute(method) = call.func.as_ref() else {
        return;
    };
    let object = checker
        .pipelines
        .object_kind(&checker.model, checker.scope, &method.value);
    match (object, method.attr.as_str()) {
        (Some(KfpObject::Compiler), "compile") => {
            package_path(checker, call);
            compile_arguments(checker, call);
        }
        (Some(KfpObject::Client), "create_run_from_pipeline_func") => {
            client_arguments(checker, call, call_range);
        }
        _ => {}
    }
}

/// KFP401: kfp 2's `Compiler()` takes no arguments.
fn compiler_mode(checker: &mut Checker, call: &ast::ExprCall) {
    if call.arguments.args.is_empty() && call.arguments.keywords.is_empty() {
        return;
    }
    let Some(rule) = checker.enabled(COMPILER_MODE_RULE) else {
        return;
    };
    let mut all: Vec<Range<usize>> = call.arguments.args.iter().map(range).collect();
    all.extend(call.arguments.keywords.iter().map(range));
    all.sort_by_key(|r| r.start);
    let span = all[0].start..all[all.len() - 1].end;
    let fix = (!checker.module.has_comment_in(span.clone()))
        .then(|| Fix::new(rule.fix.applicability(), vec![Edit::delete(span.clone())]));
    let d = Diagnostic::new(rule.code, span, rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// The range of a string literal's old suffix (`.tar.gz` in `'pipeline.tar.gz'`), and the suffix.
fn old_suffix(checker: &Checker, literal: &Expr) -> Option<(Range<usize>, &'static str)> {
    let is_text = match literal {
        Expr::StringLiteral(_) | Expr::FString(_) => true,
        // `os.path.join(out_dir, 'pipeline.tar.gz')`: the last part names the file.
        Expr::Call(c)
            if checker.qualified_name(&c.func).as_deref() == Some("os.path.join")
                && c.arguments.keywords.is_empty() =>
        {
            return old_suffix(checker, c.arguments.args.last()?);
        }
        _ => false,
    };
    if !is_text {
        return None;
    }
    let r = range(literal);
    let text = checker.text(r.clone());
    let quotes = text.len() - text.trim_end_matches(['\'', '"']).len();
    // A closing `'''` or `"""`, or one quote.
    let quotes = if quotes >= 3 { 3 } else { quotes.min(1) };
    let body = &text[..text.len() - quotes];
    let suffix = OLD_SUFFIXES.iter().find(|s| body.ends_with(**s))?;
    let end = r.start + body.len();
    Some((end - suffix.len()..end, suffix))
}

/// KFP403: `compile(f, 'x.tar.gz')` raises in kfp 2; `.json` is deprecated.
fn package_path(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(path) = argument(call, 1, "package_path") else {
        return;
    };
    let Some((suffix_range, suffix)) = old_suffix(checker, path) else {
        return;
    };
    let Some(rule) = checker.enabled(PACKAGE_PATH_RULE) else {
        return;
    };
    let details = if suffix == ".json" {
        "kfp 2 writes `.json` with a deprecation warning and prefers `.yaml`"
    } else {
        "kfp 2 raises `ValueError: The output path ... should end with \".yaml\"` for archives"
    };
    let mut edits = vec![Edit::replace(suffix_range, ".yaml")];
    // The same file read back by an upload or submit call of this module (`upload_pipeline('p.tar.gz')`) is
    // renamed with it.
    if let Some(written) = str_value(path) {
        for reader in checker.pipelines.package_paths.clone() {
            if str_value(reader) == Some(written)
                && let Some((read_range, _)) = old_suffix(checker, reader)
            {
                edits.push(Edit::replace(read_range, ".yaml"));
            }
        }
    }
    let fix = Fix::new(rule.fix.applicability(), edits);
    let d = Diagnostic::new(
        rule.code,
        range(path),
        rule.message_with(&[("name", suffix), ("details", details)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(Some(fix));
    // The rule is a warning (`.json` still compiles, with a DeprecationWarning); an archive output raises.
    let d = if suffix == ".json" {
        d
    } else {
        d.with_severity(crate::rules::Severity::Error)
    };
    checker.report(d);
}

/// KFP404: compile arguments kfp 2 ignores or does not know.
fn compile_arguments(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(COMPILE_ARGUMENT_RULE) else {
        return;
    };
    let mut findings: Vec<(Range<usize>, &str, &str)> = Vec::new();
    if let Some(k) = keyword(call, "type_check")
        && matches!(&k.value, Expr::BooleanLiteral(b) if !b.value)
    {
        findings.push((
            range(k),
            "type_check=False",
            "kfp 2 raises task-argument type errors whatever its value: fix the mismatched types, then remove it",
        ));
    }
    if let Some(k) = keyword(call, "tekton_pipeline_conf") {
        findings.push((
            range(k),
            "tekton_pipeline_conf=",
            "it is kfp-tekton's and has no kfp 2 equivalent: move what it sets to `dsl.PipelineConfig` and per-task `kfp.kubernetes` calls, then remove it",
        ));
    }
    // kfp 1: compile(pipeline_func, package_path, type_check, pipeline_conf); kfp 2: compile(pipeline_func,
    // package_path, pipeline_name, pipeline_display_name, ...). A bool third argument or a non-string fourth one
    // is kfp 1's; strings are kfp 2's names.
    let is_str = |e: &Expr| matches!(e, Expr::StringLiteral(_) | Expr::FString(_));
    let v1_positional = call
        .arguments
        .args
        .get(2)
        .is_some_and(|a| matches!(a, Expr::BooleanLiteral(_)))
        || call.arguments.args.get(3).is_some_and(|a| !is_str(a));
    if v1_positional {
        findings.push((
            range(&call.arguments.args[2]).start
                ..range(&call.arguments.args[call.arguments.args.len() - 1]).end,
            "positional `type_check`/`pipeline_conf`",
            "kfp 2's third parameter is `pipeline_name`: pass them by keyword",
        ));
    }
    for (r, name, details) in findings {
        let d = Diagnostic::new(
            rule.code,
            r,
            rule.message_with(&[("name", name), ("details", details)]),
        )
        .with_fix_title(rule.fix_title.clone());
        checker.report(d);
    }
}

/// v1 `create_run_from_pipeline_func` parameters kfp 2 removed (`pipeline_conf` is KFP330's).
const REMOVED_CLIENT_ARGUMENTS: &[&str] = &["mode", "launcher_image", "tekton_pipeline_conf"];

/// KFP420: `create_run_from_pipeline_func(..., mode=..., launcher_image=...)` → dropped.
fn client_arguments(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Some(rule) = checker.enabled(CLIENT_ARGUMENT_RULE) else {
        return;
    };
    for k in &call.arguments.keywords {
        let Some(name) = k.arg.as_ref().map(|a| a.as_str()) else {
            continue;
        };
        if !REMOVED_CLIENT_ARGUMENTS.contains(&name) {
            continue;
        }
        let r = range(k);
        let fix = delete_argument(call, &r)
            .filter(|_| !checker.module.has_comment_in(r.clone()))
            .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
        let d = Diagnostic::new(rule.code, r, rule.message_with(&[("name", name)]))
            .with_fix_title(rule.fix_title_with(&[("name", name)]))
            .with_fix(fix);
        checker.report(d);
    }
    // v1 order: pipeline_func, arguments, run_name, experiment_name, pipeline_conf, namespace, mode, …
    if call.arguments.args.len() > 4 {
        let r = range(&call.arguments.args[4]).start
            ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
        let d = Diagnostic::new(
            rule.code,
            r.start..r.end.min(call_range.end),
            rule.message_with(&[("name", "positional arguments after `experiment_name`")]),
        )
        .with_fix_title(
            "Pass the arguments by keyword, without `pipeline_conf`, `mode` and `launcher_image`",
        );
        checker.report(d);
    }
}
