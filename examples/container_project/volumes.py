"""Share a volume between steps (kfp 1 example for kfp-upgrade).

Classic kfp 1.8 volume sample: ``dsl.VolumeOp`` creates a PVC, one
``ContainerOp`` writes to it through ``pvolumes=``, a second mounts it with
``.add_pvolumes()`` and is ordered with ``.after()``, and ``vop.delete()``
removes the PVC at the end. Compiles with kfp 1.8.22; it does not import under
kfp 2.
"""
from kfp import dsl


@dsl.pipeline(
    name='volume-pipeline',
    description='Write a file to a new PVC and read it back.',
)
def volume_pipeline(greeting: str = 'hello'):
    vop = dsl.VolumeOp(
        name='create-pvc',
        resource_name='my-pvc',
        modes=dsl.VOLUME_MODE_RWO,
        size='1Gi',
        storage_class='standard',
    )

    write = dsl.ContainerOp(
        name='write',
        image='busybox',
        command=['sh', '-c'],
        arguments=[f'echo {greeting} > /mnt/file.txt'],
        pvolumes={'/mnt': vop.volume},
    )

    read = dsl.ContainerOp(
        name='read',
        image='busybox',
        command=['cat', '/mnt/file.txt'],
    )
    read.add_pvolumes({'/mnt': vop.volume})
    read.after(write)

    vop.delete().after(read)
