"""SOU 2024:50 Bilaga 4 effect tables shipped in data/bilaga4 (see its README).

The shipped CSVs are checked on their own (no seed needed); when ../shared/seeds is present the parser is re-run
and must reproduce them byte for byte; when ../shared/data is present, population-weighted national means are
checked against the tables' own financing rows.
"""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import load_tool

ROOT = Path(__file__).resolve().parent.parent
B4 = ROOT / "data" / "bilaga4"
SEED = ROOT.parent / "shared" / "seeds" / "004_c4a43abe74ea2139.txt"
FILES = [
    "tabell1_kommuner.csv",
    "tabell2_regioner.csv",
    "tabell3_lss_inforande.csv",
    "tabell4_kommuner_inforande.csv",
    "tabell5_regioner_inforande.csv",
    "tabell6_delmodeller_kommuner.csv",
    "tabell7_delmodeller_regioner.csv",
    "finansiering.csv",
    "parse_report.json",
]
KOMMUN_TABLES = [
    "tabell1_kommuner.csv",
    "tabell3_lss_inforande.csv",
    "tabell4_kommuner_inforande.csv",
    "tabell6_delmodeller_kommuner.csv",
]
REGION_TABLES = ["tabell2_regioner.csv", "tabell5_regioner_inforande.csv", "tabell7_delmodeller_regioner.csv"]


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(B4 / name, dtype={"kommun_kod": str, "region_kod": str})


@pytest.fixture(scope="module")
def t():
    return {n.split("_")[0]: load(n) for n in KOMMUN_TABLES + REGION_TABLES}


@pytest.fixture(scope="module")
def fin():
    f = load("finansiering.csv")
    return {(r.tabell, r.kolumn): r.belopp for r in f.itertuples()}


def test_files_present_and_small():
    for n in FILES:
        assert (B4 / n).is_file(), n
        assert (B4 / n).stat().st_size < 100_000, n


@pytest.mark.parametrize("name", KOMMUN_TABLES)
def test_kommun_rows_match_register(name):
    reg = pd.read_csv(ROOT / "data" / "kommuner.csv", dtype=str)
    df = load(name)
    assert len(df) == 290
    assert list(df.kommun_kod) == list(reg.kommun_kod)
    assert list(df.kommun) == list(reg.kommun)
    assert list(df.lan) == list(reg.lan)
    assert df.seed_line.is_monotonic_increasing


@pytest.mark.parametrize("name", REGION_TABLES)
def test_region_rows_match_register(name):
    reg = pd.read_csv(ROOT / "data" / "regioner.csv", dtype=str)
    df = load(name)
    assert len(df) == 21
    assert list(df.region_kod) == list(reg.region_kod)
    assert list(df.region) == list(reg.region)
    assert df.seed_line.is_monotonic_increasing and df.seed_line.is_unique


@pytest.mark.parametrize("name", KOMMUN_TABLES + REGION_TABLES)
def test_integers_in_plausible_range(name):
    df = load(name)
    num = df.drop(columns=["seed_line"]).select_dtypes("number")
    assert len(num.columns) == len(df.columns) - 3 - (1 if "lan" in df else 0)  # every value column is integer
    assert all(str(d).startswith("int") for d in num.dtypes)
    assert num.abs().max().max() < 60_000  # kr per invånare


def test_tabell1_row_sums(t):
    d = t["tabell1"]
    forslag = (
        d.inkomstutjamning_forslag
        + d.kostnadsutjamning_forslag
        + d.efterslapning_forslag
        + d.svagt_befolkningsunderlag_forslag
        + d.fast_inforandebidrag_forslag
    )
    forandring = (
        d.inkomstutjamning_forandring
        + d.kostnadsutjamning_forandring
        + d.efterslapning_forslag
        + d.svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring
        + d.regleringspost_forandring
    )
    # the regleringspost förslag is not printed: it is the uniform 2 431 kr in every row's totalt förslag
    assert ((d.totalt_forslag - forslag) - 2431).abs().max() <= 1
    assert (d.totalt_forandring - forandring).abs().max() <= 1
    assert (d.regleringspost_forandring == -625).all()
    # no eftersläpning / svagt befolkningsunderlag in Stockholms län; inkomstutjämning förändring always > 0
    assert (d.inkomstutjamning_forandring > 0).all()
    assert (d.svagt_befolkningsunderlag_forslag >= 0).all() and (d.fast_inforandebidrag_forslag >= 0).all()


def test_tabell2_row_sums(t):
    d = t["tabell2"]
    forslag = (
        d.inkomstutjamning_forslag
        + d.kostnadsutjamning_forslag
        + d.efterslapning_forslag
        + d.fast_inforandebidrag_forslag
    )
    forandring = (
        d.inkomstutjamning_forandring
        + d.kostnadsutjamning_forandring
        + d.efterslapning_forslag
        + d.fast_inforandebidrag_forandring
        + d.regleringspost_forandring
    )
    assert ((d.totalt_forslag - forslag) - (-118)).abs().max() <= 1
    assert (d.totalt_forandring - forandring).abs().max() <= 1
    assert (d.regleringspost_forandring == -847).all()


def test_tabell3_inforandebidrag(t, fin):
    d = t["tabell3"]
    inf = d[[f"inforandebidrag_{y}" for y in range(2024, 2030)]]
    assert (inf >= 0).all().all()
    assert (inf.diff(axis=1).iloc[:, 1:] <= 0).all().all()  # non-increasing over the years
    # införandebidrag 2024 limits the loss to 114 kr: max(0, −förändring − 114)
    assert (d.inforandebidrag_2024 - (-d.forandring - 114).clip(lower=0)).abs().max() <= 1
    assert fin[("tabell3", "inforandebidrag_2024")] == 136


def test_tabell4_inforandebidrag(t, fin):
    d = t["tabell4"]
    f = fin[("tabell4", "fast_inforandebidrag")]
    assert f == 26
    assert (
        d.total_forandring + d.fast_inforandebidrag - f - d.total_forandring_efter_fast_inforandebidrag
    ).abs().max() <= 1
    assert d.total_forandring_efter_fast_inforandebidrag.min() >= -1501  # the fast införandebidrag caps at −1 500
    assert (
        d.inforandebidrag_del1_2024 - (321 - d.total_forandring_efter_fast_inforandebidrag).clip(lower=0)
    ).abs().max() <= 1
    for part, years in (("del1", range(2024, 2028)), ("del2", range(2024, 2027))):
        x = d[[f"inforandebidrag_{part}_{y}" for y in years]]
        assert (x >= 0).all().all() and (x.diff(axis=1).iloc[:, 1:] <= 0).all().all()
    assert (d.total_forandring == t["tabell1"].totalt_forandring).all()


def test_tabell5_inforandebidrag(t, fin):
    d = t["tabell5"]
    assert fin[("tabell5", "fast_inforandebidrag")] == 110
    assert (
        d.total_forandring + d.fast_inforandebidrag - 110 - d.total_forandring_efter_fast_inforandebidrag
    ).abs().max() <= 1
    assert (
        d.inforandebidrag_2024 - (-61 - d.total_forandring_efter_fast_inforandebidrag).clip(lower=0)
    ).abs().max() <= 1
    assert (d.total_forandring - t["tabell2"].totalt_forandring).abs().max() <= 1


def test_tabell6_delmodeller(t):
    d = t["tabell6"]
    parts = d.columns[3:-2]
    assert len(parts) == 12 and d.columns[-2] == "totalt"
    assert (d[parts].sum(axis=1) - d.totalt).abs().max() <= 6  # twelve rounded components
    assert ((d.totalt - t["tabell1"].kostnadsutjamning_forandring).abs() <= 2).all()


def test_tabell7_delmodeller(t):
    d = t["tabell7"]
    assert (d.halso_och_sjukvard + d.kollektivtrafik - d.standardkostnad_totalt).abs().max() <= 1
    assert (d.standardkostnad_totalt + d.befolkningsforandringar_utgar - d.totalt).abs().max() <= 1
    # befolkningsförändringar is removed: −(today's outcome), 82 kr for every region without the ersättning
    assert (d.befolkningsforandringar_utgar == 82).sum() == 18
    # printed totals are one krona below Tabell 2's kostnadsutjämning förändring for every region
    assert ((d.totalt - t["tabell2"].kostnadsutjamning_forandring) == -1).all()


def test_parse_report_consistent():
    r = json.loads((B4 / "parse_report.json").read_text(encoding="utf-8"))
    assert r["manual_fixes"] == {}
    assert {k: v["rows"] for k, v in r["tables"].items()} == {
        "tabell1": 290,
        "tabell2": 21,
        "tabell3": 290,
        "tabell4": 290,
        "tabell5": 21,
        "tabell6": 290,
        "tabell7": 21,
    }
    assert r["tables"]["tabell1"]["constants"] == {"regleringspost_forslag": 2431}
    assert r["tables"]["tabell2"]["constants"] == {"regleringspost_forslag": -118}
    assert r["tables"]["tabell4"]["dropped_orphan_lines"] == {"40733": "0", "40735": "-26"}


def test_parser_reproduces_shipped_files(tmp_path):
    if not SEED.is_file():
        pytest.skip(
            f"SOU 2024:50 seed text not present at {SEED} (only in the project's workspace, not in a fresh clone)"
        )
    main = load_tool("bilaga4").main
    assert main(["--seed", str(SEED), "--ut", str(tmp_path)]) == 0
    for n in FILES:
        assert filecmp.cmp(tmp_path / n, B4 / n, shallow=False), f"{n} differs from the shipped file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)


def test_population_weighted_means(shared_data, t, fin):
    """With SCB population (31 Dec 2021, kommun_panel) the zero-sum parts average ≈ 0 and the införandebidrag
    average ≈ the printed Finansiering rows (the tables use 1 Nov 2023 population, hence the tolerances)."""
    p = pd.read_csv(shared_data / "kommun_panel_2002_2022" / "municip_data22.csv")
    pop = p.assign(kod=p.municip_code.astype(int).map("{:04d}".format)).set_index("kod")["pop"]
    w = pop.reindex(t["tabell1"].kommun_kod).to_numpy()
    assert not pd.isna(w).any()

    def mean(df, col):
        return float((df[col].to_numpy() * w).sum() / w.sum())

    assert abs(mean(t["tabell1"], "kostnadsutjamning_forslag")) < 30
    assert abs(mean(t["tabell1"], "totalt_forandring")) < 30
    assert abs(mean(t["tabell3"], "utfall")) < 15
    for c in t["tabell6"].columns[3:-1]:
        assert abs(mean(t["tabell6"], c)) < 10, c
    assert abs(mean(t["tabell3"], "inforandebidrag_2024") - fin[("tabell3", "inforandebidrag_2024")]) < 5
    assert abs(mean(t["tabell4"], "fast_inforandebidrag") - fin[("tabell4", "fast_inforandebidrag")]) < 5
    assert abs(mean(t["tabell4"], "inforandebidrag_del1_2024") - fin[("tabell4", "inforandebidrag_del1_2024")]) < 25
    # regioner: population by län
    reg = pd.read_csv(ROOT / "data" / "kommuner.csv", dtype=str)
    rpop = pd.Series(w, index=reg.lan).groupby(level=0).sum()
    lan = pd.read_csv(ROOT / "data" / "regioner.csv", dtype=str).set_index("region")["lan"]
    wr = rpop.reindex(lan.reindex(t["tabell2"].region)).to_numpy()
    assert abs(float((t["tabell2"].kostnadsutjamning_forslag * wr).sum() / wr.sum())) < 30
    assert abs(float((t["tabell5"].fast_inforandebidrag * wr).sum() / wr.sum()) - 110) < 10
