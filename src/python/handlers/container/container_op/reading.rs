//! KFP201: Reading an op for its conversion: the definition's parameters and the pipeline values an inline op uses, and its environment.

use super::*;

/// Translates the op of a definition (factory or subclass) whose own parameters are the component's: they stay
/// as they are, other names must be module-level. Callers passing a parameter different types is a failure.
pub(super) fn translate_definition<'a>(
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
pub(super) fn module_level(checker: &Checker, n: &ast::ExprName) -> NameUse {
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
pub(super) fn pipeline_name(
    checker: &Checker,
    pipeline: &ast::StmtFunctionDef,
    n: &ast::ExprName,
) -> NameUse {
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
pub(super) fn builtin_annotation(annotation: &str) -> &'static str {
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
pub(super) fn translate<'a>(
    checker: &Checker,
    op: &'a ast::ExprCall,
    classify: impl Fn(&ast::ExprName) -> NameUse,
) -> Result<Spec<'a>, String> {
    translate_op(checker, op, 0, classify)
}

/// `translate`, skipping `skip` leading positional arguments (`self` in `dsl.ContainerOp.__init__(self, ...)`).
pub(super) fn translate_op<'a>(
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
            if super::super::volumes::mount_pvolumes(checker, "task", value).is_some() {
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

pub(super) fn is_empty_value(e: &Expr) -> bool {
    match e {
        Expr::List(l) => l.elts.is_empty(),
        Expr::Dict(d) => d.items.is_empty(),
        Expr::NoneLiteral(_) => true,
        Expr::BooleanLiteral(b) => !b.value,
        _ => false,
    }
}

/// `container_kwargs={'env': [V1EnvVar(name=..., value=...)]}` → `(name, value)` pairs; anything else is a TODO.
pub(super) fn container_env(
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
                && super::super::env_variable::uses_pipeline_value(checker, v)
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
pub(super) fn env_var(checker: &Checker, e: &Expr) -> Option<(String, String)> {
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
pub(super) fn task_output(checker: &Checker, e: &Expr) -> Option<(String, String)> {
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
