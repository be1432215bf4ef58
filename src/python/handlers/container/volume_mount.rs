//! KFP208 on `task.add_volume(V1Volume(...))`: paired with its `add_volume_mount(V1VolumeMount(...))`, chained on it or in a statement of the same function.

use super::kubernetes_objects::{field, model_fields, report, text};
use crate::diagnostic::Edit;
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::visit::{self, Visitor};
use crate::registry::id;
use std::ops::Range;

/// The kfp-kubernetes call that mounts a `V1Volume` at a `V1VolumeMount`'s path.
pub(crate) fn volume_mount(
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
        id::KFP208,
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
        id::KFP208,
        range(add_volume.func.as_ref()),
        vec![call_range],
        rewrite,
        fixable,
    );
    true
}
