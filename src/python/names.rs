//! Name resolution: every import spelling becomes a qualified name.
//!
//! A first pass over the module records scopes and the bindings in each (imports with their qualified names,
//! everything else as plain local bindings that shadow them). Lookups then follow Python's rules closely enough
//! for a linter: the innermost function scope first, class bodies only for code directly in them, then the
//! module; at module level the last binding *before* the use wins, from inside a function the last binding in
//! the module wins (the function runs after the module has been executed). Star imports from a module answer
//! for names that nothing else binds.

use rustc_hash::FxHashMap;
use std::ops::Range;

use super::parse::ast::{self, Expr, Stmt};
pub use super::parse::range;
use super::visit::{self, ScopeBody, Visitor};
use crate::project::ModulePath;

pub type ScopeId = usize;
pub type BindingId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// Bindings by name, in source order.
    bindings: FxHashMap<String, Vec<BindingId>>,
    /// `from M import *` statements: (offset, M).
    stars: Vec<(usize, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// `import a.b` / `import a.b as c`
    Import,
    /// `from a import b [as c]`
    FromImport,
    /// Anything else: assignment, def, class, parameter, loop variable.
    Local,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    /// The qualified name an import binds, `None` for local bindings.
    pub qualified: Option<String>,
    pub kind: BindingKind,
    pub scope: ScopeId,
    /// Where the binding happens (the alias for imports).
    pub range: Range<usize>,
    /// The offset from which module code sees the binding: the end of its statement for an assignment
    /// target (`x = x.append(1)` reads the old `x`), otherwise where the binding is.
    pub visible_from: usize,
}

/// What a name or attribute chain resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Through a binding (an import or a local).
    Binding(BindingId),
    /// Through `from module import *`.
    Star(String),
}

/// The module's scopes and bindings, and later the references found by the checker.
#[derive(Debug, Clone)]
pub struct SemanticModel {
    pub scopes: Vec<Scope>,
    pub bindings: Vec<Binding>,
    /// Scope opened by a node, keyed by the node's start offset.
    scope_of_node: FxHashMap<usize, ScopeId>,
    /// Name references per binding (filled by the checker).
    pub references: Vec<Vec<Reference>>,
}

/// A load of a name that resolved to a binding.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The name's range.
    pub range: Range<usize>,
    /// When the name is called with no arguments (`Integer()`), the range of the whole call.
    pub bare_call: Option<Range<usize>>,
}

impl SemanticModel {
    /// The model of a module on its own (tests; the checker knows the module's place, `build_in`).
    #[cfg(test)]
    pub fn build(body: &[Stmt]) -> Self {
        Self::build_in(body, None)
    }

    /// Builds the model of a module whose place in the import system is known, so relative imports
    /// (`from .components import train_op`) resolve to qualified names too.
    pub fn build_in(body: &[Stmt], module: Option<&ModulePath>) -> Self {
        let mut builder = Builder {
            module: module.cloned(),
            model: SemanticModel {
                scopes: vec![Scope {
                    kind: ScopeKind::Module,
                    parent: None,
                    bindings: FxHashMap::default(),
                    stars: vec![],
                }],
                bindings: vec![],
                scope_of_node: FxHashMap::default(),
                references: vec![],
            },
            current: 0,
            assignment_end: None,
        };
        builder.visit_body(body);
        let mut model = builder.model;
        model.references = vec![Vec::new(); model.bindings.len()];
        model
    }

    /// The scope a function, lambda or class opens, by the node's start offset.
    pub fn scope_opened_at(&self, offset: usize) -> Option<ScopeId> {
        self.scope_of_node.get(&offset).copied()
    }

    /// Resolves a name used at `offset` in `scope`.
    pub fn resolve_name(&self, scope: ScopeId, name: &str, offset: usize) -> Option<Resolved> {
        let mut current = Some(scope);
        let mut from_inner_function = false;
        while let Some(id) = current {
            let s = &self.scopes[id];
            // A class body's names are not visible to the functions nested in it.
            let visible = !(s.kind == ScopeKind::Class && id != scope);
            if visible && let Some(ids) = s.bindings.get(name) {
                let chosen = if from_inner_function {
                    ids.last().copied()
                } else {
                    ids.iter()
                        .rev()
                        .find(|b| self.bindings[**b].visible_from < offset)
                        .copied()
                        .or_else(|| {
                            // A function may use a local bound later in its body (Python would raise), and module
                            // code may use a name bound later only through functions: keep resolving outward.
                            if s.kind == ScopeKind::Module {
                                None
                            } else {
                                ids.first().copied()
                            }
                        })
                };
                if let Some(b) = chosen {
                    return Some(Resolved::Binding(b));
                }
            }
            if s.kind == ScopeKind::Module
                && let Some((_, module)) = s
                    .stars
                    .iter()
                    .rev()
                    .find(|(at, _)| from_inner_function || *at < offset)
            {
                return Some(Resolved::Star(format!("{module}.{name}")));
            }
            if s.kind == ScopeKind::Function {
                from_inner_function = true;
            }
            current = s.parent;
        }
        None
    }

    /// The binding a target name makes (the `x` of `x = …` or `for x in …`), by where the target starts.
    pub fn binding_at(&self, scope: ScopeId, name: &str, start: usize) -> Option<BindingId> {
        self.scopes[scope]
            .bindings
            .get(name)?
            .iter()
            .copied()
            .find(|b| self.bindings[*b].range.start == start)
    }

    /// The qualified name a resolved name stands for, if it is an import.
    pub fn qualified_of(&self, resolved: &Resolved) -> Option<String> {
        match resolved {
            Resolved::Binding(b) => self.bindings[*b].qualified.clone(),
            Resolved::Star(q) => Some(q.clone()),
        }
    }

    /// The qualified name of a name or attribute chain used at `expr`'s position in `scope`
    /// (`dsl.component` → `kfp.dsl.component`).
    pub fn qualified_name(&self, scope: ScopeId, expr: &Expr) -> Option<String> {
        // Rules ask this of most calls and attributes: build the dotted name in one buffer.
        let mut chain = Vec::new();
        let mut base = expr;
        while let Expr::Attribute(a) = base {
            chain.push(a.attr.as_str());
            base = &a.value;
        }
        let Expr::Name(n) = base else {
            return None;
        };
        let resolved = self.resolve_name(scope, n.id.as_str(), range(base).start)?;
        let head = match &resolved {
            Resolved::Binding(b) => self.bindings[*b].qualified.as_deref()?,
            Resolved::Star(q) => q.as_str(),
        };
        let mut qualified =
            String::with_capacity(head.len() + chain.iter().map(|c| c.len() + 1).sum::<usize>());
        qualified.push_str(head);
        for attr in chain.iter().rev() {
            qualified.push('.');
            qualified.push_str(attr);
        }
        Some(qualified)
    }

    /// Bindings of the module scope whose qualified name is `qualified`.
    pub fn module_bindings_of(&self, qualified: &str) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(move |b| b.scope == 0 && b.qualified.as_deref() == Some(qualified))
    }

    /// Whether any binding in the module (any scope) has this name; used to avoid shadowing when adding names.
    pub fn is_bound_anywhere(&self, name: &str) -> bool {
        self.bindings.iter().any(|b| b.name == name)
    }
}

struct Builder {
    module: Option<ModulePath>,
    model: SemanticModel,
    current: ScopeId,
    /// The end of the assignment statement being walked: its targets are bound from there on.
    assignment_end: Option<usize>,
}

impl Builder {
    fn bind(
        &mut self,
        name: &str,
        qualified: Option<String>,
        kind: BindingKind,
        range: Range<usize>,
    ) {
        let id = self.model.bindings.len();
        let visible_from = self.assignment_end.unwrap_or(range.start);
        self.model.bindings.push(Binding {
            name: name.to_string(),
            qualified,
            kind,
            scope: self.current,
            range,
            visible_from,
        });
        self.model.scopes[self.current]
            .bindings
            .entry(name.to_string())
            .or_default()
            .push(id);
    }

    fn with_scope(&mut self, kind: ScopeKind, node_start: usize, f: impl FnOnce(&mut Self)) {
        let id = self.model.scopes.len();
        self.model.scopes.push(Scope {
            kind,
            parent: Some(self.current),
            bindings: FxHashMap::default(),
            stars: vec![],
        });
        self.model.scope_of_node.insert(node_start, id);
        let saved = std::mem::replace(&mut self.current, id);
        f(self);
        self.current = saved;
    }

    fn bind_parameters(&mut self, args: &ast::Parameters) {
        for arg in args.iter_non_variadic_params() {
            self.bind(
                arg.parameter.name.as_str(),
                None,
                BindingKind::Local,
                range(&arg.parameter),
            );
        }
        for arg in args.vararg.iter().chain(&args.kwarg) {
            self.bind(
                arg.name.as_str(),
                None,
                BindingKind::Local,
                range(arg.as_ref()),
            );
        }
    }
}

impl<'a> Visitor<'a> for Builder {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(ast::StmtImport { names, .. }) => {
                for alias in names {
                    let module = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => self.bind(
                            asname.as_str(),
                            Some(module.to_string()),
                            BindingKind::Import,
                            range(alias),
                        ),
                        None => {
                            let top = module.split('.').next().unwrap_or(module);
                            self.bind(
                                top,
                                Some(top.to_string()),
                                BindingKind::Import,
                                range(alias),
                            );
                        }
                    }
                }
            }
            Stmt::ImportFrom(ast::StmtImportFrom {
                module,
                names,
                level,
                ..
            }) => {
                let relative = *level > 0;
                for alias in names {
                    let name = alias.name.as_str();
                    let qualified = match (module, relative) {
                        (Some(m), false) => Some(format!("{}.{}", m.as_str(), name)),
                        (m, true) => self.module.as_ref().and_then(|this| {
                            let level = *level;
                            let m = m.as_ref().map(|m| m.as_str());
                            let base = this
                                .resolve_relative(level, m)
                                .or_else(|| this.resolve_relative_by_path(level, m))?;
                            Some(format!("{base}.{name}"))
                        }),
                        _ => None,
                    };
                    if name == "*" {
                        if let (Some(m), false) = (module, relative) {
                            let at = range(stmt).start;
                            self.model.scopes[self.current]
                                .stars
                                .push((at, m.to_string()));
                        }
                        continue;
                    }
                    let bound = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    let kind = if qualified.is_some() {
                        BindingKind::FromImport
                    } else {
                        BindingKind::Local
                    };
                    self.bind(bound, qualified, kind, range(alias));
                }
            }
            Stmt::FunctionDef(ast::StmtFunctionDef { name, .. })
            | Stmt::ClassDef(ast::StmtClassDef { name, .. }) => {
                self.bind(name.as_str(), None, BindingKind::Local, range(stmt));
                visit::walk_stmt(self, stmt);
            }
            Stmt::Assign(_) | Stmt::AugAssign(_) | Stmt::AnnAssign(_) => {
                let saved = self.assignment_end.replace(range(stmt).end);
                visit::walk_stmt(self, stmt);
                self.assignment_end = saved;
            }
            _ => visit::walk_stmt(self, stmt),
        }
    }

    fn visit_scope_body(&mut self, scope: ScopeBody<'a>) {
        let kind = if matches!(scope, ScopeBody::Class { .. }) {
            ScopeKind::Class
        } else {
            ScopeKind::Function
        };
        // A lambda in an assignment's value binds its parameters where they are.
        let saved = self.assignment_end.take();
        self.with_scope(kind, scope.start(), |b| {
            match scope {
                ScopeBody::Function { args, .. } => b.bind_parameters(args),
                ScopeBody::Lambda {
                    args: Some(args), ..
                } => b.bind_parameters(args),
                _ => {}
            }
            visit::walk_scope_body(b, scope);
        });
        self.assignment_end = saved;
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(h) = handler;
        if let Some(name) = &h.name {
            self.bind(name.as_str(), None, BindingKind::Local, range(h));
        }
        if let Some(t) = &h.type_ {
            self.visit_expr(t);
        }
        self.visit_body(&h.body);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(ast::ExprName {
                id,
                ctx: ast::ExprContext::Store,
                ..
            }) => {
                self.bind(id.as_str(), None, BindingKind::Local, range(expr));
            }
            _ => visit::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse_module;

    fn qualified_at(src: &str, name: &str, marker: &str) -> Option<String> {
        let module = parse_module(src);
        let model = SemanticModel::build(&module.body);
        let offset = src.find(marker).unwrap();
        // Find the innermost scope containing the marker by scanning function starts.
        let scope = model
            .scope_of_node
            .iter()
            .filter(|(start, _)| **start < offset)
            .max_by_key(|(start, _)| **start)
            .map_or(0, |(_, id)| *id);
        let scope = if src[..offset].contains("def ") {
            scope
        } else {
            0
        };
        model
            .resolve_name(scope, name, offset)
            .and_then(|r| model.qualified_of(&r))
    }

    #[test]
    fn import_spellings_resolve() {
        assert_eq!(
            qualified_at("import kfp.v2.dsl as dsl\ndsl.x\n", "dsl", "dsl.x"),
            Some("kfp.v2.dsl".into())
        );
        assert_eq!(
            qualified_at("import kfp.v2.dsl\nkfp.x\n", "kfp", "kfp.x"),
            Some("kfp".into())
        );
        assert_eq!(
            qualified_at("from kfp.v2 import dsl as d\nd.x\n", "d", "d.x"),
            Some("kfp.v2.dsl".into())
        );
        assert_eq!(
            qualified_at(
                "from kfp.components import *\nInputPath\n",
                "InputPath",
                "InputPath\n"
            ),
            Some("kfp.components.InputPath".into())
        );
    }

    #[test]
    fn later_rebinding_wins_at_module_level_and_locals_shadow() {
        let src = "from kfp.v2 import dsl\nfrom kfp import dsl\ndsl.x\n";
        assert_eq!(qualified_at(src, "dsl", "dsl.x"), Some("kfp.dsl".into()));
        let src = "from kfp.v2 import dsl\ndef f(dsl):\n    dsl.x\n";
        assert_eq!(qualified_at(src, "dsl", "dsl.x"), None);
        let src = "def f():\n    dsl.x\nfrom kfp.v2 import dsl\n";
        assert_eq!(qualified_at(src, "dsl", "dsl.x"), Some("kfp.v2.dsl".into()));
    }
}
