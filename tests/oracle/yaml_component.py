"""Oracle helper for component YAML examples: load a component spec with the installed kfp and build a
one-task pipeline that calls it with typical arguments for its required inputs.

An example module (written by tests/it/rule_examples.rs) does

    pipeline = one_task_pipeline("<path of the component YAML>", __name__)

and tests/oracle/compile_kfp.py compiles it: under kfp 1.8.22 the `@dsl.pipeline` decorator registers the
function, under kfp 2.17.3 the module-level `pipeline` binding is compiled.
"""

import inspect

import kfp
from kfp import components, dsl

MAJOR = int(kfp.__version__.split(".")[0])

_VALUES = {
    "integer": 1, "int": 1, "float": 1.5, "double": 1.5, "bool": True, "boolean": True,
    "jsonobject": {"a": 1}, "dict": {"a": 1}, "jsonarray": [1], "list": [1],
}


def _value(type_name):
    if isinstance(type_name, str):
        return _VALUES.get(type_name.lower(), "a")
    return "a"


def _v1_pipeline(op, module):
    spec = op.component_spec
    types = {i.name: i.type for i in spec.inputs or []}
    params = inspect.signature(op).parameters
    # kfp 1's factory signature: sanitised names, required inputs without a default.
    by_python_name = {}
    for i in spec.inputs or []:
        for name in params:
            if name == i.name or name == kfp.components._naming._sanitize_python_function_name(i.name):
                by_python_name[name] = types[i.name]

    def pipeline():
        args = {
            name: _value(by_python_name.get(name))
            for name, p in params.items()
            if p.default is inspect.Parameter.empty
        }
        op(**args)

    # The harness compiles only pipelines whose function belongs to the example module.
    pipeline.__module__ = module
    return dsl.pipeline(name="oracle-yaml-component")(pipeline)


def _v2_pipeline(op, module):
    from kfp.dsl.types import type_utils

    inputs = op.component_spec.inputs or {}

    def pipeline():
        args = {}
        for name, spec in inputs.items():
            if spec.optional:
                continue
            if type_utils.is_parameter_type(spec.type):
                args[name] = _value(spec.type)
            else:
                title = spec.type.split("@")[0].split(".")[-1]
                cls = getattr(dsl, title, dsl.Artifact)
                args[name] = dsl.importer(
                    artifact_uri="gs://bucket/data", artifact_class=cls
                ).output
        op(**args)

    # The harness compiles only pipelines whose function belongs to the example module.
    pipeline.__module__ = module
    return dsl.pipeline(name="oracle-yaml-component")(pipeline)


def one_task_pipeline(path, module):
    op = components.load_component_from_file(path)
    return _v1_pipeline(op, module) if MAJOR == 1 else _v2_pipeline(op, module)
