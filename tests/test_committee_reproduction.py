"""The engine against the committee's own published outcomes (SOU 2024:50 Bilaga 4, transcribed in data/bilaga4).

The committee published, per kommun and region, the proposal's inkomstutjämning 2024 and its change from the
current rules — but not the skattekraft behind them. The current outcome (förslag − förändring) under the current
rules (115 %, SFS 2023:683 rates) pins down each unit's skattekraft given the riket medelskattekraft 270 753 kr
(table 5.2, L7529–L7567). Running the engine's inkomstutjämning under the *proposal* (116 %, the proposed länsvisa
skattesatser, bidrag/avgift side chosen by the engine) on that skattekraft must then give the committee's förslag,
to the krona, for all 290 kommuner and 21 regioner. This checks the garantinivåer, both rate tables, the län
mapping (incl. Gotland outside a region) and the bidrag/avgift rule against 311 published numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.inkomst import inkomstutjamning_belopp
from engine.params import Params
from engine.register import DATA
from engine.register import load_lansvisa_skattesatser as lansvisa_skattesatser

MSK_2024 = 270_753.0  # uppräknad medelskattekraft 2024, table 5.2 row B (L7535)


@pytest.mark.parametrize(
    "tabell,key,niva,n",
    [("tabell1_kommuner", "kommun_kod", "kommun", 290), ("tabell2_regioner", "region_kod", "region", 21)],
)
def test_proposed_inkomstutjamning_reproduces_bilaga4_to_the_krona(tabell, key, niva, n):
    t = pd.read_csv(DATA / "bilaga4" / f"{tabell}.csv", dtype={key: str}).set_index(key)
    assert len(t) == n
    lan = t.index.str[:2]
    nu, forslag = Params.load("2024"), Params.load("sou2024")
    rc = lansvisa_skattesatser(nu.raw("inkomstutjamning.skattesatser_kolumn")).loc[lan]
    rp = lansvisa_skattesatser(forslag.raw("inkomstutjamning.skattesatser_kolumn")).loc[lan]
    f = t["inkomstutjamning_forslag"].to_numpy(dtype="float64")
    c = f - t["inkomstutjamning_forandring"].to_numpy(dtype="float64")  # the current outcome 2024
    s_c = np.where(c > 0, rc[f"{niva}_bidrag"], rc[f"{niva}_avgift"]) / 100
    skattekraft = nu("inkomstutjamning.garantiniva") * MSK_2024 - c / s_c  # implied by the current rules
    got, _ = inkomstutjamning_belopp(
        skattekraft,
        np.ones(n),
        MSK_2024,
        forslag("inkomstutjamning.garantiniva"),
        rp[f"{niva}_bidrag"].to_numpy(),
        rp[f"{niva}_avgift"].to_numpy(),
    )
    # the tables print whole kronor: rounding both printed numbers moves the result by < 1 kr
    assert np.max(np.abs(got - f)) < 1.0


def test_one_medelskattekraft_explains_every_kommuns_change():
    """The change 115 % → 116 % with the new rates implies the riket medelskattekraft for each kommun separately;
    all 290 agree with table 5.2's 270 753 kr within the rounding of the printed kronor."""
    t = pd.read_csv(DATA / "bilaga4" / "tabell1_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    lan = t.index.str[:2]
    rc, rp = lansvisa_skattesatser("current2024").loc[lan], lansvisa_skattesatser("proposed").loc[lan]
    f = t["inkomstutjamning_forslag"].to_numpy(dtype="float64")
    c = f - t["inkomstutjamning_forandring"].to_numpy(dtype="float64")
    s_p = np.where(f > 0, rp["kommun_bidrag"], rp["kommun_avgift"]) / 100
    s_c = np.where(c > 0, rc["kommun_bidrag"], rc["kommun_avgift"]) / 100
    msk = (f / s_p - c / s_c) / (1.16 - 1.15)
    bound = (0.5 / s_p + 0.5 / s_c) / 0.01  # ± half a krona in each table
    assert np.all(np.abs(msk - MSK_2024) <= bound)
    assert abs(np.median(msk) - MSK_2024) < 50


def test_raddningstjanst_change_per_kommun_matches_bilaga4_tabell6(shared_data):
    """Tabell 6 gives each kommun's change in räddningstjänst (proposal − current, each net of its riket mean).
    The engine's proposed delmodell (15 a §: RI · 831 · K · KPIF, the published index, population 31 dec 2021 as
    the weights) minus that change must leave the *current* component, which is a class amount: 0 for 215 kommuner,
    150/300/700 kr (2016 prices) × KPIF 2017–2024 for 40/20/15 (tabell 6.74, L19617–L19639). Every kommun falls on
    one of the four levels within 2 kr, the class sizes are the published ones and the level spacing equals the
    engine's current-rule amounts — so both rule sets' räddningstjänst agree with the committee."""
    from engine_helpers import make_ctx

    from engine.common import kpif_faktor
    from engine.kostnad.raddningstjanst import raddningstjanst
    from engine.register import load_fasta_index

    fi = load_fasta_index().kommun
    panel = pd.read_csv(shared_data / "kommun_panel_2002_2022" / "municip_data22.csv")
    pop = panel.assign(kommun_kod=panel["municip_code"].astype(str).str.zfill(4)).set_index("kommun_kod")["pop"]
    P = pop.reindex(fi.index).to_numpy(dtype="float64")
    ctx = make_ctx({"folkmangd_31dec_t2": P, "folkmangd_1nov_t1": P}, idx={"raddningstjanst": fi["raddningstjanst"]})
    sk = raddningstjanst(ctx)["standardkostnad"]
    ny = sk - np.sum(sk * P) / P.sum()
    t6 = pd.read_csv(DATA / "bilaga4" / "tabell6_delmodeller_kommuner.csv", dtype={"kommun_kod": str}).set_index(
        "kommun_kod"
    )
    nu = ny - t6.loc[fi.index, "raddningstjanst"].to_numpy()
    nu = nu - np.median(nu)  # the 215 kommuner without tillägg sit at 0
    nuv = Params.load("2024")
    f = kpif_faktor(nuv("allmant.kpif"), 2024, ar_fran=2016)
    q = "infrastruktur_och_skydd.raddningstjanst."
    levels = np.array([0.0] + [nuv(q + b) * f for b in ("belopp_stor", "belopp_mellan", "belopp_liten")])
    nearest = np.abs(nu[:, None] - levels[None, :])
    assert nearest.min(axis=1).max() < 2.0
    counts = np.bincount(nearest.argmin(axis=1), minlength=4)
    assert counts.tolist() == [215, 40, 20, 15]
