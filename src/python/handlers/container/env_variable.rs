//! KFP207: `op.add_env_variable(V1EnvVar(name, value))` → `task.set_env_variable(name, value)`; a secret, config map or field reference → the kfp-kubernetes helper.

use super::kubernetes_objects;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::handlers::pipeline::pipeline_definition::is_pipeline_value;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr};
use crate::python::visit::{self, Visitor};
use crate::registry::id;
use std::ops::Range;

/// KFP207: `op.add_env_variable(V1EnvVar(name, value))` → `task.set_env_variable(name, value)`; a secret,
/// config map or field reference → the kfp-kubernetes helper.
pub(crate) fn env_variable(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    tail: Range<usize>,
    task_text: &str,
    fixable: bool,
) {
    let Some(rule) = checker.enabled(id::KFP207) else {
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
    // kfp 2 bakes environment values into the component spec: a pipeline value cannot be one.
    let runtime = fields.as_ref().and_then(|f| {
        f.iter()
            .find(|(k, v)| k == "value" && uses_pipeline_value(checker, v))
            .map(|(_, v)| checker.text(range(*v)).to_string())
    });
    let rewrite: Option<(String, Option<Edit>, bool)> = fields.as_ref().and_then(|f| {
        let name = get(f, "name")?;
        if runtime.is_some() {
            return None;
        }
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
    let details = runtime.as_deref().map(runtime_details).unwrap_or_default();
    let fix_title = match runtime {
        Some(_) => RUNTIME_FIX_TITLE.to_string(),
        None => rule.fix_title.clone(),
    };
    let d = Diagnostic::new(
        rule.code,
        range(call.func.as_ref()),
        rule.message_with(&[("details", &details)]),
    )
    .with_fix_title(fix_title)
    .with_fix(fix);
    checker.report(d);
}

/// What to do instead of setting an environment variable from a pipeline value.
pub(crate) const RUNTIME_FIX_TITLE: &str = "Pass the value to the component as an input and read it there (or set the variable from it in the command)";

/// Why an environment value cannot stay: `set_env_variable` takes a plain string.
pub(crate) fn runtime_details(value: &str) -> String {
    format!(
        "; its value `{value}` is (or formats) a pipeline value, and kfp 2's `set_env_variable` takes a plain string (a channel raises `TypeError`, an f-string of one sets the placeholder text)"
    )
}

/// Whether an expression is, or formats, a pipeline parameter, task output or loop item (`mode`, `f'--{mode}'`,
/// `str(task.output)`), which kfp 2 resolves only as a task input.
pub(crate) fn uses_pipeline_value(checker: &Checker, e: &Expr) -> bool {
    struct Finder<'c, 'a> {
        checker: &'c Checker<'a>,
        found: bool,
    }
    impl<'e> Visitor<'e> for Finder<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if self.found {
                return;
            }
            if is_pipeline_value(self.checker, expr, range(expr).start)
                || is_loop_item(self.checker, expr)
            {
                self.found = true;
                return;
            }
            visit::walk_expr(self, expr);
        }
    }
    let mut finder = Finder {
        checker,
        found: false,
    };
    finder.visit_expr(e);
    finder.found
}

/// The item of a `with dsl.ParallelFor(...) as item:` in the enclosing function (a channel in kfp 2).
fn is_loop_item(checker: &Checker, e: &Expr) -> bool {
    struct Items<'c, 'a> {
        checker: &'c Checker<'a>,
        binding: Range<usize>,
        found: bool,
    }
    impl<'e> Visitor<'e> for Items<'_, '_> {
        fn visit_stmt(&mut self, stmt: &'e ast::Stmt) {
            if let ast::Stmt::With(w) = stmt {
                self.found |= w.items.iter().any(|i| {
                    i.optional_vars.as_deref().is_some_and(|v| range(v) == self.binding)
                        && matches!(&i.context_expr, Expr::Call(c)
                            if self.checker.qualified_name(&c.func).as_deref() == Some("kfp.dsl.ParallelFor"))
                });
            }
            visit::walk_stmt(self, stmt);
        }
    }
    let (Expr::Name(n), Some(f)) = (e, checker.functions.last()) else {
        return false;
    };
    let Some(Resolved::Binding(b)) = checker.resolve(n.id.as_str(), range(e).start) else {
        return false;
    };
    let mut items = Items {
        checker,
        binding: checker.model.bindings[b].range.clone(),
        found: false,
    };
    items.visit_body(&f.body);
    items.found
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
