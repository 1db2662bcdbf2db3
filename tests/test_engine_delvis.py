"""Partial inputs (issue 11): a user gives what they have. Every component whose inputs are present is computed
exactly as in a full run; every other one is "ej tillgänglig" naming the missing inputs; what is given is validated
as strictly as ever. The minimum for the inkomstutjämning is kommun_kod, folkmangd_1nov_t1, skatteunderlag_kr."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import register
from engine.indata import load_indata
from engine.model import berakna, build_ctx
from engine.params import load_params
from pipelines.cli import main
from pipelines.demo_indata import write_demo_inputs

MINIMUM = ["kommun_kod", "folkmangd_1nov_t1", "skatteunderlag_kr"]


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return write_demo_inputs(tmp_path_factory.mktemp("indata"), 2024)


def _only(full, tmp_path, cols, riket=False):
    d = tmp_path / "delvis"
    d.mkdir()
    k = pd.read_csv(full / "kommuner.csv", dtype=str, keep_default_na=False)
    k[cols].to_csv(d / "kommuner.csv", index=False)
    if riket:
        (d / "riket.csv").write_bytes((full / "riket.csv").read_bytes())
    return d


@pytest.mark.parametrize("regelverk", ["sou2024", "2024"])
def test_two_columns_give_the_inkomstutjamning_of_kommuner_and_regioner(full, tmp_path, regelverk):
    d = _only(full, tmp_path, MINIMUM)
    out = tmp_path / "ut"
    assert main(["berakna", "--ar", "2024", "--regelverk", regelverk, "--indata", str(d), "--ut", str(out)]) == 0
    ref = berakna(build_ctx(load_indata(full, regelverk, 2024), load_params(regelverk)))
    for fil, niva in (("kommuner", "kommun"), ("regioner", "region")):
        t = pd.read_parquet(out / f"{fil}.parquet")
        assert list(t.index) == sorted(t.index)  # rows in kommunkod / regionkod order
        t = t.loc[register.kommuner()["kommun_kod"] if niva == "kommun" else register.regioner()["region_kod"]]
        for c in ("inkomstutjamning.inkomstutjamning", "inkomstutjamning.inkomstutjamning_kr"):
            np.testing.assert_allclose(t[c].to_numpy(), ref[niva][c], rtol=1e-12)  # exactly the full run's
        for c in ("kostnadsutjamning.kostnadsutjamning", "regleringspost.regleringspost", "utjamning.totalt"):
            assert t[c].isna().all(), c  # never a guess
    notes = (out / "anmarkningar.txt").read_text(encoding="utf-8")
    if regelverk == "sou2024":
        assert "Förskola: ej tillgänglig — indata saknas: kommuner.bef_10_12, kommuner.bef_1_5" in notes
        assert "kommuner.sei_forskola_vistelsetid" in notes  # every missing input, not only the first
        assert "regioner.hos_0_q1" in notes and "lan.pendlare_andel_procent" in notes
    assert "Regleringspost (kommuner): ej tillgänglig" in notes and "riket.anslag_kommuner_kr" in notes
    summ = pd.read_csv(out / "sammanfattning.csv", keep_default_na=False, na_values=[""])
    iu = summ[(summ["nivå"] == "kommun") & (summ["post"] == "inkomstutjamning")].iloc[0]
    assert iu["netto (kr)"] == pytest.approx(ref["kommun"]["inkomstutjamning.inkomstutjamning_kr"].sum(), abs=1.0)
    ku = summ[(summ["nivå"] == "kommun") & (summ["post"] == "kostnadsutjamning")].iloc[0]
    assert ku["status"].startswith("ej tillgänglig") and "kommuner.folkmangd_31dec_t2" in ku["status"]


def test_one_missing_column_touches_only_the_components_reading_it(full, tmp_path):
    """Without medeldistans_3000_km only politisk verksamhet (and so the kostnadsutjämning's total, and the
    regleringspost that needs its net) is not available; every other delmodell equals the full run's."""
    k = pd.read_csv(full / "kommuner.csv", dtype=str, keep_default_na=False)
    d = tmp_path / "utan"
    d.mkdir()
    k.drop(columns=["medeldistans_3000_km"]).to_csv(d / "kommuner.csv", index=False)
    for f in ("lan.csv", "regioner.csv", "riket.csv"):
        (d / f).write_bytes((full / f).read_bytes())
    ctx = build_ctx(load_indata(d, "sou2024", 2024), load_params("sou2024"))
    run = berakna(ctx)
    res = run["kommun"]
    ref = berakna(build_ctx(load_indata(full, "sou2024", 2024), load_params("sou2024")))["kommun"]
    assert np.isnan(res["politisk_verksamhet.standardkostnad"]).all()
    assert "Politisk verksamhet: ej tillgänglig — indata saknas: kommuner.medeldistans_3000_km" in run.notes
    for c in (
        "forskola.standardkostnad",
        "aldreomsorg.standardkostnad",
        "gator_och_vagar.standardkostnad",
        "inkomstutjamning.inkomstutjamning",
        "svagt_befolkningsunderlag.svagt_befolkningsunderlag",
        "lss.utjamning",
    ):
        np.testing.assert_allclose(res[c], ref[c], rtol=1e-12, err_msg=c)
    assert np.isnan(res["kostnadsutjamning.kostnadsutjamning"]).all()
    assert np.isnan(res["regleringspost.regleringspost"]).all()
    assert set(run.ej_tillgangliga) >= {"politisk_verksamhet", "regleringspost (kommun)"}


@pytest.mark.parametrize(
    "bad, message",
    [
        ("negative", "kolumn 'skatteunderlag_kr': -5 ("),
        ("unknown", "okända kolumner ['skatteunderlg_kr']"),
        ("row", "1 av 290 kommun_kod saknas: 0127 Botkyrka"),
    ],
)
def test_what_is_given_is_validated_as_strictly_as_before(full, tmp_path, capsys, bad, message):
    d = _only(full, tmp_path, MINIMUM)
    k = pd.read_csv(d / "kommuner.csv", dtype=str, keep_default_na=False)
    if bad == "negative":
        k.loc[3, "skatteunderlag_kr"] = "-5"
    elif bad == "unknown":
        k = k.rename(columns={"skatteunderlag_kr": "skatteunderlg_kr"})
    else:
        k = k.iloc[1:]
    k.to_csv(d / "kommuner.csv", index=False)
    out = tmp_path / "ut"
    assert main(["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(d), "--ut", str(out)]) == 2
    assert message in capsys.readouterr().err and not out.exists()


def test_without_the_kommun_table_nothing_is_computed(full, tmp_path, capsys):
    d = tmp_path / "bara_riket"
    d.mkdir()
    (d / "riket.csv").write_bytes((full / "riket.csv").read_bytes())
    assert (
        main(["berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", str(d), "--ut", str(tmp_path / "u")])
        == 2
    )
    assert "tabellen 'kommuner' finns inte" in capsys.readouterr().err


def test_jamfor_needs_every_post_and_says_which_are_missing(full, tmp_path, capsys):
    """The change analysis compares every post (the införande rules, lag 11 a–14 §§): with partial inputs it stops
    with one input error naming the posts and the missing inputs, instead of a financing without a fixed point."""
    d = _only(full, tmp_path, MINIMUM, riket=True)
    assert main(["jamfor", "--indata", str(d), "--bas-bilaga4", "--ut", str(tmp_path / "jf")]) == 2
    err = capsys.readouterr().err
    assert "kommuner: kostnadsutjämning" in err and "jämförelsen kräver alla poster" in err
    assert "indata saknas: kommuner.bef_10_12" in err and not (tmp_path / "jf").exists()
