"""Benchmark: the project's radius kernel against the baseline a competent user would write.

    python benchmarks/gleshet_kernel.py [--grid PATH …] [--split 1km,mixed,full] [--thresholds 3000,15000]
        [--repeat 3] [--metric euclidean] [--no-own-cell] [--method auto|rad|sat]
        [--scheduler threads|sync|cluster|tcp://…] [--baseline-max-cells N] [--chunk-profile]

Grids: files given with --grid (any format ``geo.readers`` reads), and with --split the real SCB 1 km grid 2024
("1km") and the synthetic 250 m grids made from it by ``benchmarks/split_grid.py`` ("mixed": tätort cells split,
"full": every cell split; default seed), all from ``../shared/data``. Default: --split 1km,mixed,full.

Baseline: scipy cKDTree k-nearest-neighbour queries (Minkowski p = 2, 1 or ∞ for the metric) with growing k
(64, 128, …, using every core), cumulative population along the neighbours (without the cell itself for
--no-own-cell), radius = distance at which the running sum first reaches N; cells not resolved with k
neighbours are queried again with 2k. The queries run in batches of at most
BASELINE_BATCH_ELEMENTS neighbours, so that its memory stays bounded (a user with a large grid has to do the
same). It is skipped on grids above --baseline-max-cells (the line says so). Both run in this process on the
same grid; the radii must be identical.

Prints one JSON line per grid:
  {"grid", "cells", "population", "thresholds", "metric", "own_cell", "method", "path", "scheduler", "project_s",
   "project_runs_s", "project_median_s", "project_first_call_s", "baseline_s", "speedup", "speedup_median",
   "identical", "max_abs_diff_m", "loadavg_1m", "cores", …}
`project_s` is the best of --repeat warm runs (numba compiled; the first call, including compilation or
loading numba's cache, is reported separately); `speedup` = baseline_s / project_s and `speedup_median` uses the
median warm run. `method` is what was asked (geo.gleshet.METHODS), `path` what ran ("rad": the row scan, "sat":
the summed-area table of the square metrics); for "sat" the line gives the table's lattice (`sat_lattice`:
n_u × n_v points, spacing g in metres), its size (`sat_bytes`) and the best of three builds (`sat_build_s`, part
of `project_s`). `loadavg_1m` is the 1-minute load average before and after: the machine may be shared, and
both sides slow down when it is busy. With --chunk-profile the line also gives the single-threaded time of
every chunk (DEFAULT_CHUNK_SIZE cells for the row scan, SAT_CHUNK_SIZE for the table): min / median / max and
the sum, the basis of the scale-out estimate in RESULTS.md. ``--scheduler cluster`` starts a
``distributed.LocalCluster`` of 2 worker processes on loopback (1 thread each) and runs the kernel on it; its
start-up is not timed, its first call is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))  # after ROOT: benchmarks/engine.py must not shadow the engine package

from geo import gleshet  # noqa: E402
from geo.readers import read_grid  # noqa: E402

#: Neighbour entries (cells × k) per baseline query batch: about 0,5 GB of distances, indices and sums.
BASELINE_BATCH_ELEMENTS = 20_000_000
SHARED = ROOT.parent / "shared" / "data"
SPLITS = ("1km", "mixed", "full")


#: Minkowski p of cKDTree for each metric of geo.gleshet.
MINKOWSKI_P = {"euclidean": 2.0, "manhattan": 1.0, "chebyshev": np.inf}


def baseline_radii(
    x: np.ndarray,
    y: np.ndarray,
    pop: np.ndarray,
    thresholds: list[int],
    metric: str = "euclidean",
    own_cell: bool = True,
) -> np.ndarray:
    p = MINKOWSKI_P[metric]
    xy = np.column_stack([x, y])
    tree = cKDTree(xy)
    n = len(pop)
    out = np.full((n, len(thresholds)), np.nan)
    for t, N in enumerate(thresholds):
        todo = np.arange(n)
        k = 64
        while todo.size:
            k = min(k, n)
            missed = []
            batch = max(1, BASELINE_BATCH_ELEMENTS // k)
            for b0 in range(0, todo.size, batch):
                part = todo[b0 : b0 + batch]
                d, idx = tree.query(xy[part], k=k, p=p, workers=-1)
                d = d.reshape(len(part), -1)
                idx = idx.reshape(len(part), -1)
                w = pop[idx] if own_cell else np.where(idx == part[:, None], 0, pop[idx])
                c = np.cumsum(w, axis=1)
                hit = c[:, -1] >= N
                pos = np.argmax(c >= N, axis=1)
                out[part[hit], t] = d[hit, pos[hit]]
                missed.append(part[~hit])
            todo = np.concatenate(missed)
            if k == n:
                break
            k *= 2
    return out


def load_grids(paths: list[Path], splits: list[str]):
    """(name, cell table) for every --grid file and --split grid."""
    grids = [(str(p), read_grid(p)) for p in paths]
    if splits:
        import pandas as pd
        from split_grid import split_grid

        base = read_grid(SHARED / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz")
        tatorter = pd.read_csv(SHARED / "tatorter_2020" / "tatorter_2020_points.csv")
        for name in splits:
            grids.append((name, base if name == "1km" else split_grid(base, tatorter, name)))
    return grids


def chunk_profile(x, y, pop, thresholds, metric, own_cell, method) -> dict:
    """Single-threaded seconds of every kernel task (chunk × threshold) in sorted order."""
    index = gleshet.build_index(x, y, pop)
    path, lattice = gleshet.choose_method(index, metric, method)
    if path == "sat":
        table = gleshet.build_sat(index, lattice)
        chunk_size = gleshet.SAT_CHUNK_SIZE

        def task(s, e, N):
            gleshet._sat_task(table, s, e, N, own_cell)
    else:
        code = gleshet._check_metric(metric)
        chunk_size = gleshet.DEFAULT_CHUNK_SIZE
        narrow_q = gleshet.NARROW_WIDTH_M * index.quanta_per_m
        guess_q = gleshet.GUESS_WIDTH_M * index.quanta_per_m

        def task(s, e, N):
            gleshet._chunk_task(index, s, e, N, narrow_q, guess_q, code, own_cell)

    times = []
    for N in thresholds:
        for s, e in gleshet._chunks(index.n, chunk_size):
            t0 = time.perf_counter()
            task(s, e, N)
            times.append(time.perf_counter() - t0)
    t = np.array(times)
    index_mb = sum(a.nbytes for a in (index.xq, index.yq, index.cum, index.row_y, index.row_start, index.order)) / 1e6
    return {
        "chunk_size": chunk_size,
        "tasks": int(t.size),
        "task_s_min": round(float(t.min()), 4),
        "task_s_median": round(float(np.median(t)), 4),
        "task_s_max": round(float(t.max()), 4),
        "task_s_sum": round(float(t.sum()), 3),
        "index_mb": round(index_mb, 1),
    }


def sat_info(x, y, pop, metric, method) -> dict:
    """Which path the kernel takes, and for the table its lattice, bytes and build time (best of three)."""
    index = gleshet.build_index(x, y, pop)
    path, lattice = gleshet.choose_method(index, metric, method)
    if path != "sat":
        return {"path": path}
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        gleshet.build_sat(index, lattice)
        builds.append(time.perf_counter() - t0)
    return {
        "path": path,
        "sat_lattice": [lattice.nu, lattice.nv, lattice.g / index.quanta_per_m],
        "sat_bytes": lattice.sat_bytes,
        "sat_build_s": round(min(builds), 4),
    }


def run_grid(name, cells, args, thresholds, scheduler) -> dict:
    x, y, pop = cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy()
    kw = dict(metric=args.metric, own_cell=not args.no_own_cell, scheduler=scheduler, method=args.method)
    load_before = os.getloadavg()[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        t0 = time.perf_counter()
        gleshet.radii(x, y, pop, thresholds, **kw)
        first = time.perf_counter() - t0
        runs = []
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            got = gleshet.radii(x, y, pop, thresholds, **kw)
            runs.append(time.perf_counter() - t0)
    project_s = min(runs)
    project_median_s = float(np.median(runs))
    result = {
        "benchmark": "gleshet_kernel",
        "grid": name,
        "cells": int(len(pop)),
        "population": int(pop.sum()),
        "cells_250m": int((cells["size_m"] == 250).sum()),
        "thresholds": thresholds,
        "metric": args.metric,
        "own_cell": not args.no_own_cell,
        "method": args.method,
        **sat_info(x, y, pop, args.metric, args.method),
        "scheduler": args.scheduler,
        "project_s": round(project_s, 4),
        "project_runs_s": [round(v, 4) for v in runs],
        "project_median_s": round(project_median_s, 4),
        "project_first_call_s": round(first, 4),
    }
    if args.chunk_profile:
        result["chunks"] = chunk_profile(x, y, pop, thresholds, args.metric, not args.no_own_cell, args.method)
    if len(pop) > args.baseline_max_cells:
        why = f"{len(pop)} cells > --baseline-max-cells {args.baseline_max_cells}"
        result.update({"baseline_s": None, "baseline_skipped": why, "speedup": None, "identical": None})
    else:
        t0 = time.perf_counter()
        base = baseline_radii(x, y, pop, thresholds, args.metric, not args.no_own_cell)
        baseline_s = time.perf_counter() - t0
        same_nan = np.array_equal(np.isnan(got), np.isnan(base))
        diff = np.abs(got - base)
        max_diff = float(np.nanmax(diff)) if np.isfinite(diff).any() else 0.0
        result.update(
            {
                "baseline_s": round(baseline_s, 4),
                "speedup": round(baseline_s / project_s, 2),
                "speedup_median": round(baseline_s / project_median_s, 2),
                "max_abs_diff_m": max_diff,
                "identical": bool(same_nan and max_diff <= 1e-6),
            }
        )
    result.update(
        {
            "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "cores": os.cpu_count(),
            "machine": platform.machine(),
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d"),
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", type=Path, action="append", default=[], help="a grid file (repeatable)")
    ap.add_argument("--split", default=None, help=f"comma-separated among {', '.join(SPLITS)}")
    ap.add_argument("--thresholds", default="3000,15000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--metric", default="euclidean", choices=gleshet.METRICS)
    ap.add_argument("--no-own-cell", action="store_true")
    ap.add_argument("--method", default="auto", choices=gleshet.METHODS, help="the kernel's path (auto: its choice)")
    ap.add_argument(
        "--scheduler",
        default="threads",
        help="threads, sync, cluster (a local 2-worker cluster) or the address of a running scheduler",
    )
    ap.add_argument("--baseline-max-cells", type=int, default=10**6)
    ap.add_argument("--chunk-profile", action="store_true")
    ap.add_argument("--min-speedup", type=float, default=None, help="exit 1 if a speedup is below this")
    args = ap.parse_args(argv)
    thresholds = [int(v) for v in args.thresholds.split(",")]
    splits = [s for s in (args.split or ("" if args.grid else ",".join(SPLITS))).split(",") if s]
    bad = [s for s in splits if s not in SPLITS]
    if bad:
        ap.error(f"--split: unknown grid {bad[0]!r}; choose among {', '.join(SPLITS)}")

    cluster = None
    scheduler = args.scheduler
    if scheduler == "cluster":
        from distributed import LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        scheduler = cluster.scheduler_address
    status = 0
    try:
        for name, cells in load_grids(args.grid, splits):
            result = run_grid(name, cells, args, thresholds, scheduler)
            print(json.dumps(result), flush=True)
            if result["identical"] is False:
                print(f"{name}: radii differ from the baseline", file=sys.stderr)
                status = 1
            if args.min_speedup is not None and result["speedup"] is not None and result["speedup"] < args.min_speedup:
                print(f"{name}: speedup {result['speedup']} below {args.min_speedup}", file=sys.stderr)
                status = 1
    finally:
        if cluster is not None:
            cluster.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
