"""The workbooks as a kommunekonom opens them (openpyxl reads what Excel reads): Swedish headings with units from
the one catalogue, nothing in snake_case, flags/indices/factors never in kr/inv, number formats by kind, bold
frozen header with autofilter, widths that hold the names, rows in kommunkod order, the totals first — and the
values the same as the CSV's."""

from __future__ import annotations

import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from pipelines.cli import main
from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs
from pipelines.rubriker import kolumn

SNAKE = re.compile(r"[A-Za-zåäö]+_[A-Za-zåäö]+|\b[a-z]+\.[a-z_]+\b")


@pytest.fixture(scope="module")
def ut(tmp_path_factory):
    d = tmp_path_factory.mktemp("utdata")
    ind = write_demo_inputs(d / "indata", 2024)
    bas = write_demo_bas_utfall(ind, d / "bas")
    reform = d / "reform.yaml"
    reform.write_text("namn: garanti 117\nandringar:\n  inkomstutjamning.garantiniva: 1.17\n", encoding="utf-8")
    for regelverk in ("sou2024", "2024"):
        assert (
            main(
                [
                    "-q",
                    "berakna",
                    "--ar",
                    "2024",
                    "--regelverk",
                    regelverk,
                    "--indata",
                    str(ind),
                    "--ut",
                    str(d / f"b_{regelverk}"),
                ]
            )
            == 0
        )
    assert (
        main(
            [
                "-q",
                "jamfor",
                "--indata",
                str(ind),
                "--bas-utfall",
                str(bas),
                "--reform",
                str(reform),
                "--ut",
                str(d / "j"),
            ]
        )
        == 0
    )
    return d


def _books(ut):
    return {
        "sou2024": openpyxl.load_workbook(ut / "b_sou2024" / "utjamning.xlsx"),
        "2024": openpyxl.load_workbook(ut / "b_2024" / "utjamning.xlsx"),
        "jamfor": openpyxl.load_workbook(ut / "j" / "jamforelse.xlsx"),
    }


def _headings(ws) -> list[str]:
    return [c.value for c in ws[1]]


def test_every_heading_is_swedish_with_no_snake_case_or_key(ut):
    seen = 0
    for name, wb in _books(ut).items():
        for ws in wb:
            for h in _headings(ws):
                assert h and h[0].isupper(), (name, ws.title, h)
                assert not SNAKE.search(h), (name, ws.title, h)
                assert not re.search(r"\b(Lss|Utjamning|utjamning|forskola|lonelage|Efterslapning)\b", h), h
                seen += 1
    assert seen > 300
    k = _headings(_books(ut)["2024"]["Kommuner"])
    for h in (
        "Förskola: behov av förskola (kr/inv)",
        "Förskola: strukturellt löneläge (kr/inv)",
        "Utjämningen totalt (kr/inv)",
        "LSS-utjämningsbidrag (+) / -avgift (−) (kr/inv)",
        "Eftersläpning: uppfyller kriterierna (ja/nej)",
        "LSS: personalkostnadsindex (index)",
        "LSS: korrigeringsfaktor (faktor)",
        "Inkomstutjämning: länsvis skattesats (%)",
        "Folkmängd 1 nov t−1 (invånare)",
        "Kommun",
        "Län",
    ):
        assert h in k, h
    assert len(_books(ut)["jamfor"].sheetnames) >= 15


def test_flags_indices_and_factors_are_never_amounts(ut):
    for name in ("sou2024", "2024"):
        ws = _books(ut)[name]["Kommuner"]
        for j, h in enumerate(_headings(ws), start=1):
            fmt = {ws.cell(i, j).number_format for i in range(2, ws.max_row + 1)}
            if h.endswith("(ja/nej)"):
                assert fmt == {'"ja";"ja";"nej"'}, h
                assert {ws.cell(i, j).value for i in range(2, ws.max_row + 1)} <= {0, 1}
            elif h.endswith("(index)") or h.endswith("(faktor)"):
                assert fmt == {"0.0000"}, h
            elif h.endswith("(kr/inv)") or h.endswith("(kr)") or h.endswith("(invånare)"):
                assert fmt == {"#,##0"}, h  # whole kronor with a thousands separator, whatever the size
            elif h.endswith("(%)"):
                assert fmt == {"0.00"}, h
            else:
                assert h in ("Kommunkod", "Kommun", "Länskod", "Län") and fmt == {"@"}, h


def test_header_bold_frozen_filtered_and_widths_hold_the_names(ut):
    books = _books(ut)
    assert sum(h.endswith(("(ja/nej)", "(index)", "(faktor)")) for h in _headings(books["2024"]["Kommuner"])) == 3
    for wb in books.values():
        for ws in wb:
            assert all(c.font.b for c in ws[1]), ws.title
            assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", ws.title
            assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2"), ws.title
    ws = _books(ut)["sou2024"]["Kommuner"]
    assert ws.freeze_panes == "C2"  # code and name stay in view
    for col in ("Kommun", "Län"):
        j = _headings(ws).index(col) + 1
        longest = max(len(ws.cell(i, j).value) for i in range(2, ws.max_row + 1))
        assert ws.column_dimensions[get_column_letter(j)].width >= longest + 1, col
    assert longest >= len("Västra Götalands län")


def test_rows_in_kommunkod_order_and_the_totals_first(ut):
    for name in ("sou2024", "2024"):
        wb = _books(ut)[name]
        for sheet, n in (("Kommuner", 290), ("Regioner", 21)):
            ws = wb[sheet]
            codes = [ws.cell(i, 1).value for i in range(2, ws.max_row + 1)]
            assert len(codes) == n and codes == sorted(codes) and all(isinstance(c, str) for c in codes)
        h = _headings(wb["Kommuner"])
        assert h[:6] == [
            "Kommunkod",
            "Kommun",
            "Länskod",
            "Län",
            "Folkmängd 1 nov t−1 (invånare)",
            "Folkmängd 31 dec t−2 (invånare)",
        ]
        assert h[6:8] == ["Utjämningen totalt (kr/inv)", "Utjämningen totalt (kr)"]
        first_detail = min(i for i, x in enumerate(h) if ":" in x)
        posts = [
            i
            for i, x in enumerate(h)
            if x.startswith(
                ("Inkomstutjämningsbidrag", "Kostnadsutjämningsbidrag", "Regleringsbidrag", "LSS-utjämningsbidrag")
            )
        ]
        assert len(posts) == 8 and max(posts) < first_detail
    ws = _books(ut)["jamfor"]["Tabell 1 Kommuner"]
    codes = [ws.cell(i, 1).value for i in range(2, ws.max_row + 1)]
    assert codes == sorted(codes) and len(codes) == 290


def test_cells_hold_the_csv_values(ut):
    csv = pd.read_csv(ut / "b_sou2024" / "kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    ws = _books(ut)["sou2024"]["Kommuner"]
    h = _headings(ws)
    rows = {ws.cell(i, 1).value: i for i in range(2, ws.max_row + 1)}
    for key in (
        "utjamning.totalt",
        "lss.utjamning_kr",
        "forskola.gles_bebyggelse",
        "inkomstutjamning.inkomstutjamning",
    ):
        j = h.index(kolumn(key).rubrik) + 1
        got = np.array([ws.cell(rows[k], j).value for k in csv.index], dtype="float64")
        np.testing.assert_allclose(got, csv[key].to_numpy(), rtol=0, atol=1e-6)
    assert list(csv.index) == sorted(csv.index)


def test_summary_and_parameters_sheets_read_as_swedish(ut):
    wb = _books(ut)["2024"]
    s = _headings(wb["Sammanfattning"])
    assert s[:3] == ["Nivå", "Benämning", "Status"] and "Omfördelning (kr)" in s
    ws = wb["Sammanfattning"]
    statuses = [ws.cell(i, 3).value for i in range(2, ws.max_row + 1)]
    assert not any(SNAKE.search(v) for v in statuses if v and "delar som saknas" in v)
    assert _headings(wb["Parametrar"])[:4] == ["Parameter (sökväg i en reform)", "Värde", "Enhet", "Källa"]


def test_jamfor_sheets_units_and_csvs_without_row_numbers(ut):
    wb = _books(ut)["jamfor"]
    assert wb.sheetnames[:2] == ["Tabell 1 Kommuner", "Tabell 2 Regioner"]
    t1 = _headings(wb["Tabell 1 Kommuner"])
    assert t1[:5] == [
        "Kommunkod",
        "Kommun",
        "Län",
        "Inkomstutjämning, förslag (kr/inv)",
        "Inkomstutjämning, förändring (kr/inv)",
    ]
    assert "Reform kommuner" in wb.sheetnames
    assert "Inkomstutjämning, reform mot förslag (kr/inv)" in _headings(wb["Reform kommuner"])
    per_ar = wb["Tabell 4 per år"]
    assert _headings(per_ar)[0] == "År efter införandet" and per_ar.cell(2, 1).number_format == "0"
    assert _headings(wb["Tabell 3 LSS införande"])[3] == "LSS-utjämning, förslag (kr/inv)"
    for f in sorted((ut / "j").glob("*.csv")):
        header = f.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[0] and not header[0].startswith("Unnamed"), f.name
    v = pd.read_csv(ut / "j" / "vinnare_forlorare.csv")
    assert next(iter(v.columns)) == "effekt"


def test_every_engine_column_is_in_the_catalogue(ut):
    """A column the engine adds without a heading in pipelines/rubriker.py fails here, not in a user's Excel."""
    for name in ("b_sou2024", "b_2024"):
        for fil in ("kommuner.csv", "regioner.csv"):
            for c in pd.read_csv(ut / name / fil, nrows=0).columns:
                assert kolumn(c).kand, (name, fil, c)
    for f in (ut / "j").glob("*.csv"):
        tabell = f.stem
        for c in pd.read_csv(f, nrows=0).columns:
            if c not in ("post", "komponent"):
                assert kolumn(c, tabell).kand, (tabell, c)


def test_catalogue_kinds_fix_units_and_formats():
    assert kolumn("efterslapning.uppfyller_kriterier").rubrik == "Eftersläpning: uppfyller kriterierna (ja/nej)"
    assert kolumn("lss.korrigeringsfaktor").format == "0.0000"
    assert kolumn("inkomstutjamning.inkomstutjamning_kr").rubrik == "Inkomstutjämningsbidrag (+) / -avgift (−) (kr)"
    assert kolumn("finansiering_ar3").rubrik == "Finansiering av införandebidraget år 3 (kr/inv)"
    assert kolumn("utfall", "tabell3_lss_inforande").rubrik == "LSS-utjämning, förslag (kr/inv)"
    unknown = kolumn("ny_kolumn")
    assert not unknown.kand and unknown.rubrik == "Ny_kolumn"
