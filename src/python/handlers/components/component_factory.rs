//! KFP101: v1 factories (`create_component_from_func`, `func_to_container_op`, a `functools.partial` of
//! either) become `dsl.component`; KFP113: kfp 1's `@dsl.component` around a `ContainerOp` factory.

use crate::components::Component;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::{
    Factory, Naming, Site, applied_name, factory_options, function_named, partial_of_factory,
    signature, unsupported_option,
};
use crate::python::edits::{append_argument, delete_argument, spell_qualified};
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// The base image a migrated component pins when v1 used the default: v1's `python:3.7` cannot run kfp 2
/// (which needs Python ≥ 3.9 and is pip-installed at start), and kfp 2 warns that its own default moves from
/// `python:3.11` to `python:3.12`; pinning today's default keeps the component's Python stable.
pub const PINNED_BASE_IMAGE: &str = "python:3.11";

/// What the migrated component's callers see change, for the message.
fn renames_note(component: Option<&Component>) -> String {
    let Some(c) = component else {
        return String::new();
    };
    let mut renamed: Vec<String> = c
        .inputs
        .iter()
        .filter(|i| i.v1_name != i.v2_name)
        .map(|i| format!("input `{}` → `{}`", i.v1_name, i.v2_name))
        .collect();
    renamed.extend(
        c.outputs
            .iter()
            .filter(|o| o.v1_name != o.v2_name)
            .map(|o| format!("output `{}` → `{}`", o.v1_name, o.v2_name)),
    );
    if renamed.is_empty() {
        String::new()
    } else {
        format!(
            " (kfp 2 keeps full parameter names: {}; KFP102 renames the call sites with it)",
            renamed.join(", ")
        )
    }
}

/// Module-level decorator sites: `@create_component_from_func` on a `def`.
pub fn check_decorators(checker: &mut Checker) {
    let Some(rule) = checker.enabled(id::KFP101) else {
        return;
    };
    let sites: Vec<(&Expr, Factory, Component, &ast::StmtFunctionDef)> = checker
        .defs
        .components
        .iter()
        .filter_map(|d| match d.site {
            Site::Decorator { expr, factory } => {
                Some((expr, factory, d.component.clone(), d.function))
            }
            _ => None,
        })
        .collect();
    for (expr, factory, component, function) in sites {
        let mut applicability = rule.fix.applicability();
        let mut details = renames_note(Some(&component));
        if has_python_component_metadata(checker, function) {
            applicability = Applicability::DisplayOnly;
            details.push_str("; ");
            details.push_str(PYTHON_COMPONENT_GUIDANCE);
        }
        let fix = spell_qualified(checker, "kfp.dsl.component").map(|(spelled, import)| {
            let mut edits = vec![Edit::replace(
                range(expr),
                format!("{spelled}(base_image='{PINNED_BASE_IMAGE}')"),
            )];
            edits.extend(import);
            Fix::new(applicability, edits)
        });
        let d = Diagnostic::new(
            rule.code,
            range(expr),
            rule.message_with(&[("name", factory.name()), ("details", &details)]),
        )
        .with_fix_title(rule.fix_title_with(&[("name", factory.name())]))
        .with_fix(fix);
        checker.report(d);
    }
}

const PYTHON_COMPONENT_GUIDANCE: &str = "the function carries kfp 1 `@dsl.python_component(...)` metadata, which the v1 factory read (its `base_image` wins, its `name` names the tasks) and kfp 2 cannot: move `base_image=` onto the component, drop the decorator (the name becomes the function's)";

/// Whether kfp 1's `@dsl.python_component(...)` decorates the function: the v1 factory took the base image
/// and the component name from it.
fn has_python_component_metadata(checker: &Checker, function: &ast::StmtFunctionDef) -> bool {
    function
        .decorator_list
        .iter()
        .map(|d| &d.expression)
        .any(|d| {
            matches!(
                applied_name(&checker.model, d).as_deref(),
                Some("kfp.dsl.python_component" | "kfp.dsl._component.python_component")
            )
        })
}

/// A call of a factory (`factory(func, ...)`) or `partial(factory, ...)`, anywhere in the module.
pub fn check_call(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    callee: &str,
) {
    let Some(rule) = checker.enabled(id::KFP101) else {
        return;
    };
    let (factory, replaced) = match Factory::of(callee) {
        Some(f) => (f, range(call.func.as_ref())),
        None => match partial_of_factory(&checker.model, call) {
            Some(f) if callee == "functools.partial" => (f, range(&call.arguments.args[0])),
            _ => return,
        },
    };
    let is_partial = replaced != range(call.func.as_ref());
    let component = checker
        .defs
        .components
        .iter()
        .find(|d| matches!(d.site, Site::Call { call: c, .. } if std::ptr::eq(c, call)))
        .map(|d| d.component.clone());
    let options = factory_options(call, factory);
    let text = &checker.source.text;
    let mut guidance = Vec::new();
    let mut edits = Vec::new();
    let mut applicability = rule.fix.applicability();
    let has_comments = checker.module.has_comment_in(call_range.clone());
    if has_comments {
        guidance.push(
            "the call contains comments, which an automatic rewrite would lose: rewrite it by hand",
        );
    }
    let mut fixable = !call
        .arguments
        .args
        .iter()
        .any(|a| matches!(a, Expr::Starred(_)))
        && call.arguments.keywords.iter().all(|k| k.arg.is_some())
        && !has_comments;
    let mut kept_annotations = false;
    for (name, value) in &options {
        let value_range = range(*value);
        if let Some((advice, unused)) = unsupported_option(name) {
            if *name == "annotations" && !unused.contains(&text[value_range.clone()].trim()) {
                // kfp 2 components have no annotations: the option goes, its text stays as a comment above
                // the statement, so nothing the author wrote is lost.
                let arg_range = argument_range(call, value);
                match delete_argument(call, &arg_range) {
                    Some(e) => {
                        edits.push(e);
                        edits.push(annotations_comment(checker, &call_range, &arg_range));
                        kept_annotations = true;
                    }
                    None => fixable = false,
                }
                continue;
            }
            if unused.contains(&text[value_range.clone()].trim()) {
                // The v1 default, spelled out: nothing is lost by dropping it.
                let arg_range = argument_range(call, value);
                match delete_argument(call, &arg_range) {
                    Some(e) => edits.push(e),
                    None => fixable = false,
                }
            } else {
                guidance.push(advice);
                applicability = Applicability::DisplayOnly;
            }
            continue;
        }
        if text[value_range.clone()].trim() == "None" {
            // `None` is kfp 2's default for every kept option (and the base image gets pinned below).
            match delete_argument(call, &argument_range(call, value)) {
                Some(e) => edits.push(e),
                None => fixable = false,
            }
            continue;
        }
        if call.arguments.args.iter().any(|a| std::ptr::eq(a, *value)) {
            // A positional option: v2 options are keyword-only.
            edits.push(Edit::insert(value_range.start, format!("{name}=")));
        }
    }
    if !options
        .iter()
        .any(|(n, v)| *n == "base_image" && text[range(*v)].trim() != "None")
    {
        edits.push(append_argument(
            &call_range,
            call,
            &format!("base_image='{PINNED_BASE_IMAGE}'"),
        ));
    }
    let fix = match (fixable, spell_qualified(checker, "kfp.dsl.component")) {
        (true, Some((spelled, import))) => {
            edits.push(Edit::replace(replaced.clone(), spelled));
            edits.extend(import);
            Some(Fix::new(applicability, edits))
        }
        _ => None,
    };
    let mut details = if is_partial {
        " (the partial becomes one of `dsl.component`)".to_string()
    } else {
        renames_note(component.as_ref())
    };
    let function = call
        .arguments
        .args
        .first()
        .or_else(|| {
            call.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "func"))
                .map(|k| &k.value)
        })
        .filter(|_| !is_partial)
        .and_then(|a| function_named(&checker.module.body, a));
    if function.is_some_and(|f| has_python_component_metadata(checker, f)) {
        applicability = Applicability::DisplayOnly;
        guidance.push(PYTHON_COMPONENT_GUIDANCE);
    }
    if component.is_none() && !is_partial {
        // Call sites are tracked for module-level components only. Elsewhere the rewrite is shown, not
        // applied, when callers' keywords or output keys would have to change with it — unless nothing calls
        // the component (`op = create_component_from_func(f, output_component_file='component.yaml')` under
        // `if __name__ == '__main__':`, which only writes the spec).
        let no_callers = has_no_callers(checker, &call_range);
        let untracked = match function {
            Some(f) => {
                !no_callers && signature(&checker.model, f, "", Naming::V1, None).renames_anything()
            }
            None => true,
        };
        if untracked {
            applicability = Applicability::DisplayOnly;
            guidance.push(match function {
                Some(_) => "its inputs or outputs are renamed and calls of a component created inside a function are not tracked: create it at module level, or rename its call keywords and output keys by hand",
                None => "the function is not defined in this module, so the renaming of its inputs and outputs cannot be checked: rewrite it where it is defined",
            });
        }
    }
    let fix = fix.map(|f| Fix::new(applicability, f.edits));
    for g in &guidance {
        details.push_str("; ");
        details.push_str(g);
    }
    let mut title = rule.fix_title_with(&[("name", factory.name())]);
    if kept_annotations {
        title.push_str(
            " (its `annotations` become a comment above the call: kfp 2 components have none)",
        );
    }
    let d = Diagnostic::new(
        rule.code,
        replaced,
        rule.message_with(&[("name", factory.name()), ("details", &details)]),
    )
    .with_fix_title(title)
    .with_fix(fix);
    checker.report(d);
}

/// Whether the factory call at `call_range` makes a component nothing calls: an expression statement, or the
/// value of an assignment whose name is never read.
fn has_no_callers(checker: &Checker, call_range: &Range<usize>) -> bool {
    if checker.expression_statement.as_ref() == Some(call_range) {
        return true;
    }
    let Some((name, value)) = &checker.assign_target else {
        return false;
    };
    if value != call_range {
        return false;
    }
    let binding = checker
        .model
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.name == *name && b.scope == checker.scope && b.range.end <= value.start)
        .max_by_key(|(_, b)| b.range.start)
        .map(|(i, _)| i);
    binding.is_some_and(|b| checker.pipelines.loads.get(&b).copied().unwrap_or(0) == 0)
}

/// The comment that keeps a v1 factory's `annotations=` (which kfp 2 components lack), above the statement.
fn annotations_comment(
    checker: &Checker,
    call_range: &Range<usize>,
    arg_range: &Range<usize>,
) -> Edit {
    let argument = &checker.source.text[arg_range.clone()];
    let line = checker.source.line_range(call_range.start);
    let indent = crate::python::edits::indentation(checker.source, call_range.start);
    let eol = checker.source.line_ending();
    let mut comment = format!(
        "{indent}# kfp-upgrade: kfp 2 components have no annotations; the v1 factory had:{eol}"
    );
    // Continuation lines lose the indentation of the line the argument starts on.
    let arg_indent = crate::python::edits::indentation(checker.source, arg_range.start);
    for l in argument.lines() {
        let l = l.strip_prefix(arg_indent).unwrap_or(l);
        comment.push_str(&format!("{indent}# {}{eol}", l.trim_end()));
    }
    Edit::insert(line.start, comment)
}

/// The whole argument (`name=value` for keywords) whose value is `value`.
fn argument_range(call: &ast::ExprCall, value: &Expr) -> Range<usize> {
    call.arguments
        .keywords
        .iter()
        .find(|k| std::ptr::eq(&k.value, value))
        .map_or_else(|| range(value), range)
}
