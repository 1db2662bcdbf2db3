"""Synthetic 250 m grid inside tätorter (issue 10; the committee definition of data/gleshet/definitioner.yaml).

SOU 2024:50 (footnote 7, s. 308) says the measure used 250 m cells in tätorter and 1 km cells elsewhere. SCB's
open grid is 1 km, so the effect is estimated: every 1 km cell whose centre lies within √(area/π) of an SCB
tätort point (tätorter 2020) is split into 16 cells of 250 m, its population spread as evenly as integers
allow (the remainder to the first sub-cells in row order: deterministic). Other cells stay 1 km.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree


def in_tatort(x, y, tatorter: pd.DataFrame) -> np.ndarray:
    tree = cKDTree(np.c_[x, y])
    hit = np.zeros(len(x), bool)
    r = np.sqrt(tatorter["area_ha"].to_numpy(float) * 1e4 / np.pi)
    for px, py, rr in zip(tatorter["x"].to_numpy(float), tatorter["y"].to_numpy(float), r):
        hit[tree.query_ball_point([px, py], rr)] = True
    return hit


def split(cells: pd.DataFrame, tatorter: pd.DataFrame) -> pd.DataFrame:
    """Cell table (x, y, pop, parent) with tätort cells split into 16 × 250 m; ``parent`` = row of the 1 km cell."""
    x, y, pop = cells["x"].to_numpy(float), cells["y"].to_numpy(float), cells["pop"].to_numpy(np.int64)
    s = in_tatort(x, y, tatorter)
    keep = np.flatnonzero(~s)
    sp = np.flatnonzero(s)
    off = (np.arange(4) - 1.5) * 250.0
    ox, oy = np.meshgrid(off, off)
    ox, oy = ox.ravel(), oy.ravel()
    base = pop[sp] // 16
    rem = pop[sp] % 16
    sub_pop = base[:, None] + (np.arange(16)[None, :] < rem[:, None])
    return pd.DataFrame(
        {
            "x": np.r_[x[keep], (x[sp, None] + ox[None, :]).ravel()],
            "y": np.r_[y[keep], (y[sp, None] + oy[None, :]).ravel()],
            "pop": np.r_[pop[keep], sub_pop.ravel()],
            "parent": np.r_[keep, np.repeat(sp, 16)],
        }
    )
