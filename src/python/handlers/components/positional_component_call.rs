//! KFP103: `op(a, b)` → `op(x=a, y=b)` with the v1 keywords (right under kfp 1 as well; KFP102 then renames them with the definition).

use crate::components::Component;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// KFP103: `op(a, b)` → `op(x=a, y=b)` with the v1 keywords (right under kfp 1 as well; KFP102 then renames
/// them with the definition).
pub(crate) fn positional_arguments(
    checker: &mut Checker,
    call: &ast::ExprCall,
    component: &Component,
) {
    if call.arguments.args.is_empty() {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP103) else {
        return;
    };
    let starred = call
        .arguments
        .args
        .iter()
        .any(|a| matches!(a, Expr::Starred(_)));
    let fits = call.arguments.args.len() <= component.inputs.len();
    let edits: Vec<Edit> = call
        .arguments
        .args
        .iter()
        .zip(&component.inputs)
        .map(|(arg, input)| Edit::insert(range(arg).start, format!("{}=", input.v1_name)))
        .collect();
    let fix = (!starred && fits).then(|| Fix::new(rule.fix.applicability(), edits));
    let span = range(&call.arguments.args[0]).start
        ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
    let names: Vec<&str> = component
        .inputs
        .iter()
        .take(call.arguments.args.len())
        .map(|i| i.v1_name.as_str())
        .collect();
    let d = Diagnostic::new(
        rule.code,
        span,
        rule.message_with(&[("component", &component.name)]),
    )
    .with_fix_title(rule.fix_title_with(&[("names", &names.join("=, "))]))
    .with_fix(fix);
    checker.report(d);
}

/// A call with positional arguments of a component whose spec kfp-upgrade cannot read (loaded from a URL, a
/// computed path, text built at run time): kfp 2 rejects any positional argument to a component, so it is
/// reported even though the input names, and so a fix, are unknown.
pub fn check_unknown_call(checker: &mut Checker, call: &ast::ExprCall) {
    if call.arguments.args.is_empty() {
        return;
    }
    let loaded = match call.func.as_ref() {
        Expr::Name(n) => matches!(
            checker.resolve(n.id.as_str(), range(call.func.as_ref()).start),
            Some(crate::python::names::Resolved::Binding(b)) if checker.loaded_components.contains(&b)
        ),
        // `load_component_from_url(url)(a, b)`
        Expr::Call(inner) => checker
            .qualified_name(&inner.func)
            .is_some_and(|q| crate::python::checker::is_loader(&q)),
        _ => false,
    };
    if !loaded {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP103) else {
        return;
    };
    let span = range(&call.arguments.args[0]).start
        ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
    let callee = checker.text(range(call.func.as_ref())).to_string();
    let d = Diagnostic::new(
        rule.code,
        span,
        format!(
            "{} (its spec is not readable here, so the input names are unknown)",
            rule.message_with(&[("component", &callee)])
        ),
    )
    .with_fix_title(
        "Pass each argument as a keyword named after the component's input (see its spec)",
    );
    checker.report(d);
}
