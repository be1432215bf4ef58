"""Greets a list of people. Written for KFP SDK 1.8: the pipeline function is
compiled from ``__main__`` without a decorator, its parameters carry no types,
and it uses the v1 keywords of the control-flow groups.

Compile with::

    python greeting_pipeline.py   # writes greeting_pipeline.tar.gz
"""
import kfp
from kfp import dsl

from components import echo_op, shout_op

RUN_LOG = 'gs://my-bucket/greetings/{{workflow.uid}}/log.txt'


def greeting_pipeline(greeting='hello', repeat=2, loud=False):
    """Greets everyone, loudly if asked."""
    goodbye = echo_op(message='{{workflow.name}} done')
    with dsl.ExitHandler(exit_op=goodbye):
        with dsl.ParallelFor(loop_args=['ada', 'grace', 'barbara']) as name:
            echo_op(message=f'{greeting} {name} x{repeat}')
        with dsl.Condition(loud == True):
            shout = shout_op(text=greeting)
            echo_op(message=shout.outputs['loud'])
        echo_op(message=dsl.RUN_ID_PLACEHOLDER)
        echo_op(message=RUN_LOG)


if __name__ == '__main__':
    kfp.compiler.Compiler().compile(greeting_pipeline, 'greeting_pipeline.tar.gz')
