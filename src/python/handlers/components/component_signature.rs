//! The parameters and return annotation of v1 function components
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py>; kfp 2.17.3's
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/component_factory.py>):
//! - KFP107 v1 type names as string annotations (`x: 'Integer'`) → builtins;
//! - KFP108 unannotated parameters → `str`;
//! - KFP109 `InputPath(str)` (a parameter passed as a file: fails at run time in kfp 2);
//! - KFP110 dict-style multiple outputs (`-> {'a': int}`) → `NamedTuple`;
//! - KFP111 open-file parameters (`InputTextFile`, `OutputBinaryFile`, …) → paths the body opens;
//! - KFP112 `mlpipeline_ui_metadata` / `mlpipeline_metrics` outputs;
//! - KFP115 `InputArtifact` / `OutputArtifact` → `Input[...]` / `Output[...]`.

use super::artifact_annotation::artifact_parameter;
use super::dict_return_annotation::dict_return;
use super::file_object_parameter::file_object_parameters;
use super::helpers::is_parameter_type;
use super::input_path_parameter_type::parameter_path;
use super::mlpipeline_output::special_output;
use super::type_string_annotation::type_string;
use super::unannotated_component_parameter::unannotated;
use crate::python::checker::Checker;
use crate::python::components::{
    Annotation, applied_name, classify_annotation, parameters, str_literal, v1_port_name,
};
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};

pub fn check_function(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let mut file_objects = Vec::new();
    for arg in parameters(function) {
        let annotation_expr = arg.parameter.annotation.as_deref();
        let annotation = classify_annotation(&checker.model, annotation_expr);
        let name = arg.parameter.name.as_str();
        match (annotation, annotation_expr) {
            (Annotation::Missing, _) => unannotated(checker, arg),
            (Annotation::Value(_), Some(e)) => {
                if let Some(type_name) = str_literal(e) {
                    type_string(checker, e, &type_name);
                }
            }
            (Annotation::Path { output: false }, Some(Expr::Call(c))) => {
                if let Some(t) = c.arguments.args.first().filter(|t| is_parameter_type(t)) {
                    parameter_path(checker, e_range(annotation_expr), name, t);
                }
            }
            (Annotation::FileLike { output }, Some(e)) => match file_object_mode(checker, e) {
                Some(mode) => file_objects.push((arg, e, mode, output)),
                None => artifact_parameter(checker, name, e, output),
            },
            _ => {}
        }
        if matches!(
            annotation,
            Annotation::Path { output: true } | Annotation::FileLike { output: true }
        ) {
            let v1 = v1_port_name(name, annotation);
            if v1 == "mlpipeline_ui_metadata" || v1 == "mlpipeline_metrics" {
                special_output(checker, arg, &v1);
            }
        }
    }
    if let Some(returns) = function.returns.as_deref()
        && let Expr::Dict(d) = returns
    {
        dict_return(checker, returns, d);
    }
    for field_type in named_tuple_string_types(checker, function.returns.as_deref()) {
        if let Some(type_name) = str_literal(field_type) {
            type_string(checker, field_type, &type_name);
        }
    }
    if !file_objects.is_empty() {
        file_object_parameters(checker, function, &file_objects);
    }
}

/// The field types written as strings in a `NamedTuple('Outputs', [('n', 'Integer'), ...])` return
/// annotation: kfp 2 reads each as an artifact type (`Artifacts must have both a schema_title and a
/// schema_version`), kfp 1 as a type name.
fn named_tuple_string_types<'a>(checker: &Checker, returns: Option<&'a Expr>) -> Vec<&'a Expr> {
    let Some(Expr::Call(call)) = returns else {
        return Vec::new();
    };
    if checker.qualified_name(&call.func).as_deref() != Some("typing.NamedTuple") {
        return Vec::new();
    }
    let elts: &'a [Expr] = match call.arguments.args.get(1) {
        Some(Expr::List(l)) => &l.elts,
        Some(Expr::Tuple(t)) => &t.elts,
        _ => return Vec::new(),
    };
    elts.iter()
        .filter_map(|field| match field {
            Expr::Tuple(t) if t.elts.len() == 2 && t.elts[1].is_string_literal_expr() => {
                Some(&t.elts[1])
            }
            _ => None,
        })
        .collect()
}

fn e_range(e: Option<&Expr>) -> std::ops::Range<usize> {
    e.map(range).unwrap_or(0..0)
}

/// How the function body must open a file-object parameter, `None` for `InputArtifact`/`OutputArtifact`.
fn file_object_mode(checker: &Checker, annotation: &Expr) -> Option<&'static str> {
    let q = applied_name(&checker.model, annotation)?;
    Some(match q.rsplit('.').next()? {
        "InputTextFile" => "r",
        "InputBinaryFile" => "rb",
        "OutputTextFile" => "w",
        "OutputBinaryFile" => "wb",
        _ => return None,
    })
}
