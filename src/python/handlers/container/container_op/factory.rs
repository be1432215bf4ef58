//! KFP201: The factory's conversion: the function becomes the component, its parameters typed from their callers, its op name kept as the tasks' display name.

use super::*;

/// Rewrites a factory in place: decorator, annotations, output parameters, `return dsl.ContainerSpec(...)`.
pub(super) fn factory_fix(
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
    let kinds = factory_output_kinds(checker, function.name.as_str(), spec);
    let outputs = output_params(checker, spec, &kinds)?;
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
        container_spec(checker, spec, &indent, &kinds)?,
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
pub(super) fn display_names(checker: &Checker, function: &str, op: OpCall) -> Vec<Edit> {
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

/// How the tasks the factory's calls in this module create use its file outputs (each `t = factory(...)`,
/// read in the function it is assigned in): iterated by a `dsl.ParallelFor` or passed to a file input.
pub(super) fn factory_output_kinds(checker: &Checker, function: &str, spec: &Spec) -> OutputKinds {
    let mut finder = CallFinder {
        name: function,
        enclosing: Vec::new(),
        calls: Vec::new(),
    };
    finder.visit_body(&checker.module.body);
    let mut kinds = OutputKinds::default();
    let mut seen: Vec<*const ast::StmtFunctionDef> = Vec::new();
    for f in finder.calls.iter().filter_map(|(_, f)| *f) {
        if seen.contains(&(f as *const _)) {
            continue;
        }
        seen.push(f);
        for var in task_variables(&f.body, function) {
            kinds.merge(output_kinds_in(checker, &var, spec, &f.body));
        }
    }
    kinds
}

/// The names `body` binds to a call of `function` (through task methods: `t = f(...).after(x)`), in nested
/// blocks too.
fn task_variables(body: &[Stmt], function: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in body {
        match stmt {
            Stmt::Assign(a) => {
                if let [Expr::Name(n)] = a.targets.as_slice()
                    && calls(&a.value, function)
                {
                    out.push(n.id.to_string());
                }
            }
            Stmt::With(w) => out.extend(task_variables(&w.body, function)),
            Stmt::For(f) => out.extend(task_variables(&f.body, function)),
            Stmt::If(i) => {
                for branch in visit::if_branches(i) {
                    out.extend(task_variables(branch, function));
                }
            }
            _ => {}
        }
    }
    out
}

/// `f(...)`, possibly followed by task methods.
fn calls(e: &Expr, function: &str) -> bool {
    match e {
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Name(n) => n.id.as_str() == function,
            Expr::Attribute(a) => calls(&a.value, function),
            _ => false,
        },
        _ => false,
    }
}

/// The type each parameter of a factory receives at every call in this module, when they all agree: literal
/// numbers and booleans, strings, and parameters of the calling pipeline with a builtin annotation.
pub(super) fn infer_parameter_types(
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
pub(super) fn type_conflict(
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
pub(super) fn annotation_text(
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
pub(super) enum Inferred {
    Unknown,
    Known(&'static str),
    /// Callers pass different types: no single annotation fits them all.
    Conflict,
}

/// The builtin type of an argument expression, when it is evident.
pub(super) fn argument_type(
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
pub(super) struct CallFinder<'a, 'n> {
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
