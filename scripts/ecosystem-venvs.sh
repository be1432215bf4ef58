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

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in
    /*) ;;
    *) target=$PWD/$target ;;
esac
oracle=$target/oracle
python=${KFP_UPGRADE_PYTHON:-python3}

mkdir -p "$oracle"
exec 9>"$oracle/.ecosystem.lock"
flock 9

# ensure_venv NAME REQUIREMENT-LINE (same scheme as oracle-venvs.sh: temp dir, marker, rename)
ensure_venv() {
    local name=$1 req=$2
    local dir=$oracle/$name
    local marker=$dir/.kfp-upgrade-ready
    if [[ -f "$marker" && -x "$dir/bin/python" && "$(cat "$marker")" == "$req" ]]; then
        return 0
    fi
    rm -rf "$dir" "$oracle/.$name.tmp."*
    local tmp log start
    tmp=$(mktemp -d "$oracle/.$name.tmp.XXXXXX")
    log=$tmp.log
    start=$SECONDS
    local -a reqs
    read -r -a reqs <<<"$req"
    if ! { "$python" -m venv "$tmp" &&
           "$tmp/bin/python" -m pip install --no-input --disable-pip-version-check \
               --progress-bar off "${reqs[@]}"; } >"$log" 2>&1; then
        echo "ecosystem-venvs.sh: failed to build $name ($req) with $python; last lines of output:" >&2
        tail -n 40 "$log" >&2
        rm -rf "$tmp" "$log"
        exit 1
    fi
    chmod 755 "$tmp"
    printf '%s\n' "$req" >"$tmp/.kfp-upgrade-ready"
    mv -T "$tmp" "$dir"
    rm -f "$log"
    echo "ecosystem-venvs.sh: built $dir ($req) in $((SECONDS - start))s" >&2
}

ensure_venv gcpc "kfp==2.17.3 google-cloud-pipeline-components==2.22.0"
ensure_venv tekton "kfp-tekton==1.9.3 kfp==1.8.22"

if [[ $print == 1 ]]; then
    echo "$oracle/gcpc/bin/python"
    echo "$oracle/tekton/bin/python"
fi
