//! KFP118: a component loaded by a literal URL whose spec could not be read (not mapped and fetching off, an
//! unreadable mapped file, a failed fetch, not a component spec). Its calls are then checked without the
//! spec, so the run says why instead of passing over them in silence.

use crate::diagnostic::Diagnostic;
use crate::python::checker::Checker;
use crate::python::literals::str_value;
use crate::python::names::range;
use crate::python::parse::ast::{self, Expr};
use crate::registry::id;

/// `load_component_from_url('<literal>')`, and `url='<literal>'`.
pub fn check_call(checker: &mut Checker, call: &ast::ExprCall, callee: &str) {
    // Asked of every call: compared in place, not through a rewritten copy of the name.
    if !matches!(
        callee,
        "kfp.components.load_component_from_url" | "kfp.v2.components.load_component_from_url"
    ) {
        return;
    }
    let argument = call.arguments.args.first().or_else(|| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == "url"))
            .map(|k| &k.value)
    });
    let Some(argument) = argument.filter(|a| matches!(a, Expr::StringLiteral(_))) else {
        return;
    };
    let Some(url) = str_value(argument) else {
        return;
    };
    let Some(rule) = checker.enabled(id::KFP118) else {
        return;
    };
    let resolved = match checker.component_urls() {
        Some(urls) => urls.resolve(url, None),
        None => crate::component_urls::ComponentUrls::default().resolve(url, None),
    };
    let reason = match resolved {
        Ok(spec) if crate::yaml::interface::component("op", &spec.text).is_some() => return,
        Ok(_) => "the text there is not a v1 component spec kfp-upgrade can read".to_string(),
        Err(e) => e.reason(),
    };
    let d = Diagnostic::new(
        rule.code,
        range(argument),
        rule.message_with(&[("url", url), ("reason", &reason)]),
    )
    .with_fix_title(rule.fix_title.clone());
    checker.report(d);
}
