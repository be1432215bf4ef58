//! The data-driven engine for module and name moves, removals and builtin replacements.
//!
//! Every rule's `table` rows are merged into one map. A qualified name is matched against its longest listed
//! prefix (so `kfp.v2.dsl.ContainerOp`, listed as removed, wins over the `kfp.v2.dsl` module move). Imports
//! are rewritten at the import statement; references spelled through an attribute chain
//! (`kfp.v2.dsl.component` after `import kfp`) are rewritten where they are spelled; references through a
//! name bound by a rewritten import need no edit of their own.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::python::checker::{Checker, ImportSite};
use crate::python::edits::{delete_statement, from_import_text, join_statements, spell_qualified};
use crate::python::names::{BindingKind, Resolved, range};
use crate::python::parse::ast::{self, Expr, Stmt};
use crate::registry::{FixAvailability, Match, Rule, TableEntry, id, registry};

/// Qualified names whose calls a handler reports, so the name table stays quiet about the callee.
const CALLS_WITH_HANDLERS: &[&str] = &["kfp.components.load_component"];

/// Qualified names every use of which a handler rule reports (the rule id), so the name table stays quiet
/// about the uses while that rule is enabled: the v1 factories are rewritten where they are applied.
const USES_WITH_HANDLERS: &[(&str, &str)] = &[
    ("kfp.components.create_component_from_func", id::KFP101),
    ("kfp.components.func_to_container_op", id::KFP101),
    ("kfp.dsl.ContainerOp", id::KFP201),
    ("kfp.dsl.VolumeOp", id::KFP219),
    ("kfp.dsl.VOLUME_MODE_RWO", id::KFP219),
    ("kfp.dsl.VOLUME_MODE_RWM", id::KFP219),
    ("kfp.dsl.VOLUME_MODE_ROM", id::KFP219),
];

/// A matched table row.
pub struct Hit {
    pub rule: &'static Rule,
    pub entry: &'static TableEntry,
    /// What follows the matched prefix, including the leading dot (empty for an exact match).
    pub rest: String,
}

impl Hit {
    /// The v2 qualified name, for moves.
    pub fn replacement(&self) -> Option<String> {
        let to = self.entry.to.as_deref()?;
        (!to.starts_with("builtins.")).then(|| format!("{to}{}", self.rest))
    }
    /// The builtin that replaces a v1 type class.
    pub fn builtin(&self) -> Option<&'static str> {
        self.entry.to.as_deref()?.strip_prefix("builtins.")
    }
}

fn table() -> &'static HashMap<&'static str, (&'static Rule, &'static TableEntry)> {
    static TABLE: OnceLock<HashMap<&'static str, (&'static Rule, &'static TableEntry)>> =
        OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::default();
        for rule in &registry().rules {
            for entry in &rule.table {
                map.insert(entry.from.as_str(), (rule, entry));
            }
        }
        map
    })
}

/// The longest table row matching `qualified`.
pub fn lookup(qualified: &str) -> Option<Hit> {
    let table = table();
    let mut prefix = qualified;
    loop {
        if let Some((rule, entry)) = table.get(prefix)
            && (entry.matching == Match::Prefix || prefix.len() == qualified.len())
        {
            return Some(Hit {
                rule,
                entry,
                rest: qualified[prefix.len()..].to_string(),
            });
        }
        prefix = &prefix[..prefix.rfind('.')?];
    }
}

/// Fills a rule's message template.
pub fn message(rule: &Rule, name: &str, replacement: &str, guidance: &str) -> String {
    rule.message
        .replace("{name}", name)
        .replace("{replacement}", replacement)
        .replace("{guidance}", guidance)
}

fn hit_message(hit: &Hit, name: &str) -> String {
    let replacement = hit
        .replacement()
        .or_else(|| hit.builtin().map(str::to_string))
        .unwrap_or_default();
    message(
        hit.rule,
        name,
        &replacement,
        hit.entry.guidance.as_deref().unwrap_or(""),
    )
}

/// An attribute chain or name in load context, e.g. `kfp.v2.dsl.component` or `types.Integer()`.
pub fn check_chain(
    checker: &mut Checker,
    expr: &Expr,
    head: Option<&Resolved>,
    bare_call: Option<Range<usize>>,
    is_callee: bool,
) {
    let Some(resolved) = head else { return };
    let Some(head_qualified) = checker.model.qualified_of(resolved) else {
        return;
    };
    // The chain's nodes from the outermost to the head, and its qualified name from the head outward.
    let mut nodes = vec![expr];
    while let Expr::Attribute(a) = nodes[nodes.len() - 1] {
        nodes.push(&a.value);
    }
    let mut full = head_qualified.clone();
    for node in nodes.iter().rev() {
        if let Expr::Attribute(a) = node {
            full.push('.');
            full.push_str(a.attr.as_str());
        }
    }
    let Some(hit) = lookup(&full) else { return };
    if checker.enabled(&hit.rule.id).is_none() {
        return;
    }
    let bound_by_import = matches!(resolved, Resolved::Binding(b)
        if checker.model.bindings[*b].kind != BindingKind::Local);
    let matched = &full[..full.len() - hit.rest.len()];
    // How many attribute steps below the head the matched name is spelled; none means the head itself (or a
    // name it was imported as) stands for it, and the import statement is where that gets reported.
    let Some(depth_of_matched) = matched
        .matches('.')
        .count()
        .checked_sub(head_qualified.matches('.').count())
    else {
        return;
    };
    if depth_of_matched == 0 && bound_by_import {
        return;
    }
    if depth_of_matched > 0
        && bound_by_import
        && hit.replacement().is_some()
        && lookup(&head_qualified).is_some_and(|h| h.replacement().is_some())
    {
        // The head's import is moved, and moving it already fixes what this chain means. (A chain whose own
        // row removes the name, `dsl.ContainerOp` through `from kfp.v2 import dsl`, is still reported.)
        return;
    }
    if is_callee && CALLS_WITH_HANDLERS.contains(&matched) {
        // A call handler reports (and fixes) calls of this name.
        return;
    }
    if USES_WITH_HANDLERS
        .iter()
        .any(|(name, rule)| *name == matched && checker.enabled(rule).is_some())
    {
        return;
    }
    let node_index = nodes.len() - 1 - depth_of_matched;
    let node = nodes[node_index];
    let node_range = range(node);
    // Messages name the matched part and its replacement, not the whole chain.
    let matched_hit = Hit {
        rule: hit.rule,
        entry: hit.entry,
        rest: String::new(),
    };
    let diagnostic = Diagnostic::new(
        hit.rule.code,
        node_range.clone(),
        hit_message(&matched_hit, matched),
    )
    .with_fix_title(fix_title(&hit, matched));
    let applicability = hit.rule.fix.applicability();
    let fix = if let Some(builtin) = hit.builtin() {
        let target = match (&bare_call, node_index) {
            (Some(call), 0) => call.clone(),
            _ => node_range,
        };
        Some(Fix::new(
            applicability,
            vec![Edit::replace(target, builtin)],
        ))
    } else if let Some(to) = hit.entry.to.as_deref() {
        // Re-spell the matched part through the head's binding: `kfp.v2.dsl` → `kfp` + `.dsl`.
        let head_text = checker.text(range(nodes[nodes.len() - 1]));
        match to.strip_prefix(head_qualified.as_str()) {
            Some(tail) if tail.is_empty() || tail.starts_with('.') => Some(Fix::new(
                applicability,
                vec![Edit::replace(node_range, format!("{head_text}{tail}"))],
            )),
            // The new name lives in another package than the head (`kfp_tekton.compiler.TektonCompiler` →
            // `kfp.compiler.Compiler`), or the head's module is itself removed (GCPC 1.x's `aiplatform`):
            // spell it through an existing import or a new one, so the head's import can go. (Otherwise the
            // head's own import is what a user rewrites.)
            _ if top_package(to) != top_package(&head_qualified)
                || lookup(&head_qualified).is_some_and(|h| h.entry.to.is_none()) =>
            {
                spell_qualified(checker, to).map(|(spelled, import)| {
                    let mut edits = vec![Edit::replace(node_range, spelled)];
                    edits.extend(import);
                    Fix::new(applicability, edits)
                })
            }
            _ => None,
        }
    } else {
        None
    };
    report(checker, &hit, matched, diagnostic, fix);
}

/// Reports a table finding with its fix. A removed name the file still uses has none: its help says so
/// instead of naming the fix its rule has for an unused import (unless another rule rewrites the uses, after
/// which the import is unused indeed).
fn report(checker: &mut Checker, hit: &Hit, name: &str, d: Diagnostic, fix: Option<Fix>) {
    let only_unused_imports_fixed = hit.rule.fix_title.contains("unused import");
    let uses_rewritten = USES_WITH_HANDLERS
        .iter()
        .any(|(n, _)| *n == hit.entry.from.as_str());
    let d = if fix.is_none()
        && hit.entry.to.is_none()
        && only_unused_imports_fixed
        && !uses_rewritten
    {
        d.with_fix_title(format!(
            "Rewrite the uses of `{name}` as the message says; its import is removed once nothing uses it"
        ))
    } else {
        d
    };
    checker.report(d.with_fix(fix));
}

fn top_package(qualified: &str) -> &str {
    qualified.split('.').next().unwrap_or(qualified)
}

fn fix_title(hit: &Hit, matched: &str) -> String {
    let replacement = hit
        .entry
        .to
        .as_deref()
        .map(|t| t.trim_start_matches("builtins."))
        .unwrap_or("");
    hit.rule
        .fix_title
        .replace("{name}", matched)
        .replace("{replacement}", replacement)
        .replace("{guidance}", hit.entry.guidance.as_deref().unwrap_or(""))
}

/// `(name, alias)` of one name in a `from … import` statement.
type ImportedName = (String, Option<String>);

/// What happens to one imported name.
enum Action {
    /// Import it from elsewhere: (module, name).
    Move(String, String),
    /// Drop the import and write the builtin at every use.
    Builtin(&'static str),
    /// Removed from kfp 2: report; delete the import only when unused.
    Removed,
}

impl Action {
    fn of(hit: &Hit) -> Self {
        match (hit.builtin(), hit.replacement()) {
            (Some(b), _) => Action::Builtin(b),
            (None, Some(new)) => match new.rsplit_once('.') {
                Some((m, n)) => Action::Move(m.to_string(), n.to_string()),
                None => Action::Move(String::new(), new),
            },
            (None, None) => Action::Removed,
        }
    }
}

struct AliasPlan<'a> {
    alias: &'a ast::Alias,
    qualified: String,
    hit: Option<Hit>,
    action: Option<Action>,
}

/// Checks an import statement against the table.
pub fn check_import(checker: &mut Checker, site: &ImportSite) {
    match site.stmt {
        Stmt::Import(import) => {
            for alias in &import.names {
                check_plain_import(checker, site, alias);
            }
        }
        Stmt::ImportFrom(import) => {
            let relative = import.level > 0;
            if let (Some(module), false) = (&import.module, relative) {
                check_from_import(checker, site, module.as_str(), &import.names);
            }
        }
        _ => {}
    }
}

fn binding_of_alias(checker: &Checker, alias: &ast::Alias) -> Option<usize> {
    let r = range(alias);
    checker
        .model
        .bindings
        .iter()
        .position(|b| b.range == r && b.kind != BindingKind::Local)
}

fn is_unused(checker: &Checker, alias: &ast::Alias) -> bool {
    binding_of_alias(checker, alias).is_some_and(|b| checker.model.references[b].is_empty())
}

/// `import a.b.c [as d]`
fn check_plain_import(checker: &mut Checker, site: &ImportSite, alias: &ast::Alias) {
    let module = alias.name.as_str();
    let Some(hit) = lookup(module) else { return };
    if checker.enabled(&hit.rule.id).is_none() {
        return;
    }
    // Ruff's AST gives the dotted name its own range.
    let name_range = range(&alias.name);
    let matched = &module[..module.len() - hit.rest.len()];
    let diagnostic = Diagnostic::new(
        hit.rule.code,
        name_range.clone(),
        hit_message(&hit, matched),
    )
    .with_fix_title(fix_title(&hit, matched));
    let fix = match hit.replacement() {
        Some(new_module) => Some(Fix::new(
            hit.rule.fix.applicability(),
            vec![Edit::replace(name_range, new_module)],
        )),
        None if hit.builtin().is_none() && is_unused(checker, alias) => {
            removal_fix(checker, site, &[alias])
        }
        None => None,
    };
    report(checker, &hit, matched, diagnostic, fix);
}

/// The names an import statement imports.
fn site_aliases<'a>(site: &ImportSite<'a>) -> &'a [ast::Alias] {
    match site.stmt {
        Stmt::Import(i) => &i.names,
        Stmt::ImportFrom(i) => &i.names,
        _ => &[],
    }
}

/// Deletes some aliases of an import statement (the whole statement when it has no others).
fn removal_fix(checker: &Checker, site: &ImportSite, remove: &[&ast::Alias]) -> Option<Fix> {
    let names = site_aliases(site);
    if remove.len() == names.len() {
        let edit = delete_statement(checker.source, site.stmt, site.sole_in_block);
        return Some(Fix::new(Applicability::Safe, vec![edit]));
    }
    // Delete each alias with the comma that separates it from its neighbour.
    let mut edits = Vec::new();
    for alias in remove {
        let index = names.iter().position(|a| std::ptr::eq(a, *alias))?;
        let r = range(*alias);
        let edit = if index + 1 < names.len() {
            Edit::delete(r.start..range(&names[index + 1]).start)
        } else {
            Edit::delete(range(&names[index - 1]).end..r.end)
        };
        edits.push(edit);
    }
    let fix = Fix::new(Applicability::Safe, edits);
    fix.is_well_formed().then_some(fix)
}

/// `from m import a [as b], …` and `from m import *`
fn check_from_import(
    checker: &mut Checker,
    site: &ImportSite,
    module: &str,
    aliases: &[ast::Alias],
) {
    let Stmt::ImportFrom(ast::StmtImportFrom {
        module: Some(module_name),
        ..
    }) = site.stmt
    else {
        return;
    };
    let module_range = range(module_name);
    if aliases.len() == 1 && aliases[0].name.as_str() == "*" {
        let Some(hit) = lookup(module) else { return };
        if checker.enabled(&hit.rule.id).is_none() {
            return;
        }
        let fix = hit.replacement().map(|new| {
            Fix::new(
                hit.rule.fix.applicability(),
                vec![Edit::replace(module_range.clone(), new)],
            )
        });
        let d = Diagnostic::new(hit.rule.code, module_range, hit_message(&hit, module))
            .with_fix_title(fix_title(&hit, module));
        report(checker, &hit, module, d, fix);
        return;
    }
    let plans: Vec<AliasPlan> = aliases
        .iter()
        .map(|alias| {
            let qualified = format!("{module}.{}", alias.name.as_str());
            let hit = lookup(&qualified).filter(|h| checker.enabled(&h.rule.id).is_some());
            let action = hit.as_ref().map(Action::of);
            AliasPlan {
                alias,
                qualified,
                hit,
                action,
            }
        })
        .collect();
    // One diagnostic (and one fix) per rule that matched names of this statement.
    let mut rules: Vec<&'static Rule> = Vec::new();
    for plan in &plans {
        if let Some(hit) = &plan.hit
            && !rules.iter().any(|r| r.id == hit.rule.id)
        {
            rules.push(hit.rule);
        }
    }
    for rule in rules {
        let in_group = |p: &AliasPlan| p.hit.as_ref().is_some_and(|h| h.rule.id == rule.id);
        let group: Vec<&AliasPlan> = plans.iter().filter(|p| in_group(p)).collect();
        let whole = group.len() == plans.len();
        let range = if whole {
            module_range.clone()
        } else {
            range(group[0].alias).start..range(group[group.len() - 1].alias).end
        };
        let first = &group[0];
        let Some(hit) = first.hit.as_ref() else {
            continue;
        };
        let mut message = hit_message(hit, &first.qualified);
        if group.len() > 1 {
            message.push_str(&format!(" (and {} more imported names)", group.len() - 1));
        }
        let diagnostic = Diagnostic::new(rule.code, range, message)
            .with_fix_title(fix_title(hit, &first.qualified));
        let fix = from_import_fix(checker, site, module, module_range.clone(), &plans, rule);
        report(checker, hit, &first.qualified, diagnostic, fix);
    }
}

fn from_import_fix(
    checker: &Checker,
    site: &ImportSite,
    module: &str,
    module_range: Range<usize>,
    plans: &[AliasPlan],
    rule: &'static Rule,
) -> Option<Fix> {
    let in_group = |p: &AliasPlan| p.hit.as_ref().is_some_and(|h| h.rule.id == rule.id);
    let group: Vec<&AliasPlan> = plans.iter().filter(|p| in_group(p)).collect();
    let applicability = rule.fix.applicability();
    if rule.fix == FixAvailability::None {
        return None;
    }
    // Removed names: only an unused import can go.
    if group
        .iter()
        .all(|p| matches!(p.action, Some(Action::Removed)))
    {
        if !group.iter().all(|p| is_unused(checker, p.alias)) {
            return None;
        }
        let aliases: Vec<&ast::Alias> = group.iter().map(|p| p.alias).collect();
        return removal_fix(checker, site, &aliases);
    }
    if group
        .iter()
        .any(|p| matches!(p.action, Some(Action::Removed)))
    {
        return None;
    }
    // Simplest case: every name moves to the same new module under the same name.
    let all_same_module = group.len() == plans.len()
        && group.iter().all(|p| {
            matches!(&p.action, Some(Action::Move(m, n)) if !m.is_empty() && n == p.alias.name.as_str())
        })
        && group.windows(2).all(|w| match (&w[0].action, &w[1].action) {
            (Some(Action::Move(a, _)), Some(Action::Move(b, _))) => a == b,
            _ => false,
        });
    if all_same_module {
        let Some(Action::Move(new_module, _)) = &group[0].action else {
            return None;
        };
        return Some(Fix::new(
            applicability,
            vec![Edit::replace(module_range, new_module.clone())],
        ));
    }
    // Otherwise rebuild the statement: names of other rules stay where they are.
    let mut edits = Vec::new();
    let mut kept: Vec<ImportedName> = Vec::new();
    let mut moved: Vec<(String, Vec<ImportedName>)> = Vec::new();
    let mut plain_imports: Vec<String> = Vec::new();
    for plan in plans {
        let name = plan.alias.name.to_string();
        let asname = plan.alias.asname.as_ref().map(|a| a.to_string());
        let bound = asname.clone().unwrap_or_else(|| name.clone());
        match (&plan.action, in_group(plan)) {
            (Some(Action::Move(m, n)), true) if m.is_empty() => {
                // A top-level package (`from kfp import v2` → `kfp`): bind it under the same name.
                plain_imports.push(if &bound == n {
                    format!("import {n}")
                } else {
                    format!("import {n} as {bound}")
                });
            }
            (Some(Action::Move(m, n)), true) => {
                // A renamed name imported without an alias (`Condition` → `If`) is renamed at every use when
                // the new name is free; otherwise it keeps its old name as an alias.
                let renamed_uses = n != &name
                    && asname.is_none()
                    && !checker.model.is_bound_anywhere(n)
                    && binding_of_alias(checker, plan.alias).is_some_and(|b| {
                        for reference in &checker.model.references[b] {
                            edits.push(Edit::replace(reference.range.clone(), n.clone()));
                        }
                        true
                    });
                let entry = (n.clone(), (!renamed_uses).then_some(bound));
                match moved.iter_mut().find(|(mm, _)| mm == m) {
                    Some((_, list)) => list.push(entry),
                    None => moved.push((m.clone(), vec![entry])),
                }
            }
            (Some(Action::Builtin(b)), true) => {
                let binding = binding_of_alias(checker, plan.alias)?;
                for reference in &checker.model.references[binding] {
                    let target = reference
                        .bare_call
                        .clone()
                        .unwrap_or(reference.range.clone());
                    edits.push(Edit::replace(target, *b));
                }
            }
            _ => kept.push((name, asname)),
        }
    }
    let mut statements = Vec::new();
    if !kept.is_empty() {
        statements.push(from_import_text(module, &kept));
    }
    statements.extend(plain_imports);
    for (m, names) in &moved {
        statements.push(from_import_text(m, names));
    }
    let stmt_range = range(site.stmt);
    let mut applicability = applicability;
    if checker.module.has_comment_in(stmt_range.clone()) {
        // Rewriting the statement would drop the comment inside it: show the fix, never apply it.
        applicability = Applicability::DisplayOnly;
    }
    if statements.is_empty() {
        edits.push(delete_statement(
            checker.source,
            site.stmt,
            site.sole_in_block,
        ));
    } else {
        edits.push(Edit::replace(
            stmt_range.clone(),
            join_statements(checker.source, &stmt_range, &statements),
        ));
    }
    let fix = Fix::new(applicability, edits);
    fix.is_well_formed().then_some(fix)
}
