//! KFP330: kfp 1's `PipelineConf` (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_pipeline.py>;
//! kfp 2's `PipelineConfig` is in
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_config.py>):
//! `dsl.get_pipeline_conf().set_timeout(...)` inside a pipeline, or `conf = dsl.PipelineConf(); conf.set_...(...)`
//! passed as `compile(..., pipeline_conf=conf)`.
//!
//! Each setting is moved where kfp 2 keeps it, one fix per `conf.method(...)` statement (so every fix is
//! complete on its own and the fix loop applies them one after the other):
//! - `set_timeout` / `set_ttl_seconds_after_finished` → `dsl.PipelineConfig(active_deadline_seconds=…)` /
//!   `(ttl_seconds_after_finished=…)` on the pipeline's decorator (kfp ≥ 2.17);
//! - `set_image_pull_policy`, `set_image_pull_secrets`, `set_default_pod_node_selector` → a kfp-kubernetes
//!   call on every task of the pipeline;
//! - everything else gets a diagnostic with what to do instead.
//!
//! When no setting is left, the `get_pipeline_conf()` / `PipelineConf()` assignment and the
//! `pipeline_conf=` argument are removed.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::applied_name;
use crate::python::edits::{
    append_argument, delete_argument, delete_statement, ensure_imported, indentation,
    next_line_start, spell_qualified,
};
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::pipelines::{PipelineFn, component_objects, keyword};
use crate::settings::KfpVersion;

const RULE: &str = id::KFP330;

/// `PipelineConfig(ttl_seconds_after_finished=, active_deadline_seconds=)` arrived in kfp 2.17.0 (checked in the
/// released wheels: 2.16 has only `workspace=`).
const PIPELINE_CONFIG_SINCE: KfpVersion = KfpVersion {
    major: 2,
    minor: 17,
};

const GET_PIPELINE_CONF: &[&str] = &[
    "kfp.dsl.get_pipeline_conf",
    "kfp.dsl._pipeline.get_pipeline_conf",
];
const PIPELINE_CONF: &[&str] = &["kfp.dsl.PipelineConf", "kfp.dsl._pipeline.PipelineConf"];

/// What each v1 method becomes.
enum Target {
    /// A `dsl.PipelineConfig` keyword.
    Config(&'static str),
    /// A kfp-kubernetes call on every task.
    PerTask,
    /// Nothing: the guidance says what to do instead.
    Manual(&'static str),
}

fn target_of(method: &str) -> Option<Target> {
    Some(match method {
        "set_timeout" => Target::Config("active_deadline_seconds"),
        "set_ttl_seconds_after_finished" => Target::Config("ttl_seconds_after_finished"),
        "set_image_pull_policy" | "set_image_pull_secrets" | "set_default_pod_node_selector" => {
            Target::PerTask
        }
        "set_parallelism" => Target::Manual(
            "kfp 2 has no pipeline-wide limit: pass `parallelism=` to each `dsl.ParallelFor`",
        ),
        "set_pod_disruption_budget" => Target::Manual("kfp 2 has no pod disruption budget setting"),
        "set_dns_config" => Target::Manual("kfp 2 has no DNS config setting"),
        "add_op_transformer" => Target::Manual(
            "kfp 2 has no op transformers: call the transformer's settings on each task explicitly",
        ),
        _ => return None,
    })
}

/// The conf object a receiver stands for.
enum Conf {
    /// `dsl.get_pipeline_conf()` inside a pipeline function.
    Current,
    /// A name bound to `dsl.PipelineConf()` (or to `get_pipeline_conf()`): its binding.
    Variable(usize),
}

fn conf_of(checker: &Checker, receiver: &Expr) -> Option<Conf> {
    match receiver {
        Expr::Call(c) => {
            let q = checker.qualified_name(&c.func)?;
            GET_PIPELINE_CONF
                .contains(&q.as_str())
                .then_some(Conf::Current)
        }
        Expr::Name(n) => {
            let Some(Resolved::Binding(b)) = checker.resolve(n.id.as_str(), range(receiver).start)
            else {
                return None;
            };
            let value = checker.pipelines.values.get(&b)?;
            let Expr::Call(c) = value else { return None };
            let q = checker.qualified_name(&c.func)?;
            (GET_PIPELINE_CONF.contains(&q.as_str()) || PIPELINE_CONF.contains(&q.as_str()))
                .then_some(Conf::Variable(b))
        }
        _ => None,
    }
}

pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    if checker.enabled(RULE).is_none() {
        return;
    }
    if let Expr::Attribute(a) = call.func.as_ref()
        && let Some(conf) = conf_of(checker, &a.value)
    {
        method_call(checker, call, call_range, a.attr.as_str(), &conf);
        return;
    }
    if let Some(k) = keyword(call, "pipeline_conf")
        && let Expr::Attribute(a) = call.func.as_ref()
        && matches!(
            (
                a.attr.as_str(),
                checker
                    .pipelines
                    .object_kind(&checker.model, checker.scope, &a.value)
            ),
            (
                "compile",
                Some(crate::python::pipelines::KfpObject::Compiler)
            ) | (
                "create_run_from_pipeline_func",
                Some(crate::python::pipelines::KfpObject::Client)
            )
        )
    {
        conf_argument(checker, call, k);
    }
}

/// The statement an expression is the whole of (`conf.set_timeout(5)` on its own line), and whether it is
/// the only statement of its block.
fn statement_of<'a>(body: &'a [Stmt], target: &Range<usize>) -> Option<(&'a Stmt, bool)> {
    for stmt in body {
        let r = range(stmt);
        if !(r.start <= target.start && target.end <= r.end) {
            continue;
        }
        if let Stmt::Expr(e) = stmt
            && range(e.value.as_ref()) == *target
        {
            return Some((stmt, body.len() == 1));
        }
        if let Stmt::Assign(a) = stmt
            && range(a.value.as_ref()) == *target
        {
            return Some((stmt, body.len() == 1));
        }
        for inner in nested_bodies(stmt) {
            if let Some(found) = statement_of(inner, target) {
                return Some(found);
            }
        }
    }
    None
}

fn nested_bodies(stmt: &Stmt) -> Vec<&[Stmt]> {
    match stmt {
        Stmt::FunctionDef(f) => vec![&f.body],
        Stmt::If(s) => crate::python::visit::if_branches(s).collect(),
        Stmt::For(s) => vec![&s.body, &s.orelse],
        Stmt::While(s) => vec![&s.body, &s.orelse],
        Stmt::With(s) => vec![&s.body],
        Stmt::Try(s) => {
            let mut v: Vec<&[Stmt]> = vec![&s.body, &s.orelse, &s.finalbody];
            for h in &s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v
        }
        _ => vec![],
    }
}

/// The pipeline a conf configures: the enclosing pipeline for `get_pipeline_conf()`, else the one pipeline
/// every `pipeline_conf=<name>` argument compiles.
fn pipeline_of<'c>(checker: &'c Checker, conf: &Conf, at: usize) -> Option<&'c PipelineFn<'c>> {
    match conf {
        Conf::Current => checker.pipelines.pipeline_at(at),
        Conf::Variable(binding) => {
            let mut found: Option<&PipelineFn> = None;
            for s in &checker.pipelines.submissions {
                let Some(k) = keyword(s.call, "pipeline_conf") else {
                    continue;
                };
                let Expr::Name(n) = &k.value else { continue };
                let same = matches!(
                    checker.model.resolve_name(s.scope, n.id.as_str(), range(&k.value).start),
                    Some(Resolved::Binding(b)) if b == *binding
                );
                if !same {
                    continue;
                }
                let p =
                    checker
                        .pipelines
                        .pipeline_named(&checker.model, s.scope, s.pipeline_arg()?)?;
                if found.is_some_and(|f| !std::ptr::eq(f.def, p.def)) {
                    return None;
                }
                found = Some(p);
            }
            // Built from `get_pipeline_conf()` inside the pipeline itself.
            found.or_else(|| checker.pipelines.pipeline_at(at))
        }
    }
}

/// Whether a value can be moved into the pipeline (its decorator or body): a literal, or a name the module
/// binds.
fn movable(checker: &Checker, value: &Expr) -> bool {
    match value {
        e if crate::python::literals::is_constant(e) => true,
        Expr::UnaryOp(u) => movable(checker, &u.operand),
        Expr::BinOp(b) => movable(checker, &b.left) && movable(checker, &b.right),
        Expr::List(l) => l.elts.iter().all(|e| movable(checker, e)),
        Expr::Name(n) => matches!(checker.resolve(n.id.as_str(), range(value).start),
            Some(Resolved::Binding(b)) if checker.model.bindings[b].scope == 0),
        _ => false,
    }
}

fn method_call(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    method: &str,
    conf: &Conf,
) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let Some(target) = target_of(method) else {
        return;
    };
    let (guidance, fix) = match &target {
        Target::Manual(g) => ((*g).to_string(), None),
        Target::Config(key) => (
            format!("set `dsl.PipelineConfig({key}=...)` as the decorator's `pipeline_config=`"),
            if checker.target() >= PIPELINE_CONFIG_SINCE {
                config_fix(checker, call, &call_range, conf, key)
            } else {
                None
            },
        ),
        Target::PerTask => (
            format!(
                "call `kubernetes.{}(task, ...)` from kfp-kubernetes on every task",
                per_task_function(method)
            ),
            per_task_fix(checker, call, &call_range, conf, method),
        ),
    };
    let name = format!("{method}(...)");
    let d = Diagnostic::new(
        rule.code,
        call_range,
        rule.message_with(&[("name", &name), ("guidance", &guidance)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix.map(|edits| Fix::new(rule.fix.applicability(), edits)));
    checker.report(d);
}

fn per_task_function(method: &str) -> &'static str {
    match method {
        "set_image_pull_policy" => "set_image_pull_policy",
        "set_image_pull_secrets" => "set_image_pull_secrets",
        _ => "add_node_selector",
    }
}

/// Deletes the `conf.method(...)` statement; `None` when the call is not a statement of its own.
fn delete_call_statement(checker: &Checker, call_range: &Range<usize>) -> Option<Edit> {
    let (stmt, sole) = statement_of(&checker.module.body, call_range)?;
    matches!(stmt, Stmt::Expr(_)).then(|| delete_statement(checker.source, stmt, sole))
}

/// `set_timeout(s)` → `@dsl.pipeline(..., pipeline_config=dsl.PipelineConfig(active_deadline_seconds=s))`.
fn config_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    call_range: &Range<usize>,
    conf: &Conf,
    key: &str,
) -> Option<Vec<Edit>> {
    let [value] = &call.arguments.args[..] else {
        return None;
    };
    if !call.arguments.keywords.is_empty() || !movable(checker, value) {
        return None;
    }
    let pipeline = pipeline_of(checker, conf, call_range.start)?;
    let decorator = pipeline.decorator?;
    let value_text = checker.text(range(value));
    let mut edits = vec![delete_call_statement(checker, call_range)?];
    let setting = format!("{key}={value_text}");
    match decorator {
        Expr::Call(d) => match keyword(d, "pipeline_config") {
            Some(existing) => {
                let Expr::Call(config) = &existing.value else {
                    return None;
                };
                let is_config = applied_name(&checker.model, &existing.value).as_deref()
                    == Some("kfp.dsl.PipelineConfig");
                if !is_config || keyword(config, key).is_some() {
                    return None;
                }
                edits.push(append_argument(&range(&existing.value), config, &setting));
            }
            None => {
                let (spelled, import) = spell_qualified(checker, "kfp.dsl.PipelineConfig")?;
                edits.push(append_argument(
                    &range(decorator),
                    d,
                    &format!("pipeline_config={spelled}({setting})"),
                ));
                edits.extend(import);
            }
        },
        bare => {
            let (spelled, import) = spell_qualified(checker, "kfp.dsl.PipelineConfig")?;
            edits.push(Edit::insert(
                range(bare).end,
                format!("(pipeline_config={spelled}({setting}))"),
            ));
            edits.extend(import);
        }
    }
    Some(edits)
}

/// The name kfp-kubernetes is imported under, and the import edit when it is not yet.
/// (`import kfp` alone does not load `kfp.kubernetes`, so it must be imported itself.)
fn kubernetes_module(checker: &Checker) -> Option<(String, Option<Edit>)> {
    ensure_imported(checker, "kfp.kubernetes")
}

/// The arguments after the task of the kfp-kubernetes call a per-task method becomes.
fn per_task_arguments(checker: &Checker, call: &ast::ExprCall, method: &str) -> Option<String> {
    if !call.arguments.keywords.is_empty()
        || !call
            .arguments
            .args
            .iter()
            .all(|a| movable_or_secret(checker, a))
    {
        return None;
    }
    let text = |e: &Expr| checker.text(range(e)).to_string();
    match (method, &call.arguments.args[..]) {
        ("set_image_pull_policy", [policy]) => Some(text(policy)),
        ("set_default_pod_node_selector", [label, value]) => Some(format!(
            "label_key={}, label_value={}",
            text(label),
            text(value)
        )),
        ("set_image_pull_secrets", [Expr::List(list)]) => {
            // `[V1LocalObjectReference(name='regcred')]` → `['regcred']`
            let names: Option<Vec<String>> = list
                .elts
                .iter()
                .map(|e| {
                    let Expr::Call(c) = e else { return None };
                    let class = checker.qualified_name(&c.func)?;
                    if !class.starts_with("kubernetes.")
                        || !class.ends_with(".V1LocalObjectReference")
                    {
                        return None;
                    }
                    let name = keyword(c, "name")
                        .map(|k| &k.value)
                        .or(c.arguments.args.first())?;
                    movable(checker, name).then(|| text(name))
                })
                .collect();
            Some(format!("[{}]", names?.join(", ")))
        }
        _ => None,
    }
}

fn movable_or_secret(checker: &Checker, e: &Expr) -> bool {
    movable(checker, e) || matches!(e, Expr::List(_))
}

/// `conf.set_image_pull_policy('Always')` → `kubernetes.set_image_pull_policy(task, 'Always')` after every task.
fn per_task_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    call_range: &Range<usize>,
    conf: &Conf,
    method: &str,
) -> Option<Vec<Edit>> {
    let arguments = per_task_arguments(checker, call, method)?;
    let pipeline = pipeline_of(checker, conf, call_range.start)?;
    let (module, import) = kubernetes_module(checker)?;
    let function = format!("{module}.{}", per_task_function(method));
    let mut tasks = Vec::new();
    let mut unknown = Vec::new();
    collect_tasks(checker, &pipeline.def.body, &mut tasks, &mut unknown);
    if tasks.is_empty() || !unknown.is_empty() {
        return None;
    }
    let mut edits = vec![delete_call_statement(checker, call_range)?];
    let eol = checker.source.line_ending();
    for task in tasks {
        match task {
            Task::Named(stmt, name) => {
                let r = range(stmt);
                let indent = indentation(checker.source, r.start).to_string();
                let at = next_line_start(&checker.source.text, r.end);
                let line = format!("{indent}{function}({name}, {arguments}){eol}");
                if at == checker.source.text.len() && !checker.source.text.ends_with('\n') {
                    edits.push(Edit::insert(at, format!("{eol}{line}")));
                } else {
                    edits.push(Edit::insert(at, line));
                }
            }
            Task::Unnamed(value) => {
                let r = range(value);
                edits.push(Edit::insert(r.start, format!("{function}(")));
                edits.push(Edit::insert(r.end, format!(", {arguments})")));
            }
        }
    }
    edits.extend(import);
    // The statement being deleted may sit right where a task's line is inserted.
    crate::python::edits::merge_inserts(&mut edits);
    let fix = Fix::new(crate::diagnostic::Applicability::Unsafe, edits.clone());
    fix.is_well_formed().then_some(edits)
}

enum Task<'a> {
    /// `t = op(...)`: the call goes on the next line.
    Named(&'a Stmt, String),
    /// `op(...)` on its own: the call wraps it.
    Unnamed(&'a Expr),
}

/// The task-creating statements of a pipeline body, in control-flow blocks too; calls that may create tasks
/// but are not recognised go to `unknown` (the setting cannot be moved completely then).
fn collect_tasks<'a>(
    checker: &Checker,
    body: &'a [Stmt],
    out: &mut Vec<Task<'a>>,
    unknown: &mut Vec<String>,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                if let [Expr::Name(n)] = a.targets.as_slice()
                    && is_task(checker, &a.value)
                {
                    out.push(Task::Named(stmt, n.id.to_string()));
                } else if may_create_task(checker, &a.value) {
                    unknown.push(checker.text(range(a.value.as_ref())).to_string());
                }
            }
            Stmt::Expr(e) if is_task(checker, &e.value) => out.push(Task::Unnamed(&e.value)),
            Stmt::Expr(e) if may_create_task(checker, &e.value) => {
                unknown.push(checker.text(range(e.value.as_ref())).to_string());
            }
            Stmt::With(w) => collect_tasks(checker, &w.body, out, unknown),
            Stmt::If(s) => {
                for branch in crate::python::visit::if_branches(s) {
                    collect_tasks(checker, branch, out, unknown);
                }
            }
            Stmt::For(s) => collect_tasks(checker, &s.body, out, unknown),
            _ => {}
        }
    }
}

/// A call in a pipeline body that is not a known task but might create one: not a kfp function, not a
/// builtin, not a method of a local (such as `task.after(other)`).
fn may_create_task(checker: &Checker, expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    if checker
        .qualified_name(&call.func)
        .is_some_and(|q| q == "kfp" || q.starts_with("kfp."))
    {
        return false;
    }
    let mut head = call.func.as_ref();
    while let Expr::Attribute(a) = head {
        head = &a.value;
    }
    match head {
        Expr::Name(n) => match checker.resolve(n.id.as_str(), range(head).start) {
            // A builtin (`print`).
            None => false,
            Some(Resolved::Binding(b)) => {
                // A method of a local variable (`task.after(other)`) adds no task.
                let local = checker.model.bindings[b].scope != 0;
                !local || std::ptr::eq(head, call.func.as_ref())
            }
            Some(Resolved::Star(_)) => true,
        },
        Expr::Call(_) => !is_task(checker, head),
        _ => true,
    }
}

/// Whether an expression creates a task: a call of a known component (possibly followed by task methods, or
/// wrapped in a kfp-kubernetes call by an earlier fix).
fn is_task(checker: &Checker, expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    if let Expr::Attribute(a) = call.func.as_ref()
        && (a.attr.as_str() == "after" || a.attr.starts_with("set_") || a.attr.starts_with("add_"))
        && is_task(checker, &a.value)
    {
        return true;
    }
    if let Some(q) = checker.qualified_name(&call.func)
        && q.starts_with("kfp.kubernetes.")
    {
        return call
            .arguments
            .args
            .first()
            .is_some_and(|t| is_task(checker, t));
    }
    if checker.component_named(&call.func).is_some() {
        return true;
    }
    // A component object imported from another module of the run.
    if let Some(q) = checker.qualified_name(&call.func)
        && checker
            .ctx
            .project
            .names_component(Some(&checker.ctx.module.root), &q)
    {
        return true;
    }
    let Expr::Name(n) = call.func.as_ref() else {
        return false;
    };
    let Some(Resolved::Binding(b)) =
        checker.resolve(n.id.as_str(), range(call.func.as_ref()).start)
    else {
        return false;
    };
    if checker.model.bindings[b].scope != 0 {
        return false;
    }
    // `op = components.load_component_from_text(...)`, `@dsl.component def op(...)`, … in this module.
    component_objects(&checker.module.body, &checker.model).contains(n.id.as_str())
}

/// `pipeline_conf=conf` in a compile or submit call.
fn conf_argument(checker: &mut Checker, call: &ast::ExprCall, k: &ast::Keyword) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    // Removable once nothing else reads the conf: an empty `dsl.PipelineConf()` or a name whose settings
    // have all been moved (read only here).
    let empty = match &k.value {
        Expr::Call(c) => {
            c.arguments.args.is_empty()
                && c.arguments.keywords.is_empty()
                && checker
                    .qualified_name(&c.func)
                    .is_some_and(|q| PIPELINE_CONF.contains(&q.as_str()))
        }
        Expr::Name(_) => {
            matches!(conf_of(checker, &k.value), Some(Conf::Variable(_)))
                && checker
                    .pipelines
                    .loads_of(&checker.model, checker.scope, &k.value)
                    == Some(1)
        }
        Expr::NoneLiteral(_) => true,
        _ => false,
    };
    let fix = empty
        .then(|| delete_argument(call, &range(k)))
        .flatten()
        .map(|e| Fix::new(rule.fix.applicability(), vec![e]));
    let guidance = if empty {
        "it sets nothing kfp 2 needs, so it can go"
    } else {
        "move its settings first (this rule reports each one), then remove the argument"
    };
    let d = Diagnostic::new(
        rule.code,
        range(k),
        rule.message_with(&[("name", "pipeline_conf=..."), ("guidance", guidance)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// `conf = dsl.get_pipeline_conf()` / `conf = dsl.PipelineConf()`: removed once nothing reads `conf`.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let ([Expr::Name(target)], Expr::Call(c)) = (assign.targets.as_slice(), assign.value.as_ref())
    else {
        return;
    };
    let Some(q) = checker.qualified_name(&c.func) else {
        return;
    };
    if !(GET_PIPELINE_CONF.contains(&q.as_str()) || PIPELINE_CONF.contains(&q.as_str())) {
        return;
    }
    let target_expr = &assign.targets[0];
    let unused = matches!(
        checker.target_binding(target.id.as_str(), range(target_expr).start),
        Some(Resolved::Binding(b)) if checker.pipelines.loads.get(&b).copied().unwrap_or(0) == 0
    );
    let value_range = range(assign.value.as_ref());
    let fix = unused
        .then(|| statement_of(&checker.module.body, &value_range))
        .flatten()
        .map(|(stmt, sole)| {
            Fix::new(
                rule.fix.applicability(),
                vec![delete_statement(checker.source, stmt, sole)],
            )
        });
    let name = format!("{}()", q.rsplit('.').next().unwrap_or(&q));
    let guidance = if unused {
        "nothing reads it any more, so it can go"
    } else {
        "move each of its settings (this rule reports them), then remove it"
    };
    let d = Diagnostic::new(
        rule.code,
        value_range,
        rule.message_with(&[("name", &name), ("guidance", guidance)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}
