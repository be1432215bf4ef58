//! Task settings (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_container_op.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_task.py>,
//! <https://github.com/kubeflow/pipelines/tree/sdk-2.17.3/kubernetes_platform/python/kfp/kubernetes>): v1 op methods,
//! on the op or on `op.container`, that kfp 2 spells differently or moved to kfp-kubernetes. Every rule here needs
//! evidence that the receiver is a kfp task (`Checker::is_task`): a Kubernetes client or a user object with a
//! same-named method stays silent.
//!
//! Data-only moves (`op.set_timeout(s)` → `kubernetes.set_timeout(op, s)`) are listed in the rules'
//! `method_moves`; the methods whose arguments need unpacking (`V1Toleration(...)`, `V1EnvVar(...)`) have
//! handlers below.

use super::env_variable::env_variable;
use super::gpu_limit::gpu_limit;
use super::gpu_resource_limit::resource_limit;
use super::retry_policy::retry;
use super::task_container::container_spelling;
use super::toleration::toleration;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use crate::registry::{MethodMove, Rule, registry};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Methods the kfp 2 task has under the same name: `op.container.x(...)` is `task.x(...)`.
const TASK_METHODS: &[&str] = &[
    "set_cpu_limit",
    "set_cpu_request",
    "set_memory_limit",
    "set_memory_request",
    "set_display_name",
    "set_caching_options",
    "set_env_variable",
    "after",
];

/// Op and container methods kfp 2 has no equivalent for, with what to do instead.
fn no_equivalent(method: &str) -> Option<&'static str> {
    Some(match method {
        "add_sidecar" => {
            "sidecars have no kfp 2 equivalent: run the sidecar's work in its own task"
        }
        "add_init_container" => {
            "init containers have no kfp 2 equivalent: run the step as a task before this one"
        }
        "set_ephemeral_storage_limit" | "set_ephemeral_storage_request" => {
            "ephemeral storage limits have no kfp 2 equivalent"
        }
        "set_lifecycle" | "set_liveness_probe" | "set_readiness_probe" | "set_startup_probe" => {
            "container lifecycle hooks and probes have no kfp 2 equivalent"
        }
        "add_port"
        | "set_stdin"
        | "set_stdin_once"
        | "set_tty"
        | "set_termination_message_path"
        | "set_termination_message_policy"
        | "add_volume_devices"
        | "add_env_from" => "this container setting has no kfp 2 equivalent",
        "add_resource_limit" | "add_resource_request" => {
            "arbitrary resources have no kfp 2 equivalent (accelerator limits are `task.set_accelerator_type(name).set_accelerator_limit(n)`)"
        }
        _ => return None,
    })
}

type MovesByMethod = HashMap<&'static str, Vec<(&'static Rule, &'static MethodMove)>>;

fn moves_by_method() -> &'static MovesByMethod {
    static MOVES: OnceLock<MovesByMethod> = OnceLock::new();
    MOVES.get_or_init(|| {
        let mut map: MovesByMethod = HashMap::new();
        for rule in &registry().rules {
            for m in &rule.method_moves {
                map.entry(m.method.as_str()).or_default().push((rule, m));
            }
        }
        map
    })
}

/// The task a method is called on: `task.m()` or `task.container.m()` (with whether `.container` was used).
fn task_receiver<'a>(checker: &Checker, attr: &'a ast::ExprAttribute) -> Option<(&'a Expr, bool)> {
    if let Expr::Attribute(inner) = attr.value.as_ref()
        && inner.attr.as_str() == "container"
        && checker.is_task(&inner.value)
    {
        return Some((inner.value.as_ref(), true));
    }
    checker
        .is_task(&attr.value)
        .then_some((attr.value.as_ref(), false))
}

/// A call `receiver.method(...)`, before it is visited.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return;
    };
    let method = attr.attr.as_str();
    let Some((task, via_container)) = task_receiver(checker, attr) else {
        return;
    };
    let task_text = checker.text(range(task)).to_string();
    let fixable = !checker.module.has_comment_in(call_range.clone())
        && !call
            .arguments
            .args
            .iter()
            .any(|a| matches!(a, Expr::Starred(_)))
        && call.arguments.keywords.iter().all(|k| k.arg.is_some());
    if let Some(moves) = moves_by_method().get(method) {
        for (rule, m) in moves {
            if checker.enabled(&rule.id).is_none()
                || m.arity
                    .is_some_and(|n| n != call.arguments.args.len() + call.arguments.keywords.len())
            {
                continue;
            }
            let fix = fixable
                .then(|| moved_call(checker, call, &task_text, m))
                .flatten()
                .map(|(text, import)| {
                    let mut edits = vec![Edit::replace(call_range.clone(), text)];
                    edits.extend(import);
                    Fix::new(rule.fix.applicability(), edits)
                });
            let function = m.to.rsplit('.').next().unwrap_or(&m.to);
            let d = Diagnostic::new(
                rule.code,
                range(call.func.as_ref()),
                rule.message_with(&[("name", method), ("replacement", &m.to)]),
            )
            .with_fix_title(rule.fix_title_with(&[("name", method), ("replacement", function)]))
            .with_fix(fix);
            checker.report(d);
            return;
        }
    }
    // Everything below rewrites the call from the end of the task expression on.
    let tail = range(task).end..call_range.end;
    match method {
        "add_affinity" => {
            super::node_affinity::affinity(checker, call, call_range, &task_text, fixable)
        }
        "set_security_context" => super::security_context::security_context(
            checker, call, call_range, &task_text, fixable,
        ),
        "add_volume" => {
            if !checker
                .state_ref::<HandledCalls>()
                .is_some_and(|h| h.0.contains(&call_range.start))
            {
                super::volume_mount::volume(checker, call, call_range, &task_text, fixable)
            }
        }
        "add_volume_mount" => {
            // Chained on `add_volume(...)`, the pair becomes one call; a separate statement is fixed with its
            // `add_volume(...)`.
            if let Expr::Attribute(a) = call.func.as_ref() {
                let inner = match a.value.as_ref() {
                    Expr::Attribute(c) if c.attr.as_str() == "container" => c.value.as_ref(),
                    other => other,
                };
                if super::volume_mount::chained_volume_mount(checker, call, call_range, fixable) {
                    checker.state::<HandledCalls>().0.insert(range(inner).start);
                }
            }
        }
        "set_gpu_limit" => gpu_limit(checker, call, tail, fixable),
        "add_resource_limit"
            if call
                .arguments
                .args
                .first()
                .and_then(crate::python::components::str_literal)
                .is_some_and(|r| is_accelerator(&r)) =>
        {
            resource_limit(checker, call, tail, fixable)
        }
        "add_toleration" => toleration(checker, call, call_range, &task_text, fixable),
        "add_env_variable" => env_variable(checker, call, call_range, tail, &task_text, fixable),
        "set_retry" => retry(checker, call, fixable),
        m if via_container && TASK_METHODS.contains(&m) => {
            container_spelling(checker, attr, task, fixable)
        }
        m => {
            if let Some(advice) = no_equivalent(m)
                && let Some(rule) = checker.enabled(id::KFP217)
            {
                let d = Diagnostic::new(
                    rule.code,
                    range(call.func.as_ref()),
                    rule.message_with(&[("name", method), ("advice", advice)]),
                )
                .with_fix_title(rule.fix_title.clone());
                checker.report(d);
            }
        }
    }
}

/// `kubernetes.f(task, kw=value, ...)` for a data-listed method move.
fn moved_call(
    checker: &Checker,
    call: &ast::ExprCall,
    task_text: &str,
    m: &MethodMove,
) -> Option<(String, Option<Edit>)> {
    let (function, import) = spell_qualified(checker, &m.to)?;
    let mut arguments = vec![task_text.to_string()];
    for (i, a) in call.arguments.args.iter().enumerate() {
        arguments.push(format!("{}={}", m.keywords.get(i)?, checker.text(range(a))));
    }
    for k in &call.arguments.keywords {
        let name = k.arg.as_ref()?.as_str();
        let i = m.params.iter().position(|p| p == name)?;
        arguments.push(format!(
            "{}={}",
            m.keywords[i],
            checker.text(range(&k.value))
        ));
    }
    Some((format!("{function}({})", arguments.join(", ")), import))
}

/// Extended resources kfp 2 expresses as accelerators (`nvidia.com/gpu`, `amd.com/gpu`, `google.com/tpu`).
fn is_accelerator(resource: &str) -> bool {
    let kind = resource.rsplit('/').next().unwrap_or(resource);
    resource.contains('/') && (kind == "gpu" || kind == "tpu")
}

/// v1 op attributes kfp 2 tasks do not have.
const OP_ATTRIBUTES: &[&str] = &[
    "file_outputs",
    "output_artifact_paths",
    "pvolume",
    "pvolumes",
    "command",
    "arguments",
    "image",
    "container",
    "execution_options",
];

/// KFP221: `task.image = ...` / `task.container.image = ...` → `task.set_container_image(...)`.
pub fn check_image_assign(
    checker: &mut Checker,
    assign: &ast::StmtAssign,
    stmt_range: Range<usize>,
) {
    let [Expr::Attribute(target)] = assign.targets.as_slice() else {
        return;
    };
    if target.attr.as_str() != "image" {
        return;
    }
    let task = match target.value.as_ref() {
        Expr::Attribute(c) if c.attr.as_str() == "container" && checker.is_task(&c.value) => {
            c.value.as_ref()
        }
        t if checker.is_task(t) => t,
        _ => return,
    };
    let Some(rule) = checker.enabled(id::KFP221) else {
        return;
    };
    let replacement = format!(
        "{}.set_container_image({})",
        checker.text(range(task)),
        checker.text(range(assign.value.as_ref()))
    );
    let fix = (!checker.module.has_comment_in(stmt_range.clone())).then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(stmt_range, replacement)],
        )
    });
    let d = Diagnostic::new(
        rule.code,
        range(target),
        rule.message_with(&[("name", "image"), ("details", "")]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// KFP221: reading v1-only op attributes (`op.file_outputs`, `op.pvolume`, `op.command`, …).
pub fn check_attribute(checker: &mut Checker, attribute: &ast::ExprAttribute) {
    super::volumes::check_volume_read(checker, attribute);
    let name = attribute.attr.as_str();
    // `.container.<method>` and `.execution_options...` have rules of their own; plain reads here.
    if !OP_ATTRIBUTES.contains(&name) || name == "container" || name == "execution_options" {
        return;
    }
    if attribute.ctx != ast::ExprContext::Load || !checker.is_task(&attribute.value) {
        return;
    }
    // `pvolumes={'/mnt': step.pvolume}` is converted (or reported) with its call.
    if name.starts_with("pvolume") && super::volumes::in_pvolumes(checker, range(attribute).start) {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP221) else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(attribute),
        rule.message_with(&[("name", name), ("details", "")]),
    )
    .with_fix_title(if name.starts_with("pvolume") {
        "Mount the op's claim by name with `kubernetes.mount_pvc(task, pvc_name=..., mount_path=...)` and order the task with `.after(op)`".to_string()
    } else {
        rule.fix_title.clone()
    });
    checker.report(d);
}

/// Start offsets of calls a rule already handled as part of a larger one (`add_volume` in an
/// `add_volume(...).add_volume_mount(...)` chain).
#[derive(Default)]
struct HandledCalls(rustc_hash::FxHashSet<usize>);
