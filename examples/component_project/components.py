"""Reusable lightweight components, written for KFP SDK v1 (kfp 1.8.x).

This is a kfp 1 example for kfp-upgrade: the components below are built the
ways real v1 projects build them -- a bare factory decorator, a factory call
by assignment with keyword options, and a factory call with *positional*
options -- and they use v1's file-path I/O (``InputPath`` / ``OutputPath``),
whose ``_path`` / ``_file`` suffixes kfp 1 strips from the input and output
names (``data_path`` is the input ``data``, ``model_path`` the output
``model``). kfp 2's ``@dsl.component`` keeps the full names, so every call
site in ``pipeline.py`` has to change along with this file.

The function bodies only use the standard library: the components run in
plain ``python:3.x`` images.
"""
from typing import NamedTuple

import kfp.components as comp
from kfp.components import (
    InputPath,
    OutputPath,
    create_component_from_func,
    func_to_container_op,
)


@comp.create_component_from_func
def prepare_data(rows: int, seed: int, data_path: OutputPath('CSV')):
    """Write a synthetic CSV with columns x,y where y is roughly 2x + 1."""
    import csv
    import os
    import random

    rng = random.Random(seed)
    os.makedirs(os.path.dirname(data_path) or '.', exist_ok=True)
    with open(data_path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['x', 'y'])
        for _ in range(rows):
            x = rng.uniform(0, 10)
            writer.writerow([round(x, 4), round(2 * x + 1 + rng.gauss(0, 0.5), 4)])


def train(data_path: InputPath('CSV'), epochs: int, model_path: OutputPath('TFModel'),
          learning_rate: float = 0.01):
    """Fit y = w*x + b by gradient descent and save the weights as JSON."""
    import csv
    import json
    import os

    with open(data_path, newline='') as f:
        points = [(float(r['x']), float(r['y'])) for r in csv.DictReader(f)]
    w, b = 0.0, 0.0
    n = max(len(points), 1)
    for _ in range(epochs):
        grad_w = sum((w * x + b - y) * x for x, y in points) * 2 / n
        grad_b = sum((w * x + b - y) for x, y in points) * 2 / n
        w -= learning_rate * grad_w
        b -= learning_rate * grad_b
    os.makedirs(os.path.dirname(model_path) or '.', exist_ok=True)
    with open(model_path, 'w') as f:
        json.dump({'w': w, 'b': b, 'epochs': epochs}, f)


train_op = comp.create_component_from_func(train, base_image='python:3.9', packages_to_install=[])


def evaluate(model_path: InputPath('TFModel'), data_file_path: InputPath()) -> NamedTuple(
        'EvalOutput', [('Score', float), ('report', str)]):
    """Score the model on a CSV file: R^2 (higher is better) and a one-line report."""
    import csv
    import json
    from collections import namedtuple

    with open(model_path) as f:
        model = json.load(f)
    with open(data_file_path, newline='') as f:
        points = [(float(r['x']), float(r['y'])) for r in csv.DictReader(f)]
    mean_y = sum(y for _, y in points) / max(len(points), 1)
    ss_res = sum((y - (model['w'] * x + model['b'])) ** 2 for x, y in points)
    ss_tot = sum((y - mean_y) ** 2 for _, y in points) or 1.0
    score = 1.0 - ss_res / ss_tot
    report = 'w=%.3f b=%.3f after %d epochs' % (model['w'], model['b'], model['epochs'])
    eval_output = namedtuple('EvalOutput', ['Score', 'report'])
    return eval_output(score, report)


# Positional options, as in func_to_container_op(func, output_component_file, base_image).
evaluate_op = func_to_container_op(evaluate, None, 'python:3.9')


def summarize(score: float, report: str, threshold: float = 0.9) -> str:
    """Turn the evaluation into a human-readable verdict."""
    verdict = 'PASS' if score >= threshold else 'FAIL'
    return '%s: R^2=%.4f (threshold %.2f), %s' % (verdict, score, threshold, report)


summarize_op = create_component_from_func(summarize, base_image='python:3.9')


@func_to_container_op
def publish(message: str, channel: str):
    """Announce the result (prints; a real project would post to a chat channel)."""
    print('[%s] %s' % (channel, message))
