"""Batch scoring pipeline, maintained on a Windows workstation (CRLF line endings).

Imports the v2-compatible API of KFP SDK 1.8 through its implementation
modules, as some of the 1.8 samples did.
"""
import kfp.v2.dsl as dsl
from kfp.v2 import compiler
from kfp.v2.components.types.artifact_types import Dataset, Model
from kfp.v2.components.types.type_annotations import Input, Output


@dsl.component(base_image='python:3.9')
def make_model(version: str, model: Output[Model]):
    """Stand-in for the training step: writes a tiny model file."""
    with open(model.path, 'w') as f:
        f.write(f'{{"version": "{version}"}}\n')


@dsl.component(base_image='python:3.9')
def score(model: Input[Model], threshold: float, scores: Output[Dataset]):
    """Write a placeholder score file for the given model."""
    with open(scores.path, 'w') as f:
        f.write(f'model={model.uri} threshold={threshold}\n')


@dsl.pipeline(name='batch-scoring', pipeline_root='gs://ml-team-artifacts/scoring')
def scoring_pipeline(version: str = '2024-01', threshold: float = 0.5):
    model_task = make_model(version=version)
    score(model=model_task.outputs['model'], threshold=threshold)


if __name__ == '__main__':
    compiler.Compiler().compile(pipeline_func=scoring_pipeline, package_path='scoring_pipeline.json')
