//! KFP303: a name kfp 2 would sanitise keeps its human form as `display_name=`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::id;

/// KFP303: a name kfp 2 would sanitise keeps its human form as `display_name=`.
pub(crate) fn display_name(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(rule) = checker.enabled(id::KFP303) else {
        return;
    };
    let keyword = |name: &str| crate::python::pipelines::keyword(call, name);
    if keyword("display_name").is_some() {
        return;
    }
    let Some(name_keyword) = keyword("name") else {
        return;
    };
    let Some(name) = str_literal(&name_keyword.value) else {
        return;
    };
    let sanitized = sanitize_pipeline_name(&name);
    if sanitized == name {
        return;
    }
    let value = checker.text(range(&name_keyword.value)).to_string();
    let fix = (!value.contains('\n')).then(|| {
        Fix::new(
            rule.fix.applicability(),
            vec![Edit::insert(
                range(name_keyword).end,
                format!(", display_name={value}"),
            )],
        )
    });
    let d = Diagnostic::new(
        rule.code,
        range(&name_keyword.value),
        rule.message_with(&[("name", &name), ("replacement", &sanitized)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}

/// kfp 2's `maybe_rename_for_k8s`: the pipeline name written to `pipelineInfo.name` (S2).
pub(crate) fn sanitize_pipeline_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        let keep = c.is_ascii_lowercase() || c.is_ascii_digit();
        if keep {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}
