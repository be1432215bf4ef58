//! KFP206 on `task.add_affinity(V1Affinity(...))`.

use super::kubernetes_objects::{field, model_fields, report, text};
use crate::diagnostic::Edit;
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::python::visit::{self, Visitor};
use crate::registry::id;
use std::ops::Range;

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
pub(crate) fn node_affinity(
    checker: &Checker,
    affinity: &Expr,
    task: &str,
) -> Option<(String, Option<Edit>)> {
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
        id::KFP206,
        range(call.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
}
