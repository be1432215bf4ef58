#!/usr/bin/env python3
"""Print the normalised *container shape* of a compiled KFP pipeline as JSON.

Usage: python container_shape.py [--indent N] FILE

FILE is what tests/oracle/compile_kfp.py writes: an Argo Workflow compiled by
kfp 1 (``--kfp 1``) or a pipeline-spec IR document (plus the optional
``platforms:`` document) compiled by kfp 2 (``--kfp 2``). Needs only the
standard library and PyYAML (both oracle venvs have it). The goal: the kfp 1
compile of an original pipeline and the kfp 2 compile of its *correct*
migration print the same JSON, so a migration tool's output can be checked by
comparing two strings. Exit status 0 on success, 2 on bad usage, an unreadable
file or input that is neither kind of document (message on stderr).

Where dag_shape.py compares task *names* and edges, this script compares what
each step *runs* (image, command line, output files), its Kubernetes settings
and the ordering between steps. It is meant for pipelines built from
``ContainerOp`` / ``VolumeOp`` (kfp 1) and ``@dsl.container_component`` /
``kfp.kubernetes`` (kfp 2).

Output
------
::

    {"parameters": {name: default, ...},
     "tasks": [{"key": K, "kind": ..., "image": ..., "command": [...],
                "file_outputs": {...}, "kubernetes": {...},
                "conditions": [...], "loops": n}, ...],
     "edges": [[K_upstream, K_downstream], ...]}

Everything is sorted; empty fields are left out.

Tasks are matched by content, not by name
-----------------------------------------
kfp 1 names a task after the op's ``name=``, kfp 2 after the component
function, so names are useless for matching. Every step gets a content
``key``:

* container step: ``"<image> <JSON of the normalised command list>"``;
* lightweight Python component: ``"python-component <image>"`` (v1 and v2
  generate entirely different bootstrap commands, so only the image is
  compared; note kfp 1 defaults to ``python:3.7`` and kfp 2 to
  ``python:3.11``);
* PVC creation: ``"create-pvc <JSON of the PVC settings>"``;
* PVC deletion: ``"delete-pvc <pvc name token>"``;
* any other v1 resource op: ``"resource <action> <kind>"`` (no kfp 2 form).

Edges are pairs of keys. Two steps with identical content get identical keys;
the task list and the edge list are then multisets and an edge between such
twins is ambiguous (a documented limit).

Command normalisation
---------------------
``command`` is the container's command followed by its args, one list, every
item a string (non-string scalars are ``str()``-ed, as kfp 1 does). Every
placeholder is replaced by a token that says where the value comes from, with
the value traced back through the DAG (task arguments, condition/loop group
inputs) to its origin:

* ``<param:NAME>`` -- pipeline parameter NAME. v1 ``{{inputs.parameters.x}}``
  (resolved through the DAG task arguments up to the workflow inputs),
  ``{{workflow.parameters.x}}``; v2 ``{{$.inputs.parameters['x']}}`` resolved
  through ``componentInputParameter`` chains (``pipelinechannel--x`` inputs of
  condition groups included) up to the root inputs.
* ``<output:KEY>`` -- output KEY of an upstream task. v1
  ``{{tasks.T.outputs.parameters.T-KEY}}`` (kfp 1 prefixes output parameter
  names with the producing template's name; the prefix is stripped), v2
  ``taskOutputParameter``/``taskOutputArtifact``. KEY is lower-cased with
  ``_`` -> ``-`` (kfp 1 sanitises output names). The *producer* is not part
  of the token, it is captured by the edges.
* constants: a kfp 2 ``runtimeValue.constant`` is substituted by its value
  (kfp 1 inlines constants into the command at compile time); the IR stores
  every number as a float, so an integral value of a ``NUMBER_INTEGER``
  input (``2.0``) is printed as ``2``, as kfp 2.17.3's local runner renders
  it (``kfp/local/executor_input_utils.py`` casts NUMBER_INTEGER values to
  ``int``; the backend driver was not checked); f-strings
  compiled by kfp 2 into constants containing
  ``{{$.inputs.parameters['pipelinechannel--x']}}`` are resolved inside.
  A v2 input that the task does not pass falls back to the component's
  default.
* ``<output-path:KEY>`` -- the path where a step must write output KEY:
  v2 ``{{$.outputs.parameters['KEY'].output_file}}`` /
  ``{{$.outputs.artifacts['KEY'].path}}``; in v1 templates of *components*
  (``pipelines.kubeflow.org/component_spec`` annotation) the generated
  ``/tmp/outputs/KEY/data`` paths. ``<input-path>`` likewise for input files
  (``{{$.inputs.artifacts['x'].path}}`` / v1 component input artifact paths).
* ``<loop-item>`` / ``<loop-item.FIELD>`` -- ``dsl.ParallelFor`` items (v1
  ``{{item}}``/``{{item.a}}``; v2 the group's ``parameterIterator.itemInput``
  and ``parseJson(string_value)["a"]`` selectors; for a loop over a task
  output kfp 2.17.3 passes a field as the pseudo output
  ``taskOutputParameter: {outputParameterKey: items-loop-item-subvar-a}``,
  which is read as ``<loop-item.a>`` too).
* ``<run-id>``, ``<run-name>``, ``<task-id>``: v1 ``{{workflow.uid}}``,
  ``{{workflow.name}}``, ``{{workflow.uid}}-{{pod.name}}`` (RUN_ID /
  EXECUTION_ID placeholders) and v2 ``{{$.pipeline_job_uuid}}``,
  ``{{$.pipeline_job_name}}``, ``{{$.pipeline_task_uuid}}``. Other Argo
  variables stay as ``<argo:...>``, other v2 placeholders as ``<v2:...>``:
  they never match, on purpose.
* v2 ``{"Concat": [...]}`` becomes the concatenation of its normalised items
  (kfp 1 builds the same string directly from an f-string); v2
  ``{"IfPresent": {...}}`` expands to its ``Then`` list when the task passes
  the input, else to ``Else`` (kfp 1 resolves the same choice at compile
  time).

File outputs and the copy wrapper
---------------------------------
v1 ``ContainerOp(file_outputs={'k': '/fixed/path'})`` appears in Argo as
template outputs with ``valueFrom.path``; it is reported as ``"file_outputs":
{"k": "/fixed/path"}``. kfp 2 cannot read fixed paths, so a correct migration
runs the original program under a copy wrapper::

    ['sh', '-c', 'o0="$0"; [o1="$1"; ... shift N-1;] "$@"
                  && mkdir -p "$(dirname "$o0")" && cp /fixed/path "$o0" ...',
     <output-path:k0>, [<output-path:k1> ...], <original command...>, <args...>]

When the command list starts with ``sh -c`` and such a script (recognised by
its exact shape: ``oI="$I";`` assignments, optional ``shift``, ``"$@"``, then
one ``mkdir -p ... && cp PATH "$oI"`` pair per output; paths may be
single-quoted), the wrapper is stripped: the remaining items are the original
command, and ``file_outputs`` maps each output's KEY to the copied PATH -- the
same thing v1 reports, so a wrong path, a lost output or a changed program all
show up.

Dependencies (flattened)
------------------------
Only steps are nodes; condition, loop and exit-handler groups are flattened.
A step's upstreams are the steps named in its own dependencies, united with
the dependencies of every group enclosing it (a step inside
``dsl.Condition`` waits for what the condition waits for); a dependency on a
group means a dependency on every step inside it. Data producers
(``{{tasks.T.outputs...}}``, ``taskOutputParameter``, ``pvcMount`` producers)
count as dependencies. v1 ``spec.onExit`` (the ``dsl.ExitHandler`` exit op)
depends on every other step, as does the kfp 2 exit task (its dependency on
the ``exit-handler-N`` group expands to the steps inside).
The edge list is then **transitively reduced**: two DAGs with the same
reduction impose the same order, so an extra but implied ``.after()`` (or a
dependency kfp 1 repeats on a nested step) is not a difference, while a lost
ordering is.

Conditions and loops
--------------------
``conditions`` lists the normalised expressions of the ``dsl.Condition``
groups enclosing a step: v1 ``when: '"{{tasks.flip.outputs...}}" == "heads"'``
and v2 ``triggerPolicy.condition: inputs.parameter_values['...'] == 'heads'``
both become ``<output:output> == heads`` (operands resolved as above; quotes
and ``int()``/``float()`` casts dropped). ``loops`` counts enclosing
``ParallelFor`` groups.

Kubernetes settings (``kubernetes``)
------------------------------------
From v1 templates (``container.env``, ``volumes`` + ``container.volumeMounts``
paired by volume name, ``nodeSelector``, ``tolerations``, ``affinity``,
``container.resources``, ``retryStrategy``, ``activeDeadlineSeconds``,
``imagePullPolicy``, ``securityContext``, pod labels/annotations other than
kfp's own ``pipelines.kubeflow.org/*``) and from v2 (IR
``container.env``/``container.resources``, task ``retryPolicy``/
``cachingOptions``, and the ``platforms.kubernetes.deploymentSpec.executors``
entry of the task's executor):

* ``env``: ``{NAME: value}`` (values normalised like commands);
  ``secret_env``: ``{NAME: [secret, key]}``; ``config_map_env``:
  ``{NAME: [config_map, key]}``; ``field_path_env``: ``{NAME: field_path}``.
  ``gcp.use_gcp_secret`` in v1 therefore matches ``use_secret_as_volume`` plus
  two ``set_env_variable`` calls in v2.
* ``secret_volumes``: ``[[secret, mount_path]]``; ``config_map_volumes``:
  ``[[config_map, mount_path]]``; ``pvc_mounts``: ``[[mount_path, pvc]]`` with
  the claim name normalised like a command item (a ``VolumeOp``'s
  ``create-pvc-name`` output and ``CreatePVC``'s ``name`` output are both
  ``<output:name>``); a sub path is appended as a third item;
  ``empty_dirs``: ``[[mount_path, medium, size_limit]]``; other v1 volume
  kinds: ``other_volumes: [[mount_path, kind]]`` (no kfp 2 form).
* ``node_selector``: ``{label: value}``; ``tolerations``: list of
  ``{key, operator, value, effect, toleration_seconds}`` without empty
  fields; ``node_affinity``: list of ``{"match_expressions": [...],
  "match_fields": [...], "weight": w}`` (weight only for preferred terms);
  v1 pod (anti-)affinity: ``pod_affinity`` (raw, no kfp 2 form).
* ``gpu``: ``{"type": "nvidia.com/gpu", "count": "1"}`` (v1 limits
  ``nvidia.com/gpu``/``amd.com/gpu``; v2 ``resources.accelerator``);
  ``cpu_limit``, ``cpu_request``, ``memory_limit``, ``memory_request``: the
  strings (v2 ``resourceCpuLimit`` etc.); other v1 resources:
  ``other_limits``/``other_requests``.
* ``retries``: v1 ``retryStrategy.limit``, v2 ``retryPolicy.maxRetryCount``
  (backoff settings are not compared: kfp 2 always writes its defaults).
* ``timeout_seconds``, ``image_pull_policy``, ``security_context``
  (``run_as_user``/``run_as_group``/``run_as_non_root``), ``pod_labels``,
  ``pod_annotations``, ``image_pull_secrets``.
* ``caching: false`` only when caching is off (v1 label
  ``pipelines.kubeflow.org/enable_caching: "false"`` or
  ``max_cache_staleness: P0D``; v2 ``cachingOptions`` without
  ``enableCache: true``); both SDKs cache by default.
* unknown v2 platform fields are kept raw under ``other_platform`` so they
  are visible.

A PVC's storage class is compared as a string: kfp 1 ``storage_class=None``
(no ``storageClassName`` in the manifest: the cluster default) and
kfp-kubernetes's default ``storage_class_name=''`` both print ``""``. Current
KFP drivers read ``''`` as the cluster default, older ones as "no class"
(read in the backend source, not run here; the SDK side is ``CreatePVC`` in
https://github.com/kubeflow/pipelines/blob/sdk-2.17.3/kubernetes_platform/python/kfp/kubernetes/volume.py);
that runtime caveat is the migration tool's warning to give,
not a shape difference.

Known limits: the producer of ``<output:KEY>`` is only visible through the
edges; ``ParallelFor`` item lists and parallelism are not compared (only the
nesting count); kfp 2 ``dsl.If``/``Elif``/``Else`` conditions are printed as
compiled (the ``Elif``/``Else`` negations have no kfp 1 form to match);
recursive ``@dsl.graph_component`` templates are walked once; a placeholder
that cannot be traced prints ``<unresolved:NAME>`` / ``<absent:NAME>``.
Checked (v1 original vs hand-written v2 migration, identical output) on
examples/container_project/*.py and on pipelines with ``ExitHandler``, static
and output-driven ``ParallelFor`` with item fields, nested conditions on int
parameters, ``pvolumes`` chains, ``create_component_from_func`` components,
v1 YAML components with ``inputPath``/``outputPath``, and the ``kubernetes``
fields env (plain, secret, config map, field path), secret / config map / PVC
/ emptyDir volumes, node selector, tolerations, node affinity, GPU, CPU and
memory, retries, timeout, pull policy, pod labels/annotations, security
context and caching (``image_pull_secrets``, ``pod_affinity`` and
``other_*`` are read but were not exercised).

Not compared: task names and display names, PVC names kfp 1 generates,
parameter types (kfp 1 leaves unannotated parameters
untyped). ``parameters`` maps each pipeline parameter to its default as a
string (kfp 1 stores strings, kfp 2 typed values: ``42.0`` for an int
becomes ``"42"``).
"""

import argparse
import json
import re
import shlex
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - both oracle venvs have PyYAML
    print("container_shape.py: PyYAML is required (use an oracle venv's python)", file=sys.stderr)
    sys.exit(2)


class Unrecognised(Exception):
    """The input is not a compiled KFP pipeline this script understands."""


def canonical(name):
    return str(name).lower().replace("_", "-")


def scalar_str(value):
    """A command item / constant as the string the container would see."""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    if value is None:
        return ""
    return str(value)


def _typed_str(value, parameter_type):
    """A kfp 2 constant as the container sees it: the IR stores every number as
    a float (``2`` for an ``int`` input is ``2.0``); kfp.local casts
    NUMBER_INTEGER values back to ``int`` before rendering placeholders."""
    if parameter_type == "NUMBER_INTEGER" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return scalar_str(value)


def _dump(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- shared pieces

_PYTHON_MARKERS = ("program_path=$(mktemp)", "executor_main", "_parsed_args = vars(_parser.parse_args())")

_WRAPPER_HEAD = re.compile(r'^\s*((?:o\d+="\$\d+";\s*)+)(?:shift\s+(\d+);\s*)?"\$@"(.*)$', re.S)
_WRAPPER_COPY = re.compile(
    r'\s*&&\s*mkdir -p "\$\(dirname "\$o(\d+)"\)"\s*&&\s*cp\s+(\'(?:[^\']|\'\\\'\')*\'|"[^"]*"|\S+)\s+"\$o(\d+)"'
)
_OUTPUT_PATH_TOKEN = re.compile(r"^<output-path:(.+)>$")


def strip_copy_wrapper(items):
    """Split a kfp 2 copy wrapper off a normalised command list.

    Returns (original_items, {key: fixed_path}) or (items, None).
    """
    if len(items) < 4 or items[0] != "sh" or items[1] != "-c":
        return items, None
    m = _WRAPPER_HEAD.match(items[2])
    if not m:
        return items, None
    assigned = re.findall(r'o(\d+)="\$(\d+)"', m.group(1))
    n = len(assigned)
    # o0="$0"; o1="$1"; ... in order, then `shift n-1` (none for one output):
    # anything else would hand the wrong argv to "$@".
    if any(a != str(i) or b != str(i) for i, (a, b) in enumerate(assigned)):
        return items, None
    if int(m.group(2) or 0) != n - 1:
        return items, None
    rest = m.group(3)
    copies = {}
    pos = 0
    while pos < len(rest):
        c = _WRAPPER_COPY.match(rest, pos)
        if not c or c.group(1) != c.group(3):
            return items, None
        try:
            words = shlex.split(c.group(2))
        except ValueError:
            return items, None
        if len(words) != 1:
            return items, None
        copies[int(c.group(1))] = words[0]
        pos = c.end()
    if sorted(copies) != list(range(n)) or len(items) < 3 + n:
        return items, None
    outputs = {}
    for i in range(n):
        t = _OUTPUT_PATH_TOKEN.match(items[3 + i])
        if not t:
            return items, None
        outputs[t.group(1)] = copies[i]
    return items[3 + n :], outputs


def is_python_component(items):
    return any(marker in item for item in items for marker in _PYTHON_MARKERS)


def norm_condition(expr):
    expr = re.sub(r"\b(?:int|float|bool|str)\(([^()]*)\)", r"\1", expr)
    expr = expr.replace('"', "").replace("'", "")
    return " ".join(expr.split())


def norm_toleration(t):
    out = {}
    for src, dst in (
        ("key", "key"),
        ("operator", "operator"),
        ("value", "value"),
        ("effect", "effect"),
        ("tolerationSeconds", "toleration_seconds"),
        ("toleration_seconds", "toleration_seconds"),
    ):
        v = t.get(src)
        if v not in (None, ""):
            out[dst] = scalar_str(v)
    return out


def norm_requirements(reqs):
    out = []
    for r in reqs or []:
        out.append(
            {
                "key": r.get("key"),
                "operator": r.get("operator"),
                "values": sorted(scalar_str(v) for v in r.get("values") or []),
            }
        )
    return sorted(out, key=_dump)


def norm_affinity_term(match_expressions, match_fields, weight):
    term = {}
    if match_expressions:
        term["match_expressions"] = norm_requirements(match_expressions)
    if match_fields:
        term["match_fields"] = norm_requirements(match_fields)
    if weight is not None:
        term["weight"] = int(weight)
    return term


class Task:
    """One step of the flattened pipeline."""

    def __init__(self, node_id):
        self.node_id = node_id
        self.info = {}
        self.k8s = {}
        self.conditions = []
        self.loops = 0

    def key(self):
        kind = self.info.get("kind")
        if kind == "container":
            return f"{self.info.get('image')} {_dump(self.info.get('command', []))}"
        if kind == "python-component":
            return f"python-component {self.info.get('image')}"
        if kind == "create-pvc":
            return f"create-pvc {_dump(self.info.get('pvc'))}"
        if kind == "delete-pvc":
            return f"delete-pvc {self.info.get('pvc')}"
        return f"{kind} {_dump({k: v for k, v in self.info.items() if k != 'kind'})}"

    def to_json_obj(self):
        obj = {"key": self.key()}
        obj.update({k: v for k, v in self.info.items() if v not in (None, {}, [])})
        k8s = {k: v for k, v in self.k8s.items() if v not in (None, {}, [])}
        if k8s:
            obj["kubernetes"] = k8s
        if self.conditions:
            obj["conditions"] = sorted(self.conditions)
        if self.loops:
            obj["loops"] = self.loops
        return obj


class Graph:
    """Groups and steps with their raw dependencies, flattened at the end."""

    def __init__(self):
        self.tasks = {}  # node id -> Task
        self.parent = {}  # node id -> enclosing group node id (or None)
        self.deps = {}  # node id -> set of node ids (same scope)
        self.children = {}  # group node id -> [node ids]
        self.exit_tasks = []  # v1 onExit step ids

    def add(self, node_id, parent, task=None):
        self.parent[node_id] = parent
        self.deps.setdefault(node_id, set())
        if task is not None:
            self.tasks[node_id] = task
        else:
            self.children.setdefault(node_id, [])
        if parent is not None:
            self.children.setdefault(parent, []).append(node_id)

    def leaves(self, node_id):
        if node_id in self.tasks:
            return [node_id]
        out = []
        for c in self.children.get(node_id, []):
            out.extend(self.leaves(c))
        return out

    def to_json_obj(self, parameters):
        up = {t: set() for t in self.tasks}
        for t in self.tasks:
            n = t
            while n is not None:
                for d in self.deps.get(n, ()):
                    for leaf in self.leaves(d):
                        if leaf != t:
                            up[t].add(leaf)
                n = self.parent.get(n)
        for e in self.exit_tasks:
            up[e] |= {t for t in self.tasks if t != e and t not in self.exit_tasks}
        # transitive reduction (on the closure; the graph is a DAG)
        closure = {}

        def reach(t, stack=()):
            if t in closure:
                return closure[t]
            if t in stack:
                return set()
            r = set()
            for u in up[t]:
                r.add(u)
                r |= reach(u, stack + (t,))
            closure[t] = r
            return r

        for t in self.tasks:
            reach(t)
        edges = []
        for t, ups in up.items():
            for u in ups:
                if any(u in closure[v] for v in ups if v != u):
                    continue
                edges.append([self.tasks[u].key(), self.tasks[t].key()])
        return {
            "parameters": parameters,
            "tasks": sorted((t.to_json_obj() for t in self.tasks.values()), key=_dump),
            "edges": sorted(edges),
        }


# --------------------------------------------------------------------------- kfp 1 / Argo

_V1_PH = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_V1_SPECIAL = [
    ("{{workflow.uid}}-{{pod.name}}", "<task-id>"),
    ("{{workflow.uid}}", "<run-id>"),
    ("{{workflow.name}}", "<run-name>"),
]


class _V1:
    def __init__(self, wf):
        spec = wf.get("spec")
        if not isinstance(spec, dict):
            raise Unrecognised("Workflow without a spec")
        self.spec = spec
        self.templates = {t["name"]: t for t in spec.get("templates") or [] if isinstance(t, dict) and "name" in t}
        self.entry = spec.get("entrypoint")
        if self.entry not in self.templates or not isinstance(self.templates[self.entry].get("dag"), dict):
            raise Unrecognised(f"Workflow entrypoint {self.entry!r} is not a DAG template")
        self.graph = Graph()
        self.counter = 0

    # placeholders -------------------------------------------------------
    def resolve(self, text, env, local=None, producers=None):
        """Replace Argo placeholders in ``text``; ``local`` maps DAG task name -> template."""
        text = scalar_str(text)
        for raw, token in _V1_SPECIAL:
            text = text.replace(raw, token)

        def sub(m):
            ref = m.group(1)
            parts = ref.split(".")
            if ref.startswith("inputs.parameters."):
                name = ref[len("inputs.parameters.") :]
                return env.get(name, f"<unresolved:{name}>")
            if ref.startswith("workflow.parameters."):
                return f"<param:{ref[len('workflow.parameters.'):]}>"
            if len(parts) >= 5 and parts[0] == "tasks" and parts[2] == "outputs":
                producer = parts[1]
                out_name = ".".join(parts[4:])
                if producers is not None:
                    producers.add(producer)
                template = (local or {}).get(producer, producer)
                prefix = f"{template}-"
                key = out_name[len(prefix) :] if out_name.startswith(prefix) else out_name
                return f"<output:{canonical(key)}>"
            if parts[0] == "item":
                return "<loop-item>" if len(parts) == 1 else f"<loop-item.{'.'.join(parts[1:])}>"
            return f"<argo:{ref}>"

        return _V1_PH.sub(sub, text)

    # walking --------------------------------------------------------------
    def new_id(self, name):
        self.counter += 1
        return f"v1:{self.counter}:{name}"

    def walk(self, template_name, env, parent, stack, conditions, loops):
        if template_name in stack:
            return
        stack = stack | {template_name}
        dag_tasks = [t for t in self.templates[template_name]["dag"].get("tasks") or [] if isinstance(t, dict)]
        local = {t["name"]: t.get("template") for t in dag_tasks if "name" in t}
        ids = {t["name"]: self.new_id(t["name"]) for t in dag_tasks if "name" in t}
        for t in dag_tasks:
            if "name" not in t:
                continue
            me = ids[t["name"]]
            producers = set()
            args = t.get("arguments") or {}
            task_env = {}
            for p in args.get("parameters") or []:
                if isinstance(p, dict) and "name" in p:
                    task_env[p["name"]] = self.resolve(p.get("value", ""), env, local, producers)
            for a in args.get("artifacts") or []:
                if not isinstance(a, dict) or "name" not in a:
                    continue
                if "from" in a:
                    task_env[f"artifact:{a['name']}"] = self.resolve(a["from"], env, local, producers)
                elif isinstance(a.get("raw"), dict):
                    task_env[f"artifact:{a['name']}"] = scalar_str(a["raw"].get("data"))
            deps = set(t.get("dependencies") or [])
            if isinstance(t.get("depends"), str):
                deps |= {
                    tok.split(".", 1)[0]
                    for tok in re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", t["depends"].replace("&&", " ").replace("||", " "))
                }
            deps |= producers
            my_conditions = list(conditions)
            if isinstance(t.get("when"), str):
                my_conditions.append(norm_condition(self.resolve(t["when"], env, local, deps)))
            my_loops = loops + (1 if any(k in t for k in ("withItems", "withParam", "withSequence")) else 0)
            template = self.templates.get(t.get("template"))
            if template is None:
                raise Unrecognised(f"task {t['name']!r} refers to unknown template {t.get('template')!r}")
            if isinstance(template.get("dag"), dict):
                self.graph.add(me, parent)
                self.walk(template["name"], task_env, me, stack, my_conditions, my_loops)
            else:
                task = self.step(template, task_env)
                task.conditions = my_conditions
                task.loops = my_loops
                self.graph.add(me, parent, task)
            self.graph.deps[me] = {ids[d] for d in deps if d in ids and d != t["name"]}

    # one step -------------------------------------------------------------
    def step(self, t, env):
        task = Task(t["name"])
        info = task.info
        meta = t.get("metadata") or {}
        annotations = meta.get("annotations") or {}
        labels = meta.get("labels") or {}
        if isinstance(t.get("resource"), dict):
            self.resource_step(t, env, info)
        else:
            c = t.get("container") or {}
            items = [self.resolve(x, env) for x in list(c.get("command") or []) + list(c.get("args") or [])]
            image = c.get("image")
            outputs = t.get("outputs") or {}
            out_paths = {}
            for p in outputs.get("parameters") or []:
                path = (p.get("valueFrom") or {}).get("path")
                if path:
                    out_paths[p["name"]] = path
            for a in outputs.get("artifacts") or []:
                if a.get("path"):
                    out_paths.setdefault(a["name"], a["path"])
            prefix = f"{t['name']}-"
            keyed = {canonical(n[len(prefix) :] if n.startswith(prefix) else n): p for n, p in out_paths.items()}
            if is_python_component(items):
                info.update(kind="python-component", image=image)
            elif (
                image
                and image.startswith("gcr.io/cloud-builders/kubectl")
                and items[:3] == ["kubectl", "delete", "PersistentVolumeClaim"]
                and len(items) > 3
            ):
                info.update(kind="delete-pvc", pvc=items[3])
            else:
                if "pipelines.kubeflow.org/component_spec" in annotations:
                    # a component: kfp chose these paths, they are placeholders
                    repl = [(p, f"<output-path:{k}>") for k, p in keyed.items()]
                    for a in (t.get("inputs") or {}).get("artifacts") or []:
                        if a.get("path"):
                            repl.append((a["path"], "<input-path>"))
                    repl.sort(key=lambda r: -len(r[0]))
                    new_items = []
                    for item in items:
                        for path, token in repl:
                            item = item.replace(path, token)
                        new_items.append(item)
                    items = new_items
                    keyed = {}
                info.update(kind="container", image=image, command=items, file_outputs=dict(sorted(keyed.items())))
            self.container_settings(t, c, env, task)
        if labels.get("pipelines.kubeflow.org/enable_caching") == "false" or annotations.get(
            "pipelines.kubeflow.org/max_cache_staleness"
        ) == "P0D":
            task.k8s["caching"] = False
        pod_labels = {k: v for k, v in labels.items() if not k.startswith("pipelines.kubeflow.org/")}
        pod_ann = {k: v for k, v in annotations.items() if not k.startswith("pipelines.kubeflow.org/")}
        task.k8s["pod_labels"] = dict(sorted(pod_labels.items()))
        task.k8s["pod_annotations"] = dict(sorted(pod_ann.items()))
        return task

    def resource_step(self, t, env, info):
        r = t["resource"]
        try:
            manifest = yaml.safe_load(r.get("manifest") or "") or {}
        except yaml.YAMLError:
            manifest = {}
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        if r.get("action") == "create" and kind == "PersistentVolumeClaim":
            md = manifest.get("metadata") or {}
            sp = manifest.get("spec") or {}
            name = str(md.get("name", ""))
            pvc = {}
            if name.startswith("{{workflow.name}}"):
                pvc["name_suffix"] = name[len("{{workflow.name}}") :]
            else:
                pvc["name"] = self.resolve(name, env)
            pvc["access_modes"] = list(sp.get("accessModes") or [])
            pvc["size"] = self.resolve(((sp.get("resources") or {}).get("requests") or {}).get("storage", ""), env)
            # v1 without storage_class omits the field (cluster default); kfp-kubernetes's
            # default is '' (cluster default on current drivers): both print "".
            pvc["storage_class"] = sp.get("storageClassName") or ""
            if md.get("annotations"):
                pvc["annotations"] = md["annotations"]
            if sp.get("volumeName"):
                pvc["volume_name"] = sp["volumeName"]
            if sp.get("dataSource"):
                pvc["data_source"] = sp["dataSource"]
            info.update(kind="create-pvc", pvc=pvc)
        else:
            info.update(kind="resource", action=r.get("action"), resource_kind=kind)

    def container_settings(self, t, c, env, task):
        k = task.k8s
        env_vars, secret_env, cm_env, field_env = {}, {}, {}, {}
        for e in c.get("env") or []:
            name = e.get("name")
            vf = e.get("valueFrom") or {}
            if "value" in e:
                env_vars[name] = self.resolve(e["value"], env)
            elif "secretKeyRef" in vf:
                secret_env[name] = [vf["secretKeyRef"].get("name"), vf["secretKeyRef"].get("key")]
            elif "configMapKeyRef" in vf:
                cm_env[name] = [vf["configMapKeyRef"].get("name"), vf["configMapKeyRef"].get("key")]
            elif "fieldRef" in vf:
                field_env[name] = vf["fieldRef"].get("fieldPath")
            else:
                env_vars[name] = f"<unsupported:{_dump(vf)}>"
        k["env"] = dict(sorted(env_vars.items()))
        k["secret_env"] = dict(sorted(secret_env.items()))
        k["config_map_env"] = dict(sorted(cm_env.items()))
        k["field_path_env"] = dict(sorted(field_env.items()))

        volumes = {v.get("name"): v for v in t.get("volumes") or [] if isinstance(v, dict)}
        secret_vols, cm_vols, pvcs, empty, other = [], [], [], [], []
        for m in c.get("volumeMounts") or []:
            v = volumes.get(m.get("name"), {})
            mp = m.get("mountPath")
            if "secret" in v:
                secret_vols.append([v["secret"].get("secretName"), mp])
            elif "configMap" in v:
                cm_vols.append([v["configMap"].get("name"), mp])
            elif "persistentVolumeClaim" in v:
                entry = [mp, self.resolve(v["persistentVolumeClaim"].get("claimName", ""), env)]
                if m.get("subPath"):
                    entry.append(m["subPath"])
                pvcs.append(entry)
            elif "emptyDir" in v:
                ed = v.get("emptyDir") or {}
                empty.append([mp, ed.get("medium"), scalar_str(ed.get("sizeLimit")) if ed.get("sizeLimit") else None])
            else:
                kinds = sorted(x for x in v if x != "name")
                other.append([mp, kinds[0] if kinds else "unknown"])
        k["secret_volumes"] = sorted(secret_vols)
        k["config_map_volumes"] = sorted(cm_vols)
        k["pvc_mounts"] = sorted(pvcs)
        k["empty_dirs"] = sorted(empty, key=_dump)
        k["other_volumes"] = sorted(other)

        k["node_selector"] = dict(sorted((t.get("nodeSelector") or {}).items()))
        k["tolerations"] = sorted((norm_toleration(x) for x in t.get("tolerations") or []), key=_dump)
        aff = t.get("affinity") or {}
        na = aff.get("nodeAffinity") or {}
        terms = []
        req = na.get("requiredDuringSchedulingIgnoredDuringExecution") or {}
        for term in req.get("nodeSelectorTerms") or []:
            terms.append(norm_affinity_term(term.get("matchExpressions"), term.get("matchFields"), None))
        for pref in na.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
            p = pref.get("preference") or {}
            terms.append(norm_affinity_term(p.get("matchExpressions"), p.get("matchFields"), pref.get("weight")))
        k["node_affinity"] = sorted(terms, key=_dump)
        pod_aff = {x: aff[x] for x in ("podAffinity", "podAntiAffinity") if x in aff}
        k["pod_affinity"] = pod_aff

        res = c.get("resources") or {}
        limits = dict(res.get("limits") or {})
        requests = dict(res.get("requests") or {})
        for vendor in ("nvidia.com/gpu", "amd.com/gpu"):
            if vendor in limits:
                k["gpu"] = {"type": vendor, "count": scalar_str(limits.pop(vendor))}
                requests.pop(vendor, None)
        if "cpu" in limits:
            k["cpu_limit"] = scalar_str(limits.pop("cpu"))
        if "memory" in limits:
            k["memory_limit"] = scalar_str(limits.pop("memory"))
        if "cpu" in requests:
            k["cpu_request"] = scalar_str(requests.pop("cpu"))
        if "memory" in requests:
            k["memory_request"] = scalar_str(requests.pop("memory"))
        k["other_limits"] = {a: scalar_str(b) for a, b in sorted(limits.items())}
        k["other_requests"] = {a: scalar_str(b) for a, b in sorted(requests.items())}

        rs = t.get("retryStrategy")
        if isinstance(rs, dict) and rs.get("limit") is not None:
            k["retries"] = int(str(rs["limit"]))
        if t.get("activeDeadlineSeconds") is not None:
            k["timeout_seconds"] = int(str(t["activeDeadlineSeconds"]))
        if c.get("imagePullPolicy"):
            k["image_pull_policy"] = c["imagePullPolicy"]
        sc = c.get("securityContext") or {}
        k["security_context"] = {
            dst: (sc[src] if isinstance(sc[src], bool) else int(str(sc[src])))
            for src, dst in (("runAsUser", "run_as_user"), ("runAsGroup", "run_as_group"), ("runAsNonRoot", "run_as_non_root"))
            if src in sc
        }

    # entry ----------------------------------------------------------------
    def shape(self):
        root_env = {}
        params = {}
        for p in (self.spec.get("arguments") or {}).get("parameters") or []:
            if isinstance(p, dict) and "name" in p:
                root_env[p["name"]] = f"<param:{p['name']}>"
                params[p["name"]] = scalar_str(p.get("value")) if "value" in p else None
        self.walk(self.entry, root_env, None, frozenset(), [], 0)
        on_exit = self.spec.get("onExit")
        if on_exit in self.templates:
            me = self.new_id(on_exit)
            self.graph.add(me, None, self.step(self.templates[on_exit], root_env))
            self.graph.exit_tasks.append(me)
        return self.graph.to_json_obj(dict(sorted(params.items())))


# --------------------------------------------------------------------------- kfp 2 / IR

_V2_PH = re.compile(r"\{\{\$(?:\.[^{}]*)?\}\}")
_V2_INPUT_PARAM = re.compile(r"^\{\{\$\.inputs\.parameters\['([^']*)'\]\}\}$")
_V2_OUTPUT_PARAM = re.compile(r"^\{\{\$\.outputs\.parameters\['([^']*)'\]\.output_file\}\}$")
_V2_ARTIFACT = re.compile(r"^\{\{\$\.(inputs|outputs)\.artifacts\['([^']*)'\]\.(path|uri|metadata)\}\}$")
_V2_SPECIAL = {
    "{{$.pipeline_job_uuid}}": "<run-id>",
    "{{$.pipeline_job_name}}": "<run-name>",
    "{{$.pipeline_task_uuid}}": "<task-id>",
}
_V2_LOOP_SUBVAR = re.compile(r"^.+-loop-item-subvar-(.+)$")
_V2_SELECTOR = re.compile(r'^parseJson\(string_value\)\["([^"]*)"\]$')


class _V2:
    def __init__(self, ir, platform):
        self.ir = ir
        self.components = ir.get("components") or {}
        self.executors = (ir.get("deploymentSpec") or {}).get("executors") or {}
        self.platform = platform
        self.graph = Graph()
        self.counter = 0

    def new_id(self, name):
        self.counter += 1
        return f"v2:{self.counter}:{name}"

    # values -----------------------------------------------------------------
    def resolve_spec(self, spec, env, task_inputs=None, producers=None, stack=()):
        """Resolve an InputParameterSpec / artifact spec to a normalised string."""
        if not isinstance(spec, dict):
            return scalar_str(spec)
        if "componentInputParameter" in spec:
            value = env.get(spec["componentInputParameter"], f"<unresolved:{spec['componentInputParameter']}>")
        elif "componentInputArtifact" in spec:
            value = env.get(spec["componentInputArtifact"], f"<unresolved:{spec['componentInputArtifact']}>")
        elif "taskOutputParameter" in spec or "taskOutputArtifact" in spec:
            ref = spec.get("taskOutputParameter") or spec.get("taskOutputArtifact")
            if producers is not None and ref.get("producerTask"):
                producers.add(ref["producerTask"])
            key = ref.get("outputParameterKey") or ref.get("outputArtifactKey")
            sub = _V2_LOOP_SUBVAR.match(str(key))
            if sub:  # kfp 2 spells a field of a loop over a task output like this
                value = f"<loop-item.{sub.group(1)}>"
            else:
                value = f"<output:{canonical(key)}>"
        elif "runtimeValue" in spec:
            const = (spec["runtimeValue"] or {}).get("constant")
            value = self.substitute_inputs(const, env, task_inputs, producers, stack) if isinstance(const, str) else scalar_str(const)
        elif "constant" in spec:  # old kfp-kubernetes fields
            value = scalar_str(spec["constant"])
        elif "taskFinalStatus" in spec:
            value = "<task-final-status>"
        else:
            value = f"<unsupported:{_dump(spec)}>"
        sel = spec.get("parameterExpressionSelector")
        if sel:
            m = _V2_SELECTOR.match(sel)
            field = m.group(1) if m else sel
            value = f"<loop-item.{field}>" if value == "<loop-item>" else f"{value}[{field}]"
        return value

    def substitute_inputs(self, text, env, task_inputs, producers, stack):
        """``{{$.inputs.parameters['x']}}`` inside a constant refers to the task's own inputs."""
        task_inputs = task_inputs or {}

        def sub(m):
            ph = m.group(0)
            im = _V2_INPUT_PARAM.match(ph)
            if im and im.group(1) in task_inputs and im.group(1) not in stack:
                return self.resolve_spec(task_inputs[im.group(1)], env, task_inputs, producers, stack + (im.group(1),))
            return _V2_SPECIAL.get(ph, ph)

        return _V2_PH.sub(sub, text)

    # walking --------------------------------------------------------------
    def walk(self, dag, env, parent, conditions, loops):
        tasks = {n: t for n, t in (dag.get("tasks") or {}).items() if isinstance(t, dict)}
        ids = {n: self.new_id(n) for n in tasks}
        for name, t in tasks.items():
            me = ids[name]
            producers = set()
            inputs = t.get("inputs") or {}
            raw_inputs = dict(inputs.get("parameters") or {})
            raw_inputs.update(inputs.get("artifacts") or {})
            resolved = {k: self.resolve_spec(v, env, raw_inputs, producers, (k,)) for k, v in raw_inputs.items()}
            comp_name = (t.get("componentRef") or {}).get("name")
            comp = self.components.get(comp_name) or {}
            defs = (comp.get("inputDefinitions") or {}).get("parameters") or {}
            for k, d in defs.items():
                if not isinstance(d, dict):
                    continue
                if k not in resolved and "defaultValue" in d:
                    resolved[k] = _typed_str(d["defaultValue"], d.get("parameterType"))
                elif k in raw_inputs and "runtimeValue" in (raw_inputs[k] or {}):
                    const = (raw_inputs[k]["runtimeValue"] or {}).get("constant")
                    if not isinstance(const, str):
                        resolved[k] = _typed_str(const, d.get("parameterType"))
            my_conditions = list(conditions)
            cond = (t.get("triggerPolicy") or {}).get("condition")
            if cond:

                def sub(m):
                    return resolved.get(m.group(1), f"<unresolved:{m.group(1)}>")

                my_conditions.append(
                    norm_condition(re.sub(r"inputs\.parameter_values\['([^']*)'\]", sub, cond))
                )
            my_loops = loops
            for it_key in ("parameterIterator", "artifactIterator"):
                it = t.get(it_key)
                if isinstance(it, dict):
                    my_loops += 1
                    if it.get("itemInput"):
                        resolved[it["itemInput"]] = "<loop-item>"
            deps = set(t.get("dependentTasks") or []) | producers
            if isinstance(comp.get("dag"), dict):
                self.graph.add(me, parent)
                self.walk(comp["dag"], resolved, me, my_conditions, my_loops)
            else:
                task = self.step(name, t, comp, resolved, raw_inputs, env, deps)
                task.conditions = my_conditions
                task.loops = my_loops
                self.graph.add(me, parent, task)
            self.graph.deps[me] = {ids[d] for d in deps if d in ids and d != name}

    def norm_item(self, item, resolved, supplied):
        """One command/args item → list of normalised strings (IfPresent may give 0..n)."""
        if isinstance(item, str) and item.startswith("{") and ('"Concat"' in item or '"IfPresent"' in item):
            try:
                obj = json.loads(item)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                return self.norm_struct(obj, resolved, supplied)
        if isinstance(item, dict):
            return self.norm_struct(item, resolved, supplied)
        return [self.norm_string(scalar_str(item), resolved)]

    def norm_struct(self, obj, resolved, supplied):
        if "Concat" in obj:
            parts = []
            for x in obj["Concat"]:
                parts.extend(self.norm_item(x, resolved, supplied))
            return ["".join(parts)]
        if "IfPresent" in obj:
            ip = obj["IfPresent"]
            branch = ip.get("Then") if ip.get("InputName") in supplied else ip.get("Else")
            if branch is None:
                return []
            if not isinstance(branch, list):
                branch = [branch]
            out = []
            for x in branch:
                out.extend(self.norm_item(x, resolved, supplied))
            return out
        return [f"<unsupported:{_dump(obj)}>"]

    def norm_string(self, text, resolved):
        def sub(m):
            ph = m.group(0)
            if ph in _V2_SPECIAL:
                return _V2_SPECIAL[ph]
            im = _V2_INPUT_PARAM.match(ph)
            if im:
                return resolved.get(im.group(1), f"<absent:{im.group(1)}>")
            om = _V2_OUTPUT_PARAM.match(ph)
            if om:
                return f"<output-path:{canonical(om.group(1))}>"
            am = _V2_ARTIFACT.match(ph)
            if am:
                direction, name, attr = am.groups()
                if direction == "outputs":
                    return f"<output-path:{canonical(name)}>" if attr == "path" else f"<output-{attr}:{canonical(name)}>"
                return "<input-path>" if attr == "path" else f"<input-{attr}>"
            return f"<v2:{ph[3:-2]}>"

        return _V2_PH.sub(sub, text)

    # one step ---------------------------------------------------------------
    def step(self, name, t, comp, resolved, raw_inputs, env, deps):
        task = Task(name)
        info = task.info
        rp = t.get("retryPolicy") or {}
        if rp.get("maxRetryCount") is not None:
            task.k8s["retries"] = int(rp["maxRetryCount"])
        executor = self.executors.get(comp.get("executorLabel")) or {}
        c = executor.get("container")
        if not isinstance(c, dict):
            info.update(kind="non-container", executor=sorted(executor))
            return task
        image = c.get("image")
        if image == "argostub/createpvc":
            pvc = {}
            if "pvc_name_suffix" in resolved:
                pvc["name_suffix"] = resolved["pvc_name_suffix"]
            elif "pvc_name" in resolved:
                pvc["name"] = resolved["pvc_name"]
            modes = (raw_inputs.get("access_modes") or {}).get("runtimeValue", {}).get("constant")
            pvc["access_modes"] = list(modes) if isinstance(modes, list) else resolved.get("access_modes")
            pvc["size"] = resolved.get("size")
            pvc["storage_class"] = resolved.get("storage_class_name") or ""
            for src, dst in (("annotations", "annotations"), ("volume_name", "volume_name"), ("data_source", "data_source")):
                const = (raw_inputs.get(src) or {}).get("runtimeValue", {}).get("constant")
                if const:
                    pvc[dst] = const
            info.update(kind="create-pvc", pvc=pvc)
            return task
        if image == "argostub/deletepvc":
            info.update(kind="delete-pvc", pvc=resolved.get("pvc_name"))
            return task
        supplied = set(raw_inputs)
        items = []
        for x in list(c.get("command") or []) + list(c.get("args") or []):
            items.extend(self.norm_item(x, resolved, supplied))
        if not (t.get("cachingOptions") or {}).get("enableCache", False):
            task.k8s["caching"] = False
        if is_python_component(items):
            info.update(kind="python-component", image=image)
        else:
            items, outputs = strip_copy_wrapper(items)
            info.update(kind="container", image=image, command=items, file_outputs=dict(sorted((outputs or {}).items())))
        k = task.k8s
        k["env"] = {e.get("name"): self.norm_string(scalar_str(e.get("value")), resolved) for e in c.get("env") or []}
        k["env"] = dict(sorted(k["env"].items()))
        res = c.get("resources") or {}
        acc = res.get("accelerator") or {}
        if acc:
            k["gpu"] = {
                "type": acc.get("resourceType") or acc.get("type"),
                "count": scalar_str(acc.get("resourceCount") or acc.get("count")),
            }
        for dst, new, old in (
            ("cpu_limit", "resourceCpuLimit", "cpuLimit"),
            ("cpu_request", "resourceCpuRequest", "cpuRequest"),
            ("memory_limit", "resourceMemoryLimit", "memoryLimit"),
            ("memory_request", "resourceMemoryRequest", "memoryRequest"),
        ):
            if res.get(new) is not None:
                k[dst] = scalar_str(res[new])
            elif res.get(old) is not None:
                k[dst] = scalar_str(res[old]) + ("G" if "memory" in dst else "")
        self.platform_settings(comp.get("executorLabel"), env, deps, k)
        return task

    def platform_settings(self, executor_label, env, deps, k):
        p = dict(self.platform.get(executor_label) or {})

        def name_of(entry, plain, param):
            if entry.get(param):
                return self.resolve_spec(entry[param], env, None, deps)
            return entry.get(plain)

        secret_vols = []
        for e in p.pop("secretAsVolume", []) or []:
            secret_vols.append([name_of(e, "secretName", "secretNameParameter"), e.get("mountPath")])
        k["secret_volumes"] = sorted(secret_vols)
        secret_env = {}
        for e in p.pop("secretAsEnv", []) or []:
            s = name_of(e, "secretName", "secretNameParameter")
            for kv in e.get("keyToEnv") or []:
                secret_env[kv.get("envVar")] = [s, kv.get("secretKey")]
        k["secret_env"] = dict(sorted(secret_env.items()))
        cm_vols = []
        for e in p.pop("configMapAsVolume", []) or []:
            cm_vols.append([name_of(e, "configMapName", "configMapNameParameter"), e.get("mountPath")])
        k["config_map_volumes"] = sorted(cm_vols)
        cm_env = {}
        for e in p.pop("configMapAsEnv", []) or []:
            s = name_of(e, "configMapName", "configMapNameParameter")
            for kv in e.get("keyToEnv") or []:
                cm_env[kv.get("envVar")] = [s, kv.get("configMapKey")]
        k["config_map_env"] = dict(sorted(cm_env.items()))
        k["field_path_env"] = dict(
            sorted((e.get("name"), e.get("fieldPath")) for e in p.pop("fieldPathAsEnv", []) or [])
        )
        pvcs = []
        for e in p.pop("pvcMount", []) or []:
            if e.get("pvcNameParameter"):
                pvc = self.resolve_spec(e["pvcNameParameter"], env, None, deps)
            else:
                pvc = self.resolve_spec({x: e[x] for x in ("taskOutputParameter", "constant", "componentInputParameter") if x in e}, env, None, deps)
            entry = [e.get("mountPath"), pvc]
            if e.get("subPath"):
                entry.append(e["subPath"])
            pvcs.append(entry)
        k["pvc_mounts"] = sorted(pvcs)
        k["empty_dirs"] = sorted(
            ([e.get("mountPath"), e.get("medium"), e.get("sizeLimit")] for e in p.pop("emptyDirMounts", []) or []),
            key=_dump,
        )
        ns = p.pop("nodeSelector", None) or {}
        k["node_selector"] = dict(sorted((ns.get("labels") or {}).items()))
        if ns.get("nodeSelectorJson"):
            k["node_selector_json"] = self.resolve_spec(ns["nodeSelectorJson"], env, None, deps)
        k["tolerations"] = sorted((norm_toleration(x) for x in p.pop("tolerations", []) or []), key=_dump)
        k["node_affinity"] = sorted(
            (
                norm_affinity_term(t.get("matchExpressions"), t.get("matchFields"), t.get("weight"))
                for t in p.pop("nodeAffinity", []) or []
            ),
            key=_dump,
        )
        if p.get("podAffinity"):
            k["pod_affinity"] = p.pop("podAffinity")
        if p.get("activeDeadlineSeconds") is not None:
            k["timeout_seconds"] = int(str(p.pop("activeDeadlineSeconds")))
        if p.get("imagePullPolicy"):
            k["image_pull_policy"] = p.pop("imagePullPolicy")
        pm = p.pop("podMetadata", None) or {}
        k["pod_labels"] = dict(sorted((pm.get("labels") or {}).items()))
        k["pod_annotations"] = dict(sorted((pm.get("annotations") or {}).items()))
        sc = p.pop("securityContext", None) or {}
        k["security_context"] = {
            dst: (sc[src] if isinstance(sc[src], bool) else int(str(sc[src])))
            for src, dst in (("runAsUser", "run_as_user"), ("runAsGroup", "run_as_group"), ("runAsNonRoot", "run_as_non_root"))
            if src in sc
        }
        ips = p.pop("imagePullSecret", []) or []
        k["image_pull_secrets"] = sorted(name_of(e, "secretName", "secretNameParameter") for e in ips)
        if p:
            k["other_platform"] = p

    # entry ----------------------------------------------------------------
    def shape(self):
        root = self.ir["root"]
        params = {}
        env = {}
        for name, d in ((root.get("inputDefinitions") or {}).get("parameters") or {}).items():
            env[name] = f"<param:{name}>"
            has_default = isinstance(d, dict) and "defaultValue" in d
            params[name] = _typed_str(d["defaultValue"], d.get("parameterType")) if has_default else None
        for name in ((root.get("inputDefinitions") or {}).get("artifacts") or {}):
            env[name] = f"<param:{name}>"
        self.walk(root["dag"], env, None, [], 0)
        return self.graph.to_json_obj(dict(sorted(params.items())))


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
    docs = [d for d in docs if isinstance(d, dict)]
    for doc in docs:
        if doc.get("kind") == "Workflow":
            return _V1(doc).shape()
    for doc in docs:
        if _is_v2_ir(doc):
            platform = {}
            for other in docs:
                execs = (((other.get("platforms") or {}).get("kubernetes") or {}).get("deploymentSpec") or {}).get(
                    "executors"
                )
                if isinstance(execs, dict):
                    platform.update(execs)
            return _V2(doc, platform).shape()
    raise Unrecognised(
        "neither an Argo Workflow (kind: Workflow) compiled by kfp 1 nor a kfp 2 "
        "pipeline-spec IR (pipelineInfo + root.dag.tasks)"
    )


def shape_of_file(path):
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    return shape_of_documents(docs)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def main(argv=None):
    parser = _Parser(prog="container_shape.py", description=__doc__.splitlines()[0])
    parser.add_argument("--indent", type=int, default=None, help="pretty-print the JSON")
    parser.add_argument("file", metavar="FILE")
    args = parser.parse_args(argv)
    try:
        shape = shape_of_file(args.file)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        print(f"container_shape.py: cannot read {args.file}: {e}", file=sys.stderr)
        return 2
    except (Unrecognised, KeyError, TypeError, AttributeError) as e:
        print(f"container_shape.py: {args.file}: unrecognised input: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    print(json.dumps(shape, indent=args.indent, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
