"""Container components shared by the pipelines, in kfp 1's YAML format."""
from kfp import components

_SHOUT = '''
name: Shout
inputs:
- {name: text, type: String}
outputs:
- {name: loud, type: String}
implementation:
  container:
    image: alpine:3.18
    command: [sh, -c, 'echo "$0" | tr a-z A-Z | tee "$1"', {inputValue: text}, {outputPath: loud}]
'''

_ECHO = '''
name: Echo
inputs:
- {name: message, type: String}
implementation:
  container:
    image: alpine:3.18
    command: [echo, {inputValue: message}]
'''

shout_op = components.load_component_from_text(_SHOUT)
echo_op = components.load_component_from_text(_ECHO)
