//! One pass over a module's AST that dispatches every node to the enabled rules.
//!
//! Order of work: the semantic model is built first (all bindings known), then the walk goes over the tree,
//! resolving every name it meets (recording references per binding) and running expression and call rules;
//! import statements are checked last, when every binding's uses are known (a removed name can only be
//! deleted from an import when nothing uses it).

use std::ops::Range;

use rustc_hash::FxHashMap;

use super::checker::{Checker, ImportSite, is_loader};
use super::components;
use super::context::Context;
use super::handlers;
use super::names::{Resolved, SemanticModel, range};
use super::parse::ParsedModule;
use super::parse::ast::{self, Expr, Stmt};
use super::pipelines::PipelineFacts;
use super::visit::{self, ScopeBody, Visitor};
use crate::diagnostic::Diagnostic;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

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
    let defs = components::find(
        module,
        &source.text,
        &model,
        components::migration(selection),
    );
    let mut checker = Checker {
        source,
        module,
        model,
        selection,
        rules: crate::registry::EnabledRules::resolve(selection, ctx.only),
        diagnostics: Vec::new(),
        scope: 0,
        imports: Vec::new(),
        ctx,
        defs,
        tasks: FxHashMap::default(),
        task_vars: Default::default(),
        expression_statement: None,
        loop_variables: Default::default(),
        assign_target: None,
        loaded_components: Default::default(),
        rule_state: Default::default(),
        top_level: None,
        fix_point: None,
        functions: Vec::new(),
        pipelines,
        guard_depth: 0,
        sole_next: false,
        qualified: Default::default(),
    };
    handlers::check_definitions(&mut checker);
    checker.visit_body(&module.body);
    let imports = std::mem::take(&mut checker.imports);
    for site in &imports {
        if !site.guarded {
            handlers::check_import(&mut checker, site);
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
                // The assignment rules ask about the value's callee before the walk reaches it.
                if let Expr::Call(call) = assign.value.as_ref() {
                    self.expect_callee(&call.func);
                }
                handlers::check_assign(self, assign, range(stmt));
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
                self.expect_callee(&call.func);
                handlers::check_call(self, call, range(expr));
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
                handlers::check_subscript(self, subscript);
                visit::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) => {
                self.qualified.expect(expr, self.scope);
                handlers::check_attribute(self, attribute, range(expr));
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

impl<'a> Checker<'a> {
    /// Lets the qualified names of a callee and of its receiver (`kfp.compiler.Compiler` of
    /// `kfp.compiler.Compiler.compile`) be remembered: the call rules ask them of the same nodes.
    fn expect_callee(&self, func: &'a Expr) {
        if let Expr::Attribute(a) = func
            && matches!(a.value.as_ref(), Expr::Name(_) | Expr::Attribute(_))
        {
            self.qualified.expect(&a.value, self.scope);
        }
        if matches!(func, Expr::Name(_) | Expr::Attribute(_)) {
            self.qualified.expect(func, self.scope);
        }
    }

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
        handlers::volumes::record_assignment(self, b, &assign.value);
    }
}

impl<'a> Checker<'a> {
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
                    handlers::check_chain(self, expr, resolved.as_ref(), bare_call, is_callee);
                }
            }
            other => self.visit_expr(other),
        }
    }
}
