#!/usr/bin/env bash
# Create (once) and cache the two "oracle" virtualenvs used by the test suite
# to compile pipelines with the real KFP SDKs:
#
#   <target>/oracle/kfp1   kfp==1.8.22
#   <target>/oracle/kfp2   kfp==2.17.3 kfp-kubernetes==2.17.3
#
# <target> is $CARGO_TARGET_DIR (relative values are resolved against the
# current directory, like cargo does) or <repo>/target.
#
# A venv is ready when its marker file contains exactly the requirement line it
# was built from; otherwise it is deleted and rebuilt. Builds happen in a temp
# dir that is renamed into place only after pip succeeded and the marker was
# written, so an interrupted build never leaves a venv that looks ready.
# Concurrent callers serialise on flock(<target>/oracle/.lock).
#
# Note: because the venv is built under a temp name and then renamed, console
# scripts in bin/ (pip, dsl-compile, ...) carry a stale shebang. Always use
# `<venv>/bin/python -m ...`; bin/python itself works (sys.prefix is derived
# from the executable's location).
#
# Usage: scripts/oracle-venvs.sh [--print]
#   --print   print the kfp1 and kfp2 python paths (one per line) on stdout.
# Env: KFP_UPGRADE_PYTHON  interpreter used to create the venvs (default python3)
set -euo pipefail

print=0
for arg in "$@"; do
    case "$arg" in
        --print) print=1 ;;
        -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "oracle-venvs.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

script=oracle-venvs.sh
lock=.lock
# shellcheck source=lib/venvs.sh
source "$(dirname "$0")/lib/venvs.sh"

ensure_venv kfp1 "kfp==1.8.22"
ensure_venv kfp2 "kfp==2.17.3 kfp-kubernetes==2.17.3"

if [[ $print == 1 ]]; then
    echo "$oracle/kfp1/bin/python"
    echo "$oracle/kfp2/bin/python"
fi
