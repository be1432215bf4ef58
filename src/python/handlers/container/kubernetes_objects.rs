//! Task settings built from Kubernetes client objects
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_container_op.py>, kfp-kubernetes 2.17.3's
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/kubernetes_platform/python/kfp/kubernetes/node_affinity.py>,
//! `volume.py`, `security_context.py`): KFP206 node affinity, KFP208 volumes with their mounts, KFP211 security
//! context. Each unpacks `V1...(...)` literals into kfp-kubernetes keyword arguments; anything it cannot read literally
//! is reported without a fix.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::Expr;
use std::ops::Range;

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

pub(crate) fn field<'a>(fields: &[(String, &'a Expr)], name: &str) -> Option<&'a Expr> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
}

pub(crate) fn text(checker: &Checker, e: &Expr) -> String {
    checker.text(range(e)).to_string()
}

pub(crate) fn report(
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
