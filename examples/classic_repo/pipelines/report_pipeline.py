"""Nightly report with pipeline-wide settings, in KFP SDK 1.8 style: options
passed to the decorator by position, a ``PipelineConf`` handed to the
compiler, and settings made from inside the pipeline with
``dsl.get_pipeline_conf()``.

Compile with::

    python report_pipeline.py   # writes report_pipeline.yaml
"""
from kfp import compiler, dsl
from kubernetes.client import V1LocalObjectReference

from components import echo_op, shout_op


@dsl.pipeline('Nightly Report', 'Builds and announces the nightly report.')
def report_pipeline(title: 'String' = 'nightly', days: 'Integer' = 7, draft: 'Bool' = False):
    dsl.get_pipeline_conf().set_ttl_seconds_after_finished(86400)
    report = shout_op(text=f'{title} report over {days} days (draft: {draft})')
    echo_op(message=report.outputs['loud'])


pipeline_conf = dsl.PipelineConf()
pipeline_conf.set_timeout(3600)
pipeline_conf.set_image_pull_policy('IfNotPresent')
pipeline_conf.set_image_pull_secrets([V1LocalObjectReference(name='registry-credentials')])

if __name__ == '__main__':
    compiler.Compiler(mode=dsl.PipelineExecutionMode.V1_LEGACY).compile(
        report_pipeline, 'report_pipeline.yaml', pipeline_conf=pipeline_conf)
