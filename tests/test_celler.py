"""cells.geoparquet written in row groups (bounded memory) is the file geopandas writes in one piece."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd


def test_row_groups_give_the_same_layer_and_metadata(tmp_path, monkeypatch):
    import geopandas as gpd
    import pyarrow.parquet as pq

    from geo import celler

    cells = pd.DataFrame(
        {
            "cell_id": ["a", "b", "c", "d", "e"],
            "x": [500.0, 1500.0, 125.0, 375.0, 900.0],
            "y": [500.0, 500.0, 2125.0, 2125.0, 7000.0],
            "size_m": [1000, 1000, 250, 250, 0],
            "pop": [1, 2, 3, 4, 5],
        }
    )
    whole = gpd.GeoDataFrame(cells, geometry=celler.cell_geometries(cells.x, cells.y, cells.size_m), crs=celler.CRS)
    whole.to_parquet(tmp_path / "whole.geoparquet", index=False)
    monkeypatch.setattr(celler, "ROW_GROUP_CELLS", 2)
    celler.write_geoparquet(cells, tmp_path / "groups.geoparquet")
    assert pq.read_metadata(tmp_path / "groups.geoparquet").num_row_groups == 3
    back = gpd.read_parquet(tmp_path / "groups.geoparquet")
    assert back.crs.to_epsg() == 3006 and back.geometry.geom_equals(whole.geometry).all()
    pd.testing.assert_frame_equal(pd.DataFrame(back.drop(columns="geometry")), cells)
    geo = [
        json.loads(pq.read_metadata(tmp_path / f).metadata[b"geo"]) for f in ("whole.geoparquet", "groups.geoparquet")
    ]
    assert geo[0] == geo[1] and geo[1]["columns"]["geometry"]["bbox"] == [0.0, 0.0, 2000.0, 7000.0]
    np.testing.assert_allclose(back.geometry.area, [1e6, 1e6, 62_500, 62_500, 0])
