"""Nightly data-quality pipeline built from YAML container components.

Parameters are annotated with the ``kfp.dsl.types`` classes of KFP SDK 1.x so
that the v1 compiler records their types (and the ``gs://`` pattern of
``GCSPath``) in the workflow. The steps are plain container components: the
row-count check is defined inline below, the announce step is shared with other
pipelines and lives in ``examples/components/component.yaml``.

Compile with::

    python typed_params.py   # writes data_quality_pipeline.yaml
"""
import os

import kfp
from kfp import compiler, components, dsl
from kfp.dsl import types
from kfp.dsl.types import GCSPath, Integer, String

# Older KFP backends choke on the type annotations of some community
# components; we switched the SDK type checker off long ago.
kfp.TYPE_CHECK = False

# Resolved from this file, so the pipeline compiles from any working directory.
_COMPONENTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'components')

ROW_COUNT_CHECK_YAML = '''
name: Row count check
description: Run a boolean SQL check against the warehouse; fails when it returns false.
inputs:
  - {name: query, type: String}
  - {name: dialect, type: String, default: standard}
implementation:
  container:
    image: alpine:3.18
    command:
      - echo
      - running
      - {inputValue: dialect}
      - SQL check
      - {inputValue: query}
'''

row_count_check_op = components.load_component(text=ROW_COUNT_CHECK_YAML)
announce_op = kfp.components.load_component_from_file(
    filename=os.path.join(_COMPONENTS_DIR, 'component.yaml'))


@dsl.pipeline(
    name='nightly-data-quality',
    description='Row-count checks on the nightly warehouse export.',
)
def data_quality_pipeline(
    project: String() = 'ml-team',
    table: String() = 'analytics.events',
    min_rows: Integer() = 1000,
    tolerance: types.Float() = 0.05,
    export_bucket: GCSPath() = 'gs://ml-team-exports/nightly',
):
    # The typed parameters are formatted into strings rather than handed to
    # the typed component inputs directly: the v1 type checker rejects
    # `String()` (which carries an OpenAPI schema) for a plain `String` input.
    check = row_count_check_op(
        query=f'SELECT COUNT(*) >= {min_rows} FROM `{project}.{table}`')
    announce = announce_op(
        message=f'{project}.{table} exported to {export_bucket} '
        f'(expected >= {min_rows} rows, tolerance {tolerance})')
    announce.after(check)


if __name__ == '__main__':
    compiler.Compiler().compile(data_quality_pipeline, 'data_quality_pipeline.yaml')
