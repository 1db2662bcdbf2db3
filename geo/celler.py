"""The cell table as GeoParquet: every grid cell as its square (side ``size_m`` around the centre x, y), or as a
point where the input gave no cell side (the ``points`` format), in SWEREF 99 TM — the CRS (EPSG:3006) is written
into the file's GeoParquet metadata, so QGIS, geopandas or DuckDB open it as a map layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

CRS = "EPSG:3006"


def cell_geometries(x: np.ndarray, y: np.ndarray, size_m: np.ndarray) -> np.ndarray:
    """Squares of side ``size_m`` centred on (x, y); a point where ``size_m`` is 0."""
    import shapely

    x, y, s = (np.asarray(a, dtype="float64") for a in (x, y, size_m))
    h = s / 2.0
    return np.where(s > 0, shapely.box(x - h, y - h, x + h, y + h), shapely.points(x, y))


def write_geoparquet(cells: pd.DataFrame, path: str | Path) -> Path:
    """``cells`` (columns x, y, size_m and any others, kept as attributes) as GeoParquet at ``path``."""
    import geopandas as gpd

    g = gpd.GeoDataFrame(
        cells.reset_index(drop=True), geometry=cell_geometries(cells["x"], cells["y"], cells["size_m"]), crs=CRS
    )
    g.to_parquet(path, index=False)
    return Path(path)
