//! A borrowed AST visitor: `visit_*` hooks with `walk_*` defaults that descend into every child.
//!
//! rustpython-ast's own visitor consumes the tree; the checker needs to look at nodes and their parents
//! without giving them up, so this one borrows.

use super::names::range;
use super::parse::ast::{self, Expr, Ranged, Stmt};

fn start_of<T: Ranged>(node: &T) -> usize {
    range(node).start
}

/// The part of a function, lambda or class that runs in the scope the node opens.
#[derive(Clone, Copy)]
pub enum ScopeBody<'a> {
    Function {
        start: usize,
        args: &'a ast::Arguments,
        body: &'a [Stmt],
    },
    Lambda {
        start: usize,
        args: &'a ast::Arguments,
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
    fn visit_arguments(&mut self, args: &'a ast::Arguments) {
        walk_arguments(self, args);
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

pub fn walk_arguments<'a, V: Visitor<'a> + ?Sized>(v: &mut V, args: &'a ast::Arguments) {
    for arg in args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
    {
        if let Some(a) = &arg.def.annotation {
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
            args,
            body,
            decorator_list,
            returns,
            ..
        })
        | Stmt::AsyncFunctionDef(ast::StmtAsyncFunctionDef {
            args,
            body,
            decorator_list,
            returns,
            ..
        }) => {
            for d in decorator_list {
                v.visit_expr(d);
            }
            v.visit_arguments(args);
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
            bases,
            keywords,
            body,
            decorator_list,
            ..
        }) => {
            for d in decorator_list {
                v.visit_expr(d);
            }
            for b in bases {
                v.visit_expr(b);
            }
            for k in keywords {
                v.visit_keyword(k);
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
        })
        | Stmt::AsyncFor(ast::StmtAsyncFor {
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
        })
        | Stmt::If(ast::StmtIf {
            test, body, orelse, ..
        }) => {
            v.visit_expr(test);
            v.visit_body(body);
            v.visit_body(orelse);
        }
        Stmt::With(ast::StmtWith { items, body, .. })
        | Stmt::AsyncWith(ast::StmtAsyncWith { items, body, .. }) => {
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
        })
        | Stmt::TryStar(ast::StmtTryStar {
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
        | Stmt::Continue(_) => {}
    }
}

pub fn walk_expr<'a, V: Visitor<'a> + ?Sized>(v: &mut V, expr: &'a Expr) {
    match expr {
        Expr::BoolOp(ast::ExprBoolOp { values, .. }) => values.iter().for_each(|e| v.visit_expr(e)),
        Expr::NamedExpr(ast::ExprNamedExpr { target, value, .. }) => {
            v.visit_expr(value);
            v.visit_expr(target);
        }
        Expr::BinOp(ast::ExprBinOp { left, right, .. }) => {
            v.visit_expr(left);
            v.visit_expr(right);
        }
        Expr::UnaryOp(ast::ExprUnaryOp { operand, .. }) => v.visit_expr(operand),
        Expr::Lambda(ast::ExprLambda { args, body, .. }) => {
            v.visit_arguments(args);
            v.visit_scope_body(ScopeBody::Lambda {
                start: start_of(expr),
                args,
                body,
            });
        }
        Expr::IfExp(ast::ExprIfExp {
            test, body, orelse, ..
        }) => {
            v.visit_expr(test);
            v.visit_expr(body);
            v.visit_expr(orelse);
        }
        Expr::Dict(ast::ExprDict { keys, values, .. }) => {
            keys.iter().flatten().for_each(|e| v.visit_expr(e));
            values.iter().for_each(|e| v.visit_expr(e));
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
        | Expr::GeneratorExp(ast::ExprGeneratorExp {
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
            v.visit_expr(key);
            v.visit_expr(value);
        }
        Expr::Await(ast::ExprAwait { value, .. })
        | Expr::YieldFrom(ast::ExprYieldFrom { value, .. })
        | Expr::Attribute(ast::ExprAttribute { value, .. })
        | Expr::Starred(ast::ExprStarred { value, .. })
        | Expr::FormattedValue(ast::ExprFormattedValue { value, .. }) => v.visit_expr(value),
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
            func,
            args,
            keywords,
            ..
        }) => {
            v.visit_expr(func);
            args.iter().for_each(|e| v.visit_expr(e));
            keywords.iter().for_each(|k| v.visit_keyword(k));
        }
        Expr::JoinedStr(ast::ExprJoinedStr { values, .. }) => {
            values.iter().for_each(|e| v.visit_expr(e))
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
        Expr::Constant(_) | Expr::Name(_) => {}
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
