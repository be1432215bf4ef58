#!/usr/bin/env python3
"""Print, as JSON, the inputs of every GCPC 2 component KFP431 moves a GCPC 1 op to.

Usage: <gcpc venv>/bin/python scripts/gcpc-signatures.py > src/python/handlers/compiler/gcpc2_signatures.json

Run it with the python of the gcpc venv (scripts/ecosystem-venvs.sh: kfp 2.17.3 and
google-cloud-pipeline-components 2.22.0). The components are the `to` names of
rules/compiler/KFP431-gcpc-v1-import.yaml's table: a name that is a component is
listed itself; a module (a whole GCPC 1 module moved, `experimental.dataflow` ->
`v1.dataflow`) contributes every component in its `__all__`. A component's inputs
are read from its `component_spec.inputs` (what `PipelineTask` accepts as keywords;
`inspect.signature` of a GCPC 2 component is only `*args, **kwargs`).

tests/it/gcpc_keywords.rs reruns this and fails when the checked-in file differs.
"""

import importlib
import json
import os
import sys
import warnings

import yaml

warnings.simplefilter("ignore")

from importlib import metadata  # noqa: E402

from kfp.dsl import base_component  # noqa: E402

RULE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "rules", "compiler", "KFP431-gcpc-v1-import.yaml"
)


def resolve(qualified):
    """The module or attribute a qualified name names."""
    try:
        return importlib.import_module(qualified)
    except ImportError:
        module, _, name = qualified.rpartition(".")
        return getattr(importlib.import_module(module), name)


def inputs_of(component):
    # By name: some components (the dataset import ops) are built from sets, so their declared order changes
    # from one run to the next.
    inputs = component.component_spec.inputs or {}
    return [
        {"name": name, "type": str(inputs[name].type), "optional": bool(inputs[name].optional)}
        for name in sorted(inputs)
    ]


def main():
    with open(RULE, encoding="utf-8") as f:
        rule = yaml.safe_load(f)
    components = {}
    for row in rule["table"]:
        target = row.get("to")
        if not target:
            continue
        obj = resolve(target)
        if isinstance(obj, base_component.BaseComponent):
            components[target] = inputs_of(obj)
        elif hasattr(obj, "__path__") or type(obj).__name__ == "module":
            for name in getattr(obj, "__all__", []):
                member = getattr(obj, name)
                if isinstance(member, base_component.BaseComponent):
                    components[f"{target}.{name}"] = inputs_of(member)
    out = {
        "generated_by": "scripts/gcpc-signatures.py",
        "kfp": metadata.version("kfp"),
        "google-cloud-pipeline-components": metadata.version("google-cloud-pipeline-components"),
        "components": {name: {"inputs": components[name]} for name in sorted(components)},
    }
    # One input a line: the file is reviewed as a diff when GCPC is upgraded.
    lines = ["{"]
    for key in ("generated_by", "kfp", "google-cloud-pipeline-components"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(out[key])},")
    lines.append('  "components": {')
    names = list(out["components"])
    for i, name in enumerate(names):
        lines.append(f"    {json.dumps(name)}: [")
        inputs = out["components"][name]["inputs"]
        for j, spec in enumerate(inputs):
            lines.append(f"      {json.dumps(spec)}" + ("," if j + 1 < len(inputs) else ""))
        lines.append("    ]" + ("," if i + 1 < len(names) else ""))
    lines.append("  }")
    lines.append("}")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
