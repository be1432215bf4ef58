"""Training pipeline over the components in ``components.py``, written for KFP SDK v1 (kfp 1.8.x).

This is a kfp 1 example for kfp-upgrade: it imports the components under
aliases (``from components import train_op as train``, ``import components
as c``), calls them positionally and with v1's *stripped* input names
(``train(data=...)`` for the parameter ``data_path``), reads outputs by their
v1 keys (``outputs['model']`` for ``model_path``, the lower-case aliases
``outputs['score']`` for the NamedTuple field ``Score`` and
``outputs['output']`` for a single ``-> str`` return) and passes the string
``'10'`` to an ``int`` input, which kfp 1 accepts and kfp 2 rejects. A correct
migration must rewrite all of these call sites together with
``components.py``.

Compile with kfp 1.8.x::

    dsl-compile --py pipeline.py --output pipeline.yaml
"""
from kfp import dsl

import components as c
from components import train_op as train


@dsl.pipeline(name='component-project-training',
              description='Prepare data, train two models, evaluate one and publish the verdict.')
def training_pipeline(rows: int = 200, seed: int = 42, long_epochs: int = 50,
                      channel: str = '#ml-results'):
    prep = c.prepare_data(rows, seed)
    quick = train(data=prep.outputs['data'], epochs='10')
    thorough = train(prep.outputs['data'], long_epochs, learning_rate=0.02)
    evaluation = c.evaluate_op(quick.outputs['model'], prep.outputs['data'])
    summary = c.summarize_op(evaluation.outputs['score'], report=evaluation.outputs['report'])
    c.publish(summary.outputs['output'], channel)
    c.publish(message=summary.output, channel='#ml-archive').after(thorough)
