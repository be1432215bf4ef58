//! KFP316: a task that depends on a task created inside a condition or exit handler it is not inside itself.
//!
//! kfp 1 compiled such a pipeline (Argo skipped the dependency when the branch did not run); kfp 2's compiler
//! refuses it: `InvalidTopologyException: Illegal task dependency across DSL context managers. A downstream
//! task cannot depend on an upstream task within a dsl.If context unless the downstream is within that context
//! too` (`compiler_utils.get_dependencies`), for data (`task.output`, `task.outputs[...]`) and for `.after()`.
//! Outputs combined with `dsl.OneOf(...)` are the kfp 2 way out and are left alone.

use rustc_hash::FxHashMap;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{Expr, Stmt};
use crate::python::visit::{self, Visitor};
use crate::registry::id;

/// The `with` blocks a downstream task must be inside to depend on a task created in them.
const CONTEXTS: &[&str] = &[
    "kfp.dsl.Condition",
    "kfp.dsl.If",
    "kfp.dsl.Elif",
    "kfp.dsl.Else",
    "kfp.dsl.ExitHandler",
    "kfp.v2.dsl.Condition",
    "kfp.v2.dsl.ExitHandler",
];

/// A task variable and the `with` blocks (by start offset) it was created in, outermost first.
struct TaskVar {
    name: String,
    contexts: Vec<(usize, String)>,
}

/// KFP316, on every pipeline function.
pub fn check_module(checker: &mut Checker) {
    let Some(rule) = checker.enabled(id::KFP316) else {
        return;
    };
    let pipelines: Vec<_> = checker.pipelines.pipelines.iter().map(|p| p.def).collect();
    for def in pipelines {
        let scope = checker.model.scope_opened_at(range(def).start).unwrap_or(0);
        let mut tasks = FxHashMap::default();
        let mut findings = Vec::new();
        walk(
            checker,
            scope,
            &def.body,
            &mut Vec::new(),
            &mut tasks,
            &mut findings,
        );
        for (at, task, context) in findings {
            let d = Diagnostic::new(
                rule.code,
                at,
                rule.message_with(&[("task", &task), ("context", &context)]),
            )
            .with_fix_title(rule.fix_title_with(&[("task", &task), ("context", &context)]));
            checker.report(d);
        }
    }
}

fn walk(
    checker: &Checker,
    scope: usize,
    body: &[Stmt],
    contexts: &mut Vec<(usize, String)>,
    tasks: &mut FxHashMap<usize, TaskVar>,
    findings: &mut Vec<(Range<usize>, String, String)>,
) {
    for stmt in body {
        if let Stmt::With(w) = stmt {
            let context = w.items.iter().find_map(|item| match &item.context_expr {
                Expr::Call(c) => checker
                    .model
                    .qualified_name(scope, &c.func)
                    .filter(|q| CONTEXTS.contains(&q.as_str()))
                    .map(|q| format!("dsl.{}", q.rsplit('.').next().unwrap_or(&q))),
                _ => None,
            });
            // The `with` line itself (a condition's operands, an exit task) runs outside the block.
            for item in &w.items {
                check_references(
                    checker,
                    scope,
                    &item.context_expr,
                    contexts,
                    tasks,
                    findings,
                );
            }
            match context {
                Some(c) => {
                    contexts.push((range(stmt).start, c));
                    walk(checker, scope, &w.body, contexts, tasks, findings);
                    contexts.pop();
                }
                None => walk(checker, scope, &w.body, contexts, tasks, findings),
            }
            continue;
        }
        match stmt {
            Stmt::If(i) => {
                check_references(checker, scope, &i.test, contexts, tasks, findings);
                for branch in visit::if_branches(i) {
                    walk(checker, scope, branch, contexts, tasks, findings);
                }
                continue;
            }
            Stmt::For(f) => {
                check_references(checker, scope, &f.iter, contexts, tasks, findings);
                walk(checker, scope, &f.body, contexts, tasks, findings);
                continue;
            }
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => continue,
            _ => {}
        }
        let mut refs = References::default();
        refs.visit_stmt(stmt);
        for (name, at) in refs.found {
            report_if_outside(checker, scope, &name, at, contexts, tasks, findings);
        }
        if let Stmt::Assign(a) = stmt
            && let [Expr::Name(n)] = a.targets.as_slice()
            && checker.is_task(&a.value)
            && let Some(Resolved::Binding(b)) =
                checker
                    .model
                    .resolve_name(scope, n.id.as_str(), range(&a.targets[0]).start + 1)
        {
            tasks.insert(
                b,
                TaskVar {
                    name: n.id.to_string(),
                    contexts: contexts.clone(),
                },
            );
        }
    }
}

fn check_references(
    checker: &Checker,
    scope: usize,
    expr: &Expr,
    contexts: &[(usize, String)],
    tasks: &FxHashMap<usize, TaskVar>,
    findings: &mut Vec<(Range<usize>, String, String)>,
) {
    let mut refs = References::default();
    refs.visit_expr(expr);
    for (name, at) in refs.found {
        report_if_outside(checker, scope, &name, at, contexts, tasks, findings);
    }
}

/// Reports a reference to a task created in a `with` block the reference is not inside.
fn report_if_outside(
    checker: &Checker,
    scope: usize,
    name: &str,
    at: Range<usize>,
    contexts: &[(usize, String)],
    tasks: &FxHashMap<usize, TaskVar>,
    findings: &mut Vec<(Range<usize>, String, String)>,
) {
    let Some(Resolved::Binding(b)) = checker.model.resolve_name(scope, name, at.start) else {
        return;
    };
    let Some(task) = tasks.get(&b) else { return };
    let outside = task
        .contexts
        .iter()
        .enumerate()
        .find(|(i, c)| contexts.get(*i).map(|(start, _)| start) != Some(&c.0));
    if let Some((_, (_, context))) = outside {
        findings.push((at, task.name.clone(), context.clone()));
    }
}

/// The task variables an expression depends on: `t.output`, `t.outputs[...]`, and the arguments of
/// `.after(t, ...)`; not inside `dsl.OneOf(...)`.
#[derive(Default)]
struct References {
    found: Vec<(String, Range<usize>)>,
}

impl<'a> Visitor<'a> for References {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Attribute(a) if matches!(a.attr.as_str(), "output" | "outputs") => {
                if let Expr::Name(n) = a.value.as_ref() {
                    self.found.push((n.id.to_string(), range(expr)));
                    return;
                }
            }
            Expr::Call(c) => {
                let callee = match c.func.as_ref() {
                    Expr::Attribute(a) => Some(a.attr.as_str()),
                    Expr::Name(n) => Some(n.id.as_str()),
                    _ => None,
                };
                if callee == Some("OneOf") {
                    return;
                }
                if let (Some("after"), Expr::Attribute(a)) = (callee, c.func.as_ref()) {
                    self.visit_expr(&a.value);
                    for arg in &c.arguments.args {
                        if let Expr::Name(n) = arg {
                            self.found.push((n.id.to_string(), range(arg)));
                        }
                    }
                    return;
                }
            }
            _ => {}
        }
        visit::walk_expr(self, expr);
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        visit::walk_stmt(self, stmt);
    }
}
