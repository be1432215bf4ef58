//! Volumes (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_volume_op.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/kubernetes_platform/python/kfp/kubernetes/volume.py>):
//! KFP219 `dsl.VolumeOp(...)` → `kubernetes.CreatePVC(...)`, `vop.delete()` →
//! `kubernetes.DeletePVC(...)`; KFP209 `op.add_pvolumes({...})` and `ContainerOp(pvolumes=...)` (the latter
//! through KFP201) → `kubernetes.mount_pvc(...)`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::spell_qualified;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::python::checker::is_task_method;
use crate::python::names::{BindingId, Resolved, range};
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// A variable holding a v1 `VolumeOp` (or the `CreatePVC` it became).
fn is_volume_op(checker: &Checker, e: &Expr) -> bool {
    matches!(e, Expr::Name(n) if matches!(
        checker.resolve(n.id.as_str(), range(e).start),
        Some(Resolved::Binding(b)) if checker.state_ref::<VolumeFacts>().is_some_and(|f| f.volume_ops.contains(&b))
    ))
}

/// The PVC name expression a v1 `pvolumes` value stands for, and the task it made the step wait for:
/// `vop.volume` → `vop.outputs['name']`, `dsl.PipelineVolume(pvc='claim')` → `'claim'`, another op's
/// `step.pvolume` / `step.pvolumes['/mnt']` → that op's claim, after `step`.
pub fn pvc_name(checker: &Checker, e: &Expr) -> Option<(String, Option<String>)> {
    let other_op = |task: &Expr, path: Option<String>| -> Option<(String, Option<String>)> {
        let Expr::Name(n) = task else { return None };
        let Some(Resolved::Binding(b)) = checker.resolve(n.id.as_str(), range(task).start) else {
            return None;
        };
        let mounts = checker.state_ref::<VolumeFacts>()?.op_pvolumes.get(&b)?;
        let pvc = match path {
            Some(p) => mounts.iter().find(|(m, _)| *m == p)?.1.clone(),
            None => match mounts.as_slice() {
                [(_, pvc)] => pvc.clone(),
                _ => return None,
            },
        };
        Some((pvc, Some(n.id.to_string())))
    };
    match e {
        Expr::Attribute(a) if a.attr.as_str() == "pvolume" => other_op(&a.value, None),
        // `vop.volume.after(step1, step2)`: the claim, mounted once those steps are done.
        Expr::Call(c)
            if matches!(c.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "after")
                && !c.arguments.args.is_empty()
                && c.arguments.keywords.is_empty()
                && !c
                    .arguments
                    .args
                    .iter()
                    .any(|a| matches!(a, Expr::Starred(_))) =>
        {
            let Expr::Attribute(after) = c.func.as_ref() else {
                return None;
            };
            let pvc = own_pvc_name(checker, &after.value)?;
            let steps: Vec<&str> = c
                .arguments
                .args
                .iter()
                .map(|a| checker.text(range(a)))
                .collect();
            Some((pvc, Some(steps.join(", "))))
        }
        Expr::Subscript(s) => match s.value.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "pvolumes" => {
                other_op(&a.value, Some(str_literal(&s.slice)?))
            }
            _ => None,
        },
        _ => own_pvc_name(checker, e).map(|p| (p, None)),
    }
}

/// `vop.volume` and `dsl.PipelineVolume(pvc=...)`.
fn own_pvc_name(checker: &Checker, e: &Expr) -> Option<String> {
    match e {
        Expr::Attribute(a) if a.attr.as_str() == "volume" && is_volume_op(checker, &a.value) => {
            Some(format!(
                "{}.outputs['name']",
                checker.text(range(a.value.as_ref()))
            ))
        }
        Expr::Call(c)
            if checker.qualified_name(&c.func).as_deref() == Some("kfp.dsl.PipelineVolume") =>
        {
            let pvc = c
                .arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "pvc"))?;
            if c.arguments.keywords.len() != 1 || !c.arguments.args.is_empty() {
                return None;
            }
            Some(checker.text(range(&pvc.value)).to_string())
        }
        _ => None,
    }
}

/// `{'/mnt': vop.volume, ...}` wrapped around a task expression as nested `kubernetes.mount_pvc(...)` calls.
pub fn mount_pvolumes(
    checker: &Checker,
    task: &str,
    pvolumes: &Expr,
) -> Option<(String, Option<Edit>)> {
    let Expr::Dict(d) = pvolumes else { return None };
    let (mount, import) = spell_qualified(checker, "kfp.kubernetes.mount_pvc")?;
    let mut out = task.to_string();
    let mut after: Vec<String> = Vec::new();
    for item in &d.items {
        let (k, v) = (&item.key, &item.value);
        let path = checker.text(range(k.as_ref()?));
        let (pvc, wait_for) = pvc_name(checker, v)?;
        after.extend(wait_for.filter(|w| !after.contains(w)));
        out = format!("{mount}({out}, pvc_name={pvc}, mount_path={path})");
    }
    // `mount_pvc` orders the step after the claim's creator only; a volume taken from another op also made
    // it wait for that op.
    if !after.is_empty() {
        out.push_str(&format!(".after({})", after.join(", ")));
    }
    Some((out, import))
}

/// Start offsets of the values of `pvolumes` dicts (`ContainerOp(pvolumes={...})`, `.add_pvolumes({...})`):
/// a `vop.volume` there is converted, or reported, with the call.
#[derive(Default)]
struct MountedVolumes(FxHashSet<usize>);

/// Remembers the values of a call's `pvolumes` dict, before they are visited.
fn remember_pvolumes(checker: &mut Checker, call: &ast::ExprCall) {
    let is_add =
        matches!(call.func.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "add_pvolumes");
    let dicts = call
        .arguments
        .keywords
        .iter()
        .filter(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "pvolumes"))
        .map(|k| &k.value)
        .chain(call.arguments.args.iter().filter(|_| is_add));
    let starts: Vec<usize> = dicts
        .filter_map(|d| match d {
            Expr::Dict(d) => Some(d.items.iter().map(|i| range(&i.value).start)),
            _ => None,
        })
        .flatten()
        .collect();
    if !starts.is_empty() {
        checker.state::<MountedVolumes>().0.extend(starts);
    }
}

/// Whether an expression starting here is a value of a `pvolumes` dict, which the call's own rule (KFP201,
/// KFP209) converts or reports.
pub(crate) fn in_pvolumes(checker: &Checker, start: usize) -> bool {
    checker
        .state_ref::<MountedVolumes>()
        .is_some_and(|m| m.0.contains(&start))
}

/// KFP221 on a read of `vop.volume` outside a `pvolumes` dict (`volumes['/mnt'] = vop.volume`): the
/// `kubernetes.CreatePVC` task the `VolumeOp` became has no `volume`, and kfp 2 mounts claims with
/// `kubernetes.mount_pvc`, by name.
pub fn check_volume_read(checker: &mut Checker, attribute: &ast::ExprAttribute) {
    if attribute.attr.as_str() != "volume"
        || attribute.ctx != ast::ExprContext::Load
        || !is_volume_op(checker, &attribute.value)
    {
        return;
    }
    if in_pvolumes(checker, range(attribute).start) {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP221) else {
        return;
    };
    let vop = checker.text(range(attribute.value.as_ref())).to_string();
    let d = Diagnostic::new(
        rule.code,
        range(attribute),
        rule.message_with(&[
            ("name", "volume"),
            (
                "details",
                &format!(
                    " (`kubernetes.CreatePVC` gives the claim's name as `{vop}.outputs['name']`)"
                ),
            ),
        ]),
    )
    .with_fix_title(format!(
        "Mount the claim on each task that used the volume: `kubernetes.mount_pvc(task, pvc_name={vop}.outputs['name'], mount_path=...)`"
    ));
    checker.report(d);
}

/// KFP209 on `task.add_pvolumes({...})` and KFP219 on `vop.delete()`.
pub fn check_method(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    remember_pvolumes(checker, call);
    let Expr::Attribute(attr) = call.func.as_ref() else {
        return;
    };
    let fixable = !checker.module.has_comment_in(call_range.clone());
    match attr.attr.as_str() {
        "add_pvolumes" if checker.is_task(&attr.value) => {
            let Some(rule) = checker.enabled(id::KFP209) else {
                return;
            };
            let task = checker.text(range(attr.value.as_ref())).to_string();
            let fix = match (&call.arguments.args[..], fixable) {
                ([pvolumes], true) if call.arguments.keywords.is_empty() => {
                    mount_pvolumes(checker, &task, pvolumes)
                }
                _ => None,
            }
            .map(|(text, import)| {
                let mut edits = vec![Edit::replace(call_range.clone(), text)];
                edits.extend(import);
                Fix::new(rule.fix.applicability(), edits)
            });
            let d = Diagnostic::new(rule.code, range(call.func.as_ref()), rule.message_with(&[]))
                .with_fix_title(rule.fix_title.clone())
                .with_fix(fix);
            checker.report(d);
        }
        "delete" if is_volume_op(checker, &attr.value) => {
            let Some(rule) = checker.enabled(id::KFP219) else {
                return;
            };
            let vop = checker.text(range(attr.value.as_ref())).to_string();
            let fix =
                (fixable && call.arguments.args.is_empty() && call.arguments.keywords.is_empty())
                    .then(|| spell_qualified(checker, "kfp.kubernetes.DeletePVC"))
                    .flatten()
                    .map(|(delete, import)| {
                        let mut edits = vec![Edit::replace(
                            call_range.clone(),
                            format!("{delete}(pvc_name={vop}.outputs['name'])"),
                        )];
                        edits.extend(import);
                        Fix::new(rule.fix.applicability(), edits)
                    });
            let d = Diagnostic::new(
                rule.code,
                range(call.func.as_ref()),
                rule.message_with(&[("details", " (`delete()` becomes `kubernetes.DeletePVC`)")]),
            )
            .with_fix_title(rule.fix_title.clone())
            .with_fix(fix);
            checker.report(d);
        }
        _ => {}
    }
}

/// The claims a v1 `pvolumes` dict mounts, as (mount path, PVC name expression), when every entry is known.
pub fn pvolume_claims(checker: &Checker, pvolumes: &Expr) -> Option<Vec<(String, String)>> {
    let Expr::Dict(d) = pvolumes else { return None };
    d.items
        .iter()
        .map(|item| {
            Some((
                str_literal(item.key.as_ref()?)?,
                pvc_name(checker, &item.value)?.0,
            ))
        })
        .collect()
}

/// The (mount path, PVC name expression) of a `kubernetes.mount_pvc(task, pvc_name=..., mount_path='...')`.
pub fn mounted_claim(checker: &Checker, call: &ast::ExprCall) -> Option<(String, String)> {
    let keyword = |name: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
            .map(|k| &k.value)
    };
    let path = str_literal(keyword("mount_path")?)?;
    Some((path, checker.text(range(keyword("pvc_name")?)).to_string()))
}

/// What the volume rules remember of a module's variables while it is walked.
#[derive(Default)]
struct VolumeFacts {
    /// Claims mounted by the op a variable holds (`pvolumes=` / `add_pvolumes`), as (mount path, PVC name
    /// expression): another op's `step.pvolume` refers to them.
    op_pvolumes: FxHashMap<BindingId, Vec<(String, String)>>,
    /// Variables holding a v1 `VolumeOp` or the kfp-kubernetes `CreatePVC` task it became.
    volume_ops: FxHashSet<BindingId>,
}

/// Remembers what `b = value` says about volumes: a `VolumeOp` (or `CreatePVC`), also behind task methods
/// (`.set_display_name(...)`), and the claims an op mounts (`pvolumes=`, `.add_pvolumes(...)`).
pub(crate) fn record_assignment(checker: &mut Checker, b: BindingId, value: &Expr) {
    let mut root = value;
    let mut claims = Vec::new();
    while let Expr::Call(c) = root {
        match c.func.as_ref() {
            Expr::Attribute(a) if is_task_method(a.attr.as_str()) => {
                if a.attr.as_str() == "add_pvolumes"
                    && let Some(found) = c
                        .arguments
                        .args
                        .first()
                        .and_then(|p| pvolume_claims(checker, p))
                {
                    claims.extend(found);
                }
                root = &a.value;
            }
            // kfp-kubernetes helpers wrap the task (a fix of an earlier round may have made them).
            callee => match checker.qualified_name(callee).as_deref() {
                Some(q) if q.starts_with("kfp.kubernetes.") && !c.arguments.args.is_empty() => {
                    if q == "kfp.kubernetes.mount_pvc"
                        && let Some(found) = mounted_claim(checker, c)
                    {
                        claims.push(found);
                    }
                    root = &c.arguments.args[0];
                }
                _ => break,
            },
        }
    }
    if let Expr::Call(c) = root
        && checker.qualified_name(&c.func).as_deref() == Some("kfp.dsl.ContainerOp")
        && let Some(p) = c
            .arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "pvolumes"))
        && let Some(found) = pvolume_claims(checker, &p.value)
    {
        claims.extend(found);
    }
    if !claims.is_empty() {
        checker.state::<VolumeFacts>().op_pvolumes.insert(b, claims);
    }
    if let Expr::Call(c) = root
        && matches!(
            checker.qualified_name(&c.func).as_deref(),
            Some("kfp.dsl.VolumeOp" | "kfp.kubernetes.CreatePVC")
        )
    {
        checker.state::<VolumeFacts>().volume_ops.insert(b);
    }
}

#[cfg(test)]
mod tests {
    use super::super::volume_op::k8s_name;

    #[test]
    fn k8s_names() {
        assert_eq!(k8s_name("My PVC_1"), "my-pvc-1");
        assert_eq!(k8s_name("data"), "data");
    }
}
