//! Loops (<https://www.kubeflow.org/docs/components/pipelines/user-guides/core-functions/control-flow/>):
//! - KFP314 `dsl.ParallelFor(task.output)` over a component output typed `str` (v1's JSON-string lists);
//! - KFP315 v1 fan-in workarounds: a task after a `ParallelFor` that waits for a loop task with `.after()` and
//!   shares a storage location with it (the same path or prefix argument, or a volume), which kfp 2 expresses
//!   with `dsl.Collected`.

use crate::registry::id;
use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::pipelines::argument;
use crate::yaml::model::{ComponentSpec, V2Type, v2_type};
use crate::yaml::{scalar, spans};

const STRING_ITEMS_RULE: &str = id::KFP314;
const FAN_IN_RULE: &str = id::KFP315;

const PARALLEL_FOR: &[&str] = &["kfp.dsl.ParallelFor", "kfp.v2.dsl.ParallelFor"];

/// KFP314, on the `ParallelFor(...)` call.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, callee: &str) {
    if !PARALLEL_FOR.contains(&callee) {
        return;
    }
    let Some(rule) = checker.enabled(STRING_ITEMS_RULE) else {
        return;
    };
    let Some(items) = argument(call, 0, "items").or_else(|| argument(call, 0, "loop_args")) else {
        return;
    };
    let found = match items {
        Expr::Attribute(a) if a.attr.as_str() == "output" => {
            python_output(checker, &a.value).or_else(|| yaml_output(checker, &a.value, None))
        }
        Expr::Subscript(s) => match (s.value.as_ref(), str_literal(&s.slice)) {
            (Expr::Attribute(a), Some(key)) if a.attr.as_str() == "outputs" => {
                yaml_output(checker, &a.value, Some(&key))
            }
            _ => None,
        },
        _ => None,
    };
    let Some((component, kind)) = found else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(items),
        rule.message_with(&[("name", &component), ("kind", &kind)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}

/// A Python component of this module whose single output is a `str`: (its name, what the output is).
fn python_output(checker: &Checker, task: &Expr) -> Option<(String, String)> {
    let component = checker.task_component(task)?;
    let def = checker
        .defs
        .components
        .iter()
        .find(|d| d.component.name == component.name)?;
    let returns_str = match def.function.returns.as_deref() {
        Some(Expr::Name(n)) => n.id.as_str() == "str",
        Some(other) => str_literal(other)
            .is_some_and(|t| matches!(t.to_ascii_lowercase().as_str(), "str" | "string" | "json")),
        None => false,
    };
    returns_str.then(|| (component.name.clone(), "`str`".to_string()))
}

/// A component loaded from YAML text in this module (`op = components.load_component_from_text(TEXT)`) whose
/// output (the only one, or `key`) kfp 2 reads as a single value: typed `String` or another parameter type
/// that is not a list, or untyped (an artifact).
fn yaml_output(checker: &Checker, task: &Expr, key: Option<&str>) -> Option<(String, String)> {
    let facts = &checker.pipelines;
    let call = match task {
        Expr::Call(c) => c,
        name => match facts.value_of(&checker.model, checker.scope, name)? {
            Expr::Call(c) => c,
            _ => return None,
        },
    };
    let Expr::Name(op) = call.func.as_ref() else {
        return None;
    };
    let Some(Resolved::Binding(b)) =
        checker.resolve(op.id.as_str(), range(call.func.as_ref()).start)
    else {
        return None;
    };
    let Expr::Call(loader) = facts.values.get(&b)? else {
        return None;
    };
    if checker.model.qualified_name(0, &loader.func).as_deref()
        != Some("kfp.components.load_component_from_text")
    {
        return None;
    }
    let text_expr = argument(loader, 0, "text")?;
    let text = match str_literal(text_expr) {
        Some(t) => t,
        None => str_literal(facts.value_of(&checker.model, 0, text_expr)?)?,
    };
    let documents = spans::parse(&text).ok()?;
    let [root] = documents.as_slice() else {
        return None;
    };
    let root = spans::expand_aliases(root).ok()?;
    let spec = ComponentSpec::read_any(&root)?;
    let outputs = spec.port_items("outputs");
    let output = match key {
        None => match outputs {
            [only] => only,
            _ => return None,
        },
        Some(k) => outputs
            .iter()
            .find(|o| o.get("name").and_then(scalar::string) == Some(k))?,
    };
    let kind = match output.get("type") {
        None => "untyped (artifact)".to_string(),
        Some(t) => {
            let t = scalar::string(t)?;
            if v2_type(Some(t)) == V2Type::Parameter("JsonArray") {
                return None;
            }
            format!("`{t}`")
        }
    };
    Some((op.id.to_string(), kind))
}

/// KFP315: every pipeline body, before the walk.
pub fn check_module(checker: &mut Checker) {
    if checker.enabled(FAN_IN_RULE).is_none() {
        return;
    }
    let pipelines = checker.pipelines.pipelines.clone();
    for p in &pipelines {
        let scope = checker
            .model
            .scope_opened_at(range(p.def).start)
            .unwrap_or(0);
        check_body(checker, scope, &p.def.body);
    }
}

/// A task assigned inside a loop: its binding and its call.
struct LoopTask<'a> {
    name: String,
    call: &'a ast::ExprCall,
}

fn check_body(checker: &mut Checker, scope: usize, body: &[Stmt]) {
    for (i, stmt) in body.iter().enumerate() {
        let Stmt::With(w) = stmt else { continue };
        let is_loop = w.items.iter().any(|item| {
            matches!(&item.context_expr, Expr::Call(c)
                if checker.model.qualified_name(scope, &c.func)
                    .is_some_and(|q| PARALLEL_FOR.contains(&q.as_str())))
        });
        if !is_loop {
            check_body(checker, scope, &w.body);
            continue;
        }
        let loop_vars: Vec<String> = w
            .items
            .iter()
            .filter_map(|item| match item.optional_vars.as_deref() {
                Some(Expr::Name(n)) => Some(n.id.to_string()),
                _ => None,
            })
            .collect();
        let mut tasks: HashMap<usize, LoopTask> = HashMap::new();
        collect_loop_tasks(checker, scope, &w.body, &mut tasks);
        if tasks.is_empty() {
            continue;
        }
        // Assignments after the loop, so `gather.after(square)` can find `gather`'s call.
        let mut later_calls: HashMap<String, &ast::ExprCall> = HashMap::new();
        for later in &body[i + 1..] {
            if let Stmt::Assign(a) = later
                && let [Expr::Name(n)] = a.targets.as_slice()
                && let Some(c) = root_call(&a.value)
            {
                later_calls.insert(n.id.to_string(), c);
            }
        }
        for later in &body[i + 1..] {
            let value = match later {
                Stmt::Assign(a) => a.value.as_ref(),
                Stmt::Expr(e) => e.value.as_ref(),
                _ => continue,
            };
            find_after_calls(checker, scope, value, &tasks, &later_calls, &loop_vars);
        }
    }
}

fn collect_loop_tasks<'a>(
    checker: &Checker,
    scope: usize,
    body: &'a [Stmt],
    out: &mut HashMap<usize, LoopTask<'a>>,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                if let [Expr::Name(n)] = a.targets.as_slice()
                    && let Some(call) = root_call(&a.value)
                    && let Some(Resolved::Binding(b)) = checker.model.resolve_name(
                        scope,
                        n.id.as_str(),
                        range(&a.targets[0]).start + 1,
                    )
                {
                    out.insert(
                        b,
                        LoopTask {
                            name: n.id.to_string(),
                            call,
                        },
                    );
                }
            }
            Stmt::With(w) => collect_loop_tasks(checker, scope, &w.body, out),
            _ => {}
        }
    }
}

/// The component call under task methods (`op(...).after(x).set_cpu_limit('1')` → `op(...)`).
fn root_call(expr: &Expr) -> Option<&ast::ExprCall> {
    let Expr::Call(c) = expr else { return None };
    match c.func.as_ref() {
        Expr::Attribute(a)
            if a.attr.as_str() == "after"
                || a.attr.starts_with("set_")
                || a.attr.starts_with("add_") =>
        {
            root_call(&a.value).or(Some(c))
        }
        _ => Some(c),
    }
}

/// The arguments of a call that say where data lives, by source text (the loop variable excluded).
fn shared_arguments(
    checker: &Checker,
    call: &ast::ExprCall,
    loop_vars: &[String],
) -> Vec<(String, Range<usize>)> {
    let values = call
        .arguments
        .args
        .iter()
        .chain(call.arguments.keywords.iter().map(|k| &k.value));
    values
        .filter(|v| !matches!(v, Expr::Name(n) if loop_vars.iter().any(|l| l == n.id.as_str())))
        .map(|v| (checker.text(range(v)).to_string(), range(v)))
        .collect()
}

fn has_volume(call: &ast::ExprCall) -> bool {
    call.arguments
        .keywords
        .iter()
        .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "pvolumes"))
}

fn find_after_calls(
    checker: &mut Checker,
    scope: usize,
    expr: &Expr,
    tasks: &HashMap<usize, LoopTask>,
    later_calls: &HashMap<String, &ast::ExprCall>,
    loop_vars: &[String],
) {
    let Expr::Call(c) = expr else { return };
    let Expr::Attribute(a) = c.func.as_ref() else {
        return;
    };
    find_after_calls(checker, scope, &a.value, tasks, later_calls, loop_vars);
    if a.attr.as_str() != "after" {
        return;
    }
    // The waiting task: the call `.after` is chained on, or the variable it is called on.
    let waiting = match a.value.as_ref() {
        Expr::Name(n) => later_calls.get(n.id.as_str()).copied(),
        other => root_call(other),
    };
    let Some(waiting) = waiting else { return };
    for arg in &c.arguments.args {
        let Expr::Name(n) = arg else { continue };
        let Some(Resolved::Binding(b)) =
            checker
                .model
                .resolve_name(scope, n.id.as_str(), range(arg).start)
        else {
            continue;
        };
        let Some(task) = tasks.get(&b) else { continue };
        let loop_args = shared_arguments(checker, task.call, loop_vars);
        let shared = shared_arguments(checker, waiting, loop_vars)
            .into_iter()
            .find(|(text, _)| loop_args.iter().any(|(t, _)| t == text))
            .map(|(text, _)| format!("`{text}`"))
            .or_else(|| {
                (has_volume(waiting) || has_volume(task.call)).then(|| "a volume".to_string())
            });
        let Some(shared) = shared else { continue };
        let Some(rule) = checker.enabled(FAN_IN_RULE) else {
            return;
        };
        let d = Diagnostic::new(
            rule.code,
            range(a.value.as_ref()).end..range(expr).end,
            rule.message_with(&[("name", &task.name), ("shared", &shared)]),
        )
        .with_fix_title(rule.fix_title_with(&[("name", &task.name)]));
        checker.report(d);
    }
}
