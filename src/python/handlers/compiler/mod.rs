//! The compiler and the client's submit call
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/compiler/compiler.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/client/client.py>):
//! - KFP401 `Compiler(mode=..., launcher_image=...)` → `Compiler()`;
//! - KFP403 `compile(f, 'x.tar.gz')` (an archive, or kfp 1.8's `.json` job spec) → `.yaml`;
//! - KFP404 `compile(..., type_check=False)` and kfp-tekton's `tekton_pipeline_conf=`;
//! - KFP420 `Client().create_run_from_pipeline_func(..., mode=, launcher_image=)`;
//! - KFP432 GCPC component calls with keywords GCPC 2 does not accept.

pub(crate) mod aiplatform_client_run;
mod client_removed_argument;
pub(crate) mod client_result_field;
mod compile_archive_path;
mod compile_removed_argument;
mod compiler_mode;
mod gcpc_keywords;
mod helpers;

use std::ops::Range;

use crate::python::checker::Checker;
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::KfpObject;
use client_removed_argument::client_arguments;
use compile_archive_path::package_path;
use compile_removed_argument::compile_arguments;
use compiler_mode::compiler_mode;

pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    if let Some(callee) = checker.qualified_name(&call.func) {
        if KfpObject::constructed_by(&callee) == Some(KfpObject::Compiler) {
            compiler_mode(checker, call);
        }
        gcpc_keywords::check_call(checker, call, &callee);
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
