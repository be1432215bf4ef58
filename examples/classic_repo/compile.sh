#!/usr/bin/env bash
# Compiles every pipeline of the repository into build/ (kfp 1: Argo workflows).
set -euo pipefail
cd "$(dirname "$0")/pipelines"
mkdir -p ../build
dsl-compile --py greeting_pipeline.py --function greeting_pipeline --output ../build/greeting_pipeline.tar.gz
dsl-compile --py report_pipeline.py --output ../build/report_pipeline.yaml --mode V2_COMPATIBLE
