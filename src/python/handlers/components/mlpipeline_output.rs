//! KFP112 on the definition: the special outputs become ordinary ones.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// KFP112 on the definition: the special outputs become ordinary ones.
pub(crate) fn special_output(
    checker: &mut Checker,
    arg: &ast::ParameterWithDefault,
    v1_name: &str,
) {
    let Some(rule) = checker.enabled(id::KFP112) else {
        return;
    };
    let replacement = if v1_name == "mlpipeline_metrics" {
        "`dsl.Output[dsl.Metrics]` and `metrics.log_metric(name, value)`"
    } else {
        "`dsl.Output[dsl.HTML]` / `dsl.Output[dsl.Markdown]` (write the page to `.path`) or `dsl.Output[dsl.ClassificationMetrics]`"
    };
    let d = Diagnostic::new(
        rule.code,
        range(&arg.parameter),
        rule.message_with(&[
            ("name", arg.parameter.name.as_str()),
            ("replacement", replacement),
        ]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
