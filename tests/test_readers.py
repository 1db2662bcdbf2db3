"""Tests of geo/readers.py and geo/errors.py: every format on small files written here, every kind of bad
input, and the national SCB 1 km grid (../shared/data)."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from geo.errors import GridInputError
from geo.readers import COLUMNS, SWEDEN_BOX_3006, detect_format, read_grid


def _write(path, text: str, bom: bool = False):
    data = ("\ufeff" if bom else "") + text
    if str(path).endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
            fh.write(data)
    else:
        path.write_text(data, encoding="utf-8", newline="")
    return path


def _check_table(df, fmt):
    assert list(df.columns) == COLUMNS
    assert [str(t) for t in df.dtypes[["x", "y", "size_m", "pop"]]] == ["float64", "float64", "int64", "int64"]
    assert pd.api.types.is_string_dtype(df["cell_id"])
    assert df.attrs["crs"] == "EPSG:3006" and df.attrs["format"] == fmt


def _error(path, **kw) -> GridInputError:
    with pytest.raises(GridInputError) as info:
        read_grid(path, **kw)
    err = info.value
    assert err.is_input_error and isinstance(err, ValueError)
    assert str(path) in str(err)
    return err


# ------------------------------------------------------------------------------------------------ SCB


def test_scb_csv_1km_semicolon_bom_and_zero_pop(tmp_path):
    p = _write(
        tmp_path / "rutor.csv", "Rutid_SCB;Beftotalt\n2690006534000;7\n6740006580000;0\n6750006580000;1234\n", bom=True
    )
    assert detect_format(p) == "scb"
    df = read_grid(p)
    _check_table(df, "scb")
    assert df["cell_id"].tolist() == ["2690006534000", "6740006580000", "6750006580000"]
    assert df["x"].tolist() == [269500.0, 674500.0, 675500.0]
    assert df["y"].tolist() == [6534500.0, 6580500.0, 6580500.0]
    assert df["size_m"].tolist() == [1000] * 3
    assert df["pop"].tolist() == [7, 0, 1234]  # the zero-pop cell is kept
    assert df.attrs["source"] == str(p)


def test_scb_csv_gz_comma_and_float_text_population(tmp_path):
    p = _write(tmp_path / "rutor.csv.gz", "ruta,pop\n6740006580000,3.0\n6740006581000,12\n")
    df = read_grid(p, "scb")
    assert df["pop"].tolist() == [3, 12]  # "3.0" is an integer count
    assert df["y"].tolist() == [6580500.0, 6581500.0]


def test_scb_mixed_250_and_1000_with_rutstorlek(tmp_path):
    p = _write(
        tmp_path / "mixed.csv",
        "rutid;rutstorlek;beftotalt\n"
        "6740006580000;1000;50\n"  # 1 km cell
        "6750006580000;250;10\n"  # 250 m cell at a 1000 m corner
        "6752506580750;250;20\n",
    )  # 250 m cell at 250 m corners
    df = read_grid(p)
    assert df["size_m"].tolist() == [1000, 250, 250]
    assert df["x"].tolist() == [674500.0, 675125.0, 675375.0]
    assert df["y"].tolist() == [6580500.0, 6580125.0, 6580875.0]
    assert df["pop"].sum() == 80


def test_scb_250_grid_needs_size_column_or_cell_size(tmp_path):
    p = _write(tmp_path / "r250.csv", "rutid;beftotalt\n6740006580000;5\n6740006580250;6\n")
    err = _error(p)
    assert len(err.problems) == 1
    assert "rutstorlek" in str(err) and "cell_size" in str(err) and "rad 2" in str(err)
    df = read_grid(p, cell_size=250)
    assert df["x"].tolist() == [674125.0, 674125.0] and df["y"].tolist() == [6580125.0, 6580375.0]
    assert df["size_m"].tolist() == [250, 250]


def test_scb_overlapping_mixed_cells_are_listed(tmp_path):
    p = _write(
        tmp_path / "overlap.csv",
        "rutid;rutstorlek;beftotalt\n"
        "6740006580000;1000;50\n"
        "6745006580250;250;10\n"  # inside the 1 km cell of row 1
        "6760006580000;250;10\n",
    )  # elsewhere: fine
    err = _error(p)
    assert len(err.problems) == 1
    pr = err.problems[0]
    assert pr.row == 2 and "6745006580250" in pr.message and "6740006580000" in pr.message and "rad 1" in pr.message


def test_scb_corner_not_multiple_of_cell_size(tmp_path):
    p = _write(tmp_path / "off.csv", "rutid;rutstorlek;beftotalt\n6740006580000;1000;1\n6742506580000;1000;1\n")
    err = _error(p)
    assert [q.row for q in err.problems] == [2] and "inte en multipel av rutstorleken 1000" in str(err)


def test_scb_geopackage_matches_csv(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    corners = [(674000, 6580000), (675000, 6580000), (500000, 6874000)]
    gdf = gpd.GeoDataFrame(
        {"Rutid": [int(f"{e:06d}{n:07d}") for e, n in corners], "Beftotalt": [3, 0, 41]},
        geometry=[box(e, n, e + 1000, n + 1000) for e, n in corners],
        crs="EPSG:3006",
    )
    p = tmp_path / "rutor.gpkg"
    gdf.to_file(p, driver="GPKG", engine="pyogrio")
    assert detect_format(p) == "scb"
    df = read_grid(p)
    _check_table(df, "scb")
    assert df["cell_id"].tolist() == ["6740006580000", "6750006580000", "5000006874000"]
    centroids = gdf.geometry.centroid
    np.testing.assert_array_equal(df["x"], centroids.x)
    np.testing.assert_array_equal(df["y"], centroids.y)
    assert df["pop"].tolist() == [3, 0, 41]


# ------------------------------------------------------------------------------------------------ GEOSTAT


def test_geostat_csv_reprojects_centre(tmp_path):
    # lon 15°E, lat 62°N lies in the cell with SW corner E 4 583 000, N 4 331 000 of EPSG:3035 (1 km); in
    # SWEREF 99 TM (central meridian 15°E, false easting 500 000) that point is E 500 000, N 6 874 180.15.
    lon15 = Transformer.from_crs(4326, 3035, always_xy=True).transform(15.0, 62.0)
    assert (math.floor(lon15[0] / 1000) * 1000, math.floor(lon15[1] / 1000) * 1000) == (4583000, 4331000)
    p = _write(
        tmp_path / "geostat.csv",
        "GRD_ID,TOT_P,CNTR_ID\n"
        "CRS3035RES1000mN4331000E4583000,120,SE\n"
        "1kmN4332E4583,7,SE\n"
        "CRS3035RES1000mN4100000E4800000,0,SE\n",
    )
    assert detect_format(p) == "geostat"
    df = read_grid(p)
    _check_table(df, "geostat")
    t = Transformer.from_crs("EPSG:3035", "EPSG:3006", always_xy=True)
    ex, ey = t.transform([4583500.0, 4583500.0, 4800500.0], [4331500.0, 4332500.0, 4100500.0])
    np.testing.assert_allclose(df["x"], ex, rtol=0, atol=1e-6)
    np.testing.assert_allclose(df["y"], ey, rtol=0, atol=1e-6)
    assert df["cell_id"].tolist()[0] == "CRS3035RES1000mN4331000E4583000"
    assert df["size_m"].tolist() == [1000, 1000, 1000]
    assert df["pop"].tolist() == [120, 7, 0]
    # known point: the centre is the 15°E/62°N point moved by the in-cell offset (−281.9 m, +103.8 m in 3035);
    # both projections are near-isometric here, so the distance in SWEREF 99 TM is ≈300 m
    d = math.hypot(df["x"][0] - 500000.0, df["y"][0] - 6874180.15)
    assert d == pytest.approx(math.hypot(lon15[0] - 4583500, lon15[1] - 4331500), abs=5.0)
    assert df["x"][0] < 500000.0 < df["x"][0] + 500  # west of 15°E, as the offset says


def test_geostat_alternative_population_column(tmp_path):
    p = _write(tmp_path / "census.csv", "grd_id;OBS_VALUE_T\nCRS3035RES1000mN4331000E4583000;5\n")
    assert read_grid(p, "geostat")["pop"].tolist() == [5]


# ------------------------------------------------------------------------------------------------ raster


def _tif(path, arr, crs, transform, nodata=None):
    import rasterio

    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=arr.shape[0],
        width=arr.shape[1],
        count=1,
        dtype=arr.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(arr, 1)
    return path


def test_raster_3006_pixels_with_counts(tmp_path):
    from rasterio.transform import from_origin

    arr = np.array([[0, 5, -1], [7, 0, 2]], dtype="int32")  # -1 = nodata
    p = _tif(tmp_path / "pop.tif", arr, "EPSG:3006", from_origin(500000, 6600000, 1000, 1000), nodata=-1)
    df = read_grid(p)
    _check_table(df, "raster")
    assert df["cell_id"].tolist() == ["r0c1", "r1c0", "r1c2"]
    assert df["x"].tolist() == [501500.0, 500500.0, 502500.0]
    assert df["y"].tolist() == [6599500.0, 6598500.0, 6598500.0]
    assert df["size_m"].tolist() == [1000] * 3
    assert df["pop"].tolist() == [5, 7, 2]


def test_raster_3035_reprojected_and_nan_ignored(tmp_path):
    from rasterio.transform import from_origin

    arr = np.array([[3.0, np.nan], [0.0, 4.0]], dtype="float32")
    p = _tif(tmp_path / "laea.tiff", arr, "EPSG:3035", from_origin(4583000, 4332000, 1000, 1000))
    df = read_grid(p, "raster")
    t = Transformer.from_crs("EPSG:3035", "EPSG:3006", always_xy=True)
    ex, ey = t.transform([4583500.0, 4584500.0], [4331500.0, 4330500.0])
    np.testing.assert_allclose(df["x"], ex, atol=1e-6)
    np.testing.assert_allclose(df["y"], ey, atol=1e-6)
    assert df["cell_id"].tolist() == ["r0c0", "r1c1"] and df["pop"].tolist() == [3, 4]
    assert df["size_m"].tolist() == [1000, 1000]


def test_raster_without_crs_needs_crs_and_non_integer_counts_are_errors(tmp_path):
    from rasterio.transform import from_origin

    arr = np.array([[1.0, 2.0]], dtype="float64")
    p = _tif(tmp_path / "nocrs.tif", arr, None, from_origin(500000, 6600000, 250, 250))
    err = _error(p)
    assert "saknar koordinatsystem" in str(err)
    df = read_grid(p, crs="EPSG:3006")
    assert df["x"].tolist() == [500125.0, 500375.0] and df["size_m"].tolist() == [250, 250]

    bad = _tif(
        tmp_path / "frac.tif",
        np.array([[1.0, 2.5], [0.0, -3.0]]),
        "EPSG:3006",
        from_origin(500000, 6600000, 1000, 1000),
    )
    err = _error(bad)
    msg = str(err)
    assert len(err.problems) == 2
    assert "pixel rad 0, kolumn 1: värdet 2.5 är inte ett heltal" in msg
    assert "pixel rad 1, kolumn 1: värdet -3 är negativt" in msg


def test_raster_geographic_pixels_have_size_0_and_crs_conflict_is_an_error(tmp_path):
    from rasterio.transform import from_origin

    p = _tif(tmp_path / "wgs.tif", np.array([[1, 2]], dtype="int32"), "EPSG:4326", from_origin(15, 62, 0.01, 0.01))
    df = read_grid(p)
    ex, ey = Transformer.from_crs(4326, 3006, always_xy=True).transform([15.005, 15.015], [61.995, 61.995])
    np.testing.assert_allclose(df["x"], ex, atol=1e-6)
    np.testing.assert_allclose(df["y"], ey, atol=1e-6)
    assert df["size_m"].tolist() == [0, 0]  # degrees: no metric cell side
    assert "skiljer sig från det angivna 'EPSG:3006'" in str(_error(p, crs="EPSG:3006"))
    assert "ogiltigt koordinatsystem 'bogus'" in str(_error(p, crs="bogus"))


def test_geostat_geopackage(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame(
        {"GRD_ID": ["CRS3035RES1000mN4331000E4583000"], "T": [9]},
        geometry=[box(4583000, 4331000, 4584000, 4332000)],
        crs="EPSG:3035",
    )
    p = tmp_path / "census2021.gpkg"
    gdf.to_file(p, driver="GPKG", engine="pyogrio")
    assert detect_format(p) == "geostat"
    df = read_grid(p)
    c = gdf.geometry.centroid.to_crs(3006)
    assert df["x"][0] == pytest.approx(c.x[0], abs=1e-6) and df["y"][0] == pytest.approx(c.y[0], abs=1e-6)
    assert df["pop"].tolist() == [9]


# ------------------------------------------------------------------------------------------------ points


def test_points_wgs84(tmp_path):
    p = _write(tmp_path / "pts.csv", "id,x,y,pop\nA,18.0686,59.3293,100\nB,15.0,62.0,0\n")
    assert detect_format(p) == "points"
    df = read_grid(p, crs="EPSG:4326")
    _check_table(df, "points")
    ex, ey = Transformer.from_crs(4326, 3006, always_xy=True).transform([18.0686, 15.0], [59.3293, 62.0])
    np.testing.assert_allclose(df["x"], ex, atol=1e-9)
    np.testing.assert_allclose(df["y"], ey, atol=1e-9)
    assert df["x"][1] == pytest.approx(500000.0, abs=1e-6)  # 15°E is SWEREF 99 TM's central meridian
    assert df["cell_id"].tolist() == ["A", "B"] and df["size_m"].tolist() == [0, 0] and df["pop"].tolist() == [100, 0]


def test_points_parquet_without_id_and_crs_required(tmp_path):
    p = tmp_path / "pts.parquet"
    pd.DataFrame({"x": [674500.0, 675500.0], "y": [6580500.0, 6580500.0], "pop": [1, 2]}).to_parquet(p)
    df = read_grid(p, "points", "EPSG:3006")
    assert df["cell_id"].tolist() == ["p1", "p2"] and df["x"].tolist() == [674500.0, 675500.0]
    err = _error(p, fmt="points")
    assert "koordinatsystemet" in str(err) and "EPSG:4326" in str(err)


def test_points_in_wrong_crs_are_outside_sweden(tmp_path):
    p = _write(tmp_path / "pts.csv", "x,y,pop\n674500,6580500,1\n")
    err = _error(p, crs="EPSG:4326")  # metres declared as degrees
    assert "rad 1" in str(err) and "utanför Sveriges utsträckning" in str(err)


# ------------------------------------------------------------------------------------------------ bad input


def test_file_not_found_and_unreadable(tmp_path):
    err = _error(tmp_path / "missing.csv")
    assert "filen finns inte" in str(err)
    bad = tmp_path / "broken.csv.gz"
    bad.write_bytes(b"not gzip at all")
    assert "kan inte läsas" in str(_error(bad, fmt="scb"))
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"\x00\x01garbage")
    assert "kan inte läsas" in str(_error(junk, fmt="scb"))
    other = _write(tmp_path / "grid.xyz", "a\n")
    assert "format" in str(_error(other))


def test_missing_columns_name_the_columns_found(tmp_path):
    p = _write(tmp_path / "cols.csv", "rutid_scb;folk\n6740006580000;3\n")
    err = _error(p)
    assert len(err.problems) == 1
    assert "befolkningen" in str(err) and "'rutid_scb', 'folk'" in str(err)
    p2 = _write(tmp_path / "nothing.csv", "a;b\n1;2\n")
    assert "'a', 'b'" in str(_error(p2))
    p3 = _write(tmp_path / "geo.csv", "GRD_ID,CNTR_ID\nCRS3035RES1000mN4331000E4583000,SE\n")
    assert "TOT_P" in str(_error(p3))


def test_empty_grid(tmp_path):
    p = _write(tmp_path / "empty.csv", "rutid_scb;beftotalt\n")
    assert "tomt" in str(_error(p))
    p2 = _write(tmp_path / "nothing.csv", "")
    assert "tom" in str(_error(p2, fmt="scb"))


@pytest.mark.parametrize(
    "value, text",
    [
        ("-4", "befolkningen '-4' är negativ"),
        ("", "befolkningen saknas"),
        ("2.5", "befolkningen '2.5' är inte ett heltal"),
        ("abc", "befolkningen 'abc' är inte ett tal"),
        ("nan", "befolkningen 'nan' är inte ett tal"),
        ("inf", "befolkningen 'inf' är inte ändlig"),
        ("9e15", "befolkningen '9e15' är orimligt stor (högst 15 000 000"),
        ("1e19", "befolkningen '1e19' är orimligt stor"),  # beyond int64: no overflow
    ],
)
def test_bad_population(tmp_path, value, text):
    p = _write(tmp_path / "pop.csv", f"rutid_scb;beftotalt\n6740006580000;3\n6740006581000;{value}\n")
    err = _error(p)
    assert len(err.problems) == 1
    assert (
        err.problems[0].row == 2 and err.problems[0].column == "beftotalt" and err.problems[0].message.startswith(text)
    )
    assert f"rad 2, kolumn 'beftotalt': {text}" in str(err)


@pytest.mark.parametrize(
    "cell, text",
    [
        ("674000658000", "har 12 tecken"),
        ("67400065800000", "har 14 tecken"),
        ("67400X6580000", "är inte bara siffror"),
        ("", "är tomt"),
    ],
)
def test_bad_ids(tmp_path, cell, text):
    p = _write(tmp_path / "ids.csv", f"rutid_scb;beftotalt\n6740006580000;3\n{cell};4\n")
    err = _error(p)
    assert len(err.problems) == 1 and err.problems[0].row == 2
    assert text in str(err) and "13 siffror" in str(err)


def test_duplicate_ids_list_both_rows(tmp_path):
    p = _write(tmp_path / "dup.csv", "rutid_scb;beftotalt\n6740006580000;3\n6750006580000;1\n6740006580000;4\n")
    err = _error(p)
    assert len(err.problems) == 1
    assert err.problems[0].row == 3 and "också på rad 1" in str(err) and "rader 1, 3" in str(err)
    g = _write(
        tmp_path / "dup_geostat.csv",
        "GRD_ID,TOT_P\nCRS3035RES1000mN4331000E4583000,1\nCRS3035RES1000mN4331000E4583000,2\n",
    )
    assert "GRD_ID 'CRS3035RES1000mN4331000E4583000' förekommer flera gånger" in str(_error(g))


def test_outside_sweden(tmp_path):
    p = _write(tmp_path / "far.csv", "rutid_scb;beftotalt\n6740006580000;3\n1000001000000;4\n")
    err = _error(p)
    assert len(err.problems) == 1 and err.problems[0].row == 2
    assert "utanför Sveriges utsträckning" in str(err) and "E=100500.0" in str(err)
    g = _write(tmp_path / "far_geostat.csv", "GRD_ID,TOT_P\nCRS3035RES1000mN3210000E4320000,1\n")  # Germany
    err = _error(g)
    assert "rad 1" in str(err) and "utanför Sveriges utsträckning" in str(err) and "EPSG:3035" in str(err)
    e0, n0, e1, n1 = SWEDEN_BOX_3006
    assert (e0, n0, e1, n1) == (180_000.0, 6_100_000.0, 1_000_000.0, 7_700_000.0)


def test_three_problems_reported_together(tmp_path):
    p = _write(
        tmp_path / "three.csv",
        "rutid_scb;beftotalt\n"
        "6740006580000;3\n"
        "67400065800;1\n"  # row 2: wrong length
        "6750006580000;-2\n"  # row 3: negative
        "6740006580000;5\n",
    )  # row 4: duplicate of row 1
    err = _error(p)
    assert [q.row for q in err.problems] == [2, 3, 4]
    msg = str(err)
    assert "3 problem" in msg
    assert "rad 2" in msg and "11 tecken" in msg
    assert "rad 3" in msg and "negativ" in msg
    assert "rad 4" in msg and "rut-id '6740006580000' förekommer flera gånger" in msg


def test_message_is_capped_but_all_problems_kept(tmp_path):
    rows = "".join(f"674000{6580000 + 1000 * i}; -1\n" for i in range(60))
    p = _write(tmp_path / "many.csv", "rutid_scb;beftotalt\n" + rows)
    err = _error(p)
    assert len(err.problems) == 60
    msg = str(err)
    assert "60 problem" in msg and "… och 10 till" in msg and "rad 50," in msg and "rad 51," not in msg


def test_infinite_and_huge_raster_pixels_are_errors_naming_the_pixel(tmp_path):
    from rasterio.transform import from_origin

    t = from_origin(500000, 6600000, 1000, 1000)
    p = _tif(tmp_path / "inf.tif", np.array([[1.0, np.inf], [np.nan, 1e19]]), "EPSG:3006", t)
    msg = str(_error(p))
    assert "pixel rad 0, kolumn 1: värdet inf är inte ändligt" in msg  # not silently dropped like NaN
    assert "pixel rad 1, kolumn 1: värdet 1e+19 är orimligt stort" in msg
    assert "pixel rad 1, kolumn 0" not in msg  # NaN stays nodata
    ok = _tif(tmp_path / "nan.tif", np.array([[1.0, np.nan]]), "EPSG:3006", t)
    assert read_grid(ok)["pop"].tolist() == [1]


@pytest.mark.parametrize(
    "body", ["6740006580000;0\n6750006580000;0\n", "6740006580000;9000000\n6750006580000;9000000\n"]
)
def test_the_grids_total_population_must_be_plausible(tmp_path, body):
    p = _write(tmp_path / "tot.csv", "rutid_scb;beftotalt\n" + body)
    msg = str(_error(p))
    assert "rutnätets befolkning summerar till" in msg and ("0 invånare" in msg or "18 000 000" in msg)
    z = _tif(
        tmp_path / "zero.tif",
        np.zeros((2, 2)),
        "EPSG:3006",
        __import__("rasterio").transform.from_origin(500000, 6600000, 1000, 1000),
    )
    assert "rutnätet är tomt" in str(_error(z))


def test_cli_prints_one_message_and_exits_2(tmp_path, capsys):
    from pipelines.cli import main

    p = _write(tmp_path / "bad.csv", "rutid_scb;beftotalt\n6740006580000;-1\n")
    assert main(["gleshet", "--grid", str(p), "--out", str(tmp_path / "out"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "rad 1" in err and "negativ" in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------------------------------ real data


@pytest.mark.shared
def test_national_scb_grid(shared_data):
    path = shared_data / "scb_grid_1km_2024" / "befolkning_1km_2024.csv.gz"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    df = read_grid(path)
    _check_table(df, "scb")
    assert len(df) == 103_464
    assert int(df["pop"].sum()) == 10_560_818
    assert df["cell_id"].is_unique and (df["size_m"] == 1000).all()
    assert ((df["x"] - 500) % 1000 == 0).all() and ((df["y"] - 500) % 1000 == 0).all()
    first = df.iloc[0]
    assert (first["cell_id"], first["x"], first["y"]) == ("2690006534000", 269500.0, 6534500.0)


@pytest.mark.shared
def test_dalarna_file_centres_match_its_own_e_n(shared_data):
    path = shared_data / "dalarna_grid_1km_2025" / "befolkning_1km_2025_dalarna.csv"
    if not path.is_file():
        pytest.skip(f"{path} absent")
    df = read_grid(path)  # rutid + befolkning_2025 (befolkning_65_plus_2025 is not taken)
    raw = pd.read_csv(path, encoding="utf-8-sig")
    assert len(df) == 4004 and int(df["pop"].sum()) == 285_587 == int(raw["befolkning_2025"].sum())
    np.testing.assert_allclose(df["x"], raw["e"], atol=0.01)  # the file's e, n are cell centres
    np.testing.assert_allclose(df["y"], raw["n"], atol=0.01)
