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

use crate::rules::id;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::rules::{MethodMove, Rule, registry};

use super::kubernetes_objects;

const GPU_RULE: &str = id::KFP202;
const TOLERATION_RULE: &str = id::KFP205;
const ENV_RULE: &str = id::KFP207;
const RETRY_RULE: &str = id::KFP212;
const CONTAINER_SPELLING_RULE: &str = id::KFP216;
const NO_EQUIVALENT_RULE: &str = id::KFP217;

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
            kubernetes_objects::affinity(checker, call, call_range, &task_text, fixable)
        }
        "set_security_context" => {
            kubernetes_objects::security_context(checker, call, call_range, &task_text, fixable)
        }
        "add_volume" => {
            if !checker.handled_calls.contains(&call_range.start) {
                kubernetes_objects::volume(checker, call, call_range, &task_text, fixable)
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
                if kubernetes_objects::chained_volume_mount(checker, call, call_range, fixable) {
                    checker.handled_calls.insert(range(inner).start);
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
                && let Some(rule) = checker.enabled(NO_EQUIVALENT_RULE)
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

/// The value of a call argument by v1 position or keyword.
fn argument<'a>(call: &'a ast::ExprCall, position: usize, name: &str) -> Option<&'a Expr> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.get(position))
}

const RESOURCE_LIMIT_RULE: &str = id::KFP203;

/// Extended resources kfp 2 expresses as accelerators (`nvidia.com/gpu`, `amd.com/gpu`, `google.com/tpu`).
fn is_accelerator(resource: &str) -> bool {
    let kind = resource.rsplit('/').next().unwrap_or(resource);
    resource.contains('/') && (kind == "gpu" || kind == "tpu")
}

/// KFP203: `op.add_resource_limit('nvidia.com/gpu', n)` → `task.set_accelerator_type(...).set_accelerator_limit(n)`.
fn resource_limit(checker: &mut Checker, call: &ast::ExprCall, tail: Range<usize>, fixable: bool) {
    let Some(rule) = checker.enabled(RESOURCE_LIMIT_RULE) else {
        return;
    };
    let [resource, value] = &call.arguments.args[..] else {
        return;
    };
    let text = format!(
        ".set_accelerator_type({}).set_accelerator_limit({})",
        checker.text(range(resource)),
        checker.text(range(value))
    );
    let fix = (fixable && call.arguments.keywords.is_empty())
        .then(|| Fix::new(rule.fix.applicability(), vec![Edit::replace(tail, text)]));
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// KFP202: `op.set_gpu_limit(n, vendor)` → `task.set_accelerator_type('nvidia.com/gpu').set_accelerator_limit(n)`.
fn gpu_limit(checker: &mut Checker, call: &ast::ExprCall, tail: Range<usize>, fixable: bool) {
    let Some(rule) = checker.enabled(GPU_RULE) else {
        return;
    };
    let Some(count) = argument(call, 0, "gpu") else {
        return;
    };
    let vendor = match argument(call, 1, "vendor") {
        None => Some("nvidia".to_string()),
        Some(v) => crate::python::components::str_literal(v),
    };
    let resource = vendor.map(|v| format!("{v}.com/gpu"));
    let count_text = checker.text(range(count)).to_string();
    let fix = resource.as_ref().filter(|_| fixable).map(|r| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(
                tail,
                format!(".set_accelerator_type('{r}').set_accelerator_limit({count_text})"),
            )],
        )
    });
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title_with(&[(
            "resource",
            resource.as_deref().unwrap_or("<vendor>.com/gpu"),
        )]))
        .with_fix(fix);
    checker.report(d);
}

/// KFP205: `op.add_toleration(V1Toleration(key=..., ...))` → `kubernetes.add_toleration(task, key=..., ...)`.
fn toleration(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task_text: &str,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(TOLERATION_RULE) else {
        return;
    };
    const FIELDS: &[&str] = &["effect", "key", "operator", "toleration_seconds", "value"];
    let fields = call
        .arguments
        .args
        .first()
        .and_then(|a| kubernetes_objects::model_fields(checker, a, "V1Toleration", FIELDS))
        .filter(|f| f.iter().all(|(n, _)| FIELDS.contains(&n.as_str())));
    let fix = fields.filter(|_| fixable).and_then(|fields| {
        let (function, import) = spell_qualified(checker, "kfp.kubernetes.add_toleration")?;
        let mut arguments = vec![task_text.to_string()];
        arguments.extend(
            fields
                .iter()
                .map(|(n, v)| format!("{n}={}", checker.text(range(*v)))),
        );
        let mut edits = vec![Edit::replace(
            call_range,
            format!("{function}({})", arguments.join(", ")),
        )];
        edits.extend(import);
        Some(Fix::new(rule.fix.applicability(), edits))
    });
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// KFP207: `op.add_env_variable(V1EnvVar(name, value))` → `task.set_env_variable(name, value)`; a secret,
/// config map or field reference → the kfp-kubernetes helper.
fn env_variable(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    tail: Range<usize>,
    task_text: &str,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(ENV_RULE) else {
        return;
    };
    let fields = call.arguments.args.first().and_then(|a| {
        kubernetes_objects::model_fields(checker, a, "V1EnvVar", &["name", "value", "value_from"])
    });
    let get = |fields: &[(String, &Expr)], n: &str| {
        fields
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| checker.text(range(*v)).to_string())
    };
    let mut applicability = Applicability::Safe;
    let rewrite: Option<(String, Option<Edit>, bool)> = fields.as_ref().and_then(|f| {
        let name = get(f, "name")?;
        match (get(f, "value"), f.iter().find(|(k, _)| k == "value_from")) {
            (Some(value), None) => {
                Some((format!(".set_env_variable({name}, {value})"), None, false))
            }
            (None, Some((_, source))) => {
                applicability = rule.fix.applicability().max(Applicability::Unsafe);
                let (text, import) = env_source(checker, source, &name, task_text)?;
                Some((text, import, true))
            }
            _ => None,
        }
    });
    let fix = rewrite
        .filter(|_| fixable)
        .map(|(text, import, whole_call)| {
            let target = if whole_call { call_range } else { tail };
            let mut edits = vec![Edit::replace(target, text)];
            edits.extend(import);
            Fix::new(applicability, edits)
        });
    let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// `value_from=V1EnvVarSource(secret_key_ref=V1SecretKeySelector(name=S, key=K))` and the config-map and
/// field-path forms → the kfp-kubernetes call that sets env `name` on the task.
fn env_source(
    checker: &Checker,
    source: &Expr,
    env_name: &str,
    task_text: &str,
) -> Option<(String, Option<Edit>)> {
    let refs = kubernetes_objects::model_fields(
        checker,
        source,
        "V1EnvVarSource",
        &[
            "config_map_key_ref",
            "field_ref",
            "resource_field_ref",
            "secret_key_ref",
        ],
    )?;
    let [(kind, selector)] = refs.as_slice() else {
        return None;
    };
    let text = |e: &Expr| checker.text(range(e)).to_string();
    let field = |fields: &[(String, &Expr)], n: &str| {
        fields.iter().find(|(k, _)| k == n).map(|(_, v)| text(v))
    };
    let (function, arguments) = match kind.as_str() {
        "secret_key_ref" | "config_map_key_ref" => {
            let model = if kind == "secret_key_ref" {
                "V1SecretKeySelector"
            } else {
                "V1ConfigMapKeySelector"
            };
            let sel = kubernetes_objects::model_fields(
                checker,
                selector,
                model,
                &["key", "name", "optional"],
            )?;
            let (name, key) = (field(&sel, "name")?, field(&sel, "key")?);
            let optional = field(&sel, "optional")
                .map(|o| format!(", optional={o}"))
                .unwrap_or_default();
            if kind == "secret_key_ref" {
                (
                    "kfp.kubernetes.use_secret_as_env",
                    format!(
                        "secret_name={name}, secret_key_to_env={{{key}: {env_name}}}{optional}"
                    ),
                )
            } else {
                (
                    "kfp.kubernetes.use_config_map_as_env",
                    format!(
                        "config_map_name={name}, config_map_key_to_env={{{key}: {env_name}}}{optional}"
                    ),
                )
            }
        }
        "field_ref" => {
            let sel = kubernetes_objects::model_fields(
                checker,
                selector,
                "V1ObjectFieldSelector",
                &["api_version", "field_path"],
            )?;
            (
                "kfp.kubernetes.use_field_path_as_env",
                format!(
                    "env_name={env_name}, field_path={}",
                    field(&sel, "field_path")?
                ),
            )
        }
        _ => return None,
    };
    let (spelled, import) = spell_qualified(checker, function)?;
    Some((format!("{spelled}({task_text}, {arguments})"), import))
}

/// KFP212: `set_retry(n, policy=...)`: kfp 2 has no retry policy (`TypeError`); the argument is dropped.
fn retry(checker: &mut Checker, call: &ast::ExprCall, fixable: bool) {
    let Some(rule) = checker.enabled(RETRY_RULE) else {
        return;
    };
    let policy = call
        .arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "policy"))
        .map(range)
        .or_else(|| call.arguments.args.get(1).map(range));
    let Some(policy) = policy else { return };
    let fix = fixable
        .then(|| crate::python::edits::delete_argument(call, &policy))
        .flatten()
        .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
    // A positional policy shifts the backoff arguments that follow it: only a trailing one can go.
    let trailing = crate::python::edits::argument_ranges(call).last() == Some(&policy);
    let d = Diagnostic::new(rule.code, policy.clone(), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(
            fix.filter(|_| trailing || call.arguments.keywords.iter().any(|k| range(k) == policy)),
        );
    checker.report(d);
}

/// KFP216: `op.container.set_cpu_limit(...)` → `task.set_cpu_limit(...)` (kfp 2 tasks have no `.container`).
fn container_spelling(
    checker: &mut Checker,
    attr: &ast::ExprAttribute,
    task: &Expr,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(CONTAINER_SPELLING_RULE) else {
        return;
    };
    let Expr::Attribute(container) = attr.value.as_ref() else {
        return;
    };
    // `task.container` → `task`: delete from the end of the task to the end of `.container`.
    let fix = fixable.then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::delete(range(task).end..range(container).end)],
        )
    });
    let d = Diagnostic::new(
        rule.code,
        range(task).end..range(container).end,
        rule.message_with(&[("name", attr.attr.as_str())]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", attr.attr.as_str())]))
    .with_fix(fix);
    checker.report(d);
}

const CACHE_STALENESS_RULE: &str = id::KFP214;

/// KFP214: `task.execution_options.caching_strategy.max_cache_staleness = 'P0D'` → `task.set_caching_options(False)`.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign, stmt_range: Range<usize>) {
    let [Expr::Attribute(target)] = assign.targets.as_slice() else {
        return;
    };
    if target.attr.as_str() != "max_cache_staleness" {
        return;
    }
    let Expr::Attribute(strategy) = target.value.as_ref() else {
        return;
    };
    let Expr::Attribute(options) = strategy.value.as_ref() else {
        return;
    };
    if strategy.attr.as_str() != "caching_strategy"
        || options.attr.as_str() != "execution_options"
        || !checker.is_task(&options.value)
    {
        return;
    }
    let Some(rule) = checker.enabled(CACHE_STALENESS_RULE) else {
        return;
    };
    let task = checker.text(range(options.value.as_ref())).to_string();
    let never = crate::python::components::str_literal(&assign.value).as_deref() == Some("P0D");
    let fix = (never && !checker.module.has_comment_in(stmt_range.clone())).then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(
                stmt_range.clone(),
                format!("{task}.set_caching_options(False)"),
            )],
        )
    });
    let d = Diagnostic::new(rule.code, range(target), rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

const OP_ATTRIBUTE_RULE: &str = id::KFP221;

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
    let Some(rule) = checker.enabled(OP_ATTRIBUTE_RULE) else {
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
        rule.message_with(&[("name", "image")]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// KFP221: reading v1-only op attributes (`op.file_outputs`, `op.pvolume`, `op.command`, …).
pub fn check_attribute(checker: &mut Checker, attribute: &ast::ExprAttribute) {
    let name = attribute.attr.as_str();
    // `.container.<method>` and `.execution_options...` have rules of their own; plain reads here.
    if !OP_ATTRIBUTES.contains(&name) || name == "container" || name == "execution_options" {
        return;
    }
    if attribute.ctx != ast::ExprContext::Load || !checker.is_task(&attribute.value) {
        return;
    }
    let Some(rule) = checker.enabled(OP_ATTRIBUTE_RULE) else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(attribute),
        rule.message_with(&[("name", name)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
