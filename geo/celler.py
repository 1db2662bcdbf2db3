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


#: Cells per row group: the geometries of one group at a time are in memory (shapely objects take ~450 bytes a
#: cell), so that a national 250 m grid (≈ 0,8 M cells) is written in well under the CLI's 1 GB.
ROW_GROUP_CELLS = 100_000


def write_geoparquet(cells: pd.DataFrame, path: str | Path) -> Path:
    """``cells`` (columns x, y, size_m and any others, kept as attributes) as GeoParquet at ``path``, written
    ROW_GROUP_CELLS rows at a time with geopandas' own encoding; the file's ``geo`` metadata (CRS, geometry
    types, bbox) is geopandas' for the whole table."""
    import json

    import geopandas as gpd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from geopandas.io.arrow import _create_metadata

    cells = cells.reset_index(drop=True)
    x, y, s = (cells[c].to_numpy(dtype="float64") for c in ("x", "y", "size_m"))
    h = np.where(s > 0, s / 2.0, 0.0)
    bounds = (
        [float((x - h).min()), float((y - h).min()), float((x + h).max()), float((y + h).max())] if len(cells) else None
    )
    types = sorted({"Polygon" if v > 0 else "Point" for v in np.unique(s)})
    writer = None
    try:
        for start in range(0, max(len(cells), 1), ROW_GROUP_CELLS):
            part = cells.iloc[start : start + ROW_GROUP_CELLS]
            g = gpd.GeoDataFrame(part, geometry=cell_geometries(part["x"], part["y"], part["size_m"]), crs=CRS)
            table = pa.table(g.to_arrow(index=False, geometry_encoding="WKB"))
            if writer is None:
                geo = _create_metadata(g)
                geo["columns"]["geometry"]["geometry_types"] = types
                if bounds is None:
                    geo["columns"]["geometry"].pop("bbox", None)
                else:
                    geo["columns"]["geometry"]["bbox"] = bounds
                schema = table.schema.with_metadata(
                    {**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode("utf-8")}
                )
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(table.cast(schema))
    finally:
        if writer is not None:
            writer.close()
    return Path(path)
