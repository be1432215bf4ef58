"""Flip a coin (kfp 1 example for kfp-upgrade).

Classic kfp 1.8 sample: inline ``dsl.ContainerOp``s with ``file_outputs``, an
output consumed through ``flip.output`` inside ``dsl.Condition``, f-string
arguments built from pipeline parameters and a factory function returning a
``ContainerOp``. Compiles with kfp 1.8.22; it does not import under kfp 2.
"""
from kfp import dsl


def print_op(msg):
    """Print a message."""
    return dsl.ContainerOp(
        name='print',
        image='alpine:3.6',
        command=['echo', msg],
    )


@dsl.pipeline(
    name='flip-coin',
    description='Flip a coin and print heads or tails.',
)
def flip_coin_pipeline(seed: int = 42, prefix: str = 'result'):
    flip = dsl.ContainerOp(
        name='flip',
        image='python:3.11-alpine',
        command=['sh', '-c'],
        arguments=[
            f'python -c "import random; random.seed({seed}); '
            f"print('heads' if random.randint(0, 1) == 0 else 'tails')\" "
            '| tee /tmp/output'
        ],
        file_outputs={'output': '/tmp/output'},
    )

    with dsl.Condition(flip.output == 'heads'):
        print_op(f'{prefix}: heads ({flip.output})')

    with dsl.Condition(flip.output == 'tails'):
        again = dsl.ContainerOp(
            name='flip-again',
            image='python:3.11-alpine',
            command=['sh', '-c'],
            arguments=[
                f'echo "{prefix} was {flip.output}, flipping again" && '
                'python -c "import random; print(random.choice([\'heads\', \'tails\']))" '
                '> /tmp/output'
            ],
            file_outputs={'output': '/tmp/output'},
        )
        print_op(again.output)
