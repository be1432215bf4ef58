//! Python sources: parse, resolve names, check, fix.

pub mod cells;
pub mod checker;
pub mod components;
pub mod container_op;
pub mod edits;
pub mod json_literals;
pub mod literals;
pub mod names;
pub mod notebook_index;
pub mod parse;
pub mod pipelines;
pub mod rules;
pub mod syntax_errors;
pub mod unbound;
pub mod visit;
pub mod yaml_loads;

use crate::diagnostic::{Applicability, Diagnostic};
use crate::fix::{AppliedFix, apply_fixes};
use crate::noqa;
use crate::project::{ModuleComponents, ModulePath, Project};
use crate::rules::registry;
use crate::settings::RuleSelection;
use crate::source::SourceFile;

pub use parse::SyntaxError;
pub use syntax_errors::SYNTAX_ERROR_RULE;

/// Upper bound on fix iterations: each one re-parses and re-checks. Most files settle in two or three, but
/// fixes that insert at the same place (one module-level container component per inline `ContainerOp` of a
/// pipeline) take one round each, and real pipelines have dozens of ops.
const MAX_FIX_ITERATIONS: usize = 64;

/// What a file is checked against: the run's component index and the file's place in the import system.
pub struct Context<'p> {
    pub project: &'p Project,
    pub module: ModulePath,
    /// Set while the index itself is being built: rules whose fix depends on the index (KFP116) then report
    /// the fix they would make, so the index can record it.
    pub indexing: bool,
    /// When set, only these rules run (the index needs the diagnostics of three rules, not of all).
    pub only: Option<&'static [&'static str]>,
    /// The source is a notebook's cells joined by `cells::boundary` lines: each cell is parsed on its own, in
    /// IPython's dialect, and a cell with a syntax error is left alone while the others are fixed.
    pub notebook: bool,
}

impl<'p> Context<'p> {
    /// The context of the check of the file at `path` against `project`.
    pub fn checking(project: &'p Project, path: &std::path::Path) -> Self {
        Self {
            project,
            module: ModulePath::of(path),
            indexing: false,
            only: None,
            notebook: false,
        }
    }

    /// The context of the check of a notebook's joined cells.
    pub fn notebook(project: &'p Project, path: &std::path::Path) -> Self {
        Self {
            notebook: true,
            ..Self::checking(project, path)
        }
    }

    fn parse(&self, text: &str) -> parse::ParsedModule {
        if self.notebook {
            parse::parse_cells(text, &cells::ranges(text))
        } else {
            parse::parse_module(text)
        }
    }

    /// The parts of `text` a syntax error in `errors` freezes: the whole file, or in a notebook its cell.
    fn broken_regions(&self, text: &str, errors: &[SyntaxError]) -> Vec<std::ops::Range<usize>> {
        if errors.is_empty() {
            return Vec::new();
        }
        if !self.notebook {
            #[allow(clippy::single_range_in_vec_init)]
            return vec![0..text.len()];
        }
        cells::ranges(text)
            .into_iter()
            .filter(|cell| {
                errors
                    .iter()
                    .any(|e| cell.start <= e.offset && e.offset <= cell.end)
            })
            .collect()
    }
}

/// The rule whose fix rewrites v1 component definitions; call sites are renamed only together with it.
const COMPONENT_FACTORY_RULE: &str = "KFP101";
/// The rule that turns `ContainerOp` factories into container components; their callers follow it.
const CONTAINER_OP_RULE: &str = "KFP201";
/// The rule that turns `Output[Metrics]` parameters into returned artifacts; call sites follow it too.
const PYTHONIC_ARTIFACT_RULE: &str = "KFP116";
/// The rules whose diagnostics the index reads. They depend on no other rule's work (the checker, not the
/// rules, tracks tasks and variables), so the index runs only them; a test compares with a full check.
const INDEX_RULES: &[&str] = &[
    COMPONENT_FACTORY_RULE,
    CONTAINER_OP_RULE,
    PYTHONIC_ARTIFACT_RULE,
];

/// The applicability of the v1 definitions' rewrite when the selection enables it.
pub(crate) fn migration(selection: &RuleSelection) -> Option<Applicability> {
    registry()
        .get(COMPONENT_FACTORY_RULE)
        .filter(|r| selection.is_enabled(r))
        .map(|r| r.fix.applicability())
}

/// Reads a component spec a module loads by path: relative to the module's file, then to the directory its
/// imports start from (the run's root for scripts), then as written.
fn resolve_spec(
    source: &SourceFile,
    module: &ModulePath,
    path: &str,
    read: &dyn Fn(&std::path::Path) -> Option<String>,
) -> Option<String> {
    let written = std::path::Path::new(path);
    let beside = source.path.parent().map(|d| d.join(written));
    let from_root = Some(module.root.join(written));
    [beside, from_root, Some(written.to_path_buf())]
        .into_iter()
        .flatten()
        .find_map(|p| read(&p))
}

/// A file's check against a project holding only its own components, made while indexing it so the module is
/// parsed once. It is the run's check as well unless another file's components live under a module the check
/// looked up (`Project::answers_as_alone`).
#[derive(Debug)]
pub struct OwnCheck {
    pub diagnostics: Vec<Diagnostic>,
    /// The modules the check looked components up in.
    pub queried: Vec<String>,
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
    let diagnostics = check_parsed(source, &module, &analysis, selection, &ctx);
    let queried = own.queried();
    let components = own
        .into_modules()
        .next()
        .expect("the project holds the one module added");
    (
        components,
        Some(OwnCheck {
            diagnostics,
            queried,
        }),
    )
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
    let defs = components::find(module, &source.text, model, migration(selection));
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
        check_parsed(source, module, analysis, selection, &ctx)
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
    let read_spec = |path: &str| resolve_spec(source, module_path, path, read);
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

/// A check's diagnostics, and the first syntax error and number of broken regions (the file, or notebook
/// cells) that come with them; in the fix loop also the names the source reads unbound.
struct Checked {
    diagnostics: Vec<Diagnostic>,
    first_error: Option<SyntaxError>,
    broken: usize,
    unbound: rustc_hash::FxHashMap<String, usize>,
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
        diagnostics: check_parsed(source, &module, &analysis, selection, ctx),
        broken: ctx.broken_regions(&source.text, &module.errors).len(),
        first_error: module.errors.into_iter().next(),
        unbound,
    }
}

fn check_parsed<'m>(
    source: &SourceFile,
    module: &'m parse::ParsedModule,
    analysis: &Analysis<'m>,
    selection: &RuleSelection,
    ctx: &Context,
) -> Vec<Diagnostic> {
    let comments: Vec<_> = module.comments().collect();
    let syntax = syntax_errors::diagnostics(source, &module.errors);
    if noqa::file_is_exempt(source, comments.iter().cloned()) {
        return syntax;
    }
    let diagnostics = checker::check_module(
        source,
        module,
        analysis.model.clone(),
        &analysis.facts,
        selection,
        ctx,
    );
    let diagnostics = syntax_errors::without_doubtful(source, &module.errors, diagnostics);
    let frozen = ctx.broken_regions(&source.text, &module.errors);
    let diagnostics = syntax_errors::without_fixes_in(&frozen, diagnostics);
    // Unused `# noqa: KFPnnn` (KFP900), judged on the findings before suppression; not in a file with syntax
    // errors, whose doubtful findings were dropped.
    let unused = match syntax.is_empty() {
        true => noqa::unused(source, &comments, &diagnostics, selection),
        false => vec![],
    };
    let mut diagnostics = noqa::filter(source, &comments, diagnostics);
    if !unused.is_empty() {
        diagnostics.extend(unused);
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    }
    if !syntax.is_empty() {
        // Syntax errors cannot be suppressed, as in ruff; they take their place in source order.
        diagnostics.extend(syntax);
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    }
    diagnostics
}

/// The outcome of fixing one file.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    pub applied: Vec<AppliedFix>,
    /// Diagnostics left in `text`.
    pub remaining: Vec<Diagnostic>,
    /// Set when an iteration produced text that does not parse; its fixes were dropped.
    pub invalid_fix: Option<(Vec<&'static str>, SyntaxError)>,
    /// Whether the source itself has syntax errors (reported as `KFP000`): such a file gets no fix.
    pub has_syntax_errors: bool,
    /// Fixes the loop's guards held back, each with why: a fix that would leave a name unbound, or one that
    /// did not converge. Their diagnostics stay, without the fix.
    pub held_back: Vec<String>,
}

impl FixOutcome {
    /// The error reported for the file at `path` when fixes were not applied because of a rule bug: a round
    /// whose result did not parse, a fix that would leave a name unbound, a fix that did not converge.
    pub fn invalid_fix_error(&self, path: &std::path::Path) -> Option<crate::report::FileError> {
        let mut problems: Vec<String> = self
            .invalid_fix
            .iter()
            .map(|(rules, err)| {
                format!(
                    "fixes by {} would produce invalid Python ({})",
                    rules.join(", "),
                    err.message
                )
            })
            .collect();
        problems.extend(self.held_back.iter().cloned());
        (!problems.is_empty()).then(|| {
            crate::report::FileError::whole_file(
                path,
                format!(
                    "{}; they were not applied — please report this",
                    problems.join("; ")
                ),
            )
        })
    }
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

/// Applies fixes until nothing changes (bounded). A source with syntax errors is left as it is. The component
/// index stays the one built from the original texts: call sites are renamed by what their components were in
/// v1. `checked` is the source's check when already known (an `OwnCheck` that stands for the run's).
///
/// Three guards keep a fix from making the file worse, whatever rule made it:
/// - a round whose result does not parse (or, in a notebook, breaks a cell that parsed) is dropped and its
///   rules reported;
/// - names stay bound: a round after which the module reads a name where nothing binds it (at module level
///   before its binding, or nowhere) is dropped, the fixes that introduced it are held back and reported, and
///   the loop goes on without them;
/// - converge or stop: a fix applied while the same rule's finding with the same message comes back as often
///   as before is held back and reported, and the text keeps the last good round.
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
    fix_loop(source, diagnostics, unsafe_fixes, |s| {
        check_checked(s, selection, ctx, true)
    })
}

/// The loop of `fix_in`, over any check (a test can give it a faulty rule).
fn fix_loop(
    source: &SourceFile,
    mut diagnostics: Vec<Diagnostic>,
    unsafe_fixes: bool,
    check: impl Fn(&SourceFile) -> Checked,
) -> FixOutcome {
    let mut current = source.clone();
    let has_syntax_errors = diagnostics.iter().any(|d| d.rule == SYNTAX_ERROR_RULE);
    let mut applied = Vec::new();
    let mut invalid_fix = None;
    let mut held_back: Vec<String> = Vec::new();
    if diagnostics.iter().all(|d| d.fix.is_none()) {
        return FixOutcome {
            text: current.text,
            applied,
            remaining: diagnostics,
            invalid_fix,
            has_syntax_errors,
            held_back,
        };
    }
    let start = check(&current);
    let mut broken = start.broken;
    let mut unbound = start.unbound;
    // Findings whose fix is held back, by (rule, message).
    let mut blocked: Vec<(&'static str, String)> = Vec::new();
    let mut converged = false;
    for _ in 0..MAX_FIX_ITERATIONS {
        hold_back(&mut diagnostics, &blocked);
        let Some((text, taken)) = apply_fixes(&current.text, &diagnostics, unsafe_fixes) else {
            converged = true;
            break;
        };
        let candidate = SourceFile::new(&source.path, text, source.bom);
        let checked = check(&candidate);
        if checked.broken > broken
            && let Some(err) = checked.first_error
        {
            let mut rules: Vec<&'static str> = taken.iter().map(|(_, d)| d.rule).collect();
            rules.sort_unstable();
            rules.dedup();
            invalid_fix = Some((rules, err));
            break;
        }
        // Names stay bound.
        let lost = unbound::newly_unbound(&unbound, &checked.unbound);
        if !lost.is_empty() {
            let culprits = introducing(&current.text, &taken, &lost);
            for (rule, message) in culprits {
                let names = lost
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let why = format!("the fix for {rule} would leave {names} undefined");
                if !held_back.contains(&why) {
                    held_back.push(why);
                }
                blocked.push((rule, message));
            }
            continue;
        }
        // Converge or stop: a finding that was fixed must not come back where it was.
        let shift = Shift::of(&taken);
        let stuck: Vec<(&'static str, String)> = taken
            .iter()
            .filter(|(_, d)| {
                let at = shift.map(d.range.start);
                checked
                    .diagnostics
                    .iter()
                    .any(|n| n.rule == d.rule && n.message == d.message && n.range.start == at)
            })
            .map(|(_, d)| (d.rule, d.message.clone()))
            .collect();
        if !stuck.is_empty() {
            for (rule, message) in stuck {
                let why = format!("the fix for {rule} did not converge");
                if !held_back.contains(&why) {
                    held_back.push(why);
                }
                blocked.push((rule, message));
            }
            continue;
        }
        applied.extend(taken.iter().map(|(offset, d)| {
            AppliedFix {
                rule: d.rule,
                applicability: d
                    .applicability()
                    .unwrap_or(crate::diagnostic::Applicability::Safe),
                line: current.line_col(*offset).0,
                message: d.message.clone(),
            }
        }));
        current = candidate;
        diagnostics = checked.diagnostics;
        broken = checked.broken;
        unbound = checked.unbound;
    }
    if !converged && diagnostics.iter().any(|d| d.fix.is_some()) {
        let mut rules: Vec<&'static str> = diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| d.rule)
            .collect();
        rules.sort_unstable();
        rules.dedup();
        held_back.push(format!(
            "fixes by {} were still pending after {MAX_FIX_ITERATIONS} rounds",
            rules.join(", ")
        ));
    }
    hold_back(&mut diagnostics, &blocked);
    FixOutcome {
        text: current.text,
        applied,
        remaining: diagnostics,
        invalid_fix,
        has_syntax_errors,
        held_back,
    }
}

/// Where an offset of the text before a round lies in the text after it.
struct Shift {
    /// The round's distinct edits: (start, end, inserted length), sorted.
    edits: Vec<(usize, usize, usize)>,
}

impl Shift {
    fn of(taken: &[(usize, &Diagnostic)]) -> Self {
        let mut edits: Vec<(usize, usize, usize)> = Vec::new();
        let mut seen: Vec<&crate::diagnostic::Edit> = Vec::new();
        for (_, d) in taken {
            for e in d.fix.iter().flat_map(|f| &f.edits) {
                // The same edit made by two fixes is applied once.
                if seen.contains(&e) {
                    continue;
                }
                seen.push(e);
                edits.push((e.range.start, e.range.end, e.content.len()));
            }
        }
        edits.sort_unstable();
        Self { edits }
    }

    /// An offset outside every edit moves by the size change of the edits before it; one inside an edit goes
    /// to the edit's start.
    fn map(&self, offset: usize) -> usize {
        let mut delta: isize = 0;
        for &(start, end, inserted) in &self.edits {
            if end <= offset {
                // Before the offset (an insertion at the offset itself pushes what follows).
                delta += inserted as isize - (end - start) as isize;
            } else if start < offset {
                return (start as isize + delta) as usize;
            } else {
                break;
            }
        }
        (offset as isize + delta) as usize
    }
}

/// Takes the fix off every diagnostic a guard blocked.
fn hold_back(diagnostics: &mut [Diagnostic], blocked: &[(&'static str, String)]) {
    if blocked.is_empty() {
        return;
    }
    for d in diagnostics {
        if blocked
            .iter()
            .any(|(rule, message)| d.rule == *rule && d.message == *message)
        {
            d.fix = None;
        }
    }
}

/// The fixes of a round that made `names` unbound: those whose edits write one of the names, or delete text
/// that holds one (an import). When none does, every fix of the round is to blame.
fn introducing(
    text: &str,
    taken: &[(usize, &Diagnostic)],
    names: &[String],
) -> Vec<(&'static str, String)> {
    let mentions = |s: &str| names.iter().any(|n| has_word(s, n));
    let blamed: Vec<(&'static str, String)> = taken
        .iter()
        .filter(|(_, d)| {
            d.fix.as_ref().is_some_and(|f| {
                f.edits.iter().any(|e| {
                    mentions(&e.content) || text.get(e.range.clone()).is_some_and(mentions)
                })
            })
        })
        .map(|(_, d)| (d.rule, d.message.clone()))
        .collect();
    if blamed.is_empty() {
        taken
            .iter()
            .map(|(_, d)| (d.rule, d.message.clone()))
            .collect()
    } else {
        blamed
    }
}

/// Whether `word` occurs in `text` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
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
        for rule in &registry().rules {
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
            first_error: None,
            broken: 0,
            unbound: unbound::unbound_reads(&module, &model),
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
        let outcome = fix_loop(&source, first, false, |s| faulty_check(s, false));
        assert_eq!(
            outcome.text, source.text,
            "the runaway result is never kept"
        );
        assert_eq!(outcome.held_back, ["the fix for KFP999 did not converge"]);
        assert!(outcome.remaining.iter().all(|d| d.fix.is_none()));
        let error = outcome
            .invalid_fix_error(std::path::Path::new("m.py"))
            .unwrap();
        assert!(
            error.message.contains("KFP999 did not converge"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_fix_that_would_leave_a_name_unbound_is_reverted_and_reported() {
        let source = SourceFile::new(
            std::path::Path::new("m.py"),
            "def p():\n    pass\n\nif __name__ == '__main__':\n    import kfp\n".into(),
            false,
        );
        let first = faulty_check(&source, true).diagnostics;
        let outcome = fix_loop(&source, first, false, |s| faulty_check(s, true));
        assert_eq!(outcome.text, source.text);
        assert_eq!(
            outcome.held_back,
            ["the fix for KFP999 would leave `kfp` undefined"]
        );
        assert!(outcome.applied.is_empty());
    }
}
