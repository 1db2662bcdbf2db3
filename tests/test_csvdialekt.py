"""CSV for Swedish Excel: every command that writes CSV takes --csv excel-sv (';', decimal comma, UTF-8 with BOM;
the default stays ',' and '.'), and every reader takes that dialect — and Windows-1252 — with the same numbers as
the standard file gives."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from engine.indata import load_indata, read_csv_text
from engine.register import DATA
from pipelines.cli import build_parser, main
from pipelines.csvdialekt import konvertera, write_csv
from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def indata(tmp_path_factory):
    return write_demo_inputs(tmp_path_factory.mktemp("indata"), 2024)


def _excel_sv_copy(src, dst, encoding=None):
    """``src`` (a directory of the tool's CSVs) as Swedish Excel writes it: ';', decimal comma, BOM (or, with
    ``encoding='cp1252'``, Windows-1252 without BOM)."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in sorted(src.glob("*.csv")):
        shutil.copyfile(f, dst / f.name)
        konvertera(dst / f.name, "excel-sv")
        if encoding:
            text = (dst / f.name).read_bytes().removeprefix(BOM).decode("utf-8")
            (dst / f.name).write_bytes(text.encode(encoding))
    return dst


def test_write_csv_dialects():
    df = pd.DataFrame(
        {
            "kommun_kod": ["0114", "2584"],
            "kommun": ["Upplands Väsby", "Kiruna"],
            "v": [1234.5, -0.25],
            "n": [3, 4],
            "index": ["0.9972", "1.0000"],
        }
    ).set_index("kommun_kod")
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        sv = write_csv(df, f"{d}/sv.csv", "excel-sv", float_format="%.2f").read_bytes()
        std = write_csv(df, f"{d}/std.csv", float_format="%.2f").read_bytes()
    assert sv == (
        BOM + "kommun_kod;kommun;v;n;index\n0114;Upplands Väsby;1234,50;3;0,9972\n2584;Kiruna;-0,25;4;1,0000\n".encode()
    )
    assert (
        std
        == "kommun_kod,kommun,v,n,index\n0114,Upplands Väsby,1234.50,3,0.9972\n2584,Kiruna,-0.25,4,1.0000\n".encode()
    )
    assert pd.read_csv(io.BytesIO(sv), sep=";", decimal=",", encoding="utf-8-sig")["v"].tolist() == [1234.5, -0.25]


def test_gleshet_counts_are_written_as_integers_despite_float_format(tmp_path):
    """The gleshet and index columns are catalogued in the measures' table ("matt"): without a table the lookup falls
    back to it, so populations held as floats (a kommun without a value) are written 3408875, not 3408875.000000,
    also with the float_format the gleshet command passes; a km column keeps its decimals."""
    df = pd.DataFrame(
        {
            "kommun_kod": ["0180", "2584", "0114"],
            "regionalt_befolkningsunderlag": [3408875.0, 22193.0, np.nan],
            "lokalt_befolkningsunderlag": [984748.0, 17003.0, 41287.0],
            "pop": [984748.0, 22193.0, 48000.0],
            "o_befolkning": [0.0, 0.0, np.nan],
            "n_at_floor": [2.0, 0.0, 1.0],
            "folkmangd_referens": [984748.0, 22193.0, 48000.0],
            "avvikelse": [0.0, -1.0, 3.0],
            "medeldistans_km": [1.25, 20.0, 3.5],
        }
    )
    want = (
        "kommun_kod,regionalt_befolkningsunderlag,lokalt_befolkningsunderlag,pop,o_befolkning,n_at_floor,"
        "folkmangd_referens,avvikelse,medeldistans_km\n"
        "0180,3408875,984748,984748,0,2,984748,0,1.250000\n"
        "2584,22193,17003,22193,0,0,22193,-1,20.000000\n"
        "0114,,41287,48000,,1,48000,3,3.500000\n"
    )
    for tabell in (None, "matt"):
        p = write_csv(df, tmp_path / f"{tabell}.csv", float_format="%.6f", index=False, tabell=tabell)
        assert p.read_text(encoding="utf-8") == want, tabell
    # an explicit table is the only lookup: the engine's own catalogue does not count these columns
    p = write_csv(df[["kommun_kod", "pop"]], tmp_path / "x.csv", float_format="%.1f", index=False, tabell="x")
    assert p.read_text(encoding="utf-8").splitlines()[1] == "0180,984748.0"


def test_every_command_writing_csv_takes_the_option():
    sub = build_parser()._subparsers._group_actions[0].choices
    for name in ("gleshet", "index", "berakna", "jamfor", "demo"):
        a = sub[name]._option_string_actions["--csv"]
        assert a.default == "standard" and set(a.choices) == {"standard", "excel-sv"}, name
    assert "--csv" not in sub["forklara"]._option_string_actions  # writes no CSV


@pytest.mark.parametrize("encoding", [None, "cp1252"])
def test_engine_reads_swedish_excel_inputs_with_the_same_numbers(indata, tmp_path, encoding):
    sv = _excel_sv_copy(indata, tmp_path / "sv", encoding)
    head = (sv / "kommuner.csv").read_bytes()[:40]
    assert (head.startswith(BOM) if encoding is None else not head.startswith(BOM)) and b";" in head
    a, b = load_indata(indata, "sou2024", 2024), load_indata(sv, "sou2024", 2024)
    pd.testing.assert_frame_equal(a.kommun, b.kommun)
    pd.testing.assert_frame_equal(a.region, b.region)
    assert a.riket == b.riket


def test_berakna_and_jamfor_in_excel_sv_read_and_write_the_dialect(indata, tmp_path):
    sv = _excel_sv_copy(indata, tmp_path / "sv")
    fi = _excel_sv_copy(DATA / "fasta_index", tmp_path / "fasta_index")
    assert (fi / "fasta_index_kommuner_del1.csv").read_bytes().startswith(BOM)
    std, out = tmp_path / "std", tmp_path / "ut"
    assert (
        main(["-q", "berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(indata), "--ut", str(std)])
        == 0
    )
    assert (
        main(
            [
                "-q",
                "berakna",
                "--ar",
                "2024",
                "--regelverk",
                "sou2024",
                "--indata",
                str(sv),
                "--fasta-index",
                str(fi),
                "--csv",
                "excel-sv",
                "--ut",
                str(out),
            ]
        )
        == 0
    )
    raw = (out / "kommuner.csv").read_bytes()
    assert raw.startswith(BOM + b"kommun_kod;kommun;lan_kod;lan;") and b"\r\n" not in raw
    got = pd.read_csv(out / "kommuner.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"kommun_kod": str})
    ref = pd.read_csv(std / "kommuner.csv", dtype={"kommun_kod": str})
    assert not (std / "kommuner.csv").read_bytes().startswith(BOM)
    np.testing.assert_allclose(got["utjamning.totalt"], ref["utjamning.totalt"], rtol=0, atol=1e-6)
    assert list(got["kommun_kod"]) == list(ref["kommun_kod"])
    # jamfor reads a bas in the dialect too
    bas = _excel_sv_copy(write_demo_bas_utfall(indata, tmp_path / "bas"), tmp_path / "bas_sv")
    j = tmp_path / "j"
    assert (
        main(["-q", "jamfor", "--indata", str(sv), "--bas-utfall", str(bas), "--csv", "excel-sv", "--ut", str(j)]) == 0
    )
    t1 = pd.read_csv(j / "tabell1_kommuner.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert t1.columns[0] == "kommun_kod" and t1["totalt_forandring"].dtype == "float64"


def test_index_reads_measures_and_references_in_excel_sv(tmp_path):
    from pipelines.cmd_index import _read_measures
    from pipelines.index_model import read_reference

    m = pd.DataFrame(
        {
            "kommun_kod": ["0114", "0115"],
            "kommun": ["Upplands Väsby", "Vallentuna"],
            "lan_kod": ["01", "01"],
            "befolkning": [47000, 34000],
            "avstand_3000_km": [1.093276, 2.5],
            "avstand_15000_km": [2.376158, 4.25],
            "medeldistans_km": [1.360162, 2.75],
        }
    )
    for name, dialekt in (("std", "standard"), ("sv", "excel-sv")):
        (tmp_path / name).mkdir()
        write_csv(m, tmp_path / name / "kommuner.csv", dialekt, index=False, float_format="%.6f")
    a, b = _read_measures(tmp_path / "std"), _read_measures(tmp_path / "sv")
    pd.testing.assert_frame_equal(a, b)
    assert b["medeldistans_km"].tolist() == [1.360162, 2.75]
    ref = _excel_sv_copy(DATA / "fasta_index", tmp_path / "ref")
    t = read_reference(ref / "fasta_index_kommuner_del1.csv")
    assert t.loc[t["kommun"] == "Botkyrka", "loneindex"].str.contains(",").all()  # read, kept as written


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_grid_and_gleshet_tables_in_swedish_excel(tmp_path, encoding):
    from geo.kommuner import load_tatorter, read_reference_population
    from geo.matt import read_centralort_undantag
    from geo.readers import read_grid

    grid = pd.DataFrame(
        {"Rutid_SCB": ["6740006580000", "6750006580000"], "Beftotalt": ["1 200", "2300"], "Område": ["Söder", "Norr"]}
    )
    p = tmp_path / "rutor.csv"
    p.write_bytes(grid.to_csv(sep=";", index=False).encode(encoding))
    cells = read_grid(p)
    assert cells["pop"].tolist() == [1200, 2300] and cells["size_m"].tolist() == [1000, 1000]
    t = pd.read_csv(DATA / "gleshet" / "tatorter_2020.csv", dtype=str, keep_default_na=False).head(5)
    t["area_ha"] = ["66,5", "48", "1 203,25", "7", "9"]
    q = tmp_path / "tatorter.csv"
    q.write_bytes(t.to_csv(sep=";", index=False).encode(encoding))
    got = load_tatorter(q)
    assert got["area_ha"].tolist()[:3] == [66.5, 48.0, 1203.25] and got["tatort"].iloc[0] == "Löwenströmska lasarettet"
    r = tmp_path / "ref.csv"
    r.write_bytes("kommun_kod;folkmängd\n0114;47 820\n2584;22 232\n".encode(encoding))
    assert read_reference_population(r)["folkmangd"].tolist() == [47820.0, 22232.0]
    u = pd.read_csv(DATA / "gleshet" / "centralort_undantag.csv", dtype=str, keep_default_na=False).head(3)
    for c in ("lat", "lon"):
        u[c] = u[c].str.replace(".", ",", regex=False)
    s = tmp_path / "undantag.csv"
    s.write_bytes(u.to_csv(sep=";", index=False).encode(encoding, errors="replace"))
    got = read_centralort_undantag(s)
    assert float(got["lat"].iloc[0]) == pytest.approx(59.51839)


def test_read_csv_text_strips_the_bom_from_the_first_heading(tmp_path):
    p = tmp_path / "k.csv"
    p.write_bytes(BOM + b"kommun_kod;skatteunderlag_kr\n0114;1 234,5\n")
    t = read_csv_text(p)
    assert list(t.columns) == ["kommun_kod", "skatteunderlag_kr"] and t.iloc[0, 1] == "1 234,5"


def test_counts_are_written_as_integers(tmp_path):
    """A count held as float because a row lacks it (the omfördelning of a component not available) is written
    "68", not "68.0000"; amounts keep their decimals; the catalogue decides what counts."""
    df = pd.DataFrame(
        {
            "antal med bidrag/tillägg": [68.0, np.nan, 222.0],
            "befolkning": [109634.0, 5.0, 7.0],
            "omfördelning (kr)": [560116614.5191, np.nan, 1.0],
        }
    )
    for dialekt, sep in (("standard", ","), ("excel-sv", ";")):
        p = write_csv(df, tmp_path / f"{dialekt}.csv", dialekt, float_format="%.4f", index=False)
        rows = p.read_text(encoding="utf-8-sig").splitlines()
        dec = "," if dialekt == "excel-sv" else "."
        assert rows[1:] == [
            sep.join(["68", "109634", f"560116614{dec}5191"]),
            sep.join(["", "5", ""]),
            sep.join(["222", "7", f"1{dec}0000"]),
        ]
    assert df["befolkning"].dtype == "float64"  # the caller's table is not changed


def test_yes_no_columns_are_written_as_one_and_zero(tmp_path):
    df = pd.DataFrame({"under_troskel": [True, False], "symmetric": [True, None], "x": [0.5, 1.5]})
    rows = write_csv(df, tmp_path / "b.csv", index=False).read_text(encoding="utf-8").splitlines()
    assert rows == ["under_troskel,symmetric,x", "1,1,0.5", "0,,1.5"]
