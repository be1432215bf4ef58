//! KFP403: `compile(f, 'x.tar.gz')` raises in kfp 2; `.json` is deprecated.

use super::helpers::old_suffix;
use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::literals::str_value;
use crate::python::names::range;
use crate::python::parse::ast;
use crate::python::pipelines::argument;
use crate::registry::id;

/// KFP403: `compile(f, 'x.tar.gz')` raises in kfp 2; `.json` is deprecated.
pub(crate) fn package_path(checker: &mut Checker, call: &ast::ExprCall) {
    let Some(path) = argument(call, 1, "package_path") else {
        return;
    };
    let Some((suffix_range, suffix)) = old_suffix(checker, path) else {
        return;
    };
    let Some(rule) = checker.enabled(id::KFP403) else {
        return;
    };
    let details = if suffix == ".json" {
        "kfp 2 writes `.json` with a deprecation warning and prefers `.yaml`"
    } else {
        "kfp 2 raises `ValueError: The output path ... should end with \".yaml\"` for archives"
    };
    let mut edits = vec![Edit::replace(suffix_range, ".yaml")];
    // The same file read back by an upload or submit call of this module (`upload_pipeline('p.tar.gz')`) is
    // renamed with it.
    if let Some(written) = str_value(path) {
        for reader in checker.pipelines.package_paths.clone() {
            if str_value(reader) == Some(written)
                && let Some((read_range, _)) = old_suffix(checker, reader)
            {
                edits.push(Edit::replace(read_range, ".yaml"));
            }
        }
    }
    let fix = Fix::new(rule.fix.applicability(), edits);
    let d = Diagnostic::new(
        rule.code,
        range(path),
        rule.message_with(&[("name", suffix), ("details", details)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(Some(fix));
    // The rule is a warning (`.json` still compiles, with a DeprecationWarning); an archive output raises.
    let d = if suffix == ".json" {
        d
    } else {
        d.with_severity(crate::registry::Severity::Error)
    };
    checker.report(d);
}
