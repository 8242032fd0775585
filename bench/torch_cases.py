#!/usr/bin/python3
"""PyTorch timings for exactly the cases Graft's kernel Bench runs (dev.graft.runtime.bench.Bench).

Same case names, same shapes and orientations (a transposed operand is a transposed *view*, so
torch passes a transpose flag to sgemm instead of copying), same method: warm-up, samples sized to
a fixed wall time, median. Output is tab-separated `name ms GFLOP/s`, one line per case.

    /usr/bin/python3 bench/torch_cases.py [--threads 2] [--quick] [--only REGEX] [--cpu-time]
"""
import argparse
import math
import os
import re
import sys
import time
import statistics

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--quick", action="store_true")
ap.add_argument("--only", default=".*")
ap.add_argument("--repeats", type=int, default=0)
ap.add_argument("--cpu-time", action="store_true",
                help="time this thread's CPU time (needs --threads 1); robust on a loaded machine")
args = ap.parse_args()

# Before torch loads its BLAS / OpenMP runtime.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(args.threads)
if args.cpu_time and args.threads != 1:
    sys.exit("torch_cases.py: --cpu-time needs --threads 1")
clock = time.thread_time if args.cpu_time else time.perf_counter
torch.manual_seed(0)


def median_seconds(fn):
    warm, sample_s = (0.2, 0.03) if args.quick else (0.5, 0.1)
    repeats = args.repeats or (5 if args.quick else 9)
    t0 = time.perf_counter()
    n = 0
    while n < 3 or time.perf_counter() - t0 < warm:
        fn()
        n += 1
    inner = max(1, math.ceil(sample_s / ((time.perf_counter() - t0) / n)))
    samples = []
    for _ in range(repeats):
        s = clock()
        for _ in range(inner):
            fn()
        samples.append((clock() - s) / inner)
    return statistics.median(samples)


def matmul(name, m, n, k, ta, tb):
    a = torch.rand(k, m) * 2 - 1 if ta else torch.rand(m, k) * 2 - 1
    b = torch.rand(n, k) * 2 - 1 if tb else torch.rand(k, n) * 2 - 1
    a_op = a.t() if ta else a
    b_op = b.t() if tb else b
    return name, 2.0 * m * n * k, lambda: torch.mm(a_op, b_op)


def conv2d(name, batch, channels, size, out_channels, kernel):
    x = torch.rand(batch, channels, size, size) * 2 - 1
    w = torch.rand(out_channels, channels, kernel, kernel) * 2 - 1
    flops = 2.0 * batch * out_channels * size * size * channels * kernel * kernel
    return name, flops, lambda: F.conv2d(x, w, padding=kernel // 2)


cases = [matmul(f"mm{n}", n, n, n, False, False) for n in (256, 512, 1024, 2048)]
cases += [matmul(f"mm{n}_nt", n, n, n, False, True) for n in (256, 512, 1024, 2048)]
cases += [
    matmul("lora_xWt", 256, 1024, 1024, False, True),
    matmul("lora_gW", 256, 1024, 1024, False, False),
    matmul("lora_xtg", 1024, 1024, 256, True, False),
    matmul("lora_xAt_r8", 256, 8, 1024, False, True),
    matmul("lora_hBt_r8", 256, 1024, 8, False, True),
    matmul("lora_gtx_r8", 8, 1024, 256, True, False),
    matmul("small_32x64x64", 32, 64, 64, False, False),
    conv2d("conv2d_k3", 8, 64, 32, 64, 3),
]
only = re.compile(args.only)
with torch.no_grad():
    for name, flops, fn in cases:
        if not only.search(name):
            continue
        s = median_seconds(fn)
        print(f"{name}\t{s * 1e3:.4f}\t{flops / s / 1e9:.2f}", flush=True)
