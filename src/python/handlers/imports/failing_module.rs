//! KFP016: an import of a module of the run that still fails to import under kfp 2 (a removed kfp module it
//! uses at module level, a syntax error, …), so this file fails with it however well it is migrated itself.
//!
//! Imports resolve to files the way Python finds them: relative imports from the file's own folder (namespace
//! packages without `__init__.py` included), absolute ones from the file's folder (a script's `sys.path[0]`)
//! and from the root its package is importable from.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::python::checker::{Checker, ImportSite};
use crate::python::parse::ast::{self, Stmt};
use crate::python::parse::range;
use crate::registry::{fill, id};

pub fn check_import(checker: &mut Checker, site: &ImportSite) {
    if !checker.ctx.project.knows_imports() {
        return;
    }
    let Some(rule) = checker.enabled(id::KFP016) else {
        return;
    };
    for (at, module, file) in imported_files(checker, site.stmt) {
        let Some(blocker) = checker.ctx.project.import_blocker(&file) else {
            continue;
        };
        let shown = shown_path(&file, &checker.source.path);
        let message = fill(
            &rule.message,
            &[
                ("module", module.as_str()),
                ("path", shown.as_str()),
                ("rule", blocker.rule),
                ("reason", headline(&blocker.message)),
            ],
        );
        let d = Diagnostic::new(rule.code, at, message)
            .with_fix_title(fill(&rule.fix_title, &[("path", shown.as_str())]));
        checker.report(d);
        // One finding per statement: the first module that fails says what to do first.
        return;
    }
}

/// The files of the run's tree an import statement makes Python run, with the range to report and the
/// module's name as written.
fn imported_files(
    checker: &Checker,
    stmt: &Stmt,
) -> Vec<(std::ops::Range<usize>, String, PathBuf)> {
    let path = &checker.source.path;
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut found = Vec::new();
    match stmt {
        Stmt::Import(import) => {
            for alias in &import.names {
                let name = alias.name.as_str();
                if is_library(name) {
                    continue;
                }
                let bases = absolute_bases(folder, &checker.ctx.module.root);
                if let Some(file) = module_file(&bases, name) {
                    found.push((range(&alias.name), name.to_string(), file));
                }
            }
        }
        Stmt::ImportFrom(import) => {
            let module = import.module.as_ref().map(ast::Identifier::as_str);
            let bases = match import.level {
                0 if module.is_some_and(is_library) => return found,
                0 => absolute_bases(folder, &checker.ctx.module.root),
                level => checker
                    .ctx
                    .module
                    .relative_base(level)
                    .into_iter()
                    .collect(),
            };
            let written = format!(
                "{}{}",
                ".".repeat(import.level as usize),
                module.unwrap_or("")
            );
            let at = import
                .module
                .as_ref()
                .map(range)
                .unwrap_or_else(|| range(stmt));
            if let Some(m) = module
                && let Some(file) = module_file(&bases, m)
            {
                found.push((at.clone(), written.clone(), file));
            }
            // `from pkg import util` may import the submodule `pkg/util.py`.
            for alias in &import.names {
                let name = alias.name.as_str();
                let dotted = match module {
                    Some(m) => format!("{m}.{name}"),
                    None => name.to_string(),
                };
                if let Some(file) = module_file(&bases, &dotted) {
                    let shown = match module {
                        Some(_) => format!("{written}.{name}"),
                        None => format!("{written}{name}"),
                    };
                    found.push((range(alias), shown, file));
                }
            }
        }
        _ => {}
    }
    found
}

/// kfp itself and its companion packages are what the migration targets, never a module of the project, even
/// when the tree checked is their own source.
fn is_library(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    top == "kfp" || top.starts_with("kfp_") || top == "google_cloud_pipeline_components"
}

/// Where an absolute import is looked for: the file's own folder, then the root of its package.
fn absolute_bases(folder: &Path, root: &Path) -> Vec<PathBuf> {
    let mut bases = vec![folder.to_path_buf()];
    if root != folder {
        bases.push(root.to_path_buf());
    }
    bases
}

/// The file a dotted module name is under one of `bases`.
fn module_file(bases: &[PathBuf], dotted: &str) -> Option<PathBuf> {
    bases
        .iter()
        .find_map(|base| crate::project::module_file(base, dotted))
}

/// `file` as the user reads it next to the importing file: relative to the importer's folder (`../test/util.py`).
fn shown_path(file: &Path, importer: &Path) -> String {
    let folder: Vec<_> = importer
        .parent()
        .unwrap_or(Path::new(""))
        .components()
        .collect();
    let target: Vec<_> = file.components().collect();
    let common = folder
        .iter()
        .zip(&target)
        .take_while(|(a, b)| a == b)
        .count();
    let mut shown = PathBuf::new();
    for _ in common..folder.len() {
        shown.push("..");
    }
    shown.extend(&target[common..]);
    shown.to_string_lossy().replace('\\', "/")
}

/// What a finding's message says before its guidance (`` `kfp.gcp` was removed in kfp 2``): the reader is
/// pointed at the file, where the whole message is.
fn headline(message: &str) -> &str {
    let first = message.lines().next().unwrap_or(message);
    first.split_once(": ").map_or(first, |(head, _)| head)
}
