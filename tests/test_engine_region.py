"""Regions: hälso- och sjukvård, befolkningsförändringar (current) and kollektivtrafik (kommun and region part).

Toy contexts with a few kommuner in 2–4 län; expected values by plain arithmetic from the bilaga's formulas.
"""

import math

import numpy as np
import pytest
from engine_helpers import make_ctx

from engine.kostnad import DELMODELL, delmodeller
from engine.kostnad.halso_och_sjukvard import befolkningsforandringar_region, halso_och_sjukvard
from engine.kostnad.kollektivtrafik import (
    kollektivtrafik,
    kollektivtrafik_region,
    kommunandelar,
    lansvis_standardkostnad,
)
from engine.params import ParameterError, Params
from engine.schema import HOS_CELLER

F = 1.06 * 1.027  # KPIF 2023, 2024 (L2351)
SC_HOS = 26406 * F
SC_KOLL = 2947 * F


# --- hälso- och sjukvård ----------------------------------------------------------------------------------------


def hos_ctx(regelverk="sou2024", andringar=None, ridx=None):
    """Three regions 01, 09 (Gotland), 24, one kommun each, 1 000 / 500 / 1 500 inhabitants."""
    cells = {c: np.zeros(3) for c in HOS_CELLER}
    cells["hos_6_18"] = np.array([1000.0, 250.0, 500.0])
    cells["hos_90_w"] = np.array([0.0, 250.0, 0.0])
    cells["hos_30_49_ej_syss_sjuka"] = np.array([0.0, 0.0, 1000.0])
    ridx = ridx or {
        "vard_glesbygd": [0.98, 1.09, 1.04],
        "bemanning_glesbygd": [0.99, 1.0, 1.01],
        "loneindex": [103.0, 99.0, 98.0],
    }
    return make_ctx(
        {"folkmangd_31dec_t2": [1000, 500, 1500]},
        lan_kod=["01", "09", "24"],
        r=cells,
        ridx=ridx,
        regelverk=regelverk,
        andringar=andringar,
    )


def hand_vardbehov():
    raw = np.array([12034.0, (250 * 12034 + 250 * 75478) / 500, (500 * 12034 + 1000 * 85475) / 1500])
    p = np.array([1000.0, 500.0, 1500.0])
    return raw * SC_HOS / (np.sum(raw * p) / np.sum(p)), p


def test_hos_hand_computed():
    out = halso_och_sjukvard(hos_ctx())
    vb, p = hand_vardbehov()
    gles = np.array([-0.02, 0.09, 0.04]) * vb
    bem = np.array([-0.01, 0.0, 0.01]) * vb
    g = np.array([0.03, 0.0, 0.0]) * (vb + gles + bem) * 0.706  # only LI > 100 (asymmetrisk)
    lon = g - np.sum(g * p) / np.sum(p)  # invånarbaserat avdrag
    np.testing.assert_allclose(out["vardbehov"], vb, rtol=1e-12)
    np.testing.assert_allclose(out["vard_i_glesbygd"], gles, rtol=1e-12)
    np.testing.assert_allclose(out["bemanning_i_glesbygd"], bem, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(out["strukturellt_lonelage"], lon, rtol=1e-12)
    np.testing.assert_allclose(out["standardkostnad"], vb + gles + bem + lon, rtol=1e-12)
    # identity: the population-weighted mean of VB is the uprated genomsnittlig standardkostnad
    assert np.sum(out["vardbehov"] * p) / np.sum(p) == pytest.approx(SC_HOS, rel=1e-13)
    assert np.sum(out["strukturellt_lonelage"] * p) == pytest.approx(0.0, abs=1e-6)


def test_hos_alternatives():
    _, p = hand_vardbehov()
    base = halso_och_sjukvard(hos_ctx())
    sym = halso_och_sjukvard(
        hos_ctx(
            andringar={"halso_och_sjukvard.lon_modell": "symmetrisk", "halso_och_sjukvard.lonekostnadsandel": 0.710}
        )
    )
    jl = (base["vardbehov"] + base["vard_i_glesbygd"] + base["bemanning_i_glesbygd"]) * 0.710
    np.testing.assert_allclose(sym["strukturellt_lonelage"], np.array([3.0, -1.0, -2.0]) / 100 * jl, rtol=1e-12)
    iba = halso_och_sjukvard(hos_ctx(andringar={"halso_och_sjukvard.index_normalisering": "invanarbaserat_avdrag"}))
    assert np.sum(iba["vard_i_glesbygd"] * p) == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(
        iba["vard_i_glesbygd"] - base["vard_i_glesbygd"], -np.sum(base["vard_i_glesbygd"] * p) / np.sum(p), rtol=1e-12
    )
    with pytest.raises(ParameterError):
        halso_och_sjukvard(hos_ctx(andringar={"halso_och_sjukvard.lon_modell": "halv"}))


def test_hos_batch_broadcasts():
    ctx = hos_ctx()
    ctx.p = ctx.p.with_batch(
        {"halso_och_sjukvard.lonekostnadsandel": [0.706, 0.710], "standardkostnader.halso_och_sjukvard": [26406, 30000]}
    )
    out = halso_och_sjukvard(ctx)
    assert out["standardkostnad"].shape == (2, 3)
    for s, (lka, sc) in enumerate([(0.706, 26406), (0.710, 30000)]):
        one = halso_och_sjukvard(
            hos_ctx(andringar={"halso_och_sjukvard.lonekostnadsandel": lka, "standardkostnader.halso_och_sjukvard": sc})
        )
        for c in one:
            np.testing.assert_allclose(out[c][s], one[c], rtol=1e-12, atol=1e-9)


def test_hos_2024_current_matrix_and_nan():
    cells = {
        f"hos2024_{c}": np.array(v, dtype=float)
        for c, v in {"6_18_lagink": [1000, 0], "80_89_ensamboende": [0, 1000]}.items()
    }
    from engine.params import Params

    for c in Params.load("2024").subtree("halso_och_sjukvard.matris"):
        cells.setdefault(c, np.zeros(2))
    ctx = make_ctx({"folkmangd_31dec_t2": [1000, 1000]}, lan_kod=["01", "03"], r=cells, regelverk="2024")
    out = halso_och_sjukvard(ctx)
    raw = np.array([9731.0, 53830.0])
    np.testing.assert_allclose(out["vardbehov"], raw * SC_HOS / raw.mean(), rtol=1e-12)
    for c in ("vard_i_glesbygd", "bemanning_i_glesbygd", "strukturellt_lonelage", "standardkostnad"):
        assert out[c].shape == (2,) and np.isnan(out[c]).all()
    assert any(n.startswith("Hälso- och sjukvård: vård i glesbygd: ej tillgänglig i regelverk 2024") for n in ctx.notes)
    # without the hos2024_* inputs (not in the schema) vårdbehov too is not available, with the reason
    ctx = make_ctx({"folkmangd_31dec_t2": [1000, 1000]}, lan_kod=["01", "03"], regelverk="2024")
    assert np.isnan(halso_och_sjukvard(ctx)["vardbehov"]).all()
    assert any("hos2024_" in n and "finns inte i indataschemat" in n for n in ctx.notes)


# --- befolkningsförändringar (current rules) ------------------------------------------------------------------


def bef_ctx(slut):
    return make_ctx(
        {"folkmangd_31dec_t2": slut, "folkmangd_31dec_t7": [1000, 1000, 1000]},
        lan_kod=["01", "03", "04"],
        regelverk="2024",
        andringar={
            "befolkningsforandringar_region.befolkning_start": "folkmangd_31dec_t7",
            "befolkningsforandringar_region.befolkning_slut": "folkmangd_31dec_t2",
        },
    )


def test_befolkningsforandringar_formula():
    # riket +5 %: increase counted beyond 5 + 2 = 7 %, decrease beyond −2 % (L21825)
    out = befolkningsforandringar_region(bef_ctx([1200, 1000, 950]))
    np.testing.assert_allclose(out["kraftig_befolkningsforandring"], [100 * 13, 0, 100 * 3], rtol=1e-12)
    # riket −9 %: increase beyond +2 %, decrease beyond −9 − 2 = −11 %
    out = befolkningsforandringar_region(bef_ctx([1030, 800, 900]))
    np.testing.assert_allclose(out["kraftig_befolkningsforandring"], [100 * 1, 100 * 9, 0], rtol=1e-9, atol=1e-9)
    assert np.isnan(out["efterslapning"]).all() and np.isnan(out["standardkostnad"]).all()


def test_befolkningsforandringar_not_available():
    ctx = make_ctx({"folkmangd_31dec_t2": [1000, 2000]}, lan_kod=["01", "03"], regelverk="2024")
    out = befolkningsforandringar_region(ctx)
    assert all(v.shape == (2,) and np.isnan(v).all() for v in out.values())
    assert "befolkningsforandringar_region.kraftig_befolkningsforandring" in ctx.ej_tillgangliga
    assert any("tioårsperiodens början" in n and "SOU 2024:50 s. 588" in n for n in ctx.notes)
    ctx = make_ctx({"folkmangd_31dec_t2": [1000, 2000]}, lan_kod=["01", "03"])
    assert np.isnan(befolkningsforandringar_region(ctx)["standardkostnad"]).all()
    assert any("avskaffad" in n for n in ctx.notes)


# --- kollektivtrafik ----------------------------------------------------------------------------------------------

K_LAN = ["01", "01", "04", "04", "09", "24", "24", "24"]
K_P = [3000.0, 1000.0, 800.0, 200.0, 600.0, 2000.0, 500.0, 300.0]
K_T11 = [50000.0, 0.0, 12000.0, 0.0, 24000.0, 90000.0, 0.0, 11500.0]
K_ID = [100.0, 300.0, 250.0, 700.0, 500.0, 150.0, 1600.0, 900.0]
L_PEND = [40.0, 20.0, 3.0, 15.0]  # län 01, 04, 09, 24
L_MD = [2.0, 12.0, 18.0, 25.0]


def koll_ctx(regelverk="sou2024", andringar=None):
    return make_ctx(
        {"folkmangd_31dec_t2": K_P, "tatort_over_11000_bef": K_T11, "invanardistans_m": K_ID},
        lan_kod=K_LAN,
        lan={"pendlare_andel_procent": L_PEND, "medeldistans_15000_km": L_MD},
        regelverk=regelverk,
        andringar=andringar,
    )


def hand_lan():
    t11 = np.array([50000.0, 12000.0, 24000.0, 101500.0])
    p_l = np.array([4000.0, 1000.0, 600.0, 2800.0])
    mv = 679.7825 + 0.0008615 * t11 + 22.40816 * np.array(L_PEND) + 14.76467 * np.array(L_MD)
    sk = mv * SC_KOLL / (np.sum(mv * p_l) / np.sum(p_l))
    return sk, p_l


def c_k(t, idm, p, golv=11000.0):
    ln = math.log(max(t, golv))
    return (10584.30 - 2402.106 * ln + 134.8748 * ln**2 + 29.35780 * math.sqrt(idm)) * p


def test_kollektivtrafik_hand_computed():
    ctx = koll_ctx()
    kom, reg = kollektivtrafik(ctx)["standardkostnad"], kollektivtrafik_region(ctx)["standardkostnad"]
    sk, p_l = hand_lan()
    np.testing.assert_allclose(reg, [0.6 * sk[0], 0.5 * sk[1], 0.5 * sk[2], 0.5 * sk[3]], rtol=1e-12)
    # Stockholm 40 %, Södermanland (no decided shares in the seeds) and Gotland: same kr/inv in every kommun
    np.testing.assert_allclose(kom[:5], [0.4 * sk[0]] * 2 + [0.5 * sk[1]] * 2 + [0.5 * sk[2]], rtol=1e-12)
    # Västerbotten: the bilaga's distribution formula (L2713–L2723), ln floored at 11 000 (OPEN-20)
    c = np.array([c_k(K_T11[i], K_ID[i], K_P[i]) for i in (5, 6, 7)])
    expected = c / c.sum() * 0.5 * sk[3] * p_l[3] / np.array(K_P[5:])
    np.testing.assert_allclose(kom[5:], expected, rtol=1e-12)
    assert any(
        n.startswith("Kollektivtrafik, Södermanlands län: kommunandelarna") and "samma kronor per invånare" in n
        for n in ctx.notes
    )


def test_kollektivtrafik_identities():
    ctx = koll_ctx()
    kom, reg = kollektivtrafik(ctx)["standardkostnad"], kollektivtrafik_region(ctx)["standardkostnad"]
    sk, p_l = hand_lan()
    p = np.array(K_P)
    # Σ over the kommuner and the region of kronor = SK_l · P_l in every län (Gotland: kommun + region part)
    np.testing.assert_allclose(ctx.lan_sum(kom * p) + reg * p_l, sk * p_l, rtol=1e-12)
    np.testing.assert_allclose(ctx.lan_sum(kommunandelar(ctx)), 1.0, rtol=1e-12)
    # korrigeringsfaktor: population-weighted mean of the länsvis SK is the uprated standardkostnad
    assert np.sum(lansvis_standardkostnad(ctx)["standardkostnad"] * p_l) / p_l.sum() == pytest.approx(
        SC_KOLL, rel=1e-13
    )
    # Stockholm: kommuner 40 %, region 60 %
    assert np.sum(kom[:2] * p[:2]) / (sk[0] * p_l[0]) == pytest.approx(0.4, rel=1e-13)
    assert reg[0] / sk[0] == pytest.approx(0.6, rel=1e-13)


def test_kollektivtrafik_open20_and_decided_shares():
    sk, p_l = hand_lan()
    kom = kollektivtrafik(koll_ctx(andringar={"kollektivtrafik.fordelningsmodell.tatort_golv": 1}))["standardkostnad"]
    c = np.array([c_k(K_T11[i], K_ID[i], K_P[i], golv=1.0) for i in (5, 6, 7)])
    np.testing.assert_allclose(kom[5:], c / c.sum() * 0.5 * sk[3] * p_l[3] / np.array(K_P[5:]), rtol=1e-12)
    assert c_k(0, 1600, 1, golv=1.0) > 10 * c_k(90000, 150, 1)  # why ln terms = 0 is not the default
    andelar = {"04": {"0002": 0.7, "0003": 0.3}, "24": {"0005": 0.5, "0006": 0.25, "0007": 0.25}}
    ctx = koll_ctx(andringar={"kollektivtrafik.beslutade_andelar": {"value": andelar}})  # a mapping needs value:
    kom = kollektivtrafik(ctx)["standardkostnad"]
    np.testing.assert_allclose(kom[2:4], np.array([0.7, 0.3]) * 0.5 * sk[1] * p_l[1] / np.array(K_P[2:4]), rtol=1e-12)
    np.testing.assert_allclose(
        kom[5:], np.array([0.5, 0.25, 0.25]) * 0.5 * sk[3] * p_l[3] / np.array(K_P[5:]), rtol=1e-12
    )
    assert not any("Södermanlands län" in n for n in ctx.notes)
    with pytest.raises(ParameterError):
        kollektivtrafik(koll_ctx(andringar={"kollektivtrafik.beslutade_andelar": {"value": {"04": {"0002": 0.7}}}}))


def test_kollektivtrafik_batch_broadcasts():
    ctx = koll_ctx()
    ctx.p = ctx.p.with_batch(
        {"kollektivtrafik.region_andel": [0.5, 0.3], "kollektivtrafik.lan_modell.pendlare_procent": [22.40816, 0.0]}
    )
    kom, reg = kollektivtrafik(ctx)["standardkostnad"], kollektivtrafik_region(ctx)["standardkostnad"]
    assert kom.shape == (2, 8) and reg.shape == (2, 4)
    for s, (a, b) in enumerate([(0.5, 22.40816), (0.3, 0.0)]):
        one = koll_ctx(andringar={"kollektivtrafik.region_andel": a, "kollektivtrafik.lan_modell.pendlare_procent": b})
        np.testing.assert_allclose(kom[s], kollektivtrafik(one)["standardkostnad"], rtol=1e-12)
        np.testing.assert_allclose(reg[s], kollektivtrafik_region(one)["standardkostnad"], rtol=1e-12)


def test_kollektivtrafik_2024_not_available():
    ctx = koll_ctx(regelverk="2024")
    kom, reg = kollektivtrafik(ctx)["standardkostnad"], kollektivtrafik_region(ctx)["standardkostnad"]
    assert kom.shape == (8,) and reg.shape == (4,) and np.isnan(kom).all() and np.isnan(reg).all()
    assert {"kollektivtrafik", "kollektivtrafik_region"} <= set(ctx.ej_tillgangliga)
    assert any(n.startswith("Kollektivtrafik: ej tillgänglig i regelverk 2024") and "s. 598" in n for n in ctx.notes)
    assert any(n.startswith("Kollektivtrafik (regioner): ej tillgänglig") for n in ctx.notes)


def test_registry_has_the_regions_delmodeller_by_law():
    assert [dm.namn for dm in delmodeller(Params.load("sou2024"), "region")] == [
        "halso_och_sjukvard",
        "kollektivtrafik",
    ]
    assert [dm.namn for dm in delmodeller(Params.load("2024"), "region")] == [
        "halso_och_sjukvard",
        "befolkningsforandringar_region",
        "kollektivtrafik",
    ]
    assert DELMODELL[("kollektivtrafik", "region")].etikett == "kollektivtrafik (region)"
    assert [k.namn for k in DELMODELL[("halso_och_sjukvard", "region")].komponenter] == [
        "vardbehov",
        "vard_i_glesbygd",
        "bemanning_i_glesbygd",
        "strukturellt_lonelage",
    ]
