//! KFP304: `def p(a='x')` → `def p(a: str = 'x')`.

use crate::components::ValueType;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::json_literals;
use crate::python::literals::literal_type_name;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// KFP304: `def p(a='x')` → `def p(a: str = 'x')`.
pub(crate) fn unannotated(
    checker: &mut Checker,
    def: &ast::StmtFunctionDef,
    arg: &ast::ParameterWithDefault,
) {
    let Some(rule) = checker.enabled(id::KFP304) else {
        return;
    };
    let name_range = range(&arg.parameter);
    let name = arg.parameter.name.as_str();
    let default = arg.default.as_deref();
    // A default naming a module-level constant (`project_id=PROJECT_ID`) has that constant's type.
    let from_default =
        default.and_then(|d| literal_type_name(d).or_else(|| constant_type(checker, d)));
    let consumers = consumer_types(checker, def, name);
    // A type is chosen only when every known consumer agrees with it: kfp 2 checks each argument against its
    // input's type (`InconsistentTypeException`), where kfp 1 passed a string and converted it at run time.
    let agreed = match consumers.as_slice() {
        [] => None,
        [first, rest @ ..] => rest.iter().all(|t| t == first).then_some(*first),
    };
    let (choice, details): (Option<(&str, Option<String>)>, String) = match (from_default, agreed) {
        (_, None) if !consumers.is_empty() => (
            None,
            format!(
                "; the components it is passed to disagree on its type ({}): annotate it by hand",
                consumers.join(", ")
            ),
        ),
        (Some(t), Some(c)) if t == c => (Some((t, None)), format!("; its default says `{t}`")),
        (Some(_), Some(c)) => match default.and_then(|d| converted_default(checker, d, c)) {
            // `a='10'` fed into a `float` input: kfp 1 passed the string on; kfp 2 needs the number.
            Some(literal) => (
                Some((c, Some(literal))),
                format!("; the components it is passed to take `{c}`"),
            ),
            None => (
                None,
                format!(
                    "; its default is not a `{c}`, which the components it is passed to take: annotate it by hand"
                ),
            ),
        },
        (Some(t), None) => (Some((t, None)), format!("; its default says `{t}`")),
        (None, Some(c)) if default.is_none() => (
            Some((c, None)),
            format!("; the components it is passed to take `{c}`"),
        ),
        // No default, or a computed one (`json.dumps([...])`), and no known consumer: kfp 1 passed every such
        // argument as a string.
        (None, None) if default.is_none_or(|d| !is_none_literal(d)) => (
            Some(("str", None)),
            "; kfp 1 passed it as a string".to_string(),
        ),
        // `args=json.dumps([...])` fed into a `List` input: kfp 2 takes the list itself.
        (None, Some(c @ ("list" | "dict")))
            if let Some(literal) = default.and_then(|d| converted_default(checker, d, c)) =>
        {
            (
                Some((c, Some(literal))),
                format!("; the components it is passed to take `{c}`"),
            )
        }
        (None, Some("str")) if default.is_some_and(|d| !is_none_literal(d)) => (
            Some(("str", None)),
            "; the components it is passed to take `str`".to_string(),
        ),
        (None, _) => (
            None,
            "; annotate it with the type its arguments have (`str`, `int`, `float`, `bool`, `list`, `dict`)"
                .to_string(),
        ),
    };
    let chosen_type = choice.as_ref().map(|(t, _)| *t);
    let fix = choice.and_then(|(t, literal)| {
        let edits = match default {
            Some(default) => {
                let between = name_range.end..range(default).start;
                if checker.text(between.clone()).trim() != "=" {
                    return None;
                }
                let mut edits = vec![Edit::replace(between, format!(": {t} = "))];
                if let Some(literal) = literal {
                    edits.push(Edit::replace(range(default), literal));
                }
                edits
            }
            None => vec![Edit::insert(name_range.end, format!(": {t}"))],
        };
        Some(Fix::new(rule.fix.applicability(), edits))
    });
    let d = Diagnostic::new(
        rule.code,
        name_range,
        rule.message_with(&[("name", name), ("details", &details)]),
    )
    .with_fix_title(
        rule.fix_title_with(&[("name", name), ("type", chosen_type.unwrap_or("its type"))]),
    )
    .with_fix(fix);
    checker.report(d);
}

/// The builtin types of the known component inputs the pipeline passes `param` to (as the bare name), in
/// the order met; artifact inputs count as `artifact`.
fn consumer_types(checker: &Checker, def: &ast::StmtFunctionDef, param: &str) -> Vec<&'static str> {
    use crate::components::{InputKind, ValueType};
    use crate::python::visit::{self, Visitor};
    struct Calls<'a>(Vec<&'a ast::ExprCall>);
    impl<'a> Visitor<'a> for Calls<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(c) = expr {
                self.0.push(c);
            }
            visit::walk_expr(self, expr);
        }
    }
    let mut calls = Calls(Vec::new());
    calls.visit_body(&def.body);
    let is_param = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == param);
    let mut types = Vec::new();
    for call in calls.0 {
        let Some(component) = checker.component_named(&call.func) else {
            continue;
        };
        let kinds = call
            .arguments
            .args
            .iter()
            .enumerate()
            .filter(|(_, a)| is_param(a))
            .filter_map(|(i, _)| component.inputs.get(i).map(|input| input.kind))
            .chain(
                call.arguments
                    .keywords
                    .iter()
                    .filter(|k| is_param(&k.value))
                    .filter_map(|k| {
                        component
                            .input_by_name(k.arg.as_ref()?.as_str())
                            .map(|input| input.kind)
                    }),
            );
        for kind in kinds {
            let t = match kind {
                InputKind::Value(ValueType::Str) => "str",
                InputKind::Value(ValueType::Int) => "int",
                InputKind::Value(ValueType::Float) => "float",
                InputKind::Value(ValueType::Bool) => "bool",
                InputKind::Value(ValueType::List) => "list",
                InputKind::Value(ValueType::Dict) => "dict",
                InputKind::Value(ValueType::Other) => continue,
                InputKind::File => "artifact",
            };
            if !types.contains(&t) {
                types.push(t);
            }
        }
    }
    if types == ["artifact"] {
        // A parameter fed into an artifact input is another rule's finding (KFP106); its type here is moot.
        types.clear();
    }
    types
}

fn is_none_literal(e: &Expr) -> bool {
    crate::python::literals::is_none(e)
}

/// The type of a module-level constant a default names: a name bound once, to a literal.
fn constant_type(checker: &Checker, default: &Expr) -> Option<&'static str> {
    let Expr::Name(n) = default else { return None };
    let name = n.id.as_str();
    // A default is evaluated in the module's scope: the parameter of the same name (`def p(x=x)`) does not
    // shadow it, but a second module-level binding makes the value unknown.
    if checker
        .model
        .bindings
        .iter()
        .filter(|b| b.name == name && b.scope == 0)
        .count()
        != 1
    {
        return None;
    }
    checker.module.body.iter().find_map(|stmt| match stmt {
        ast::Stmt::Assign(a) => match a.targets.as_slice() {
            [Expr::Name(t)] if t.id.as_str() == name => literal_type_name(&a.value),
            _ => None,
        },
        _ => None,
    })
}

/// A default written as the type the consumers take: `'10'` → `10.0` for `float`, `'3'` → `3` for `int`.
fn converted_default(checker: &Checker, default: &Expr, to: &str) -> Option<String> {
    let text = checker.text(range(default)).trim();
    let value = str_literal(default);
    let number = value.as_deref().unwrap_or(text).trim();
    match to {
        "float" => {
            let f: f64 = number.parse().ok()?;
            f.is_finite().then(|| {
                if number.contains(['.', 'e', 'E']) {
                    number.to_string()
                } else {
                    format!("{number}.0")
                }
            })
        }
        "int" => number.parse::<i64>().ok().map(|i| i.to_string()),
        "str" => value.is_none().then(|| format!("'{number}'")),
        // `'False'` fed into a `bool` input: kfp 1 converted the text, kfp 2 needs the boolean.
        "bool" => match value
            .as_deref()
            .map(|v| v.trim().to_ascii_lowercase())
            .as_deref()
        {
            Some("true") => Some("True".into()),
            Some("false") => Some("False".into()),
            _ => None,
        },
        "list" | "dict" => {
            let kind = if to == "list" {
                ValueType::List
            } else {
                ValueType::Dict
            };
            if let Some(text) = value.as_deref() {
                return json_literals::from_json_text(text, kind);
            }
            let is_json_dumps =
                |f: &Expr| checker.qualified_name(f).as_deref() == Some("json.dumps");
            json_literals::dumped_literal(default, is_json_dumps, kind)
                .map(|v| checker.text(range(v)).to_string())
        }
        _ => None,
    }
}
