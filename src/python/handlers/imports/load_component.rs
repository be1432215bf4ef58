//! `kfp.components.load_component(filename=|url=|text=)` → the matching `load_component_from_*`.

use super::super::name_table::message;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::edits::ensure_imported;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// `kfp.components.load_component(filename=|url=|text=)` → the matching `load_component_from_*`.
pub fn load_component(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    callee: &str,
) {
    if callee != "kfp.components.load_component" {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP009) else {
        return;
    };
    // v1 signature: load_component(filename=None, url=None, text=None, component_spec=None)
    let keyword = |name: &str| crate::python::pipelines::keyword(call, name);
    let (kind, value_range, keyword_range) =
        if call.arguments.keywords.is_empty() && call.arguments.args.len() == 1 {
            ("file", range(&call.arguments.args[0]), None)
        } else if call.arguments.args.is_empty() && call.arguments.keywords.len() == 1 {
            let Some((kind, k)) = [("file", "filename"), ("url", "url"), ("text", "text")]
                .into_iter()
                .find_map(|(kind, name)| keyword(name).map(|k| (kind, k)))
            else {
                return report_load_component(checker, rule, call_range, None);
            };
            (kind, range(&k.value), Some(range(k)))
        } else {
            return report_load_component(checker, rule, call_range, None);
        };
    let new_name = format!("load_component_from_{kind}");
    let mut edits = Vec::new();
    match call.func.as_ref() {
        Expr::Attribute(a) => {
            let end = range(call.func.as_ref()).end;
            edits.push(Edit::replace(end - a.attr.as_str().len()..end, &new_name));
        }
        Expr::Name(_) => {
            let Some((local, import)) =
                ensure_imported(checker, &format!("kfp.components.{new_name}"))
            else {
                return report_load_component(checker, rule, call_range, None);
            };
            edits.push(Edit::replace(range(call.func.as_ref()), local));
            edits.extend(import);
        }
        _ => return,
    }
    if let Some(k) = keyword_range {
        // Pass the value positionally: the parameter's name differs between kfp versions (filename/file_path).
        edits.push(Edit::replace(k, checker.text(value_range).to_string()));
    }
    let fix = Fix::new(rule.fix.applicability(), edits);
    report_load_component(checker, rule, call_range, Some((fix, new_name)));
}

fn report_load_component(
    checker: &mut Checker,
    rule: &'static crate::registry::Rule,
    call_range: Range<usize>,
    fix: Option<(Fix, String)>,
) {
    let replacement = fix
        .as_ref()
        .map_or("load_component_from_file/url/text".to_string(), |(_, n)| {
            n.clone()
        });
    let d = Diagnostic::new(
        rule.code,
        call_range,
        message(rule, "kfp.components.load_component", &replacement, ""),
    )
    .with_fix_title(rule.fix_title.replace("{replacement}", &replacement))
    .with_fix(fix.map(|(f, _)| f));
    checker.report(d);
}
