//! The entry of a notebook with a cell that does not parse in the project component index: the v1 specs its
//! cells load at top level (`op = components.load_component_from_url(...)`, `..._from_file(...)`), so calls in
//! later cells get the keyword, output-key and literal fixes calls in a Python file get. (A notebook whose
//! cells all parse is indexed like a file, its function components included: `python::index_notebook`.)
//!
//! A notebook is not importable, so its entry has no module name and no other file's lookup finds it.

use std::path::Path;

use crate::project::{ModuleComponents, ModulePath};
use crate::settings::RuleSelection;
use crate::source::SourceFile;

use super::yaml_loads::resolve_spec;
use super::{names, parse, yaml_loads};

/// The entry of a notebook whose code cells are joined in `source` (as the check joins them), parsed cell by
/// cell into `module`. Spec files are read with `read`, relative to the notebook's folder first.
pub fn index(
    source: &SourceFile,
    module: &parse::ParsedModule,
    selection: &RuleSelection,
    read: &dyn Fn(&Path) -> Option<String>,
) -> ModuleComponents {
    let module_path = ModulePath::of(&source.path);
    let model = names::SemanticModel::build_in(&module.body, Some(&module_path));
    let read_spec = |path: &str| resolve_spec(source, &module_path, path, read);
    let components = yaml_loads::loaded_components(&module.body, &model, selection, &read_spec)
        .into_iter()
        .map(|(binding, c)| (binding, std::sync::Arc::new(c)))
        .collect();
    ModuleComponents {
        path: source.path.clone(),
        module: None,
        components,
        ..ModuleComponents::default()
    }
}
