//! KFP201: `dsl.ContainerOp` (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_container_op.py>)
//! → `@dsl.container_component` returning `dsl.ContainerSpec`
//! (<https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/container_component_decorator.py>).
//!
//! Two shapes are converted:
//! - a factory, `def echo_op(text): return dsl.ContainerOp(...)` (also under kfp 1's `@dsl.component`): the
//!   function itself becomes the container component; its parameters get annotations, `file_outputs` become
//!   `dsl.OutputPath(str)` parameters, and its callers (indexed across files) keep calling it by name;
//! - an inline construction inside a pipeline function: a module-level container component named after the
//!   op is added before the pipeline, and the construction becomes a call of it, passing every pipeline value
//!   the op used (pipeline parameters, other tasks' outputs, loop items) as a typed argument.
//!
//! `file_outputs` (fixed paths the program writes) are kept working by running the program under `sh -c` and
//! copying each fixed file to the path kfp 2 chooses afterwards (`copy_outputs_script`). What has no kfp 2
//! equivalent (sidecars, init containers, input artifact paths, most container_kwargs) leaves the fix
//! display-only, with a `# TODO(kfp-upgrade)` comment at the spot.

use crate::registry::id;
use std::ops::Range;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::{ComponentDef, Site, parameters, str_literal};
use crate::python::edits::{indentation, spell_qualified};
use crate::python::names::{BindingKind, Resolved, range};
use crate::python::op_translate::{
    NameUse, OpCall, Param, Translator, copy_outputs_script, identifier_from, python_str,
};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::visit::{self, Visitor};

const RULE: &str = id::KFP201;

/// Options that need a human, with what to say in the TODO comment.
fn unsupported_option(name: &str) -> Option<&'static str> {
    Some(match name {
        "sidecars" => {
            "sidecars have no kfp 2 equivalent: run the sidecar's work in its own task or in the main container"
        }
        "init_containers" => {
            "init containers have no kfp 2 equivalent: run the init step as a task before this one"
        }
        "artifact_argument_paths" => {
            "pass the artifact as a `dsl.Input[dsl.Artifact]` parameter and use its `.path` (kfp 2 chooses the path; copy it if the program needs a fixed one)"
        }
        _ => return None,
    })
}

/// The pieces of a converted op.
struct Spec<'a> {
    image: String,
    command: Option<String>,
    args: Option<String>,
    /// `(name, fixed path)` of each v1 file output.
    outputs: Vec<(String, String)>,
    params: Vec<Param>,
    /// `.set_env_variable(name, value)` calls for the task (from `container_kwargs={'env': [...]}`).
    env: Vec<(String, String)>,
    /// `pvolumes={'/mnt': vop.volume}`: mounted on the task with kfp-kubernetes.
    pvolumes: Option<&'a Expr>,
    /// Reasons the conversion needs a human; non-empty makes the fix display-only.
    todos: Vec<String>,
}

/// Module-level factories (`def f(...): return dsl.ContainerOp(...)`).
pub fn check_factories(checker: &mut Checker) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let factories: Vec<ComponentDef> = checker
        .defs
        .components
        .iter()
        .filter(|d| matches!(d.site, Site::ContainerOpFactory { .. }))
        .cloned()
        .collect();
    for def in factories {
        let Site::ContainerOpFactory { op } = def.site else {
            continue;
        };
        let function = def.function;
        let params: Vec<&ast::ParameterWithDefault> = parameters(function).collect();
        let spec = translate_definition(checker, function.name.as_str(), &params, op, 0);
        let fix = spec
            .as_ref()
            .ok()
            .and_then(|spec| factory_fix(checker, function, op, spec));
        report(
            checker,
            rule,
            op,
            spec.as_ref().map_err(String::as_str),
            fix,
            function.name.as_str(),
        );
    }
}

/// `class MyOp(dsl.ContainerOp)` with only an `__init__` that calls the base: the class becomes a container
/// component of the same name, so callers keep writing `MyOp(...)`. Other subclasses are reported.
pub fn check_subclasses(checker: &mut Checker) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    for stmt in &checker.module.body {
        let Stmt::ClassDef(class) = stmt else {
            continue;
        };
        let Some(base) = class
            .bases()
            .iter()
            .find(|b| checker.model.qualified_name(0, b).as_deref() == Some("kfp.dsl.ContainerOp"))
        else {
            continue;
        };
        let Some((init, op, skip)) =
            crate::python::op_translate::simple_subclass(&checker.model, class)
        else {
            let d = Diagnostic::new(
                rule.code,
                range(base),
                rule.message_with(&[(
                    "details",
                    &format!(
                        " (no automatic fix for the subclass `{}`: write a `@dsl.container_component` function with its `__init__` parameters and return the `dsl.ContainerSpec` of its `super().__init__(...)` call)",
                        class.name
                    ),
                )]),
            )
            .with_fix_title(rule.fix_title.clone());
            checker.diagnostics.push(d);
            continue;
        };
        let params: Vec<&ast::ParameterWithDefault> = parameters(init).skip(1).collect();
        let spec = translate_definition(checker, class.name.as_str(), &params, op, skip);
        let fix = spec
            .as_ref()
            .ok()
            .and_then(|spec| subclass_fix(checker, stmt, class, &params, spec))
            .map(|fix| {
                let mut edits = fix.edits;
                edits.extend(display_names(
                    checker,
                    class.name.as_str(),
                    OpCall::read_skipping(op, skip),
                ));
                Fix::new(fix.applicability, edits)
            });
        report(
            checker,
            rule,
            op,
            spec.as_ref().map_err(String::as_str),
            fix,
            class.name.as_str(),
        );
    }
}

/// The class statement replaced by `@dsl.container_component def ClassName(params): return dsl.ContainerSpec(...)`.
fn is_docstring(stmt: &Stmt) -> bool {
    crate::python::op_translate::is_docstring(stmt)
}

fn subclass_fix(
    checker: &Checker,
    stmt: &Stmt,
    class: &ast::StmtClassDef,
    params: &[&ast::ParameterWithDefault],
    spec: &Spec,
) -> Option<Fix> {
    if !spec.env.is_empty() || spec.pvolumes.is_some() || checker.module.has_comment_in(range(stmt))
    {
        return None;
    }
    if !class.decorator_list.is_empty() || !class.keywords().is_empty() || class.bases().len() != 1
    {
        return None;
    }
    let (decorator, import) = spell_qualified(checker, "kfp.dsl.container_component")?;
    let inferred = infer_parameter_types(checker, class.name.as_str(), params);
    let mut declared: Vec<String> = Vec::new();
    let mut with_defaults: Vec<String> = Vec::new();
    for (arg, t) in params.iter().zip(inferred) {
        let annotation = annotation_text(checker, arg, t);
        match arg.default.as_deref() {
            Some(d) => with_defaults.push(format!(
                "{}: {annotation} = {}",
                arg.parameter.name,
                checker.text(range(d))
            )),
            None => declared.push(format!("{}: {annotation}", arg.parameter.name)),
        }
    }
    declared.extend(output_params(checker, spec, &OutputKinds::default())?);
    declared.extend(with_defaults);
    let eol = checker.source.line_ending();
    let docstring = class
        .body
        .first()
        .filter(|s| is_docstring(s))
        .map(|s| format!("    {}{eol}", checker.text(range(s))))
        .unwrap_or_default();
    let text = format!(
        "@{decorator}{eol}def {}({}):{eol}{docstring}    return {}",
        class.name,
        declared.join(", "),
        container_spec(checker, spec, "    ", &OutputKinds::default())?
    );
    let mut edits = vec![Edit::replace(range(stmt), text)];
    edits.extend(import);
    Some(Fix::new(applicability(spec), edits))
}

/// An inline `dsl.ContainerOp(...)` anywhere but as a factory's return value.
pub fn check_call(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    callee: &str,
) {
    if callee != "kfp.dsl.ContainerOp" {
        return;
    }
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    if checker
        .defs
        .components
        .iter()
        .any(|d| matches!(d.site, Site::ContainerOpFactory { op } if std::ptr::eq(op, call)))
    {
        return;
    }
    // `super().__init__(...)` in a subclass is reported at the class; `ContainerOp.__init__(self, ...)` too.
    if checker
        .functions
        .last()
        .is_some_and(|f| f.name.as_str() == "__init__")
    {
        return;
    }
    let Some(pipeline) = checker.functions.last().copied() else {
        report(
            checker,
            rule,
            call,
            Err("it is not inside a function"),
            None,
            "",
        );
        return;
    };
    let spec = translate(checker, call, |n| pipeline_name(checker, pipeline, n));
    let fix = spec
        .as_ref()
        .ok()
        .and_then(|spec| inline_fix(checker, call, call_range, spec));
    report(
        checker,
        rule,
        call,
        spec.as_ref().map_err(String::as_str),
        fix,
        "",
    );
}

fn report(
    checker: &mut Checker,
    rule: &'static crate::registry::Rule,
    op: &ast::ExprCall,
    spec: Result<&Spec, &str>,
    fix: Option<Fix>,
    factory: &str,
) {
    let mut details = match (spec, factory) {
        (Err(why), _) => format!(" (no automatic fix: {why})"),
        (Ok(_), "") => String::new(),
        (Ok(_), f) => format!(" (the factory `{f}` becomes the component)"),
    };
    if let Ok(spec) = spec
        && !spec.todos.is_empty()
    {
        details.push_str(&format!(
            "; the conversion is shown, not applied: {}",
            spec.todos.join("; ")
        ));
    }
    let d = Diagnostic::new(
        rule.code,
        range(op.func.as_ref()),
        rule.message_with(&[("details", &details)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// Translates the op of a definition (factory or subclass) whose own parameters are the component's: they stay
/// as they are, other names must be module-level. Callers passing a parameter different types is a failure.
fn translate_definition<'a>(
    checker: &Checker,
    name: &str,
    params: &[&ast::ParameterWithDefault],
    op: &'a ast::ExprCall,
    skip: usize,
) -> Result<Spec<'a>, String> {
    if let Some(why) = type_conflict(checker, name, params) {
        return Err(why);
    }
    translate_op(checker, op, skip, |n| {
        if params
            .iter()
            .any(|p| p.parameter.name.as_str() == n.id.as_str())
        {
            NameUse::Param("str".into())
        } else {
            module_level(checker, n)
        }
    })
}

/// A name that is usable inside a module-level function as written, or nothing.
fn module_level(checker: &Checker, n: &ast::ExprName) -> NameUse {
    match checker.resolve(n.id.as_str(), range(n).start) {
        None => NameUse::Keep,
        Some(Resolved::Star(_)) => NameUse::Keep,
        Some(Resolved::Binding(b)) => {
            let binding = &checker.model.bindings[b];
            if binding.scope == 0 || binding.kind != BindingKind::Local {
                NameUse::Keep
            } else {
                NameUse::Unsupported
            }
        }
    }
}

/// A name used by an op inside a pipeline function: module-level names stay, the pipeline's parameters and
/// its other local values (loop items, task variables) become parameters.
fn pipeline_name(checker: &Checker, pipeline: &ast::StmtFunctionDef, n: &ast::ExprName) -> NameUse {
    match module_level(checker, n) {
        NameUse::Keep => NameUse::Keep,
        _ if matches!(
            checker.resolve(n.id.as_str(), range(n).start),
            Some(Resolved::Binding(b)) if checker.loop_variables.contains(&b)
        ) =>
        {
            NameUse::PythonValue
        }
        _ => {
            let annotation = parameters(pipeline)
                .find(|a| a.parameter.name.as_str() == n.id.as_str())
                .and_then(|a| a.parameter.annotation.as_deref())
                .map(|a| builtin_annotation(checker.text(range(a))))
                .unwrap_or("str");
            NameUse::Param(annotation.to_string())
        }
    }
}

/// The builtin type a pipeline parameter's annotation stands for (kfp 2 container components take these).
fn builtin_annotation(annotation: &str) -> &'static str {
    match annotation.trim().trim_matches(['\'', '"']) {
        "int" | "Integer" => "int",
        "float" | "Float" => "float",
        "bool" | "Bool" | "Boolean" => "bool",
        "dict" | "JsonObject" => "dict",
        "list" | "JsonArray" => "list",
        _ => "str",
    }
}

/// Reads the op and translates its values.
fn translate<'a>(
    checker: &Checker,
    op: &'a ast::ExprCall,
    classify: impl Fn(&ast::ExprName) -> NameUse,
) -> Result<Spec<'a>, String> {
    translate_op(checker, op, 0, classify)
}

/// `translate`, skipping `skip` leading positional arguments (`self` in `dsl.ContainerOp.__init__(self, ...)`).
fn translate_op<'a>(
    checker: &Checker,
    op: &'a ast::ExprCall,
    skip: usize,
    classify: impl Fn(&ast::ExprName) -> NameUse,
) -> Result<Spec<'a>, String> {
    let read = OpCall::read_skipping(op, skip);
    if let Some(u) = read.unknown.first() {
        return Err(format!(
            "`{u}` is not a `ContainerOp` argument kfp-upgrade can read"
        ));
    }
    let concat = spell_qualified(checker, "kfp.dsl.ConcatPlaceholder")
        .map(|(s, _)| s)
        .ok_or("the name `dsl` is taken")?;
    let mut t = Translator {
        text: &checker.source.text,
        classify_name: classify,
        task_output: |e: &Expr| task_output(checker, e),
        concat,
        params: Vec::new(),
    };
    let image = match read.get("image") {
        Some(e) if str_literal(e).is_some() => checker.text(range(e)).to_string(),
        Some(Expr::Name(n)) if (t.classify_name)(n) == NameUse::Keep => n.id.to_string(),
        Some(_) => {
            return Err(
                "the image is computed in the pipeline (use `task.set_container_image(...)`)"
                    .into(),
            );
        }
        None => return Err("it has no image".into()),
    };
    let command = read.get("command").map(|e| t.list(e)).transpose()?;
    let args = read.get("arguments").map(|e| t.list(e)).transpose()?;
    let outputs = read.file_outputs()?;
    let mut todos = Vec::new();
    let mut env = Vec::new();
    let mut pvolumes = None;
    for (name, value) in &read.args {
        if let Some(todo) = unsupported_option(name) {
            if !is_empty_value(value) {
                todos.push(todo.to_string());
            }
        } else if *name == "container_kwargs" {
            env.extend(container_env(checker, value, &mut todos));
        } else if *name == "pvolumes" && !is_empty_value(value) {
            if super::volumes::mount_pvolumes(checker, "task", value).is_some() {
                pvolumes = Some(*value);
            } else {
                todos.push("mount the volume with `kubernetes.mount_pvc(task, pvc_name=..., mount_path=...)` and order the task with `.after(...)` where the volume came from another op".into());
            }
        }
    }
    for (name, _) in &outputs {
        if name == "mlpipeline-ui-metadata" || name == "mlpipeline-metrics" {
            todos.push(format!(
                "the `{name}` file output is no longer rendered by the UI: write the metrics or the page from a Python component with `dsl.Output[dsl.Metrics]` / `dsl.Output[dsl.HTML]` / `dsl.Output[dsl.Markdown]`"
            ));
        }
    }
    if !outputs.is_empty() && command.is_none() {
        return Err("`file_outputs` with the image's own entrypoint: set `command=` so the outputs can be copied after it runs".into());
    }
    Ok(Spec {
        image,
        command,
        args,
        outputs,
        params: t.params,
        env,
        pvolumes,
        todos,
    })
}

fn is_empty_value(e: &Expr) -> bool {
    match e {
        Expr::List(l) => l.elts.is_empty(),
        Expr::Dict(d) => d.items.is_empty(),
        Expr::NoneLiteral(_) => true,
        Expr::BooleanLiteral(b) => !b.value,
        _ => false,
    }
}

/// `container_kwargs={'env': [V1EnvVar(name=..., value=...)]}` → `(name, value)` pairs; anything else is a TODO.
fn container_env(
    checker: &Checker,
    value: &Expr,
    todos: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut env = Vec::new();
    let Expr::Dict(d) = value else {
        todos.push("`container_kwargs` is not a dict literal".into());
        return env;
    };
    for item in &d.items {
        let (k, v) = (&item.key, &item.value);
        let key = k.as_ref().and_then(str_literal);
        let items = match (key.as_deref(), v) {
            (Some("env"), Expr::List(l)) => &l.elts,
            _ => {
                todos.push(format!(
                    "`container_kwargs` {} has no kfp 2 equivalent",
                    key.map_or("entry".into(), |k| format!("`{k}`"))
                ));
                continue;
            }
        };
        for item in items {
            if let Expr::Call(c) = item
                && let Some(v) = c.arguments.args.get(1).or_else(|| {
                    c.arguments.keywords.iter().find_map(|k| {
                        (k.arg.as_ref().map(|a| a.as_str()) == Some("value")).then_some(&k.value)
                    })
                })
                && super::env_variable::uses_pipeline_value(checker, v)
            {
                todos.push(format!(
                    "kfp 2 cannot set `{}` from the pipeline value `{}` (`set_env_variable` takes a plain string): pass it to the component as an input",
                    checker.text(range(item)),
                    checker.text(range(v))
                ));
                continue;
            }
            match env_var(checker, item) {
                Some(pair) => env.push(pair),
                None => todos.push(format!(
                    "set `{}` with `task.set_env_variable(name, value)` or a kfp-kubernetes env helper",
                    checker.text(range(item))
                )),
            }
        }
    }
    env
}

/// `V1EnvVar(name='X', value='y')` → `('X', 'y')` as source text.
fn env_var(checker: &Checker, e: &Expr) -> Option<(String, String)> {
    let Expr::Call(c) = e else { return None };
    let callee = checker.qualified_name(&c.func)?;
    if !callee.ends_with("V1EnvVar") {
        return None;
    }
    let mut name = c.arguments.args.first();
    let mut value = c.arguments.args.get(1);
    for k in &c.arguments.keywords {
        match k.arg.as_ref().map(|a| a.as_str()) {
            Some("name") => name = Some(&k.value),
            Some("value") => value = Some(&k.value),
            _ => return None,
        }
    }
    let (name, value) = (name?, value?);
    Some((
        checker.text(range(name)).to_string(),
        checker.text(range(value)).to_string(),
    ))
}

/// `x.output` / `x.outputs['key']` on a task variable of the pipeline: the parameter it becomes.
fn task_output(checker: &Checker, e: &Expr) -> Option<(String, String)> {
    let (base, key) = match e {
        Expr::Attribute(a) if a.attr.as_str() == "output" => {
            (a.value.as_ref(), "output".to_string())
        }
        Expr::Subscript(s) => match s.value.as_ref() {
            Expr::Attribute(a) if a.attr.as_str() == "outputs" => {
                (a.value.as_ref(), str_literal(&s.slice)?)
            }
            _ => return None,
        },
        _ => return None,
    };
    let Expr::Name(n) = base else { return None };
    // A task is a local variable of the pipeline; a module-level object with `.output` is something else.
    if module_level(checker, n) == NameUse::Keep {
        return None;
    }
    Some((
        identifier_from(&format!("{}_{}", n.id, key)),
        "str".to_string(),
    ))
}

/// The `dsl.ContainerSpec(...)` text, with the copy wrapper when there are file outputs.
fn container_spec(
    checker: &Checker,
    spec: &Spec,
    indent: &str,
    kinds: &OutputKinds,
) -> Option<String> {
    let (container_spec, _) = spell_qualified(checker, "kfp.dsl.ContainerSpec")?;
    let eol = checker.source.line_ending();
    let inner = format!("{indent}    ");
    let mut lines = vec![format!("{inner}image={},", spec.image)];
    let command = if spec.outputs.is_empty() {
        spec.command.clone()
    } else {
        let fixed: Vec<String> = spec.outputs.iter().map(|(_, p)| p.clone()).collect();
        let script = python_str(&copy_outputs_script(&fixed));
        // An artifact output's file is its `.path`; a parameter output is its own placeholder.
        let names: Vec<String> = spec
            .outputs
            .iter()
            .map(|(n, _)| {
                if kinds.artifacts.contains(n) {
                    format!("{n}.path")
                } else {
                    n.clone()
                }
            })
            .collect();
        let original = spec.command.as_deref().unwrap_or("[]");
        let original = original
            .strip_prefix('[')
            .and_then(|o| o.strip_suffix(']'))
            .unwrap_or(original);
        // `sh -c SCRIPT OUT... COMMAND...`: the script saves the output paths, runs the original command
        // with the arguments, then copies each fixed file to its output path.
        Some(format!(
            "['sh', '-c', {script}, {}, {original}]",
            names.join(", ")
        ))
    };
    if let Some(c) = command {
        lines.push(format!("{inner}command={c},"));
    }
    if let Some(a) = &spec.args {
        lines.push(format!("{inner}args={a},"));
    }
    for todo in &spec.todos {
        lines.push(format!("{inner}# TODO(kfp-upgrade): {todo}"));
    }
    Some(format!(
        "{container_spec}({eol}{}{eol}{indent})",
        lines.join(eol)
    ))
}

/// The output parameters' declarations.
/// How the consumers of an inline op's file outputs use them.
#[derive(Debug, Default)]
struct OutputKinds {
    /// Iterated by a `dsl.ParallelFor`: `dsl.OutputPath(list)` (kfp 2 cannot iterate over a string).
    lists: Vec<String>,
    /// Passed to a file input (`InputPath`, `Input[...]`): `dsl.Output[dsl.Artifact]`.
    artifacts: Vec<String>,
}

/// The output parameters' declarations: `dsl.OutputPath(str)` by default.
fn output_params(checker: &Checker, spec: &Spec, kinds: &OutputKinds) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for (name, _) in &spec.outputs {
        if kinds.artifacts.contains(name) {
            let (output, _) = spell_qualified(checker, "kfp.dsl.Output")?;
            let (artifact, _) = spell_qualified(checker, "kfp.dsl.Artifact")?;
            out.push(format!("{name}: {output}[{artifact}]"));
        } else {
            let (output_path, _) = spell_qualified(checker, "kfp.dsl.OutputPath")?;
            let t = if kinds.lists.contains(name) {
                "list"
            } else {
                "str"
            };
            out.push(format!("{name}: {output_path}({t})"));
        }
    }
    Some(out)
}

/// How the enclosing function uses the outputs of the op assigned to `var`: iterated by a `dsl.ParallelFor`,
/// or passed to a file input of a known component (`count(data=op.outputs['data'])` with
/// `data_path: InputPath()`).
fn output_kinds(checker: &Checker, var: &str, spec: &Spec) -> OutputKinds {
    struct Uses<'c, 'a> {
        checker: &'c Checker<'a>,
        var: &'c str,
        /// The key `var.output` means (the only output).
        single: Option<String>,
        kinds: OutputKinds,
    }
    impl Uses<'_, '_> {
        /// The output key an expression reads from `var`.
        fn key(&self, e: &Expr) -> Option<String> {
            let is_var = |v: &Expr| matches!(v, Expr::Name(n) if n.id.as_str() == self.var);
            match e {
                Expr::Attribute(a) if a.attr.as_str() == "output" && is_var(&a.value) => {
                    self.single.clone()
                }
                Expr::Subscript(s) => match s.value.as_ref() {
                    Expr::Attribute(a) if a.attr.as_str() == "outputs" && is_var(&a.value) => {
                        str_literal(&s.slice)
                    }
                    _ => None,
                },
                _ => None,
            }
        }
    }
    impl<'e> Visitor<'e> for Uses<'_, '_> {
        fn visit_expr(&mut self, expr: &'e Expr) {
            if let Expr::Call(c) = expr {
                if self.checker.qualified_name(&c.func).as_deref() == Some("kfp.dsl.ParallelFor") {
                    let items = c.arguments.args.first().or_else(|| {
                        c.arguments
                            .keywords
                            .iter()
                            .find(|k| {
                                k.arg.as_ref().is_some_and(|a| {
                                    a.as_str() == "loop_args" || a.as_str() == "items"
                                })
                            })
                            .map(|k| &k.value)
                    });
                    let key = items.and_then(|i| self.key(i));
                    self.kinds.lists.extend(key);
                } else if let Some(component) = self.checker.component_named(&c.func) {
                    let positional = c.arguments.args.iter().zip(component.inputs.iter());
                    let keywords = c.arguments.keywords.iter().filter_map(|k| {
                        let name = k.arg.as_ref()?.as_str();
                        Some((&k.value, component.input_by_name(name)?))
                    });
                    for (value, input) in positional.chain(keywords) {
                        if input.kind == crate::components::InputKind::File
                            && let Some(key) = self.key(value)
                        {
                            self.kinds.artifacts.push(key);
                        }
                    }
                }
            }
            visit::walk_expr(self, expr);
        }
    }
    let Some(f) = checker.functions.last().copied() else {
        return OutputKinds::default();
    };
    let single = match spec.outputs.as_slice() {
        [(name, _)] => Some(name.clone()),
        _ => None,
    };
    let mut uses = Uses {
        checker,
        var,
        single,
        kinds: OutputKinds::default(),
    };
    uses.visit_body(&f.body);
    uses.kinds
}

fn applicability(spec: &Spec) -> Applicability {
    if spec.todos.is_empty() {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    }
}

/// Rewrites a factory in place: decorator, annotations, output parameters, `return dsl.ContainerSpec(...)`.
fn factory_fix(
    checker: &Checker,
    function: &ast::StmtFunctionDef,
    op: &ast::ExprCall,
    spec: &Spec,
) -> Option<Fix> {
    if !spec.env.is_empty() || spec.pvolumes.is_some() {
        // Environment variables and volumes are set per task; a factory has no task to set them on.
        return None;
    }
    let (decorator, import) = spell_qualified(checker, "kfp.dsl.container_component")?;
    let mut edits: Vec<Edit> = Vec::new();
    // kfp 1's `@dsl.component` wrapper is replaced; otherwise the decorator goes on the `def` line.
    let v1_wrapper = function
        .decorator_list
        .iter()
        .map(|d| &d.expression)
        .find(|d| {
            crate::python::components::applied_name(&checker.model, d).as_deref()
                == Some("kfp.dsl.component")
        });
    match v1_wrapper {
        Some(d) => edits.push(Edit::replace(range(d), decorator)),
        None => {
            let def_line =
                crate::python::components::def_name_range(&checker.source.text, function);
            let line_start = checker.source.line_range(def_line.start).start;
            let indent = indentation(checker.source, def_line.start);
            edits.push(Edit::insert(
                line_start,
                format!("{indent}@{decorator}{}", checker.source.line_ending()),
            ));
        }
    }
    // Unannotated parameters get the type every caller in this module agrees on (kfp 2 checks argument
    // types), else `str`, which is what kfp 1 passed.
    let params: Vec<&ast::ParameterWithDefault> = parameters(function).collect();
    let inferred = infer_parameter_types(checker, function.name.as_str(), &params);
    for (i, arg) in parameters(function).enumerate() {
        if arg.parameter.annotation.is_none() {
            let name_end = range(&arg.parameter).end;
            let t = match inferred.get(i) {
                Some(Inferred::Known(t)) => *t,
                Some(Inferred::Conflict) => return None,
                _ => "str",
            };
            match arg.default.as_deref() {
                Some(d) if checker.text(name_end..range(d).start).trim() == "=" => {
                    edits.push(Edit::replace(name_end..range(d).start, format!(": {t} = ")))
                }
                _ => edits.push(Edit::insert(name_end, format!(": {t}"))),
            }
        }
    }
    // Output parameters go before the first parameter with a default (they have none).
    let outputs = output_params(checker, spec, &OutputKinds::default())?;
    if !outputs.is_empty() {
        let params: Vec<&ast::ParameterWithDefault> = parameters(function).collect();
        if function.parameters.vararg.is_some()
            || function.parameters.kwarg.is_some()
            || !function.parameters.kwonlyargs.is_empty()
        {
            return None;
        }
        let text = outputs.join(", ");
        let edit = match params.iter().find(|a| a.default.is_some()) {
            Some(first_default) => {
                Edit::insert(range(&first_default.parameter).start, format!("{text}, "))
            }
            None => match params.last() {
                Some(last) => {
                    let end = last
                        .default
                        .as_deref()
                        .map_or(range(&last.parameter).end, |d| range(d).end);
                    Edit::insert(end, format!(", {text}"))
                }
                None => {
                    let name =
                        crate::python::components::def_name_range(&checker.source.text, function);
                    let open = checker.source.text[name.end..].find('(')? + name.end;
                    Edit::insert(open + 1, text)
                }
            },
        };
        edits.push(edit);
    }
    // `-> dsl.ContainerOp`: a container component returns its spec, and the name is gone in kfp 2.
    if let Some(returns) = function.returns.as_deref() {
        let close = crate::python::handlers::components::output_artifact_parameter::closing_paren(
            checker, function,
        )?;
        edits.push(Edit::delete(close + 1..range(returns).end));
    }
    let indent = indentation(checker.source, range(op).start).to_string();
    edits.push(Edit::replace(
        range(op),
        container_spec(checker, spec, &indent, &OutputKinds::default())?,
    ));
    edits.extend(import);
    edits.extend(display_names(
        checker,
        function.name.as_str(),
        OpCall::read(op),
    ));
    if checker.module.has_comment_in(range(op)) {
        return None;
    }
    Some(Fix::new(applicability(spec), edits))
}

/// `.set_display_name('<v1 name>')` after each call of a factory (or subclass) in this module: kfp 2 names the task after
/// the function, v1 after the op's `name=`, which the UI shows.
fn display_names(checker: &Checker, function: &str, op: OpCall) -> Vec<Edit> {
    let Some(display) = op.get("name").and_then(str_literal) else {
        return Vec::new();
    };
    if display.replace('-', "_") == function {
        return Vec::new();
    }
    let mut finder = CallFinder {
        name: function,
        enclosing: Vec::new(),
        calls: Vec::new(),
    };
    finder.visit_body(&checker.module.body);
    finder
        .calls
        .iter()
        .filter(|(call, _)| {
            matches!(checker.resolve(function, range(*call).start),
                Some(Resolved::Binding(b)) if checker.model.bindings[b].scope == 0)
        })
        .map(|(call, _)| {
            Edit::insert(
                range(*call).end,
                format!(".set_display_name({})", python_str(&display)),
            )
        })
        .collect()
}

/// The type each parameter of a factory receives at every call in this module, when they all agree: literal
/// numbers and booleans, strings, and parameters of the calling pipeline with a builtin annotation.
fn infer_parameter_types(
    checker: &Checker,
    name: &str,
    params: &[&ast::ParameterWithDefault],
) -> Vec<Inferred> {
    let mut finder = CallFinder {
        name,
        enclosing: Vec::new(),
        calls: Vec::new(),
    };
    finder.visit_body(&checker.module.body);
    // The default is a vote too: `times=1` must stay an `int` for `= 1` to compile.
    let mut types: Vec<Inferred> = params
        .iter()
        .map(|a| {
            a.default
                .as_deref()
                .and_then(|d| argument_type(checker, d, None))
                .map_or(Inferred::Unknown, Inferred::Known)
        })
        .collect();
    for (call, enclosing) in finder.calls {
        let args = call
            .arguments
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| (Some(i), a));
        let keywords = call.arguments.keywords.iter().map(|k| {
            (
                k.arg.as_ref().and_then(|a| {
                    params
                        .iter()
                        .position(|p| p.parameter.name.as_str() == a.as_str())
                }),
                &k.value,
            )
        });
        for (i, value) in args.chain(keywords) {
            let Some(i) = i.filter(|i| *i < params.len()) else {
                continue;
            };
            // Values whose type is not evident (a loop item, an output) do not vote.
            if let Some(t) = argument_type(checker, value, enclosing) {
                types[i] = match types[i] {
                    Inferred::Unknown => Inferred::Known(t),
                    Inferred::Known(prev) if prev == t => Inferred::Known(t),
                    _ => Inferred::Conflict,
                };
            }
        }
    }
    types
}

/// Why a factory cannot be typed: a parameter its callers pass different types to.
fn type_conflict(
    checker: &Checker,
    name: &str,
    params: &[&ast::ParameterWithDefault],
) -> Option<String> {
    infer_parameter_types(checker, name, params)
        .iter()
        .zip(params)
        .find(|(t, a)| a.parameter.annotation.is_none() && **t == Inferred::Conflict)
        .map(|(_, a)| {
            format!(
                "callers pass `{}` values of different types, and kfp 2 checks them: annotate it and make the callers agree",
                a.parameter.name
            )
        })
}

/// A parameter's annotation for the container component: its own, else the type the callers agree on,
/// else `str` (what kfp 1 passed).
fn annotation_text(
    checker: &Checker,
    arg: &ast::ParameterWithDefault,
    inferred: Inferred,
) -> String {
    match arg.parameter.annotation.as_deref() {
        Some(a) => checker.text(range(a)).to_string(),
        None => match inferred {
            Inferred::Known(t) => t.to_string(),
            _ => "str".to_string(),
        },
    }
}

/// What the callers of a factory say about one parameter's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inferred {
    Unknown,
    Known(&'static str),
    /// Callers pass different types: no single annotation fits them all.
    Conflict,
}

/// The builtin type of an argument expression, when it is evident.
fn argument_type(
    checker: &Checker,
    e: &Expr,
    enclosing: Option<&ast::StmtFunctionDef>,
) -> Option<&'static str> {
    match e {
        Expr::StringLiteral(_) | Expr::NumberLiteral(_) | Expr::BooleanLiteral(_) => {
            crate::python::literals::scalar_type(e)
        }
        Expr::UnaryOp(u) if crate::python::literals::is_constant(&u.operand) => {
            argument_type(checker, &u.operand, enclosing)
        }
        Expr::Name(n) => {
            let f = enclosing?;
            let annotation = parameters(f)
                .find(|a| a.parameter.name.as_str() == n.id.as_str())?
                .parameter
                .annotation
                .as_deref()?;
            Some(builtin_annotation(checker.text(range(annotation))))
        }
        Expr::FString(_) => Some("str"),
        _ => None,
    }
}

/// Calls of a module-level name, with the function each call is in.
struct CallFinder<'a, 'n> {
    name: &'n str,
    enclosing: Vec<&'a ast::StmtFunctionDef>,
    calls: Vec<(&'a ast::ExprCall, Option<&'a ast::StmtFunctionDef>)>,
}

impl<'a> Visitor<'a> for CallFinder<'a, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::FunctionDef(f) = stmt {
            self.enclosing.push(f);
            visit::walk_stmt(self, stmt);
            self.enclosing.pop();
        } else {
            visit::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(c) = expr
            && matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == self.name)
        {
            self.calls.push((c, self.enclosing.last().copied()));
        }
        visit::walk_expr(self, expr);
    }
}

/// Adds a module-level container component before the enclosing top-level statement and calls it in place
/// of the op.
fn inline_fix(
    checker: &Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    spec: &Spec,
) -> Option<Fix> {
    if checker.module.has_comment_in(call_range.clone()) {
        return None;
    }
    let top = checker.top_level?;
    let read = OpCall::read(call);
    let op_name = read.get("name").and_then(str_literal);
    let base = op_name
        .as_deref()
        .map_or_else(|| "container_op".to_string(), identifier_from);
    let name = unique_name(checker, &base);
    let (decorator, import) = spell_qualified(checker, "kfp.dsl.container_component")?;
    let eol = checker.source.line_ending();
    let mut params: Vec<String> = spec
        .params
        .iter()
        .map(|p| format!("{}: {}", p.name, p.annotation))
        .collect();
    let kinds = checker
        .assign_target
        .as_ref()
        .filter(|(_, value)| *value == call_range)
        .map(|(var, _)| output_kinds(checker, var, spec))
        .unwrap_or_default();
    params.extend(output_params(checker, spec, &kinds)?);
    let body = container_spec(checker, spec, "    ", &kinds)?;
    let component = format!(
        "@{decorator}{eol}def {name}({}):{eol}    return {body}{eol}{eol}{eol}",
        params.join(", ")
    );
    let top_start = match top {
        Stmt::FunctionDef(f) => f
            .decorator_list
            .iter()
            .map(|d| range(d).start)
            .chain([range(top).start])
            .min()
            .unwrap_or(range(top).start),
        _ => range(top).start,
    };
    let insert_at = checker.source.line_range(top_start).start;
    // The call: keyword arguments for the values, then the task settings v1 passed to the constructor.
    let arguments: Vec<String> = spec
        .params
        .iter()
        .map(|p| format!("{}={}", p.name, p.argument))
        .collect();
    let mut replacement = format!("{name}({})", arguments.join(", "));
    if let Some(display) = &op_name
        && display.replace('-', "_") != name
    {
        replacement.push_str(&format!(".set_display_name({})", python_str(display)));
    }
    for (n, v) in &spec.env {
        replacement.push_str(&format!(".set_env_variable({n}, {v})"));
    }
    let mut mount_import = None;
    if let Some(pvolumes) = spec.pvolumes {
        let (mounted, import) = super::volumes::mount_pvolumes(checker, &replacement, pvolumes)?;
        replacement = mounted;
        mount_import = import;
    }
    let mut edits = vec![
        Edit::stacked_insert(insert_at, component),
        Edit::replace(call_range, replacement),
    ];
    edits.extend(import);
    edits.extend(mount_import);
    Some(Fix::new(
        applicability(spec),
        crate::python::edits::merged(edits),
    ))
}

/// Names a new module-level function must not take: Python keywords and the builtins a pipeline file is
/// likely to use (shadowing `print` or `list` would break other code).
const RESERVED: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "dir",
    "enumerate",
    "filter",
    "float",
    "format",
    "hash",
    "id",
    "input",
    "int",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "open",
    "print",
    "range",
    "repr",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "type",
    "vars",
    "zip",
    "dsl",
    "kfp",
    "kubernetes",
];

/// `base`, else `base_op` (reserved names, and op names a pipeline variable already uses, as in
/// `flip = dsl.ContainerOp(name='flip', ...)`), then `base_op_2`, `base_op_3`, ….
fn unique_name(checker: &Checker, base: &str) -> String {
    let free = |n: &str| !RESERVED.contains(&n) && !checker.model.is_bound_anywhere(n);
    if free(base) {
        return base.to_string();
    }
    let op = format!("{base}_op");
    if free(&op) {
        return op;
    }
    (2..)
        .map(|i| format!("{op}_{i}"))
        .find(|n| free(n))
        .unwrap_or(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_annotations() {
        assert_eq!(builtin_annotation("int"), "int");
        assert_eq!(builtin_annotation("'Integer'"), "int");
        assert_eq!(builtin_annotation("GCSPath"), "str");
    }
}
