#!/usr/bin/env bash
# Every performance figure of docs/PERFORMANCE.md beside its peer's, from one command.
#
#   bench/report.sh [--quick] [--rounds N] [--update-docs] [--keep DIR]
#
# Runs, on this machine and in this order (about 8-10 minutes on 2 quiet cores; --quick about
# 4; under a load average of 10, --quick took 7):
#   1. the peer probe (bench/peer_probe.py): PyTorch's sgemm under OpenBLAS's own kernel choice
#      (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset) and under its AVX-512 kernels, each checked
#      against float64; every PyTorch command below runs with the fastest correct one;
#   2. the FMA peak (torch_lora.py --sections peak);
#   3. GEMM 1024 and 2048, up to 3 rounds of: PyTorch (torch_cases.py), Graft with the Vector API
#      kernel, Graft without any JVM flag (whose log must carry the hint how to enable it);
#   4. the training workloads (train_compare.py: LoRA / DoRA / full fine-tuning steps at 1024x256,
#      256x64, 64x32; merged, adapted and plain inference and merge() at 1024x256), Graft under
#      the JVM's default collector (G1 here) and again under -XX:+UseParallelGC;
#   5. the MiniLM encoder forward beside ONNX Runtime in one JVM (EncoderBench), and its LoRA
#      training step;
#   6. the profiles behind the main figures (TrainBench --profile, EncoderBench --profile).
# Every Graft JVM runs with the JVM's default collector and heap sizing unless said otherwise,
# two kernel threads (-Dgraft.threads=2); PyTorch and ONNX Runtime with two threads too.
#
# Output: the report (markdown) on standard output and in DIR/report.md; with --update-docs it
# also replaces the generated block of docs/PERFORMANCE.md (between its "report:begin" and
# "report:end" markers). Nothing in that block is typed by hand.
#
# If PyTorch cannot be imported the script says so and still measures Graft's side (the training
# workloads then through TrainBench's own sections, without ratios).
# Environment: GRAFT_OUT (Maven build folder, default target), JAVA (default java),
# PYTHON (default /usr/bin/python3).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRAFT_OUT:-target}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
QUICK=""
ROUNDS=""
UPDATE=0
KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --update-docs) UPDATE=1 ;;
    --keep) KEEP="$2"; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "report.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$QUICK" ]; then
  ROUNDS=${ROUNDS:-2}; GEMM_ROUNDS=$ROUNDS; WINDOW=0.25; ENC_ROUNDS=2; LORA_STEPS=1
  PROFILE_RUNS=3; TRAIN_SIZES="1024x256,64x32"
else
  # GEMM's rounds are whole processes (three per round), so fewer of them fit the time.
  ROUNDS=${ROUNDS:-5}; GEMM_ROUNDS=$(( ROUNDS < 3 ? ROUNDS : 3 )); WINDOW=0.4; ENC_ROUNDS=5
  LORA_STEPS=3; PROFILE_RUNS=10; TRAIN_SIZES="1024x256,256x64,64x32"
fi
if [ -n "$KEEP" ]; then
  WORK="$KEEP"; mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/graft-report.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi
log() { echo "[report $(date -u +%H:%M:%S)] $*" >&2; }
START=$(date +%s)

# Compiles what changed (nothing, on a second run) and writes the runtime class path.
log "building"
(cd "$ROOT" && mvn -B -q -o -Dgraft.out="$OUT" -pl benchmarks -am compile \
    dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=runtime)
CP="$ROOT/benchmarks/$OUT/classes:$(cat "$WORK/cp.txt")"
JVM=("$JAVA" --add-modules jdk.incubator.vector -Dgraft.threads=2 -cp "$CP")
JVM_PLAIN=("$JAVA" -Dgraft.threads=2 -cp "$CP")

{
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p')"
  echo "cpu_family=$(lscpu | sed -n 's/^CPU family: *//p')"
  echo "cpu_model=$(lscpu | sed -n 's/^Model: *//p')"
  echo "cpus=$(nproc)"
  echo "avx512=$(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
  echo "java=$("$JAVA" -version 2>&1 | head -1)"
  echo "gc_default=$("$JAVA" -XX:+PrintCommandLineFlags -version 2>&1 | grep -o 'Use[A-Za-z0-9]*GC' | head -1)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "rounds=$ROUNDS"
  echo "gemm_rounds=$GEMM_ROUNDS"
  echo "quick=${QUICK:-0}"
} > "$WORK/machine.txt"

# ---- 1. the peer and its kernel
PEER=0
if "$PYTHON" -c 'import torch' 2>/dev/null; then
  log "peer probe (OpenBLAS kernels)"
  "$PYTHON" "$ROOT/bench/peer_probe.py" --threads 2 > "$WORK/peer.json"
  CORE=$("$PYTHON" -c 'import json,sys; b=json.load(open(sys.argv[1]))["best"]; print(b["coretype"] if b else "")' "$WORK/peer.json")
  PEER=1
else
  echo "PyTorch cannot be imported by $PYTHON ($("$PYTHON" -c 'import torch' 2>&1 | tail -1));" \
    "install python3-torch python3-numpy libopenblas0. Only Graft's side is measured." >&2
  echo '{"missing": "PyTorch cannot be imported by '"$PYTHON"'"}' > "$WORK/peer.json"
fi
# The peer's environment: OpenBLAS's variables removed, then the chosen kernel if it is not
# OpenBLAS's own choice. Only PyTorch commands run with it.
peer() {
  if [ -n "${CORE:-}" ]; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$CORE" \
        OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE "$@"
  else
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
        OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE "$@"
  fi
}

# ---- 2. the FMA peak
if [ "$PEER" = 1 ]; then
  log "FMA peak"
  peer "$PYTHON" "$ROOT/bench/torch_lora.py" --sections peak --json "$WORK/peak.json" \
      > "$WORK/peak.log" 2>&1 || true
fi

# ---- 3. GEMM
GEMM='^mm(1024|2048)$'
for r in $(seq 1 "$GEMM_ROUNDS"); do
  log "GEMM round $r/$GEMM_ROUNDS"
  if [ "$PEER" = 1 ]; then
    peer "$PYTHON" "$ROOT/bench/torch_cases.py" --threads 2 ${QUICK:+--quick} --only "$GEMM" \
        > "$WORK/gemm.torch.$r.tsv"
  fi
  "${JVM[@]}" dev.graft.runtime.bench.Bench --tsv ${QUICK:+--quick} --only "$GEMM" \
      > "$WORK/gemm.vector.$r.tsv" 2> "$WORK/gemm.vector.$r.err"
  "${JVM_PLAIN[@]}" dev.graft.runtime.bench.Bench --tsv ${QUICK:+--quick} --only "$GEMM" \
      > "$WORK/gemm.plain.$r.tsv" 2> "$WORK/gemm.plain.$r.err"
done

# ---- 3b. the second thread: GEMM into a caller-given output, 1 thread and 2 in one process
log "GEMM, one thread against two"
"${JVM[@]}" dev.graft.runtime.bench.GemmBench --rounds "$(( GEMM_ROUNDS * 2 + 1 ))" --tsv 1024 2048 \
    > "$WORK/gemm.threads.tsv" 2> "$WORK/gemm.threads.err" || log "GemmBench failed"

# ---- 4. training workloads, under the default collector and under ParallelGC
WORKLOADS="lora.step,full.step,dora.step,merge.merged_fwd,merge.base_fwd,merge.unmerged_fwd,merge.merge"
if [ "$PEER" = 0 ]; then
  # Graft's side alone, from TrainBench's own sections (no pairing without a peer).
  for size in ${TRAIN_SIZES//,/ }; do
    log "training workloads $size, Graft alone"
    "${JVM[@]}" dev.graft.dsl.bench.TrainBench --sections train,merge --width "${size%x*}" \
        --batch "${size#*x}" ${QUICK:+--quick} > "$WORK/train.alone.$size.log" 2>&1 || true
  done
fi
for gc in default parallel; do
  if [ "$PEER" = 0 ]; then
    break
  fi
  log "training workloads, Graft with the $gc collector"
  if [ "$gc" = parallel ]; then GCFLAG=(-XX:+UseParallelGC); else GCFLAG=(); fi
  peer "$PYTHON" "$ROOT/bench/train_compare.py" --torch-lora "$ROOT/bench/torch_lora.py" \
      --sizes "$TRAIN_SIZES" --rounds "$ROUNDS" --window "$WINDOW" --workloads "$WORKLOADS" \
      --json "$WORK/train.$gc.json" \
      --java "$JAVA --add-modules jdk.incubator.vector -Dgraft.threads=2 ${GCFLAG[*]:-} -cp $CP dev.graft.dsl.bench.TrainBench" \
      > "$WORK/train.$gc.log" 2>&1 || log "train_compare ($gc) failed: see $WORK/train.$gc.log"
done

# ---- 5. MiniLM
log "MiniLM encoder beside ONNX Runtime"
"${JVM[@]}" dev.graft.dsl.bench.EncoderBench "$ENC_ROUNDS" 32 128 --lora-steps "$LORA_STEPS" --tsv \
    > "$WORK/encoder.log" 2>&1 || log "EncoderBench failed: see $WORK/encoder.log"

# ---- 6. profiles
log "profiles"
"${JVM[@]}" dev.graft.dsl.bench.TrainBench --profile lora --runs "$PROFILE_RUNS" ${QUICK:+--quick} \
    > "$WORK/profile.lora.log" 2>&1 || true
"${JVM[@]}" dev.graft.dsl.bench.TrainBench --profile dora --runs "$PROFILE_RUNS" ${QUICK:+--quick} \
    > "$WORK/profile.dora.log" 2>&1 || true
"${JVM[@]}" dev.graft.dsl.bench.EncoderBench 0 32 128 --profile 1 \
    > "$WORK/profile.encoder.log" 2>&1 || true

echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/machine.txt"
echo "seconds=$(( $(date +%s) - START ))" >> "$WORK/machine.txt"
if [ $(( $(date +%s) - START )) -gt 600 ]; then
  log "took more than 10 minutes: the machine is busy (load $(cut -d' ' -f1 /proc/loadavg));" \
    "its figures say more about the load than the kernels"
fi
log "writing the report ($(( $(date +%s) - START )) s so far)"
"${PYTHON}" "$ROOT/bench/report.py" "$WORK" > "$WORK/report.md"
cat "$WORK/report.md"
if [ "$UPDATE" = 1 ]; then
  "${PYTHON}" "$ROOT/bench/report.py" --splice "$WORK/report.md" "$ROOT/docs/PERFORMANCE.md"
  log "docs/PERFORMANCE.md updated"
fi
