"""Change analysis (Bilaga 4 tables): identities, the införande caps in the first year, the regleringspost balancing
the anslag with the fast införandebidrag financed, the committee's own bas from data/bilaga4, and the CLI."""

from __future__ import annotations

import types

import numpy as np
import pandas as pd
import pytest

from engine.indata import IndataError, load_indata
from engine.params import load_params
from engine.register import DATA
from pipelines.bas_utfall import bas_from_bilaga4, read_bas_utfall
from pipelines.demo_indata import write_demo_bas_utfall, write_demo_inputs
from pipelines.jamfor_tabeller import bilaga4_tabeller as jamfor


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    ind = write_demo_inputs(tmp_path_factory.mktemp("indata"), 2024)
    bas = write_demo_bas_utfall(ind, tmp_path_factory.mktemp("bas"))
    return ind, bas


@pytest.fixture(scope="module")
def tables(dirs):
    ind, bas = dirs
    reform = load_params("sou2024").with_reform(
        {"namn": "garanti 117", "andringar": {"inkomstutjamning.garantiniva": 1.17}}
    )
    return jamfor(
        load_indata(ind, "2024", 2024),
        load_indata(ind, "sou2024", 2024),
        load_params("2024"),
        load_params("sou2024"),
        reform,
        read_bas_utfall(bas),
    ), load_indata(ind, "sou2024", 2024)


def test_tabell1_totals_are_the_sum_of_the_components(tables):
    t, _ = tables
    t1 = t["tabell1_kommuner"]
    parts = [
        "inkomstutjamning",
        "kostnadsutjamning",
        "efterslapning",
        "svagt_befolkningsunderlag",
        "fast_inforandebidrag",
        "regleringspost",
    ]
    assert np.allclose(t1[[f"{c}_forslag" for c in parts]].sum(axis=1), t1["totalt_forslag"])
    ch = ["inkomstutjamning", "kostnadsutjamning", "efterslapning", "regleringspost"]
    assert np.allclose(
        t1[[f"{c}_forandring" for c in ch]].sum(axis=1)
        + t1["svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring"],
        t1["totalt_forandring"],
    )
    assert t1["regleringspost_forslag"].nunique() == 1  # one uniform amount (15–16 §§)


def test_regleringspost_balances_the_anslag_with_the_fast_inforandebidrag_financed(tables):
    t, ind = tables
    P = ind.kommun["folkmangd_1nov_t1"].to_numpy()
    outlay = np.sum(t["tabell1_kommuner"]["totalt_forslag"].to_numpy() * P)
    assert outlay == pytest.approx(ind.riket["anslag_kommuner_kr"], abs=1.0)  # to the krona
    Pr = (
        ind.kommun["folkmangd_1nov_t1"]
        .groupby(ind.kommun.index.str[:2])
        .sum()
        .reindex(t["tabell2_regioner"].index)
        .to_numpy()
    )
    assert np.sum(t["tabell2_regioner"]["totalt_forslag"].to_numpy() * Pr) == pytest.approx(
        ind.riket["anslag_regioner_kr"], abs=1.0
    )


def test_fast_inforandebidrag_caps_the_permanent_loss(tables):
    t, _ = tables
    assert t["tabell1_kommuner"]["totalt_forandring"].min() >= -1500 - 1e-6  # 11 a §, L711–L717
    assert t["tabell2_regioner"]["totalt_forandring"].min() >= -750 - 1e-6  # 12 §, L733–L747
    assert (t["tabell1_kommuner"]["totalt_forandring"] <= -1500 + 1e-6).any()  # the cap binds on the demo


def test_first_year_loss_is_capped_by_the_inforandebidrag(tables):
    t, _ = tables
    s = t["systemeffekt_kommuner"]
    assert s["forsta_aret"].min() == pytest.approx(-300.0, abs=1e-6)  # 13 §: 300 kr (L763–L767)
    t5 = t["tabell5_regioner_inforande"]
    reg = t["tabell2_regioner"]["totalt_forandring"] + t5["inforandebidrag_ar1"] - t5["finansiering_ar1"]
    assert reg.min() >= -250 - 1e-6
    t4 = t["tabell4_kommuner_inforande"]
    years = sorted(int(c.removeprefix("inforandebidrag_ar")) for c in t4.columns if c.startswith("inforandebidrag_ar"))
    assert t4[f"inforandebidrag_ar{years[-1]}"].eq(0).all()  # the schedule ends
    n = len(years)
    loss = [-(t4["total_forandring"] + t4[f"inforandebidrag_ar{y}"] - t4[f"finansiering_ar{y}"]) for y in years]
    for y, loss_y in zip(years, loss):
        affected = t4[f"inforandebidrag_ar{y}"] > 0
        assert (loss_y[affected] <= 300 * y + 1e-6).all()  # loss incl. financing ≤ 300·n
    assert n >= 2


def test_reform_layer_compares_against_the_proposal(tables):
    t, _ = tables
    r = t["reform_kommuner"]
    assert (r["inkomstutjamning_reform_mot_forslag"] >= -1e-9).all() and r[
        "inkomstutjamning_reform_mot_forslag"
    ].max() > 0
    # the kostnadsutjämning moves only through befolkningsminskning, whose revenue includes the inkomstutjämning (L2573)
    assert r["kostnadsutjamning_reform_mot_forslag"].abs().max() < 1.0
    assert "kommuner, reform mot förslag" in set(t["vinnare_forlorare"]["effekt"])


def test_size_bands_cover_every_kommun(tables):
    t, ind = tables
    sb = t["storleksklasser"]
    assert sb["antal_kommuner"].sum() == 290
    assert sb["befolkning"].sum() == pytest.approx(ind.kommun["folkmangd_1nov_t1"].sum())
    assert (sb["vinnare"] + sb["forlorare"]).sum() <= 290


def test_bas_from_the_committees_bilaga4_has_a_uniform_regleringspost():
    k, r = bas_from_bilaga4(DATA / "bilaga4")
    assert len(k) == 290 and len(r) == 21
    # current 2024 regleringspost: kommuner 3 055 (L5097) ≈ 2 431 + 625; regioner 730 ≈ −118 + 847 (rounded tables)
    assert k["regleringspost"].between(3053, 3059).all() and r["regleringspost"].between(727, 731).all()


def test_missing_current_kostnadsutjamning_is_an_input_error(dirs):
    ind, _ = dirs
    with pytest.raises(IndataError, match="bas-utfall"):
        jamfor(
            load_indata(ind, "2024", 2024),
            load_indata(ind, "sou2024", 2024),
            load_params("2024"),
            load_params("sou2024"),
        )


def test_jamfor_cli_writes_every_table_and_workbook(dirs, tmp_path):
    from pipelines.cli import main

    ind, bas = dirs
    out = tmp_path / "jf"
    assert main(["jamfor", "--indata", str(ind), "--bas-utfall", str(bas), "--ut", str(out)]) == 0
    for name in (
        "tabell1_kommuner",
        "tabell2_regioner",
        "tabell3_lss_inforande",
        "tabell4_kommuner_inforande",
        "tabell5_regioner_inforande",
        "tabell6_delmodeller_kommuner",
        "tabell7_delmodeller_regioner",
        "systemeffekt_kommuner",
        "storleksklasser",
        "vinnare_forlorare",
        "omfordelning",
    ):
        assert (out / f"{name}.csv").is_file() and (out / f"{name}.parquet").is_file(), name
    x = pd.read_excel(out / "jamforelse.xlsx", sheet_name=None)
    assert "Tabell 1 Kommuner" in x and "Kommun" in x["Tabell 1 Kommuner"].columns
    t6 = pd.read_csv(out / "tabell6_delmodeller_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    b4 = pd.read_csv(DATA / "bilaga4" / "tabell6_delmodeller_kommuner.csv", dtype={"kommun_kod": str}).set_index(
        "kommun_kod"
    )
    # the DEMO bas is built from the committee's per-delmodell change, so the demo reproduces it exactly
    assert np.allclose(t6["forskola_forandring"], b4.loc[t6.index, "forskoleverksamhet_och_skolbarnomsorg"], atol=1e-3)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "kommuner.csv").write_text("kommun_kod,kostnadsutjamning,okand\n0114,x,1\n", encoding="utf-8")
    assert main(["jamfor", "--indata", str(ind), "--bas-utfall", str(bad), "--ut", str(tmp_path / "no")]) == 2
    assert not (tmp_path / "no").exists()


def test_jamfor_regleringspost_is_berakna_minus_the_fast_inforandebidrag_financing(tables, dirs):
    """The proposal layer's regleringspost equals the single-rule-set run's, less the uniform financing of the fasta
    införandebidrag — so both paths count every post in the same kronor (incl. the eftersläpning, whose own kr/inv
    figure is per folkmängd 31 dec t−2)."""
    from engine.model import berakna, build_ctx

    t, ind = tables
    res = berakna(build_ctx(ind, load_params("sou2024")))
    P = ind.kommun["folkmangd_1nov_t1"].to_numpy()
    t1 = t["tabell1_kommuner"]
    fin = np.sum(t1["fast_inforandebidrag_forslag"].to_numpy() * P) / P.sum()
    assert t1["regleringspost_forslag"].iloc[0] + fin == pytest.approx(
        res["kommun"]["regleringspost.regleringspost"][0], abs=1e-6
    )
    assert np.sum(t1["efterslapning_forslag"].to_numpy() * P) == pytest.approx(
        np.sum(res["kommun"]["efterslapning.efterslapning_kr"])
    )


def test_omfordelning_per_rule_set(tables, dirs):
    """The SOU's summary per rule set: the proposal's rows are the single run's Sammanfattning (sum of positive net
    amounts = sum of negative ones, kronor on folkmängd 31 dec t−2); the reform (garantinivå only) leaves every
    delmodell but befolkningsminskning unchanged; the current rules' delmodeller say why they are not available."""
    from engine.model import berakna, build_ctx
    from engine.sammanfattning import for_run

    t, ind = tables
    o = t["omfordelning"]
    assert {"nuvarande regler: 2024", "förslaget: sou2024", "reform: sou2024 + garanti 117"} == set(o["regelverk"])
    f = o[o["regelverk"] == "förslaget: sou2024"].set_index(["nivå", "post", "komponent"])
    ctx = build_ctx(ind, load_params("sou2024"))
    ref = for_run(ctx, berakna(ctx)).set_index(["nivå", "post", "komponent"])
    row = ("kommun", "forskola", "gles_bebyggelse")
    assert f.loc[row, "omfördelning (kr)"] == pytest.approx(ref.loc[row, "omfördelning (kr)"], rel=1e-12)
    assert f.loc[row, "omfördelning (kr)"] == pytest.approx(f.loc[row, "avgift/avdrag (kr)"], rel=1e-9)
    g = ctx.k["folkmangd_31dec_t2"] * berakna(ctx)["kommun"]["forskola.gles_bebyggelse"]
    assert f.loc[row, "omfördelning (kr)"] == pytest.approx(g[g > 0].sum(), rel=1e-9)  # IBA: mean 0
    r = o[o["regelverk"].str.startswith("reform")].set_index(["nivå", "post", "komponent"])
    for rad in (("kommun", "grundskola", "standardkostnad"), ("region", "halso_och_sjukvard", "vardbehov")):
        assert r.loc[rad, "omfördelning (kr)"] == pytest.approx(f.loc[rad, "omfördelning (kr)"], rel=1e-12)
    b = o[o["regelverk"] == "nuvarande regler: 2024"].set_index(["nivå", "post", "komponent"])
    assert b.loc[("kommun", "forskola", "behov_forskola"), "status"].startswith("ej tillgänglig i regelverk 2024")
    assert b.loc[("kommun", "forskola", "aldersersattning"), "status"] == "beräknad"


def test_an_unsolvable_phase_in_is_caught_by_type(monkeypatch):
    """berakna_lager turns bidrag.IngenLosning (by type, not by searching the message) into one input error; any
    other RuntimeError — even one that mentions the införandebidrag — is a bug and passes through."""
    from engine import bidrag, jamfor

    def ingen(*a, **k):
        raise bidrag.IngenLosning(f"{bidrag.INFORANDEBIDRAG} inklusive finansiering har ingen lösning")

    monkeypatch.setattr(jamfor, "_berakna_lager", ingen)
    with pytest.raises(IndataError) as e:
        jamfor.berakna_lager(None, None, None, None)
    assert e.value.problems[0].startswith(
        "införandereglerna har ingen lösning för denna jämförelse: införandebidraget (lag 2004:773 13–14 §§; "
        "SOU 2024:50 s. 42, 676) inklusive finansiering har ingen lösning. Basens utfall"
    )

    def bug(*a, **k):
        raise RuntimeError("införandebidrag: inklusive finansiering")

    monkeypatch.setattr(jamfor, "_berakna_lager", bug)
    with pytest.raises(RuntimeError, match="införandebidrag: inklusive finansiering"):
        jamfor.berakna_lager(None, None, None, None)

    # the införande tables (every year until the bidrag ends) say the same, not a bare IngenLosning
    from pipelines import jamfor_tabeller

    monkeypatch.setattr(bidrag, "inforandebidrag_schema", ingen)
    ctx = types.SimpleNamespace(k={"p": np.ones(2)}, p=types.SimpleNamespace(raw=lambda path: "p"))
    with pytest.raises(IndataError, match="Basens utfall och förslagets indata beskriver troligen olika underlag"):
        jamfor_tabeller.tabell_inforande(ctx, pd.Series([-100.0, 50.0]), "kommun")


def test_size_band_names_follow_their_bounds():
    from pipelines.jamfor_tabeller import STORLEKSKLASSER, storleksklass_namn

    assert storleksklass_namn() == [
        "< 5 000",
        "5 000–9 999",
        "10 000–24 999",
        "25 000–49 999",
        "50 000–99 999",
        "≥ 100 000",
    ]
    assert len(storleksklass_namn()) == len(STORLEKSKLASSER) - 1
    assert storleksklass_namn((0, 20_000, np.inf)) == ["< 20 000", "≥ 20 000"]
