"""Churn model training pipeline (v2-compatible API of KFP SDK 1.8).

Written against the ``kfp.v2`` namespace that SDK 1.8 offered as a preview of
the v2 API. The components use artifact inputs/outputs (``Input[Dataset]``,
``Output[Model]``) rather than file paths, so they port to kfp 2 by renaming the
imports alone.

Compile with::

    python v2_namespace_pipeline.py   # writes churn_training_pipeline.json
"""
import kfp
import kfp.v2.compiler as compiler
from kfp.v2 import dsl
from kfp.v2.dsl import Dataset, Input, Metrics, Model, Output, component
from kfp.v2.components.types.artifact_types import Artifact

BASE_IMAGE = 'python:3.9'


@component(base_image=BASE_IMAGE, packages_to_install=['pandas==1.5.3'])
def load_data(source_uri: str, rows: int, dataset: Output[Dataset]):
    """Pull a sample of the churn table and store it as CSV."""
    import pandas as pd

    frame = pd.DataFrame({'tenure': range(rows), 'churned': [i % 2 for i in range(rows)]})
    frame.to_csv(dataset.path, index=False)
    dataset.metadata['source'] = source_uri
    dataset.metadata['rows'] = rows


@component(base_image=BASE_IMAGE, packages_to_install=['pandas==1.5.3'])
def train_model(
    dataset: Input[Dataset],
    learning_rate: float,
    model: Output[Model],
    metrics: Output[Metrics],
):
    """Fit a (very) simple model and log its training metrics."""
    import json

    import pandas as pd

    frame = pd.read_csv(dataset.path)
    weights = {'bias': float(frame['churned'].mean()), 'lr': learning_rate}
    with open(model.path, 'w') as f:
        json.dump(weights, f)
    model.metadata['framework'] = 'handwritten'
    metrics.log_metric('train_rows', len(frame))


@dsl.component(base_image=BASE_IMAGE)
def publish_model(model: Input[Model], registry: str, report: Output[Artifact]):
    """Write a small release note next to the model."""
    with open(report.path, 'w') as f:
        f.write(f'published {model.uri} to {registry}\n')


# The pipeline decorator is reached through the top-level package here, the
# way some of our older notebooks spell it.
@kfp.v2.dsl.pipeline(
    name='churn-training',
    description='Train and publish the churn model.',
    pipeline_root='gs://ml-team-artifacts/churn',
)
def churn_training_pipeline(
    source_uri: str = 'bq://ml-team.analytics.churn',
    rows: int = 1000,
    learning_rate: float = 0.01,
    registry: str = 'gs://ml-team-models/churn',
):
    data_task = load_data(source_uri=source_uri, rows=rows)
    train_task = train_model(
        dataset=data_task.outputs['dataset'],
        learning_rate=learning_rate,
    )
    publish_model(model=train_task.outputs['model'], registry=registry)


if __name__ == '__main__':
    compiler.Compiler().compile(
        pipeline_func=churn_training_pipeline,
        package_path='churn_training_pipeline.json',
    )
