"""Choropleth maps of per-kommun measures (the `karta.png` of `utjamning gleshet`).

Log colour scale: the radius to gather 3 000 inhabitants spans two orders of magnitude (≈0,3 km in the cities,
> 50 km in the inland north), so a linear scale would show one colour for most of the country.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd


def plot_kommun_choropleth(boundaries: gpd.GeoDataFrame, values: pd.Series, path: str | Path, *, column: str,
                           title: str, cmap: str = "viridis", dpi: int = 150) -> Path:
    """Draw ``values`` (indexed by kommun_kod) on the kommun polygons (EPSG:3006) with a logarithmic colour bar and
    write a PNG. Kommuner without a positive value are drawn in grey and counted in the footnote."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    g = boundaries.to_crs(3006).merge(values.rename(column), left_on="kommun_kod", right_index=True, how="left")
    v = g[column].to_numpy(dtype="float64")
    ok = np.isfinite(v) & (v > 0)
    fig, ax = plt.subplots(figsize=(6.2, 10.5))
    if (~ok).any():
        g[~ok].plot(ax=ax, color="#d0d0d0", edgecolor="white", linewidth=0.2)
    norm = LogNorm(vmin=float(np.min(v[ok])), vmax=float(np.max(v[ok]))) if ok.any() else None
    g[ok].plot(ax=ax, column=column, cmap=cmap, norm=norm, edgecolor="white", linewidth=0.2)
    if norm is not None:
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
        cb = fig.colorbar(sm, ax=ax, shrink=0.55, pad=0.02)
        cb.set_label(f"{column} (km, log scale)")
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    note = f"{int(ok.sum())} kommuner; EPSG:3006"
    if (~ok).any():
        note += f"; {int((~ok).sum())} without value (grey)"
    fig.text(0.02, 0.015, note, fontsize=7, color="#555555")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=dpi, metadata={"Software": None})   # no version string: same map → same bytes
    plt.close(fig)
    return path
