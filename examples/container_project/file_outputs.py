"""Pass several file outputs downstream (kfp 1 example for kfp-upgrade).

Classic kfp 1.8 data passing between ``ContainerOp``s: each producer declares
two ``file_outputs`` and the consumers read them with ``op.outputs['name']``
in their arguments. Compiles with kfp 1.8.22; it does not import under kfp 2.
"""
from kfp import dsl


@dsl.pipeline(
    name='file-outputs',
    description='Split a text into statistics and report them.',
)
def file_outputs_pipeline(text: str = 'the quick brown fox'):
    stats = dsl.ContainerOp(
        name='stats',
        image='busybox',
        command=['sh', '-c'],
        arguments=[
            f'echo "{text}" | wc -w > /tmp/words.txt && '
            f'echo "{text}" | wc -c > /tmp/chars.txt'
        ],
        file_outputs={
            'words': '/tmp/words.txt',
            'chars': '/tmp/chars.txt',
        },
    )

    upper = dsl.ContainerOp(
        name='upper',
        image='alpine:3.18',
        command=['sh', '-c'],
        arguments=[
            'echo "$0" | tr a-z A-Z > /tmp/upper.txt && echo "$0" | rev > /tmp/reversed.txt',
            text,
        ],
        file_outputs={
            'upper': '/tmp/upper.txt',
            'reversed': '/tmp/reversed.txt',
        },
    )

    dsl.ContainerOp(
        name='report',
        image='busybox',
        command=['echo'],
        arguments=[
            'words:', stats.outputs['words'],
            'chars:', stats.outputs['chars'],
            'upper:', upper.outputs['upper'],
        ],
    )

    dsl.ContainerOp(
        name='summary',
        image='alpine:3.18',
        command=['sh', '-c', 'echo "$0 / $1"'],
        arguments=[upper.outputs['reversed'], stats.outputs['words']],
    )
