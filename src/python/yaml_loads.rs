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

/// A path argument whose value is known statically, relative to the module's folder (where the index looks
/// first): a literal, `os.path.dirname(__file__)` (also through `abspath`/`realpath`), `os.path.join(...)`,
/// `a + b` string concatenation, `pathlib.Path(__file__).parent` and `/` joins, `str(...)` of a path, and
/// module-level names bound once to such an expression (`components_dir = os.path.join(here, '..')`).
fn path_literal(model: &SemanticModel, values: &[(&str, &Expr)], e: &Expr) -> Option<String> {
    let path = static_path(model, values, e, 0)?;
    // The module's folder is where relative paths start anyway: drop `.` segments and doubled separators.
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"__file__") {
        return None;
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// Names are followed this deep (a chain of module constants), no further.
const MAX_DEPTH: usize = 8;

fn static_path(
    model: &SemanticModel,
    values: &[(&str, &Expr)],
    e: &Expr,
    depth: usize,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let eval = |e: &Expr| static_path(model, values, e, depth + 1);
    let qualified = |f: &Expr| model.qualified_name(0, f);
    match e {
        _ if literal(e).is_some() => literal(e).map(str::to_string),
        Expr::Name(n) if n.id.as_str() == "__file__" => Some("./__file__".into()),
        Expr::Name(n) => {
            let (_, value) = values.iter().find(|(name, _)| *name == n.id.as_str())?;
            eval(value)
        }
        Expr::BinOp(b) if b.op == ast::Operator::Add => {
            Some(format!("{}{}", eval(&b.left)?, eval(&b.right)?))
        }
        // `Path(...) / 'part'`
        Expr::BinOp(b) if b.op == ast::Operator::Div => {
            Some(join(&eval(&b.left)?, &eval(&b.right)?))
        }
        Expr::Attribute(a) if a.attr.as_str() == "parent" => Some(dirname(&eval(&a.value)?)),
        Expr::Call(call) => {
            let args = &call.arguments.args;
            if !call.arguments.keywords.is_empty() {
                return None;
            }
            // Methods of a path: `.resolve()`, `.absolute()` keep it; `.joinpath(...)` joins.
            if let Expr::Attribute(a) = call.func.as_ref()
                && qualified(&call.func).is_none()
            {
                return match a.attr.as_str() {
                    "resolve" | "absolute" if args.is_empty() => eval(&a.value),
                    "joinpath" => args
                        .iter()
                        .try_fold(eval(&a.value)?, |acc, part| Some(join(&acc, &eval(part)?))),
                    _ => None,
                };
            }
            let callee = match call.func.as_ref() {
                Expr::Name(n) if n.id.as_str() == "str" => "str".to_string(),
                f => qualified(f)?,
            };
            match callee.as_str() {
                "os.path.dirname" => Some(dirname(&eval(args.first()?)?)),
                "os.path.abspath" | "os.path.realpath" | "os.path.normpath" | "str"
                | "os.fspath" => eval(args.first()?),
                "os.path.join" => {
                    let (first, rest) = args.split_first()?;
                    rest.iter()
                        .try_fold(eval(first)?, |acc, part| Some(join(&acc, &eval(part)?)))
                }
                "pathlib.Path" | "pathlib.PurePath" => args
                    .iter()
                    .try_fold(".".to_string(), |acc, part| Some(join(&acc, &eval(part)?))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `os.path.join(a, b)`: an absolute `b` starts over.
fn join(a: &str, b: &str) -> String {
    if b.starts_with('/') {
        b.to_string()
    } else if a.is_empty() || a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// `os.path.dirname`: the module's own file gives its folder.
fn dirname(p: &str) -> String {
    match p.rsplit_once('/') {
        Some(("", _)) => "/".into(),
        Some((dir, _)) => dir.to_string(),
        None => ".".into(),
    }
}

/// Module-level names bound once, with the expression they are bound to: path arguments may name them.
fn bound_once_values<'a>(body: &'a [Stmt], model: &SemanticModel) -> Vec<(&'a str, &'a Expr)> {
    body.iter()
        .filter_map(|stmt| {
            let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
                return None;
            };
            let [Expr::Name(n)] = targets.as_slice() else {
                return None;
            };
            let bound_once = model
                .bindings
                .iter()
                .filter(|b| b.name == n.id.as_str())
                .count()
                == 1;
            bound_once.then_some((n.id.as_str(), value.as_ref()))
        })
        .collect()
}

/// Module-level string constants bound once (`ECHO = '''name: Echo …'''`): a loader given the name reads the
/// text as surely as if it were written in the call.
fn constants<'a>(values: &[(&'a str, &'a Expr)]) -> Vec<(&'a str, &'a str)> {
    values
        .iter()
        .filter_map(|(name, value)| Some((*name, literal(value)?)))
        .collect()
}

/// The spec a loader call reads, when its argument is a literal or a module-level string constant.
fn loaded_spec<'a>(
    model: &SemanticModel,
    call: &'a ast::ExprCall,
    constants: &[(&'a str, &'a str)],
    values: &[(&'a str, &'a Expr)],
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
            values,
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
                Some(Spec::File(path_literal(model, values, f)?))
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
    let values = bound_once_values(body, model);
    let constants = constants(&values);
    body.iter()
        .filter_map(|stmt| {
            let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt else {
                return None;
            };
            let ([Expr::Name(n)], Expr::Call(call)) = (targets.as_slice(), value.as_ref()) else {
                return None;
            };
            Some((
                n.id.to_string(),
                loaded_spec(model, call, &constants, &values)?,
            ))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse;

    fn spec_of(text: &str) -> Vec<Spec> {
        let module = parse::parse_module(text);
        let model = SemanticModel::build_in(&module.body, None);
        find(&module.body, &model)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn paths_built_from_the_module_file_resolve() {
        let specs = spec_of(
            "import os\nimport pathlib\nfrom kfp import components\n\
             here = os.path.dirname(os.path.abspath(__file__))\n\
             components_dir = os.path.join(here, '../../components/aws/')\n\
             a = components.load_component_from_file(components_dir + '/train/component.yaml')\n\
             b = components.load_component_from_file(str(pathlib.Path(__file__).parent / 'specs' / 'b.yaml'))\n\
             c = components.load_component_from_file(os.path.join(os.path.dirname(__file__), 'c.yaml'))\n\
             d = components.load_component_from_file('d/component.yaml')\n",
        );
        assert_eq!(
            specs,
            [
                Spec::File("../../components/aws/train/component.yaml".into()),
                Spec::File("specs/b.yaml".into()),
                Spec::File("c.yaml".into()),
                Spec::File("d/component.yaml".into()),
            ]
        );
    }

    #[test]
    fn paths_known_only_at_run_time_do_not_resolve() {
        let specs = spec_of(
            "import os\nimport sys\nfrom kfp import components\n\
             base = sys.argv[1]\n\
             a = components.load_component_from_file(os.path.join(base, 'a.yaml'))\n\
             b = components.load_component_from_file(__file__)\n\
             d = 'x'\nd = 'y'\n\
             c = components.load_component_from_file(d + '.yaml')\n",
        );
        assert!(specs.is_empty(), "{specs:?}");
    }
}
