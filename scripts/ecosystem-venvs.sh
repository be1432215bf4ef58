#!/usr/bin/env bash
# Create (once) and cache the venvs of the kfp ecosystem packages some rules rewrite to or from, next to the
# oracle venvs (see scripts/oracle-venvs.sh, whose conventions this follows):
#
#   <target>/oracle/gcpc     kfp==2.17.3 google-cloud-pipeline-components==2.22.0 (brings google-cloud-aiplatform)
#   <target>/oracle/tekton   kfp-tekton==1.9.3 kfp==1.8.22
#
# They are separate from the kfp1/kfp2 oracle venvs so that neither package's dependencies can change what
# the oracle compiles with. Each takes about half a minute to build.
#
# Usage: scripts/ecosystem-venvs.sh [--print]
#   --print   print the gcpc and tekton python paths (one per line) on stdout.
# Env: KFP_UPGRADE_PYTHON  interpreter used to create the venvs (default python3)
set -euo pipefail

print=0
for arg in "$@"; do
    case "$arg" in
        --print) print=1 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "ecosystem-venvs.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

script=ecosystem-venvs.sh
lock=.ecosystem.lock
# shellcheck source=lib/venvs.sh
source "$(dirname "$0")/lib/venvs.sh"

ensure_venv gcpc "kfp==2.17.3 google-cloud-pipeline-components==2.22.0"
ensure_venv tekton "kfp-tekton==1.9.3 kfp==1.8.22"

if [[ $print == 1 ]]; then
    echo "$oracle/gcpc/bin/python"
    echo "$oracle/tekton/bin/python"
fi
