//! KFP430: kfp 1.8's `AIPlatformClient` (`kfp.v2.google.client`,
//! <https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/v2/google/client/client.py>) submitting to Vertex
//! AI Pipelines. `client.create_run_from_job_spec(...)` becomes `aiplatform.PipelineJob(...).submit(...)` of the Vertex
//! AI SDK; once nothing else uses the client, `client = AIPlatformClient(project_id=, region=)` becomes
//! `aiplatform.init(project=, location=)`. The schedule and job queries get guidance.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::ensure_imported;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::pipelines::{KfpObject, argument};

const RULE: &str = id::KFP430;

/// v1 `create_run_from_job_spec(job_spec_path, job_id, pipeline_root, parameter_values, enable_caching, cmek,
/// service_account, network, labels)` (I1), and where each argument goes.
const RUN_PARAMETERS: &[(&str, Destination)] = &[
    ("job_spec_path", Destination::Job("template_path")),
    ("job_id", Destination::Job("job_id")),
    ("pipeline_root", Destination::Job("pipeline_root")),
    ("parameter_values", Destination::Job("parameter_values")),
    ("enable_caching", Destination::Job("enable_caching")),
    ("cmek", Destination::Job("encryption_spec_key_name")),
    ("service_account", Destination::Submit("service_account")),
    ("network", Destination::Submit("network")),
    ("labels", Destination::Job("labels")),
];

#[derive(Clone, Copy)]
enum Destination {
    /// A keyword of `aiplatform.PipelineJob(...)`.
    Job(&'static str),
    /// A keyword of `.submit(...)`.
    Submit(&'static str),
}

pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    if checker
        .pipelines
        .object_kind(&checker.model, checker.scope, &a.value)
        != Some(KfpObject::AIPlatformClient)
    {
        return;
    }
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let method = a.attr.as_str();
    let (guidance, fix) = match method {
        "create_run_from_job_spec" => (
            "submit with the Vertex AI SDK: `aiplatform.PipelineJob(display_name=, template_path=, ...).submit(service_account=, network=)`",
            run_fix(checker, call, &call_range, &a.value),
        ),
        "create_schedule_from_job_spec" => (
            "create the `aiplatform.PipelineJob(...)` and schedule it with `job.create_schedule(cron=..., display_name=...)` (Cloud Scheduler is no longer involved; `time_zone` goes into the cron string as `TZ=...`)",
            None,
        ),
        "get_job" => (
            "use `aiplatform.PipelineJob.get(resource_name)`, which returns a `PipelineJob` object instead of a dict",
            None,
        ),
        "list_jobs" => (
            "use `aiplatform.PipelineJob.list(filter=..., order_by=...)`, which returns `PipelineJob` objects instead of dicts",
            None,
        ),
        _ => return,
    };
    let name = format!("AIPlatformClient.{method}");
    let d = Diagnostic::new(
        rule.code,
        call_range,
        rule.message_with(&[("name", &name), ("guidance", guidance)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix.map(|edits| Fix::new(rule.fix.applicability(), edits)));
    checker.report(d);
}

/// The `AIPlatformClient(project_id, region)` call a receiver was built by, and its two arguments.
fn constructor<'a>(checker: &Checker<'a>, receiver: &'a Expr) -> Option<(&'a Expr, &'a Expr)> {
    let call = match receiver {
        Expr::Call(c) => c,
        name => match checker
            .pipelines
            .value_of(&checker.model, checker.scope, name)?
        {
            Expr::Call(c) => c,
            _ => return None,
        },
    };
    Some((
        argument(call, 0, "project_id")?,
        argument(call, 1, "region")?,
    ))
}

/// Whether an expression means the same at the run call as where the client was built: a literal, or a
/// name that resolves to the same binding from both places (checked by the caller through the scope).
fn portable(checker: &Checker, e: &Expr) -> bool {
    match e {
        e if crate::python::literals::is_constant(e) => true,
        Expr::Name(n) => checker.resolve(n.id.as_str(), range(e).start).is_some(),
        Expr::Attribute(a) => portable(checker, &a.value),
        _ => false,
    }
}

/// `client.create_run_from_job_spec(path, pipeline_root=r)` as a statement of its own →
/// `aiplatform.PipelineJob(display_name=None, template_path=path, pipeline_root=r, project=P, location=R).submit()`.
fn run_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    call_range: &Range<usize>,
    receiver: &Expr,
) -> Option<Vec<Edit>> {
    // kfp 1 returned the created job as a dict; `.submit()` returns None: rewrite only when the result is
    // not used.
    if !is_expression_statement(&checker.module.body, call_range) {
        return None;
    }
    if call
        .arguments
        .args
        .iter()
        .any(|a| matches!(a, Expr::Starred(_)))
        || call.arguments.keywords.iter().any(|k| k.arg.is_none())
        || checker.module.has_comment_in(call_range.clone())
    {
        return None;
    }
    let (project, region) = constructor(checker, receiver)?;
    if !(portable(checker, project) && portable(checker, region)) {
        return None;
    }
    let mut job: Vec<String> = Vec::new();
    let mut submit: Vec<String> = Vec::new();
    let mut job_id = None;
    for (i, (name, destination)) in RUN_PARAMETERS.iter().enumerate() {
        let Some(value) = argument(call, i, name) else {
            continue;
        };
        let text = checker.text(range(value)).to_string();
        if *name == "job_id" {
            job_id = Some(text.clone());
        }
        match destination {
            Destination::Job(k) => job.push(format!("{k}={text}")),
            Destination::Submit(k) => submit.push(format!("{k}={text}")),
        }
    }
    // Every argument must have been placed (no unknown keywords).
    let known = call.arguments.keywords.iter().all(|k| {
        k.arg
            .as_ref()
            .is_some_and(|a| RUN_PARAMETERS.iter().any(|(n, _)| *n == a.as_str()))
    });
    if !known || call.arguments.args.len() > RUN_PARAMETERS.len() || job.is_empty() {
        return None;
    }
    // kfp 1 named the job after its id; without one, Vertex generates a name either way.
    job.insert(
        0,
        format!("display_name={}", job_id.as_deref().unwrap_or("None")),
    );
    job.push(format!("project={}", checker.text(range(project))));
    job.push(format!("location={}", checker.text(range(region))));
    let (module, import) = ensure_imported(checker, "google.cloud.aiplatform")?;
    let mut edits = vec![Edit::replace(
        call_range.clone(),
        format!(
            "{module}.PipelineJob({}).submit({})",
            job.join(", "),
            submit.join(", ")
        ),
    )];
    edits.extend(import);
    Some(edits)
}

fn is_expression_statement(body: &[Stmt], target: &Range<usize>) -> bool {
    body.iter().any(|stmt| {
        let r = range(stmt);
        if !(r.start <= target.start && target.end <= r.end) {
            return false;
        }
        match stmt {
            Stmt::Expr(e) => range(e.value.as_ref()) == *target,
            Stmt::FunctionDef(f) => is_expression_statement(&f.body, target),
            Stmt::If(s) => {
                crate::python::visit::if_branches(s).any(|b| is_expression_statement(b, target))
            }
            Stmt::With(s) => is_expression_statement(&s.body, target),
            Stmt::For(s) => is_expression_statement(&s.body, target),
            Stmt::Try(s) => {
                is_expression_statement(&s.body, target)
                    || is_expression_statement(&s.finalbody, target)
            }
            _ => false,
        }
    })
}

/// `client = AIPlatformClient(project_id=P, region=R)` that nothing reads any more →
/// `aiplatform.init(project=P, location=R)`: the project and region stay the defaults of the Vertex AI SDK.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let ([Expr::Name(target)], Expr::Call(c)) = (assign.targets.as_slice(), assign.value.as_ref())
    else {
        return;
    };
    let Some(q) = checker.qualified_name(&c.func) else {
        return;
    };
    if KfpObject::constructed_by(&q) != Some(KfpObject::AIPlatformClient) {
        return;
    }
    let unused = matches!(
        checker.target_binding(target.id.as_str(), range(&assign.targets[0]).start),
        Some(Resolved::Binding(b)) if checker.pipelines.loads.get(&b).copied().unwrap_or(0) == 0
    );
    if !unused {
        return;
    }
    let (Some(project), Some(region)) = (argument(c, 0, "project_id"), argument(c, 1, "region"))
    else {
        return;
    };
    let stmt_range = range(assign);
    let fix = ensure_imported(checker, "google.cloud.aiplatform")
        .filter(|_| !checker.module.has_comment_in(stmt_range.clone()))
        .map(|(module, import)| {
            let mut edits = vec![Edit::replace(
                stmt_range.clone(),
                format!(
                    "{module}.init(project={}, location={})",
                    checker.text(range(project)),
                    checker.text(range(region))
                ),
            )];
            edits.extend(import);
            Fix::new(rule.fix.applicability(), edits)
        });
    let d = Diagnostic::new(
        rule.code,
        range(assign.value.as_ref()),
        rule.message_with(&[
            ("name", "AIPlatformClient(...)"),
            (
                "guidance",
                "set the Vertex AI SDK's defaults with `aiplatform.init(project=, location=)`",
            ),
        ]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}
