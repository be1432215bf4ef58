#!/usr/bin/env bash
# Create (once) and cache the venvs of the kfp ecosystem packages some rules rewrite to or from, next to the
# oracle venvs (see scripts/oracle-venvs.sh, whose conventions this follows):
#
#   <target>/oracle/gcpc     kfp==2.17.3 google-cloud-pipeline-components==2.22.0 (brings google-cloud-aiplatform)
#   <target>/oracle/tekton   kfp-tekton==1.9.3 kfp==1.8.22
#   <target>/oracle/gcpc1    kfp==1.8.22 google-cloud-pipeline-components==1.0.44 (GCPC 1.x with kfp 1, for
#                            the GCPC 1 side of the rules that move GCPC code: their `before` compiles here)
#
# They are separate from the kfp1/kfp2 oracle venvs so that neither package's dependencies can change what
# the oracle compiles with. Each takes about half a minute to build.
#
# Usage: scripts/ecosystem-venvs.sh [--print]
#   --print   print the gcpc, tekton and gcpc1 python paths (one per line) on stdout.
# Env: KFP_UPGRADE_PYTHON  interpreter used to create the venvs (default python3)
set -euo pipefail

print=0
for arg in "$@"; do
    case "$arg" in
        --print) print=1 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "ecosystem-venvs.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

script=ecosystem-venvs.sh
lock=.ecosystem.lock
# shellcheck source=lib/venvs.sh
source "$(dirname "$0")/lib/venvs.sh"

ensure_venv gcpc "kfp==2.17.3 google-cloud-pipeline-components==2.22.0"
ensure_venv tekton "kfp-tekton==1.9.3 kfp==1.8.22"
# GCPC 1.0.44 allows any google-cloud-aiplatform 1.x; left open, pip backtracks through dozens of releases for
# minutes before it settles. 1.25.0 is the release it settles on quickly that still supports kfp 1.8.22's
# protobuf 3.
ensure_venv gcpc1 "kfp==1.8.22 google-cloud-pipeline-components==1.0.44 google-cloud-aiplatform==1.25.0"

if [[ $print == 1 ]]; then
    echo "$oracle/gcpc/bin/python"
    echo "$oracle/tekton/bin/python"
    echo "$oracle/gcpc1/bin/python"
fi
