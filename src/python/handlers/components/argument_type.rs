//! KFP120: an argument whose kfp 2 type is known at compile time and differs from the parameter input's type.
//!
//! kfp 2 compares a task argument's type with the input's and accepts only the same parameter type
//! (`type_utils.verify_type_compatibility`); kfp 1 passed every argument as text. Known here:
//! - constants: literals, and names bound once to a literal in the pipeline function or at module level
//!   (`image_size = 160` … `preprocess(image_size=image_size)`), fixed by converting the value the way kfp 1
//!   put it on the command line (`str(image_size)`, `float(epochs)`);
//! - the item of a `dsl.ParallelFor` over a literal list: kfp 2 types it by the first element (a `dict` item is
//!   a `STRUCT`, kfp 1 passed its JSON text). kfp 2 lets a `str` item into any input, and sub-variables
//!   (`item.a`) too, so only whole non-string items are reported, without a fix.
//!
//! The literal cases KFP104/105/106/117 cover (with their own fixes) are left to them.

use rustc_hash::FxHashMap;

use crate::components::{InputKind, ValueType};
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::literals::literal_type_name;
use crate::python::names::{BindingKind, Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::registry::id;

const PARALLEL_FOR: &[&str] = &["kfp.dsl.ParallelFor", "kfp.v2.dsl.ParallelFor"];

/// What the module binds to literals, found once per check: loop items of `ParallelFor` over a literal list,
/// and single-name assignments of a literal, by the start of the bound name.
#[derive(Default)]
struct LiteralBindings {
    built: bool,
    /// The first element's type of the literal list a `ParallelFor ... as item` iterates.
    loop_items: FxHashMap<usize, ValueType>,
    /// The literal's type of `name = <literal>`.
    constants: FxHashMap<usize, ValueType>,
    /// The annotated type of a function's parameter (`def pipeline(epochs: int)`).
    parameters: FxHashMap<usize, ValueType>,
}

/// KFP120 on the argument `value` of a parameter input of type `expected` named `input`.
pub fn check_argument(checker: &mut Checker, value: &Expr, kind: InputKind, input: &str) {
    let InputKind::Value(expected) = kind else {
        return value_into_artifact(checker, value, input);
    };
    if expected == ValueType::Other {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP120) else {
        return;
    };
    let Some(given) = given_type(checker, value) else {
        return;
    };
    if given.value == expected || covered_elsewhere(value, given.value, expected) {
        return;
    }
    let argument = checker.text(range(value)).to_string();
    let replacement = given
        .constant
        .then(|| conversion(&argument, given.value, expected))
        .flatten();
    let why = if given.loop_item {
        "the item of a `ParallelFor` over a literal list has its first element's type, and kfp 2 checks argument types where kfp 1 passed the item as text"
    } else {
        "kfp 2 checks argument types where kfp 1 passed every argument as text"
    };
    let message = rule.message_with(&[
        ("argument", &argument),
        ("given", &a_type(given.value)),
        ("expected", &a_type(expected)),
        ("input", input),
        ("why", why),
    ]);
    let title = match &replacement {
        Some(r) => format!("Pass `{r}`"),
        None => rule.fix_title_with(&[
            ("given_type", type_name(given.value)),
            ("expected", &a_type(expected)),
        ]),
    };
    let fix = replacement.map(|r| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::replace(range(value), r)],
        )
    });
    let d = Diagnostic::new(rule.code, range(value), message)
        .with_fix_title(title)
        .with_fix(fix);
    checker.report(d);
}

/// A value whose parameter type is known (a constant name, an annotated pipeline parameter, a loop item)
/// passed to an artifact input: kfp 1 wrote the value to a file, kfp 2 takes artifacts from task outputs or
/// `dsl.importer` only. Literals are KFP106's finding.
fn value_into_artifact(checker: &mut Checker, value: &Expr, input: &str) {
    if literal_type(value).is_some() {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP120) else {
        return;
    };
    let Some(given) = given_type(checker, value) else {
        return;
    };
    let argument = checker.text(range(value)).to_string();
    let expected = "an artifact";
    let message = rule.message_with(&[
        ("argument", &argument),
        ("given", &a_type(given.value)),
        ("expected", expected),
        ("input", input),
        (
            "why",
            "kfp 2 passes artifacts only from task outputs or `dsl.importer(...)`, where kfp 1 wrote the value to a file",
        ),
    ]);
    let title = rule.fix_title_with(&[
        ("given_type", type_name(given.value)),
        (
            "expected",
            "an upstream task's output or a `dsl.importer(...)` artifact",
        ),
    ]);
    let d = Diagnostic::new(rule.code, range(value), message).with_fix_title(title);
    checker.report(d);
}

struct Given {
    value: ValueType,
    /// A compile-time constant: converting it in Python is what kfp 1 did to it.
    constant: bool,
    loop_item: bool,
}

/// The kfp 2 type of an argument, when known at compile time.
fn given_type(checker: &mut Checker, value: &Expr) -> Option<Given> {
    if let Some(t) = literal_type(value) {
        return Some(Given {
            value: t,
            constant: true,
            loop_item: false,
        });
    }
    let Expr::Name(n) = value else { return None };
    let Some(Resolved::Binding(b)) = checker.resolve(n.id.as_str(), range(n).start) else {
        return None;
    };
    let binding = &checker.model.bindings[b];
    if binding.kind != BindingKind::Local {
        return None;
    }
    // Rebound in the same scope, the value depends on the path taken.
    let (name, scope, start) = (binding.name.clone(), binding.scope, binding.range.start);
    let bound_once = checker
        .model
        .bindings
        .iter()
        .filter(|o| o.name == name && o.scope == scope)
        .count()
        == 1;
    let facts = literal_bindings(checker);
    if let Some(&t) = facts.loop_items.get(&start) {
        // kfp 2 lets a `str` loop item into any input.
        return (t != ValueType::Str).then_some(Given {
            value: t,
            constant: false,
            loop_item: true,
        });
    }
    if let Some(&t) = facts.parameters.get(&start) {
        return bound_once.then_some(Given {
            value: t,
            constant: false,
            loop_item: false,
        });
    }
    let t = *facts.constants.get(&start)?;
    bound_once.then_some(Given {
        value: t,
        constant: true,
        loop_item: false,
    })
}

fn literal_bindings<'c>(checker: &'c mut Checker) -> &'c LiteralBindings {
    if !checker.state::<LiteralBindings>().built {
        let mut facts = LiteralBindings {
            built: true,
            ..LiteralBindings::default()
        };
        collect(
            checker,
            &checker.module.body,
            &mut facts,
            &mut FxHashMap::default(),
        );
        *checker.state::<LiteralBindings>() = facts;
    }
    checker.state::<LiteralBindings>()
}

/// `lists`: the first element's type of the literal list each name of the function being walked is bound
/// to (`None` once a name is bound to anything else as well), for `ParallelFor(loop_args)`.
fn collect(
    checker: &Checker,
    body: &[Stmt],
    facts: &mut LiteralBindings,
    lists: &mut FxHashMap<String, Option<ValueType>>,
) {
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                if let [Expr::Name(t)] = a.targets.as_slice() {
                    if let Some(v) = literal_type(&a.value) {
                        facts.constants.insert(range(t).start, v);
                    }
                    let first = first_of_list(&a.value);
                    lists
                        .entry(t.id.to_string())
                        .and_modify(|known| *known = None)
                        .or_insert(first);
                }
            }
            Stmt::With(w) => {
                for item in &w.items {
                    if let (Some(Expr::Name(var)), Expr::Call(call)) =
                        (item.optional_vars.as_deref(), &item.context_expr)
                        && checker
                            .qualified_name(&call.func)
                            .is_some_and(|q| PARALLEL_FOR.contains(&q.as_str()))
                        && let Some(t) = first_element_type(call, lists)
                    {
                        facts.loop_items.insert(range(var).start, t);
                    }
                }
                collect(checker, &w.body, facts, lists);
            }
            Stmt::FunctionDef(f) => {
                for p in f.parameters.iter_non_variadic_params() {
                    if let Some(t) = p.parameter.annotation.as_deref().and_then(annotated_type) {
                        facts.parameters.insert(range(&p.parameter.name).start, t);
                    }
                }
                // A function's names are its own.
                collect(checker, &f.body, facts, &mut FxHashMap::default());
            }
            Stmt::ClassDef(c) => collect(checker, &c.body, facts, &mut FxHashMap::default()),
            Stmt::If(i) => {
                collect(checker, &i.body, facts, lists);
                for clause in &i.elif_else_clauses {
                    collect(checker, &clause.body, facts, lists);
                }
            }
            Stmt::For(f) => {
                collect(checker, &f.body, facts, lists);
                collect(checker, &f.orelse, facts, lists);
            }
            Stmt::While(w) => {
                collect(checker, &w.body, facts, lists);
                collect(checker, &w.orelse, facts, lists);
            }
            Stmt::Try(t) => {
                collect(checker, &t.body, facts, lists);
                for handler in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    collect(checker, &h.body, facts, lists);
                }
                collect(checker, &t.orelse, facts, lists);
                collect(checker, &t.finalbody, facts, lists);
            }
            _ => {}
        }
    }
}

/// The parameter type an annotation names (`int`, `List[str]`, `typing.Dict[str, int]`), if one.
fn annotated_type(annotation: &Expr) -> Option<ValueType> {
    let base = match annotation {
        Expr::Subscript(s) => s.value.as_ref(),
        other => other,
    };
    let name = match base {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.as_str(),
        _ => return None,
    };
    match ValueType::from_type_name(name) {
        ValueType::Other => None,
        t => Some(t),
    }
}

/// The type kfp 2 gives the items of `ParallelFor(<literal list>)` (or of a name bound only to one): its
/// first element's.
fn first_element_type(
    call: &ast::ExprCall,
    lists: &FxHashMap<String, Option<ValueType>>,
) -> Option<ValueType> {
    match crate::python::pipelines::argument(call, 0, "items")? {
        Expr::Name(n) => *lists.get(n.id.as_str())?,
        items => first_of_list(items),
    }
}

fn first_of_list(e: &Expr) -> Option<ValueType> {
    let first = match e {
        Expr::List(l) => l.elts.first()?,
        Expr::Tuple(t) => t.elts.first()?,
        _ => return None,
    };
    literal_type(first)
}

/// The parameter type a literal is; an f-string is a `str` too.
fn literal_type(e: &Expr) -> Option<ValueType> {
    match e {
        Expr::FString(_) => Some(ValueType::Str),
        _ => literal_type_name(e).map(ValueType::from_type_name),
    }
}

/// Literal arguments the argument-value rules already report with their own fixes: a string into a number,
/// boolean or JSON input (KFP105), an integer literal into a float input (KFP117).
fn covered_elsewhere(value: &Expr, given: ValueType, expected: ValueType) -> bool {
    let literal = literal_type(value).is_some();
    literal
        && (given == ValueType::Str || (given == ValueType::Int && expected == ValueType::Float))
}

/// The constant converted as kfp 1 did it (`str(...)` for a `str` input, `float(...)` for an `int` into a
/// `float` one), when that conversion is exact.
fn conversion(argument: &str, given: ValueType, expected: ValueType) -> Option<String> {
    // A plain integer or boolean literal is written as the text kfp 1 passed.
    let plain =
        argument.chars().all(|c| c.is_ascii_digit()) || matches!(argument, "True" | "False");
    match (given, expected) {
        (ValueType::Int | ValueType::Bool, ValueType::Str) if plain => {
            Some(format!("'{argument}'"))
        }
        (ValueType::Int | ValueType::Float | ValueType::Bool, ValueType::Str) => {
            Some(format!("str({argument})"))
        }
        (ValueType::Int, ValueType::Float) => Some(format!("float({argument})")),
        _ => None,
    }
}

/// "an `int`", "a `str`".
fn a_type(t: ValueType) -> String {
    let article = if t == ValueType::Int { "an" } else { "a" };
    format!("{article} `{}`", type_name(t))
}

fn type_name(t: ValueType) -> &'static str {
    match t {
        ValueType::Str => "str",
        ValueType::Int => "int",
        ValueType::Float => "float",
        ValueType::Bool => "bool",
        ValueType::List => "list",
        ValueType::Dict => "dict",
        ValueType::Other => "other",
    }
}
