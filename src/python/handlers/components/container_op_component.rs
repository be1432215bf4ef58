//! KFP113: kfp 1's `@dsl.component` type-checking wrapper around a function that returns a `ContainerOp`. The same spelling means a lightweight Python component in kfp 2, whose body would run in a container.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::components::applied_name;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::registry::id;

/// KFP113: kfp 1's `@dsl.component` type-checking wrapper around a function that returns a `ContainerOp`.
/// The same spelling means a lightweight Python component in kfp 2, whose body would run in a container.
pub fn check_container_op_component(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let Some(decorator) = function
        .decorator_list
        .iter()
        .map(|d| &d.expression)
        .find(|d| {
            matches!(
                applied_name(&checker.model, d).as_deref(),
                Some("kfp.dsl.component" | "kfp.dsl._component.component")
            )
        })
    else {
        return;
    };
    if !returns_container_op(checker, &function.body) {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP113) else {
        return;
    };
    let d = Diagnostic::new(
        rule.code,
        range(decorator),
        rule.message_with(&[("name", function.name.as_str())]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}

fn returns_container_op(checker: &Checker, body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Return(ast::StmtReturn {
            value: Some(value), ..
        }) => matches!(value.as_ref(), Expr::Call(c)
            if checker.model.qualified_name(0, &c.func).as_deref() == Some("kfp.dsl.ContainerOp")),
        Stmt::If(ast::StmtIf {
            body,
            elif_else_clauses,
            ..
        }) => {
            returns_container_op(checker, body)
                || elif_else_clauses
                    .iter()
                    .any(|c| returns_container_op(checker, &c.body))
        }
        Stmt::With(ast::StmtWith { body, .. }) | Stmt::For(ast::StmtFor { body, .. }) => {
            returns_container_op(checker, body)
        }
        Stmt::Try(ast::StmtTry { body, .. }) => returns_container_op(checker, body),
        _ => false,
    })
}
