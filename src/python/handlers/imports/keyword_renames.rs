//! Keyword renames listed as data (`load_component_from_file(filename=…)` → `file_path=`).

use super::super::name_table::message;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::registry::{KeywordRename, Rule, registry};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

type RenamesByCallee = HashMap<&'static str, Vec<(&'static Rule, &'static KeywordRename)>>;

/// Every rule's keyword renames, by callee: looked up once per call instead of scanning all rules.
fn renames_by_callee() -> &'static RenamesByCallee {
    static RENAMES: OnceLock<RenamesByCallee> = OnceLock::new();
    RENAMES.get_or_init(|| {
        let mut map: RenamesByCallee = HashMap::default();
        for rule in &registry().rules {
            for rename in &rule.keyword_renames {
                map.entry(rename.callee.as_str())
                    .or_default()
                    .push((rule, rename));
            }
        }
        map
    })
}

/// Keyword renames listed as data (`load_component_from_file(filename=…)` → `file_path=`).
pub fn keyword_renames(checker: &mut Checker, call: &ast::ExprCall, callee: &str) {
    let Some(renames) = renames_by_callee().get(callee) else {
        return;
    };
    for (rule, rename) in renames {
        if checker.enabled(&rule.id).is_none() {
            continue;
        }
        for keyword in &call.arguments.keywords {
            if keyword
                .arg
                .as_ref()
                .is_some_and(|a| a.as_str() == rename.from)
            {
                let start = range(keyword).start;
                let name_range = start..start + rename.from.len();
                let fix = Fix::new(
                    rule.fix.applicability(),
                    vec![Edit::replace(name_range.clone(), &rename.to)],
                );
                let name = format!("{callee}({}=…)", rename.from);
                let d =
                    Diagnostic::new(rule.code, name_range, message(rule, &name, &rename.to, ""))
                        .with_fix_title(
                            rule.fix_title
                                .replace("{name}", &rename.from)
                                .replace("{replacement}", &rename.to),
                        )
                        .with_fix(Some(fix));
                checker.report(d);
            }
        }
    }
}
