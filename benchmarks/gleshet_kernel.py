"""Benchmark: the project's radius kernel against the baseline a competent user would write.

    python benchmarks/gleshet_kernel.py --grid PATH [--thresholds 3000,15000] [--format …] [--repeat 3]

Baseline: scipy cKDTree k-nearest-neighbour queries with growing k (64, 128, …, using every core), cumulative
population along the neighbours, radius = distance at which the running sum first reaches N; cells not
resolved with k neighbours are queried again with 2k. Both run in this process on the same grid; the radii
must be identical. Prints one JSON line:
  {"cells", "population", "thresholds", "project_s", "project_first_call_s", "baseline_s", "speedup",
   "speedup_median", "max_abs_diff_m", "loadavg_1m", ...}
`project_s` is the best of --repeat warm runs (numba compiled; the first call, including compilation or
loading numba's cache, is reported separately); `speedup` = baseline_s / project_s and `speedup_median` uses
the median warm run instead. `loadavg_1m` is the 1-minute load average before and after: the machine may be
shared, and both sides slow down when it is busy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gleshet import radii
from geo.readers import read_grid


def baseline_radii(x: np.ndarray, y: np.ndarray, pop: np.ndarray, thresholds: list[int]) -> np.ndarray:
    xy = np.column_stack([x, y])
    tree = cKDTree(xy)
    n = len(pop)
    out = np.full((n, len(thresholds)), np.nan)
    for t, N in enumerate(thresholds):
        todo = np.arange(n)
        k = 64
        while todo.size:
            k = min(k, n)
            d, idx = tree.query(xy[todo], k=k, workers=-1)
            d = d.reshape(len(todo), -1)
            idx = idx.reshape(len(todo), -1)
            c = np.cumsum(pop[idx], axis=1)
            hit = c[:, -1] >= N
            pos = np.argmax(c >= N, axis=1)
            out[todo[hit], t] = d[hit, pos[hit]]
            todo = todo[~hit]
            if k == n:
                break
            k *= 2
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", required=True, type=Path)
    ap.add_argument("--format", default=None)
    ap.add_argument("--crs", default=None)
    ap.add_argument("--thresholds", default="3000,15000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-speedup", type=float, default=None, help="exit 1 if the speedup is below this")
    args = ap.parse_args(argv)
    thresholds = [int(v) for v in args.thresholds.split(",")]

    load_before = os.getloadavg()[0]
    cells = read_grid(args.grid, args.format, args.crs)
    x, y, pop = cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy()

    t0 = time.perf_counter()
    radii(x, y, pop, thresholds)
    first = time.perf_counter() - t0
    runs = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        got = radii(x, y, pop, thresholds)
        runs.append(time.perf_counter() - t0)
    project_s = min(runs)
    project_median_s = float(np.median(runs))

    t0 = time.perf_counter()
    base = baseline_radii(x, y, pop, thresholds)
    baseline_s = time.perf_counter() - t0

    same_nan = np.array_equal(np.isnan(got), np.isnan(base))
    diff = np.abs(got - base)
    max_diff = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
    identical = bool(same_nan and max_diff <= 1e-6)
    result = {
        "benchmark": "gleshet_kernel",
        "grid": str(args.grid),
        "cells": int(len(pop)),
        "population": int(pop.sum()),
        "thresholds": thresholds,
        "project_s": round(project_s, 4),
        "project_runs_s": [round(v, 4) for v in runs],
        "project_first_call_s": round(first, 4),
        "baseline_s": round(baseline_s, 4),
        "speedup": round(baseline_s / project_s, 2),
        "speedup_median": round(baseline_s / project_median_s, 2),
        "max_abs_diff_m": max_diff,
        "identical": identical,
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }
    print(json.dumps(result))
    if not identical:
        print("radii differ from the baseline", file=sys.stderr)
        return 1
    if args.min_speedup is not None and result["speedup"] < args.min_speedup:
        print(f"speedup {result['speedup']} below {args.min_speedup}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
