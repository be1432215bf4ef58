//! Names a module reads but does not bind where it reads them (at module level: before that point, as Python
//! runs a module top to bottom; in a function: anywhere in the module). The fix loop compares these before and
//! after each round, so a fix that uses a name before it is bound, or deletes an import something still reads,
//! is caught whatever rule made it.

use rustc_hash::FxHashMap;

use super::names::{ScopeId, SemanticModel};
use super::parse::ast::{self, Expr};
use super::parse::{ParsedModule, range};
use super::visit::{self, ScopeBody, Visitor};

/// How often each name is read where nothing binds it (builtins and module dunders excepted).
pub fn unbound_reads(module: &ParsedModule, model: &SemanticModel) -> FxHashMap<String, usize> {
    let mut finder = Finder {
        model,
        scope: 0,
        found: FxHashMap::default(),
        annotation: false,
    };
    finder.visit_body(&module.body);
    finder.found
}

struct Finder<'m> {
    model: &'m SemanticModel,
    scope: ScopeId,
    found: FxHashMap<String, usize>,
    /// Inside an annotation, where a string naming a type (`'Integer'`, `{'GCSPath': …}`) is a forward
    /// reference that type checkers and kfp 1 resolve: it reads the name.
    annotation: bool,
}

impl Finder<'_> {
    fn read(&mut self, name: &str, at: usize) {
        if !is_builtin(name) && self.model.resolve_name(self.scope, name, at).is_none() {
            *self.found.entry(name.to_string()).or_default() += 1;
        }
    }

    fn visit_annotation<'a>(&mut self, annotation: &'a Expr)
    where
        Self: Visitor<'a>,
    {
        let saved = std::mem::replace(&mut self.annotation, true);
        self.visit_expr(annotation);
        self.annotation = saved;
    }
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_scope_body(&mut self, scope: ScopeBody<'a>) {
        let saved = self.scope;
        if let Some(id) = self.model.scope_opened_at(scope.start()) {
            self.scope = id;
        }
        visit::walk_scope_body(self, scope);
        self.scope = saved;
    }

    fn visit_parameters(&mut self, args: &'a ast::Parameters) {
        for arg in args.iter_non_variadic_params() {
            if let Some(a) = &arg.parameter.annotation {
                self.visit_annotation(a);
            }
            if let Some(d) = &arg.default {
                self.visit_expr(d);
            }
        }
        for arg in args.vararg.iter().chain(&args.kwarg) {
            if let Some(a) = &arg.annotation {
                self.visit_annotation(a);
            }
        }
    }

    fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.visit_expr(&d.expression);
                }
                self.visit_parameters(&f.parameters);
                if let Some(r) = &f.returns {
                    self.visit_annotation(r);
                }
                self.visit_scope_body(ScopeBody::Function {
                    start: range(stmt).start,
                    args: &f.parameters,
                    body: &f.body,
                });
            }
            ast::Stmt::AnnAssign(a) => {
                self.visit_annotation(&a.annotation);
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                }
                self.visit_expr(&a.target);
            }
            _ => visit::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Name(ast::ExprName {
                id,
                ctx: ast::ExprContext::Load,
                ..
            }) => self.read(id.as_str(), range(expr).start),
            // `NamedTuple('Outputs', [('mean', float)])`: the call's strings are names of its own, not types.
            Expr::Call(call) if self.annotation => {
                self.visit_expr(&call.func);
                let saved = std::mem::replace(&mut self.annotation, false);
                for a in call.arguments.args.iter() {
                    self.visit_expr(a);
                }
                for k in call.arguments.keywords.iter() {
                    self.visit_expr(&k.value);
                }
                self.annotation = saved;
            }
            Expr::StringLiteral(s) if self.annotation => {
                let text = s.value.to_str();
                let head = text.split('.').next().unwrap_or(text);
                let is_name = !head.is_empty()
                    && !head.starts_with(|c: char| c.is_ascii_digit())
                    && head.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && text.split('.').all(|p| !p.is_empty());
                if is_name {
                    self.read(head, range(expr).start);
                }
            }
            _ => visit::walk_expr(self, expr),
        }
    }
}

/// Python's builtins, the names every module has, and the ones IPython gives a notebook.
fn is_builtin(name: &str) -> bool {
    BUILTINS.binary_search(&name).is_ok()
}

/// Sorted for `binary_search`.
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "In",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "Out",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "_",
    "__",
    "___",
    "__annotations__",
    "__builtins__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "display",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "get_ipython",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::parse::parse_module;

    fn unbound(src: &str) -> Vec<String> {
        let module = parse_module(src);
        let model = SemanticModel::build(&module.body);
        let mut names: Vec<String> = unbound_reads(&module, &model).into_keys().collect();
        names.sort();
        names
    }

    #[test]
    fn builtins_are_sorted() {
        assert!(BUILTINS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn module_level_reads_before_the_binding_are_unbound_function_bodies_are_not() {
        assert_eq!(
            unbound("f = 1\nx = dsl.component(f)\nimport kfp.dsl as dsl\n"),
            ["dsl"]
        );
        assert_eq!(
            unbound(
                "@kfp.dsl.pipeline\ndef p():\n    pass\nif __name__ == '__main__':\n    import kfp\n"
            ),
            ["kfp"]
        );
        assert!(unbound("def f():\n    return dsl.x\nimport kfp.dsl as dsl\n").is_empty());
        assert!(unbound("from kfp import dsl\nprint(len(dsl.x), __file__)\n").is_empty());
        assert!(unbound("from m import *\nanything\n").is_empty());
        // A string naming a type in an annotation reads the name, as type checkers and kfp 1 read it.
        assert_eq!(
            unbound("def f(x: 'Integer', y: {'GCSPath': 1}) -> 'a b':\n    pass\n"),
            ["GCSPath", "Integer"]
        );
        assert!(unbound("x = 'Integer'\n").is_empty());
    }
}
