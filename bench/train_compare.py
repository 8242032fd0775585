#!/usr/bin/python3
"""Graft beside PyTorch on torch_lora.py's training workloads, in alternating windows.

One process holds the PyTorch side (torch_lora.py imported as a module, so its models, data,
optimizer and timing helper are the reference's own) and drives a Graft JVM in server mode
(TrainBench --serve). For every workload it runs ROUNDS pairs of short windows, PyTorch then
Graft (Graft first on odd rounds), so both sides of a pair see the same machine load; the
ratio of a workload is the median over rounds of the per-pair ratio Graft / PyTorch.

Run through bench/train.sh, which builds Graft and sets the environment.
"""
import argparse
import copy
import importlib.util
import json
import os
import shlex
import statistics
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--torch-lora", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_lora.py"))
ap.add_argument("--java", required=True,
                help="the JVM command line up to and including the main class (one string)")
ap.add_argument("--sizes", default="1024x256,256x64,64x32")
ap.add_argument("--rounds", type=int, default=5)
ap.add_argument("--window", type=float, default=1.0, help="seconds per window and side")
ap.add_argument("--workloads", default=None, help="comma list; default all")
ap.add_argument("--json", default=None)
args = ap.parse_args()

spec = importlib.util.spec_from_file_location("torch_lora", args.torch_lora)
tl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tl)   # sets the BLAS/OpenMP environment, 2 torch threads
torch = tl.torch

TRAIN = [f"{v}.{w}" for v in ("lora", "full", "dora") for w in ("fwd", "fwd_bwd", "step", "optim")]
MERGE = ["merge.unmerged_fwd", "merge.merged_fwd", "merge.base_fwd", "merge.merge"]


def torch_workloads(width, batch):
    """name -> callable, for one size; the same construction as torch_lora.py's sections."""
    tl.configure(width, batch, 4, 8, 16.0)
    out = {}
    for v in ("lora", "full", "dora"):
        _, fwd, fwd_bwd, step, _, opt_only, _, _ = tl.train_fns(v)
        step()  # so opt_only has gradients to use, as in section_train (after fwd_bwd)
        out[f"{v}.fwd"] = fwd
        out[f"{v}.fwd_bwd"] = fwd_bwd
        out[f"{v}.step"] = step
        out[f"{v}.optim"] = opt_only
    x, _ = tl.make_data()
    model = tl.make_model("lora").eval()
    torch.manual_seed(5)
    with torch.no_grad():
        for m in model:
            if isinstance(m, tl.LoRALinear):
                m.lora_B.normal_(0, 0.02)
    merged = copy.deepcopy(model)
    for m in merged:
        if isinstance(m, tl.LoRALinear):
            m.merge()

    def unmerged():
        with torch.no_grad():
            return model(x)

    def merged_fwd():
        with torch.no_grad():
            return merged(x)

    base = tl.make_base().eval()

    def base_fwd():
        with torch.no_grad():
            return base(x)

    layers = [m for m in model if isinstance(m, tl.LoRALinear)]
    w0 = [m.base.weight.detach().clone() for m in layers]

    def merge_timed():
        """Seconds of merging all adapters in place (addmm_), weights restored untimed."""
        with torch.no_grad():
            for m, w in zip(layers, w0):
                m.base.weight.copy_(w)
                m.merged = False
        t = time.perf_counter()
        for m in layers:
            m.merge()
        return time.perf_counter() - t

    out["merge.unmerged_fwd"] = unmerged
    out["merge.merged_fwd"] = merged_fwd
    out["merge.base_fwd"] = base_fwd
    out["merge.merge"] = ("timed", merge_timed)
    return out


def torch_window(fn, seconds, warmed):
    """Median ms per call over a window, samples of >= 20 ms; a 1 s warm-up the first time."""
    if isinstance(fn, tuple):  # a function that times itself
        timed = fn[1]
        if not warmed:
            for _ in range(5):
                timed()
        samples, start = [], time.perf_counter()
        while len(samples) < 5 or time.perf_counter() - start < seconds:
            samples.append(timed() * 1e3)
        return statistics.median(samples)
    if not warmed:
        t0 = time.perf_counter()
        n = 0
        while n < 3 or time.perf_counter() - t0 < 1.0:
            fn()
            n += 1
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, int(0.02 / one + 0.999))
    samples, start = [], time.perf_counter()
    while len(samples) < 3 or time.perf_counter() - start < seconds:
        s = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - s) / inner * 1e3)
    return statistics.median(samples)


class Graft:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd + ["--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, bufsize=1)
        line = self.p.stdout.readline().strip()
        if not line.startswith("READY"):
            raise SystemExit(f"Graft server did not start: {line!r}")
        self.kernel = line[6:]

    def window(self, width, batch, name, seconds):
        self.p.stdin.write(f"{width} {batch} {name} {seconds}\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline().strip()
        if not line.startswith("OK "):
            raise RuntimeError(f"Graft {name}: {line}")
        return float(line[3:])

    def close(self):
        try:
            self.p.stdin.write("quit\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            pass
        self.p.wait(timeout=30)


def load():
    return float(open("/proc/loadavg").read().split()[0])


graft = Graft(shlex.split(args.java))
print(f"graft: {graft.kernel}; torch {torch.__version__}, {torch.get_num_threads()} threads; "
      f"rounds {args.rounds} x {args.window:g} s windows per side", flush=True)
wanted = set(args.workloads.split(",")) if args.workloads else None
results = {}
for size in args.sizes.split(","):
    width, batch = (int(v) for v in size.split("x"))
    tw = torch_workloads(width, batch)
    names = TRAIN + (MERGE if size == args.sizes.split(",")[0] else [])
    for name in names:
        if wanted and name not in wanted:
            continue
        t_ms, g_ms, ratios, loads = [], [], [], []
        for r in range(args.rounds):
            loads.append(load())
            if r % 2 == 0:
                t = torch_window(tw[name], args.window, r > 0)
                g = graft.window(width, batch, name, args.window)
            else:
                g = graft.window(width, batch, name, args.window)
                t = torch_window(tw[name], args.window, True)
            t_ms.append(t)
            g_ms.append(g)
            ratios.append(g / t)
        res = {"torch_ms": statistics.median(t_ms), "graft_ms": statistics.median(g_ms),
               "ratio": statistics.median(ratios), "ratio_min": min(ratios),
               "ratio_max": max(ratios), "torch_all": t_ms, "graft_all": g_ms,
               "load": statistics.median(loads)}
        results[f"{size}.{name}"] = res
        print(f"RESULT {size} {name} {res['torch_ms']:.4f} {res['graft_ms']:.4f} "
              f"{res['ratio']:.4f} {res['ratio_min']:.4f} {res['ratio_max']:.4f} "
              f"{res['load']:.2f}", flush=True)
graft.close()
if args.json:
    with open(args.json, "w") as f:
        json.dump(results, f, indent=1)
