"""Texts for people (issue 14, item 3): parameter sources cite the law and SOU 2024:50 by printed page, never a
seed line, an open point (OPEN-n) or a section of our spec; the internal reasoning stays in the leaf's note."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine.params import Params, available_rule_sets
from tests.conftest import ROOT, load_tool

#: What a user must never read: open points, our spec, seed lines (L1234, 002:L160, seed 002).
INTERNT = re.compile(r"OPEN-\d|\bSPEC\b|\bL\d{3,5}\b|\b\d{3}:L?\d|\bseed", re.IGNORECASE)
#: A value taken from SOU 2024:50 (its law text, tables, chapters) says so and names the page.
FRAN_SOU = re.compile(r"SOU 2024:50|föreslagen lydelse|nuvarande lydelse|\btabell|\bbilaga\b|\bkapitel", re.I)
SIDA = re.compile(r"\bs\. \d+")


def _lagar_och_ar():
    for lag in sorted({Params.load(n).lag for n in available_rule_sets()}):
        p = Params.load(lag)
        for ar in sorted({p.lag_meta.get("berakningsbar_fran") or p.ar, p.ar}):
            yield lag, ar


@pytest.mark.parametrize(("lag", "ar"), list(_lagar_och_ar()))
def test_no_shipped_parameter_source_reads_like_an_internal_note(lag, ar):
    rows = Params.load(lag, ar=ar).as_records()
    assert rows
    bad = [(r["parameter"], r["source"]) for r in rows if INTERNT.search(str(r["source"]))]
    assert not bad, bad[:5]
    assert all("note" not in r for r in rows)  # the note is internal: never in a record shown to users


@pytest.mark.parametrize(("lag", "ar"), list(_lagar_och_ar()))
def test_every_source_from_the_sou_cites_its_page(lag, ar):
    rows = Params.load(lag, ar=ar).as_records()
    fran_sou = [r for r in rows if FRAN_SOU.search(str(r["source"])) and "SFS 2023:683" not in str(r["source"])]
    assert len(fran_sou) > (100 if ar == 2024 else 10)  # 2019: the inkomstutjämning and a few dates
    utan = [(r["parameter"], r["source"]) for r in fran_sou if not SIDA.search(str(r["source"]))]
    assert not utan, utan[:5]


def test_describe_leaves_the_internal_note_out():
    p = Params.load("sou2024")
    path = "gymnasieskola.socioekonomi_index_skala"
    assert "note" in p.leaves[path] and "OPEN-10" in p.leaves[path]["note"]  # the reasoning is kept …
    assert "note" not in p.describe(path)  # … but not shown
    assert "SOU 2024:50 s. 385" in p.describe(path)["source"]


def test_no_seed_line_is_left_in_any_citation_of_the_data(shared_spec):
    """The one-off rewrite (tools/kallor_sidor.py) has nothing left to do in data/: every source and reason, the
    dated values' sources and the citations of an inherited parameter."""
    ks = load_tool("kallor_sidor")
    kvar = {str(f.relative_to(ROOT)): len(ks.andringar(f, ks.mekanisk)) for f in ks.STANDARD}
    assert sum(kvar.values()) == 0, {f: n for f, n in kvar.items() if n}
    assert len(ks.STANDARD) > 40


def test_seed_lines_become_the_printed_pages(shared_spec):
    ks = load_tool("kallor_sidor")
    # the law's 8 § stands on s. 39–40 (as the sources cited it by hand before the rewrite)
    assert (
        ks.till_sidor("Lag 2004:773 8 § (L637–L677; SOU 2024:50 s. 39–40)") == "Lag 2004:773 8 § (SOU 2024:50 s. 39–40)"
    )
    assert ks.sida(14193) == 435 and ks.sida(24921) == 662  # tabell 6.34; the radii of the befolkningsunderlag
    assert ks.till_sidor("Tabell 6.34 (L14193)") == "Tabell 6.34 (SOU 2024:50 s. 435)"
    assert ks.till_sidor("kapitlet L1441, L2331–L2333") == "kapitlet (SOU 2024:50 s. 53, 78)"
    assert ks.till_sidor("L949, L987 (upphävda)") == "(SOU 2024:50 s. 48) (upphävda)"  # one page, named once
    assert ks.till_sidor("SFS 2023:683 bilaga: Förskola (seed002:102)") == "SFS 2023:683 bilaga: Förskola"
    assert ks.till_sidor("Bilaga (002:L134): KPIF") == "Bilaga (SFS 2023:683, bilaga): KPIF"
    assert ks.till_sidor("As the proposal (SPEC OPEN-4; docs/decisions.md)") == "As the proposal"


# -- a whole demo run as a reader meets it --------------------------------------------------------------------------

#: Words only English prose has (a path is removed first: /tmp/pytest-of-… is no sentence).
ENGELSKA = re.compile(r"\b(the|is|are|not|of|which|with|and|seeds?|chapter|computed|available|missing|found)\b")
#: snake_case: a heading a person reads never is one.
SNAKE = re.compile(r"\b[a-zåäö0-9]+_[a-zåäö0-9_]+\b")


def _utan_sokvagar(text: str) -> str:
    return " ".join(t for t in text.split() if "/" not in t and "\\" not in t)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`utjamning demo` with its progress and closing lines, and `forklara` of one kommun on its outputs."""
    import contextlib
    import io

    from pipelines.cli import main

    out = tmp_path_factory.mktemp("demo") / "ut"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["demo", "--ut", str(out)]) == 0
        fil = out.parent / "forklaring.txt"
        args = ["forklara", "--kommun", "Pajala", "--indata", str(out / "indata"), "--fasta-index", str(out / "index")]
        assert main([*args, "--ut", str(fil)]) == 0
    return out, err.getvalue(), fil.read_text(encoding="utf-8")


def test_a_demo_run_reads_swedish_everywhere(demo):
    """Every text of a demo run a person reads — progress and closing lines, anmarkningar.txt, every sheet of every
    workbook (headings and text cells), the text in the CSV tables, `forklara` — is Swedish and cites no open point,
    spec section or seed line; headings are never snake_case."""
    import openpyxl
    import pandas as pd

    out, stderr, forklaring = demo
    texter = {"stderr": stderr, "forklara": forklaring}
    texter |= {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in sorted(out.rglob("anmarkningar.txt"))}
    assert len(texter) == 5 and "Demon är klar" in stderr
    for namn, text in texter.items():
        for rad in text.splitlines():
            assert not INTERNT.search(rad), (namn, rad)
            assert not ENGELSKA.search(_utan_sokvagar(rad)), (namn, rad)
    for rad in stderr.splitlines():  # "0,34 km", never "0.34": Swedish decimals in every progress line
        assert not re.search(r"\d\.\d", _utan_sokvagar(rad)), rad
    bocker = sorted(out.rglob("*.xlsx"))
    assert [str(b.relative_to(out)) for b in bocker] == [
        "berakna_2024/utjamning.xlsx",
        "berakna_sou2024/utjamning.xlsx",
        "gleshet/gleshet.xlsx",
        "index/fasta_index.xlsx",
        "jamfor/jamforelse.xlsx",
    ]
    celler = 0
    for bok in bocker:
        for ws in openpyxl.load_workbook(bok, read_only=True):
            rows = list(ws.iter_rows(values_only=True))
            for h in rows[0]:
                assert h and not SNAKE.search(str(h)) and not ENGELSKA.search(str(h)), (bok.name, ws.title, h)
            for r in rows[1:]:
                for c in r:
                    if isinstance(c, str):
                        celler += 1
                        assert not INTERNT.search(c), (bok.name, ws.title, c)
                        if bok.name in ("gleshet.xlsx", "fasta_index.xlsx"):  # codes in words
                            assert not SNAKE.search(c), (bok.name, ws.title, c)
                        if ws.title in ("Anmärkningar", "Sammanfattning", "Omfördelning"):
                            assert not ENGELSKA.search(c), (bok.name, ws.title, c)
                            assert c != "ej_tillganglig"
            if ws.title == "Parametrar":  # the status in words (both laws have such leaves)
                status = {r[5] for r in rows[1:]}
                assert "ej_tillganglig" not in status and "ej tillgänglig" in status, bok
    assert celler > 1000
    for csv in sorted(out.rglob("*.csv")):
        t = pd.read_csv(csv, dtype=str)
        for c in t.columns:
            assert not INTERNT.search(str(c)), (csv.name, c)
            bad = t[c].dropna().str.contains(INTERNT)
            assert not bad.any(), (csv.name, c, t[c][bad].iloc[0])


def test_the_measures_and_the_index_open_in_excel_with_the_csv_values(demo):
    """gleshet.xlsx and fasta_index.xlsx hold the CSV tables' values as numbers (the index tables' printed decimals
    too), each kommun with its name, in code order, under the catalogue's headings."""
    import openpyxl
    import pandas as pd

    out = demo[0]

    def blad(bok, namn):
        ws = openpyxl.load_workbook(out / bok, read_only=True)[namn]
        rows = list(ws.iter_rows(values_only=True))
        return pd.DataFrame(rows[1:], columns=rows[0])

    k = pd.read_csv(out / "gleshet" / "kommuner.csv", dtype={"kommun_kod": str, "lan_kod": str})
    x = blad("gleshet/gleshet.xlsx", "Kommuner")
    assert list(x.columns[:4]) == ["Kommunkod", "Kommun", "Länskod", "Län"]
    assert list(x["Kommunkod"]) == sorted(k["kommun_kod"]) and len(x) == 290
    k = k.set_index("kommun_kod").loc[x["Kommunkod"]]
    # the CSV prints six decimals, the workbook keeps the full value
    np.testing.assert_allclose(x["Medeldistans 3\u00a0000 invånare (km)"], k["avstand_3000_km"], rtol=0, atol=5e-7)
    assert (x["Folkmängd i rutnätet (invånare)"].to_numpy() == k["befolkning"].to_numpy()).all()
    assert set(x["Centralorten bestämd genom"]) <= {
        "största tätorten",
        "undantagstabellen (punkt)",
        "undantagstabellen (tätort)",
        "befolkningsviktad mittpunkt",
    }
    f = blad("gleshet/gleshet.xlsx", "Frysta mått 2022")
    assert f["Kommun"].notna().all() and not f["Mått"].str.contains("_").any()

    d1 = pd.read_csv(out / "index" / "fasta_index_kommuner_del1.csv", dtype=str)
    x = blad("index/fasta_index.xlsx", "Kommuner del 1")
    assert list(x.columns[:3]) == ["Kommunkod", "Kommun", "Län"]
    d1 = d1.set_index("kommun_kod").loc[x["Kommunkod"]]
    for key, heading in (("glesbygd_forskola", "Glesbygdsindex förskola (index)"), ("loneindex", "Löneindex (index)")):
        assert (x[heading].to_numpy() == d1[key].astype(float).to_numpy()).all(), key
    q = blad("index/fasta_index.xlsx", "Modellens kvalitet")
    assert "Glesbygdsindex förskola" in set(q["Index"])
    assert any(str(v).startswith("Administrationsindex (fasta index kommuner del2)") for v in q["Index"])
