//! Facts about a module's pipelines, gathered in one walk before the check (kfp 2's `@dsl.pipeline`:
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/pipeline_context.py>):
//! - the value of every name bound by a plain `name = value` statement, so a rule can follow
//!   `c = compiler.Compiler()` … `c.compile(...)` back to the kfp object (receiver evidence);
//! - the calls that compile or submit a pipeline function (`Compiler().compile(f, ...)`,
//!   `Client().create_run_from_pipeline_func(f, ...)`, `kfp.run_pipeline_func_on_cluster(f, ...)`);
//! - the module's pipeline functions: decorated with kfp's `dsl.pipeline`, or handed to one of those calls.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};

use super::components::applied_name;
use super::names::{BindingId, BindingKind, Resolved, ScopeId, SemanticModel, range};
use super::parse::ast::{self, Expr, Stmt};
use super::visit::{self, ScopeBody, Visitor};

/// Qualified names of kfp's pipeline decorator.
pub const PIPELINE_DECORATORS: &[&str] = &[
    "kfp.dsl.pipeline",
    "kfp.v2.dsl.pipeline",
    "kfp.dsl._pipeline.pipeline",
];

/// The kfp objects rules need evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KfpObject {
    /// `kfp.compiler.Compiler()` (also kfp 1's `kfp.v2.compiler` and kfp-tekton's `TektonCompiler`).
    Compiler,
    /// `kfp.Client()` (also kfp-tekton's `TektonClient`).
    Client,
    /// kfp 1.8's `kfp.v2.google.client.AIPlatformClient(...)`.
    AIPlatformClient,
}

impl KfpObject {
    /// The class a qualified callee constructs.
    pub fn constructed_by(qualified: &str) -> Option<Self> {
        Some(match qualified {
            "kfp.compiler.Compiler"
            | "kfp.compiler.compiler.Compiler"
            | "kfp.v2.compiler.Compiler"
            | "kfp_tekton.compiler.TektonCompiler"
            | "kfp_tekton.compiler.compiler.TektonCompiler" => KfpObject::Compiler,
            "kfp.Client"
            | "kfp._client.Client"
            | "kfp.client.Client"
            | "kfp_tekton.TektonClient"
            | "kfp_tekton._client.TektonClient" => KfpObject::Client,
            "kfp.v2.google.client.AIPlatformClient"
            | "kfp.v2.google.client.client.AIPlatformClient" => KfpObject::AIPlatformClient,
            _ => return None,
        })
    }
}

/// How a call hands a pipeline function to kfp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// `<Compiler>.compile(pipeline_func, package_path, ...)`
    Compile,
    /// `<Client>.create_run_from_pipeline_func(pipeline_func, ...)`
    ClientRun,
    /// `kfp.run_pipeline_func_on_cluster(pipeline_func, ...)` / `run_pipeline_func_locally`
    RunFunction,
}

/// A call that compiles or submits a pipeline function.
#[derive(Debug, Clone)]
pub struct SubmitCall<'a> {
    pub call: &'a ast::ExprCall,
    pub kind: Submission,
    pub scope: ScopeId,
}

impl<'a> SubmitCall<'a> {
    /// The pipeline function argument (first positional, or `pipeline_func=`).
    pub fn pipeline_arg(&self) -> Option<&'a Expr> {
        argument(self.call, 0, "pipeline_func")
    }
}

/// A module-level function kfp treats as a pipeline.
#[derive(Debug, Clone)]
pub struct PipelineFn<'a> {
    pub def: &'a ast::StmtFunctionDef,
    /// kfp's `@dsl.pipeline` / `@dsl.pipeline(...)` on it.
    pub decorator: Option<&'a Expr>,
}

#[derive(Debug, Default)]
pub struct PipelineFacts<'a> {
    /// The value of names bound by `name = value` (single plain target).
    pub values: FxHashMap<BindingId, &'a Expr>,
    pub submissions: Vec<SubmitCall<'a>>,
    pub pipelines: Vec<PipelineFn<'a>>,
    /// Start offsets of module-level functions called directly (`f(...)`) somewhere in the module.
    pub direct_calls: FxHashSet<usize>,
    /// How often each binding is read (a name in load context that resolves to it).
    pub loads: FxHashMap<BindingId, usize>,
    /// The iterable of `for name in iterable` loops and comprehensions, by the loop variable's binding.
    pub elements: FxHashMap<BindingId, &'a Expr>,
    /// Comparisons, by the start offset of each operand (`run.status == 'Succeeded'`).
    pub compares: FxHashMap<usize, &'a ast::ExprCompare>,
    /// Start offsets of calls whose result a `return` hands to the caller (directly or through a name).
    pub returned: FxHashSet<usize>,
    /// String literals passed as a compiled package to the client or Vertex AI (`upload_pipeline('p.tar.gz')`),
    /// so a renamed compile output can be renamed where it is read too.
    pub package_paths: Vec<&'a Expr>,
}

/// Calls that read a compiled pipeline package, and where the path goes (position, keyword).
const PACKAGE_READERS: &[(&str, usize, &str)] = &[
    ("upload_pipeline", 0, "pipeline_package_path"),
    ("upload_pipeline_version", 0, "pipeline_package_path"),
    ("create_run_from_pipeline_package", 0, "pipeline_file"),
    ("run_pipeline", 2, "pipeline_package_path"),
    ("create_recurring_run", usize::MAX, "pipeline_package_path"),
    ("create_run_from_job_spec", 0, "job_spec_path"),
    ("create_schedule_from_job_spec", 0, "job_spec_path"),
    ("PipelineJob", 1, "template_path"),
];

/// A call's argument by position or keyword.
pub fn argument<'a>(call: &'a ast::ExprCall, position: usize, keyword: &str) -> Option<&'a Expr> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == keyword))
        .map(|k| &k.value)
        .or_else(|| {
            call.arguments
                .args
                .iter()
                .take_while(|a| !matches!(a, Expr::Starred(_)))
                .nth(position)
        })
}

/// The keyword argument named `name`.
pub fn keyword<'a>(call: &'a ast::ExprCall, name: &str) -> Option<&'a ast::Keyword> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
}

impl<'a> PipelineFacts<'a> {
    /// How often the binding a name refers to is read in the module.
    pub fn loads_of(&self, model: &SemanticModel, scope: ScopeId, name: &Expr) -> Option<usize> {
        let Expr::Name(n) = name else { return None };
        match model.resolve_name(scope, n.id.as_str(), range(name).start)? {
            Resolved::Binding(b) => Some(self.loads.get(&b).copied().unwrap_or(0)),
            Resolved::Star(_) => None,
        }
    }

    pub fn collect(body: &'a [Stmt], model: &SemanticModel) -> Self {
        let locals: FxHashMap<usize, BindingId> = model
            .bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BindingKind::Local)
            .map(|(i, b)| (b.range.start, i))
            .collect();
        // Two passes: every assignment is known before any receiver is followed (a function body may use a
        // name the module binds further down).
        let mut walker = Walker {
            model,
            locals,
            scope: 0,
            facts: PipelineFacts::default(),
            calls: false,
        };
        walker.visit_body(body);
        walker.calls = true;
        walker.visit_body(body);
        let mut facts = walker.facts;
        for stmt in body {
            let Stmt::FunctionDef(def) = stmt else {
                continue;
            };
            let decorator = def.decorator_list.iter().map(|d| &d.expression).find(|d| {
                applied_name(model, d).is_some_and(|q| PIPELINE_DECORATORS.contains(&q.as_str()))
            });
            let submitted = facts.submissions.iter().any(|s| {
                s.pipeline_arg()
                    .is_some_and(|a| names_function(model, s.scope, a, def))
            });
            if decorator.is_some() || submitted {
                facts.pipelines.push(PipelineFn { def, decorator });
            }
        }
        facts
    }

    /// The kfp object an expression evaluates to, following names bound once by assignment.
    pub fn object_kind(
        &self,
        model: &SemanticModel,
        scope: ScopeId,
        expr: &Expr,
    ) -> Option<KfpObject> {
        let mut expr = expr;
        // Bounded: `a = b`, `b = a` must not loop.
        for _ in 0..8 {
            match expr {
                Expr::Call(c) => {
                    return KfpObject::constructed_by(&model.qualified_name(scope, &c.func)?);
                }
                Expr::Name(_) => expr = self.value_of(model, scope, expr)?,
                _ => return None,
            }
        }
        None
    }

    /// The value assigned to the local a name refers to (`None` for parameters, imports, loops, …).
    pub fn value_of(&self, model: &SemanticModel, scope: ScopeId, name: &Expr) -> Option<&'a Expr> {
        let Expr::Name(n) = name else { return None };
        match model.resolve_name(scope, n.id.as_str(), range(name).start)? {
            Resolved::Binding(b) => self.values.get(&b).copied(),
            Resolved::Star(_) => None,
        }
    }

    /// The pipeline function a name refers to.
    pub fn pipeline_named(
        &self,
        model: &SemanticModel,
        scope: ScopeId,
        expr: &Expr,
    ) -> Option<&PipelineFn<'a>> {
        self.pipelines
            .iter()
            .find(|p| names_function(model, scope, expr, p.def))
    }

    /// The pipeline function whose body contains `offset`.
    pub fn pipeline_at(&self, offset: usize) -> Option<&PipelineFn<'a>> {
        self.pipelines.iter().find(|p| {
            let r = range(p.def);
            r.contains(&offset)
        })
    }
}

/// Whether `expr` is a name bound to the module-level `def`.
fn names_function(
    model: &SemanticModel,
    scope: ScopeId,
    expr: &Expr,
    def: &ast::StmtFunctionDef,
) -> bool {
    let Expr::Name(n) = expr else { return false };
    if n.id.as_str() != def.name.as_str() {
        return false;
    }
    match model.resolve_name(scope, n.id.as_str(), range(expr).start) {
        // The binding of a `def` is recorded at the statement's range.
        Some(Resolved::Binding(b)) => {
            let binding = &model.bindings[b];
            binding.scope == 0 && binding.range == range(def)
        }
        _ => false,
    }
}

struct Walker<'a, 'm> {
    model: &'m SemanticModel,
    locals: FxHashMap<usize, BindingId>,
    scope: ScopeId,
    facts: PipelineFacts<'a>,
    /// The second pass: look at calls.
    calls: bool,
}

impl<'a> Visitor<'a> for Walker<'a, '_> {
    fn visit_scope_body(&mut self, scope: ScopeBody<'a>) {
        let saved = self.scope;
        if let Some(id) = self.model.scope_opened_at(scope.start()) {
            self.scope = id;
        }
        visit::walk_scope_body(self, scope);
        self.scope = saved;
    }

    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if let Stmt::Assign(ast::StmtAssign { targets, value, .. }) = stmt
            && let [Expr::Name(target)] = targets.as_slice()
            && let Some(b) = self.locals.get(&range(target).start)
            && !self.calls
        {
            self.facts.values.insert(*b, value);
        }
        if !self.calls
            && let Stmt::For(ast::StmtFor { target, iter, .. }) = stmt
            && let Expr::Name(_) = target.as_ref()
            && let Some(b) = self.locals.get(&range(target.as_ref()).start)
        {
            self.facts.elements.insert(*b, iter);
        }
        if self.calls
            && let Stmt::Return(ast::StmtReturn {
                value: Some(value), ..
            }) = stmt
        {
            let value = match value.as_ref() {
                name @ Expr::Name(_) => self.facts.value_of(self.model, self.scope, name),
                other => Some(other),
            };
            if let Some(Expr::Call(c)) = value {
                self.facts.returned.insert(range(c).start);
            }
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.calls
            && let Expr::Name(n) = expr
            && n.ctx == ast::ExprContext::Load
            && let Some(Resolved::Binding(b)) =
                self.model
                    .resolve_name(self.scope, n.id.as_str(), range(expr).start)
        {
            *self.facts.loads.entry(b).or_default() += 1;
        }
        if !self.calls {
            let generators: &[ast::Comprehension] = match expr {
                Expr::ListComp(c) => &c.generators,
                Expr::SetComp(c) => &c.generators,
                Expr::DictComp(c) => &c.generators,
                Expr::Generator(c) => &c.generators,
                _ => &[],
            };
            for generator in generators {
                if let Expr::Name(_) = &generator.target
                    && let Some(b) = self.locals.get(&range(&generator.target).start)
                {
                    self.facts.elements.insert(*b, &generator.iter);
                }
            }
        }
        if !self.calls
            && let Expr::Compare(compare) = expr
        {
            for operand in std::iter::once(compare.left.as_ref()).chain(&compare.comparators) {
                self.facts.compares.insert(range(operand).start, compare);
            }
        }
        if self.calls
            && let Expr::Call(call) = expr
        {
            let kind = match call.func.as_ref() {
                Expr::Attribute(a) => {
                    let object = self.facts.object_kind(self.model, self.scope, &a.value);
                    match (a.attr.as_str(), object) {
                        ("compile", Some(KfpObject::Compiler)) => Some(Submission::Compile),
                        ("create_run_from_pipeline_func", Some(KfpObject::Client)) => {
                            Some(Submission::ClientRun)
                        }
                        _ => None,
                    }
                }
                _ => None,
            }
            .or_else(|| {
                match self.model.qualified_name(self.scope, &call.func).as_deref() {
                    Some("kfp.run_pipeline_func_on_cluster" | "kfp.run_pipeline_func_locally") => {
                        Some(Submission::RunFunction)
                    }
                    _ => None,
                }
            });
            if let Expr::Name(n) = call.func.as_ref()
                && let Some(Resolved::Binding(b)) = self.model.resolve_name(
                    self.scope,
                    n.id.as_str(),
                    range(call.func.as_ref()).start,
                )
                && self.model.bindings[b].scope == 0
            {
                self.facts
                    .direct_calls
                    .insert(self.model.bindings[b].range.start);
            }
            let method = match call.func.as_ref() {
                Expr::Attribute(a) => Some(a.attr.as_str()),
                Expr::Name(n) => Some(n.id.as_str()),
                _ => None,
            };
            if let Some((_, position, keyword)) =
                PACKAGE_READERS.iter().find(|(m, _, _)| Some(*m) == method)
                && let Some(path @ Expr::StringLiteral(_)) = argument(call, *position, keyword)
            {
                self.facts.package_paths.push(path);
            }
            if let Some(kind) = kind {
                self.facts.submissions.push(SubmitCall {
                    call,
                    kind,
                    scope: self.scope,
                });
            }
        }
        visit::walk_expr(self, expr);
    }
}

/// Callees whose result is a component: the v1 and v2 factories, decorators and loaders.
pub const COMPONENT_MAKERS: &[&str] = &[
    "kfp.components.load_component_from_text",
    "kfp.components.load_component_from_file",
    "kfp.components.load_component_from_url",
    "kfp.components.load_component",
    "kfp.components.create_component_from_func",
    "kfp.components.func_to_container_op",
    "kfp.dsl.component",
    "kfp.dsl.container_component",
    "kfp.v2.dsl.component",
];

/// The module-level names a module binds to component objects: `op = load_component_from_text(...)`,
/// `op = create_component_from_func(f)`, and functions decorated with a component decorator or factory.
pub fn component_objects(body: &[Stmt], model: &SemanticModel) -> HashSet<String> {
    let makes_component =
        |e: &Expr| applied_name(model, e).is_some_and(|q| COMPONENT_MAKERS.contains(&q.as_str()));
    let mut names = HashSet::new();
    for stmt in body {
        match stmt {
            Stmt::Assign(ast::StmtAssign { targets, value, .. }) => {
                if let ([Expr::Name(n)], Expr::Call(_)) = (targets.as_slice(), value.as_ref())
                    && makes_component(value)
                {
                    names.insert(n.id.to_string());
                }
            }
            Stmt::FunctionDef(f)
                if f.decorator_list
                    .iter()
                    .any(|d| makes_component(&d.expression)) =>
            {
                names.insert(f.name.to_string());
            }
            _ => {}
        }
    }
    names
}
