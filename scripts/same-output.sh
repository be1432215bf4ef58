#!/usr/bin/env bash
# Proves a refactor changed no behaviour: records `check --output-format json` (plus the `--diff` of
# `--unsafe-fixes`) on examples/ and on the real-code corpus of ../shared/corpus-eval, and compares it with an
# earlier recording.
#
#   scripts/same-output.sh record   # before the change: writes target/same-output/expected/
#   scripts/same-output.sh check    # after the change: byte-compares, prints a diff on any difference
#
# The corpus is optional (it lives outside this repository); without it only examples/ is compared.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: same-output.sh record|check}
corpus_tar=../shared/corpus-eval/dev-corpus.tar.gz
out=target/same-output
cargo build --release --quiet
bin=$PWD/target/release/kfp-upgrade

work=$out/work
rm -rf "$work" && mkdir -p "$work"
cp -r examples "$work/examples"
trees=(examples)
if [[ -f $corpus_tar ]]; then
  mkdir -p "$work/corpus" && tar xzf "$corpus_tar" -C "$work/corpus"
  trees+=(corpus)
fi

dest=$out/actual
[[ $mode == record ]] && dest=$out/expected
rm -rf "$dest" && mkdir -p "$dest"
for tree in "${trees[@]}"; do
  # Exit codes are part of the behaviour too; `|| true` keeps a finding-bearing run from stopping the script.
  (cd "$work/$tree" && { "$bin" check --output-format json . || echo "exit $?"; }) >"$dest/$tree.check.json" 2>"$dest/$tree.check.stderr"
  (cd "$work/$tree" && { "$bin" check --diff --unsafe-fixes . || echo "exit $?"; }) >"$dest/$tree.diff" 2>"$dest/$tree.diff.stderr"
done

if [[ $mode == check ]]; then
  if diff -r "$out/expected" "$dest" >"$out/differences"; then
    echo "same-output: identical on ${trees[*]}"
  else
    echo "same-output: DIFFERENT on ${trees[*]}; first lines of $out/differences:" >&2
    head -40 "$out/differences" >&2
    exit 1
  fi
fi
