#!/usr/bin/env python3
"""Print the normalised DAG "shape" of a compiled KFP pipeline as JSON.

Usage: python dag_shape.py [--indent N] FILE

FILE is what tests/oracle/compile_kfp.py writes: an Argo Workflow compiled by
kfp 1 (``--kfp 1``) or a pipeline-spec IR document compiled by kfp 2
(``--kfp 2``); YAML or JSON. The script needs only the standard library and
PyYAML (both oracle venvs have it). On stdout it prints

    {"edges": [[upstream, downstream], ...], "tasks": [name, ...]}

with both lists sorted, so the shape of a v1 original and the shape of its
migrated v2 version can be compared for equality: same tasks, same ordering
constraints. Exit status 0 on success, 2 on bad usage, an unreadable file or
input that is neither kind of document (message on stderr).

What is read
------------
kfp 1 (``kind: Workflow``): the DAG template named by ``spec.entrypoint`` and,
recursively, every DAG template a task of it refers to (the groups
``condition-N``, ``for-loop-N``, ``exit-handler-N``; a visited set stops v1's
recursive graph components). Every DAG task is a task, including the group
tasks. Edges come from each task's ``dependencies`` (``depends`` expressions
of newer Argo are also read), united with the producers named by
``{{tasks.X.outputs...}}`` in its arguments (kfp 1.8.22 already lists those in
``dependencies``, so this adds nothing for its output). ``spec.onExit`` (the
exit op of ``dsl.ExitHandler``) is not inside any DAG in Argo: it becomes a task
with an edge from every task of the entrypoint DAG, which is how kfp 2 models
the same thing (a root task with ``dependentTasks: [exit-handler-1]`` and
``triggerPolicy: ALL_UPSTREAM_TASKS_COMPLETED``).

kfp 2 (a document with ``pipelineInfo`` and ``root.dag.tasks``; the optional
second ``platforms:`` document is ignored): the tasks of ``root.dag`` and,
recursively, of every component with a ``dag`` a task refers to (groups and
nested pipelines). Edges come from ``dependentTasks`` united with the
``producerTask`` of every ``taskOutputParameter`` / ``taskOutputArtifact``
input. kfp 2.17.3 already lists every data producer in ``dependentTasks``
(checked on examples/component_project), so the union only guards against other
SDK versions.

Neither format's trigger conditions, loop items, caching or I/O types are part
of the shape, only which tasks exist and which must run before which.

Name normalisation (and why)
----------------------------
Every task name is lower-cased and ``_`` becomes ``-``. Both are no-ops on the
output of the two compilers (kfp 1 and kfp 2 both emit Kubernetes-style names)
and only make hand-written inputs compare sanely.

Beyond that, names are **not** rewritten, because the compilers agree. Compiled
side by side (kfp 1.8.22 vs 2.17.3, components built from the same functions
with ``create_component_from_func`` and ``@dsl.component``) the task names are
identical: both derive the task name from the *function* name, never from the
Python variable holding the component (``train_op = ...(train)`` gives
``train`` in both; a function literally named ``train_op`` gives ``train-op``
in both), both sanitise the same way (``prepare_data`` -> ``prepare-data``,
``TrainModel`` -> ``trainmodel``, ``my__func_`` -> ``my-func``, ``_private`` ->
``private``, names longer than 63 characters are not truncated), both number
repeated components by first use (``train``, ``train-2``, ``train-3``), and
both name groups ``condition-N``, ``for-loop-N``, ``exit-handler-N`` with one
shared counter. So the tempting rule "strip a trailing ``-op``" is wrong: it
matches nothing either compiler does differently and it would merge two
distinct tasks (functions ``train`` and ``train_op`` in one pipeline).

The one divergence found is the *named* condition: kfp 1 puts the name into
the group's template and task name (``dsl.Condition(c, name='inner')`` ->
``condition-inner-2``), kfp 2 uses it only for display (``condition-2``). So in
a kfp 1 Workflow, a task whose template is a DAG template and whose name matches
``condition-<name>-<N>`` is renamed ``condition-<N>``. Container tasks are never
touched, so a component called ``condition-check-2`` keeps its name.

Known limits: v1-only constructs without a kfp 2 counterpart (recursive
``@dsl.graph_component``, resource/volume ops) and kfp 2-only ones
(``dsl.If``/``Elif``/``Else`` ``condition-branches-N``, task names of nested
pipelines, which are scoped per pipeline in kfp 2) are reported as they are
and will simply not compare equal.
"""

import argparse
import json
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - both oracle venvs have PyYAML
    print("dag_shape.py: PyYAML is required (use an oracle venv's python)", file=sys.stderr)
    sys.exit(2)


class Unrecognised(Exception):
    """The input is not a compiled KFP pipeline this script understands."""


_V1_NAMED_CONDITION = re.compile(r"^condition-.+-(\d+)$")
_V1_TASK_REF = re.compile(r"\{\{\s*tasks\.([A-Za-z0-9_.-]+?)\.outputs\.")
_ARGO_DEPENDS_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z]+)?")


def canonical(name):
    """Lower-case and turn ``_`` into ``-`` (see the module docstring)."""
    return str(name).lower().replace("_", "-")


class _Shape:
    def __init__(self):
        self.tasks = set()
        self.edges = set()

    def task(self, name):
        self.tasks.add(canonical(name))

    def edge(self, upstream, downstream):
        self.edges.add((canonical(upstream), canonical(downstream)))

    def to_json_obj(self):
        return {
            "tasks": sorted(self.tasks),
            "edges": [list(e) for e in sorted(self.edges)],
        }


# --------------------------------------------------------------------------- kfp 1 / Argo


def _argo_depends_names(expr):
    """Task names in an Argo ``depends`` expression (``a && (b.Succeeded || c)``)."""
    names = []
    for token in _ARGO_DEPENDS_NAME.findall(expr.replace("&&", " ").replace("||", " ")):
        names.append(token.split(".", 1)[0])
    return names


def _shape_v1(wf):
    spec = wf.get("spec")
    if not isinstance(spec, dict):
        raise Unrecognised("Workflow without a spec")
    templates = {}
    for t in spec.get("templates") or []:
        if isinstance(t, dict) and "name" in t:
            templates[t["name"]] = t
    entry = spec.get("entrypoint")
    if entry not in templates or not isinstance(templates[entry].get("dag"), dict):
        raise Unrecognised(f"Workflow entrypoint {entry!r} is not a DAG template")

    def is_dag(template_name):
        return isinstance(templates.get(template_name, {}).get("dag"), dict)

    def task_name(task):
        name = task["name"]
        m = _V1_NAMED_CONDITION.match(name)
        if m and is_dag(task.get("template")):
            return f"condition-{m.group(1)}"
        return name

    shape = _Shape()
    visited = set()
    entry_tasks = []

    def walk(template_name, top):
        if template_name in visited:
            return
        visited.add(template_name)
        dag_tasks = templates[template_name]["dag"].get("tasks") or []
        # Names inside this DAG are what `dependencies` refer to; map them to
        # the normalised names once.
        local = {t["name"]: task_name(t) for t in dag_tasks if isinstance(t, dict) and "name" in t}
        for t in dag_tasks:
            if not isinstance(t, dict) or "name" not in t:
                continue
            me = local[t["name"]]
            shape.task(me)
            if top:
                entry_tasks.append(me)
            upstream = list(t.get("dependencies") or [])
            if isinstance(t.get("depends"), str):
                upstream += _argo_depends_names(t["depends"])
            upstream += _V1_TASK_REF.findall(json.dumps(t.get("arguments") or {}))
            for up in upstream:
                if up in local and up != t["name"]:
                    shape.edge(local[up], me)
            if is_dag(t.get("template")):
                walk(t["template"], False)

    walk(entry, True)

    on_exit = spec.get("onExit")
    if on_exit:
        shape.task(on_exit)
        for t in entry_tasks:
            shape.edge(t, on_exit)
    return shape


# --------------------------------------------------------------------------- kfp 2 / IR


def _producers(task):
    inputs = task.get("inputs") or {}
    found = []
    for kind, key in (("parameters", "taskOutputParameter"), ("artifacts", "taskOutputArtifact")):
        for spec in (inputs.get(kind) or {}).values():
            ref = spec.get(key) if isinstance(spec, dict) else None
            if isinstance(ref, dict) and ref.get("producerTask"):
                found.append(ref["producerTask"])
    return found


def _shape_v2(ir):
    components = ir.get("components") or {}
    shape = _Shape()
    visited = set()

    def walk(dag, key):
        if key in visited:
            return
        visited.add(key)
        tasks = dag.get("tasks") or {}
        for name, task in tasks.items():
            if not isinstance(task, dict):
                continue
            shape.task(name)
            upstream = list(task.get("dependentTasks") or []) + _producers(task)
            for up in upstream:
                if up != name:
                    shape.edge(up, name)
            ref = (task.get("componentRef") or {}).get("name")
            sub = components.get(ref) if ref else None
            if isinstance(sub, dict) and isinstance(sub.get("dag"), dict):
                walk(sub["dag"], ref)

    walk(ir["root"]["dag"], None)
    return shape


# --------------------------------------------------------------------------- entry point


def _is_v2_ir(doc):
    root = doc.get("root")
    return (
        "pipelineInfo" in doc
        and isinstance(root, dict)
        and isinstance(root.get("dag"), dict)
        and isinstance(root["dag"].get("tasks"), dict)
    )


def shape_of_documents(docs):
    """The shape of the first recognised document in ``docs``."""
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "Workflow":
            return _shape_v1(doc)
        if _is_v2_ir(doc):
            return _shape_v2(doc)
    raise Unrecognised(
        "neither an Argo Workflow (kind: Workflow) compiled by kfp 1 nor a kfp 2 "
        "pipeline-spec IR (pipelineInfo + root.dag.tasks)"
    )


def shape_of_file(path):
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    return shape_of_documents(docs).to_json_obj()


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv=None):
    parser = _Parser(prog="dag_shape.py", description=__doc__.splitlines()[0])
    parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")
    parser.add_argument("file", metavar="FILE")
    args = parser.parse_args(argv)
    try:
        shape = shape_of_file(args.file)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        print(f"dag_shape.py: cannot read {args.file}: {e}", file=sys.stderr)
        return 2
    except Unrecognised as e:
        print(f"dag_shape.py: {args.file}: unrecognised input: {e}", file=sys.stderr)
        return 2
    print(json.dumps(shape, indent=args.indent, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
