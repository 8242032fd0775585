#!/usr/bin/env bash
# Graft's training workloads beside PyTorch on this machine, in one invocation: prints both
# figures and their ratio (Graft / PyTorch, lower is better) for every workload.
#
#   bench/train.sh [--quick] [--rounds N] [--sizes "1024x256 256x64 64x32"] [--no-memory]
#                  [--no-build] [--keep DIR]
#
# Workloads (same shapes, init distributions, loss and optimizer on both sides; see
# /work/shared/bench/torch_lora.py and dsl/.../bench/TrainBench.java): an MLP of 4 Linear(w, w)
# layers with bias and ReLU between them, batch b, MSE loss, AdamW(lr 1e-3) over
#   lora  LoRA r=8, alpha=16 on every layer, base frozen;   full  every weight trainable;
#   dora  DoRA r=8, alpha=16 on every layer, base frozen.
# For each: forward (loss), forward+backward, full step; at the first size also adapted vs
# merged inference and merge cost. Memory: one process per variant on each side.
#
# Each round runs, for every size, PyTorch then Graft (Graft first on even rounds) so both see
# the same load; a figure is the median over rounds of each side's own median of repeats.
#
# Environment: GRAFT_OUT (Maven build folder, default target), JAVA (default java), PYTHON
# (default /usr/bin/python3), TORCH_LORA (default /work/shared/bench/torch_lora.py),
# OPENBLAS_CORETYPE (see bench/compare.sh: set to SkylakeX on AVX-512 machines unless given),
# GRAFT_JVM_OPTS (extra JVM flags).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRAFT_OUT:-target}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
TORCH_LORA=${TORCH_LORA:-/work/shared/bench/torch_lora.py}
QUICK=""
ROUNDS=3
SIZES="1024x256 256x64 64x32"
MEMORY=1
BUILD=1
KEEP=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; ROUNDS=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --sizes) SIZES="$2"; shift ;;
    --no-memory) MEMORY=0 ;;
    --no-build) BUILD=0 ;;
    --keep) KEEP="$2"; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "train.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "${OPENBLAS_CORETYPE+x}" ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
export OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && mvn -q -o -Dgraft.out="$OUT" -pl dsl -am compile)
fi
M2=${M2_REPO:-$HOME/.m2/repository}
CP="$ROOT/runtime/$OUT/classes:$ROOT/autodiff/$OUT/classes:$ROOT/dsl/$OUT/classes"
for jar in "$M2"/org/apache/commons/commons-math3/*/commons-math3-*.jar \
           "$M2"/org/jspecify/jspecify/*/jspecify-*.jar \
           "$M2"/com/fasterxml/jackson/core/*/*/jackson-*.jar; do
  case "$jar" in *sources*|*javadoc*|*tests*) ;; *) [ -f "$jar" ] && CP="$CP:$jar" ;; esac
done
# The Vector API matmul kernel, two kernel threads (as torch.set_num_threads(2)), ParallelGC.
JVM=("$JAVA" --add-modules jdk.incubator.vector -Dgraft.threads=2 -XX:+UseParallelGC
     ${GRAFT_JVM_OPTS:-} -cp "$CP")

if [ -n "$KEEP" ]; then
  WORK="$KEEP"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/graft-train.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
fi

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cpus;" \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $("$JAVA" -version 2>&1 | head -1); PyTorch: $("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"
echo "rounds: $ROUNDS${QUICK:+ (quick)}; sizes (width x batch): $SIZES"

torch_run() {  # size round
  local w=${1%x*} b=${1#*x} sec=train
  [ "$1" = "${SIZES%% *}" ] && sec=train,merge
  "$PYTHON" "$TORCH_LORA" --sections "$sec" $QUICK --width "$w" --batch "$b" \
      --json "$WORK/torch.$1.$2.json" > "$WORK/torch.$1.$2.log" 2>&1 \
    || { echo "PyTorch run failed ($1, round $2):" >&2; tail -5 "$WORK/torch.$1.$2.log" >&2; }
}
graft_run() {  # size round
  local w=${1%x*} b=${1#*x} sec=train
  [ "$1" = "${SIZES%% *}" ] && sec=train,merge
  "${JVM[@]}" dev.graft.dsl.bench.TrainBench --sections "$sec" $QUICK --tsv --width "$w" \
      --batch "$b" > "$WORK/graft.$1.$2.log" 2>&1 \
    || { echo "Graft run failed ($1, round $2):" >&2; tail -5 "$WORK/graft.$1.$2.log" >&2; }
}

for r in $(seq 1 "$ROUNDS"); do
  for s in $SIZES; do
    echo "round $r/$ROUNDS, $s ... (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    if [ $((r % 2)) = 1 ]; then torch_run "$s" "$r"; graft_run "$s" "$r";
    else graft_run "$s" "$r"; torch_run "$s" "$r"; fi
  done
done
if [ "$MEMORY" = 1 ]; then
  first=${SIZES%% *}
  echo "memory ($first) ..." >&2
  "$PYTHON" "$TORCH_LORA" --sections memory --width "${first%x*}" --batch "${first#*x}" \
      --json "$WORK/torch.memory.json" > "$WORK/torch.memory.log" 2>&1 || true
  "${JVM[@]}" dev.graft.dsl.bench.TrainBench --sections memory --tsv --width "${first%x*}" \
      --batch "${first#*x}" > "$WORK/graft.memory.log" 2>&1 || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h "^graft:" "$WORK"/graft.*.log 2>/dev/null | head -1 || true

"$PYTHON" - "$WORK" "$ROUNDS" "$SIZES" <<'PY'
import json, statistics, sys
work, rounds, sizes = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()

def graft(path):
    out = {}
    try:
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) == 3 and f[0] == "TSV":
                out[f[1]] = float(f[2])
    except FileNotFoundError:
        pass
    return out

def torch(path):
    try:
        d = json.load(open(path))
    except (FileNotFoundError, ValueError):
        return {}
    out = {}
    for v, r in d.get("train", {}).items():
        for k in ("fwd_ms", "fwd_bwd_ms", "step_ms", "optim_ms", "fwd_nograd_ms"):
            out[f"{v}.{k}"] = r[k]
    m = d.get("merge")
    if m:
        out["merge.unmerged_fwd_ms"] = m["unmerged_fwd_ms"]
        out["merge.merged_fwd_ms"] = m["merged_fwd_ms"]
        out["merge.merge_ms"] = m["merge"]["addmm_"]["median_ms"]
    return out

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None

def spread(xs):
    xs = [x for x in xs if x is not None]
    return (max(xs) - min(xs)) / statistics.median(xs) if len(xs) > 1 else None

def fmt(x, w=9, p=3):
    return f"{x:{w}.{p}f}" if x is not None else " " * (w - 1) + "-"

print()
print("milliseconds (median over rounds of each side's median); ratio = Graft / PyTorch"
      " (lower is better)")
hdr = f"{'size':<9} {'workload':<34} {'PyTorch':>9} {'Graft':>9} {'ratio':>7} {'noise t/g':>10}"
print(hdr)
print("-" * len(hdr))
rows = [("lora.fwd_ms", "LoRA forward (loss)"), ("lora.fwd_bwd_ms", "LoRA forward+backward"),
        ("lora.step_ms", "LoRA step (fwd+bwd+AdamW)"), ("lora.optim_ms", "LoRA AdamW update alone"),
        ("full.fwd_ms", "full FT forward"), ("full.fwd_bwd_ms", "full FT forward+backward"),
        ("full.step_ms", "full FT step"), ("full.optim_ms", "full FT AdamW update alone"),
        ("dora.fwd_ms", "DoRA forward"), ("dora.fwd_bwd_ms", "DoRA forward+backward"),
        ("dora.step_ms", "DoRA step"),
        ("merge.unmerged_fwd_ms", "adapted inference"), ("merge.merged_fwd_ms", "merged inference"),
        ("merge.base_fwd_ms", "base model inference (Graft)"),
        ("merge.merge_ms", "merge all adapters")]
summary = {}
for s in sizes:
    T = [torch(f"{work}/torch.{s}.{r}.json") for r in range(1, rounds + 1)]
    G = [graft(f"{work}/graft.{s}.{r}.log") for r in range(1, rounds + 1)]
    for key, label in rows:
        t = med([x.get(key) for x in T])
        g = med([x.get(key) for x in G])
        if t is None and g is None:
            continue
        ratio = f"{g / t:6.2f}x" if t and g else "      -"
        st, sg = spread([x.get(key) for x in T]), spread([x.get(key) for x in G])
        noise = (f"{100 * st:4.0f}%/{100 * sg:3.0f}%" if st is not None and sg is not None
                 else "         -")
        print(f"{s:<9} {label:<34} {fmt(t)} {fmt(g)} {ratio} {noise}")
        summary[f"{s}.{key}"] = {"torch_ms": t, "graft_ms": g}
    print()

mem_t = {}
try:
    d = json.load(open(f"{work}/torch.memory.json"))["memory"]
    base = d["import_only"]["final"]["VmHWM"]
    for v in ("lora", "dora", "full"):
        mem_t[v] = d[f"{v}_train"]["final"]["VmHWM"] - base
except (FileNotFoundError, KeyError, ValueError):
    pass
mem_g = graft(f"{work}/graft.memory.log")
if mem_t or mem_g:
    print("peak memory of a training step, MiB over each side's baseline")
    print("  PyTorch: VmHWM of a child process after 5 steps, minus the interpreter's after import")
    print("  Graft:   live heap (used after full GC; SerialGC child), sampled after every primitive")
    print("           of a step and after the optimizer update, minus live heap without the workload")
    print(f"  {'variant':<8} {'PyTorch':>9} {'Graft':>9} {'Graft JVM VmHWM':>16}")
    for v in ("lora", "dora", "full"):
        t = mem_t.get(v)
        g = mem_g.get(f"memory.{v}.peak_mib")
        h = mem_g.get(f"memory.{v}.vmhwm_mib")
        print(f"  {v:<8} {fmt(t, 9, 1)} {fmt(g, 9, 1)} {fmt(h, 16, 1)}")
    for name, m in (("PyTorch", mem_t), ("Graft", {v: mem_g.get(f"memory.{v}.peak_mib")
                                                   for v in ("lora", "dora", "full")})):
        if m.get("lora") and m.get("full"):
            print(f"  {name}: LoRA / full fine-tuning peak = {100 * m['lora'] / m['full']:.0f}%"
                  + (f", DoRA / full = {100 * m['dora'] / m['full']:.0f}%" if m.get("dora") else ""))
json.dump(summary, open(f"{work}/summary.json", "w"), indent=1)
PY
