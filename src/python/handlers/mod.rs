//! Python rules. The checker calls one entry point per node kind; each dispatches to the rule families.

pub(crate) mod compiler;
pub(crate) mod components;
pub(crate) mod container;
pub(crate) mod imports;
pub(crate) mod name_table;
pub(crate) mod pipeline;

use compiler::{aiplatform_client_run, client_result_field};
use components::{
    component_calls, component_factory, component_io_names, component_signature,
    container_op_component, mlpipeline_dot_output, output_artifact_parameter,
    positional_component_call, unresolved_component_url,
};
pub(crate) use container::volumes;
use container::{apply_helper, cache_staleness, container_op, task_settings, volume_op};
use imports::{keyword_renames, load_component, type_check_flag};
use pipeline::{argo_placeholder_literal, control_flow, pipeline_conf};
// `yaml` names kfp 2's pipeline-name sanitiser by this path.
pub(crate) use pipeline::pipeline_definition;

use std::ops::Range;

use super::checker::{Checker, ImportSite};
use super::names::Resolved;
use super::parse::ast::{self, Expr};

/// An import statement (after the whole module has been walked).
pub fn check_import(checker: &mut Checker, site: &ImportSite) {
    name_table::check_import(checker, site);
    imports::failing_module::check_import(checker, site);
}

/// A name or attribute chain in load context, with what its head name resolved to; `bare_call` is the range of `chain()` when it is called with
/// no arguments; `is_callee` says whether the chain is called at all.
pub fn check_chain(
    checker: &mut Checker,
    expr: &Expr,
    head: Option<&Resolved>,
    bare_call: Option<Range<usize>>,
    is_callee: bool,
) {
    name_table::check_chain(checker, expr, head, bare_call, is_callee);
}

/// The module's v1 component definitions, before the walk.
pub fn check_definitions(checker: &mut Checker) {
    component_factory::check_decorators(checker);
    container_op::check_factories(checker);
    container_op::check_subclasses(checker);
    let defs = checker.defs.components.clone();
    for def in &defs {
        output_artifact_parameter::check_definition(checker, def);
    }
    // Signature problems are as broken in a kfp 2 component (or one migrated in this run) as in a v1 one, so
    // every component definition is checked: a fix of the decorator never hides them.
    // (ContainerOp factories are annotated by their own conversion, KFP201.)
    let functions: Vec<_> = checker
        .defs
        .components
        .iter()
        .filter(|d| {
            !matches!(
                d.site,
                super::components::Site::ContainerOpFactory { .. }
                    | super::components::Site::ContainerOpSubclass { .. }
            )
        })
        .map(|d| d.function)
        .collect();
    let mut seen = std::collections::HashSet::new();
    for f in functions {
        if seen.insert(std::ptr::from_ref(f)) {
            component_signature::check_function(checker, f);
        }
    }
    for stmt in &checker.module.body {
        if let ast::Stmt::FunctionDef(f) = stmt {
            container_op_component::check_container_op_component(checker, f);
        }
    }
    pipeline_definition::check_module(checker);
    argo_placeholder_literal::check_module(checker);
    control_flow::check_module(checker);
    pipeline::condition_dependency::check_module(checker);
}

/// A call, before its callee and arguments are visited. The callee is resolved once for every call rule;
/// calls of known components (defined here or imported from another file of the run) are checked against
/// their v1 signature.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, call_range: Range<usize>) {
    task_settings::check_call(checker, call, call_range.clone());
    apply_helper::check_call(checker, call, call_range.clone());
    volumes::check_method(checker, call, call_range.clone());
    match checker.component_named(&call.func) {
        Some(component) => component_calls::check_call(checker, call, &component),
        None => positional_component_call::check_unknown_call(checker, call),
    }
    // Method calls whose receiver is not an import (`param.ignore_type()`, `Compiler().compile(...)`).
    pipeline_definition::check_call(checker, call, call_range.clone());
    compiler::check_call(checker, call, call_range.clone());
    pipeline_conf::check_call(checker, call, call_range.clone());
    client_result_field::check_call(checker, call, call_range.clone());
    aiplatform_client_run::check_call(checker, call, call_range.clone());
    let Some(callee) = checker.qualified_name(&call.func) else {
        return;
    };
    keyword_renames::keyword_renames(checker, call, &callee);
    control_flow::check_call(checker, call, &callee);
    load_component::load_component(checker, call, call_range.clone(), &callee);
    unresolved_component_url::check_call(checker, call, &callee);
    component_factory::check_call(checker, call, call_range.clone(), &callee);
    container_op::check_call(checker, call, call_range.clone(), &callee);
    volume_op::check_volume_op(checker, call, call_range, &callee);
}

/// `x.outputs[key]`, before it is visited.
pub fn check_subscript(checker: &mut Checker, subscript: &ast::ExprSubscript) {
    if let Expr::Attribute(a) = subscript.value.as_ref()
        && a.attr.as_str() == "outputs"
        && let Some(component) = checker.task_component(&a.value)
    {
        component_io_names::check_outputs_subscript(checker, subscript, &component);
    }
}

/// `x.output`, before it is visited.
pub fn check_attribute(
    checker: &mut Checker,
    attribute: &ast::ExprAttribute,
    expr_range: Range<usize>,
) {
    task_settings::check_attribute(checker, attribute);
    client_result_field::check_attribute(checker, attribute);
    if attribute.attr.as_str() == "output"
        && let Some(component) = checker.task_component(&attribute.value)
    {
        mlpipeline_dot_output::check_dot_output(checker, attribute, expr_range, &component);
    }
}

/// An assignment statement.
pub fn check_assign(checker: &mut Checker, assign: &ast::StmtAssign, stmt_range: Range<usize>) {
    type_check_flag::type_check_flag(checker, assign);
    cache_staleness::check_assign(checker, assign, stmt_range.clone());
    task_settings::check_image_assign(checker, assign, stmt_range);
    pipeline_conf::check_assign(checker, assign);
    aiplatform_client_run::check_assign(checker, assign);
}
