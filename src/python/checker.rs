//! One pass over a module's AST that dispatches every node to the enabled rules.
//!
//! Order of work: the semantic model is built first (all bindings known), then the checker walks the tree,
//! resolving every name it meets (recording references per binding) and running expression and call rules;
//! import statements are checked last, when every binding's uses are known (a removed name can only be
//! deleted from an import when nothing uses it).

use std::collections::HashMap;
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
    pub tasks: HashMap<BindingId, Arc<Component>>,
    /// The module's pipeline functions, the calls that compile or submit them, and assigned values.
    pub pipelines: PipelineFacts<'a>,
    guard_depth: usize,
    sole_next: bool,
}

impl<'a> Checker<'a> {
    pub fn text(&self, range: Range<usize>) -> &'a str {
        &self.source.text[range]
    }

    /// The rule with this id, when the user enabled it.
    pub fn enabled(&self, id: &str) -> Option<&'static Rule> {
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
                return (binding.scope == 0)
                    .then(|| self.ctx.project.file(&self.source.path))
                    .flatten()
                    .and_then(|m| m.components.get(n.id.as_str()).cloned());
            }
        }
        let qualified = self.qualified_name(callee)?;
        self.ctx
            .project
            .lookup(Some(&self.ctx.module.root), &qualified)
            .cloned()
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

/// Checks one parsed module.
pub fn check_module<'a>(
    source: &'a SourceFile,
    module: &'a ParsedModule,
    selection: &'a RuleSelection,
    ctx: &'a Context<'a>,
) -> Vec<Diagnostic> {
    let model = SemanticModel::build_in(&module.body, Some(&ctx.module));
    let defs = components::find(module, &source.text, &model, super::migration(selection));
    let pipelines = PipelineFacts::collect(&module.body, &model);
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
        tasks: HashMap::new(),
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
        for stmt in body {
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
            })
            | Stmt::TryStar(ast::StmtTryStar {
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
            Stmt::Assign(assign) => {
                rules::check_assign(self, assign);
                visit::walk_stmt(self, stmt);
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
                let bare = call.args.is_empty() && call.keywords.is_empty();
                match call.func.as_ref() {
                    Expr::Name(_) | Expr::Attribute(_) => {
                        self.visit_chain(&call.func, bare.then(|| range(expr)), true);
                        call.args.iter().for_each(|a| self.visit_expr(a));
                        call.keywords.iter().for_each(|k| self.visit_keyword(k));
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
        let Some(component) = self.task_component(&assign.value) else {
            return;
        };
        if let Some(Resolved::Binding(b)) =
            self.resolve(target.id.as_str(), range(target).start + 1)
        {
            self.tasks.insert(b, component);
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
