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

// The conversion's parts; each takes what it needs of this module's items (`use super::*`), and the entry
// points here call them.
mod factory;
mod inline;
mod reading;
mod subclass;
mod writing;

use factory::*;
use inline::*;
use reading::*;
use subclass::*;
use writing::*;

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

fn applicability(spec: &Spec) -> Applicability {
    if spec.todos.is_empty() {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    }
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
