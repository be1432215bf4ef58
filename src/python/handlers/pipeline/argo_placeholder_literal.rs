//! KFP321: Argo variables written as string literals (`'{{workflow.uid}}'`, `f'gs://b/{{{{workflow.name}}}}'`)
//! in a pipeline. kfp 2 compiles them as plain text; the v2 backend does not substitute them. kfp 2's own
//! placeholders are the `PIPELINE_*_PLACEHOLDER` constants of
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/__init__.py>.
//!
//! Only literals kfp sees are checked: those in a pipeline function's body, and module-level constants that a
//! pipeline function reads.

use crate::registry::id;
use std::collections::HashSet;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::spell_qualified;
use crate::python::names::{Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::python::visit::{self, Visitor};

const RULE: &str = id::KFP321;

/// The kfp 2 placeholder constant that replaces an Argo variable, with its value.
fn replacement(variable: &str) -> Option<(&'static str, &'static str)> {
    match variable {
        "workflow.uid" => Some(("PIPELINE_JOB_ID_PLACEHOLDER", "{{$.pipeline_job_uuid}}")),
        "workflow.name" => Some(("PIPELINE_JOB_NAME_PLACEHOLDER", "{{$.pipeline_job_name}}")),
        _ => None,
    }
}

/// What to do about a variable with no kfp 2 placeholder.
fn guidance(variable: &str) -> &'static str {
    match variable {
        "pod.name" => {
            "read the pod name from an environment variable: `kubernetes.use_field_path_as_env(task, env_name='POD_NAME', field_path='metadata.name')`"
        }
        "workflow.namespace" => {
            "read the namespace from an environment variable: `kubernetes.use_field_path_as_env(task, env_name='NAMESPACE', field_path='metadata.namespace')`"
        }
        "workflow.status" | "workflow.failures" => {
            "give the exit task a `status: dsl.PipelineTaskFinalStatus` input instead"
        }
        "workflow.creationTimestamp" => {
            "use `dsl.PIPELINE_JOB_CREATE_TIME_UTC_PLACEHOLDER` (an RFC 3339 time, not Argo's format)"
        }
        _ => "kfp 2 has no equivalent: pass the value as a pipeline parameter or a task output",
    }
}

/// Argo variables (`{{workflow.uid}}`, `{{pod.name}}`, `{{inputs.parameters.x}}`) in a string's value, with
/// their byte range in the value.
fn argo_variables(value: &str) -> Vec<(Range<usize>, String)> {
    const ROOTS: &[&str] = &[
        "workflow.",
        "pod.",
        "inputs.",
        "outputs.",
        "steps.",
        "tasks.",
        "item",
        "node.",
    ];
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = value[at..].find("{{") {
        let start = at + open;
        let Some(close) = value[start + 2..].find("}}") else {
            break;
        };
        let end = start + 2 + close + 2;
        let inner = value[start + 2..end - 2].trim();
        if ROOTS.iter().any(|r| inner.starts_with(r)) && !inner.contains('{') {
            found.push((start..end, inner.to_string()));
        }
        at = end;
    }
    found
}

pub fn check_module(checker: &mut Checker) {
    if checker.enabled(RULE).is_none() {
        return;
    }
    let pipelines = checker.pipelines.pipelines.clone();
    let mut literals: Vec<&Expr> = Vec::new();
    let mut constants: HashSet<usize> = HashSet::new();
    for p in &pipelines {
        let scope = checker
            .model
            .scope_opened_at(range(p.def).start)
            .unwrap_or(0);
        let mut finder = Finder {
            checker,
            scope,
            literals: Vec::new(),
            module_names: Vec::new(),
        };
        finder.visit_body(&p.def.body);
        literals.extend(finder.literals);
        constants.extend(finder.module_names);
    }
    // Module-level `NAME = '...'` read by a pipeline.
    for stmt in &checker.module.body {
        if let Stmt::Assign(a) = stmt
            && let [Expr::Name(_)] = a.targets.as_slice()
            && constants.contains(&range(&a.targets[0]).start)
        {
            let mut finder = Finder {
                checker,
                scope: 0,
                literals: Vec::new(),
                module_names: Vec::new(),
            };
            finder.visit_expr(&a.value);
            literals.extend(finder.literals);
        }
    }
    let mut seen = HashSet::new();
    for literal in literals {
        if seen.insert(range(literal).start) {
            check_literal(checker, literal);
        }
    }
}

struct Finder<'c, 'a> {
    checker: &'c Checker<'a>,
    scope: usize,
    literals: Vec<&'a Expr>,
    /// Binding ranges (starts) of module-level names the body reads.
    module_names: Vec<usize>,
}

impl<'a> Visitor<'a> for Finder<'_, 'a> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::StringLiteral(_) => self.literals.push(expr),
            Expr::FString(_) => {
                self.literals.push(expr);
                visit::walk_expr(self, expr);
            }
            Expr::Name(n) if n.ctx == ast::ExprContext::Load => {
                if let Some(Resolved::Binding(b)) =
                    self.checker
                        .model
                        .resolve_name(self.scope, n.id.as_str(), range(expr).start)
                    && self.checker.model.bindings[b].scope == 0
                {
                    self.module_names
                        .push(self.checker.model.bindings[b].range.start);
                }
            }
            _ => visit::walk_expr(self, expr),
        }
    }
}

fn check_literal(checker: &mut Checker, literal: &Expr) {
    let Some(rule) = checker.enabled(RULE) else {
        return;
    };
    let literal_range = range(literal);
    let text = checker.text(literal_range.clone()).to_string();
    let (value, is_fstring) = match literal {
        Expr::StringLiteral(s) => (s.value.to_str().to_string(), false),
        Expr::FString(j) => (
            j.value
                .iter()
                .flat_map(|part| match part {
                    ast::FStringPart::Literal(s) => vec![&*s.value],
                    ast::FStringPart::FString(f) => f
                        .elements
                        .iter()
                        .filter_map(|e| e.as_literal().map(|l| &*l.value))
                        .collect(),
                })
                .collect::<String>(),
            true,
        ),
        _ => return,
    };
    let variables = argo_variables(&value);
    if variables.is_empty() {
        return;
    }
    // An implicitly concatenated literal (`'a' 'b'`) or escapes make source and value differ: report only.
    let simple = !text.contains('\\') && !has_implicit_concatenation(checker, &literal_range);
    for (value_range, variable) in variables {
        let found = &value[value_range.clone()];
        let fix = replacement(&variable)
            .filter(|_| simple)
            .and_then(|(constant, v2)| {
                let whole = !is_fstring && value_range == (0..value.len());
                if whole {
                    let (spelled, import) =
                        spell_qualified(checker, &format!("kfp.dsl.{constant}"))?;
                    let mut edits = vec![Edit::replace(literal_range.clone(), spelled)];
                    edits.extend(import);
                    return Some(edits);
                }
                if is_fstring {
                    // In an f-string the variable is written with doubled braces.
                    let escaped = found.replace('{', "{{").replace('}', "}}");
                    let at = text.find(&escaped)?;
                    let (spelled, import) =
                        spell_qualified(checker, &format!("kfp.dsl.{constant}"))?;
                    let start = literal_range.start + at;
                    let mut edits = vec![Edit::replace(
                        start..start + escaped.len(),
                        format!("{{{spelled}}}"),
                    )];
                    edits.extend(import);
                    return Some(edits);
                }
                let at = text.find(found)?;
                let start = literal_range.start + at;
                Some(vec![Edit::replace(start..start + found.len(), v2)])
            });
        let guidance_text = match replacement(&variable) {
            Some((constant, _)) => format!("use `dsl.{constant}`"),
            None => guidance(&variable).to_string(),
        };
        let d = Diagnostic::new(
            rule.code,
            literal_range.clone(),
            rule.message_with(&[("name", found), ("guidance", &guidance_text)]),
        )
        .with_fix_title(rule.fix_title.clone())
        .with_fix(fix.map(|edits| Fix::new(rule.fix.applicability(), edits)));
        checker.report(d);
    }
}

/// Whether a string literal's range holds more than one string token (`'a' 'b'`).
fn has_implicit_concatenation(checker: &Checker, r: &Range<usize>) -> bool {
    checker
        .module
        .tokens_in(r.clone())
        .iter()
        .filter(|t| t.kind == crate::python::parse::TokenKind::String)
        .count()
        > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_argo_variables_only() {
        let found: Vec<String> = argo_variables(
            "a {{workflow.uid}} b {{ pod.name }} {{$.pipeline_job_uuid}} {{inputs.parameters.x}} {{x}}",
        )
        .into_iter()
        .map(|(_, v)| v)
        .collect();
        assert_eq!(found, ["workflow.uid", "pod.name", "inputs.parameters.x"]);
        assert!(argo_variables("{{ unclosed").is_empty());
    }
}
