#!/usr/bin/env python3
"""Generate the benchmark corpora for scripts/bench.sh, deterministically (fixed seed, fixed templates).

Usage: bench_corpus.py KIND DIR
  mixed   ~10,000 Python files, ~5% of them kfp v1 pipelines/components, the rest ordinary code
  dense   ~2,000 kfp v1 pipeline and component files
  hook    10 files (5 kfp v1, 5 ordinary), the shape of a pre-commit run
  huge    100,000 files (5% kfp v1), for peak memory
  dense30k 30,000 kfp v1 pipeline and component files, for peak memory
The kfp templates are the repository's own v1 examples, so the corpus exercises every rule family.
"""
import os
import random
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
TEMPLATES = [
    'examples/component_project/components.py',
    'examples/component_project/pipeline.py',
    'examples/container_project/flip_coin.py',
    'examples/container_project/volumes.py',
    'examples/container_project/secrets_gpu.py',
    'examples/container_project/file_outputs.py',
    'examples/pipelines/v2_namespace_pipeline.py',
    'examples/pipelines/typed_params.py',
    'examples/pipelines/legacy_helpers.py',
]

ORDINARY = '''"""Module {n}: ordinary application code that never mentions the pipelines SDK."""
import dataclasses
import json
import logging
from typing import Dict, List, Optional

log = logging.getLogger(__name__)


@dataclasses.dataclass
class Record{n}:
    name: str
    values: List[float]
    tags: Optional[Dict[str, str]] = None

    def mean(self) -> float:
        return sum(self.values) / max(len(self.values), 1)


def load_{n}(path: str) -> List[Record{n}]:
    with open(path) as f:
        raw = json.load(f)
    out = []
    for item in raw:
        if not item.get("name"):
            log.warning("skipping %r", item)
            continue
        out.append(Record{n}(item["name"], [float(v) for v in item["values"]], item.get("tags")))
    return out


def summarise_{n}(records: List[Record{n}]) -> Dict[str, float]:
    return {{r.name: r.mean() for r in records if r.values}}


class Cache{n}:
    def __init__(self):
        self._data = {{}}

    def get(self, key, default=None):
        return self._data.get(key, default)

    def put(self, key, value):
        self._data[key] = value
        return value
'''


def templates():
    out = []
    for t in TEMPLATES:
        with open(os.path.join(ROOT, t)) as f:
            out.append(f.read())
    return out


def generate(kind, dest):
    rng = random.Random(20261129)
    counts = {'mixed': (10_000, 0.05), 'dense': (2_000, 1.0), 'hook': (10, 0.5), 'huge': (100_000, 0.05), 'dense30k': (30_000, 1.0)}
    total, share = counts[kind]
    kfp = templates()
    for i in range(total):
        sub = os.path.join(dest, f'pkg{i // 500:03d}')
        os.makedirs(sub, exist_ok=True)
        is_kfp = (i % 10 < 5) if kind == 'hook' else rng.random() < share
        if is_kfp:
            text = kfp[i % len(kfp)]
        else:
            text = ORDINARY.format(n=i)
        with open(os.path.join(sub, f'mod{i:06d}.py'), 'w') as f:
            f.write(text)


if __name__ == '__main__':
    if len(sys.argv) != 3 or sys.argv[1] not in ('mixed', 'dense', 'hook', 'huge', 'dense30k'):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    generate(sys.argv[1], sys.argv[2])
