"""Feature-engineering pipeline in classic KFP SDK v1 style.

This is the older half of the repo: lightweight components built with
``create_component_from_func`` (file-path I/O), a raw ``ContainerOp``, GCP
credentials mounted with ``kfp.gcp.use_gcp_secret``, a shared component pulled
from a ``ComponentStore`` and a local debugging entry point. None of it has a
one-to-one import rename in kfp 2, so the import rules only flag it; the
component, container-op and platform rule families do the rewriting.

Compile with::

    python legacy_helpers.py   # writes feature_pipeline.yaml
"""
import os

import kfp
from kfp import compiler, dsl, gcp, onprem
from kfp.components import (
    ComponentStore,
    InputPath,
    InputTextFile,
    OutputPath,
    create_component_from_func,
)
from kfp.dsl import ContainerOp

_EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

# Components are looked up in this repository first, then in the upstream
# kubeflow/pipelines component library.
component_store = ComponentStore(
    local_search_paths=[_EXAMPLES_DIR],
    url_search_prefixes=[
        'https://raw.githubusercontent.com/kubeflow/pipelines/1.8.22/components/'
    ],
)
# examples/components/component.yaml, i.e. the "components" entry of the store.
announce_op = component_store.load_component('components')


def split_features(
    raw_csv_path: InputPath('CSV'),
    train_path: OutputPath('CSV'),
    test_path: OutputPath('CSV'),
    test_fraction: float = 0.2,
):
    """Split a CSV file into train and test files (header kept in both)."""
    with open(raw_csv_path) as f:
        header, *rows = f.read().splitlines()
    cut = int(len(rows) * (1 - test_fraction))
    with open(train_path, 'w') as f:
        f.write('\n'.join([header] + rows[:cut]) + '\n')
    with open(test_path, 'w') as f:
        f.write('\n'.join([header] + rows[cut:]) + '\n')


def count_rows(table: InputTextFile('CSV')) -> str:
    """Summarise a CSV file handed over as an open text file."""
    rows = sum(1 for _ in table) - 1
    return f'{rows} training rows'



split_features_op = create_component_from_func(split_features, base_image='python:3.9')
count_rows_op = create_component_from_func(count_rows, base_image='python:3.9')


def download_op(url: str) -> ContainerOp:
    """Fetch a CSV with gsutil; credentials come from the user-gcp-sa secret."""
    return ContainerOp(
        name='download',
        image='google/cloud-sdk:slim',
        command=['sh', '-c', 'mkdir -p /tmp/outputs && gsutil cp "$0" /tmp/outputs/data.csv', url],
        file_outputs={'data': '/tmp/outputs/data.csv'},
    )


@dsl.pipeline(name='feature-engineering', description='Download, split and count the raw export.')
def feature_pipeline(source_url: str = 'gs://ml-team-exports/nightly/events.csv'):
    download = download_op(source_url).apply(gcp.use_gcp_secret('user-gcp-sa'))
    split = split_features_op(raw_csv=download.outputs['data'], test_fraction=0.25)
    split.apply(onprem.mount_pvc('feature-cache', 'cache', '/mnt/cache'))
    count = count_rows_op(table=split.outputs['train'])
    announce_op(message=count.output)


def debug_locally():
    """Run the pipeline on this machine (needs docker) instead of the cluster."""
    return kfp.run_pipeline_func_locally(
        feature_pipeline,
        arguments={'source_url': 'gs://ml-team-exports/sample/events.csv'},
        execution_mode=kfp.LocalClient.ExecutionMode('docker'),
    )


def submit_to_vertex(job_spec_path: str, project_id: str = 'ml-team', region: str = 'europe-west4'):
    """Submit a pipeline compiled by the v2 compiler (JSON job spec) to Vertex AI."""
    from kfp.v2.google.client import AIPlatformClient

    client = AIPlatformClient(project_id=project_id, region=region)
    return client.create_run_from_job_spec(
        job_spec_path,
        pipeline_root='gs://ml-team-artifacts/features',
        enable_caching=False,
    )


if __name__ == '__main__':
    compiler.Compiler().compile(feature_pipeline, 'feature_pipeline.yaml')
