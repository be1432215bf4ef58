//! KFP421: fields of `kfp.Client` results that kfp 2 renamed
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/_client.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/client/client.py>). kfp 1 returned the v1 API
//! models (`ApiRun.id`, `.status`; `ApiRunDetail.run`; `ApiExperiment.id`; …), kfp 2 the v2beta1 ones
//! (`V2beta1Run.run_id`, `.state`; `V2beta1Experiment.experiment_id`; …).
//!
//! A field is rewritten only where its object is traceably a client result in the same function: the call
//! itself (`client.get_run(id).run.status`), a name assigned from it, a loop over a result list, or a field
//! leading to one (`detail.run`, `result.run_info`). A result handed to the caller gets a diagnostic.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::KfpObject;

const RULE: &str = id::KFP421;

/// The v1 models a client call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Model {
    /// `ApiRun` (→ `V2beta1Run`).
    Run,
    /// `ApiRunDetail` (→ `V2beta1Run`: the detail *is* the run).
    RunDetail,
    /// `RunPipelineResult` (`run_id` kept, `run_info` an `ApiRun`).
    RunResult,
    Experiment,
    Pipeline,
    PipelineVersion,
    /// `ApiJob` (→ `V2beta1RecurringRun`).
    Job,
    RunList,
    ExperimentList,
    PipelineList,
    JobList,
}

fn model_of_method(method: &str) -> Option<Model> {
    Some(match method {
        "run_pipeline" => Model::Run,
        "get_run" | "wait_for_run_completion" => Model::RunDetail,
        "create_run_from_pipeline_func" | "create_run_from_pipeline_package" => Model::RunResult,
        "create_experiment" | "get_experiment" => Model::Experiment,
        "upload_pipeline" | "get_pipeline" => Model::Pipeline,
        "upload_pipeline_version" | "get_pipeline_version" => Model::PipelineVersion,
        "create_recurring_run" | "get_recurring_run" => Model::Job,
        "list_runs" => Model::RunList,
        "list_experiments" => Model::ExperimentList,
        "list_pipelines" => Model::PipelineList,
        "list_recurring_runs" => Model::JobList,
        _ => return None,
    })
}

/// What a field of a v1 model becomes.
enum Field {
    /// Renamed, same meaning.
    Renamed(&'static str),
    /// `detail.run.x` → `detail.x`: the v2 result is the run itself.
    Dropped,
    /// Keeps its name and leads to another model.
    Same(Model),
    /// No one-to-one replacement.
    Manual(&'static str),
}

fn field_of(model: Model, field: &str) -> Option<Field> {
    use Model::*;
    Some(match (model, field) {
        (Run, "id") => Field::Renamed("run_id"),
        (Run, "name") => Field::Renamed("display_name"),
        (Run, "status") => Field::Renamed("state"),
        (Run, "resource_references") => Field::Manual(
            "kfp 2 runs carry `experiment_id` and `pipeline_version_reference` instead",
        ),
        (Run, "pipeline_spec") => Field::Manual(
            "kfp 2 runs carry the compiled pipeline spec as a dict, or a `pipeline_version_reference`",
        ),
        (Run, "metrics") => {
            Field::Manual("kfp 2 runs have no run metrics; read the metrics artifacts")
        }
        (RunDetail, "run") => Field::Dropped,
        (RunDetail, "pipeline_runtime") => Field::Manual(
            "kfp 2 has no Argo workflow manifest; task details are in `run_details.task_details`",
        ),
        (RunResult, "run_info") => Field::Same(Run),
        (Experiment, "id") => Field::Renamed("experiment_id"),
        (Experiment, "name") => Field::Renamed("display_name"),
        (Experiment, "resource_references") => {
            Field::Manual("kfp 2 experiments carry `namespace` instead")
        }
        (Pipeline, "id") => Field::Renamed("pipeline_id"),
        (Pipeline, "default_version") => Field::Manual(
            "kfp 2 pipelines have no default version field: list versions with `list_pipeline_versions(pipeline_id)`",
        ),
        (PipelineVersion, "id") => Field::Renamed("pipeline_version_id"),
        (Job, "id") => Field::Renamed("recurring_run_id"),
        (Job, "name") => Field::Renamed("display_name"),
        (Job, "enabled") => {
            Field::Manual("kfp 2 recurring runs have `status` (`ENABLED`/`DISABLED`) instead")
        }
        (JobList, "jobs") => Field::Renamed("recurring_runs"),
        _ => return None,
    })
}

/// The element model of a list field (`runs` of a run list).
fn element_of(model: Model, field: &str) -> Option<Model> {
    Some(match (model, field) {
        (Model::RunList, "runs") => Model::Run,
        (Model::ExperimentList, "experiments") => Model::Experiment,
        (Model::PipelineList, "pipelines") => Model::Pipeline,
        (Model::JobList, "jobs" | "recurring_runs") => Model::Job,
        _ => return None,
    })
}

/// v1 run statuses (Argo phases) and the kfp 2 states they compare as.
const STATUS_VALUES: &[(&str, &str)] = &[
    ("Succeeded", "SUCCEEDED"),
    ("Failed", "FAILED"),
    ("Running", "RUNNING"),
    ("Pending", "PENDING"),
    ("Skipped", "SKIPPED"),
];

/// The model an expression evaluates to, traced through calls, names, loops and fields.
fn model_of(checker: &Checker, expr: &Expr, depth: usize) -> Option<Model> {
    if depth > 8 {
        return None;
    }
    match expr {
        Expr::Call(c) => {
            let Expr::Attribute(a) = c.func.as_ref() else {
                return None;
            };
            let method = a.attr.as_str();
            let receiver = checker
                .pipelines
                .object_kind(&checker.model, checker.scope, &a.value);
            if receiver == Some(KfpObject::Client) {
                return model_of_method(method);
            }
            (method == "wait_for_run_completion"
                && model_of(checker, &a.value, depth + 1) == Some(Model::RunResult))
            .then_some(Model::RunDetail)
        }
        Expr::Name(n) => {
            let Some(Resolved::Binding(b)) = checker.resolve(n.id.as_str(), range(expr).start)
            else {
                return None;
            };
            if let Some(value) = checker.pipelines.values.get(&b) {
                return model_of(checker, value, depth + 1);
            }
            let iterable = checker.pipelines.elements.get(&b)?;
            let Expr::Attribute(a) = iterable else {
                return None;
            };
            element_of(model_of(checker, &a.value, depth + 1)?, a.attr.as_str())
        }
        Expr::Attribute(a) => {
            match field_of(model_of(checker, &a.value, depth + 1)?, a.attr.as_str())? {
                Field::Same(m) => Some(m),
                // `detail.run` is the run (kept in kfp 2 as the detail itself).
                Field::Dropped => Some(Model::Run),
                _ => None,
            }
        }
        Expr::Subscript(s) => {
            let Expr::Attribute(a) = s.value.as_ref() else {
                return None;
            };
            element_of(model_of(checker, &a.value, depth + 1)?, a.attr.as_str())
        }
        _ => None,
    }
}

/// An attribute chain in load context, from its outermost attribute (`detail.run.status`). Calls and
/// subscripts inside the chain are visited, and checked, on their own.
pub fn check_attribute(checker: &mut Checker, outermost: &ast::ExprAttribute) {
    if checker.enabled(RULE).is_none() {
        return;
    }
    let mut at = outermost;
    loop {
        check_field(checker, at);
        match at.value.as_ref() {
            Expr::Attribute(inner) => at = inner,
            _ => break,
        }
    }
}

fn attr_range(a: &ast::ExprAttribute) -> Range<usize> {
    let end = range(a).end;
    end - a.attr.as_str().len()..end
}

fn check_field(checker: &mut Checker, a: &ast::ExprAttribute) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let Some(model) = model_of(checker, &a.value, 0) else {
        return;
    };
    let field = a.attr.as_str();
    let Some(what) = field_of(model, field) else {
        return;
    };
    let name_range = attr_range(a);
    let (replacement, edits) = match what {
        Field::Renamed(new) => {
            let mut edits = vec![Edit::replace(name_range.clone(), new)];
            if new == "state" {
                edits.extend(status_literals(checker, a));
            }
            (format!("`.{new}`"), edits)
        }
        Field::Dropped => (
            "the result itself (drop `.run`)".to_string(),
            vec![Edit::delete(range(a.value.as_ref()).end..range(a).end)],
        ),
        Field::Same(_) => return,
        Field::Manual(guidance) => {
            let d = Diagnostic::new(
                rule.code,
                name_range,
                rule.message_with(&[("name", field), ("replacement", guidance)]),
            )
            .with_fix_title(rule.fix_title.clone());
            checker.report(d);
            return;
        }
    };
    let d = Diagnostic::new(
        rule.code,
        name_range,
        rule.message_with(&[("name", field), ("replacement", &replacement)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(Some(Fix::new(rule.fix.applicability(), edits)));
    checker.report(d);
}

/// `run.status == 'Succeeded'` → `'SUCCEEDED'`: the literals a renamed status is compared with.
fn status_literals(checker: &Checker, a: &ast::ExprAttribute) -> Vec<Edit> {
    let r = range(a);
    let Some(compare) = checker.pipelines.compares.get(&r.start) else {
        return Vec::new();
    };
    let operands: Vec<&Expr> = std::iter::once(compare.left.as_ref())
        .chain(&compare.comparators)
        .collect();
    if !operands.iter().any(|o| range(*o) == r) {
        return Vec::new();
    }
    let mut edits = Vec::new();
    for operand in operands {
        let literals: Vec<&Expr> = match operand {
            e if crate::python::literals::is_constant(e) => vec![operand],
            Expr::List(l) => l.elts.iter().collect(),
            Expr::Tuple(t) => t.elts.iter().collect(),
            Expr::Set(s) => s.elts.iter().collect(),
            _ => continue,
        };
        for literal in literals {
            let Some(s) = crate::python::literals::str_value(literal) else {
                continue;
            };
            if let Some((_, v2)) = STATUS_VALUES.iter().find(|(v1, _)| *v1 == s) {
                let text = checker.text(range(literal));
                edits.push(Edit::replace(range(literal), text.replace(s, v2)));
            }
        }
    }
    edits
}

/// A client call whose result the function returns: its fields change for every caller.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    // The callee's own chain (`detail.run.status.lower()`): the checker visits callees as chains.
    check_attribute(checker, a);
    if !checker.pipelines.returned.contains(&call_range.start) {
        return;
    }
    let Some(model) = model_of_method(a.attr.as_str()) else {
        return;
    };
    if model == Model::RunResult {
        // `run_id`, what callers read, is unchanged.
        return;
    }
    if checker
        .pipelines
        .object_kind(&checker.model, checker.scope, &a.value)
        != Some(KfpObject::Client)
    {
        return;
    }
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let fields = match model {
        Model::Run | Model::RunDetail => {
            "`.id` → `.run_id`, `.status` → `.state` (upper case), `.run` is the run itself"
        }
        Model::Experiment => "`.id` → `.experiment_id`, `.name` → `.display_name`",
        Model::Pipeline => "`.id` → `.pipeline_id`",
        Model::PipelineVersion => "`.id` → `.pipeline_version_id`",
        Model::Job | Model::JobList => "`.id` → `.recurring_run_id`, `.jobs` → `.recurring_runs`",
        _ => "the list items are the v2beta1 models (`.run_id`, `.experiment_id`, `.pipeline_id`)",
    };
    let name = format!("{}(...)", a.attr.as_str());
    let d = Diagnostic::new(
        rule.code,
        call_range,
        format!(
            "The result of `{name}` is returned to callers, whose field reads kfp 2 renamed: {fields}"
        ),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
