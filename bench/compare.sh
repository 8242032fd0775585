#!/usr/bin/env bash
# Graft's kernel Bench beside PyTorch on this machine, in one invocation, same thread count.
#
#   bench/compare.sh [--quick] [--rounds N] [--threads N] [--only REGEX] [--no-build] [--cpu-time]
#
# --cpu-time: one thread on each side, timed by that thread's CPU time (Java ThreadMXBean, Python
# time.thread_time). On a shared machine whose load average exceeds its cores, wall time measures
# the scheduler; CPU time still measures the kernels (the shared torch_lora.py sgemm is skipped).
#
# Each round runs, back to back: PyTorch on Graft's cases (bench/torch_cases.py), Graft with the
# Vector API kernel (--add-modules jdk.incubator.vector), Graft without any JVM flag (plain-Java
# kernel), and the shared reference's sgemm section (bench/torch_lora.py, or
# $TORCH_LORA). The table shows, per case, the median over rounds of each side's own median.
#
# Environment: GRAFT_OUT (Maven build folder, default target), JAVA (default java),
# PYTHON (default /usr/bin/python3), OPENBLAS_CORETYPE (see below).
#
# OpenBLAS 0.3.21's DYNAMIC_ARCH does not recognise every AVX-512 CPU (on this machine it falls
# back to its SSE3 "Prescott" kernels, ~20-40 GFLOP/s). Unless OPENBLAS_CORETYPE is already set,
# this script sets it to SkylakeX on AVX-512 machines so PyTorch uses its AVX-512 sgemm: the fair,
# faster peer. Pass OPENBLAS_CORETYPE= (empty) to keep OpenBLAS's own choice.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${GRAFT_OUT:-target}
JAVA=${JAVA:-java}
PYTHON=${PYTHON:-/usr/bin/python3}
TORCH_LORA=${TORCH_LORA:-$ROOT/bench/torch_lora.py}
QUICK=""
ROUNDS=3
THREADS=2
ONLY=".*"
BUILD=1
CPU=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick"; ROUNDS=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --threads) THREADS="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --cpu-time) CPU="--cpu-time" ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "$CPU" ]; then
  THREADS=1
fi

if [ -z "${OPENBLAS_CORETYPE+x}" ] && grep -qw avx512f /proc/cpuinfo; then
  export OPENBLAS_CORETYPE=SkylakeX
fi
export OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS OMP_WAIT_POLICY=PASSIVE

if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && mvn -q -Dgraft.out="$OUT" -pl benchmarks -am compile)
fi
M2=${M2_REPO:-$HOME/.m2/repository}
CP="$ROOT/runtime/$OUT/classes:$ROOT/benchmarks/$OUT/classes"
for jar in "$M2"/org/apache/commons/commons-math3/*/commons-math3-*.jar \
           "$M2"/org/jspecify/jspecify/*/jspecify-*.jar; do
  case "$jar" in *sources*|*javadoc*) ;; *) [ -f "$jar" ] && CP="$CP:$jar" ;; esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/graft-compare.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(getconf _NPROCESSORS_ONLN) cpus; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads: $THREADS (Graft -Dgraft.threads, PyTorch torch.set_num_threads / OPENBLAS_NUM_THREADS); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}"
if [ -n "$CPU" ]; then TIMING="thread CPU time, 1 thread"; else TIMING="wall time"; fi
echo "rounds: $ROUNDS${QUICK:+ (quick)}; timing: $TIMING"
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS ..." >&2
  "$PYTHON" "$ROOT/bench/torch_cases.py" --threads "$THREADS" $QUICK $CPU --only "$ONLY" > "$WORK/torch.$r.tsv"
  "$JAVA" --add-modules jdk.incubator.vector -Dgraft.threads="$THREADS" -cp "$CP" \
      dev.graft.runtime.bench.Bench --tsv $QUICK $CPU --only "$ONLY" > "$WORK/vector.$r.tsv" 2> "$WORK/vector.$r.err"
  "$JAVA" -Dgraft.threads="$THREADS" -cp "$CP" \
      dev.graft.runtime.bench.Bench --tsv $QUICK $CPU --only "$ONLY" > "$WORK/plain.$r.tsv"
  if [ -z "$CPU" ] && [ -f "$TORCH_LORA" ] && [ "$ONLY" = ".*" ]; then
    "$PYTHON" "$TORCH_LORA" --sections sgemm $QUICK --json "$WORK/sgemm.$r.json" > "$WORK/sgemm.$r.log" 2>&1 || true
  fi
done
"$JAVA" --add-modules jdk.incubator.vector -cp "$CP" -Dgraft.threads="$THREADS" \
    dev.graft.runtime.bench.Bench --only '^$' $CPU 2>/dev/null | head -1 | sed 's/^/graft (vector run): /'
"$JAVA" -cp "$CP" -Dgraft.threads="$THREADS" dev.graft.runtime.bench.Bench --only '^$' $CPU \
    | head -1 | sed 's/^/graft (plain run):  /'
grep -h "^openblas:" "$WORK"/sgemm.*.log 2>/dev/null | head -1 | sed 's/^/torch_lora.py /' || true

"$PYTHON" - "$WORK" "$ROUNDS" <<'PY'
import glob, json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])

def load(kind):
    per = {}
    what = {}
    for r in range(1, rounds + 1):
        try:
            lines = open(f"{work}/{kind}.{r}.tsv").read().split("\n")
        except FileNotFoundError:
            continue
        for line in lines:
            f = line.split("\t")
            if len(f) == 4:
                what[f[0]] = f[1]
                per.setdefault(f[0], []).append(float(f[3]))
            elif len(f) == 3:
                per.setdefault(f[0], []).append(float(f[2]))
    return per, what

torch, _ = load("torch")
vec, what = load("vector")
plain, _ = load("plain")
sgemm = {}
for path in glob.glob(f"{work}/sgemm.*.json"):
    for n, v in json.load(open(path)).get("sgemm", {}).items():
        sgemm.setdefault(f"mm{n}", []).append(v["torch_gflops"])

def med(d, k):
    return statistics.median(d[k]) if d.get(k) else None

def spread(d):
    rs = [(max(v) - min(v)) / statistics.median(v) for v in d.values() if len(v) > 1]
    return f"{100 * statistics.median(rs):.0f}%" if rs else "n/a (1 round)"

def fmt(x, w=9, p=1):
    return f"{x:{w}.{p}f}" if x is not None else " " * (w - 1) + "-"

def ratio(a, b):
    return f"{a / b:8.2f}x" if a is not None and b else "        -"

print()
print("GFLOP/s (higher is better); ratio = Graft / PyTorch on the same case")
hdr = (f"{'case':<15} {'what':<30} {'torch':>9} {'graft-vec':>9} {'vec/torch':>9} "
       f"{'graft':>9} {'plain/to':>9} {'sgemm-ref':>9} {'vec/ref':>9}")
print(hdr)
print("-" * len(hdr))
for name in vec or plain:
    t, v, p, s = med(torch, name), med(vec, name), med(plain, name), med(sgemm, name)
    print(f"{name:<15} {what.get(name, ''):<30} {fmt(t)} {fmt(v)} {ratio(v, t)} {fmt(p)} "
          f"{ratio(p, t)} {fmt(s)} {ratio(v, s)}")
print()
print("graft-vec: java --add-modules jdk.incubator.vector (Vector API kernel); graft: no JVM flag"
      " (plain-Java kernel)")
print("torch: bench/torch_cases.py (torch.mm on the same shapes, transposes as views);"
      " sgemm-ref: torch.mm from torch_lora.py --sections sgemm")
print(f"noise, median relative range over rounds: torch {spread(torch)}, graft-vec {spread(vec)},"
      f" graft {spread(plain)}")
PY
