//! One pass over a module's AST that dispatches every node to the enabled rules.
//!
//! Order of work: the semantic model is built first (all bindings known), then the checker walks the tree,
//! resolving every name it meets (recording references per binding) and running expression and call rules;
//! import statements are checked last, when every binding's uses are known (a removed name can only be
//! deleted from an import when nothing uses it).

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::Arc;

use super::Context;
use super::components::{self, ModuleDefs};
use super::names::{BindingId, BindingKind, Resolved, ScopeId, SemanticModel, range};
use super::parse::ParsedModule;
use super::parse::ast::{self, Expr, Stmt};
use super::pipelines::PipelineFacts;
use super::rules;
use super::visit::{self, ScopeBody, Visitor};
use crate::components::Component;
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, registry};
use crate::settings::{KfpVersion, RuleSelection};
use crate::source::SourceFile;

/// An import statement and where it sits.
pub struct ImportSite<'a> {
    pub stmt: &'a Stmt,
    pub scope: ScopeId,
    /// Inside `try: … except ImportError:` (a compatibility shim): import rules leave it alone.
    pub guarded: bool,
    /// The only statement of its block: deleting it needs a `pass` in its place.
    pub sole_in_block: bool,
}

pub struct Checker<'a> {
    pub source: &'a SourceFile,
    pub module: &'a ParsedModule,
    pub model: SemanticModel,
    selection: &'a RuleSelection,
    pub diagnostics: Vec<Diagnostic>,
    pub scope: ScopeId,
    pub imports: Vec<ImportSite<'a>>,
    /// The run's component index and this file's module.
    pub ctx: &'a Context<'a>,
    /// The v1 components this file defines at module level (from its current text).
    pub defs: ModuleDefs<'a>,
    /// Variables holding a task of a known component (`t = train_op(...)`).
    pub tasks: FxHashMap<BindingId, Arc<Component>>,
    /// Variables holding any kfp task (a component call, a `ContainerOp`, a loaded component's call).
    pub task_vars: FxHashSet<BindingId>,
    /// Claims mounted by the op a variable holds (`pvolumes=` / `add_pvolumes`), as (mount path, PVC name
    /// expression): another op's `step.pvolume` refers to them.
    pub op_pvolumes: FxHashMap<BindingId, Vec<(String, String)>>,
    /// Variables holding a v1 `VolumeOp` or the kfp-kubernetes `CreatePVC` task it became.
    pub volume_ops: FxHashSet<BindingId>,
    /// Variables holding a component loaded from a v1 spec (`op = load_component_from_file(...)`).
    pub loaded_components: FxHashSet<BindingId>,
    /// The single-name target and value range of the assignment being walked (`flip = dsl.ContainerOp(...)`).
    pub assign_target: Option<(String, Range<usize>)>,
    /// Variables bound by `for` loops: plain Python values while the pipeline function runs.
    pub loop_variables: FxHashSet<BindingId>,
    /// Start offsets of calls a rule already handled as part of a larger one (`add_volume` in an
    /// `add_volume(...).add_volume_mount(...)` chain).
    pub handled_calls: FxHashSet<usize>,
    /// The range of the expression of the expression statement being walked (`task.apply(f)` on its own line).
    pub expression_statement: Option<Range<usize>>,
    /// The module-level statement being walked (where new module-level code goes before).
    pub top_level: Option<&'a Stmt>,
    /// Where a name the current fix writes must already be bound, when a rule checking after the walk knows
    /// it better than `top_level` (the `def` a decorator goes on).
    pub fix_point: Option<usize>,
    /// The functions enclosing the current node, innermost last.
    pub functions: Vec<&'a ast::StmtFunctionDef>,
    /// The module's pipeline functions, the calls that compile or submit them, and assigned values.
    pub pipelines: &'a PipelineFacts<'a>,
    guard_depth: usize,
    sole_next: bool,
}

impl<'a> Checker<'a> {
    pub fn text(&self, range: Range<usize>) -> &'a str {
        &self.source.text[range]
    }

    /// The run's resolver of component URLs (`None` for a check without one: nothing resolves).
    pub fn component_urls(&self) -> Option<&crate::component_urls::ComponentUrls> {
        self.selection.component_urls.as_deref()
    }

    /// The rule with this id, when the user enabled it.
    pub fn enabled(&self, id: &str) -> Option<&'static Rule> {
        if self.ctx.only.is_some_and(|only| !only.contains(&id)) {
            return None;
        }
        registry()
            .get(id)
            .filter(|rule| self.selection.is_enabled(rule))
    }

    /// The kfp 2 release the migrated code targets (`--target-version`).
    pub fn target(&self) -> KfpVersion {
        self.selection.target()
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The binding an assignment or loop target at `start` makes in the current scope (targets are bound
    /// only once their statement has run, so resolving at the target would find the previous binding).
    pub fn target_binding(&self, name: &str, start: usize) -> Option<Resolved> {
        self.model
            .binding_at(self.scope, name, start)
            .map(Resolved::Binding)
    }

    /// Resolves a name at an offset in the current scope.
    pub fn resolve(&self, name: &str, offset: usize) -> Option<Resolved> {
        self.model.resolve_name(self.scope, name, offset)
    }

    /// The qualified name of a name or attribute chain (`dsl.component` → `kfp.dsl.component`).
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        self.model.qualified_name(self.scope, expr)
    }

    /// The v1 component a callee names: one this module defines at module level, or one imported from
    /// another file of the run. Looked up in the index built from the original texts.
    pub fn component_named(&self, callee: &Expr) -> Option<Arc<Component>> {
        if let Expr::Name(n) = callee
            && let Some(Resolved::Binding(b)) = self.resolve(n.id.as_str(), range(callee).start)
        {
            let binding = &self.model.bindings[b];
            if binding.kind == BindingKind::Local {
                if binding.scope != 0 {
                    return None;
                }
                let indexed = self
                    .ctx
                    .project
                    .file(&self.source.path)
                    .and_then(|m| m.components.get(n.id.as_str()).cloned());
                // A component a fix created in this run (a converted `ContainerOp`) is not in the index of
                // the original text; it is known from the current text, with nothing left to rename.
                return indexed.or_else(|| {
                    self.defs
                        .components
                        .iter()
                        .find(|d| d.component.name == n.id.as_str())
                        .map(|d| {
                            let mut c = d.component.clone();
                            c.migration = None;
                            Arc::new(c)
                        })
                });
            }
        }
        let qualified = self.qualified_name(callee)?;
        self.ctx
            .project
            .lookup(Some(&self.ctx.module.root), &qualified)
            .cloned()
    }

    /// Whether an expression is a kfp task: evidence for rules about task methods, whose names (`add_toleration`,
    /// `set_timeout`) other objects have too.
    pub fn is_task(&self, expr: &Expr) -> bool {
        if self.task_component(expr).is_some() {
            return true;
        }
        match expr {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(a) if is_task_method(a.attr.as_str()) => self.is_task(&a.value),
                // kfp-kubernetes helpers return the task they were given.
                callee
                    if self
                        .qualified_name(callee)
                        .is_some_and(|q| q.starts_with("kfp.kubernetes.")) =>
                {
                    call.arguments.args.first().is_some_and(|t| self.is_task(t))
                }
                callee => self.is_task_constructor(callee),
            },
            Expr::Name(n) => matches!(
                self.resolve(n.id.as_str(), range(expr).start),
                Some(Resolved::Binding(b)) if self.task_vars.contains(&b)
            ),
            _ => false,
        }
    }

    /// A callee whose call makes a task: a v1 op class or a component loaded from a v1 spec.
    fn is_task_constructor(&self, callee: &Expr) -> bool {
        if let Expr::Name(n) = callee
            && let Some(Resolved::Binding(b)) = self.resolve(n.id.as_str(), range(callee).start)
            && self.loaded_components.contains(&b)
        {
            return true;
        }
        matches!(
            self.qualified_name(callee).as_deref(),
            Some(
                "kfp.dsl.ContainerOp"
                    | "kfp.dsl.ResourceOp"
                    | "kfp.dsl.VolumeOp"
                    | "kfp.dsl.VolumeSnapshotOp"
            )
        )
    }

    /// The component whose task an expression is: a component call (possibly followed by task methods such as
    /// `.after(...)`), or a variable assigned one.
    pub fn task_component(&self, expr: &Expr) -> Option<Arc<Component>> {
        match expr {
            Expr::Call(call) => match call.func.as_ref() {
                Expr::Attribute(a) if is_task_method(a.attr.as_str()) => {
                    self.task_component(&a.value)
                }
                callee => self.component_named(callee),
            },
            Expr::Name(n) => match self.resolve(n.id.as_str(), range(expr).start)? {
                Resolved::Binding(b) => self.tasks.get(&b).cloned(),
                Resolved::Star(_) => None,
            },
            _ => None,
        }
    }
}

/// Checks a module. `model` is its semantic model as built (`SemanticModel::build_in` with `ctx.module`; the
/// check records references in it) and `pipelines` its facts, both computed once for all the checks of one
/// parse.
pub fn check_module<'a>(
    source: &'a SourceFile,
    module: &'a ParsedModule,
    model: SemanticModel,
    pipelines: &'a PipelineFacts<'a>,
    selection: &'a RuleSelection,
    ctx: &'a Context<'a>,
) -> Vec<Diagnostic> {
    let defs = components::find(module, &source.text, &model, super::migration(selection));
    let mut checker = Checker {
        source,
        module,
        model,
        selection,
        diagnostics: Vec::new(),
        scope: 0,
        imports: Vec::new(),
        ctx,
        defs,
        tasks: FxHashMap::default(),
        task_vars: Default::default(),
        expression_statement: None,
        handled_calls: Default::default(),
        loop_variables: Default::default(),
        assign_target: None,
        loaded_components: Default::default(),
        volume_ops: Default::default(),
        op_pvolumes: Default::default(),
        top_level: None,
        fix_point: None,
        functions: Vec::new(),
        pipelines,
        guard_depth: 0,
        sole_next: false,
    };
    rules::check_definitions(&mut checker);
    checker.visit_body(&module.body);
    let imports = std::mem::take(&mut checker.imports);
    for site in &imports {
        if !site.guarded {
            rules::check_import(&mut checker, site);
        }
    }
    checker
        .diagnostics
        .sort_by_key(|d| (d.range.start, d.range.end, d.rule));
    checker.diagnostics
}

fn catches_import_error(handlers: &[ast::ExceptHandler]) -> bool {
    fn names_import_error(e: &Expr) -> bool {
        match e {
            Expr::Name(n) => matches!(
                n.id.as_str(),
                "ImportError" | "ModuleNotFoundError" | "Exception"
            ),
            Expr::Attribute(a) => matches!(a.attr.as_str(), "ImportError" | "ModuleNotFoundError"),
            Expr::Tuple(t) => t.elts.iter().any(names_import_error),
            _ => false,
        }
    }
    handlers.iter().any(|h| {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        h.type_.as_deref().is_none_or(names_import_error)
    })
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_body(&mut self, body: &'a [Stmt]) {
        let module_level = std::ptr::eq(body, self.module.body.as_slice());
        for stmt in body {
            if module_level {
                self.top_level = Some(stmt);
            }
            self.sole_next = body.len() == 1;
            self.visit_stmt(stmt);
        }
    }

    fn visit_scope_body(&mut self, scope: ScopeBody<'a>) {
        let saved = self.scope;
        if let Some(id) = self.model.scope_opened_at(scope.start()) {
            self.scope = id;
        }
        visit::walk_scope_body(self, scope);
        self.scope = saved;
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => {
                self.imports.push(ImportSite {
                    stmt,
                    scope: self.scope,
                    guarded: self.guard_depth > 0,
                    sole_in_block: self.sole_next,
                });
            }
            Stmt::Try(ast::StmtTry {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            }) => {
                let guard = catches_import_error(handlers);
                self.guard_depth += usize::from(guard);
                self.visit_body(body);
                handlers.iter().for_each(|h| self.visit_except_handler(h));
                self.guard_depth -= usize::from(guard);
                self.visit_body(orelse);
                self.visit_body(finalbody);
            }
            Stmt::For(ast::StmtFor { target, .. }) => {
                let mut names = Vec::new();
                collect_names(target, &mut names);
                for n in names {
                    if let Some(Resolved::Binding(b)) =
                        self.target_binding(n.id.as_str(), range(n).start)
                    {
                        self.loop_variables.insert(b);
                    }
                }
                visit::walk_stmt(self, stmt);
            }
            Stmt::Expr(ast::StmtExpr { value, .. }) => {
                self.expression_statement = Some(range(value.as_ref()));
                visit::walk_stmt(self, stmt);
                self.expression_statement = None;
            }
            Stmt::FunctionDef(f) => {
                self.functions.push(f);
                visit::walk_stmt(self, stmt);
                self.functions.pop();
            }
            Stmt::Assign(assign) => {
                rules::check_assign(self, assign, range(stmt));
                let saved = self.assign_target.take();
                if let [Expr::Name(target)] = assign.targets.as_slice() {
                    self.assign_target =
                        Some((target.id.to_string(), range(assign.value.as_ref())));
                }
                visit::walk_stmt(self, stmt);
                self.assign_target = saved;
                self.record_task(assign);
            }
            _ => visit::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => {
                rules::check_call(self, call, range(expr));
                // A zero-argument call of a name (`Integer()`) is recorded so a fix can replace the whole call.
                let bare = call.arguments.args.is_empty() && call.arguments.keywords.is_empty();
                match call.func.as_ref() {
                    Expr::Name(_) | Expr::Attribute(_) => {
                        self.visit_chain(&call.func, bare.then(|| range(expr)), true);
                        call.arguments.args.iter().for_each(|a| self.visit_expr(a));
                        call.arguments
                            .keywords
                            .iter()
                            .for_each(|k| self.visit_keyword(k));
                    }
                    _ => visit::walk_expr(self, expr),
                }
            }
            Expr::Subscript(subscript) => {
                rules::check_subscript(self, subscript);
                visit::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) => {
                rules::check_attribute(self, attribute, range(expr));
                self.visit_chain(expr, None, false);
            }
            Expr::Name(_) => self.visit_chain(expr, None, false),
            _ => visit::walk_expr(self, expr),
        }
    }
}

/// The names a `for` target binds (`i`, `(k, v)`).
fn collect_names<'e>(target: &'e Expr, out: &mut Vec<&'e ast::ExprName>) {
    match target {
        Expr::Name(n) => out.push(n),
        Expr::Tuple(t) => t.elts.iter().for_each(|e| collect_names(e, out)),
        Expr::List(l) => l.elts.iter().for_each(|e| collect_names(e, out)),
        _ => {}
    }
}

/// Task methods that return the task itself (so `op(...).after(x)` is still the task).
fn is_task_method(name: &str) -> bool {
    name == "after" || name == "apply" || name.starts_with("set_") || name.starts_with("add_")
}

impl<'a> Checker<'a> {
    /// Remembers `t = component(...)` so `t.outputs[...]` can be checked against the component.
    fn record_task(&mut self, assign: &ast::StmtAssign) {
        let [Expr::Name(target)] = assign.targets.as_slice() else {
            return;
        };
        let Some(Resolved::Binding(b)) =
            self.target_binding(target.id.as_str(), range(target).start)
        else {
            return;
        };
        if let Some(component) = self.task_component(&assign.value) {
            self.tasks.insert(b, component);
        }
        if self.is_task(&assign.value) {
            self.task_vars.insert(b);
        }
        if let Expr::Call(call) = assign.value.as_ref()
            && self
                .qualified_name(&call.func)
                .is_some_and(|q| is_loader(&q))
        {
            self.loaded_components.insert(b);
        }
        // `vop = dsl.VolumeOp(...)`, also behind task methods (`.set_display_name(...)`), and the claims an op
        // mounts (`pvolumes=`, `.add_pvolumes(...)`).
        let mut root = assign.value.as_ref();
        let mut claims = Vec::new();
        while let Expr::Call(c) = root {
            match c.func.as_ref() {
                Expr::Attribute(a) if is_task_method(a.attr.as_str()) => {
                    if a.attr.as_str() == "add_pvolumes"
                        && let Some(found) = c
                            .arguments
                            .args
                            .first()
                            .and_then(|p| rules::volumes::pvolume_claims(self, p))
                    {
                        claims.extend(found);
                    }
                    root = &a.value;
                }
                // kfp-kubernetes helpers wrap the task (a fix of an earlier round may have made them).
                callee => match self.qualified_name(callee).as_deref() {
                    Some(q) if q.starts_with("kfp.kubernetes.") && !c.arguments.args.is_empty() => {
                        if q == "kfp.kubernetes.mount_pvc"
                            && let Some(found) = rules::volumes::mounted_claim(self, c)
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
            && self.qualified_name(&c.func).as_deref() == Some("kfp.dsl.ContainerOp")
            && let Some(p) = c
                .arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "pvolumes"))
            && let Some(found) = rules::volumes::pvolume_claims(self, &p.value)
        {
            claims.extend(found);
        }
        if !claims.is_empty() {
            self.op_pvolumes.insert(b, claims);
        }
        if let Expr::Call(c) = root
            && matches!(
                self.qualified_name(&c.func).as_deref(),
                Some("kfp.dsl.VolumeOp" | "kfp.kubernetes.CreatePVC")
            )
        {
            self.volume_ops.insert(b);
        }
    }

    /// Handles a name or attribute chain as a whole (`kfp.v2.dsl.component`), then visits whatever the chain
    /// is built on when that is not a plain name (`f().x`).
    fn visit_chain(&mut self, expr: &'a Expr, bare_call: Option<Range<usize>>, is_callee: bool) {
        let mut head = expr;
        while let Expr::Attribute(a) = head {
            head = &a.value;
        }
        match head {
            Expr::Name(name) => {
                if name.ctx == ast::ExprContext::Load {
                    // Resolved once: the reference is recorded and the rules get the same answer.
                    let resolved = self.resolve(name.id.as_str(), range(head).start);
                    if let Some(Resolved::Binding(b)) = &resolved {
                        let call = if std::ptr::eq(head, expr) {
                            bare_call.clone()
                        } else {
                            None
                        };
                        self.model.references[*b].push(super::names::Reference {
                            range: range(head),
                            bare_call: call,
                        });
                    }
                    rules::check_chain(self, expr, resolved.as_ref(), bare_call, is_callee);
                }
            }
            other => self.visit_expr(other),
        }
    }
}

/// Whether a qualified name is one of kfp 1's component loaders (`load_component_from_file`, `_from_url`,
/// `_from_text`, `load_component`), under `kfp.components` or the `kfp.v2` namespace.
pub fn is_loader(qualified: &str) -> bool {
    qualified
        .strip_prefix("kfp.components.")
        .or_else(|| qualified.strip_prefix("kfp.v2.components."))
        .is_some_and(|rest| rest.starts_with("load_component"))
}
