#!/usr/bin/env python3
"""The crate's module import graph, file by file: prints its cycles and its upward imports, and exits 1 if
there is either.

An edge A -> B means a file of module A names an item of module B (`use crate::b::…`, `crate::b::x(…)`,
`super::b`). Test code (from a `#[cfg(test)]` line on) is left out: tests may reach anywhere. An import is
*upward* when it names an item defined in one of the importing module's ancestors (`lib.rs`, a `mod.rs`):
the hub-and-reach-back shape, where a parent calls its children and the children call back into it.
Children naming their siblings through `super::sibling` is not upward.

Usage: scripts/import-graph.py [--edges]
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def module_of(path):
    rel = os.path.relpath(path, ROOT)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def modules():
    found = {}
    for dirpath, _, files in os.walk(ROOT):
        for name in files:
            if name.endswith(".rs"):
                path = os.path.join(dirpath, name)
                if os.path.relpath(path, ROOT) in ("main.rs", "alloc.rs"):
                    continue  # the binary, not the library
                found[module_of(path)] = path
    return found


PATH = re.compile(r"\b(crate|super)((?:::\s*(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*))+)")


def targets(module, code, known):
    """The modules `code` (of `module`) names, resolved to the longest known module prefix."""
    out = set()
    for m in PATH.finditer(code):
        head, rest = m.group(1), m.group(2)
        base = () if head == "crate" else module[:-1]
        # `super::super::x`
        segments = [s.strip() for s in rest.split("::") if s.strip()]
        while segments and segments[0] == "super":
            base = base[:-1]
            segments.pop(0)
        paths = [segments]
        if segments and segments[-1].startswith("{"):
            inner = segments[-1][1:-1]
            paths = [segments[:-1] + [p.strip().split("::")[0]] for p in inner.split(",") if p.strip()]
        for p in paths:
            full = base + tuple(s for s in p if s not in ("self",) and not s.startswith("{"))
            while full and full not in known:
                full = full[:-1]
            if full != module:
                out.add(full)
    return out


def inline_modules(code):
    """`(name, body)` of each inline `mod name { … }` at the top of `code` (braces matched)."""
    found = []
    for m in re.finditer(r"^(?:pub(?:\([a-z]+\))? )?mod (\w+) \{", code, re.M):
        depth, i = 0, m.end() - 1
        for j in range(i, len(code)):
            if code[j] == "{":
                depth += 1
            elif code[j] == "}":
                depth -= 1
                if depth == 0:
                    found.append((m.group(1), code[i : j + 1]))
                    break
    return found


def strip_tests(text):
    cut = text.find("#[cfg(test)]")
    code = text if cut < 0 else text[:cut]
    # Comments name modules in prose; they are not imports.
    return "\n".join(line.split("//", 1)[0] for line in code.splitlines())


def main():
    known = modules()
    graph = {m: set() for m in known}
    for m, path in known.items():
        with open(path, encoding="utf-8") as f:
            code = strip_tests(f.read())
        # An inline `mod name { … }` is a module one level down: its `super::` is this file's module.
        edges = set()
        for inner, body in inline_modules(code):
            edges |= targets(m + (inner,), body, known)
            code = code.replace(body, "")
        graph[m] = (edges | targets(m, code, known)) - {m}
    name = lambda m: "::".join(m) or "crate"
    if "--edges" in sys.argv:
        for m in sorted(graph):
            print(name(m), "->", ", ".join(sorted(name(t) for t in graph[m])))

    # Cycles: strongly connected components with more than one module (Tarjan).
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    upward = sorted(
        (name(m), name(t)) for m, ts in graph.items() for t in ts if len(t) < len(m) and m[: len(t)] == t
    )
    print(f"{len(graph)} modules, {sum(len(t) for t in graph.values())} imports")
    print(f"cycles: {len(sccs)}")
    for scc in sccs:
        print(f"  {len(scc)} modules: " + ", ".join(name(m) for m in scc))
    print(f"upward imports: {len(upward)}")
    for m, t in upward:
        print(f"  {m} -> {t}")
    sys.exit(1 if sccs or upward else 0)


if __name__ == "__main__":
    main()
