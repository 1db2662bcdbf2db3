"""Benchmark: the utjämning engine — one full run, and a batch of parameter scenarios.

    python benchmarks/engine.py [--regelverk sou2024] [--scenarier 1000] [--repeat 20]

One full run = inkomstutjämning and every delmodell of kostnadsutjämning for all 290 kommuner and 21 regioner
(engine.model.berakna on a prepared context; the demo inputs). The batch evaluates S scenarios in one vectorised
call (Params.with_batch); the baseline in the same run is the loop a user would write — one full run per
scenario — on the first 50 scenarios, whose results must equal the batch rows. Prints one JSON line:
  {"regelverk", "kommuner", "regioner", "full_run_ms", "batch_scenarios", "batch_s", "scenario_runs_per_s",
   "loop_runs_per_s", "batch_speedup", "max_abs_diff_kr"}
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.indata import load_indata
from engine.model import berakna, build_ctx
from engine.params import load_params
from pipelines.demo_indata import write_demo_inputs

#: Parameters varied in the batch (each scenario draws all of them).
VARIED = {
    "inkomstutjamning.garantiniva": (1.10, 1.20),
    "standardkostnader.forskola": (6500.0, 7800.0),
    "standardkostnader.aldreomsorg": (10500.0, 12500.0),
    "tillagg.loneindex_troskel": (98.0, 102.0),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--regelverk", default="sou2024")
    ap.add_argument("--scenarier", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--loop", type=int, default=50, help="scenarios run one by one as the baseline")
    a = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as d:
        indata = load_indata(write_demo_inputs(Path(d), 2024), a.regelverk, 2024)
    params = load_params(a.regelverk)
    ctx = build_ctx(indata, params)
    berakna(ctx)  # warm-up (imports, caches)
    runs = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        berakna(ctx)
        runs.append(time.perf_counter() - t0)
    full_ms = 1000 * float(np.median(runs))

    rng = np.random.default_rng(1)
    batch = {p: rng.uniform(lo, hi, a.scenarier) for p, (lo, hi) in VARIED.items()}
    ctx.p = params.with_batch(batch)
    berakna(ctx)
    t0 = time.perf_counter()
    res_b = berakna(ctx)
    batch_s = time.perf_counter() - t0

    n_loop = min(a.loop, a.scenarier)
    t0 = time.perf_counter()
    diffs = []
    for i in range(n_loop):
        ctx.p = params.with_reform({"namn": f"s{i}", "andringar": {p: float(v[i]) for p, v in batch.items()}})
        single = berakna(ctx)
        for niva, cols in single.items():  # every column, NaN where the rule set cannot compute it
            for col, v in cols.items():
                got = np.broadcast_to(res_b[niva][col], (a.scenarier, *np.shape(v)))[i]
                if not np.array_equal(np.isnan(got), np.isnan(v)):
                    diffs.append(np.inf)
                elif np.isfinite(v).any():
                    diffs.append(float(np.nanmax(np.abs(got - v))))
    loop_s = time.perf_counter() - t0
    diff = float(np.max(diffs))
    out = {
        "regelverk": a.regelverk,
        "kommuner": int(len(ctx.kommun_kod)),
        "regioner": int(len(ctx.region_kod)),
        "full_run_ms": round(full_ms, 2),
        "batch_scenarios": a.scenarier,
        "batch_s": round(batch_s, 4),
        "scenario_runs_per_s": round(a.scenarier / batch_s, 1),
        "loop_runs_per_s": round(n_loop / loop_s, 1),
        "batch_speedup": round((a.scenarier / batch_s) / (n_loop / loop_s), 1),
        "max_abs_diff_kr": diff,
    }
    print(json.dumps(out))
    if diff > 1e-6:
        print(f"batch and loop differ by {diff} kr/inv", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
