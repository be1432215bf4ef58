//! The parameters and return annotation of v1 function components
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py>; kfp 2.17.3's
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/component_factory.py>):
//! - KFP107 v1 type names as string annotations (`x: 'Integer'`) → builtins;
//! - KFP108 unannotated parameters → `str`;
//! - KFP109 `InputPath(str)` (a parameter passed as a file: fails at run time in kfp 2);
//! - KFP110 dict-style multiple outputs (`-> {'a': int}`) → `NamedTuple`;
//! - KFP111 open-file parameters (`InputTextFile`, `OutputBinaryFile`, …) → paths the body opens;
//! - KFP112 `mlpipeline_ui_metadata` / `mlpipeline_metrics` outputs;
//! - KFP115 `InputArtifact` / `OutputArtifact` → `Input[...]` / `Output[...]`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::{
    Annotation, applied_name, classify_annotation, parameters, str_literal, v1_port_name,
};
use crate::python::edits::{indentation, merge_inserts, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::rules::id;

const TYPE_STRING_RULE: &str = id::KFP107;
const UNANNOTATED_RULE: &str = id::KFP108;
const PARAMETER_PATH_RULE: &str = id::KFP109;
const DICT_RETURN_RULE: &str = id::KFP110;
const FILE_OBJECT_RULE: &str = id::KFP111;
const SPECIAL_OUTPUT_RULE: &str = id::KFP112;
const ARTIFACT_RULE: &str = id::KFP115;

/// The builtin a v1 type name stands for in a plain parameter's annotation.
pub fn builtin_for_type_name(name: &str) -> &'static str {
    match name.to_ascii_lowercase().as_str() {
        "integer" | "int" => "int",
        "float" | "double" => "float",
        "bool" | "boolean" => "bool",
        "jsonobject" | "dict" => "dict",
        "jsonarray" | "list" => "list",
        _ => "str",
    }
}

pub fn check_function(checker: &mut Checker, function: &ast::StmtFunctionDef) {
    let mut file_objects = Vec::new();
    for arg in parameters(function) {
        let annotation_expr = arg.parameter.annotation.as_deref();
        let annotation = classify_annotation(&checker.model, annotation_expr);
        let name = arg.parameter.name.as_str();
        match (annotation, annotation_expr) {
            (Annotation::Missing, _) => unannotated(checker, arg),
            (Annotation::Value(_), Some(e)) => {
                if let Some(type_name) = str_literal(e) {
                    type_string(checker, e, &type_name);
                }
            }
            (Annotation::Path { output: false }, Some(Expr::Call(c))) => {
                if let Some(t) = c.arguments.args.first().filter(|t| is_parameter_type(t)) {
                    parameter_path(checker, e_range(annotation_expr), name, t);
                }
            }
            (Annotation::FileLike { output }, Some(e)) => match file_object_mode(checker, e) {
                Some(mode) => file_objects.push((arg, e, mode, output)),
                None => artifact_parameter(checker, name, e, output),
            },
            _ => {}
        }
        if matches!(
            annotation,
            Annotation::Path { output: true } | Annotation::FileLike { output: true }
        ) {
            let v1 = v1_port_name(name, annotation);
            if v1 == "mlpipeline_ui_metadata" || v1 == "mlpipeline_metrics" {
                special_output(checker, arg, &v1);
            }
        }
    }
    if let Some(returns) = function.returns.as_deref()
        && let Expr::Dict(d) = returns
    {
        dict_return(checker, returns, d);
    }
    for field_type in named_tuple_string_types(checker, function.returns.as_deref()) {
        if let Some(type_name) = str_literal(field_type) {
            type_string(checker, field_type, &type_name);
        }
    }
    if !file_objects.is_empty() {
        file_object_parameters(checker, function, &file_objects);
    }
}

/// The field types written as strings in a `NamedTuple('Outputs', [('n', 'Integer'), ...])` return
/// annotation: kfp 2 reads each as an artifact type (`Artifacts must have both a schema_title and a
/// schema_version`), kfp 1 as a type name.
fn named_tuple_string_types<'a>(checker: &Checker, returns: Option<&'a Expr>) -> Vec<&'a Expr> {
    let Some(Expr::Call(call)) = returns else {
        return Vec::new();
    };
    if checker.qualified_name(&call.func).as_deref() != Some("typing.NamedTuple") {
        return Vec::new();
    }
    let elts: &'a [Expr] = match call.arguments.args.get(1) {
        Some(Expr::List(l)) => &l.elts,
        Some(Expr::Tuple(t)) => &t.elts,
        _ => return Vec::new(),
    };
    elts.iter()
        .filter_map(|field| match field {
            Expr::Tuple(t) if t.elts.len() == 2 && t.elts[1].is_string_literal_expr() => {
                Some(&t.elts[1])
            }
            _ => None,
        })
        .collect()
}

fn e_range(e: Option<&Expr>) -> std::ops::Range<usize> {
    e.map(range).unwrap_or(0..0)
}

/// KFP108: `def f(x)` → `def f(x: str)`.
fn unannotated(checker: &mut Checker, arg: &ast::ParameterWithDefault) {
    let Some(rule) = checker.enabled(UNANNOTATED_RULE) else {
        return;
    };
    let name_range = range(&arg.parameter);
    let name = arg.parameter.name.as_str();
    let mut edits = vec![Edit::insert(name_range.end, ": str")];
    if let Some(default) = arg.default.as_deref() {
        // `x=1` → `x: str = 1` (PEP 8 spacing for annotated defaults).
        let between = name_range.end..range(default).start;
        if checker.text(between.clone()).trim() == "=" {
            edits = vec![Edit::replace(between, ": str = ")];
        }
    }
    let d = Diagnostic::new(rule.code, name_range, rule.message_with(&[("name", name)]))
        .with_fix_title(rule.fix_title_with(&[("name", name)]))
        .with_fix(Some(Fix::new(rule.fix.applicability(), edits)));
    checker.report(d);
}

/// KFP107: `x: 'Integer'` → `x: int`.
fn type_string(checker: &mut Checker, annotation: &Expr, type_name: &str) {
    let Some(rule) = checker.enabled(TYPE_STRING_RULE) else {
        return;
    };
    let builtin = builtin_for_type_name(type_name);
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", type_name), ("replacement", builtin)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", builtin)]))
    .with_fix(Some(Fix::new(
        rule.fix.applicability(),
        vec![Edit::replace(range(annotation), builtin)],
    )));
    checker.report(d);
}

/// Whether an `InputPath(...)` type argument names a parameter type (`str`, `'String'`, `int`, …).
fn is_parameter_type(t: &Expr) -> bool {
    let name = match t {
        Expr::Name(n) => n.id.to_string(),
        other => match str_literal(other) {
            Some(s) => s,
            None => return false,
        },
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "str" | "string" | "int" | "integer" | "float" | "bool" | "boolean"
    )
}

/// KFP109: `InputPath(str)` compiles in kfp 2 as a parameter input but fails at run time.
fn parameter_path(
    checker: &mut Checker,
    annotation_range: std::ops::Range<usize>,
    name: &str,
    t: &Expr,
) {
    let Some(rule) = checker.enabled(PARAMETER_PATH_RULE) else {
        return;
    };
    let type_text = checker.text(range(t)).to_string();
    let d = Diagnostic::new(
        rule.code,
        annotation_range,
        rule.message_with(&[("name", name), ("type", &type_text)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}

/// KFP112 on the definition: the special outputs become ordinary ones.
fn special_output(checker: &mut Checker, arg: &ast::ParameterWithDefault, v1_name: &str) {
    let Some(rule) = checker.enabled(SPECIAL_OUTPUT_RULE) else {
        return;
    };
    let replacement = if v1_name == "mlpipeline_metrics" {
        "`dsl.Output[dsl.Metrics]` and `metrics.log_metric(name, value)`"
    } else {
        "`dsl.Output[dsl.HTML]` / `dsl.Output[dsl.Markdown]` (write the page to `.path`) or `dsl.Output[dsl.ClassificationMetrics]`"
    };
    let d = Diagnostic::new(
        rule.code,
        range(&arg.parameter),
        rule.message_with(&[
            ("name", arg.parameter.name.as_str()),
            ("replacement", replacement),
        ]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}

/// KFP110: `-> {'a': int, 'b': str}` → `-> NamedTuple('Outputs', [('a', int), ('b', str)])`. kfp 2's executor
/// reads a NamedTuple return by position, as v1 read the dict-declared outputs.
fn dict_return(checker: &mut Checker, returns: &Expr, d: &ast::ExprDict) {
    let Some(rule) = checker.enabled(DICT_RETURN_RULE) else {
        return;
    };
    let fields: Option<Vec<String>> = d
        .items
        .iter()
        .map(|item| {
            let (k, v) = (&item.key, &item.value);
            let key = k.as_ref()?;
            str_literal(key)?;
            let value = match v {
                Expr::StringLiteral(s) => builtin_for_type_name(s.value.to_str()).to_string(),
                other => checker.text(range(other)).to_string(),
            };
            Some(format!("({}, {value})", checker.text(range(key))))
        })
        .collect();
    let fix = fields
        .filter(|_| !checker.module.has_comment_in(range(returns)))
        .and_then(|fields| {
            let (spelled, import) = spell_qualified(checker, "typing.NamedTuple")?;
            let mut edits = vec![Edit::replace(
                range(returns),
                format!("{spelled}('Outputs', [{}])", fields.join(", ")),
            )];
            edits.extend(import);
            Some(Fix::new(rule.fix.applicability(), edits))
        });
    let diagnostic = Diagnostic::new(rule.code, range(returns), rule.message.clone())
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix);
    checker.report(diagnostic);
}

/// How the function body must open a file-object parameter, `None` for `InputArtifact`/`OutputArtifact`.
fn file_object_mode(checker: &Checker, annotation: &Expr) -> Option<&'static str> {
    let q = applied_name(&checker.model, annotation)?;
    Some(match q.rsplit('.').next()? {
        "InputTextFile" => "r",
        "InputBinaryFile" => "rb",
        "OutputTextFile" => "w",
        "OutputBinaryFile" => "wb",
        _ => return None,
    })
}

type FileObject<'a> = (&'a ast::ParameterWithDefault, &'a Expr, &'static str, bool);

/// KFP111: v1 passed open files; kfp 2 passes paths. The annotation becomes `InputPath(...)` /
/// `OutputPath(...)` and the body opens each file under the parameter's own name first, so the body keeps
/// working unchanged.
fn file_object_parameters(
    checker: &mut Checker,
    function: &ast::StmtFunctionDef,
    params: &[FileObject],
) {
    let Some(rule) = checker.enabled(FILE_OBJECT_RULE) else {
        return;
    };
    // The opening lines go before the first statement after the docstring, which must start its own line.
    let first = function
        .body
        .iter()
        .find(|s| !is_docstring(s))
        .or(function.body.last());
    let insert_at = first.map(|s| range(s).start).filter(|start| {
        let line = checker.source.line_range(*start);
        checker.text(line.start..*start).trim().is_empty()
    });
    let insert_at = match (first, insert_at) {
        (Some(s), Some(_)) if is_docstring(s) => None,
        (_, at) => at,
    };
    for (arg, annotation, mode, output) in params {
        let name = arg.parameter.name.as_str();
        let path_type = if *output { "OutputPath" } else { "InputPath" };
        let fix = insert_at.and_then(|at| {
            let (spelled, import) = spell_qualified(checker, &format!("kfp.dsl.{path_type}"))?;
            // A parameter type argument (`str`) would make a parameter input, which kfp 2 cannot pass as a
            // file: keep only artifact type names.
            let type_arg = match annotation {
                Expr::Call(c) => c
                    .arguments
                    .args
                    .first()
                    .filter(|t| {
                        !is_parameter_type(t)
                            && !matches!(t, Expr::Name(n) if n.id.as_str() == "bytes")
                    })
                    .map(|t| checker.text(range(t)).to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let indent = indentation(checker.source, at).to_string();
            let eol = checker.source.line_ending();
            let encoding = if mode.contains('b') {
                ""
            } else {
                ", encoding='utf-8'"
            };
            let line_start = checker.source.line_range(at).start;
            let mut edits = vec![
                Edit::replace(range(*annotation), format!("{spelled}({type_arg})")),
                Edit::stacked_insert(
                    line_start,
                    format!("{indent}{name} = open({name}, '{mode}'{encoding}){eol}"),
                ),
            ];
            edits.extend(import);
            Some(Fix::new(rule.fix.applicability(), edits))
        });
        let d = Diagnostic::new(
            rule.code,
            range(*annotation),
            rule.message_with(&[("name", name), ("replacement", path_type)]),
        )
        .with_fix_title(rule.fix_title_with(&[("replacement", path_type)]))
        .with_fix(fix);
        checker.report(d);
    }
}

/// KFP115: `InputArtifact('Model')` / `OutputArtifact()` → `Input[Model]` / `Output[Artifact]`. Both hand the
/// function an artifact object with `.path`, `.uri` and `.metadata`, so the body stays as it is.
fn artifact_parameter(checker: &mut Checker, name: &str, annotation: &Expr, output: bool) {
    let Some(rule) = checker.enabled(ARTIFACT_RULE) else {
        return;
    };
    let type_name = match annotation {
        Expr::Call(c) => c.arguments.args.first().and_then(str_literal),
        _ => None,
    };
    let class = type_name
        .as_deref()
        .map_or("Artifact", crate::components::artifact_class);
    let generic = if output { "Output" } else { "Input" };
    let fix = (|| {
        let (wrapper, import_a) = spell_qualified(checker, &format!("kfp.dsl.{generic}"))?;
        let (class_name, import_b) = spell_qualified(checker, &format!("kfp.dsl.{class}"))?;
        let mut edits = vec![Edit::replace(
            range(annotation),
            format!("{wrapper}[{class_name}]"),
        )];
        edits.extend(import_a);
        edits.extend(import_b);
        // Two new imports of the same module would be two inserts at one spot: merge them.
        merge_inserts(&mut edits);
        Some(Fix::new(rule.fix.applicability(), edits))
    })();
    let replacement = format!("{generic}[{class}]");
    let d = Diagnostic::new(
        rule.code,
        range(annotation),
        rule.message_with(&[("name", name), ("replacement", &replacement)]),
    )
    .with_fix_title(rule.fix_title_with(&[("replacement", &replacement)]))
    .with_fix(fix);
    checker.report(d);
}

pub fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
        if value.is_string_literal_expr())
}
