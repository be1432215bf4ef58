"""A kfp 1 pipeline built from v1 component YAML files (see components/)."""
import os

import kfp
from kfp import components, dsl

make_data_op = components.load_component_from_file(
    os.path.join(os.path.dirname(__file__), 'components', 'legacy_file_outputs.yaml'))
train_op = components.load_component_from_file(
    os.path.join(os.path.dirname(__file__), 'components/train.yaml'))
export_op = components.load_component(
    filename=os.path.join(os.path.dirname(__file__), 'components/export.yaml'))
count_op = components.load_component_from_file(
    os.path.join(os.path.dirname(__file__), 'components/count_chars.yaml'))
show_op = components.load_component_from_text("""
name: Show
inputs:
- {name: Model file}
- {name: Accuracy, type: Float}
outputs:
- {name: Output, type: String}
implementation:
  container:
    image: alpine:3.18
    command: [sh, -c, 'cat "$0"; echo "$1" > "$2"', {inputPath: Model file}, {inputValue: Accuracy},
              {outputPath: Output}]
""")


@dsl.pipeline(name='yaml-components')
def yaml_pipeline(message: str = 'hello'):
    data = make_data_op(message)
    train = train_op(data.outputs['blob'], 3)
    shown = show_op(train.outputs['Model'], train.outputs['Accuracy'])
    export_op('gs://my-bucket/reports', 'my-project', shown.outputs['Output'])
    count_op(shown.outputs['Output'])


if __name__ == '__main__':
    kfp.compiler.Compiler().compile(yaml_pipeline, 'build/yaml_pipeline.yaml')
