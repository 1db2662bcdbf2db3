"""The committee's medeldistans under a named definition (data/gleshet/definitioner.yaml; docs/decisions.md).

``radius_per_cell(cells, n, name, tatorter)`` gives, for every row of the cell table, the radius (m) needed to
gather ``n`` inhabitants under the definition: the kernel's metric and own-cell options (``geo.gleshet.radii``,
exact and oracle-tested per metric) and — for 1 km grids — the synthetic 250 m split inside tätorter
(``geo.delning_250``; SOU 2024:50 s. 308 footnote 7: 250 m cells in tätorter). A split cell's radius is the
population-weighted mean over its 16 sub-cells (unweighted if it is empty), so the kommun's population-weighted
mean over cells equals the mean over sub-cells.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from engine.errors import InputError
from engine.paths import DATA

DEFINITIONS_FILE = DATA / "gleshet" / "definitioner.yaml"


class DefinitionError(InputError):
    """An unknown definition name or a malformed definitions file (exit 2 in the CLI)."""


@lru_cache(maxsize=1)
def _load() -> dict:
    """The shipped definitions, read once (duplicate keys and invalid YAML are errors naming the file)."""
    from engine.params import load_yaml

    return load_yaml(DEFINITIONS_FILE)


def definitions() -> dict:
    return _load()["definitioner"]


def default_definition() -> str:
    return _load()["standard"]["value"]


def radius_per_cell(
    cells: pd.DataFrame, n: int, name: str | None = None, tatorter: pd.DataFrame | None = None, **kernel
) -> np.ndarray:
    """Radius (m) per cell under definition ``name`` (default: the file's standard). ``kernel``: options passed to
    ``geo.gleshet.radii`` (scheduler, chunk_size)."""
    from geo.delning_250 import split
    from geo.gleshet import radii

    name = name or default_definition()
    defs = definitions()
    if name not in defs:
        raise DefinitionError(f"okänd definition av medeldistansen {name!r}; tillåtna: {', '.join(sorted(defs))}")
    d = defs[name]
    opts = {"metric": d["metric"], "own_cell": d["own_cell"], **kernel}  # the kernel checks both
    one_km = "size_m" not in cells.columns or (cells["size_m"].to_numpy() == 1000).all()
    if d["split_250"] and one_km and tatorter is not None:
        s = split(cells, tatorter)
        r = radii(s["x"].to_numpy(), s["y"].to_numpy(), s["pop"].to_numpy(), (n,), **opts)[:, 0]
        w = s["pop"].to_numpy(dtype="float64")
        par = s["parent"].to_numpy()
        num = np.bincount(par, weights=r * w, minlength=len(cells))
        den = np.bincount(par, weights=w, minlength=len(cells))
        plain = np.bincount(par, weights=r, minlength=len(cells)) / np.bincount(par, minlength=len(cells))
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), plain)
    return radii(cells["x"].to_numpy(), cells["y"].to_numpy(), cells["pop"].to_numpy(), (n,), **opts)[:, 0]
