//! The state of one module's check, and the questions rules ask of it: which rules are enabled, what a name
//! resolves to, which component a call or task is. `walk` drives it over the tree.

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::Arc;

use super::components::ModuleDefs;
use super::context::Context;
use super::names::{BindingId, BindingKind, Resolved, ScopeId, SemanticModel, range};
use super::parse::ParsedModule;
use super::parse::ast::{self, Expr, Stmt};
use super::pipelines::PipelineFacts;
use crate::components::Component;
use crate::diagnostic::Diagnostic;
use crate::registry::{EnabledRules, Rule};
use crate::settings::{KfpVersion, RuleSelection};
use crate::source::SourceFile;

/// An import statement and where it sits.
pub struct ImportSite<'a> {
    pub stmt: &'a Stmt,
    /// Inside `try: … except ImportError:` (a compatibility shim): import rules leave it alone.
    pub guarded: bool,
    /// The only statement of its block: deleting it needs a `pass` in its place.
    pub sole_in_block: bool,
}

pub struct Checker<'a> {
    pub source: &'a SourceFile,
    pub module: &'a ParsedModule,
    pub model: SemanticModel,
    pub(crate) selection: &'a RuleSelection,
    /// The rules this check runs (the selection, narrowed to `ctx.only`), resolved once.
    pub(crate) rules: EnabledRules,
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
    /// Variables holding a component loaded from a v1 spec (`op = load_component_from_file(...)`).
    pub loaded_components: FxHashSet<BindingId>,
    /// The single-name target and value range of the assignment being walked (`flip = dsl.ContainerOp(...)`).
    pub assign_target: Option<(String, Range<usize>)>,
    /// Variables bound by `for` loops: plain Python values while the pipeline function runs.
    pub loop_variables: FxHashSet<BindingId>,
    /// What rules remember across the nodes of the walk, each under a type its rule's module defines
    /// (`Checker::state`): the checker knows no rule's state.
    pub(crate) rule_state: FxHashMap<std::any::TypeId, Box<dyn std::any::Any>>,
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
    /// Inside how many `try:` blocks that catch `ImportError`.
    pub(crate) guard_depth: usize,
    /// The statement being walked is the only one of its block.
    pub(crate) sole_next: bool,
    /// The qualified names of the module's chains, worked out once per node: every call rule asks it of the
    /// same callee.
    pub(crate) qualified: QualifiedNames<'a>,
}

/// A chain's qualified name (`None`: not an import's).
type Qualified = Option<String>;

/// Qualified names remembered by node, for the nodes of the checked module the walk announces (`expect`).
/// Such a node lives at least as long as the check, so while the cache is in use no other expression can sit
/// at its address: a hit is that node. Any other expression (one a rule built) is resolved afresh.
#[derive(Default)]
pub(crate) struct QualifiedNames<'a> {
    /// By (node address, scope): `None` until asked, then the answer.
    by_node: std::cell::RefCell<FxHashMap<(usize, ScopeId), Option<Qualified>>>,
    nodes: std::marker::PhantomData<&'a Expr>,
}

impl<'a> QualifiedNames<'a> {
    /// Lets the answer for `expr` in `scope` be remembered once asked.
    pub(crate) fn expect(&self, expr: &'a Expr, scope: ScopeId) {
        self.by_node
            .borrow_mut()
            .entry((std::ptr::from_ref(expr).addr(), scope))
            .or_insert(None);
    }

    fn get(&self, model: &SemanticModel, scope: ScopeId, expr: &Expr) -> Option<String> {
        let mut by_node = self.by_node.borrow_mut();
        let Some(slot) = by_node.get_mut(&(std::ptr::from_ref(expr).addr(), scope)) else {
            return model.qualified_name(scope, expr);
        };
        slot.get_or_insert_with(|| model.qualified_name(scope, expr))
            .clone()
    }
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
        self.rules.get(id)
    }

    /// The kfp 2 release the migrated code targets (`--target-version`).
    pub fn target(&self) -> KfpVersion {
        self.selection.target()
    }

    /// A rule's state for this module, created on first use.
    pub(crate) fn state<T: Default + 'static>(&mut self) -> &mut T {
        self.rule_state
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("state is stored under its own type")
    }

    /// A rule's state for this module, if the rule recorded any.
    pub(crate) fn state_ref<T: 'static>(&self) -> Option<&T> {
        self.rule_state
            .get(&std::any::TypeId::of::<T>())
            .and_then(|s| s.downcast_ref())
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
        self.qualified.get(&self.model, self.scope, expr)
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
                // kfp-kubernetes helpers return the task they were given. Asked first: their names look
                // like task methods (`kubernetes.add_toleration(task, …)`).
                callee
                    if self
                        .qualified_name(callee)
                        .is_some_and(|q| q.starts_with("kfp.kubernetes.")) =>
                {
                    call.arguments.args.first().is_some_and(|t| self.is_task(t))
                }
                Expr::Attribute(a) if is_task_method(a.attr.as_str()) => self.is_task(&a.value),
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
                // A kfp-kubernetes helper returns the task it was given (`kubernetes.use_secret_as_env(task,
                // …)`, what KFP218 makes of `task.apply(use_aws_secret(…))`).
                callee
                    if self
                        .qualified_name(callee)
                        .is_some_and(|q| q.starts_with("kfp.kubernetes.")) =>
                {
                    self.task_component(call.arguments.args.first()?)
                }
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

/// Whether a qualified name is one of kfp 1's component loaders (`load_component_from_file`, `_from_url`,
/// `_from_text`, `load_component`), under `kfp.components` or the `kfp.v2` namespace.
pub fn is_loader(qualified: &str) -> bool {
    qualified
        .strip_prefix("kfp.components.")
        .or_else(|| qualified.strip_prefix("kfp.v2.components."))
        .is_some_and(|rest| rest.starts_with("load_component"))
}

/// Task methods that return the task itself (so `op(...).after(x)` is still the task).
pub(crate) fn is_task_method(name: &str) -> bool {
    name == "after" || name == "apply" || name.starts_with("set_") || name.starts_with("add_")
}
