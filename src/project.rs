//! The project-wide index of components, built from the original text of every file in the run before any
//! fix is applied, so a call site in one file is rewritten with the names its component had in v1 even when
//! the component's own file is rewritten in the same run.
//!
//! Python files are keyed by their import name, the way Python finds them: a file's directory and the parent
//! directories that are packages (hold `__init__.py`) give the dotted name (`pkg/components.py` →
//! `pkg.components`); the first directory that is not a package is the *root* the module is importable from.
//! An import in another file resolves to a module of the same root first (scripts next to each other import
//! each other that way); a module name defined under several roots and not under the importer's own is
//! ambiguous and resolves to nothing.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::components::Component;

/// Where a Python file sits in the import system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath {
    /// The directory the module is importable from.
    pub root: PathBuf,
    /// The dotted import name (`pkg.components`).
    pub name: String,
    /// The package the module is in (`pkg`; empty for a top-level module); relative imports start here.
    pub package: String,
    /// The folder of the module's file: relative imports through folders without `__init__.py` (namespace
    /// packages) are resolved from here, by path.
    pub dir: PathBuf,
}

impl ModulePath {
    pub fn of(path: &Path) -> Self {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut parts = Vec::new();
        if stem != "__init__" {
            parts.push(stem);
        }
        let file_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut dir = file_dir.clone();
        let mut package = Vec::new();
        while dir.join("__init__.py").is_file() {
            let Some(name) = dir.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                break;
            };
            package.push(name);
            if !dir.pop() {
                break;
            }
        }
        package.reverse();
        let mut name = package.clone();
        name.extend(parts);
        Self {
            root: dir,
            name: name.join("."),
            package: package.join("."),
            dir: file_dir,
        }
    }

    /// The import name of the module file a relative import names, found by path: `from ..core.viz import x`
    /// at `level` 2 from `samples/test/t.py` is `samples/core/viz.py` (or its `__init__.py`), whatever the
    /// folders are. Used where the packages do not resolve it (namespace folders have no `__init__.py`).
    pub fn resolve_relative_by_path(&self, level: u32, module: Option<&str>) -> Option<String> {
        let base = self.relative_base(level)?;
        let file = match module {
            Some(m) => module_file(&base, m)?,
            None => Some(base.join("__init__.py")).filter(|p| p.is_file())?,
        };
        let name = Self::of(&file).name;
        (!name.is_empty()).then_some(name)
    }

    /// The folder a relative import of `level` dots starts from, by path: `.` is the module's folder, each
    /// further dot one up; `None` past the top of the paths as given.
    pub fn relative_base(&self, level: u32) -> Option<PathBuf> {
        let mut base = self.dir.clone();
        for _ in 1..level {
            if base.as_os_str().is_empty() || !base.pop() {
                return None;
            }
        }
        Some(base)
    }

    /// The absolute module a relative import names: `from ..x import y` at `level` 2.
    pub fn resolve_relative(&self, level: u32, module: Option<&str>) -> Option<String> {
        let mut base: Vec<&str> = if self.package.is_empty() {
            Vec::new()
        } else {
            self.package.split('.').collect()
        };
        // `.` is the package itself; every further dot goes one package up, never past the top-level one.
        let up = (level as usize).checked_sub(1)?;
        if up >= base.len() && up > 0 {
            return None;
        }
        base.truncate(base.len() - up);
        if let Some(m) = module {
            base.push(m);
        }
        (!base.is_empty()).then(|| base.join("."))
    }
}

/// The file the dotted module name `a.b` is under `base`: `a/b.py`, or the package `a/b/__init__.py`.
pub fn module_file(base: &Path, dotted: &str) -> Option<PathBuf> {
    let mut dir = base.to_path_buf();
    dir.extend(dotted.split('.'));
    let file = dir.with_extension("py");
    if file.is_file() {
        return Some(file);
    }
    let package = dir.join("__init__.py");
    package.is_file().then_some(package)
}

/// The components one module defines, by the name they are bound to at module level.
#[derive(Debug, Default)]
pub struct ModuleComponents {
    pub path: PathBuf,
    pub module: Option<ModulePath>,
    pub components: HashMap<String, Arc<Component>>,
    /// Every module-level name bound to a component object, v1 function components included: loaded YAML
    /// components (`op = load_component_from_text(...)`) and kfp 2 components. Pipeline rules use it to tell
    /// task-creating calls from other calls.
    pub component_objects: HashSet<String>,
    /// `(package path literal, pipeline expression)` of each `<Compiler>.compile(pipeline, 'path')` in the
    /// module: KFP601 names the source of a committed compiled file.
    pub compile_outputs: Vec<(String, String)>,
}

/// What still makes a Python file of the run fail when another file imports it under kfp 2: the first finding
/// of its own check that no fix removes and that sits where the import runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBlocker {
    pub rule: &'static str,
    /// The finding's message.
    pub message: String,
}

/// Answers, for a Python file of the run, what blocks importing it (`None` for a file outside the run or one
/// that imports fine). Implemented by the run, which knows the run's files and settings and checks each
/// imported file once, from its original text.
pub trait ImportBlockers: Send + Sync {
    fn blocker(&self, project: &Project, path: &Path) -> Option<ImportBlocker>;

    /// Settles the answer for `path` with `answer` unless it is known already: the run hands over a
    /// migration of the file it made anyway, so the file is not fixed a second time to answer.
    fn settle(&self, path: &Path, answer: &dyn Fn() -> Option<ImportBlocker>);
}

/// Every component defined in the run's files.
#[derive(Default)]
pub struct Project {
    by_module: HashMap<String, Vec<ModuleComponents>>,
    by_path: HashMap<PathBuf, (String, usize)>,
    /// Set on a project made for one file's own check (`Project::recording`): the modules its lookups asked
    /// about, so the run can tell whether the full index would have answered the same.
    queried: Option<Mutex<Vec<String>>>,
    /// `compiled_files`, once asked for.
    compiled: OnceLock<HashMap<PathBuf, (PathBuf, String)>>,
    /// The run's answer to "does importing this file of the run fail under kfp 2?" (`None`: a check on its
    /// own, nothing is known about other files).
    import_blockers: Option<std::sync::Arc<dyn ImportBlockers>>,
    /// Set on a recording project: the files of the run its checks asked `import_blocker` about.
    imports_asked: Option<Mutex<Vec<PathBuf>>>,
}

impl std::fmt::Debug for Project {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Project")
            .field("by_module", &self.by_module)
            .field("import_blockers", &self.import_blockers.is_some())
            .finish_non_exhaustive()
    }
}

impl Project {
    /// The module file and pipeline whose `compile(...)` call writes `path` (relative package paths are
    /// tried from the module's folder and from its import root; the file must exist to match).
    pub fn compiled_by(&self, path: &Path) -> Option<(PathBuf, String)> {
        let target = std::fs::canonicalize(path).ok()?;
        self.compiled
            .get_or_init(|| self.compiled_files())
            .get(&target)
            .cloned()
    }

    /// Every existing file a `compile(...)` call of the run writes, by canonical path, with its module file and
    /// pipeline. Built once, on the first question: each YAML file of the run asks.
    fn compiled_files(&self) -> HashMap<PathBuf, (PathBuf, String)> {
        let mut modules: Vec<&ModuleComponents> = self.by_module.values().flatten().collect();
        // Two modules writing the same file: the first by path wins, whatever the hash order.
        modules.sort_by(|a, b| a.path.cmp(&b.path));
        let mut compiled = HashMap::new();
        for m in modules {
            let folder = m.path.parent().map(Path::to_path_buf).unwrap_or_default();
            let root = m.module.as_ref().map(|p| p.root.clone());
            for (written, pipeline) in &m.compile_outputs {
                let written = Path::new(written);
                let candidates = [
                    Some(folder.join(written)),
                    root.as_ref().map(|r| r.join(written)),
                ];
                for target in candidates.into_iter().flatten() {
                    if let Ok(target) = std::fs::canonicalize(target) {
                        compiled
                            .entry(target)
                            .or_insert_with(|| (m.path.clone(), pipeline.clone()));
                    }
                }
            }
        }
        compiled
    }

    /// An empty project that remembers the modules it is asked about (see `answers_as_alone`).
    pub fn recording() -> Self {
        Self {
            queried: Some(Mutex::new(Vec::new())),
            imports_asked: Some(Mutex::new(Vec::new())),
            ..Self::default()
        }
    }

    /// Lets the project answer `import_blocker` with the run's own checks of its files.
    pub fn set_import_blockers(&mut self, blockers: std::sync::Arc<dyn ImportBlockers>) {
        self.import_blockers = Some(blockers);
    }

    /// Whether asking `import_blocker` can tell anything: the project knows the run's files, or records what
    /// it is asked. A check on its own skips resolving its imports.
    pub fn knows_imports(&self) -> bool {
        self.import_blockers.is_some() || self.imports_asked.is_some()
    }

    /// What blocks importing the Python file at `path` (a file an import of the checked file resolves to),
    /// when it is a file of the run.
    pub fn import_blocker(&self, path: &Path) -> Option<ImportBlocker> {
        if let Some(asked) = &self.imports_asked {
            let mut asked = asked.lock().unwrap_or_else(|p| p.into_inner());
            if !asked.iter().any(|a| a == path) {
                asked.push(path.to_path_buf());
            }
        }
        self.import_blockers.as_ref()?.blocker(self, path)
    }

    /// Settles what blocks importing the file at `path` from a migration of it already made (see
    /// `ImportBlockers::settle`); nothing for a project that does not know the run's files.
    pub fn settle_import_blocker(&self, path: &Path, answer: &dyn Fn() -> Option<ImportBlocker>) {
        if let Some(blockers) = &self.import_blockers {
            blockers.settle(path, answer);
        }
    }

    /// The files a recording project was asked `import_blocker` about, in first-asked order.
    pub fn imports_asked(&self) -> Vec<PathBuf> {
        self.imports_asked
            .as_ref()
            .map(|a| a.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default()
    }

    fn record(&self, module: &str) {
        if let Some(queried) = &self.queried {
            let mut queried = queried.lock().unwrap_or_else(|p| p.into_inner());
            if !queried.iter().any(|q| q == module) {
                queried.push(module.to_string());
            }
        }
    }

    /// The modules a recording project was asked about, in first-asked order.
    pub fn queried(&self) -> Vec<String> {
        self.queried
            .as_ref()
            .map(|q| q.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default()
    }

    /// Whether lookups of `modules` from the file at `path` get the answers a project holding only that file's
    /// own components gives: no other file's components live under any of those module names, and none of the
    /// `imported` files of the run fails to import. A check made against that file alone is then the check
    /// against this project.
    pub fn answers_as_alone(&self, path: &Path, modules: &[String], imported: &[PathBuf]) -> bool {
        let components_alone = modules
            .iter()
            .all(|module| match self.by_module.get(module) {
                None => true,
                Some(entries) => entries.iter().all(|e| e.path == path),
            });
        components_alone && imported.iter().all(|f| self.import_blocker(f).is_none())
    }

    pub fn add(&mut self, module: ModuleComponents) {
        self.compiled = OnceLock::new();
        let name = module
            .module
            .as_ref()
            .map(|m| m.name.clone())
            .unwrap_or_default();
        // Almost every module name has one file: a default `Vec` would reserve room for four (the largest
        // share of a dense run's memory, measured with heaptrack).
        let entries = self
            .by_module
            .entry(name.clone())
            .or_insert_with(|| Vec::with_capacity(1));
        self.by_path
            .insert(module.path.clone(), (name, entries.len()));
        entries.push(module);
    }

    /// The components the file at `path` defines.
    pub fn file(&self, path: &Path) -> Option<&ModuleComponents> {
        let (name, i) = self.by_path.get(path)?;
        self.by_module.get(name)?.get(*i)
    }

    /// The component `qualified` (`components.train_op`) names when imported from a module importable
    /// from `root`.
    pub fn lookup(&self, root: Option<&Path>, qualified: &str) -> Option<&Arc<Component>> {
        let (module, name) = qualified.rsplit_once('.')?;
        self.record(module);
        let entries = self.by_module.get(module)?;
        let chosen = match entries.as_slice() {
            [only] => only,
            several => several
                .iter()
                .find(|e| e.module.as_ref().map(|m| m.root.as_path()) == root)?,
        };
        chosen.components.get(name)
    }

    /// Whether `qualified`, imported from a module of the run, is a component object there.
    pub fn names_component(&self, root: Option<&Path>, qualified: &str) -> bool {
        let Some((module, name)) = qualified.rsplit_once('.') else {
            return false;
        };
        self.record(module);
        let Some(entries) = self.by_module.get(module) else {
            return false;
        };
        let chosen = match entries.as_slice() {
            [only] => Some(only),
            several => several
                .iter()
                .find(|e| e.module.as_ref().map(|m| m.root.as_path()) == root),
        };
        chosen
            .is_some_and(|m| m.components.contains_key(name) || m.component_objects.contains(name))
    }

    /// The modules added, in no particular order.
    pub fn into_modules(self) -> impl Iterator<Item = ModuleComponents> {
        self.by_module.into_values().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.by_module
            .values()
            .all(|v| v.iter().all(|m| m.components.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_path_follows_packages() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("proj/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        let m = ModulePath::of(&pkg.join("components.py"));
        assert_eq!(m.name, "pkg.components");
        assert_eq!(m.package, "pkg");
        assert_eq!(m.root, dir.path().join("proj"));
        assert_eq!(
            m.resolve_relative(1, Some("ops")).as_deref(),
            Some("pkg.ops")
        );
        assert_eq!(m.resolve_relative(2, Some("ops")), None);
        let top = ModulePath::of(&dir.path().join("proj/pipeline.py"));
        assert_eq!(top.name, "pipeline");
        assert_eq!(top.root, dir.path().join("proj"));
    }
}
