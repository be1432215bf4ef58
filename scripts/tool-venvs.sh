#!/usr/bin/env bash
# Create (once) and cache the venv of Python tools the integration tests run as users do:
#
#   <target>/oracle/tools   pre-commit (the hooks in .pre-commit-hooks.yaml run under the real framework)
#                           and jsonschema (the SARIF output is validated against the official schema)
#   <target>/oracle/maturin   maturin, the version pyproject.toml's build-system pins (tests/it/wheel.rs builds
#                           the Python wheel with it)
#
# Same cache, marker and locking rules as scripts/oracle-venvs.sh (see scripts/lib/venvs.sh). Run the tools as
# `<venv>/bin/python -m pre_commit` / `-m jsonschema`: console scripts carry a stale shebang.
#
# Usage: scripts/tool-venvs.sh [--print]
#   --print   print the venvs' python paths on stdout, one per line: tools, then maturin.
set -euo pipefail

print=0
for arg in "$@"; do
    case "$arg" in
        --print) print=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "tool-venvs.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

script=tool-venvs.sh
lock=.tools.lock
# shellcheck source=lib/venvs.sh
source "$(dirname "$0")/lib/venvs.sh"

ensure_venv tools "pre-commit==4.7.0 jsonschema==4.26.0"
ensure_venv maturin "maturin==1.16.0"

if [[ $print == 1 ]]; then
    echo "$oracle/tools/bin/python"
    echo "$oracle/maturin/bin/python"
fi
