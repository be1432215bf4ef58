//! Finds the v1 lightweight components a module defines and derives their interface
//! (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py>).
//!
//! A v1 component is a function handed to `create_component_from_func` / `func_to_container_op` in any of the
//! forms users write: as a decorator (`@comp.create_component_from_func`), by assignment
//! (`add_op = create_component_from_func(add, ...)`), or through a `functools.partial` of a factory used as a
//! decorator or called. The result serves two readers: the project index (call sites in other files) and the
//! component rules of this file (the definition rewrite).

use std::ops::Range;

pub(crate) use super::literals::str_literal;
use super::names::{BindingKind, Resolved, ScopeId, SemanticModel, range};
use super::parse::ast::{self, Expr, Stmt};
use super::parse::{ParsedModule, TokenKind};
use crate::components::{Component, Input, InputKind, Output, RenameReason, ValueType};
use crate::diagnostic::Applicability;

/// The two v1 factories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factory {
    CreateComponentFromFunc,
    FuncToContainerOp,
}

impl Factory {
    pub fn of(qualified: &str) -> Option<Self> {
        match qualified {
            "kfp.components.create_component_from_func"
            | "kfp.components._python_op.create_component_from_func" => {
                Some(Factory::CreateComponentFromFunc)
            }
            "kfp.components.func_to_container_op"
            | "kfp.components._python_op.func_to_container_op" => Some(Factory::FuncToContainerOp),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Factory::CreateComponentFromFunc => "create_component_from_func",
            Factory::FuncToContainerOp => "func_to_container_op",
        }
    }

    /// The v1 positional parameters after `func` (I1 signatures).
    pub fn positional_parameters(self) -> &'static [&'static str] {
        match self {
            Factory::CreateComponentFromFunc => &[
                "output_component_file",
                "base_image",
                "packages_to_install",
                "annotations",
            ],
            Factory::FuncToContainerOp => &[
                "output_component_file",
                "base_image",
                "extra_code",
                "packages_to_install",
                "modules_to_capture",
                "use_code_pickling",
                "annotations",
            ],
        }
    }
}

/// The applicability of the v1 definitions' rewrite when the selection enables it.
pub(crate) fn migration(selection: &crate::settings::RuleSelection) -> Option<Applicability> {
    crate::registry::registry()
        .get(crate::registry::id::KFP101)
        .filter(|r| selection.is_enabled(r))
        .map(|r| r.fix.applicability())
}

/// Factory options with no v2 equivalent (kfp 2.17.3's options:
/// <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/component_decorator.py>),
/// with what to do instead, and the literal values that mean "not used" (then the option is simply dropped).
pub fn unsupported_option(name: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match name {
        "extra_code" => (
            "`extra_code` has no kfp 2 equivalent: move the code into the function body or pass helpers with `additional_funcs=[...]`",
            &["''", "\"\""],
        ),
        "modules_to_capture" => (
            "`modules_to_capture` has no kfp 2 equivalent (source is copied, not pickled): use `additional_funcs=`, `packages_to_install=`, or a Containerized Python Component (`target_image=` + `kfp component build`)",
            &["None", "[]"],
        ),
        "use_code_pickling" => (
            "`use_code_pickling` has no kfp 2 equivalent (source is copied, not pickled): use `additional_funcs=`, `packages_to_install=`, or a Containerized Python Component (`target_image=` + `kfp component build`)",
            &["False"],
        ),
        "annotations" => (
            "`annotations` has no kfp 2 equivalent at component level: add pod annotations per task with `kubernetes.add_pod_annotation(task, ...)` from kfp-kubernetes",
            &["None", "{}"],
        ),
        _ => return None,
    })
}

/// Where a component's factory is applied.
#[derive(Debug, Clone)]
pub enum Site<'a> {
    /// `@factory` directly on the function.
    Decorator { expr: &'a Expr, factory: Factory },
    /// `@alias` (or `name = alias(func)`) where `alias = partial(factory, ...)`: the partial call is what
    /// gets rewritten.
    AliasDecorator { partial: &'a ast::ExprCall },
    /// `name = factory(func, ...)`.
    Call { call: &'a ast::ExprCall },
    /// A v1 factory function returning `dsl.ContainerOp(...)` (the call here), possibly under kfp 1's
    /// `@dsl.component`: KFP201 turns it into a `@dsl.container_component`.
    ContainerOpFactory { op: &'a ast::ExprCall },
    /// A `ContainerOp` subclass whose `__init__` (the definition's function) only calls the base with `op`:
    /// KFP201 turns the class into a container component of the same name.
    ContainerOpSubclass { op: &'a ast::ExprCall },
    /// Already a kfp 2 component: `@dsl.component` (also with options, or from `kfp.v2.dsl`) or
    /// `name = dsl.component(func, ...)`. Its names do not change with the migration; calls are still
    /// checked (keywords, argument types).
    V2,
}

/// Whether a definition follows v1's naming (suffixes stripped) or kfp 2's (names as written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    V1,
    V2,
}

/// A function's named parameters in order: positional-only, ordinary, keyword-only.
pub fn parameters(
    function: &ast::StmtFunctionDef,
) -> impl Iterator<Item = &ast::ParameterWithDefault> {
    function.parameters.iter_non_variadic_params()
}

/// The qualified name a decorator or annotation applies, called or not (`@dsl.component(...)` →
/// `kfp.dsl.component`, `InputPath('CSV')` → `kfp.components.InputPath`).
pub fn applied_name(model: &SemanticModel, expr: &Expr) -> Option<String> {
    let callee = match expr {
        Expr::Call(c) => c.func.as_ref(),
        other => other,
    };
    model.qualified_name(0, callee)
}

/// `dsl.component` / `kfp.v2.dsl.component` / `dsl.container_component`.
pub fn is_v2_component_decorator(qualified: &str) -> bool {
    matches!(
        qualified,
        "kfp.dsl.component" | "kfp.v2.dsl.component" | "kfp.dsl.container_component"
    )
}

/// The `dsl.ContainerOp(...)` a v1 factory function returns: its body is (a docstring and) `return
/// dsl.ContainerOp(...)`.
pub fn container_op_factory<'a>(
    model: &SemanticModel,
    function: &'a ast::StmtFunctionDef,
) -> Option<&'a ast::ExprCall> {
    let mut body = function.body.iter();
    let mut stmt = body.next()?;
    if let Stmt::Expr(ast::StmtExpr { value, .. }) = stmt
        && value.is_string_literal_expr()
    {
        stmt = body.next()?;
    }
    if body.next().is_some() {
        return None;
    }
    let Stmt::Return(ast::StmtReturn {
        value: Some(value), ..
    }) = stmt
    else {
        return None;
    };
    let Expr::Call(call) = value.as_ref() else {
        return None;
    };
    (model.qualified_name(0, &call.func).as_deref() == Some("kfp.dsl.ContainerOp")).then_some(call)
}

/// The interface of a v1 `ContainerOp` factory: its parameters in, its `file_outputs` out.
fn container_op_signature(
    model: &SemanticModel,
    function: &ast::StmtFunctionDef,
    op: &ast::ExprCall,
    migration: Option<Applicability>,
) -> Component {
    let inputs = parameters(function)
        .map(|arg| {
            let kind = match classify_annotation(model, arg.parameter.annotation.as_deref()) {
                Annotation::Value(t) => InputKind::Value(t),
                _ => InputKind::Value(ValueType::Str),
            };
            let name = arg.parameter.name.to_string();
            Input {
                v1_name: name.clone(),
                v2_name: name,
                kind,
                optional: arg.default.is_some(),
            }
        })
        .collect();
    let read = super::op_translate::OpCall::read(op);
    let (outputs, outputs_known) = match read.file_outputs() {
        Ok(o) => (
            o.into_iter()
                .map(|(name, _)| Output {
                    v1_name: name.clone(),
                    v2_name: name,
                    special: false,
                    artifact: false,
                })
                .collect(),
            true,
        ),
        Err(_) => (vec![], false),
    };
    Component {
        name: function.name.to_string(),
        inputs,
        outputs,
        outputs_known,
        migration,
        reason: RenameReason::Migration,
    }
}

/// One v1 component defined at module level.
#[derive(Debug, Clone)]
pub struct ComponentDef<'a> {
    pub function: &'a ast::StmtFunctionDef,
    pub site: Site<'a>,
    pub component: Component,
}

/// The files's module-level v1 components and factory aliases.
#[derive(Debug, Default)]
pub struct ModuleDefs<'a> {
    pub components: Vec<ComponentDef<'a>>,
    /// `alias = partial(factory, ...)` calls, with the factory.
    pub partials: Vec<(&'a ast::ExprCall, Factory)>,
}

/// A call of `functools.partial(<factory>, ...)`.
pub fn partial_of_factory(model: &SemanticModel, call: &ast::ExprCall) -> Option<Factory> {
    let scope: ScopeId = 0;
    if model.qualified_name(scope, &call.func).as_deref() != Some("functools.partial") {
        return None;
    }
    Factory::of(&model.qualified_name(scope, call.arguments.args.first()?)?)
}

/// Whether a factory call (or `partial(factory, ...)`) carries an option kfp 2 cannot express (its value is
/// not the "unused" literal). Both have exactly one leading argument that is not an option.
pub fn uses_unsupported_option(text: &str, call: &ast::ExprCall, factory: Factory) -> bool {
    factory_options(call, factory).iter().any(|(name, value)| {
        unsupported_option(name)
            .is_some_and(|(_, unused)| !unused.contains(&text[range(*value)].trim()))
    })
}

/// A factory call's options as (v1 parameter name, value), positional ones named by the v1 signature. The
/// first positional argument is not an option (the function, or `partial`'s factory).
pub fn factory_options(call: &ast::ExprCall, factory: Factory) -> Vec<(&str, &Expr)> {
    let params = factory.positional_parameters();
    let mut options: Vec<(&str, &Expr)> = call
        .arguments
        .args
        .iter()
        .skip(1)
        .enumerate()
        .filter_map(|(i, a)| params.get(i).map(|p| (*p, a)))
        .collect();
    options.extend(
        call.arguments
            .keywords
            .iter()
            .filter_map(|k| k.arg.as_ref().map(|a| (a.as_str(), &k.value))),
    );
    options
}

/// Finds the module's components: v1 ones with the interface they had in v1, and kfp 2 ones. `migration` is
/// the applicability of the v1 definitions' rewrite when it is enabled; a definition whose factory uses an
/// option kfp 2 lacks gets a display-only one. (The project index then confirms each against the definition's
/// actual diagnostic, see `python::index`.)
pub fn find<'a>(
    module: &'a ParsedModule,
    text: &str,
    model: &SemanticModel,
    migration: Option<Applicability>,
) -> ModuleDefs<'a> {
    let body = &module.body;
    let mut defs = ModuleDefs::default();
    let v1 = |f: &ast::StmtFunctionDef, name: &str, call: Option<(&ast::ExprCall, Factory)>| {
        let m = match call {
            Some((c, factory)) if uses_unsupported_option(text, c, factory) => {
                migration.map(|_| Applicability::DisplayOnly)
            }
            _ => migration,
        };
        signature(model, f, name, Naming::V1, m)
    };
    let v2 = |f: &ast::StmtFunctionDef, name: &str| signature(model, f, name, Naming::V2, None);
    // Factory aliases first: decorators below may use them.
    let mut aliases: Vec<(&str, &ast::ExprCall, Factory)> = Vec::new();
    for stmt in body {
        if let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt
            && let [Expr::Name(target)] = targets.as_slice()
            && let Expr::Call(call) = value.as_ref()
            && let Some(factory) = partial_of_factory(model, call)
        {
            aliases.push((target.id.as_str(), call, factory));
            defs.partials.push((call, factory));
        }
    }
    let alias_named = |e: &Expr| match e {
        Expr::Name(n) => aliases
            .iter()
            .find(|(a, _, _)| *a == n.id.as_str())
            .map(|(_, c, f)| (*c, *f)),
        _ => None,
    };
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(f) => {
                if let Some(op) = container_op_factory(model, f) {
                    defs.components.push(ComponentDef {
                        function: f,
                        site: Site::ContainerOpFactory { op },
                        component: container_op_signature(model, f, op, migration),
                    });
                    continue;
                }
                for decorator in f.decorator_list.iter().map(|d| &d.expression) {
                    let applied = applied_name(model, decorator);
                    let (site, component) =
                        if applied.as_deref().is_some_and(is_v2_component_decorator) {
                            (Site::V2, v2(f, f.name.as_str()))
                        } else if let Some(factory) = model
                            .qualified_name(0, decorator)
                            .as_deref()
                            .and_then(Factory::of)
                        {
                            let site = Site::Decorator {
                                expr: decorator,
                                factory,
                            };
                            (site, v1(f, f.name.as_str(), None))
                        } else if let Some((partial, factory)) = alias_named(decorator) {
                            let site = Site::AliasDecorator { partial };
                            (site, v1(f, f.name.as_str(), Some((partial, factory))))
                        } else {
                            continue;
                        };
                    defs.components.push(ComponentDef {
                        function: f,
                        site,
                        component,
                    });
                }
            }
            Stmt::ClassDef(class)
                if class.bases().iter().any(|b| {
                    model.qualified_name(0, b).as_deref() == Some("kfp.dsl.ContainerOp")
                }) =>
            {
                if let Some((init, op, _)) = super::op_translate::simple_subclass(model, class) {
                    let mut component = container_op_signature(model, init, op, migration);
                    component.name = class.name.to_string();
                    // `self` is not an input.
                    component.inputs.retain(|i| i.v1_name != "self");
                    defs.components.push(ComponentDef {
                        function: init,
                        site: Site::ContainerOpSubclass { op },
                        component,
                    });
                }
            }
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                let ([Expr::Name(target)], Expr::Call(call)) = (targets.as_slice(), value.as_ref())
                else {
                    continue;
                };
                let Some(function) = call
                    .arguments
                    .args
                    .first()
                    .and_then(|a| function_named(body, a))
                else {
                    continue;
                };
                let name = target.id.as_str();
                let callee = model.qualified_name(0, &call.func);
                let (site, component) = if callee.as_deref().is_some_and(is_v2_component_decorator)
                {
                    (Site::V2, v2(function, name))
                } else if let Some(factory) = callee.as_deref().and_then(Factory::of) {
                    (
                        Site::Call { call },
                        v1(function, name, Some((call, factory))),
                    )
                } else if let Some((partial, factory)) = alias_named(&call.func) {
                    (
                        Site::AliasDecorator { partial },
                        v1(function, name, Some((partial, factory))),
                    )
                } else {
                    continue;
                };
                defs.components.push(ComponentDef {
                    function,
                    site,
                    component,
                });
            }
            _ => {}
        }
    }
    defs
}

impl ComponentDef<'_> {
    /// Where KFP101 reports the rewrite of this v1 definition: the decorator, the factory callee, or the
    /// factory inside the `partial`. `None` for kfp 2 components.
    pub fn site_range(&self) -> Option<Range<usize>> {
        match &self.site {
            Site::Decorator { expr, .. } => Some(range(*expr)),
            Site::Call { call, .. } => Some(range(call.func.as_ref())),
            Site::AliasDecorator { partial } => partial.arguments.args.first().map(range),
            Site::ContainerOpFactory { op } | Site::ContainerOpSubclass { op } => {
                Some(range(op.func.as_ref()))
            }
            Site::V2 => None,
        }
    }
}

/// The module-level `def` a name refers to (the last one before use).
pub fn function_named<'a>(body: &'a [Stmt], expr: &Expr) -> Option<&'a ast::StmtFunctionDef> {
    let Expr::Name(n) = expr else { return None };
    body.iter()
        .filter_map(|s| match s {
            Stmt::FunctionDef(f) if f.name.as_str() == n.id.as_str() => Some(f),
            _ => None,
        })
        .take_while(|f| range(*f).start < range(expr).start)
        .last()
}

/// What a parameter annotation says about the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annotation {
    /// `InputPath(...)` / `OutputPath(...)`: `_path` and then `_file` are stripped from the v1 name.
    Path {
        output: bool,
    },
    /// `InputTextFile`, `OutputBinaryFile`, `InputArtifact`, …: `_file` is stripped.
    FileLike {
        output: bool,
    },
    /// kfp 2's `Input[T]` / `Output[T]`.
    Artifact {
        output: bool,
    },
    Value(ValueType),
    Missing,
}

/// Classifies a parameter annotation, resolving kfp names (`comp.InputPath('CSV')`, `InputPath()`).
pub fn classify_annotation(model: &SemanticModel, annotation: Option<&Expr>) -> Annotation {
    let Some(annotation) = annotation else {
        return Annotation::Missing;
    };
    if let Expr::Subscript(sub) = annotation
        && let Some(q) = model.qualified_name(0, &sub.value)
    {
        match q.as_str() {
            "kfp.dsl.Input" | "kfp.v2.dsl.Input" => return Annotation::Artifact { output: false },
            "kfp.dsl.Output" | "kfp.v2.dsl.Output" => return Annotation::Artifact { output: true },
            _ => {}
        }
    }
    if let Some(q) = applied_name(model, annotation)
        && q.starts_with("kfp.")
    {
        let last = q.rsplit('.').next().unwrap_or_default();
        match last {
            "InputPath" => return Annotation::Path { output: false },
            "OutputPath" => return Annotation::Path { output: true },
            "InputTextFile" | "InputBinaryFile" | "InputArtifact" => {
                return Annotation::FileLike { output: false };
            }
            "OutputTextFile" | "OutputBinaryFile" | "OutputArtifact" => {
                return Annotation::FileLike { output: true };
            }
            other => return Annotation::Value(ValueType::from_type_name(other)),
        }
    }
    match annotation {
        Expr::StringLiteral(s) => Annotation::Value(ValueType::from_type_name(s.value.to_str())),
        Expr::Name(n) => Annotation::Value(ValueType::from_type_name(n.id.as_str())),
        _ => Annotation::Value(ValueType::Other),
    }
}

/// The name callers use for a parameter: v1 strips suffixes, kfp 2 does not
/// (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/component_factory.py>).
pub fn port_name(name: &str, annotation: Annotation, naming: Naming) -> String {
    match naming {
        Naming::V1 => v1_port_name(name, annotation),
        Naming::V2 => name.to_string(),
    }
}

/// v1's name for a parameter, as kfp 1.8.22's `_extract_component_interface` makes it
/// (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/components/_python_op.py>).
pub fn v1_port_name(name: &str, annotation: Annotation) -> String {
    let mut n = name;
    if matches!(annotation, Annotation::Path { .. })
        && let Some(s) = n.strip_suffix("_path")
    {
        n = s;
    }
    if matches!(
        annotation,
        Annotation::Path { .. } | Annotation::FileLike { .. }
    ) && let Some(s) = n.strip_suffix("_file")
    {
        n = s;
    }
    n.to_string()
}

const SPECIAL_OUTPUTS: &[&str] = &["mlpipeline_ui_metadata", "mlpipeline_metrics"];

/// The interface of a function component as its callers see it before (`naming`) and after the migration.
pub fn signature(
    model: &SemanticModel,
    function: &ast::StmtFunctionDef,
    name: &str,
    naming: Naming,
    migration: Option<Applicability>,
) -> Component {
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for arg in parameters(function) {
        let param = arg.parameter.name.as_str();
        let annotation = classify_annotation(model, arg.parameter.annotation.as_deref());
        let v1_name = port_name(param, annotation, naming);
        match annotation {
            Annotation::Path { output: true }
            | Annotation::FileLike { output: true }
            | Annotation::Artifact { output: true } => outputs.push(Output {
                special: SPECIAL_OUTPUTS.contains(&v1_name.as_str()),
                v1_name,
                v2_name: param.to_string(),
                artifact: false,
            }),
            _ => inputs.push(Input {
                v1_name,
                v2_name: param.to_string(),
                kind: match annotation {
                    Annotation::Value(t) => InputKind::Value(t),
                    Annotation::Missing => InputKind::Value(ValueType::Str),
                    _ => InputKind::File,
                },
                optional: arg.default.is_some(),
            }),
        }
    }
    let (returned, outputs_known) = return_outputs(model, function.returns.as_deref());
    outputs.extend(returned.into_iter().map(|n| Output {
        v1_name: n.clone(),
        v2_name: n,
        special: false,
        artifact: false,
    }));
    Component {
        name: name.to_string(),
        inputs,
        outputs,
        outputs_known,
        migration,
        reason: RenameReason::Migration,
    }
}

/// The outputs a return annotation declares, and whether we could tell.
fn return_outputs(model: &SemanticModel, returns: Option<&Expr>) -> (Vec<String>, bool) {
    let Some(returns) = returns else {
        return (vec![], true);
    };
    match returns {
        Expr::NoneLiteral(_) => (vec![], true),
        Expr::Dict(d) => {
            let names: Option<Vec<String>> =
                d.iter_keys().map(|k| k.and_then(str_literal)).collect();
            match names {
                Some(n) => (n, true),
                None => (vec![], false),
            }
        }
        Expr::Call(c) => match named_tuple_fields(model, c) {
            Some(fields) => (fields.into_iter().map(|(n, _)| n).collect(), true),
            None => (vec!["Output".into()], true),
        },
        Expr::Name(n) if is_user_class(model, n) => (vec![], false),
        _ => (vec!["Output".into()], true),
    }
}

/// A name bound by the module itself (a class such as a `NamedTuple` subclass): outputs unknown.
fn is_user_class(model: &SemanticModel, n: &ast::ExprName) -> bool {
    matches!(model.resolve_name(0, n.id.as_str(), range(n).start),
        Some(Resolved::Binding(b)) if model.bindings[b].kind == BindingKind::Local)
}

/// The fields of `NamedTuple('Outputs', [('a', int), ...])` / `NamedTuple('Outputs', a=int)` /
/// `collections.namedtuple('Outputs', ['a', ...])`, with each field's type expression when given.
pub fn named_tuple_fields<'a>(
    model: &SemanticModel,
    call: &'a ast::ExprCall,
) -> Option<Vec<(String, Option<&'a Expr>)>> {
    let q = model.qualified_name(0, &call.func)?;
    if !matches!(
        q.as_str(),
        "typing.NamedTuple" | "collections.namedtuple" | "typing_extensions.NamedTuple"
    ) {
        return None;
    }
    let mut fields = Vec::new();
    if let Some(Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. })) =
        call.arguments.args.get(1)
    {
        for e in elts {
            match e {
                Expr::Tuple(t) if t.elts.len() == 2 => {
                    fields.push((str_literal(&t.elts[0])?, Some(&t.elts[1])))
                }
                other => fields.push((str_literal(other)?, None)),
            }
        }
    }
    for k in &call.arguments.keywords {
        fields.push((k.arg.as_ref()?.to_string(), Some(&k.value)));
    }
    Some(fields)
}

/// The range of a function's name.
pub fn def_name_range(text: &str, function: &ast::StmtFunctionDef) -> Range<usize> {
    let _ = text;
    range(&function.name)
}

/// A kfp 2 component that declares its only output as an `Output[Metrics]` (or `ClassificationMetrics`)
/// parameter it only logs to, in a shape the pythonic-artifact rewrite (KFP116) handles.
#[derive(Debug, Clone)]
pub struct PythonicOutput<'a> {
    pub param: String,
    pub arg: &'a ast::ParameterWithDefault,
    /// `Metrics` or `ClassificationMetrics`.
    pub class: &'static str,
}

/// Artifact classes whose outputs are written through methods and metadata only (no file), so returning one
/// built on `dsl.get_uri()` works on every backend.
const METADATA_ONLY_ARTIFACTS: &[&str] = &["Metrics", "ClassificationMetrics"];

/// Recognises the shape KFP116 rewrites. The same predicate decides the project index (call sites read the
/// output as `Output`) and the definition's fix, so the two never disagree.
pub fn pythonic_output<'a>(
    module: &ParsedModule,
    text: &str,
    model: &SemanticModel,
    function: &'a ast::StmtFunctionDef,
) -> Option<PythonicOutput<'a>> {
    let (candidate, class) = pythonic_candidate(model, function)?;
    let param = candidate.parameter.name.to_string();
    // Only output, no return value, no `return` anywhere in the body.
    let returns_none = function
        .returns
        .as_deref()
        .is_none_or(|r| matches!(r, Expr::NoneLiteral(_)));
    let others = parameters(function)
        .filter(|a| !std::ptr::eq(*a, candidate))
        .any(|a| {
            matches!(
                classify_annotation(model, a.parameter.annotation.as_deref()),
                Annotation::Path { output: true }
                    | Annotation::FileLike { output: true }
                    | Annotation::Artifact { output: true }
            )
        });
    if !returns_none
        || others
        || has_return(&function.body)
        || function
            .parameters
            .kwonlyargs
            .iter()
            .any(|a| std::ptr::eq(a, candidate))
    {
        return None;
    }
    // Every use is `param.<method or metadata>`; never its file (`.path`, `.uri`) or the object itself.
    let first = function.body.first()?;
    let last = function.body.last()?;
    let body = range(first).start..range(last).end;
    let tokens = module.tokens_in(body.clone());
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == TokenKind::Name && text[t.range.clone()] == *param {
            let attr = match (tokens.get(i + 1), tokens.get(i + 2)) {
                (Some(dot), Some(next)) if dot.kind == TokenKind::Dot => next,
                _ => return None,
            };
            if attr.kind == TokenKind::Name && matches!(&text[attr.range.clone()], "path" | "uri") {
                return None;
            }
        }
    }
    // The rewrite adds lines before the first and after the last statement: both must own their lines.
    let owns = |offset: usize| {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        text[line_start..offset].trim().is_empty()
    };
    if !owns(range(first).start) || module.has_comment_in(range(function).start..range(first).start)
    {
        return None;
    }
    Some(PythonicOutput {
        param,
        arg: candidate,
        class,
    })
}

/// The single `Output[Metrics]`-style parameter of a function, with its class.
pub fn pythonic_candidate<'a>(
    model: &SemanticModel,
    function: &'a ast::StmtFunctionDef,
) -> Option<(&'a ast::ParameterWithDefault, &'static str)> {
    let mut found = None;
    for arg in parameters(function) {
        if let Some(Expr::Subscript(sub)) = arg.parameter.annotation.as_deref()
            && classify_annotation(model, arg.parameter.annotation.as_deref())
                == (Annotation::Artifact { output: true })
        {
            let class = model.qualified_name(0, &sub.slice)?;
            let class = class.rsplit('.').next()?;
            let known = METADATA_ONLY_ARTIFACTS.iter().find(|c| **c == class)?;
            if found.replace((arg, *known)).is_some() {
                return None;
            }
        }
    }
    found
}

/// Whether a body contains a `return` (outside nested functions and classes).
fn has_return(body: &[Stmt]) -> bool {
    body.iter().any(|s| match s {
        Stmt::Return(_) => true,
        Stmt::If(ast::StmtIf {
            body,
            elif_else_clauses,
            ..
        }) => has_return(body) || elif_else_clauses.iter().any(|c| has_return(&c.body)),
        Stmt::For(ast::StmtFor { body, orelse, .. })
        | Stmt::While(ast::StmtWhile { body, orelse, .. }) => {
            has_return(body) || has_return(orelse)
        }
        Stmt::With(ast::StmtWith { body, .. }) => has_return(body),
        Stmt::Try(ast::StmtTry {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        }) => {
            has_return(body)
                || has_return(orelse)
                || has_return(finalbody)
                || handlers.iter().any(|h| {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    has_return(&h.body)
                })
        }
        _ => false,
    })
}
