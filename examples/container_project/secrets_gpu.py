"""Train on a GPU node with GCP credentials (kfp 1 example for kfp-upgrade).

Classic kfp 1.8 task configuration: ``.apply(gcp.use_gcp_secret(...))``,
``.set_gpu_limit()``, ``.add_node_selector_constraint()``,
``.add_toleration()`` and ``.add_env_variable()`` with kubernetes client
objects, ``.set_memory_limit()`` and ``.set_retry()``. Compiles with kfp
1.8.22; it does not import under kfp 2.
"""
from kfp import dsl, gcp
from kubernetes import client as k8s_client


@dsl.pipeline(
    name='gpu-training',
    description='Train a model on a T4 GPU with the user-gcp-sa secret.',
)
def gpu_training_pipeline(data_path: str = 'gs://my-bucket/data.csv', epochs: int = 10):
    train = dsl.ContainerOp(
        name='train',
        image='python:3.11-alpine',
        command=['python', '-c'],
        arguments=[
            'import sys; print("training on", sys.argv[1], "for", sys.argv[2], "epochs")',
            data_path,
            epochs,
        ],
    )
    train.apply(gcp.use_gcp_secret('user-gcp-sa'))
    train.set_gpu_limit(1)
    train.add_node_selector_constraint('cloud.google.com/gke-accelerator', 'nvidia-tesla-t4')
    train.add_toleration(
        k8s_client.V1Toleration(key='nvidia.com/gpu', operator='Exists', effect='NoSchedule')
    )
    train.add_env_variable(k8s_client.V1EnvVar(name='MODE', value='train'))
    train.set_memory_limit('4G')
    train.set_retry(2)
