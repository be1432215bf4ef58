"""Submits the greeting pipeline and waits for it (needs a reachable KFP backend).

    python submit.py http://localhost:8080
"""
import sys

import kfp
from kfp import dsl

from greeting_pipeline import greeting_pipeline


def submit(host: str) -> str:
    client = kfp.Client(host=host)
    result = client.create_run_from_pipeline_func(
        greeting_pipeline,
        arguments={'greeting': 'hi'},
        experiment_name='greetings',
        mode=dsl.PipelineExecutionMode.V1_LEGACY,
    )
    print('submitted run', result.run_info.id, result.run_info.name)
    detail = client.wait_for_run_completion(result.run_id, timeout=1800)
    if detail.run.status != 'Succeeded':
        raise RuntimeError(f'run {detail.run.id} ended {detail.run.status}')
    return result.run_id


def recent_runs(host: str):
    client = kfp.Client(host=host)
    statuses = {}
    for run in client.list_runs(page_size=20).runs:
        statuses[run.id] = run.status
    return statuses


if __name__ == '__main__':
    submit(sys.argv[1])
