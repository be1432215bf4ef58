//! KFP201: Writing the `dsl.ContainerSpec` and the output parameters, typed by how the outputs are consumed.

use super::*;

/// The `dsl.ContainerSpec(...)` text, with the copy wrapper when there are file outputs.
pub(super) fn container_spec(
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
pub(super) struct OutputKinds {
    /// Iterated by a `dsl.ParallelFor`: `dsl.OutputPath(list)` (kfp 2 cannot iterate over a string).
    lists: Vec<String>,
    /// Passed to a file input (`InputPath`, `Input[...]`): `dsl.Output[dsl.Artifact]`.
    artifacts: Vec<String>,
}

impl OutputKinds {
    /// Adds what another task of the same op does with its outputs.
    pub(super) fn merge(&mut self, other: OutputKinds) {
        self.lists.extend(other.lists);
        self.artifacts.extend(other.artifacts);
    }
}

/// The output parameters' declarations: `dsl.OutputPath(str)` by default.
pub(super) fn output_params(
    checker: &Checker,
    spec: &Spec,
    kinds: &OutputKinds,
) -> Option<Vec<String>> {
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
pub(super) fn output_kinds(checker: &Checker, var: &str, spec: &Spec) -> OutputKinds {
    match checker.functions.last() {
        Some(f) => output_kinds_in(checker, var, spec, &f.body),
        None => OutputKinds::default(),
    }
}

/// `output_kinds` over `body`, the body of the function the task variable `var` is assigned in.
pub(super) fn output_kinds_in(
    checker: &Checker,
    var: &str,
    spec: &Spec,
    body: &[Stmt],
) -> OutputKinds {
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
    uses.visit_body(body);
    uses.kinds
}
