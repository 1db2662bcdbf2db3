"""CLI conventions and the notebook API: --ut on every command (--out accepted as its older name), -q/-v honoured, one
closing Swedish line naming what was written, scenario batches as frames, the gleshet cells as GeoParquet."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
GRID = ROOT / "tests" / "malformed" / "grid" / "giltig.csv"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from engine.register import FASTA_INDEX_DIR, kommuner
    from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs

    d = tmp_path_factory.mktemp("bas")
    write_demo_inputs(d / "indata", 2024)
    write_demo_bas_utfall(d / "indata", d / "bas")
    k = kommuner()
    ref = pd.read_csv(FASTA_INDEX_DIR / "fasta_index_kommuner_del1.csv").set_index("kommun")
    d3 = np.exp(
        12.0 * (ref.loc[k["kommun"].replace({"Stenungssund": "Stenungsund"}), "glesbygd_hemtjanst"].to_numpy() - 1.0)
    )
    (d / "matt").mkdir()
    pd.DataFrame(
        {
            "kommun_kod": k["kommun_kod"],
            "kommun": k["kommun"],
            "lan_kod": k["lan_kod"],
            "befolkning": np.full(len(k), 30000),
            "avstand_3000_km": np.round(d3, 6),
            "avstand_15000_km": np.round(2.5 * d3, 6),
        }
    ).to_csv(d / "matt" / "kommuner.csv", index=False)
    return d


def _subparsers():
    return build_parser()._subparsers._group_actions[0].choices


def test_one_output_option_name_with_the_old_alias():
    sub = _subparsers()
    for name, p in sub.items():
        if name == "natt":  # the nightly run writes under its configured root
            continue
        assert "--ut" in p._option_string_actions, name
        assert p._option_string_actions["--ut"].dest == "ut", name
        # --out, the older name gleshet and demo had, works on every command so one script serves them all
        assert p._option_string_actions["--out"] is p._option_string_actions["--ut"], name
    a = build_parser().parse_args(["gleshet", "--grid", "g", "--out", "o"])
    assert a.ut == Path("o")
    a = build_parser().parse_args(["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", "i", "--out", "o"])
    assert a.ut == Path("o")


def test_version_and_verbosity_everywhere(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("utjamning ")
    p = build_parser()
    for name in _subparsers():
        for flag in ("-q", "-v"):
            assert flag in _subparsers()[name]._option_string_actions, (name, flag)
    assert p.parse_args(["index", "--matt", "m", "--ut", "u", "-v"]).verbose


def _last_line(err: str) -> str:
    return [x for x in err.splitlines() if x.strip()][-1]


@pytest.mark.parametrize("cmd", ["index", "berakna", "jamfor", "forklara"])
def test_every_command_ends_with_one_line_naming_what_it_wrote(base, tmp_path, capsys, cmd):
    out = tmp_path / ("ut.md" if cmd == "forklara" else "ut")
    argv = {
        "index": ["index", "--matt", str(base / "matt")],
        "berakna": ["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(base / "indata")],
        "jamfor": ["jamfor", "--indata", str(base / "indata"), "--bas-utfall", str(base / "bas")],
        "forklara": ["forklara", "--kommun", "Kiruna", "--indata", str(base / "indata")],
    }[cmd]
    assert main(argv + ["--ut", str(out)]) == 0
    last = _last_line(capsys.readouterr().err)
    assert last.startswith(f"{cmd}: skrev {out}"), last
    if out.is_dir():
        written = sorted(p.name for p in out.iterdir())
        for name in written:  # every file is named (a table's .csv/.parquet once)
            stem, _, suffix = name.partition(".")
            assert name in last or (stem + "{" in last and suffix in last), (name, last)
    assert main(["-q", *argv, "--ut", str(out)]) == 0
    assert "skrev" not in capsys.readouterr().err  # -q: only warnings and errors


def test_forklara_to_stdout_says_so_on_stderr(base, capsys):
    assert main(["forklara", "--kommun", "2584", "--indata", str(base / "indata")]) == 0
    cap = capsys.readouterr()
    assert (
        cap.out.startswith("# Kiruna (2584)") and _last_line(cap.err) == "forklara: skrev förklaringen till standard ut"
    )


def test_gleshet_writes_the_cells_as_geoparquet_and_says_what_it_wrote(tmp_path, capsys):
    import geopandas as gpd
    import pyarrow.parquet as pq

    out = tmp_path / "g"
    assert main(["gleshet", "--grid", str(GRID), "--out", str(out), "--no-karta"]) == 0
    assert _last_line(capsys.readouterr().err).startswith(f"gleshet: skrev {out}: cells{{.geoparquet,.parquet}}")
    g = gpd.read_parquet(out / "cells.geoparquet")
    cells = pd.read_parquet(out / "cells.parquet")
    assert g.crs.to_epsg() == 3006 and len(g) == len(cells) == 3
    np.testing.assert_allclose(g.geometry.area, cells["size_m"] ** 2)  # the cell squares
    np.testing.assert_allclose(g.geometry.centroid.x, cells["x"])
    np.testing.assert_allclose(g.geometry.centroid.y, cells["y"])
    pd.testing.assert_frame_equal(pd.DataFrame(g.drop(columns="geometry")), cells)
    geo = json.loads(pq.read_metadata(out / "cells.geoparquet").metadata[b"geo"])
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "EPSG", "code": 3006}
    assert json.loads((out / "manifest.json").read_text())["outputs"]["cells.geoparquet"]


def test_points_without_a_cell_side_are_points():
    from geo.celler import cell_geometries

    g = cell_geometries(np.array([100.0, 500.0]), np.array([200.0, 700.0]), np.array([250, 0]))
    assert g[0].geom_type == "Polygon" and g[0].area == 250**2 and g[0].bounds == (-25.0, 75.0, 225.0, 325.0)
    assert g[1].geom_type == "Point" and (g[1].x, g[1].y) == (500.0, 700.0)


def test_to_frames_of_a_scenario_batch_equals_the_single_runs(base):
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx, to_frames
    from engine.params import load_params

    ind = load_indata(base / "indata", "sou2024", 2024)
    p = load_params("sou2024")
    vals = {"inkomstutjamning.garantiniva": [1.12, 1.18], "tillagg.administration_andel": [0.10, 0.15]}
    ctx = build_ctx(ind, p.with_batch(vals))
    f = to_frames(ctx, berakna(ctx))
    assert f["kommun"].index.names == ["scenario", "kommun_kod"] and len(f["kommun"]) == 2 * 290
    assert f["region"].index.names == ["scenario", "region_kod"] and len(f["region"]) == 2 * 21
    for s in range(2):
        one = build_ctx(ind, p.with_reform({"namn": "s", "andringar": {k: v[s] for k, v in vals.items()}}))
        ref = to_frames(one, berakna(one))
        for niva in ("kommun", "region"):
            pd.testing.assert_frame_equal(f[niva].xs(s, level="scenario"), ref[niva], rtol=1e-9, atol=1e-8)


def test_api_is_the_command(base, tmp_path):
    import utjamning

    assert (
        main(
            [
                "-q",
                "berakna",
                "--ar",
                "2024",
                "--regelverk",
                "2024",
                "--indata",
                str(base / "indata"),
                "--ut",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    r = utjamning.berakna(utjamning.las_indata(base / "indata"), regelverk="2024", ar=2024)
    pd.testing.assert_frame_equal(r.kommuner, pd.read_parquet(tmp_path / "b" / "kommuner.parquet"))
    summ = pd.read_csv(tmp_path / "b" / "sammanfattning.csv", keep_default_na=False, na_values=[""])
    assert r.sammanfattning["benämning"].tolist() == summ["benämning"].tolist()
    with pytest.raises(Exception) as e:
        utjamning.berakna(base / "indata", regelverk="sou2024", reform={"namn": "x", "andringar": {"finns.inte": 1}})
    assert getattr(e.value, "is_input_error", False)


def test_help_and_argparse_errors_are_swedish(capsys):
    """Every command's --help: Swedish description, argparse's own words in Swedish, Swedish placeholders; argparse's
    error messages translated (exit 2, as before)."""
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    top = capsys.readouterr().out
    assert top.startswith("användning: utjamning") and "\nflaggor:\n" in top and "visa denna hjälp och avsluta" in top
    for name in _subparsers():
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith(f"användning: utjamning {name}"), name
        assert "\nflaggor:\n" in text and "felkoder:" in text, name
        for english in ("usage:", "options:", "show this help", "Writes ", " the ", "DIR", "PATH", "THRESHOLDS"):
            assert english not in text, (name, english)
    cases = (
        (["gleshet"], "utjamning gleshet: fel: följande argument krävs: --grid, --ut/--out"),
        (["bogus"], "utjamning: fel: argument KOMMANDO: ogiltigt val 'bogus' (välj bland 'gleshet',"),
        (
            ["berakna", "--ar", "2024", "--regelverk", "2024", "--ut", "u", "--indata", "i", "--extra"],
            "okända argument",
        ),
        (["forklara", "--kommun", "1", "--region", "2", "--indata", "i"], "kan inte anges tillsammans med --kommun"),
        (["index", "--matt"], "utjamning index: fel: argument --matt: ett värde krävs"),
    )
    for argv, message in cases:
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("användning: utjamning") and message in err, (argv, err)
