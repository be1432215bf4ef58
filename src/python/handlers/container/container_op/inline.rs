//! KFP201: The inline construction's conversion: a module-level component named after the op, and a call of it in place of the construction.

use super::*;

/// Adds a module-level container component before the enclosing top-level statement and calls it in place
/// of the op.
pub(super) fn inline_fix(
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
        let (mounted, import) =
            super::super::volumes::mount_pvolumes(checker, &replacement, pvolumes)?;
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
pub(super) const RESERVED: &[&str] = &[
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
pub(super) fn unique_name(checker: &Checker, base: &str) -> String {
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
