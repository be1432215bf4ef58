//! KFP219 on `dsl.VolumeOp(...)`.

use crate::diagnostic::{Diagnostic, Edit, Fix};
use crate::python::checker::Checker;
use crate::python::components::str_literal;
use crate::python::edits::spell_qualified;
use crate::python::names::range;
use crate::python::op_translate::python_str;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;
use std::ops::Range;

/// `dsl.VolumeOp`'s own parameters in positional order (kfp 1.8.22); `name=` and the other `ResourceOp`
/// arguments are keywords.
const VOLUME_OP_PARAMS: &[&str] = &[
    "resource_name",
    "size",
    "storage_class",
    "modes",
    "annotations",
    "data_source",
    "volume_name",
    "generate_unique_name",
];

/// The access modes a v1 `dsl.VOLUME_MODE_*` constant stands for.
fn access_modes(checker: &Checker, e: &Expr) -> Option<String> {
    match checker.qualified_name(e).as_deref() {
        Some("kfp.dsl.VOLUME_MODE_RWO") => Some("['ReadWriteOnce']".into()),
        Some("kfp.dsl.VOLUME_MODE_RWM") => Some("['ReadWriteMany']".into()),
        Some("kfp.dsl.VOLUME_MODE_ROM") => Some("['ReadOnlyMany']".into()),
        _ => match e {
            Expr::List(_) => Some(checker.text(range(e)).to_string()),
            _ => None,
        },
    }
}

/// kfp 1's `sanitize_k8s_name`: lower case, runs of other characters as `-`, trimmed.
pub(crate) fn k8s_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// KFP219 on `dsl.VolumeOp(...)`.
pub fn check_volume_op(
    checker: &mut Checker,
    call: &ast::ExprCall,
    call_range: Range<usize>,
    callee: &str,
) {
    if callee != "kfp.dsl.VolumeOp" {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP219) else {
        return;
    };
    let mut args: Vec<(&str, &Expr)> = Vec::new();
    let mut readable = !call
        .arguments
        .args
        .iter()
        .any(|a| matches!(a, Expr::Starred(_)))
        && call.arguments.args.len() <= VOLUME_OP_PARAMS.len();
    for (i, a) in call.arguments.args.iter().enumerate() {
        if let Some(p) = VOLUME_OP_PARAMS.get(i) {
            args.push((p, a));
        }
    }
    for k in &call.arguments.keywords {
        match k.arg.as_ref() {
            Some(a) => args.push((a.as_str(), &k.value)),
            None => readable = false,
        }
    }
    let get = |n: &str| args.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    let mut notes = Vec::new();
    if get("storage_class").is_none() {
        notes.push("v1 named no storage class: kfp-kubernetes sends `''`, which some backends read as \"no storage class\" (static binding) and others as the cluster default; pass `storage_class_name=` explicitly");
    }
    let fix = (|| {
        if !readable || checker.module.has_comment_in(call_range.clone()) {
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        let resource = str_literal(get("resource_name")?)?;
        let unique =
            get("generate_unique_name").map_or(Some(true), |g| match checker.text(range(g)) {
                "True" => Some(true),
                "False" => Some(false),
                _ => None,
            })?;
        if unique {
            // v1 named the claim `{{workflow.name}}-<resource_name>`; the v2 driver prefixes a uid to the suffix.
            out.push(format!(
                "pvc_name_suffix={}",
                python_str(&format!("-{}", k8s_name(&resource)))
            ));
        } else {
            out.push(format!("pvc_name={}", python_str(&k8s_name(&resource))));
        }
        // v1's default access mode is ReadWriteMany (`modes or VOLUME_MODE_RWM`).
        let modes = match get("modes") {
            Some(m) => access_modes(checker, m)?,
            None => "['ReadWriteMany']".to_string(),
        };
        out.push(format!("access_modes={modes}"));
        out.push(format!("size={}", checker.text(range(get("size")?))));
        for (v1, v2) in [
            ("storage_class", "storage_class_name"),
            ("annotations", "annotations"),
            ("volume_name", "volume_name"),
        ] {
            if let Some(v) = get(v1)
                && checker.text(range(v)) != "None"
            {
                out.push(format!("{v2}={}", checker.text(range(v))));
            }
        }
        // Anything else (data_source, k8s_resource, attribute_outputs, ...) needs a human.
        let known = |k: &str| VOLUME_OP_PARAMS.contains(&k) && k != "data_source" || k == "name";
        if args
            .iter()
            .any(|(k, v)| !known(k) && checker.text(range(*v)) != "None")
        {
            return None;
        }
        let (create, import) = spell_qualified(checker, "kfp.kubernetes.CreatePVC")?;
        let mut text = format!("{create}({})", out.join(", "));
        if let Some(name) = get("name").and_then(str_literal) {
            text.push_str(&format!(".set_display_name({})", python_str(&name)));
        }
        let mut edits = vec![Edit::replace(call_range.clone(), text)];
        edits.extend(import);
        Some(Fix::new(rule.fix.applicability(), edits))
    })();
    let details = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join("; "))
    };
    let d = Diagnostic::new(
        rule.code,
        range(call.func.as_ref()),
        rule.message_with(&[("details", &details)]),
    )
    .with_fix_title(rule.fix_title.clone())
    .with_fix(fix);
    checker.report(d);
}
