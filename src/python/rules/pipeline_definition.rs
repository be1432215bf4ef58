//! Pipeline definitions (reference §4.1):
//! - KFP301 a function compiled or submitted as a pipeline without `@dsl.pipeline`;
//! - KFP302 `@dsl.pipeline('name', 'description')` with positional options;
//! - KFP303 a pipeline name kfp 2 sanitises (`'My Pipeline'` → `my-pipeline`) without `display_name=`;
//! - KFP304 unannotated pipeline parameters (typed from their default);
//! - KFP305 pipeline parameters annotated with v1 type names (`x: 'Integer'`);
//! - KFP307 `.ignore_type()` on a pipeline parameter or task output.

use std::ops::Range;

use crate::components::ValueType;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::{parameters, str_literal};
use crate::python::edits::{indentation, spell_qualified};
use crate::python::json_literals;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr};
use crate::python::pipelines::PipelineFn;

use super::component_signature::builtin_for_type_name;

const UNDECORATED_RULE: &str = "KFP301";
const POSITIONAL_RULE: &str = "KFP302";
const DISPLAY_NAME_RULE: &str = "KFP303";
const UNANNOTATED_RULE: &str = "KFP304";
const TYPE_NAME_RULE: &str = "KFP305";
const IGNORE_TYPE_RULE: &str = "KFP307";

/// v1's `pipeline(name=None, description=None, pipeline_root=None)`, in order (I1).
const V1_DECORATOR_PARAMETERS: &[&str] = &["name", "description", "pipeline_root"];

/// Every pipeline function of the module, before the walk.
pub fn check_module(checker: &mut Checker) {
    let pipelines = checker.pipelines.pipelines.clone();
    for pipeline in &pipelines {
        match pipeline.decorator {
            None => undecorated(checker, pipeline),
            Some(decorator) => {
                if let Expr::Call(call) = decorator {
                    positional_options(checker, call);
                    display_name(checker, call);
                }
            }
        }
        for arg in parameters(pipeline.def) {
            match arg.parameter.annotation.as_deref() {
                None => unannotated(checker, pipeline.def, arg),
                Some(annotation) => type_name(checker, annotation),
            }
        }
    }
}

/// KFP301: `Compiler().compile(f, ...)` where `f` has no `@dsl.pipeline`.
fn undecorated(checker: &mut Checker, pipeline: &PipelineFn) {
    let Some(rule) = checker.enabled(UNDECORATED_RULE) else {
        return;
    };
    let def = pipeline.def;
    let name = def.name.as_str();
    let def_range = range(def);
    // The decorator runs when the `def` does: it needs an import bound before it.
    checker.fix_point = Some(def_range.start);
    // The decorator goes above the first existing decorator, or the `def` line.
    let first = def
        .decorator_list
        .iter()
        .map(|d| range(d).start)
        .chain([def_range.start])
        .min()
        .unwrap_or(def_range.start);
    let line_start = checker.source.line_range(first).start;
    // Called directly somewhere, the function would now create a nested pipeline task instead of adding its
    // tasks to the caller's pipeline.
    let called = checker.pipelines.direct_calls.contains(&def_range.start);
    let applicability = if called {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let fix = spell_qualified(checker, "kfp.dsl.pipeline").map(|(spelled, import)| {
        let indent = indentation(checker.source, line_start).to_string();
        let eol = checker.source.line_ending();
        let mut edits = vec![Edit::insert(line_start, format!("{indent}@{spelled}{eol}"))];
        edits.extend(import);
        Fix::new(applicability, edits)
    });
    checker.fix_point = None;
    let details = if called {
        "; it is also called directly, which kfp 2 turns into a nested pipeline task"
    } else {
        ""
    };
    let name_range = def_name(checker, def);
    let d = Diagnostic::new(
        rule.code,
        name_range,
        rule.message_with(&[("name", name), ("details", details)]),
    )
    .with_fix_title(rule.fix_title_with(&[("name", name)]))
    .with_fix(fix);
    checker.report(d);
}

fn def_name(checker: &Checker, def: &ast::StmtFunctionDef) -> Range<usize> {
    crate::python::components::def_name_range(&checker.source.text, def)
}

/// KFP302: `@dsl.pipeline('name', 'description')` → keywords (kfp 2's options are keyword-only).
fn positional_options(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(POSITIONAL_RULE) else {
        return;
    };
    if call.arguments.args.is_empty() {
        return;
    }
    let mut edits = Vec::new();
    let mut fixable = call.arguments.args.len() <= V1_DECORATOR_PARAMETERS.len();
    for (arg, parameter) in call.arguments.args.iter().zip(V1_DECORATOR_PARAMETERS) {
        let given_twice = call
            .arguments
            .keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == *parameter));
        if matches!(arg, Expr::Starred(_)) || given_twice {
            fixable = false;
        }
        edits.push(Edit::insert(range(arg).start, format!("{parameter}=")));
    }
    let r = range(&call.arguments.args[0]).start
        ..range(&call.arguments.args[call.arguments.args.len() - 1]).end;
    let fix = fixable.then(|| Fix::new(rule.fix.applicability(), edits));
    let d = Diagnostic::new(rule.code, r, rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(d);
}

/// kfp 2's `maybe_rename_for_k8s`: the pipeline name written to `pipelineInfo.name` (S2).
pub fn sanitize_pipeline_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let keep = c.is_ascii_lowercase() || c.is_ascii_digit();
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// KFP303: a name kfp 2 would sanitise keeps its human form as `display_name=`.
fn display_name(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(DISPLAY_NAME_RULE) else {
        return;
    };
    let keyword = |name: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
    };
    if keyword("display_name").is_some() {
        return;
    }
    let Some(name_keyword) = keyword("name") else {
        return;
    };
    let Some(name) = str_literal(&name_keyword.value) else {
        return;
    };
    let sanitized = sanitize_pipeline_name(&name);
    if sanitized == name {
        return;
    }
    let value = checker.text(range(&name_keyword.value)).to_string();
    let fix = (!value.contains('\n')).then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::insert(
                range(name_keyword).end,
                format!(", display_name={value}"),
            )],
        )
    });
    let d = Diagnostic::new(
        rule.code,
        range(&name_keyword.value),
        rule.message_with(&[("name", &name), ("replacement", &sanitized)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// The builtin type of a literal default, when it is unambiguous.
fn type_of_default(default: &Expr) -> Option<&'static str> {
    Some(match default {
        Expr::StringLiteral(_) | Expr::BooleanLiteral(_) | Expr::NumberLiteral(_) => {
            crate::python::literals::scalar_type(default)?
        }
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub | ast::UnaryOp::UAdd) => {
            match type_of_default(&u.operand)? {
                t @ ("int" | "float") => t,
                _ => return None,
            }
        }
        Expr::List(_) => "list",
        Expr::Dict(_) => "dict",
        _ => return None,
    })
}

/// KFP304: `def p(a='x')` → `def p(a: str = 'x')`.
fn unannotated(checker: &mut Checker, def: &ast::StmtFunctionDef, arg: &ast::ParameterWithDefault) {
    let Some(rule) = checker.enabled(UNANNOTATED_RULE) else {
        return;
    };
    let name_range = range(&arg.parameter);
    let name = arg.parameter.name.as_str();
    let default = arg.default.as_deref();
    // A default naming a module-level constant (`project_id=PROJECT_ID`) has that constant's type.
    let from_default =
        default.and_then(|d| type_of_default(d).or_else(|| constant_type(checker, d)));
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
    if checker
        .model
        .bindings
        .iter()
        .filter(|b| b.name == name)
        .count()
        != 1
    {
        return None;
    }
    checker.module.body.iter().find_map(|stmt| match stmt {
        ast::Stmt::Assign(a) => match a.targets.as_slice() {
            [Expr::Name(t)] if t.id.as_str() == name => type_of_default(&a.value),
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

/// String annotations kfp 2 reads as parameter types (checked by compiling each with kfp 2.17.3); every other
/// string, `'str'` and `'Bool'` included, is read as an artifact type and fails.
const KFP2_TYPE_NAMES: &[&str] = &["Integer", "String", "Float", "Boolean", "Dict", "List"];

/// v1 type names whose builtin carries exactly the same values.
const SAME_VALUES: &[&str] = &[
    "integer", "int", "float", "double", "string", "str", "bool", "boolean",
];

/// KFP305: `x: 'Integer'` → `x: int`.
fn type_name(checker: &mut Checker, annotation: &Expr) {
    let Some(rule) = checker.enabled(TYPE_NAME_RULE) else {
        return;
    };
    let Some(type_name) = str_literal(annotation) else {
        return;
    };
    // Only plain names (`'Integer'`, `'GCSPath'`); a string such as `'List[str]'` is a forward reference.
    if type_name.is_empty()
        || !type_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || type_name.starts_with(|c: char| c.is_ascii_digit())
    {
        return;
    }
    // kfp 2.17.3 still maps these (exactly so spelled) to parameter types: they compile as they are.
    if KFP2_TYPE_NAMES.contains(&type_name.as_str()) {
        return;
    }
    let builtin = builtin_for_type_name(&type_name);
    let applicability = if SAME_VALUES.contains(&type_name.to_ascii_lowercase().as_str()) {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", &type_name), ("replacement", builtin)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", builtin)]))
    .with_fix(Some(Fix::new(
        applicability,
        vec![Edit::replace(range(annotation), builtin)],
    )));
    checker.report(d);
}

/// KFP307: `param.ignore_type()`: kfp 2 channels have no `ignore_type` (and no way to skip type checks).
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    let Expr::Attribute(a) = call.func.as_ref() else {
        return;
    };
    if a.attr.as_str() != "ignore_type"
        || !call.arguments.args.is_empty()
        || !call.arguments.keywords.is_empty()
    {
        return;
    }
    let Some(rule) = checker.enabled(IGNORE_TYPE_RULE) else {
        return;
    };
    if !is_pipeline_value(checker, &a.value, call_range.start) {
        return;
    }
    let receiver = checker.text(range(a.value.as_ref())).to_string();
    let fix = Fix::new(
        rule.fix.applicability(),
        vec![Edit::replace(call_range.clone(), receiver.clone())],
    );
    let d = Diagnostic::new(
        rule.code,
        call_range,
        rule.message_with(&[("name", &receiver)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(Some(fix));
    checker.report(d);
}

/// Evidence that an expression inside a pipeline function is a kfp value: a parameter of the pipeline, a task
/// output (`t.output`, `t.outputs['x']`), or a `dsl.PipelineParam(...)`.
fn is_pipeline_value(checker: &Checker, expr: &Expr, at: usize) -> bool {
    match expr {
        Expr::Call(c) => matches!(
            checker.qualified_name(&c.func).as_deref(),
            Some("kfp.dsl.PipelineParam" | "kfp.dsl._pipeline_param.PipelineParam")
        ),
        Expr::Attribute(a) => a.attr.as_str() == "output" && in_pipeline(checker, at),
        Expr::Subscript(s) => {
            matches!(s.value.as_ref(), Expr::Attribute(a) if a.attr.as_str() == "outputs")
                && in_pipeline(checker, at)
        }
        Expr::Name(n) => {
            let Some(pipeline) = checker.pipelines.pipeline_at(at) else {
                return false;
            };
            let is_parameter =
                parameters(pipeline.def).any(|p| p.parameter.name.as_str() == n.id.as_str());
            // The name must still be the parameter here (not rebound by the body).
            is_parameter
                && matches!(checker.resolve(n.id.as_str(), range(expr).start),
                    Some(Resolved::Binding(b)) if parameters(pipeline.def)
                        .any(|p| range(&p.parameter) == checker.model.bindings[b].range))
        }
        _ => false,
    }
}

fn in_pipeline(checker: &Checker, at: usize) -> bool {
    checker.pipelines.pipeline_at(at).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_names_are_sanitised_like_kfp2() {
        // kfp 2.17.3: re.sub('-+', '-', re.sub('[^-0-9a-z]+', '-', name.lower())).strip('-')
        assert_eq!(
            sanitize_pipeline_name("My Pipeline_v1 name!"),
            "my-pipeline-v1-name"
        );
        assert_eq!(sanitize_pipeline_name("Nightly Report"), "nightly-report");
        assert_eq!(sanitize_pipeline_name("--a--b--"), "a-b");
        assert_eq!(sanitize_pipeline_name("echo-2"), "echo-2");
        assert_eq!(sanitize_pipeline_name("Ünïcode"), "n-code");
    }
}
