"""Evaluation pipeline, already on KFP SDK 2.

Migrated by hand from the old ``kfp.v2.dsl`` API last quarter; kfp-upgrade
must report nothing here. Note the look-alikes that are *not* KFP: the standard
library ``types`` module and a local ``gcp`` settings object.
"""
import types

from kfp import compiler, dsl
from kfp.dsl import Dataset, Input, Metrics, Output

# Deployment settings for the GCP project; unrelated to the removed kfp.gcp module.
gcp = types.SimpleNamespace(
    project='ml-team',
    region='europe-west4',
    bucket='gs://ml-team-artifacts',
)


@dsl.component(base_image='python:3.11')
def make_eval_set(rows: int, eval_set: Output[Dataset]):
    """Write a tiny evaluation CSV."""
    with open(eval_set.path, 'w') as f:
        f.write('label,score\n')
        for i in range(rows):
            f.write(f'{i % 2},{(i % 10) / 10}\n')


@dsl.component(base_image='python:3.11')
def evaluate(eval_set: Input[Dataset], threshold: float, metrics: Output[Metrics]):
    """Compute accuracy at the given threshold."""
    with open(eval_set.path) as f:
        next(f)
        pairs = [line.strip().split(',') for line in f if line.strip()]
    correct = sum(int(label) == int(float(score) >= threshold) for label, score in pairs)
    metrics.log_metric('accuracy', correct / max(len(pairs), 1))


@dsl.pipeline(name='model-evaluation', pipeline_root=f'{gcp.bucket}/evaluation')
def evaluation_pipeline(rows: int = 100, threshold: float = 0.5):
    data = make_eval_set(rows=rows)
    evaluate(eval_set=data.outputs['eval_set'], threshold=threshold)


if __name__ == '__main__':
    compiler.Compiler().compile(evaluation_pipeline, 'evaluation_pipeline.yaml')
