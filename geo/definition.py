"""The committee's medeldistans under a named definition (data/gleshet/definitioner.yaml; docs/decisions.md).

``radius_per_cell(cells, n, name, tatorter)`` gives, for every row of the cell table, the radius (m) needed to
gather ``n`` inhabitants under the definition: metric, own cell counted or not, and — for 1 km grids — the
synthetic 250 m split inside tätorter (SOU 2024:50 s. 308 footnote 7: 250 m cells in tätorter). A split cell's
radius is the population-weighted mean over its 16 sub-cells (unweighted if it is empty), so the kommun's
population-weighted mean over cells equals the mean over sub-cells.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

DEFINITIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "gleshet" / "definitioner.yaml"


def definitions() -> dict:
    return yaml.safe_load(DEFINITIONS_FILE.read_text(encoding="utf-8"))["definitioner"]


def default_definition() -> str:
    return yaml.safe_load(DEFINITIONS_FILE.read_text(encoding="utf-8"))["standard"]["value"]


def radius_per_cell(cells: pd.DataFrame, n: int, name: str | None = None,
                    tatorter: pd.DataFrame | None = None) -> np.ndarray:
    """Radius (m) per cell under definition ``name`` (default: the file's standard)."""
    from geo.delning_250 import split
    from geo.radier_varianter import radii

    name = name or default_definition()
    d = definitions()[name]
    one_km = "size_m" not in cells.columns or (cells["size_m"].to_numpy() == 1000).all()
    if d["split_250"] and one_km and tatorter is not None:
        s = split(cells, tatorter)
        r = radii(s["x"].to_numpy(), s["y"].to_numpy(), s["pop"].to_numpy(), n, metric=d["metric"],
                  own_cell=d["own_cell"], half=125.0)
        w = s["pop"].to_numpy(dtype="float64")
        par = s["parent"].to_numpy()
        num = np.bincount(par, weights=r * w, minlength=len(cells))
        den = np.bincount(par, weights=w, minlength=len(cells))
        plain = np.bincount(par, weights=r, minlength=len(cells)) / np.bincount(par, minlength=len(cells))
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), plain)
    half = cells["size_m"].to_numpy(dtype="float64") / 2 if "size_m" in cells.columns else 500.0
    return radii(cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy(), n, metric=d["metric"],
                 own_cell=d["own_cell"], half=float(np.max(half)) if np.ndim(half) else half)
