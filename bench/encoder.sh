#!/usr/bin/env bash
# The all-MiniLM-L6-v2 encoder's forward pass, Graft beside ONNX Runtime in one JVM
# (dev.graft.dsl.bench.EncoderBench in the benchmarks module, which brings ONNX Runtime).
#
#   bench/encoder.sh                 # 7 rounds, batch 32 x 128 tokens, 2 threads each
#   bench/encoder.sh 5 16 64         # rounds, batch, sequence length
#   bench/encoder.sh 5 32 128 --lora-steps 3 --profile 1   # also a LoRA step, and a profile
#
# Environment: GRAFT_OUT (Maven output folder, default target), JAVA (default java),
# GRAFT_JVM_OPTS (extra JVM flags).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRAFT_OUT:-target}
JAVA=${JAVA:-java}
CPFILE=$(mktemp "${TMPDIR:-/tmp}/graft-encoder-cp.XXXXXX")
trap 'rm -f "$CPFILE"' EXIT
(cd "$ROOT" && mvn -q -o -Dgraft.out="$OUT" -pl benchmarks -am compile dependency:build-classpath \
    -Dmdep.outputFile="$CPFILE" -Dmdep.includeScope=runtime)
CP="$ROOT/benchmarks/$OUT/classes:$(cat "$CPFILE")"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus;" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $("$JAVA" -version 2>&1 | head -1)"
# The Vector API matmul kernel and two kernel threads; ONNX Runtime gets as many intra-op threads.
# The JVM's own collector and heap sizing; GRAFT_JVM_OPTS adds flags.
exec "$JAVA" --add-modules jdk.incubator.vector -Dgraft.threads=2 ${GRAFT_JVM_OPTS:-} \
    -cp "$CP" dev.graft.dsl.bench.EncoderBench "$@"
