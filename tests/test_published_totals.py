"""National totals published by SKR, reproduced by the engine: the 2024 regleringspost of SKR cirkulär 23:62 (seed
000) with the kostnadsutjämning's published net as input, and the 2019 inkomstutjämning of SKR cirkulär 19:59
(seed 003) from the panel's tax base (*shared*: skips without ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_helpers import make_ctx

from engine import register
from engine.model import regleringspost
from engine.register import DATA
from pipelines.cli import main

MNKR = 1e6


def _poster(p, iu_kr, sb_kr):
    """Posts of the current rules per unit, kronor split by population (only their sums enter the regleringspost)."""
    w = p / p.sum()
    nan = np.full(len(p), np.nan)
    return {
        "inkomstutjamning.inkomstutjamning_kr": iu_kr * w,
        "kostnadsutjamning.kostnadsutjamning_kr": nan,
        "efterslapning.efterslapning_kr": nan,
        "strukturbidrag.strukturbidrag_kr": sb_kr * w,
    }


def test_regleringspost_2024_of_skr_23_62_with_the_published_net_of_the_kostnadsutjamning():
    """SKR 23:62 tabell 3–4 (kommuner) and 1–2 (regioner), 2024: the kostnadsutjämning, which the current rules cannot
    compute here, nets to −97 / −42 mnkr; with that net as input the regleringspost is the anslag less inkomst-
    utjämning, strukturbidrag and that net: 119 176 − (85 973 + 1 042 − 97) = 32 257 mnkr = 3 055 kr/inv, and
    48 695 − (40 488 + 547 − 42) = 7 702 mnkr = 730 kr/inv (printed millions and kronor: ±1,5 mnkr, ±1 kr)."""
    p = np.array([4_000_000.0, 6_558_000.0])  # 1 nov 2023: 32 257 / 3 055 ≈ 85 973 / 8 143 ≈ 10,558 M
    riket = {
        "anslag_kommuner_kr": 119_176 * MNKR,
        "anslag_regioner_kr": 48_695 * MNKR,
        "kostnadsutjamning_netto_kommuner_kr": -97 * MNKR,
        "kostnadsutjamning_netto_regioner_kr": -42 * MNKR,
    }
    ctx = make_ctx({"folkmangd_1nov_t1": p}, regelverk="2024", riket=riket)
    for niva, iu, sb, kr, per_inv in (("kommun", 85_973, 1_042, 32_257, 3_055), ("region", 40_488, 547, 7_702, 730)):
        rp = regleringspost(
            ctx, niva, _poster((ctx.k if niva == "kommun" else ctx.r)["folkmangd_1nov_t1"], iu * MNKR, sb * MNKR)
        )
        assert rp["regleringspost.regleringspost_kr"].sum() / MNKR == pytest.approx(kr, abs=1.5), niva
        # ±1 kr: the regions' printed 7 702 mnkr / 730 kr implies a population 0,07 % below their other rows' 10,558 M
        assert rp["regleringspost.regleringspost"][0] == pytest.approx(per_inv, abs=1.0), niva
    # the number in Swedish print (engine.talformat: no-break spaces, typographic minus), the note as written
    assert any("(riket.kostnadsutjamning_netto_kommuner_kr = −97\u00a0000\u00a0000 kr)" in n for n in ctx.notes)
    # without the net the regleringspost is not computed on an assumed 0, and the message names the input
    ctx = make_ctx({"folkmangd_1nov_t1": p}, regelverk="2024", riket={"anslag_kommuner_kr": 119_176 * MNKR})
    assert np.isnan(
        regleringspost(ctx, "kommun", _poster(p, 85_973 * MNKR, 1_042 * MNKR))["regleringspost.regleringspost"]
    ).all()
    assert "riket.kostnadsutjamning_netto_kommuner_kr" in ctx.ej_tillgangliga["regleringspost (kommun)"]


def _indata_2019(shared: Path, d):
    """Inputs of the 2019 inkomstutjämning (lag 3–7 §§), reconstructed from the shared data — see the test."""
    reg = register.kommuner()
    panel = pd.read_csv(shared / "kommun_panel_2002_2022" / "municip_data.csv")
    p18 = panel[panel["year"] == 2018].assign(kommun_kod=lambda t: t["municip_code"].map(lambda c: f"{c:04d}"))
    p18 = p18.set_index("kommun_kod").reindex(reg["kommun_kod"])
    ages = pd.read_csv(shared / "kommun_tables_2019" / "SCB_alderkon.csv")
    p19 = ages.groupby("region")["X2019"].sum().reindex(reg["kommun"]).to_numpy(dtype=float)
    assert not p18["pop"].isna().any() and not np.isnan(p19).any()
    p17 = p18["pop"].to_numpy(dtype=float)
    p_1nov18 = p17 + 10.0 / 24.0 * (p19 - p17)  # 31 dec 2017 → 31 dec 2019, linear to 1 nov 2018
    su_2017 = p18["tax_base"].to_numpy(dtype=float) * p17
    su = su_2017 / su_2017.sum() * MEDELSKATTEKRAFT_2019 * p_1nov18.sum()
    pd.DataFrame(
        {"kommun_kod": reg["kommun_kod"], "folkmangd_1nov_t1": np.round(p_1nov18), "skatteunderlag_kr": np.round(su)}
    ).to_csv(d / "kommuner.csv", index=False)
    return p_1nov18


#: SKR cirkulär 19:59 tabell 6: "Medelskattekraft, regeringens fastställda" 2019 (the uppräknad medelskattekraft).
MEDELSKATTEKRAFT_2019 = 230_685.0


def test_inkomstutjamning_2019_of_skr_19_59(shared_data, tmp_path):
    """SKR 19:59 tabell 7–8: the kommuner's net inkomstutjämning 2019 is 70 395 mnkr, 6 891 kr/inv.

    Inputs (nothing from the circular but its medelskattekraft): each kommun's tax base is its skattekraft of
    taxation year 2018 — incomes 2017, the tax base of the 2019 utjämning (lag 3 §) — times its population (SCB via
    the panel, 2018 rows), uprated uniformly so that the uppräknad medelskattekraft is the circular's 230 685 kr
    (the uniform uppräkningsfaktorer change no kommun's relative skattekraft). Folkmängd 1 nov 2018 is interpolated
    between 31 dec 2017 (panel) and 31 dec 2019 (kommun_tables_2019). Garantinivå 115 % (regelverk 2024, in force
    2019); länsvisa skattesatser: the example input table data/exempel/2019 (its README says what is inferred).
    Measured: 70 345 mnkr (−0,07 %) and 6 892 kr/inv (+0,02 %); the rest is the population estimate."""
    d = tmp_path / "indata_2019"
    d.mkdir()
    p = _indata_2019(shared_data, d)
    (d / "lansvisa_skattesatser.csv").write_bytes(
        (DATA / "exempel" / "2019" / "lansvisa_skattesatser.csv").read_bytes()
    )
    out = tmp_path / "ut"
    assert main(["berakna", "--ar", "2019", "--regelverk", "2024", "--indata", str(d), "--ut", str(out)]) == 0
    s = pd.read_csv(out / "sammanfattning.csv").set_index(["nivå", "post"])
    netto = s.loc[("kommun", "inkomstutjamning"), "netto (kr)"]
    assert netto / MNKR == pytest.approx(70_395, rel=1e-3)
    assert netto / np.round(p).sum() == pytest.approx(6_891, rel=1e-3)
    k = pd.read_parquet(out / "kommuner.parquet")
    dalarna = (k["lan_kod"] == "20") & (k["inkomstutjamning.inkomstutjamning"] > 0)
    assert dalarna.sum() == 15 and (k.loc[dalarna, "inkomstutjamning.lansvis_skattesats_procent"] == 19.52).all()
    assert "används inte" not in (out / "anmarkningar.txt").read_text(encoding="utf-8")


def test_an_input_table_of_skattesatser_is_used_where_the_rule_set_takes_the_years_rates(tmp_path):
    """Current rules: the table replaces SFS 2023:683 for the utjämningsår (a kommun's bidrag scales with its rate);
    the proposal has its own rates and says so; a bad table is an input error naming the row and column."""
    from pipelines.demo_indata import write_demo_inputs

    full = write_demo_inputs(tmp_path / "demo", 2024)
    d = tmp_path / "med"
    d.mkdir()
    pd.read_csv(full / "kommuner.csv", dtype=str)[["kommun_kod", "folkmangd_1nov_t1", "skatteunderlag_kr"]].to_csv(
        d / "kommuner.csv", index=False
    )
    satser = pd.read_csv(DATA / "exempel" / "2019" / "lansvisa_skattesatser.csv", dtype=str)
    satser.to_csv(d / "lansvisa_skattesatser.csv", index=False)
    runs = {}
    for namn, rv, indir in (("utan", "2024", full), ("med", "2024", d), ("forslag", "sou2024", d)):
        assert (
            main(
                [
                    "berakna",
                    "--ar",
                    "2024",
                    "--regelverk",
                    rv,
                    "--indata",
                    str(indir),
                    "--ut",
                    str(tmp_path / f"ut_{namn}"),
                ]
            )
            == 0
        )
        runs[namn] = pd.read_parquet(tmp_path / f"ut_{namn}" / "kommuner.parquet")
    iu = "inkomstutjamning.inkomstutjamning"
    dal = (runs["utan"]["lan_kod"] == "20") & (runs["utan"][iu] > 0)
    np.testing.assert_allclose(runs["med"].loc[dal, iu], runs["utan"].loc[dal, iu] * 19.52 / 19.51, rtol=1e-12)
    ovr = runs["utan"]["lan_kod"] != "20"
    np.testing.assert_allclose(runs["med"].loc[ovr, iu], runs["utan"].loc[ovr, iu], rtol=1e-12)
    assert "lansvisa_skattesatser används inte" in (tmp_path / "ut_forslag" / "anmarkningar.txt").read_text(
        encoding="utf-8"
    )
    satser.loc[4, "kommun_avgift"] = "117"
    satser.drop(index=2).to_csv(d / "lansvisa_skattesatser.csv", index=False)
    assert (
        main(["berakna", "--ar", "2024", "--regelverk", "2024", "--indata", str(d), "--ut", str(tmp_path / "x")]) == 2
    )
