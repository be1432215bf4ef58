# Shared by scripts/oracle-venvs.sh and scripts/ecosystem-venvs.sh: where the cached venvs live and how one is
# built. Source it after setting `script` (the caller's name, for messages) and `lock` (a file name under the
# oracle folder); it resolves `oracle` (<target>/oracle, where <target> is $CARGO_TARGET_DIR resolved like cargo
# does, or <repo>/target), takes the lock and defines `ensure_venv NAME REQUIREMENT-LINE`.
#
# A venv is ready when its marker file holds exactly the requirement line it was built from; otherwise it is
# deleted and rebuilt in a temp dir that is renamed into place only after pip succeeded and the marker was
# written, so an interrupted build never leaves a venv that looks ready. Console scripts in bin/ carry a stale
# shebang after the rename: always use `<venv>/bin/python -m ...`.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
case "$target" in
    /*) ;;
    *) target=$PWD/$target ;;
esac
oracle=$target/oracle
python=${KFP_UPGRADE_PYTHON:-python3}

mkdir -p "$oracle"
exec 9>"$oracle/$lock"
flock 9

# ensure_venv NAME REQUIREMENT-LINE
ensure_venv() {
    local name=$1 req=$2
    local dir=$oracle/$name
    local marker=$dir/.kfp-upgrade-ready
    if [[ -f "$marker" && -x "$dir/bin/python" && "$(cat "$marker")" == "$req" ]]; then
        return 0
    fi
    # We hold the lock, so any leftover temp dir is from a killed build.
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
        echo "$script: failed to build $name ($req) with $python; last lines of output:" >&2
        tail -n 40 "$log" >&2
        rm -rf "$tmp" "$log"
        exit 1
    fi
    chmod 755 "$tmp"
    printf '%s\n' "$req" >"$tmp/.kfp-upgrade-ready"
    mv -T "$tmp" "$dir"
    rm -f "$log"
    echo "$script: built $dir ($req) in $((SECONDS - start))s" >&2
}
