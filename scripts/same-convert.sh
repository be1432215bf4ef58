#!/usr/bin/env bash
# Proves a refactor of the YAML model changed no `convert` output: runs `convert` (Python) and
# `convert --format ir` on every `.yaml`/`.yml` file under examples/ and the real-code corpus of
# ../shared/corpus-eval, errors and exit codes included, and compares with an earlier recording.
#
#   scripts/same-convert.sh record   # before the change: writes target/same-convert/expected.txt
#   scripts/same-convert.sh check    # after the change: byte-compares, prints the first differences
#
# KFP_UPGRADE_BIN=path/to/old/kfp-upgrade scripts/same-convert.sh record  records with an earlier build instead.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: same-convert.sh record|check}
corpus_tar=../shared/corpus-eval/dev-corpus.tar.gz
out=target/same-convert
if [[ -n ${KFP_UPGRADE_BIN:-} ]]; then
  bin=$(realpath "$KFP_UPGRADE_BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/kfp-upgrade
fi

work=$out/work
rm -rf "$work" && mkdir -p "$work"
cp -r examples "$work/examples"
[[ -f $corpus_tar ]] && mkdir -p "$work/corpus" && tar xzf "$corpus_tar" -C "$work/corpus"

dest=$out/actual.txt
[[ $mode == record ]] && dest=$out/expected.txt
: >"$dest"
(cd "$work" && find . \( -name '*.yaml' -o -name '*.yml' \) -type f | LC_ALL=C sort) | while read -r f; do
  # Paths are relative to the work folder, so the recording does not depend on where it was made.
  {
    echo "== $f"
    (cd "$work" && { "$bin" convert "$f" -o - 2>&1 || echo "exit $?"; })
    (cd "$work" && { "$bin" convert --format ir "$f" -o - 2>&1 || echo "exit $?"; })
  } >>"$dest"
done

if [[ $mode == check ]]; then
  if diff "$out/expected.txt" "$dest" >"$out/differences"; then
    echo "same-convert: identical on $(grep -c '^== ' "$dest") files"
  else
    echo "same-convert: DIFFERENT; first lines of $out/differences:" >&2
    head -40 "$out/differences" >&2
    exit 1
  fi
fi
