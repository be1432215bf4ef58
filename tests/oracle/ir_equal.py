"""Compare compiled kfp 2 component IR files structurally.

Usage: python ir_equal.py [--full] A.yaml B.yaml [C.yaml D.yaml ...]  (pairs)

With --full the whole first YAML document must be equal (comments aside).

For each pair, the interface (root input/output definitions) and the single executor's container (image,
command, args, env) must be equal; names of components and executors and descriptions are ignored. Prints one
JSON line per pair: {"a": A, "b": B, "equal": bool, "a_shape": ..., "b_shape": ...}.
"""

import json
import sys

import yaml


FULL = False


def shape(path):
    with open(path) as f:
        ir = next(yaml.safe_load_all(f))
    if FULL:
        return ir
    executors = ir["deploymentSpec"]["executors"]
    (container,) = [e["container"] for e in executors.values()]
    root = ir["root"]
    return {
        "inputs": root.get("inputDefinitions", {}),
        "outputs": root.get("outputDefinitions", {}),
        "container": {k: container.get(k) for k in ("image", "command", "args", "env")},
    }


def main(argv):
    global FULL
    if argv and argv[0] == "--full":
        FULL = True
        argv = argv[1:]
    ok = True
    for a, b in zip(argv[0::2], argv[1::2]):
        sa, sb = shape(a), shape(b)
        equal = sa == sb
        ok = ok and equal
        print(json.dumps({"a": a, "b": b, "equal": equal, "a_shape": sa, "b_shape": sb}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
