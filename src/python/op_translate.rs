//! Reading a v1 `dsl.ContainerOp(...)` construction and translating it into the pieces of a kfp 2
//! `@dsl.container_component` (<https://github.com/kubeflow/pipelines/blob/sdk/release-1.8/sdk/python/kfp/dsl/_container_op.py>,
//! <https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/sdk/python/kfp/dsl/container_component_decorator.py>).
//!
//! The translation is text in, text out: every value the op uses in `command`/`arguments` is either kept as
//! written (literals, module-level names), becomes a parameter of the component (pipeline parameters, other
//! tasks' outputs, the factory's own parameters), or is built with `dsl.ConcatPlaceholder` (f-strings,
//! `%` and `.format` strings). Anything else makes the translation fail with a reason, and the rule then
//! offers no automatic fix.

use super::literals::str_literal;
use super::names::{SemanticModel, range};
use super::parse::ast::{self, Expr, Stmt};

/// The v1 constructor's parameters in positional order (I1).
const POSITIONAL: &[&str] = &[
    "name",
    "image",
    "command",
    "arguments",
    "init_containers",
    "sidecars",
    "container_kwargs",
    "artifact_argument_paths",
    "file_outputs",
    "output_artifact_paths",
    "is_exit_handler",
    "pvolumes",
];

/// The arguments of one `ContainerOp(...)` call, by v1 parameter name.
#[derive(Debug, Default)]
pub struct OpCall<'a> {
    pub args: Vec<(&'static str, &'a Expr)>,
    /// Keywords the constructor does not know (or `**kwargs`): not translatable.
    pub unknown: Vec<String>,
}

impl<'a> OpCall<'a> {
    pub fn read(call: &'a ast::ExprCall) -> Self {
        Self::read_skipping(call, 0)
    }

    /// Reads a constructor call whose first `skip` positional arguments are not the op's (`self`).
    pub fn read_skipping(call: &'a ast::ExprCall, skip: usize) -> Self {
        let mut op = OpCall::default();
        for (i, a) in call.arguments.args.iter().skip(skip).enumerate() {
            match (POSITIONAL.get(i), a) {
                (_, Expr::Starred(_)) | (None, _) => op.unknown.push("*args".into()),
                (Some(p), _) => op.args.push((p, a)),
            }
        }
        for k in &call.arguments.keywords {
            match k
                .arg
                .as_ref()
                .and_then(|a| POSITIONAL.iter().find(|p| **p == a.as_str()))
            {
                Some(p) => op.args.push((p, &k.value)),
                None => op.unknown.push(
                    k.arg
                        .as_ref()
                        .map_or("**kwargs".to_string(), |a| a.to_string()),
                ),
            }
        }
        op
    }

    pub fn get(&self, name: &str) -> Option<&'a Expr> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, e)| *e)
    }

    /// `file_outputs` and the deprecated `output_artifact_paths`, as (output name, fixed path literal).
    pub fn file_outputs(&self) -> Result<Vec<(String, String)>, String> {
        let mut outputs = Vec::new();
        for key in ["file_outputs", "output_artifact_paths"] {
            let Some(e) = self.get(key) else { continue };
            let Expr::Dict(d) = e else {
                return Err(format!("`{key}` is not a dict literal"));
            };
            for item in &d.items {
                match (
                    item.key.as_ref().and_then(str_literal),
                    str_literal(&item.value),
                ) {
                    (Some(k), Some(v)) => outputs.push((k, v)),
                    _ => {
                        return Err(format!(
                            "`{key}` has a key or path that is not a string literal"
                        ));
                    }
                }
            }
        }
        Ok(outputs)
    }
}

/// What a name used in `command`/`arguments` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameUse {
    /// Usable as written inside a module-level function (a module constant, an import).
    Keep,
    /// A value the component takes as a parameter of this type (`int`, `str`, …).
    Param(String),
    /// A plain Python value of the pipeline function (a `for` loop variable): kfp 1 embedded its text, so the
    /// component takes it as `str` and the caller passes `str(value)`.
    PythonValue,
    /// Not translatable.
    Unsupported,
}

/// A parameter the translated component needs, with the expression callers pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub annotation: String,
    /// The argument at the call site (the original expression's text).
    pub argument: String,
}

/// Translates `command`/`arguments` values into container-spec text, collecting parameters.
pub struct Translator<'a, F, G>
where
    F: Fn(&ast::ExprName) -> NameUse,
    G: Fn(&Expr) -> Option<(String, String)>,
{
    pub text: &'a str,
    /// What a bare name is.
    pub classify_name: F,
    /// An expression that is a task output (`flip.output`, `op.outputs['x']`): the parameter name and type
    /// it becomes.
    pub task_output: G,
    /// The ConcatPlaceholder spelling (`dsl.ConcatPlaceholder`).
    pub concat: String,
    pub params: Vec<Param>,
}

impl<F, G> Translator<'_, F, G>
where
    F: Fn(&ast::ExprName) -> NameUse,
    G: Fn(&Expr) -> Option<(String, String)>,
{
    fn source(&self, e: &Expr) -> &str {
        &self.text[range(e)]
    }

    /// A list value (`command=` / `arguments=`): a list literal, or a single string v1 wrapped in a list.
    pub fn list(&mut self, e: &Expr) -> Result<String, String> {
        let items: Vec<&Expr> = match e {
            Expr::List(l) => l.elts.iter().collect(),
            Expr::Tuple(t) => t.elts.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for item in items {
            out.push(self.item(item)?);
        }
        Ok(format!("[{}]", out.join(", ")))
    }

    /// One command/argument item.
    pub fn item(&mut self, e: &Expr) -> Result<String, String> {
        match e {
            Expr::StringLiteral(_) => Ok(self.source(e).to_string()),
            // kfp 2 container specs take strings only; v1 turned numbers into strings.
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: ast::Number::Int(_) | ast::Number::Float(_),
                ..
            })
            | Expr::BooleanLiteral(_) => Ok(format!("'{}'", self.source(e))),
            Expr::NoneLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::EllipsisLiteral(_) => Err(format!("`{}` is not a string", self.source(e))),
            Expr::FString(j) => self.concat_fstring(j),
            Expr::BinOp(b) if matches!(b.op, ast::Operator::Mod) => self.concat_percent(b),
            Expr::BinOp(b) if matches!(b.op, ast::Operator::Add) => {
                let l = self.part(&b.left)?;
                let r = self.part(&b.right)?;
                Ok(self.concat_parts(vec![l, r]))
            }
            Expr::Call(c) => {
                if let Expr::Attribute(a) = c.func.as_ref()
                    && a.attr.as_str() == "format"
                    && let Some(template) = str_literal(&a.value)
                {
                    return self.concat_format(&template, c);
                }
                if let Expr::Name(n) = c.func.as_ref()
                    && n.id.as_str() == "str"
                    && c.arguments.args.len() == 1
                    && c.arguments.keywords.is_empty()
                {
                    // v1's `str(param)` was the placeholder string; kfp 2 takes the value itself.
                    return self.item(&c.arguments.args[0]);
                }
                Err(format!("`{}` is computed in the pipeline", self.source(e)))
            }
            other => self.value(other),
        }
    }

    /// A value that becomes a parameter or stays as written.
    fn value(&mut self, e: &Expr) -> Result<String, String> {
        if let Some((name, annotation)) = (self.task_output)(e) {
            return Ok(self.param(name, annotation, self.source(e).to_string()));
        }
        match e {
            Expr::Name(n) => match (self.classify_name)(n) {
                NameUse::Keep => Ok(self.source(e).to_string()),
                NameUse::Param(annotation) => {
                    let name = n.id.to_string();
                    Ok(self.param(name.clone(), annotation, name))
                }
                NameUse::PythonValue => {
                    let name = n.id.to_string();
                    let argument = format!("str({name})");
                    Ok(self.param(name, "str".into(), argument))
                }
                NameUse::Unsupported => Err(format!("`{}` cannot be passed to a component", n.id)),
            },
            Expr::Attribute(_) if self.is_module_level_chain(e) => Ok(self.source(e).to_string()),
            _ => Err(format!("`{}` is computed in the pipeline", self.source(e))),
        }
    }

    fn is_module_level_chain(&self, e: &Expr) -> bool {
        match e {
            Expr::Attribute(a) => self.is_module_level_chain(&a.value),
            Expr::Name(n) => (self.classify_name)(n) == NameUse::Keep,
            _ => false,
        }
    }

    /// Registers a parameter (once per name) and returns how the spec refers to it.
    fn param(&mut self, name: String, annotation: String, argument: String) -> String {
        if let Some(existing) = self
            .params
            .iter()
            .find(|p| p.argument == argument || p.name == name)
        {
            if existing.argument == argument {
                return existing.name.clone();
            }
            // Same name, different value: number it.
            let mut i = 2;
            while self.params.iter().any(|p| p.name == format!("{name}_{i}")) {
                i += 1;
            }
            let numbered = format!("{name}_{i}");
            self.params.push(Param {
                name: numbered.clone(),
                annotation,
                argument,
            });
            return numbered;
        }
        self.params.push(Param {
            name: name.clone(),
            annotation,
            argument,
        });
        name
    }

    /// A piece of a concatenation: a string literal's text or a value.
    fn part(&mut self, e: &Expr) -> Result<String, String> {
        match e {
            Expr::StringLiteral(_) => Ok(self.source(e).to_string()),
            other => self.item(other),
        }
    }

    fn concat_parts(&self, parts: Vec<String>) -> String {
        let parts: Vec<String> = parts.into_iter().filter(|p| p != "''").collect();
        match parts.as_slice() {
            [only] => only.clone(),
            _ => format!("{}([{}])", self.concat, parts.join(", ")),
        }
    }

    fn concat_fstring(&mut self, j: &ast::ExprFString) -> Result<String, String> {
        let mut parts = Vec::new();
        // Adjacent literal pieces (`'a' f'b{x}'`, or the text around an interpolation) make one string.
        let mut literal: Option<String> = None;
        for part in j.value.iter() {
            let elements = match part {
                ast::FStringPart::Literal(s) => {
                    literal.get_or_insert_default().push_str(&s.value);
                    continue;
                }
                ast::FStringPart::FString(f) => &f.elements,
            };
            for element in elements.iter() {
                match element {
                    ast::InterpolatedStringElement::Literal(l) => {
                        literal.get_or_insert_default().push_str(&l.value)
                    }
                    ast::InterpolatedStringElement::Interpolation(i) => {
                        if i.format_spec.is_some()
                            || i.debug_text.is_some()
                            || !matches!(i.conversion, ast::ConversionFlag::None)
                        {
                            return Err("an f-string with a format spec or conversion".into());
                        }
                        parts.extend(literal.take().map(|l| python_str(&l)));
                        parts.push(self.item(&i.expression)?);
                    }
                }
            }
        }
        parts.extend(literal.take().map(|l| python_str(&l)));
        Ok(self.concat_parts(parts))
    }

    fn concat_percent(&mut self, b: &ast::ExprBinOp) -> Result<String, String> {
        let template =
            str_literal(&b.left).ok_or("a `%` format whose template is not a literal")?;
        let values: Vec<&Expr> = match b.right.as_ref() {
            Expr::Tuple(t) => t.elts.iter().collect(),
            other => vec![other],
        };
        let pieces = split_template(&template, "%s").ok_or("a `%` format other than `%s`")?;
        self.interleave(pieces, values)
    }

    fn concat_format(&mut self, template: &str, c: &ast::ExprCall) -> Result<String, String> {
        if !c.arguments.keywords.is_empty() {
            return Err("a `.format()` with keywords".into());
        }
        let pieces =
            split_template(template, "{}").ok_or("a `.format()` template other than `{}`")?;
        self.interleave(pieces, c.arguments.args.iter().collect())
    }

    fn interleave(&mut self, pieces: Vec<String>, values: Vec<&Expr>) -> Result<String, String> {
        if pieces.len() != values.len() + 1 {
            return Err("a format whose placeholders and values do not match".into());
        }
        let mut parts = Vec::new();
        for (i, piece) in pieces.iter().enumerate() {
            parts.push(python_str(piece));
            if let Some(v) = values.get(i) {
                parts.push(self.item(v)?);
            }
        }
        Ok(self.concat_parts(parts))
    }
}

/// Splits a template at every `marker`; `None` when it holds other `%`/`{` formatting.
fn split_template(template: &str, marker: &str) -> Option<Vec<String>> {
    let pieces: Vec<String> = template.split(marker).map(str::to_string).collect();
    let other = match marker {
        "%s" => pieces.iter().any(|p| p.contains('%')),
        _ => pieces.iter().any(|p| p.contains('{') || p.contains('}')),
    };
    (!other).then_some(pieces)
}

/// The `super().__init__(...)` (or `dsl.ContainerOp.__init__(self, ...)`) call of a `ContainerOp` subclass whose
/// body is only (a docstring and) an `__init__` that only makes that call; with how many leading positional
/// arguments are not the op's (`self`).
pub fn simple_subclass<'a>(
    model: &SemanticModel,
    class: &'a ast::StmtClassDef,
) -> Option<(&'a ast::StmtFunctionDef, &'a ast::ExprCall, usize)> {
    let mut body = class.body.iter().filter(|s| !is_docstring(s));
    let (Some(Stmt::FunctionDef(init)), None) = (body.next(), body.next()) else {
        return None;
    };
    if init.name.as_str() != "__init__" || !init.decorator_list.is_empty() {
        return None;
    }
    let mut stmts = init.body.iter().filter(|s| !is_docstring(s));
    let (Some(Stmt::Expr(ast::StmtExpr { value, .. })), None) = (stmts.next(), stmts.next()) else {
        return None;
    };
    let Expr::Call(call) = value.as_ref() else {
        return None;
    };
    let Expr::Attribute(a) = call.func.as_ref() else {
        return None;
    };
    if a.attr.as_str() != "__init__" {
        return None;
    }
    let via_super = matches!(a.value.as_ref(), Expr::Call(c)
        if matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == "super"));
    if via_super {
        return Some((init, call, 0));
    }
    // `dsl.ContainerOp.__init__(self, ...)` passes `self` first.
    let via_class = model.qualified_name(0, &a.value).as_deref() == Some("kfp.dsl.ContainerOp");
    let self_first =
        matches!(call.arguments.args.first(), Some(Expr::Name(n)) if n.id.as_str() == "self");
    (via_class && self_first).then_some((init, call, 1))
}

pub fn is_docstring(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::Expr(ast::StmtExpr { value, .. })
        if value.is_string_literal_expr())
}

/// A Python string literal for `s` (single quotes, escapes as needed).
pub fn python_str(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A shell-quoted word for `sh -c` scripts (single quotes).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The `sh -c` wrapper that runs the program, then copies each fixed v1 output file to the path kfp 2 chose
/// (passed as the script's first arguments), for any number of outputs. The KFP201 rule examples compile the
/// result under kfp 2.17.3.
pub fn copy_outputs_script(fixed_paths: &[String]) -> String {
    let n = fixed_paths.len();
    let mut script = String::new();
    for i in 0..n {
        script.push_str(&format!("o{i}=\"${}\"; ", i));
    }
    if n > 1 {
        script.push_str(&format!("shift {}; ", n - 1));
    }
    script.push_str("\"$@\"");
    for (i, p) in fixed_paths.iter().enumerate() {
        let p = shell_quote(p);
        script.push_str(&format!(
            " && mkdir -p \"$(dirname \"$o{i}\")\" && cp {p} \"$o{i}\""
        ));
    }
    script
}

/// A Python identifier made from a v1 op name (`flip-coin` → `flip_coin`).
pub fn identifier_from(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("op_{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_script_for_one_and_two_outputs() {
        assert_eq!(
            copy_outputs_script(&["/tmp/out.txt".into()]),
            "o0=\"$0\"; \"$@\" && mkdir -p \"$(dirname \"$o0\")\" && cp /tmp/out.txt \"$o0\""
        );
        let two = copy_outputs_script(&["/a".into(), "/b c".into()]);
        assert!(
            two.starts_with("o0=\"$0\"; o1=\"$1\"; shift 1; \"$@\""),
            "{two}"
        );
        assert!(two.ends_with("cp '/b c' \"$o1\""), "{two}");
    }

    #[test]
    fn identifiers_from_op_names() {
        assert_eq!(identifier_from("flip-coin"), "flip_coin");
        assert_eq!(identifier_from("Print Result!"), "print_result");
        assert_eq!(identifier_from("1st"), "op_1st");
    }

    #[test]
    fn python_strings_escape() {
        assert_eq!(python_str("it's\n"), "'it\\'s\\n'");
    }
}
