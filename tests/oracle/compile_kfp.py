#!/usr/bin/env python3
"""Oracle harness: compile pipeline files with a real KFP SDK.

Usage: python compile_kfp.py --kfp 1|2 [--out DIR] [--as-package] FILE...

Run it with the python of the venv holding the matching SDK (see
scripts/oracle-venvs.sh). kfp is imported once in this process; every FILE is
then handled in a forked child (timeout CHILD_TIMEOUT seconds) whose cwd is a
fresh temp dir and whose sys.path starts with the file's own directory, so
sibling imports work and nothing leaks between files.

In the child the file is imported as a module (unique name, never as
__main__, so `if __name__ == "__main__":` blocks do not run) with all warnings
recorded. With --as-package, a file inside a package (folders holding
__init__.py) is imported by its dotted name instead, with the folder above the
package first on sys.path and the package imported first, as pytest's prepend
import mode does, so its relative imports work. And then:
  --kfp 1: every function decorated with @dsl.pipeline (collected through
           kfp.dsl._pipeline._pipeline_decorator_handler, exactly as v1's
           dsl-compile does) is compiled with kfp.compiler.Compiler() to Argo
           workflow YAML;
  --kfp 2: every module-level BaseComponent defined by the file (components
           and pipelines alike) is compiled with kfp.compiler.Compiler() to
           pipeline-spec IR YAML.

One JSON object per FILE, in argument order, is printed on stdout:
  {"file": FILE, "ok": bool, "compiled": [name, ...],
   "error": null | "ExceptionType: message\\n<last traceback lines>",
   "warnings": ["Category: message", ...]}
Anything the imported code prints goes to stderr. Outputs are written to
DIR/<file stem>/<name>.yaml with --out, else to a temp dir that is removed.
Exit status: 0 if every file is ok, 1 otherwise, 2 on bad usage.
"""

import argparse
import ast
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings

# Per-file timeout in seconds (env override mainly for testing the harness).
CHILD_TIMEOUT = float(os.environ.get("KFP_UPGRADE_ORACLE_TIMEOUT", "120"))
TRACEBACK_LINES = 12


def _format_error(exc, context=None):
    head = f"{type(exc).__name__}: {exc}"
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    lines = tb.rstrip("\n").splitlines()
    # The final line(s) repeat `head`; keep the frames just above it.
    tail = lines[-TRACEBACK_LINES:]
    parts = [head]
    if context:
        parts.append(context)
    parts.extend(tail)
    return "\n".join(parts)


def _format_warning(w):
    return f"{w.category.__name__}: {w.message}"


def _module_level_bindings(path):
    """Names bound at module scope by the file's own code.

    Includes def/class/assignment/for/with/except/walrus targets anywhere at
    module level (also inside top-level if/try/with/for blocks) and excludes
    import statements. Function and class bodies are not entered.
    """
    with open(path, "rb") as f:
        tree = ast.parse(f.read(), filename=path)
    names = set()

    def add_target(t):
        for node in ast.walk(t):
            if isinstance(node, ast.Name):
                names.add(node.id)

    def visit(stmts):
        for s in stmts:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(s.name)
                continue
            if isinstance(s, (ast.Import, ast.ImportFrom)):
                continue
            if isinstance(s, ast.Assign):
                for t in s.targets:
                    add_target(t)
            elif isinstance(s, (ast.AnnAssign, ast.AugAssign)):
                add_target(s.target)
            elif isinstance(s, (ast.For, ast.AsyncFor)):
                add_target(s.target)
            elif isinstance(s, (ast.With, ast.AsyncWith)):
                for item in s.items:
                    if item.optional_vars is not None:
                        add_target(item.optional_vars)
            for node in ast.walk(s):
                if isinstance(node, ast.NamedExpr):
                    add_target(node.target)
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(s, field, []) or [])
            for h in getattr(s, "handlers", []) or []:
                if h.name:
                    names.add(h.name)
                visit(h.body)
            if isinstance(s, ast.Match):
                for case in s.cases:
                    visit(case.body)

    visit(tree.body)
    return names


def _unique_name(name, taken):
    candidate, i = name, 2
    while candidate in taken:
        candidate = f"{name}_{i}"
        i += 1
    taken.add(candidate)
    return candidate


def _package_parts(file_dir):
    """The dotted package a file of `file_dir` is in, as a list, and the folder above it."""
    parts = []
    while os.path.isfile(os.path.join(file_dir, "__init__.py")):
        parent = os.path.dirname(file_dir)
        if parent == file_dir:
            break
        parts.insert(0, os.path.basename(file_dir))
        file_dir = parent
    return parts, file_dir


def _run_child(kfp_major, path, out_dir, as_package=False):
    """Runs in the forked child. Returns the result dict (minus "file")."""
    import importlib.util

    import kfp
    import kfp.compiler

    result = {"ok": False, "compiled": [], "error": None, "warnings": []}
    abspath = path  # made absolute by the parent, before the chdir
    file_dir = os.path.dirname(abspath)
    stem = os.path.splitext(os.path.basename(abspath))[0]

    # The harness's own directory must not shadow anything the file imports.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, file_dir)

    module_name = f"_kfp_oracle_{stem}_{os.getpid()}"
    package = []
    if as_package:
        package, above = _package_parts(file_dir)
        if package:
            sys.path.insert(0, above)
            module_name = ".".join(package if stem == "__init__" else package + [stem])
    recorded = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stage = "import"
        try:
            pipeline_funcs = []
            if kfp_major == 1:
                import kfp.dsl._pipeline as v1_pipeline

                def add_pipeline(func):
                    # Same as kfp/compiler/main.py:PipelineCollectorContext.
                    pipeline_funcs.append(func)
                    return func

                v1_pipeline._pipeline_decorator_handler = add_pipeline

            module = None
            if package:
                # The package's own __init__ runs first, as on a real import, and may import the module.
                parent = module_name.rpartition(".")[0]
                if parent:
                    importlib.import_module(parent)
                module = sys.modules.get(module_name)
                if module is None and stem == "__init__":
                    module = importlib.import_module(module_name)
            if module is None:
                spec = importlib.util.spec_from_file_location(module_name, abspath)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot load {abspath} as a module")
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                spec.loader.exec_module(module)

            targets = []  # (name, object)
            if kfp_major == 1:
                targets = [(f.__name__, f) for f in pipeline_funcs]
            else:
                from kfp.dsl.base_component import BaseComponent

                # "Defined by this module" is decided in two steps:
                #  1. the attribute name must be bound by the file's own code
                #     (def/assignment at module level, found via the AST), not
                #     by an import statement -- this skips
                #     `from components import train_op`, and it also covers
                #     components without a Python function (load_component_*
                #     YamlComponents, importers), which have no __module__;
                #  2. if the component wraps a Python function (python_func of
                #     PythonComponent, pipeline_func of GraphComponent /
                #     ContainerComponent), that function's __module__ must be
                #     this module -- this skips aliases of imported components
                #     such as `alias = components.train_op`.
                # Neither check alone is robust: __module__ alone cannot judge
                # YAML components, the AST alone accepts aliases.
                own = _module_level_bindings(abspath)
                for name, obj in list(vars(module).items()):
                    if name not in own or not isinstance(obj, BaseComponent):
                        continue
                    func = getattr(obj, "python_func", None) or getattr(
                        obj, "pipeline_func", None
                    )
                    func_module = getattr(func, "__module__", None)
                    if func_module is not None and func_module != module_name:
                        continue
                    targets.append((name, obj))

            stage = "compile"
            taken = set()
            first_error = None
            for name, obj in targets:
                out_name = _unique_name(name, taken)
                out_path = os.path.join(out_dir, f"{out_name}.yaml")
                try:
                    kfp.compiler.Compiler().compile(obj, out_path)
                    result["compiled"].append(out_name)
                except Exception as e:  # noqa: BLE001 - we report everything
                    if first_error is None:
                        first_error = _format_error(e, f"(while compiling {name})")
            if first_error is not None:
                result["error"] = first_error
            else:
                result["ok"] = True
        except BaseException as e:  # noqa: BLE001 - incl. SystemExit
            context = "(while importing)" if stage == "import" else None
            result["error"] = _format_error(e, context)
        recorded = list(caught)
    result["warnings"] = [_format_warning(w) for w in recorded]
    return result


def _handle_file(kfp_major, path, out_root, as_package=False):
    """Fork a child for one file; return the result dict."""
    abspath = os.path.abspath(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    cwd = tempfile.mkdtemp(prefix="kfp-oracle-cwd-")
    if out_root is not None:
        out_dir = os.path.join(os.path.abspath(out_root), stem)
        os.makedirs(out_dir, exist_ok=True)
    else:
        out_dir = tempfile.mkdtemp(prefix="kfp-oracle-out-")

    base = {"file": path, "ok": False, "compiled": [], "error": None, "warnings": []}
    rfd, wfd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(rfd)
            os.setpgid(0, 0)  # so a timeout can kill the whole group
            # Keep our stdout clean for JSON: user prints go to stderr.
            os.dup2(2, 1)
            os.chdir(cwd)
            res = _run_child(kfp_major, abspath, out_dir, as_package)
            data = json.dumps(res).encode()
            view = memoryview(data)
            while view:
                n = os.write(wfd, view)
                view = view[n:]
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)

    # parent
    os.close(wfd)
    chunks = []
    deadline = time.monotonic() + CHILD_TIMEOUT
    timed_out = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([rfd], [], [], remaining)
        if not ready:
            continue
        chunk = os.read(rfd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(rfd)
    if timed_out:
        for target in (-pid, pid):
            try:
                os.kill(target, signal.SIGKILL)
            except ProcessLookupError:
                pass
    _, status = os.waitpid(pid, 0)

    if timed_out:
        base["error"] = f"TimeoutError: child compiling {path} did not finish within {CHILD_TIMEOUT:.0f}s"
    else:
        raw = b"".join(chunks)
        try:
            base.update(json.loads(raw.decode()))
            base["file"] = path
        except (ValueError, UnicodeDecodeError):
            if os.WIFSIGNALED(status):
                how = f"killed by signal {os.WTERMSIG(status)}"
            else:
                how = f"exited with status {os.WEXITSTATUS(status)}"
            base["ok"] = False
            base["error"] = f"ChildProcessError: child compiling {path} {how} without a result"

    shutil.rmtree(cwd, ignore_errors=True)
    if out_root is None:
        shutil.rmtree(out_dir, ignore_errors=True)
    return base


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv=None):
    parser = _Parser(prog="compile_kfp.py", description=__doc__.splitlines()[0])
    parser.add_argument("--kfp", required=True, choices=["1", "2"])
    parser.add_argument("--out", metavar="DIR")
    parser.add_argument("--as-package", action="store_true")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    kfp_major = int(args.kfp)

    # Import kfp once in the parent; children inherit it through fork.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import kfp
        except ImportError as e:
            print(f"compile_kfp.py: cannot import kfp: {e}", file=sys.stderr)
            return 2
        if kfp.__version__.split(".")[0] != str(kfp_major):
            print(
                f"compile_kfp.py: --kfp {kfp_major} but {sys.executable} has kfp {kfp.__version__}",
                file=sys.stderr,
            )
            return 2
        import kfp.compiler  # noqa: F401
        import kfp.dsl  # noqa: F401

        if kfp_major == 1:
            import kfp.dsl._pipeline  # noqa: F401
        else:
            import kfp.dsl.base_component  # noqa: F401

    all_ok = True
    for path in args.files:
        if not os.path.isfile(path):
            res = {
                "file": path,
                "ok": False,
                "compiled": [],
                "error": f"FileNotFoundError: no such file: {path}",
                "warnings": [],
            }
        else:
            res = _handle_file(kfp_major, path, args.out, args.as_package)
        all_ok = all_ok and res["ok"]
        sys.stdout.write(json.dumps(res) + "\n")
        sys.stdout.flush()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
