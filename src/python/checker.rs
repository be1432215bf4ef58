//! One pass over a module's AST that dispatches every node to the enabled rules.
//!
//! Order of work: the semantic model is built first (all bindings known), then the checker walks the tree,
//! resolving every name it meets (recording references per binding) and running expression and call rules;
//! import statements are checked last, when every binding's uses are known (a removed name can only be
//! deleted from an import when nothing uses it).

use std::ops::Range;

use super::names::{Resolved, ScopeId, SemanticModel, range};
use super::parse::ParsedModule;
use super::parse::ast::{self, Expr, Stmt};
use super::rules;
use super::visit::{self, ScopeBody, Visitor};
use crate::diagnostic::Diagnostic;
use crate::rules::{Rule, registry};
use crate::settings::RuleSelection;
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

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Resolves a name at an offset in the current scope.
    pub fn resolve(&self, name: &str, offset: usize) -> Option<Resolved> {
        self.model.resolve_name(self.scope, name, offset)
    }

    /// The qualified name of a name or attribute chain (`dsl.component` → `kfp.dsl.component`).
    pub fn qualified_name(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Name(n) => {
                let resolved = self.resolve(n.id.as_str(), range(expr).start)?;
                self.model.qualified_of(&resolved)
            }
            Expr::Attribute(a) => Some(format!(
                "{}.{}",
                self.qualified_name(&a.value)?,
                a.attr.as_str()
            )),
            _ => None,
        }
    }
}

/// Checks one parsed module.
pub fn check_module(
    source: &SourceFile,
    module: &ParsedModule,
    selection: &RuleSelection,
) -> Vec<Diagnostic> {
    let model = SemanticModel::build(&module.body);
    let mut checker = Checker {
        source,
        module,
        model,
        selection,
        diagnostics: Vec::new(),
        scope: 0,
        imports: Vec::new(),
        guard_depth: 0,
        sole_next: false,
    };
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
            Expr::Name(_) | Expr::Attribute(_) => self.visit_chain(expr, None, false),
            _ => visit::walk_expr(self, expr),
        }
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
                    rules::check_chain(self, expr, resolved.as_ref(), bare_call, is_callee);
                }
            }
            other => self.visit_expr(other),
        }
    }
}
