//! Module-level bindings of v1 component specs loaded from YAML with a literal argument:
//! `op = components.load_component_from_file('components/train.yaml')`,
//! `op = components.load_component(filename='…')`, `op = load_component_from_text("""…""")`,
//! `op = components.load_component_from_url('https://…/component.yaml')`.
//! The index reads the named files and URLs (never a rule) and registers each spec's interface under the
//! binding. A URL resolves through the run's `[component-urls]` map only: the spec is read, never rewritten.

use super::parse::ast::{self, Expr, Stmt};
use crate::project::ModulePath;
use crate::source::SourceFile;

use super::names::SemanticModel;

/// Where a loaded spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A path literal, as written.
    File(String),
    /// The spec text itself.
    Text(String),
    /// A URL, as written.
    Url(String),
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

/// Module-level string constants bound once (`ECHO = '''name: Echo …'''`): a loader given the name reads the
/// text as surely as if it were written in the call.
fn constants<'a>(body: &'a [Stmt], model: &SemanticModel) -> Vec<(&'a str, &'a str)> {
    body.iter()
        .filter_map(|stmt| {
            let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
                return None;
            };
            let [Expr::Name(n)] = targets.as_slice() else {
                return None;
            };
            let text = literal(value)?;
            let bound_once = model
                .bindings
                .iter()
                .filter(|b| b.name == n.id.as_str())
                .count()
                == 1;
            bound_once.then_some((n.id.as_str(), text))
        })
        .collect()
}

/// The spec a loader call reads, when its argument is a literal or a module-level string constant.
fn loaded_spec<'a>(
    model: &SemanticModel,
    call: &'a ast::ExprCall,
    constants: &[(&'a str, &'a str)],
) -> Option<Spec> {
    let text = |e: &'a Expr| -> Option<&'a str> {
        literal(e).or_else(|| match e {
            Expr::Name(n) => constants
                .iter()
                .find(|(name, _)| *name == n.id.as_str())
                .map(|(_, t)| *t),
            _ => None,
        })
    };
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
            Some(Spec::Text(text(first.or(keyword("text"))?)?.to_string()))
        }
        "kfp.components.load_component_from_url" => {
            Some(Spec::Url(text(first.or(keyword("url"))?)?.to_string()))
        }
        "kfp.components.load_component" => {
            if let Some(f) = first.or(keyword("filename")) {
                Some(Spec::File(path_literal(model, f)?))
            } else {
                Some(Spec::Text(text(keyword("text")?)?.to_string()))
            }
        }
        _ => None,
    }
}

/// The interfaces of the specs a module loads, by binding: files read with `read_file` (given the path as
/// written), texts as they are, URLs through the run's `[component-urls]` resolver. A spec that cannot be read
/// or is not a component registers nothing: its calls stay unknown.
pub(crate) fn loaded_components(
    body: &[Stmt],
    model: &SemanticModel,
    selection: &crate::settings::RuleSelection,
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, crate::components::Component)> {
    find(body, model)
        .into_iter()
        .filter_map(|(binding, spec)| {
            let text = match spec {
                Spec::File(path) => read_file(&path)?,
                Spec::Text(text) => text,
                Spec::Url(url) => selection
                    .component_urls
                    .as_ref()?
                    .resolve(&url, None)
                    .ok()?
                    .text
                    .to_string(),
            };
            let component = crate::yaml::interface::component(&binding, &text)?;
            Some((binding, component))
        })
        .collect()
}

/// `(binding, spec)` for every module-level `name = <loader>(<literal>)`.
pub fn find(body: &[Stmt], model: &SemanticModel) -> Vec<(String, Spec)> {
    let constants = constants(body, model);
    body.iter()
        .filter_map(|stmt| {
            let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
                return None;
            };
            let ([Expr::Name(n)], Expr::Call(call)) = (targets.as_slice(), value.as_ref()) else {
                return None;
            };
            Some((n.id.to_string(), loaded_spec(model, call, &constants)?))
        })
        .collect()
}

/// Reads a component spec a module loads by path: relative to the module's file, then to the directory its
/// imports start from (the run's root for scripts), then as written.
pub(crate) fn resolve_spec(
    source: &SourceFile,
    module: &ModulePath,
    path: &str,
    read: &dyn Fn(&std::path::Path) -> Option<String>,
) -> Option<String> {
    let written = std::path::Path::new(path);
    let beside = source.path.parent().map(|d| d.join(written));
    let from_root = Some(module.root.join(written));
    [beside, from_root, Some(written.to_path_buf())]
        .into_iter()
        .flatten()
        .find_map(|p| read(&p))
}
