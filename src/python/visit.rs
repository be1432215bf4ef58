//! A borrowed AST visitor: `visit_*` hooks with `walk_*` defaults that descend into every child.
//!
//! The checker needs to look at nodes and their parents, and to know where each scope's own body starts (after
//! the decorators, defaults, annotations and bases, which run in the enclosing scope), so it has a visitor of
//! its own rather than Ruff's `SourceOrderVisitor`.

use super::parse::ast::{self, Expr, Stmt};
use super::parse::range;

fn start_of<T: super::parse::Ranged>(node: &T) -> usize {
    range(node).start
}

/// The part of a function, lambda or class that runs in the scope the node opens.
#[derive(Clone, Copy)]
pub enum ScopeBody<'a> {
    Function {
        start: usize,
        args: &'a ast::Parameters,
        body: &'a [Stmt],
    },
    Lambda {
        start: usize,
        args: Option<&'a ast::Parameters>,
        body: &'a Expr,
    },
    Class {
        start: usize,
        body: &'a [Stmt],
    },
}

impl ScopeBody<'_> {
    /// The start offset of the node that opens the scope (the key of the scope in the semantic model).
    pub fn start(&self) -> usize {
        match self {
            ScopeBody::Function { start, .. }
            | ScopeBody::Lambda { start, .. }
            | ScopeBody::Class { start, .. } => *start,
        }
    }
}

pub trait Visitor<'a> {
    /// Called for a scope's own body, after the parts evaluated in the enclosing scope (decorators, defaults,
    /// annotations, bases) have been visited.
    fn visit_scope_body(&mut self, scope: ScopeBody<'a>) {
        walk_scope_body(self, scope);
    }
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        walk_stmt(self, stmt);
    }
    fn visit_expr(&mut self, expr: &'a Expr) {
        walk_expr(self, expr);
    }
    fn visit_body(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            self.visit_stmt(stmt);
        }
    }
    fn visit_parameters(&mut self, args: &'a ast::Parameters) {
        walk_parameters(self, args);
    }
    fn visit_keyword(&mut self, keyword: &'a ast::Keyword) {
        self.visit_expr(&keyword.value);
    }
    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(t) = &h.type_ {
            self.visit_expr(t);
        }
        self.visit_body(&h.body);
    }
}

pub fn walk_scope_body<'a, V: Visitor<'a> + ?Sized>(v: &mut V, scope: ScopeBody<'a>) {
    match scope {
        ScopeBody::Function { body, .. } | ScopeBody::Class { body, .. } => v.visit_body(body),
        ScopeBody::Lambda { body, .. } => v.visit_expr(body),
    }
}

pub fn walk_parameters<'a, V: Visitor<'a> + ?Sized>(v: &mut V, args: &'a ast::Parameters) {
    for arg in args.iter_non_variadic_params() {
        if let Some(a) = &arg.parameter.annotation {
            v.visit_expr(a);
        }
        if let Some(d) = &arg.default {
            v.visit_expr(d);
        }
    }
    for arg in args.vararg.iter().chain(&args.kwarg) {
        if let Some(a) = &arg.annotation {
            v.visit_expr(a);
        }
    }
}

pub fn walk_stmt<'a, V: Visitor<'a> + ?Sized>(v: &mut V, stmt: &'a Stmt) {
    match stmt {
        Stmt::FunctionDef(ast::StmtFunctionDef {
            parameters: args,
            body,
            decorator_list,
            returns,
            ..
        }) => {
            for d in decorator_list {
                v.visit_expr(&d.expression);
            }
            v.visit_parameters(args);
            if let Some(r) = returns {
                v.visit_expr(r);
            }
            v.visit_scope_body(ScopeBody::Function {
                start: start_of(stmt),
                args,
                body,
            });
        }
        Stmt::ClassDef(ast::StmtClassDef {
            arguments,
            body,
            decorator_list,
            ..
        }) => {
            for d in decorator_list {
                v.visit_expr(&d.expression);
            }
            if let Some(arguments) = arguments {
                for b in arguments.args.iter() {
                    v.visit_expr(b);
                }
                for k in arguments.keywords.iter() {
                    v.visit_keyword(k);
                }
            }
            v.visit_scope_body(ScopeBody::Class {
                start: start_of(stmt),
                body,
            });
        }
        Stmt::Return(ast::StmtReturn { value, .. }) => {
            if let Some(e) = value {
                v.visit_expr(e);
            }
        }
        Stmt::Delete(ast::StmtDelete { targets, .. }) => {
            targets.iter().for_each(|t| v.visit_expr(t))
        }
        Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
            v.visit_expr(value);
            targets.iter().for_each(|t| v.visit_expr(t));
        }
        Stmt::TypeAlias(ast::StmtTypeAlias { name, value, .. }) => {
            v.visit_expr(value);
            v.visit_expr(name);
        }
        Stmt::AugAssign(ast::StmtAugAssign { target, value, .. }) => {
            v.visit_expr(value);
            v.visit_expr(target);
        }
        Stmt::AnnAssign(ast::StmtAnnAssign {
            target,
            annotation,
            value,
            ..
        }) => {
            v.visit_expr(annotation);
            if let Some(e) = value {
                v.visit_expr(e);
            }
            v.visit_expr(target);
        }
        Stmt::For(ast::StmtFor {
            target,
            iter,
            body,
            orelse,
            ..
        }) => {
            v.visit_expr(iter);
            v.visit_expr(target);
            v.visit_body(body);
            v.visit_body(orelse);
        }
        Stmt::While(ast::StmtWhile {
            test, body, orelse, ..
        }) => {
            v.visit_expr(test);
            v.visit_body(body);
            v.visit_body(orelse);
        }
        Stmt::If(ast::StmtIf {
            test,
            body,
            elif_else_clauses,
            ..
        }) => {
            v.visit_expr(test);
            v.visit_body(body);
            for clause in elif_else_clauses {
                if let Some(t) = &clause.test {
                    v.visit_expr(t);
                }
                v.visit_body(&clause.body);
            }
        }
        Stmt::With(ast::StmtWith { items, body, .. }) => {
            for item in items {
                v.visit_expr(&item.context_expr);
                if let Some(o) = &item.optional_vars {
                    v.visit_expr(o);
                }
            }
            v.visit_body(body);
        }
        Stmt::Match(ast::StmtMatch { subject, cases, .. }) => {
            v.visit_expr(subject);
            for case in cases {
                if let Some(g) = &case.guard {
                    v.visit_expr(g);
                }
                v.visit_body(&case.body);
            }
        }
        Stmt::Raise(ast::StmtRaise { exc, cause, .. }) => {
            exc.iter().chain(cause).for_each(|e| v.visit_expr(e));
        }
        Stmt::Try(ast::StmtTry {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        }) => {
            v.visit_body(body);
            handlers.iter().for_each(|h| v.visit_except_handler(h));
            v.visit_body(orelse);
            v.visit_body(finalbody);
        }
        Stmt::Assert(ast::StmtAssert { test, msg, .. }) => {
            v.visit_expr(test);
            if let Some(m) = msg {
                v.visit_expr(m);
            }
        }
        Stmt::Expr(ast::StmtExpr { value, .. }) => v.visit_expr(value),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::IpyEscapeCommand(_) => {}
    }
}

pub fn walk_expr<'a, V: Visitor<'a> + ?Sized>(v: &mut V, expr: &'a Expr) {
    match expr {
        Expr::BoolOp(ast::ExprBoolOp { values, .. }) => values.iter().for_each(|e| v.visit_expr(e)),
        Expr::Named(ast::ExprNamed { target, value, .. }) => {
            v.visit_expr(value);
            v.visit_expr(target);
        }
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            v.visit_expr(left);
            v.visit_expr(right);
        }
        Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => v.visit_expr(operand),
        Expr::Lambda(ast::ExprLambda {
            parameters, body, ..
        }) => {
            if let Some(p) = parameters {
                v.visit_parameters(p);
            }
            v.visit_scope_body(ScopeBody::Lambda {
                start: start_of(expr),
                args: parameters.as_deref(),
                body,
            });
        }
        Expr::If(ast::ExprIf {
            test, body, orelse, ..
        }) => {
            v.visit_expr(test);
            v.visit_expr(body);
            v.visit_expr(orelse);
        }
        Expr::Dict(ast::ExprDict { items, .. }) => {
            for item in items {
                if let Some(k) = &item.key {
                    v.visit_expr(k);
                }
                v.visit_expr(&item.value);
            }
        }
        Expr::Set(ast::ExprSet { elts, .. })
        | Expr::List(ast::ExprList { elts, .. })
        | Expr::Tuple(ast::ExprTuple { elts, .. }) => elts.iter().for_each(|e| v.visit_expr(e)),
        Expr::ListComp(ast::ExprListComp {
            elt, generators, ..
        })
        | Expr::SetComp(ast::ExprSetComp {
            elt, generators, ..
        })
        | Expr::Generator(ast::ExprGenerator {
            elt, generators, ..
        }) => {
            walk_comprehensions(v, generators);
            v.visit_expr(elt);
        }
        Expr::DictComp(ast::ExprDictComp {
            key,
            value,
            generators,
            ..
        }) => {
            walk_comprehensions(v, generators);
            if let Some(k) = key {
                v.visit_expr(k);
            }
            v.visit_expr(value);
        }
        Expr::Await(ast::ExprAwait { value, .. })
        | Expr::YieldFrom(ast::ExprYieldFrom { value, .. })
        | Expr::Attribute(ast::ExprAttribute { value, .. })
        | Expr::Starred(ast::ExprStarred { value, .. }) => v.visit_expr(value),
        Expr::Yield(ast::ExprYield { value, .. }) => {
            if let Some(e) = value {
                v.visit_expr(e);
            }
        }
        Expr::Compare(ast::ExprCompare {
            left, comparators, ..
        }) => {
            v.visit_expr(left);
            comparators.iter().for_each(|e| v.visit_expr(e));
        }
        Expr::Call(ast::ExprCall {
            func, arguments, ..
        }) => {
            v.visit_expr(func);
            arguments.args.iter().for_each(|e| v.visit_expr(e));
            arguments.keywords.iter().for_each(|k| v.visit_keyword(k));
        }
        Expr::FString(ast::ExprFString { value, .. }) => {
            walk_interpolations(v, value.elements());
        }
        Expr::TString(ast::ExprTString { value, .. }) => {
            walk_interpolations(v, value.elements());
        }
        Expr::Subscript(ast::ExprSubscript { value, slice, .. }) => {
            v.visit_expr(value);
            v.visit_expr(slice);
        }
        Expr::Slice(ast::ExprSlice {
            lower, upper, step, ..
        }) => {
            lower
                .iter()
                .chain(upper)
                .chain(step)
                .for_each(|e| v.visit_expr(e));
        }
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_)
        | Expr::IpyEscapeCommand(_) => {}
    }
}

fn walk_comprehensions<'a, V: Visitor<'a> + ?Sized>(
    v: &mut V,
    generators: &'a [ast::Comprehension],
) {
    for g in generators {
        v.visit_expr(&g.iter);
        v.visit_expr(&g.target);
        g.ifs.iter().for_each(|e| v.visit_expr(e));
    }
}

/// The expressions interpolated into an f-string or t-string, format specs included.
fn walk_interpolations<'a, V: Visitor<'a> + ?Sized>(
    v: &mut V,
    elements: impl Iterator<Item = &'a ast::InterpolatedStringElement>,
) {
    for element in elements {
        if let ast::InterpolatedStringElement::Interpolation(i) = element {
            v.visit_expr(&i.expression);
            if let Some(spec) = &i.format_spec {
                walk_interpolations(v, spec.elements.iter());
            }
        }
    }
}

/// The bodies of an `if` statement: its own, then each `elif`'s and the `else`'s.
pub fn if_branches(s: &ast::StmtIf) -> impl Iterator<Item = &[Stmt]> {
    std::iter::once(&s.body[..]).chain(s.elif_else_clauses.iter().map(|c| &c.body[..]))
}
