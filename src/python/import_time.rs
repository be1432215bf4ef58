//! What importing a module runs, and what of it still fails under kfp 2: the blocker another file's import of
//! this module meets (KFP016).
//!
//! Importing a module runs its module-level statements, class bodies, decorators and default values, but not
//! function bodies nor the `if __name__ == '__main__':` block. A finding there that is an error and that no
//! fix removes (none, or shown only) still fails after migration, so every file importing the module fails too.

use std::ops::Range;

use super::context::Context;
use super::literals;
use super::parse::ast::{self, Expr, Stmt};
use super::parse::range;
use super::syntax_errors::SYNTAX_ERROR_RULE;
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::project::ImportBlocker;
use crate::registry::severity_of;

/// The first of `remaining`, the findings a migration left in `fixed` (the module's text after every fix,
/// unsafe ones included), that blocks importing the module under kfp 2, if any. Judged on the migrated text:
/// a finding without a fix of its own may go with another rule's fix (the import of a removed factory goes
/// when its use is rewritten).
pub fn first_blocker(
    fixed: &str,
    remaining: &[Diagnostic],
    ctx: &Context,
) -> Option<ImportBlocker> {
    let module = ctx.parse(fixed);
    let mut deferred = Vec::new();
    deferred_ranges(&module.body, &mut deferred);
    remaining
        .iter()
        .filter(|d| blocks(d))
        // A syntax error fails the import wherever it is.
        .find(|d| {
            d.rule == SYNTAX_ERROR_RULE || !deferred.iter().any(|r| r.contains(&d.range.start))
        })
        .map(|d| ImportBlocker {
            rule: d.rule,
            message: d.message.clone(),
        })
}

/// An error the migration left: it has no fix, or one that is only shown or was held back.
fn blocks(d: &Diagnostic) -> bool {
    severity_of(d) == Severity::Error
        && d.applicability()
            .is_none_or(|a| a == Applicability::DisplayOnly)
}

/// The parts of `body` an import does not run: function bodies and `if __name__ == '__main__':` blocks.
fn deferred_ranges(body: &[Stmt], out: &mut Vec<Range<usize>>) {
    for stmt in body {
        match stmt {
            Stmt::FunctionDef(f) => out.extend(span(&f.body)),
            Stmt::ClassDef(c) => deferred_ranges(&c.body, out),
            Stmt::If(i) if is_main_guard(&i.test) => out.extend(span(&i.body)),
            Stmt::If(i) => {
                deferred_ranges(&i.body, out);
                for clause in &i.elif_else_clauses {
                    deferred_ranges(&clause.body, out);
                }
            }
            Stmt::Try(t) => {
                deferred_ranges(&t.body, out);
                for handler in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    deferred_ranges(&h.body, out);
                }
                deferred_ranges(&t.orelse, out);
                deferred_ranges(&t.finalbody, out);
            }
            Stmt::With(w) => deferred_ranges(&w.body, out),
            Stmt::For(f) => {
                deferred_ranges(&f.body, out);
                deferred_ranges(&f.orelse, out);
            }
            Stmt::While(w) => {
                deferred_ranges(&w.body, out);
                deferred_ranges(&w.orelse, out);
            }
            _ => {}
        }
    }
}

fn span(body: &[Stmt]) -> Option<Range<usize>> {
    Some(range(body.first()?).start..range(body.last()?).end)
}

/// `__name__ == '__main__'`, either way round.
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(c) = test else {
        return false;
    };
    let [right] = &*c.comparators else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| literals::str_value(e) == Some("__main__");
    (is_name(&c.left) && is_main(right)) || (is_main(&c.left) && is_name(right))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::Project;
    use crate::settings::RuleSelection;
    use crate::source::SourceFile;

    fn blocker(text: &str) -> Option<(&'static str, String)> {
        let project = Project::default();
        let path = std::path::Path::new("util.py");
        let source = SourceFile::new(path, text.to_string(), false);
        let ctx = Context::checking(&project, path);
        crate::python::import_blocker(&source, &RuleSelection::default(), &ctx)
            .map(|b| (b.rule, b.message))
    }

    #[test]
    fn a_removed_module_used_at_module_level_blocks() {
        let text = "import os\nfrom kfp.onprem import mount_pvc\n\nSETTING = mount_pvc\n";
        let (rule, message) = blocker(text).expect("a blocker");
        assert_eq!(rule, crate::registry::id::KFP013);
        assert!(message.contains("kfp.onprem"), "{message}");
    }

    #[test]
    fn what_an_import_does_not_run_does_not_block() {
        // Inside a function body or the `__main__` block the removed module is only imported when run.
        let text = "def f():\n    from kfp.onprem import mount_pvc\n    return mount_pvc\n\n\
                    if __name__ == '__main__':\n    from kfp import gcp\n    print(gcp)\n";
        assert_eq!(blocker(text), None);
    }

    #[test]
    fn a_fixable_finding_does_not_block() {
        // The unused import of a removed module is deleted by its fix.
        assert_eq!(blocker("from kfp.onprem import mount_pvc\n"), None);
        assert_eq!(
            blocker("import kfp.v2.dsl as dsl\nx = dsl.component\n"),
            None
        );
    }

    #[test]
    fn a_syntax_error_blocks_wherever_it_is() {
        let blocker = blocker("import kfp\n\ndef f():\n    return 1 +\n");
        assert_eq!(blocker.map(|b| b.0), Some(crate::python::SYNTAX_ERROR_RULE));
    }
}
