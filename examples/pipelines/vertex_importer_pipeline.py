"""Re-score an externally trained model on Vertex AI Pipelines.

Uses ``importer`` to bring a model that was trained outside of KFP into the
pipeline as a ``Model`` artifact. The importer only exists in the
v2-compatible API of KFP SDK 1.8, so this pipeline must be compiled with
``kfp.v2.compiler`` (the v1 Argo compiler rejects it with
``ValueError: dsl.importer is not supported with v1 compiler``).

Compile with::

    python vertex_importer_pipeline.py   # writes rescoring_pipeline.json
"""
from kfp.v2 import compiler, dsl
from kfp.v2.components.importer_node import importer
from kfp.v2.components.types.artifact_types import Metrics, Model
from kfp.v2.dsl import Input, Output


@dsl.component(base_image='python:3.9')
def evaluate(model: Input[Model], min_auc: float, metrics: Output[Metrics]):
    """Log placeholder evaluation metrics for the imported model."""
    metrics.log_metric('min_auc', min_auc)
    metrics.metadata['model_uri'] = model.uri


@dsl.pipeline(name='external-model-rescoring', pipeline_root='gs://ml-team-artifacts/rescoring')
def rescoring_pipeline(
    model_uri: str = 'gs://ml-team-models/churn/external/model.json',
    min_auc: float = 0.7,
):
    model = importer(artifact_uri=model_uri, artifact_class=Model, reimport=False)
    evaluate(model=model.output, min_auc=min_auc)


if __name__ == '__main__':
    compiler.Compiler().compile(pipeline_func=rescoring_pipeline, package_path='rescoring_pipeline.json')
