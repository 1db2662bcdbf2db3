"""Synthetic 250 m grids from the real SCB 1 km grid: every chosen 1 km cell split into 16 sub-cells of 250 m.

    python benchmarks/split_grid.py --mode mixed --out /tmp/mixed_250m.csv.gz
    python benchmarks/split_grid.py --mode full --out /tmp/full_250m.csv.gz [--seed 2024] [--alpha 1.0]
        [--grid ../shared/data/scb_grid_1km_2024/befolkning_1km_2024.csv.gz]
        [--tatorter ../shared/data/tatorter_2020/tatorter_2020_points.csv] [--disc-scale 1.0]

The output is SYNTHETIC. SCB publishes its grid at 250 m inside tätorter and 1 km elsewhere (SOU 2024:50 computed
the gleshet measure on that mixed grid, GLESHET.md §2), but only the 1 km grid is at hand. These grids let the
kernel be benchmarked at 250 m scale (issue 15) and let the effect of the finer resolution on the measure be
estimated (issue 10); they are not SCB's 250 m data and must not be published as such.

Modes (:data:`MODES`)
---------------------
* ``"full"``: every 1 km cell is split (a national 250 m grid).
* ``"mixed"``: only cells judged to lie in a tätort are split; the rest stay 1 km cells. SCB's tätort polygons
  are not in the data, only each tätort's point (SCB's X_koord/Y_koord, SWEREF 99 TM) and its land area
  (AREA_HA). A tätort is therefore taken as the disc of the same area around its point, radius
  R = disc_scale · √(area_ha · 10 000 / π) metres, and a 1 km cell is *in a tätort* when its square (side
  1 000 m, closed) meets such a disc: with (Δx, Δy) the offset of the point from the cell centre,
  max(|Δx| − 500, 0)² + max(|Δy| − 500, 0)² ≤ R². A cell partly in a tätort is split whole, as SCB's 250 m
  cells cover the tätort's area, and the cell holding a tätort's point is always split. With the real data
  (SCB 1 km 2024, tätorter 2020, disc_scale 1) this splits 13 145 cells holding 7,51 M of the grid's
  10,56 M inhabitants; SCB counts 9,09 M tätort inhabitants (2020): real tätorter sprawl beyond a compact
  disc, so the mixed grid errs on the side of too few 250 m cells (disc_scale 1,5 splits 20 328 cells with
  8,92 M inhabitants).

The split (population preserving, integer)
------------------------------------------
The p inhabitants of a split cell are distributed over its 16 sub-cells by a Dirichlet-multinomial draw:
weights w ~ Dirichlet(α, …, α) (16 independent Gamma(α) variates, normalised), counts ~ Multinomial(p, w). The
counts are integers summing to p exactly. α = 1 (the default) makes every way of writing p as 16 ordered counts
equally likely — no preference between spread-out and clustered settlement, which real cells show both of; a
large α tends to an even split (α = inf: equal probabilities 1/16), a small one to everybody in few sub-cells.
Sub-cells left with 0 inhabitants are not listed (SCB lists populated cells only).

Determinism: cells are processed in the order of their SCB id, every random number comes from one
``numpy.random.default_rng(seed)``, rows are written sorted by id with ``\\n`` line ends and, for ``.gz``, gzip
with mtime 0 (``geo.demo_grid.to_csv_gz_bytes``): the same inputs, seed and pinned numpy give the same bytes.

From Python: ``split_grid(cells, tatorter, mode, seed)`` takes the cell table of ``geo.readers.read_grid``
(1 km cells) and the tätort table, and returns a cell table with the same columns (cell_id = the SCB id of the
cell's south-west corner, x, y = centre, size_m = 250 or 1000, pop). The CLI writes ``rutid_scb, rutstorlek,
beftotalt``, which ``utjamning gleshet --grid`` reads as an SCB grid, and prints one JSON line of statistics.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.errors import InputError
from geo.demo_grid import to_csv_gz_bytes
from geo.readers import CRS_OUT, read_grid

#: Allowed values of ``mode``.
MODES = ("mixed", "full")
DEFAULT_SEED = 2024
#: Dirichlet concentration of the sub-cell weights; 1 = every split into 16 ordered counts equally likely.
DEFAULT_ALPHA = 1.0
#: The tätort disc's radius is this factor times the radius of a disc of the tätort's area.
DEFAULT_DISC_SCALE = 1.0
BIG, SMALL = 1000, 250
SUB = BIG // SMALL  # sub-cells per side (4 × 4 = 16)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GRID = ROOT.parent / "shared" / "data" / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz"
DEFAULT_TATORTER = ROOT.parent / "shared" / "data" / "tatorter_2020" / "tatorter_2020_points.csv"

#: Column names accepted in the tätort table (first match, case-insensitive): swemapdata's and SCB's own.
TATORT_COLUMNS = {
    "x": ("x_sweref99tm", "x_koord", "x"),
    "y": ("y_sweref99tm", "y_koord", "y"),
    "area_ha": ("area", "area_ha"),
}


class SplitGridError(InputError):
    """Bad input to the generator (the CLI prints it and exits with status 2)."""


def _column(df: pd.DataFrame, names: tuple[str, ...], what: str) -> np.ndarray:
    low = {str(c).strip().lower(): c for c in df.columns}
    for n in names:
        if n in low:
            values = pd.to_numeric(df[low[n]], errors="coerce").to_numpy(dtype=np.float64)
            bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
            if bad.size:
                raise SplitGridError(
                    f"tätorttabellen: kolumnen {low[n]!r} ({what}) har ett ogiltigt värde "
                    f"{df[low[n]].iloc[bad[0]]!r} på rad {bad[0] + 1} ({bad.size} rader)"
                )
            return values
    raise SplitGridError(
        f"tätorttabellen saknar en kolumn för {what} ({' / '.join(names)}); kolumner: {', '.join(map(str, df.columns))}"
    )


def in_tatort(cells: pd.DataFrame, tatorter: pd.DataFrame, disc_scale: float = DEFAULT_DISC_SCALE) -> np.ndarray:
    """Boolean mask over ``cells``: the cell's 1 km square meets some tätort disc (module docstring)."""
    from scipy.spatial import cKDTree

    px = _column(tatorter, TATORT_COLUMNS["x"], "x, SWEREF 99 TM")
    py = _column(tatorter, TATORT_COLUMNS["y"], "y, SWEREF 99 TM")
    radius = disc_scale * np.sqrt(_column(tatorter, TATORT_COLUMNS["area_ha"], "area, ha") * 10_000.0 / math.pi)
    x = cells["x"].to_numpy()
    y = cells["y"].to_numpy()
    mask = np.zeros(len(cells), dtype=bool)
    if len(cells) == 0 or len(px) == 0:
        return mask
    tree = cKDTree(np.column_stack([x, y]))
    half_diagonal = BIG / 2 * math.sqrt(2.0)
    for cand, ux, uy, r in zip(
        tree.query_ball_point(np.column_stack([px, py]), radius + half_diagonal + 1.0), px, py, radius
    ):
        cand = np.asarray(cand, dtype=np.int64)
        ex = np.maximum(np.abs(x[cand] - ux) - BIG / 2, 0.0)
        ey = np.maximum(np.abs(y[cand] - uy) - BIG / 2, 0.0)
        mask[cand[ex * ex + ey * ey <= r * r]] = True
    return mask


def _split_counts(pop: np.ndarray, rng: np.random.Generator, alpha: float) -> np.ndarray:
    """(n, 16) integer counts, row sums equal to ``pop``: a Dirichlet(α)-multinomial draw per row."""
    if math.isinf(alpha):
        weights = np.full((pop.size, SUB * SUB), 1.0 / (SUB * SUB))
    else:
        g = rng.gamma(alpha, size=(pop.size, SUB * SUB))
        s = g.sum(axis=1, keepdims=True)
        # all 16 gammas underflowing to 0 (only for a tiny α) would leave no weights: fall back to equal ones
        weights = np.where(s > 0, g / np.where(s > 0, s, 1.0), 1.0 / (SUB * SUB))
    counts = rng.multinomial(pop, weights)
    if not np.array_equal(counts.sum(axis=1), pop):  # the multinomial preserves the total by construction
        raise AssertionError("split does not preserve the population")
    return counts


def _ids(e: np.ndarray, n: np.ndarray) -> np.ndarray:
    """SCB cell ids: 6-digit easting + 7-digit northing of the south-west corner."""
    return (pd.Series(e).astype(str).str.zfill(6) + pd.Series(n).astype(str).str.zfill(7)).to_numpy()


def split_grid(
    cells: pd.DataFrame,
    tatorter: pd.DataFrame | None,
    mode: str,
    seed: int = DEFAULT_SEED,
    *,
    alpha: float = DEFAULT_ALPHA,
    disc_scale: float = DEFAULT_DISC_SCALE,
) -> pd.DataFrame:
    """The synthetic 250 m grid of ``cells`` (a 1 km cell table of ``geo.readers``), as a cell table with the
    same columns: ``mode`` "full" splits every cell, "mixed" the cells in a tätort of ``tatorter`` (module
    docstring; ``tatorter`` may be None for "full"). Rows sorted by cell_id."""
    if mode not in MODES:
        raise SplitGridError(f"okänt läge {mode!r}; tillåtna värden: {', '.join(MODES)}")
    if not (alpha > 0):
        raise SplitGridError(f"alpha måste vara större än 0, inte {alpha!r}")
    if not (disc_scale > 0 and math.isfinite(disc_scale)):
        raise SplitGridError(f"disc_scale måste vara ett positivt tal, inte {disc_scale!r}")
    size = cells["size_m"].to_numpy()
    if (size != BIG).any():
        raise SplitGridError(
            f"rutnätet måste bestå av 1 km-rutor; {int((size != BIG).sum())} rutor har en "
            f"annan storlek (första: {cells['cell_id'].iloc[int(np.argmax(size != BIG))]!r})"
        )
    order = np.argsort(cells["cell_id"].to_numpy(dtype=str), kind="stable")
    cells = cells.iloc[order].reset_index(drop=True)
    if mode == "full":
        split = np.ones(len(cells), dtype=bool)
    else:
        if tatorter is None:
            raise SplitGridError("läget 'mixed' behöver tätortstabellen (--tatorter)")
        split = in_tatort(cells, tatorter, disc_scale)

    rng = np.random.default_rng(seed)
    parent = cells[split]
    counts = _split_counts(parent["pop"].to_numpy(dtype=np.int64), rng, float(alpha))
    k = np.arange(SUB * SUB)
    e0 = np.rint(parent["x"].to_numpy() - BIG / 2).astype(np.int64)[:, None] + (k % SUB) * SMALL
    n0 = np.rint(parent["y"].to_numpy() - BIG / 2).astype(np.int64)[:, None] + (k // SUB) * SMALL
    keep = counts > 0
    e0, n0, sub_pop = e0[keep], n0[keep], counts[keep]
    whole = cells[~split]
    out = pd.DataFrame(
        {
            "cell_id": np.concatenate([_ids(e0, n0), whole["cell_id"].to_numpy(dtype=str)]),
            "x": np.concatenate([e0 + SMALL / 2, whole["x"].to_numpy()]).astype(np.float64),
            "y": np.concatenate([n0 + SMALL / 2, whole["y"].to_numpy()]).astype(np.float64),
            "size_m": np.concatenate([np.full(e0.size, SMALL), np.full(len(whole), BIG)]).astype(np.int64),
            "pop": np.concatenate([sub_pop, whole["pop"].to_numpy()]).astype(np.int64),
        }
    )
    out["cell_id"] = out["cell_id"].astype(str)
    out = out.sort_values("cell_id", kind="stable").reset_index(drop=True)
    out.attrs = {
        "crs": CRS_OUT,
        "source": f"split_grid(mode={mode}, seed={seed}, alpha={alpha}, disc_scale={disc_scale})",
        "format": "scb",
        "split_cells": int(split.sum()),
        "split_population": int(parent["pop"].sum()),
    }
    return out


def to_scb_table(grid: pd.DataFrame) -> pd.DataFrame:
    """The cell table in SCB's file layout (``rutid_scb``, ``rutstorlek``, ``beftotalt``)."""
    return pd.DataFrame(
        {
            "rutid_scb": grid["cell_id"].to_numpy(),
            "rutstorlek": grid["size_m"].to_numpy(),
            "beftotalt": grid["pop"].to_numpy(),
        }
    )


def write(path: Path, grid: pd.DataFrame) -> str:
    """Write the grid as an SCB CSV (gzip when the name ends in .gz) atomically; return the file's sha256."""
    table = to_scb_table(grid)
    if path.name.endswith(".gz"):
        data = to_csv_gz_bytes(table)
    else:
        data = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python benchmarks/split_grid.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--mode", required=True, choices=MODES, help="mixed: dela rutor i tätorter; full: dela alla rutor")
    ap.add_argument("--out", required=True, type=Path, help="utfil (.csv eller .csv.gz)")
    ap.add_argument("--grid", type=Path, default=DEFAULT_GRID, help="SCB:s 1 km-rutnät")
    ap.add_argument("--tatorter", type=Path, default=DEFAULT_TATORTER, help="tätortspunkter med area (ha)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="slumpfrö")
    ap.add_argument("--alpha", type=float, default=DEFAULT_ALPHA, help="Dirichlet-koncentration (inf = jämn)")
    ap.add_argument(
        "--disc-scale",
        type=float,
        default=DEFAULT_DISC_SCALE,
        help="faktor på radien för tätortens cirkel med samma area",
    )
    args = ap.parse_args(argv)
    try:
        cells = read_grid(args.grid)
        tatorter = pd.read_csv(args.tatorter) if args.mode == "mixed" else None
        grid = split_grid(cells, tatorter, args.mode, args.seed, alpha=args.alpha, disc_scale=args.disc_scale)
    except (OSError, InputError) as exc:
        print(f"split_grid: {exc}", file=sys.stderr)
        return 2
    sha = write(args.out, grid)
    small = int((grid["size_m"] == SMALL).sum())
    print(
        json.dumps(
            {
                "out": str(args.out),
                "mode": args.mode,
                "seed": args.seed,
                "alpha": args.alpha,
                "disc_scale": args.disc_scale,
                "cells_in": len(cells),
                "cells_split": grid.attrs["split_cells"],
                "population_split": grid.attrs["split_population"],
                "cells": len(grid),
                "cells_250m": small,
                "cells_1km": len(grid) - small,
                "population": int(grid["pop"].sum()),
                "sha256": sha,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
