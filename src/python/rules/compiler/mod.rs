//! The compiler and the client's submit call
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/client/client.py>):
//! - KFP401 `Compiler(mode=..., launcher_image=...)` → `Compiler()`;
//! - KFP403 `compile(f, 'x.tar.gz')` (an archive, or kfp 1.8's `.json` job spec) → `.yaml`;
//! - KFP404 `compile(..., type_check=False)` and kfp-tekton's `tekton_pipeline_conf=`;
//! - KFP420 `Client().create_run_from_pipeline_func(..., mode=, launcher_image=)`.

mod client_removed_argument;
mod compile_archive_path;
mod compile_removed_argument;
mod compiler_mode;

use std::ops::Range;

use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::KfpObject;
use client_removed_argument::client_arguments;
use compile_archive_path::package_path;
use compile_removed_argument::compile_arguments;
use compiler_mode::compiler_mode;

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

/// The range of a string literal's old suffix (`.tar.gz` in `'pipeline.tar.gz'`), and the suffix.
pub(crate) fn old_suffix(
    checker: &Checker,
    literal: &Expr,
) -> Option<(Range<usize>, &'static str)> {
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
