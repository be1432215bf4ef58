//! Python sources: parse, resolve names, check, fix.

pub(crate) mod cells;
pub(crate) mod checker;
pub(crate) mod components;
pub(crate) mod context;
pub(crate) mod edits;
pub(crate) mod handlers;
pub(crate) mod import_time;
pub(crate) mod json_literals;
pub(crate) mod literals;
pub(crate) mod names;
pub(crate) mod notebook_index;
pub(crate) mod op_translate;
pub(crate) mod parse;
pub(crate) mod pipelines;
pub(crate) mod syntax_errors;
pub(crate) mod unbound;
pub(crate) mod visit;
pub(crate) mod walk;
pub(crate) mod yaml_loads;

use crate::diagnostic::Diagnostic;
use crate::fix::{Checked, FixOutcome};
use crate::noqa;
use crate::project::{ModuleComponents, ModulePath, Project};
use crate::registry::id;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

pub use context::Context;
pub use parse::SyntaxError;
pub use syntax_errors::SYNTAX_ERROR_RULE;

/// The rule whose fix rewrites v1 component definitions; call sites are renamed only together with it.
const COMPONENT_FACTORY_RULE: &str = id::KFP101;
/// The rule that turns `ContainerOp` factories into container components; their callers follow it.
const CONTAINER_OP_RULE: &str = id::KFP201;
/// The rule that turns `Output[Metrics]` parameters into returned artifacts; call sites follow it too.
const PYTHONIC_ARTIFACT_RULE: &str = id::KFP116;
/// The rules whose diagnostics the index reads. They depend on no other rule's work (the checker, not the
/// rules, tracks tasks and variables), so the index runs only them; a test compares with a full check.
const INDEX_RULES: &[&str] = &[
    COMPONENT_FACTORY_RULE,
    CONTAINER_OP_RULE,
    PYTHONIC_ARTIFACT_RULE,
];

/// A file's check against a project holding only its own components, made while indexing it so the module is
/// parsed once. It is the run's check as well unless another file's components live under a module the check
/// looked up (`Project::answers_as_alone`).
#[derive(Debug)]
pub struct OwnCheck {
    pub diagnostics: Vec<Diagnostic>,
    /// The modules the check looked components up in.
    pub queried: Vec<String>,
    /// The files of the run the check asked whether they import under kfp 2 (KFP016).
    pub imported: Vec<std::path::PathBuf>,
}

/// The components a source defines, for the project index, and with `check` its own check, from one parse.
/// A source with syntax errors defines no components: its definitions are not rewritten (a file with syntax
/// errors gets no fix), so their callers keep their v1 names. YAML component specs loaded with a literal path
/// are read with `read`.
///
/// Call sites are renamed with the applicability of the definition's own fix, so each entry is confirmed
/// against the diagnostics the file really gets: a definition whose rewrite is suppressed (`# noqa`), has no
/// automatic fix (comments inside the call, a taken `dsl` name) or is display-only keeps its callers' v1
/// names. The same holds for the pythonic-artifact rewrite (KFP116).
pub fn index(
    source: &SourceFile,
    selection: &RuleSelection,
    read: &dyn Fn(&std::path::Path) -> Option<String>,
    check: bool,
) -> (ModuleComponents, Option<OwnCheck>) {
    let module = parse::parse_module(&source.text);
    // Computed once: finding the module's package looks for `__init__.py` files on disk.
    let module_path = ModulePath::of(&source.path);
    let analysis = analyse(&module_path, &module);
    let components = index_parsed(
        source,
        &module,
        &module_path,
        &analysis,
        selection,
        read,
        Some(INDEX_RULES),
    );
    if !check {
        return (components, None);
    }
    let mut own = Project::recording();
    own.add(components);
    let ctx = Context {
        project: &own,
        module: module_path,
        indexing: false,
        only: None,
        notebook: false,
    };
    // The own check is the model's last use: it takes it rather than a copy.
    let diagnostics = check_parsed(
        source,
        &module,
        analysis.model,
        &analysis.facts,
        selection,
        &ctx,
    );
    let queried = own.queried();
    let imported = own.imports_asked();
    let components = own
        .into_modules()
        .next()
        .expect("the project holds the one module added");
    (
        components,
        Some(OwnCheck {
            diagnostics,
            queried,
            imported,
        }),
    )
}

/// A notebook's entry in the component index: its function components, confirmed against its own check as a
/// file's are (so calls in every cell follow their renames), and the specs its cells load. A notebook is not
/// importable: its entry has no module name. With a cell that does not parse, only the loaded specs.
pub fn index_notebook(
    source: &SourceFile,
    selection: &RuleSelection,
    read: &dyn Fn(&std::path::Path) -> Option<String>,
) -> ModuleComponents {
    let module = parse::parse_cells(&source.text, &cells::ranges(&source.text));
    if !module.is_valid() {
        return notebook_index::index(source, &module, selection, read);
    }
    let module_path = ModulePath::of(&source.path);
    let analysis = analyse(&module_path, &module);
    let mut components = index_parsed(
        source,
        &module,
        &module_path,
        &analysis,
        selection,
        read,
        Some(INDEX_RULES),
    );
    components.module = None;
    components
}

/// What the index and the checks of one parse share: the semantic model as built (each check works on its own
/// copy, as it records references) and the module's pipeline facts.
struct Analysis<'m> {
    model: names::SemanticModel,
    facts: pipelines::PipelineFacts<'m>,
}

fn analyse<'m>(path: &ModulePath, module: &'m parse::ParsedModule) -> Analysis<'m> {
    let model = names::SemanticModel::build_in(&module.body, Some(path));
    let facts = pipelines::PipelineFacts::collect(&module.body, &model);
    Analysis { model, facts }
}

fn index_parsed(
    source: &SourceFile,
    module: &parse::ParsedModule,
    module_path: &ModulePath,
    analysis: &Analysis,
    selection: &RuleSelection,
    read: &dyn Fn(&std::path::Path) -> Option<String>,
    only: Option<&'static [&'static str]>,
) -> ModuleComponents {
    let model = &analysis.model;
    if !module.is_valid() {
        return ModuleComponents {
            path: source.path.clone(),
            module: Some(module_path.clone()),
            components: std::collections::HashMap::new(),
            component_objects: Default::default(),
            compile_outputs: Vec::new(),
        };
    }
    let defs = components::find(
        module,
        &source.text,
        model,
        components::migration(selection),
    );
    let empty = Project::default();
    let ctx = Context {
        project: &empty,
        module: module_path.clone(),
        indexing: true,
        only,
        notebook: false,
    };
    // The definitions' own diagnostics confirm their entries; a module defining none needs no check.
    let diagnostics = if defs.components.is_empty() {
        Vec::new()
    } else {
        check_parsed(
            source,
            module,
            analysis.model.clone(),
            &analysis.facts,
            selection,
            &ctx,
        )
    };
    let fix_at = |rule: &str, at: &std::ops::Range<usize>| {
        diagnostics
            .iter()
            .find(|d| d.rule == rule && d.range == *at)
            .and_then(Diagnostic::applicability)
    };
    let mut components = std::collections::HashMap::new();
    for def in defs.components {
        let site = def.site_range();
        let mut component = def.component;
        if let Some(site) = site {
            let rule = match def.site {
                components::Site::ContainerOpFactory { .. }
                | components::Site::ContainerOpSubclass { .. } => CONTAINER_OP_RULE,
                _ => COMPONENT_FACTORY_RULE,
            };
            component.migration = fix_at(rule, &site);
        }
        for arg in components::parameters(def.function) {
            let Some(applicability) = fix_at(PYTHONIC_ARTIFACT_RULE, &names::range(&arg.parameter))
            else {
                continue;
            };
            // The output keeps its place but is read as the return value `Output` from now on.
            if let Some(o) = component
                .outputs
                .iter_mut()
                .find(|o| o.v2_name == arg.parameter.name.as_str())
            {
                o.v2_name = "Output".into();
                component.migration = Some(applicability);
                component.reason = crate::components::RenameReason::Pythonic;
            }
        }
        components.insert(component.name.clone(), std::sync::Arc::new(component));
    }
    let read_spec = |path: &str| yaml_loads::resolve_spec(source, module_path, path, read);
    for (binding, c) in yaml_loads::loaded_components(&module.body, model, selection, &read_spec) {
        components.insert(binding, std::sync::Arc::new(c));
    }
    ModuleComponents {
        path: source.path.clone(),
        module: Some(module_path.clone()),
        components,
        component_objects: pipelines::component_objects(&module.body, model),
        compile_outputs: compile_outputs(source, &analysis.facts),
    }
}

/// `(package path, pipeline)` of each `compile(pipeline, 'literal path')` call of the module.
fn compile_outputs(source: &SourceFile, facts: &pipelines::PipelineFacts) -> Vec<(String, String)> {
    facts
        .submissions
        .iter()
        .filter(|s| s.kind == pipelines::Submission::Compile)
        .filter_map(|s| {
            let path = literals::str_value(pipelines::argument(s.call, 1, "package_path")?)?;
            let pipeline = &source.text[names::range(s.pipeline_arg()?)];
            Some((path.to_string(), pipeline.to_string()))
        })
        .collect()
}

/// A source on its own (the rule examples, `--stdin-filename`): the project made of its components, and its
/// check against that project, from one parse.
pub fn check_alone(source: &SourceFile, selection: &RuleSelection) -> (Project, OwnCheck) {
    let read = |path: &std::path::Path| std::fs::read_to_string(path).ok();
    let (components, own) = index(source, selection, &read, true);
    let mut project = Project::default();
    project.add(components);
    (project, own.expect("the check was asked for"))
}

/// Checks a Python source on its own: the diagnostics that survive `# noqa`, in source order.
pub fn check(source: &SourceFile, selection: &RuleSelection) -> Vec<Diagnostic> {
    check_alone(source, selection).1.diagnostics
}

/// Checks a Python source of a run whose components are indexed in `ctx.project`.
pub fn check_in(source: &SourceFile, selection: &RuleSelection, ctx: &Context) -> Vec<Diagnostic> {
    check_checked(source, selection, ctx, false).diagnostics
}

/// The check of a fix round's result (`fix::fix_loop`): its findings, syntax errors and unbound names.
pub(crate) fn check_round(
    source: &SourceFile,
    selection: &RuleSelection,
    ctx: &Context,
) -> Checked {
    check_checked(source, selection, ctx, true)
}

fn check_checked(
    source: &SourceFile,
    selection: &RuleSelection,
    ctx: &Context,
    with_unbound: bool,
) -> Checked {
    let module = ctx.parse(&source.text);
    let analysis = analyse(&ctx.module, &module);
    let unbound = if with_unbound {
        unbound::unbound_reads(&module, &analysis.model)
    } else {
        Default::default()
    };
    Checked {
        diagnostics: check_parsed(
            source,
            &module,
            analysis.model,
            &analysis.facts,
            selection,
            ctx,
        ),
        broken: ctx.broken_regions(&source.text, &module.errors).len(),
        first_error: module.errors.into_iter().next().map(|e| e.message),
        unbound,
    }
}

/// `model` is the module's semantic model as built: the check records references in it, so each check gets
/// its own (a copy, or the original for the last check of a parse).
fn check_parsed<'m>(
    source: &SourceFile,
    module: &'m parse::ParsedModule,
    model: names::SemanticModel,
    facts: &pipelines::PipelineFacts<'m>,
    selection: &RuleSelection,
    ctx: &Context,
) -> Vec<Diagnostic> {
    let comments: Vec<_> = module.comments().collect();
    let syntax = syntax_errors::diagnostics(source, &module.errors);
    if noqa::file_is_exempt(source, comments.iter().cloned()) {
        return syntax;
    }
    let diagnostics = walk::check_module(source, module, model, facts, selection, ctx);
    let diagnostics = syntax_errors::without_doubtful(source, &module.errors, diagnostics);
    let frozen = ctx.broken_regions(&source.text, &module.errors);
    let diagnostics = syntax_errors::without_fixes_in(&frozen, diagnostics);
    // Unused `# noqa: KFPnnn` (KFP900) are not judged in a file with syntax errors, whose doubtful findings
    // were dropped.
    let mut diagnostics =
        noqa::suppress(source, &comments, diagnostics, selection, syntax.is_empty());
    if !syntax.is_empty() {
        // Syntax errors cannot be suppressed, as in ruff; they take their place in source order.
        diagnostics.extend(syntax);
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    }
    diagnostics
}

/// What still blocks importing `source` under kfp 2 after its migration (KFP016): the module goes through the
/// fix loop, unsafe fixes included, and the first error left at a place the import runs is the blocker.
pub fn import_blocker(
    source: &SourceFile,
    selection: &RuleSelection,
    ctx: &Context,
) -> Option<crate::project::ImportBlocker> {
    let outcome = fix_in(source, selection, true, ctx, None);
    first_import_blocker(&outcome.text, &outcome.remaining, ctx)
}

/// What blocks importing a module whose migration (unsafe fixes included) is `fixed`, with `remaining` left.
pub fn first_import_blocker(
    fixed: &str,
    remaining: &[Diagnostic],
    ctx: &Context,
) -> Option<crate::project::ImportBlocker> {
    import_time::first_blocker(fixed, remaining, ctx)
}

/// Fixes a Python source on its own (see `fix_in`).
pub fn fix(source: &SourceFile, selection: &RuleSelection, unsafe_fixes: bool) -> FixOutcome {
    let (project, own) = check_alone(source, selection);
    fix_in(
        source,
        selection,
        unsafe_fixes,
        &Context::checking(&project, &source.path),
        Some(own.diagnostics),
    )
}

/// Applies fixes until nothing changes, in the one fix loop of every kind of file (`fix::fix_loop`, with its
/// guards). A source with syntax errors is left as it is. The component index stays the one built from the
/// original texts: call sites are renamed by what their components were in v1. `checked` is the source's
/// check when already known (an `OwnCheck` that stands for the run's).
pub fn fix_in(
    source: &SourceFile,
    selection: &RuleSelection,
    unsafe_fixes: bool,
    ctx: &Context,
    checked: Option<Vec<Diagnostic>>,
) -> FixOutcome {
    let diagnostics = match checked {
        Some(d) => d,
        None => check_in(source, selection, ctx),
    };
    crate::fix::fix_loop(source, diagnostics, unsafe_fixes, |s| {
        check_checked(s, selection, ctx, true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index runs only `INDEX_RULES`; that must give the entries a full check gives, on every rule
    /// example (valid and invalid, all rules on) and every bundled example module.
    #[test]
    fn index_with_only_its_rules_equals_index_with_all() {
        let all = RuleSelection {
            select: vec!["KFP".into()],
            ..RuleSelection::default()
        };
        let mut texts: Vec<(String, String)> = Vec::new();
        for rule in &crate::registry::registry().rules {
            for e in &rule.examples.invalid {
                texts.push((format!("{} {}", rule.id, e.name), e.before.clone()));
            }
            for e in &rule.examples.valid {
                texts.push((format!("{} {}", rule.id, e.name), e.code.clone()));
            }
        }
        let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
        for entry in walkdir::WalkDir::new(examples) {
            let path = entry.unwrap().into_path();
            if path.extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(&path).unwrap();
                texts.push((path.display().to_string(), text));
            }
        }
        let mut compared = 0;
        let read = |_: &std::path::Path| None;
        for (name, text) in &texts {
            let source = SourceFile::new(std::path::Path::new("m.py"), text.clone(), false);
            let module = parse::parse_module(text);
            if !module.is_valid() {
                continue;
            }
            let shown = |m: ModuleComponents| {
                let mut entries: Vec<String> = m
                    .components
                    .iter()
                    .map(|(name, c)| format!("{name}: {c:?}"))
                    .collect();
                entries.sort();
                entries
            };
            let path = ModulePath::of(&source.path);
            let analysis = analyse(&path, &module);
            let index = |only| index_parsed(&source, &module, &path, &analysis, &all, &read, only);
            let restricted = shown(index(Some(INDEX_RULES)));
            let full = shown(index(None));
            assert_eq!(restricted, full, "{name}");
            compared += usize::from(!full.is_empty());
        }
        assert!(compared > 40, "only {compared} examples define components");
    }

    /// A check with one faulty rule: `KFP999` flags the `def` line and its fix inserts a decorator above it,
    /// which the rule does not see, as KFP301 once did. `unbound` makes the decorator read `kfp`, which the
    /// module binds nowhere.
    fn faulty_check(text: &SourceFile, reads_unbound: bool) -> Checked {
        use crate::diagnostic::{Applicability, Edit, Fix};
        let at = text.text.find("def ").unwrap();
        let decorator = if reads_unbound {
            "@kfp.dsl.pipeline\n"
        } else {
            "@pipeline\n"
        };
        let fix = Fix::new(Applicability::Safe, vec![Edit::insert(at, decorator)]);
        let d =
            Diagnostic::new("KFP999", at + 4..at + 5, "`p` is not decorated").with_fix(Some(fix));
        let module = parse::parse_module(&text.text);
        let model = names::SemanticModel::build(&module.body);
        Checked {
            diagnostics: vec![d],
            unbound: unbound::unbound_reads(&module, &model),
            ..Checked::default()
        }
    }

    #[test]
    fn a_fix_that_does_not_converge_is_stopped_and_reported() {
        let source = SourceFile::new(
            std::path::Path::new("m.py"),
            "from x import pipeline\n\ndef p():\n    pass\n".into(),
            false,
        );
        let first = faulty_check(&source, false).diagnostics;
        let outcome = crate::fix::fix_loop(&source, first, false, |s| faulty_check(s, false));
        assert_eq!(
            outcome.text, source.text,
            "the runaway result is never kept"
        );
        assert_eq!(outcome.held_back, ["the fix for KFP999 did not converge"]);
        assert!(outcome.remaining.iter().all(|d| d.fix.is_none()));
        let error = outcome.problem("Python").unwrap();
        assert!(error.contains("KFP999 did not converge"), "{error}");
    }

    #[test]
    fn a_fix_that_would_leave_a_name_unbound_is_reverted_and_reported() {
        let source = SourceFile::new(
            std::path::Path::new("m.py"),
            "def p():\n    pass\n\nif __name__ == '__main__':\n    import kfp\n".into(),
            false,
        );
        let first = faulty_check(&source, true).diagnostics;
        let outcome = crate::fix::fix_loop(&source, first, false, |s| faulty_check(s, true));
        assert_eq!(outcome.text, source.text);
        assert_eq!(
            outcome.held_back,
            ["the fix for KFP999 would leave `kfp` undefined"]
        );
        assert!(outcome.applied.is_empty());
    }
}
