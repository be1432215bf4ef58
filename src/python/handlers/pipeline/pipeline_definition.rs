//! Pipeline definitions
//! (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_context.py>):
//! - KFP301 a function compiled or submitted as a pipeline without `@dsl.pipeline`;
//! - KFP302 `@dsl.pipeline('name', 'description')` with positional options;
//! - KFP303 a pipeline name kfp 2 sanitises (`'My Pipeline'` → `my-pipeline`) without `display_name=`;
//! - KFP304 unannotated pipeline parameters (typed from their default);
//! - KFP305 pipeline parameters annotated with v1 type names (`x: 'Integer'`);
//! - KFP307 `.ignore_type()` on a pipeline parameter or task output.

// kfp 2\'s pipeline-name sanitiser, which `yaml` uses too.
use super::pipeline_parameter_type_name::type_name;
use super::positional_pipeline_options::positional_options;
use super::sanitized_pipeline_name::display_name;
pub(crate) use super::sanitized_pipeline_name::sanitize_pipeline_name;
use super::unannotated_pipeline_parameter::unannotated;
use super::undecorated_pipeline::undecorated;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::parameters;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// Every pipeline function of the module, before the walk.
pub fn check_module(checker: &mut Checker) {
    let pipelines = checker.pipelines.pipelines.clone();
    for pipeline in &pipelines {
        match pipeline.decorator {
            None => undecorated(checker, pipeline),
            Some(decorator) => {
                if let Expr::Call(call) = decorator {
                    positional_options(checker, call);
                    display_name(checker, call);
                }
            }
        }
        for arg in parameters(pipeline.def) {
            match arg.parameter.annotation.as_deref() {
                None => unannotated(checker, pipeline.def, arg),
                Some(annotation) => type_name(checker, annotation),
            }
        }
    }
}

/// KFP307: `param.ignore_type()`: kfp 2 channels have no `ignore_type` (and no way to skip type checks).
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    if a.attr.as_str() != "ignore_type"
        || !call.arguments.args.is_empty()
        || !call.arguments.keywords.is_empty()
    {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP307) else {
        return;
    };
    if !is_pipeline_value(checker, &a.value, call_range.start) {
        return;
    }
    let receiver = checker.text(range(a.value.as_ref())).to_string();
    let fix = Fix::new(
        rule.fix.applicability(),
        vec![Edit::replace(call_range.clone(), receiver.clone())],
    );
    let d = Diagnostic::new(
        rule.code,
        call_range,
        rule.message_with(&[("name", &receiver)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(Some(fix));
    checker.report(d);
}

/// Evidence that an expression inside a pipeline function is a kfp value: a parameter of the pipeline, a task
/// output (`t.output`, `t.outputs['x']`), or a `dsl.PipelineParam(...)`.
pub(crate) fn is_pipeline_value(checker: &Checker, expr: &Expr, at: usize) -> bool {
    match expr {
        Expr::Call(c) => matches!(
            checker.qualified_name(&c.func).as_deref(),
            Some("kfp.dsl.PipelineParam" | "kfp.dsl._pipeline_param.PipelineParam")
        ),
        Expr::Attribute(a) => a.attr.as_str() == "output" && in_pipeline(checker, at),
        Expr::Subscript(s) => {
            matches!(s.value.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "outputs")
                && in_pipeline(checker, at)
        }
        Expr::Name(n) => {
            let Some(pipeline) = checker.pipelines.pipeline_at(at) else {
                return false;
            };
            let is_parameter =
                parameters(pipeline.def).any(|p| p.parameter.name.as_str() == n.id.as_str());
            // The name must still be the parameter here (not rebound by the body).
            is_parameter
                && matches!(checker.resolve(n.id.as_str(), range(expr).start),
                    Some(Resolved::Binding(b)) if parameters(pipeline.def)
                        .any(|p| range(&p.parameter) == checker.model.bindings[b].range))
        }
        _ => false,
    }
}

fn in_pipeline(checker: &Checker, at: usize) -> bool {
    checker.pipelines.pipeline_at(at).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_names_are_sanitised_like_kfp2() {
        // kfp 2.17.3: re.sub('-+', '-', re.sub('[^-0-9a-z]+', '-', name.lower())).strip('-')
        assert_eq!(
            sanitize_pipeline_name("My Pipeline_v1 name!"),
            "my-pipeline-v1-name"
        );
        assert_eq!(sanitize_pipeline_name("Nightly Report"), "nightly-report");
        assert_eq!(sanitize_pipeline_name("--a--b--"), "a-b");
        assert_eq!(sanitize_pipeline_name("echo-2"), "echo-2");
        assert_eq!(sanitize_pipeline_name("Ünïcode"), "n-code");
    }
}
