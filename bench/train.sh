#!/usr/bin/env bash
# Graft's training workloads beside PyTorch on this machine, in one invocation: prints both
# figures and their ratio (Graft / PyTorch, lower is better) for every workload.
#
#   bench/train.sh [--quick] [--rounds N] [--window S] [--sizes "1024x256 256x64 64x32"]
#                  [--only w1,w2] [--no-memory] [--no-build] [--keep DIR]
#
# Workloads (same shapes, init distributions, loss and optimizer on both sides; see
# bench/torch_lora.py and benchmarks/.../bench/TrainBench.java): an MLP of 4 Linear(w, w)
# layers with bias and ReLU between them, batch b, MSE loss, AdamW(lr 1e-3) over
#   lora  LoRA r=8, alpha=16 on every layer, base frozen;   full  every weight trainable;
#   dora  DoRA r=8, alpha=16 on every layer, base frozen.
# For each: forward (loss), forward+backward, full step, AdamW update alone; at the first size
# also adapted vs merged inference and the merge itself. Memory: one process per variant.
#
# Timing: bench/train_compare.py holds PyTorch (torch_lora.py imported, so models, data and
# optimizer are the reference's own) and a Graft JVM in server mode; for each workload it runs
# ROUNDS pairs of WINDOW-second windows, PyTorch and Graft back to back (order alternating), so
# both sides of a pair see the same load. Figures are medians over rounds; the ratio is the
# median of the per-pair ratios.
#
# Environment: GRAFT_OUT (Maven build folder, default target), JAVA (default java), PYTHON
# (default /usr/bin/python3), TORCH_LORA (default bench/torch_lora.py),
# OPENBLAS_CORETYPE (see bench/compare.sh: set to SkylakeX on AVX-512 machines unless given),
# GRAFT_JVM_OPTS (extra JVM flags; none by default, so the JVM's default collector runs).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRAFT_OUT:-target}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
TORCH_LORA=${TORCH_LORA:-$ROOT/bench/torch_lora.py}
QUICK=""
ROUNDS=5
WINDOW=1.0
SIZES="1024x256 256x64 64x32"
ONLY=""
MEMORY=1
BUILD=1
KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; ROUNDS=3; WINDOW=0.4 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --window) WINDOW="$2"; shift ;;
    --sizes) SIZES="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --no-memory) MEMORY=0 ;;
    --no-build) BUILD=0 ;;
    --keep) KEEP="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "train.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "${OPENBLAS_CORETYPE+x}" ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
export OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && mvn -q -o -Dgraft.out="$OUT" -pl benchmarks -am compile)
fi
M2=${M2_REPO:-$HOME/.m2/repository}
CP="$ROOT/runtime/$OUT/classes:$ROOT/autodiff/$OUT/classes:$ROOT/dsl/$OUT/classes"
CP="$CP:$ROOT/benchmarks/$OUT/classes"
for jar in "$M2"/org/apache/commons/commons-math3/*/commons-math3-*.jar \
           "$M2"/org/jspecify/jspecify/*/jspecify-*.jar \
           "$M2"/com/fasterxml/jackson/core/*/*/jackson-*.jar \
           "$M2"/com/google/re2j/re2j/*/re2j-*.jar; do
  case "$jar" in *sources*|*javadoc*|*tests*) ;; *) [ -f "$jar" ] && CP="$CP:$jar" ;; esac
done
# The Vector API matmul kernel and two kernel threads (as torch.set_num_threads(2)); the JVM's
# own collector and heap sizing, as a user gets them. GRAFT_JVM_OPTS adds flags, e.g.
# GRAFT_JVM_OPTS=-XX:+UseParallelGC (bench/report.sh shows both collectors side by side).
JVM="$JAVA --add-modules jdk.incubator.vector -Dgraft.threads=2 ${GRAFT_JVM_OPTS:-} -cp $CP"

if [ -n "$KEEP" ]; then
  WORK="$KEEP"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/graft-train.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus;" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $("$JAVA" -version 2>&1 | head -1); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"

"$PYTHON" "$ROOT/bench/train_compare.py" --torch-lora "$TORCH_LORA" --sizes "${SIZES// /,}" \
    --rounds "$ROUNDS" --window "$WINDOW" --json "$WORK/compare.json" \
    ${ONLY:+--workloads "$ONLY"} --java "$JVM dev.graft.dsl.bench.TrainBench" \
  | tee "$WORK/compare.log" | grep -v '^RESULT' || true
if [ "$MEMORY" = 1 ]; then
  first=${SIZES%% *}
  echo "memory ($first), one process per variant ..." >&2
  "$PYTHON" "$TORCH_LORA" --sections memory --width "${first%x*}" --batch "${first#*x}" \
      --json "$WORK/torch.memory.json" > "$WORK/torch.memory.log" 2>&1 || true
  $JVM dev.graft.dsl.bench.TrainBench --sections memory --tsv --width "${first%x*}" \
      --batch "${first#*x}" > "$WORK/graft.memory.log" 2>&1 || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PYTHON" - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
labels = {"fwd": "forward (loss)", "fwd_bwd": "forward+backward", "step": "step (fwd+bwd+AdamW)",
          "optim": "AdamW update alone", "unmerged_fwd": "adapted inference",
          "merged_fwd": "merged inference", "merge": "merge all adapters"}
variants = {"lora": "LoRA", "full": "full FT", "dora": "DoRA", "merge": ""}
try:
    res = json.load(open(f"{work}/compare.json"))
except (FileNotFoundError, ValueError):
    res = {}
print()
print("milliseconds, medians over rounds; ratio = median of per-round Graft / PyTorch"
      " (lower is better)")
hdr = (f"{'size':<9} {'workload':<34} {'PyTorch':>9} {'Graft':>9} {'ratio':>7}"
       f" {'ratio range':>13} {'load':>5}")
print(hdr)
print("-" * len(hdr))
last = None
for key, r in res.items():
    size, variant, what = key.split(".", 2)
    if last and size != last:
        print()
    last = size
    label = (variants[variant] + " " + labels[what]).strip()
    print(f"{size:<9} {label:<34} {r['torch_ms']:9.3f} {r['graft_ms']:9.3f} {r['ratio']:6.2f}x"
          f" {r['ratio_min']:5.2f}-{r['ratio_max']:5.2f}x {r['load']:5.1f}")

def fmt(x, w=9, p=1):
    return f"{x:{w}.{p}f}" if x is not None else " " * (w - 1) + "-"

mem_t = {}
try:
    d = json.load(open(f"{work}/torch.memory.json"))["memory"]
    base = d["import_only"]["final"]["VmHWM"]
    for v in ("lora", "dora", "full"):
        mem_t[v] = d[f"{v}_train"]["final"]["VmHWM"] - base
except (FileNotFoundError, KeyError, ValueError):
    pass
mem_g = {}
try:
    for line in open(f"{work}/graft.memory.log"):
        f = line.rstrip("\n").split("\t")
        if len(f) == 3 and f[0] == "TSV":
            mem_g[f[1]] = float(f[2])
except FileNotFoundError:
    pass
if mem_t or mem_g:
    print()
    print("peak memory of a training step, MiB over each side's baseline")
    print("  PyTorch: VmHWM of a child process after 5 steps, minus the interpreter's after import")
    print("  Graft:   live heap (used after full GC; SerialGC child), sampled after every primitive")
    print("           of a step and after the optimizer update, minus live heap without the workload")
    print(f"  {'variant':<8} {'PyTorch':>9} {'Graft':>9} {'Graft JVM VmHWM':>16}")
    for v in ("lora", "dora", "full"):
        print(f"  {v:<8} {fmt(mem_t.get(v))} {fmt(mem_g.get(f'memory.{v}.peak_mib'))}"
              f" {fmt(mem_g.get(f'memory.{v}.vmhwm_mib'), 16)}")
    for name, m in (("PyTorch", mem_t), ("Graft", {v: mem_g.get(f"memory.{v}.peak_mib")
                                                   for v in ("lora", "dora", "full")})):
        if m.get("lora") and m.get("full"):
            print(f"  {name}: LoRA / full fine-tuning peak = {100 * m['lora'] / m['full']:.0f}%"
                  + (f", DoRA / full = {100 * m['dora'] / m['full']:.0f}%" if m.get("dora") else ""))
PY
