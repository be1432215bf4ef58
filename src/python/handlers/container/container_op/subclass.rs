//! KFP201: The `ContainerOp` subclass's conversion: its `__init__`'s `super().__init__(...)` becomes the component.

use super::*;

/// The class statement replaced by `@dsl.container_component def ClassName(params): return dsl.ContainerSpec(...)`.
pub(super) fn is_docstring(stmt: &Stmt) -> bool {
    crate::python::op_translate::is_docstring(stmt)
}

pub(super) fn subclass_fix(
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
