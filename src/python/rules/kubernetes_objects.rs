//! Task settings built from Kubernetes client objects
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_container_op.py>, kfp-kubernetes 2.17.3's
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/kubernetes_platform/python/kfp/kubernetes/node_affinity.py>,
//! `volume.py`, `security_context.py`): KFP206 node affinity, KFP208 volumes with their mounts, KFP211 security
//! context. Each unpacks `V1...(...)` literals into kfp-kubernetes keyword arguments; anything it cannot read literally
//! is reported without a fix.

use crate::rules::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::visit::{self, Visitor};

const AFFINITY_RULE: &str = id::KFP206;
const VOLUME_RULE: &str = id::KFP208;
const SECURITY_CONTEXT_RULE: &str = id::KFP211;

/// The fields of a Kubernetes client model call (`V1Toleration(key=...)`), positional ones named by the
/// model's parameter order. `None` when it is not that model or uses `*`/`**`.
pub fn model_fields<'a>(
    checker: &Checker,
    e: &'a Expr,
    model: &str,
    positional: &[&str],
) -> Option<Vec<(String, &'a Expr)>> {
    let Expr::Call(c) = e else { return None };
    let q = checker.qualified_name(&c.func)?;
    if !q.starts_with("kubernetes.") || !q.ends_with(&format!(".{model}")) {
        return None;
    }
    let mut out = Vec::new();
    for (i, a) in c.arguments.args.iter().enumerate() {
        out.push((positional.get(i)?.to_string(), a));
    }
    for k in &c.arguments.keywords {
        out.push((k.arg.as_ref()?.to_string(), &k.value));
    }
    Some(out)
}

fn field<'a>(fields: &[(String, &'a Expr)], name: &str) -> Option<&'a Expr> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

fn text(checker: &Checker, e: &Expr) -> String {
    checker.text(range(e)).to_string()
}

/// `V1NodeSelectorRequirement(key=, operator=, values=)` → `{'key': ..., 'operator': ..., 'values': ...}`.
fn requirement(checker: &Checker, e: &Expr) -> Option<String> {
    let f = model_fields(
        checker,
        e,
        "V1NodeSelectorRequirement",
        &["key", "operator", "values"],
    )?;
    let mut parts = vec![
        format!("'key': {}", text(checker, field(&f, "key")?)),
        format!("'operator': {}", text(checker, field(&f, "operator")?)),
    ];
    if let Some(v) = field(&f, "values") {
        parts.push(format!("'values': {}", text(checker, v)));
    }
    Some(format!("{{{}}}", parts.join(", ")))
}

fn requirements(checker: &Checker, e: Option<&Expr>) -> Option<Option<String>> {
    let Some(e) = e else { return Some(None) };
    let Expr::List(l) = e else { return None };
    let items: Option<Vec<String>> = l.elts.iter().map(|r| requirement(checker, r)).collect();
    Some(Some(format!("[{}]", items?.join(", "))))
}

/// The keyword arguments of one `add_node_affinity` call for a `V1NodeSelectorTerm` (and weight).
fn term_arguments(checker: &Checker, term: &Expr, weight: Option<&Expr>) -> Option<String> {
    let f = model_fields(
        checker,
        term,
        "V1NodeSelectorTerm",
        &["match_expressions", "match_fields"],
    )?;
    let mut out = Vec::new();
    if let Some(m) = requirements(checker, field(&f, "match_expressions"))? {
        out.push(format!("match_expressions={m}"));
    }
    if let Some(m) = requirements(checker, field(&f, "match_fields"))? {
        out.push(format!("match_fields={m}"));
    }
    if let Some(w) = weight {
        out.push(format!("weight={}", text(checker, w)));
    }
    Some(out.join(", "))
}

/// `V1Affinity(node_affinity=V1NodeAffinity(...))` → nested `kubernetes.add_node_affinity(...)` calls, one per
/// term (required terms without weight, preferred ones with it). `None` for pod (anti-)affinity.
fn node_affinity(checker: &Checker, affinity: &Expr, task: &str) -> Option<(String, Option<Edit>)> {
    let a = model_fields(
        checker,
        affinity,
        "V1Affinity",
        &["node_affinity", "pod_affinity", "pod_anti_affinity"],
    )?;
    if a.iter()
        .any(|(k, v)| k != "node_affinity" && text(checker, v) != "None")
    {
        return None;
    }
    let node = model_fields(
        checker,
        field(&a, "node_affinity")?,
        "V1NodeAffinity",
        &[
            "preferred_during_scheduling_ignored_during_execution",
            "required_during_scheduling_ignored_during_execution",
        ],
    )?;
    let mut calls: Vec<String> = Vec::new();
    if let Some(required) = field(&node, "required_during_scheduling_ignored_during_execution") {
        let selector = model_fields(
            checker,
            required,
            "V1NodeSelector",
            &["node_selector_terms"],
        )?;
        let Expr::List(terms) = field(&selector, "node_selector_terms")? else {
            return None;
        };
        for t in &terms.elts {
            calls.push(term_arguments(checker, t, None)?);
        }
    }
    if let Some(preferred) = field(
        &node,
        "preferred_during_scheduling_ignored_during_execution",
    ) {
        let Expr::List(terms) = preferred else {
            return None;
        };
        for t in &terms.elts {
            let p = model_fields(
                checker,
                t,
                "V1PreferredSchedulingTerm",
                &["preference", "weight"],
            )?;
            calls.push(term_arguments(
                checker,
                field(&p, "preference")?,
                Some(field(&p, "weight")?),
            )?);
        }
    }
    if calls.is_empty() {
        return None;
    }
    let (function, import) = spell_qualified(checker, "kfp.kubernetes.add_node_affinity")?;
    let mut out = task.to_string();
    for c in calls {
        out = format!("{function}({out}, {c})");
    }
    Some((out, import))
}

fn report(
    checker: &mut Checker,
    rule_id: &str,
    at: Range<usize>,
    replaced: Vec<Range<usize>>,
    rewrite: Option<(String, Option<Edit>)>,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(rule_id) else {
        return;
    };
    let fix = rewrite.filter(|_| fixable).map(|(text, import)| {
        let mut ranges = replaced.into_iter();
        let mut edits = Vec::new();
        if let Some(first) = ranges.next() {
            edits.push(Edit::replace(first, text));
        }
        edits.extend(ranges.map(Edit::delete));
        edits.extend(import);
        Fix::new(rule.fix.applicability(), edits)
    });
    let d = Diagnostic::new(rule.code, at, rule.message_with(&[]))
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// How many times the enclosing function sets the affinity of the task spelled `task`: `add_affinity(...)`
/// and `apply(gcp.use_preemptible_nodepool(...))` (which calls `add_affinity`). kfp 1's `add_affinity`
/// replaced the affinity, so only the last one counted; kfp-kubernetes adds terms.
pub fn affinity_setters(checker: &Checker, task: &str) -> usize {
    struct Counter<'c, 'a> {
        checker: &'c Checker<'a>,
        task: &'c str,
        count: usize,
    }
    impl<'e> Visitor<'e> for Counter<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if let Expr::Call(c) = expr
                && let Expr::Attribute(a) = c.func.as_ref()
                && self.checker.text(range(a.value.as_ref())) == self.task
            {
                let preemptible = a.attr.as_str() == "apply"
                    && matches!(c.arguments.args.first(), Some(Expr::Call(h))
                        if self.checker.qualified_name(&h.func).as_deref() == Some("kfp.gcp.use_preemptible_nodepool"));
                if a.attr.as_str() == "add_affinity" || preemptible {
                    self.count += 1;
                }
            }
            visit::walk_expr(self, expr);
        }
    }
    let Some(f) = checker.functions.last().copied() else {
        return 0;
    };
    let mut counter = Counter {
        checker,
        task,
        count: 0,
    };
    counter.visit_body(&f.body);
    counter.count
}

/// KFP206 on `task.add_affinity(V1Affinity(...))`.
pub fn affinity(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task: &str,
    fixable: bool,
) {
    // Several affinity settings on one task: kfp 1 kept the last, kfp-kubernetes would add them all.
    let fixable = fixable && affinity_setters(checker, task) <= 1;
    let value = call.arguments.args.first().or_else(|| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "affinity"))
            .map(|k| &k.value)
    });
    let rewrite = value.and_then(|v| node_affinity(checker, v, task));
    report(
        checker,
        AFFINITY_RULE,
        range(call.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
}

/// KFP211 on `task.container.set_security_context(V1SecurityContext(...))`: only `run_as_user`,
/// `run_as_group` and `run_as_non_root` exist in kfp-kubernetes.
pub fn security_context(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task: &str,
    fixable: bool,
) {
    const KEPT: &[&str] = &["run_as_user", "run_as_group", "run_as_non_root"];
    let rewrite = call.arguments.args.first().and_then(|v| {
        let f = model_fields(checker, v, "V1SecurityContext", &[])?;
        if f.iter().any(|(k, _)| !KEPT.contains(&k.as_str())) {
            return None;
        }
        let (function, import) = spell_qualified(checker, "kfp.kubernetes.set_security_context")?;
        let args: Vec<String> = f
            .iter()
            .map(|(k, v)| format!("{k}={}", text(checker, v)))
            .collect();
        Some((format!("{function}({task}, {})", args.join(", ")), import))
    });
    report(
        checker,
        SECURITY_CONTEXT_RULE,
        range(call.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
}

/// The kfp-kubernetes call that mounts a `V1Volume` at a `V1VolumeMount`'s path.
fn volume_mount(
    checker: &Checker,
    volume: &Expr,
    mount: &Expr,
    task: &str,
) -> Option<(String, Option<Edit>)> {
    let v = model_fields(checker, volume, "V1Volume", &["name"])?;
    let m = model_fields(checker, mount, "V1VolumeMount", &["mount_path", "name"])?;
    if str_literal(field(&v, "name")?)? != str_literal(field(&m, "name")?)? {
        return None;
    }
    if m.iter()
        .any(|(k, _)| !["mount_path", "name", "sub_path", "read_only"].contains(&k.as_str()))
    {
        return None;
    }
    let path = text(checker, field(&m, "mount_path")?);
    let sources: Vec<&(String, &Expr)> = v.iter().filter(|(k, _)| k != "name").collect();
    let [(kind, source)] = sources.as_slice() else {
        return None;
    };
    let (function, arguments) = match kind.as_str() {
        "persistent_volume_claim" => {
            let s = model_fields(
                checker,
                source,
                "V1PersistentVolumeClaimVolumeSource",
                &["claim_name", "read_only"],
            )?;
            let sub = field(&m, "sub_path")
                .map(|p| format!(", sub_path={}", text(checker, p)))
                .unwrap_or_default();
            (
                "mount_pvc",
                format!(
                    "pvc_name={}, mount_path={path}{sub}",
                    text(checker, field(&s, "claim_name")?)
                ),
            )
        }
        "secret" => {
            let s = model_fields(checker, source, "V1SecretVolumeSource", &[])?;
            if s.iter().any(|(k, _)| k != "secret_name") {
                return None;
            }
            (
                "use_secret_as_volume",
                format!(
                    "secret_name={}, mount_path={path}",
                    text(checker, field(&s, "secret_name")?)
                ),
            )
        }
        "config_map" => {
            let s = model_fields(checker, source, "V1ConfigMapVolumeSource", &[])?;
            if s.iter().any(|(k, _)| k != "name") {
                return None;
            }
            (
                "use_config_map_as_volume",
                format!(
                    "config_map_name={}, mount_path={path}",
                    text(checker, field(&s, "name")?)
                ),
            )
        }
        "empty_dir" => {
            let s = model_fields(
                checker,
                source,
                "V1EmptyDirVolumeSource",
                &["medium", "size_limit"],
            )?;
            let extra: String = s
                .iter()
                .map(|(k, v)| format!(", {k}={}", text(checker, v)))
                .collect();
            (
                "empty_dir_mount",
                format!(
                    "volume_name={}, mount_path={path}{extra}",
                    text(checker, field(&v, "name")?)
                ),
            )
        }
        _ => return None,
    };
    if field(&m, "sub_path").is_some() && function != "mount_pvc" {
        return None;
    }
    let (spelled, import) = spell_qualified(checker, &format!("kfp.kubernetes.{function}"))?;
    Some((format!("{spelled}({task}, {arguments})"), import))
}

/// Finds `<task>.add_volume_mount(M)` / `<task>.container.add_volume_mount(M)` expression statements in a
/// body, by the task's source text.
struct MountFinder<'a, 'b> {
    text: &'b str,
    task: &'b str,
    found: Vec<(&'a Expr, Range<usize>)>,
}

impl<'a> Visitor<'a> for MountFinder<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt
            && let Expr::Call(c) = value.as_ref()
            && let Expr::Attribute(a) = c.func.as_ref()
            && a.attr.as_str() == "add_volume_mount"
            && let [mount] = &c.arguments.args[..]
        {
            let receiver = match a.value.as_ref() {
                Expr::Attribute(inner) if inner.attr.as_str() == "container" => {
                    inner.value.as_ref()
                }
                other => other,
            };
            if &self.text[range(receiver)] == self.task {
                self.found.push((mount, range(stmt)));
            }
        }
        visit::walk_stmt(self, stmt);
    }
}

/// KFP208 on `task.add_volume(V1Volume(...))`: paired with its `add_volume_mount(V1VolumeMount(...))`, chained
/// on it or in a statement of the same function.
pub fn volume(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    task: &str,
    fixable: bool,
) {
    let Some(volume) = call.arguments.args.first() else {
        return;
    };
    let mut mounts: Vec<(&Expr, Range<usize>)> = Vec::new();
    if let Some(f) = checker.functions.last().copied() {
        let mut finder = MountFinder {
            text: &checker.source.text,
            task,
            found: Vec::new(),
        };
        finder.visit_body(&f.body);
        mounts = finder.found;
    }
    let standalone = checker.expression_statement.as_ref() == Some(&call_range);
    let paired = mounts
        .iter()
        .find_map(|(m, stmt)| volume_mount(checker, volume, m, task).map(|r| (r, stmt.clone())));
    let (rewrite, replaced) = match paired {
        Some((r, mount_stmt)) if standalone => {
            // The mount statement goes with its whole line.
            let line = checker.source.line_range(mount_stmt.start);
            let end = crate::python::edits::next_line_start(&checker.source.text, mount_stmt.end);
            let delete = if checker.text(line.start..mount_stmt.start).trim().is_empty() {
                line.start..end
            } else {
                mount_stmt
            };
            (Some(r), vec![call_range, delete])
        }
        _ => (None, vec![call_range]),
    };
    report(
        checker,
        VOLUME_RULE,
        range(call.func.as_ref()),
        replaced,
        rewrite,
        fixable,
    );
}

/// KFP208 on `task.add_volume(V).add_volume_mount(M)` chains: the whole chain becomes one call.
pub fn chained_volume_mount(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    fixable: bool,
) -> bool {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return false;
    };
    // `task.add_volume(V).add_volume_mount(M)` or `task.add_volume(V).container.add_volume_mount(M)`.
    let inner = match a.value.as_ref() {
        Expr::Attribute(c) if c.attr.as_str() == "container" => c.value.as_ref(),
        other => other,
    };
    let Expr::Call(add_volume) = inner else {
        return false;
    };
    let Expr::Attribute(av) = add_volume.func.as_ref() else {
        return false;
    };
    if av.attr.as_str() != "add_volume" || !checker.is_task(&av.value) {
        return false;
    }
    let (Some(volume), Some(mount)) = (
        add_volume.arguments.args.first(),
        call.arguments.args.first(),
    ) else {
        return false;
    };
    let task = checker.text(range(av.value.as_ref())).to_string();
    let rewrite = volume_mount(checker, volume, mount, &task);
    report(
        checker,
        VOLUME_RULE,
        range(add_volume.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
    true
}
