#!/usr/bin/env bash
# Benchmark: the release binary against ruff (`ruff check --no-cache --select AIR`, the linter a user already
# runs) on deterministic generated corpora, in the same run on the same machine. Prints a Markdown table with
# wall times (best of N runs), the ratio kfp-upgrade / ruff, and peak RSS on the 100,000-file tree and on 30,000
# dense kfp files.
#
# Usage: scripts/bench.sh [RUNS]   (default 3; corpora and a ruff venv are cached under target/bench)
set -euo pipefail
runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/target/bench
mkdir -p "$bench"
python=${KFP_UPGRADE_PYTHON:-python3}

cargo build --release --manifest-path "$root/Cargo.toml" >&2
bin=$root/target/release/kfp-upgrade

if [[ ! -x $bench/ruff-venv/bin/ruff ]]; then
    "$python" -m venv "$bench/ruff-venv"
    "$bench/ruff-venv/bin/python" -m pip install --quiet --disable-pip-version-check ruff
fi
ruff=$bench/ruff-venv/bin/ruff

for kind in mixed dense hook huge dense30k; do
    if [[ ! -f $bench/$kind/.done ]]; then
        rm -rf "${bench:?}/$kind"
        "$python" "$root/scripts/bench_corpus.py" "$kind" "$bench/$kind"
        touch "$bench/$kind/.done"
    fi
done

# best_of CMD...: the smallest wall time in seconds over $runs runs (output discarded, exit code ignored).
best_of() {
    local best=
    for _ in $(seq "$runs"); do
        local start end t
        start=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        end=$(date +%s.%N)
        t=$(echo "$end - $start" | bc -l)
        if [[ -z $best ]] || (( $(echo "$t < $best" | bc -l) )); then best=$t; fi
    done
    printf '%.3f' "$best"
}

echo "| corpus | files | kfp-upgrade (s) | ruff (s) | ratio |"
echo "|---|---|---|---|---|"
for kind in mixed dense hook; do
    files=$(find "$bench/$kind" -name '*.py' | wc -l)
    if [[ $kind == hook ]]; then
        # Process start to exit on 10 explicit files, as pre-commit runs it.
        mapfile -t list < <(find "$bench/$kind" -name '*.py' | sort)
        ours=$(best_of "$bin" check --output-format concise "${list[@]}")
        theirs=$(best_of "$ruff" check --no-cache --select AIR "${list[@]}")
    else
        ours=$(best_of "$bin" check --output-format concise "$bench/$kind")
        theirs=$(best_of "$ruff" check --no-cache --select AIR "$bench/$kind")
    fi
    ratio=$(echo "$ours / $theirs" | bc -l)
    printf '| %s | %s | %s | %s | %.2f |\n' "$kind" "$files" "$ours" "$theirs" "$ratio"
done

rss() { { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null || true; } | tail -1; }
ours_rss=$(rss "$bin" check --output-format concise "$bench/huge")
theirs_rss=$(rss "$ruff" check --no-cache --select AIR "$bench/huge")
dense_rss=$(rss "$bin" check --output-format concise "$bench/dense30k")
dense_ruff_rss=$(rss "$ruff" check --no-cache --select AIR "$bench/dense30k")
echo
echo "Peak RSS on the 100,000-file tree: kfp-upgrade $((ours_rss / 1024)) MB, ruff $((theirs_rss / 1024)) MB."
echo "Peak RSS on 30,000 dense kfp files: kfp-upgrade $((dense_rss / 1024)) MB, ruff $((dense_ruff_rss / 1024)) MB."
echo "Machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)."
