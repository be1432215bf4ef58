#!/usr/bin/env bash
# Create (once) and cache the venv that builds the Python wheel in the tests (tests/it/wheel.rs):
#
#   <target>/oracle/maturin   maturin from PyPI, the version pyproject.toml's build-system pins
#
# Same cache, marker and locking rules as scripts/oracle-venvs.sh (see scripts/lib/venvs.sh), with its own lock,
# so it never waits on the oracle or tool venvs. Run it as `<venv>/bin/python -m maturin`: console scripts carry
# a stale shebang.
#
# Usage: scripts/wheel-venvs.sh [--print]
#   --print   print the venv's python path on stdout.
set -euo pipefail

print=0
for arg in "$@"; do
    case "$arg" in
        --print) print=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "wheel-venvs.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

script=wheel-venvs.sh
lock=.wheel.lock
# shellcheck source=lib/venvs.sh
source "$(dirname "$0")/lib/venvs.sh"

ensure_venv maturin "maturin==1.16.0"

if [[ $print == 1 ]]; then
    echo "$oracle/maturin/bin/python"
fi
