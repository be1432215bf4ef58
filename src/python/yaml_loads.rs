//! Module-level bindings of v1 component specs loaded from YAML with a literal argument:
//! `op = components.load_component_from_file('components/train.yaml')`,
//! `op = components.load_component(filename='…')`, `op = load_component_from_text("""…""")`.
//! The index reads the named files (never a rule) and registers each spec's interface under the binding.

use super::parse::ast::{self, Expr, Stmt};

use super::names::SemanticModel;

/// Where a loaded spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A path literal, as written.
    File(String),
    /// The spec text itself.
    Text(String),
}

fn literal(e: &Expr) -> Option<&str> {
    super::literals::str_value(e)
}

/// A path argument: a literal, or `os.path.join(os.path.dirname(__file__), 'literal', ...)` (relative to the
/// module's file, where the index looks first).
fn path_literal(model: &SemanticModel, e: &Expr) -> Option<String> {
    if let Some(s) = literal(e) {
        return Some(s.to_string());
    }
    let Expr::Call(join) = e else { return None };
    if model.qualified_name(0, &join.func)?.as_str() != "os.path.join"
        || !join.arguments.keywords.is_empty()
    {
        return None;
    }
    let (first, rest) = join.arguments.args.split_first()?;
    let Expr::Call(dirname) = first else {
        return None;
    };
    let is_here = model.qualified_name(0, &dirname.func).as_deref() == Some("os.path.dirname")
        && matches!(&dirname.arguments.args[..], [Expr::Name(n)] if n.id.as_str() == "__file__");
    if !is_here {
        return None;
    }
    let parts: Option<Vec<&str>> = rest.iter().map(literal).collect();
    Some(parts?.join("/"))
}

/// The spec a loader call reads, when its argument is a literal.
fn loaded_spec(model: &SemanticModel, call: &ast::ExprCall) -> Option<Spec> {
    let keyword = |name: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
            .map(|k| &k.value)
    };
    let first = call.arguments.args.first();
    let qualified = model.qualified_name(0, &call.func)?;
    let qualified = qualified.replace("kfp.v2.components", "kfp.components");
    match qualified.as_str() {
        "kfp.components.load_component_from_file" => Some(Spec::File(path_literal(
            model,
            first.or(keyword("filename"))?,
        )?)),
        "kfp.components.load_component_from_text" => {
            Some(Spec::Text(literal(first.or(keyword("text"))?)?.to_string()))
        }
        "kfp.components.load_component" => {
            if let Some(f) = first.or(keyword("filename")) {
                Some(Spec::File(path_literal(model, f)?))
            } else {
                Some(Spec::Text(literal(keyword("text")?)?.to_string()))
            }
        }
        _ => None,
    }
}

/// `(binding, spec)` for every module-level `name = <loader>(<literal>)`.
pub fn find(body: &[Stmt], model: &SemanticModel) -> Vec<(String, Spec)> {
    body.iter()
        .filter_map(|stmt| {
            let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
                return None;
            };
            let ([Expr::Name(n)], Expr::Call(call)) = (targets.as_slice(), value.as_ref()) else {
                return None;
            };
            Some((n.id.to_string(), loaded_spec(model, call)?))
        })
        .collect()
}
