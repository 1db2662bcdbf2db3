"""Delmodeller 7–11 (gator och vägar, räddningstjänst, befolkningsminskning, fastigheter, politisk verksamhet) and the
current rules' infrastruktur och skydd / verksamhetsövergripande kostnader: the SOU 2024:50 worked examples, toy
kommuner computed by hand, identities, scenario batches and the 2024 rule set's "not available"."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_helpers import make_ctx

from engine.common import wmean
from engine.kostnad import DELMODELL
from engine.kostnad.befolkningsminskning import befolkningsminskning, overskott_personer
from engine.kostnad.fastigheter import fastigheter
from engine.kostnad.gator_och_vagar import gator_och_vagar, korrigeringsfaktorer
from engine.kostnad.infrastruktur_och_skydd import infrastruktur_och_skydd
from engine.kostnad.politisk_verksamhet import korrigeringsfaktor_politisk, merkostnadsindex, politisk_verksamhet
from engine.kostnad.raddningstjanst import korrigeringsfaktor_raddningstjanst, raddningstjanst
from engine.kostnad.tillagg import genomsnittlig_standardkostnad
from engine.kostnad.verksamhetsovergripande import verksamhetsovergripande

ROOT = Path(__file__).resolve().parent.parent
PANEL = ROOT.parent / "shared" / "data" / "kommun_panel_2002_2022" / "municip_data22.csv"
F24 = 1.06 * 1.027  # KPIF 2023, 2024 (L2351)
F16 = 1.02 * 1.021 * 1.017 * 1.005 * 1.024 * 1.077 * 1.06 * 1.027  # KPIF 2017…2024 (002:L122–L132)
A, B, C = 2355.5331, -153.2238, 11.59168  # politisk verksamhet (L2593–L2597)


# --- registry -------------------------------------------------------------------------------------------------------
def test_registry_names():
    for name in (
        "gator_och_vagar",
        "raddningstjanst",
        "befolkningsminskning",
        "fastigheter",
        "politisk_verksamhet",
        "infrastruktur_och_skydd",
        "verksamhetsovergripande",
    ):
        dm = DELMODELL[(name, "kommun")]
        assert dm.komponenter and all(callable(k.berakna) and "§" in k.paragraf for k in dm.komponenter), name
    assert [k.namn for k in DELMODELL[("verksamhetsovergripande", "kommun")].komponenter] == [
        "befolkningsminskning",
        "efterslapning",
        "uppvarmning",
        "byggnation",
        "administration",
    ]


# --- räddningstjänst ------------------------------------------------------------------------------------------------
def test_raddningstjanst_overtornea_table_6_78():
    """Övertorneå 1,748 × 831 × 0,9736 = 1 414 → 1 539 → +635 vs riket 904 (L20029–L20085). Two kommuner with
    populations chosen so that K = 1/wmean(RI) = 0,9736."""
    ri = 1.748
    p_o = 4_300.0
    p_rest = p_o * (ri - 1 / 0.9736) / (1 / 0.9736 - 1)  # wmean(RI) = 1/0,9736
    ctx = make_ctx({"folkmangd_31dec_t2": [p_o, p_rest]}, idx={"raddningstjanst": [ri, 1.0]})
    out = raddningstjanst(ctx)
    assert korrigeringsfaktor_raddningstjanst(ctx).item() == pytest.approx(0.9736, abs=1e-12)
    assert round(1.748 * 831 * 0.9736) == 1414
    assert out["standardkostnad"][0] == pytest.approx(1.748 * 831 * 0.9736 * F24)
    assert abs(out["standardkostnad"][0] - 1539) < 1  # 1 539,6; the table uprates the rounded 1 414
    riket = wmean(out["standardkostnad"], ctx.P).item()
    assert abs(riket - 904) < 1 and round(out["standardkostnad"][0] - riket) == 635  # 904,6 printed 904
    assert round(out["standardkostnad"][1]) == round(831 * 0.9736 * F24)  # Botkyrka-like index 1: 881 (table)


def test_raddningstjanst_toy_and_identity():
    p = np.array([1000.0, 2000.0, 7000.0])
    ri = np.array([1.5, 1.2, 1.0])
    ctx = make_ctx({"folkmangd_31dec_t2": p}, idx={"raddningstjanst": ri})
    out = raddningstjanst(ctx)
    k = 10000.0 / (1.5 * 1000 + 1.2 * 2000 + 1.0 * 7000)  # = 1 / 1,09
    np.testing.assert_allclose(out["standardkostnad"], ri * 831 * F24 * k)
    assert wmean(out["standardkostnad"], p).item() == pytest.approx(831 * F24)


# --- politisk verksamhet --------------------------------------------------------------------------------------------
def _md(mv, p):
    """The medeldistans that gives modellvärde ``mv`` at population ``p`` (inverse of L2593–L2597)."""
    return (mv - A - B * math.log(p)) / C


def _politisk_ctx(lasning="bilaga"):
    """Övertorneå (MV 1 468), Botkyrka (MV 613) and two more kommuner, with the arithmetic mean of MV = 918 and
    populations such that K = 1/wmean(MI) = 0,98797 (tabell 6.60)."""
    mv = np.array([1468.0, 613.0, 991.0, 4 * 918.0 - 1468.0 - 613.0 - 991.0])
    mi_o = 1468.0 / 918.0
    p_o, p_b, p_x = 4_300.0, 95_000.0, 10_000.0
    total = p_o * (mi_o - 1) / (1 / 0.98797 - 1)
    p = np.array([p_o, p_b, p_x, total - p_o - p_b - p_x])
    md = np.array([_md(m, q) for m, q in zip(mv, p)])
    assert md[0] > 6.72 and (md[1:] < 6.72).all() and (md >= 0).all()  # bilaga reading: MI 1 for the others
    assert (mv[1:] < 1018).all()  # kapitel reading: same
    ctx = make_ctx(
        {"folkmangd_31dec_t2": p, "medeldistans_3000_km": md},
        andringar={"politisk_verksamhet.troskel_lasning": lasning},
    )
    return ctx, mv


@pytest.mark.parametrize("lasning", ["bilaga", "kapitel"])
def test_politisk_overtornea_table_6_60(lasning):
    ctx, mv = _politisk_ctx(lasning)
    out = politisk_verksamhet(ctx)
    np.testing.assert_allclose(merkostnadsindex(ctx)[0], mv)
    mi = merkostnadsindex(ctx)[1]
    assert round(mi[0], 3) == pytest.approx(1.599) and mi[1] == 1.0  # printed 1,597 (1 468 / 918 = 1,5991)
    assert korrigeringsfaktor_politisk(ctx).item() == pytest.approx(0.98797)
    sk22 = out["standardkostnad"] / F24
    assert abs(sk22[0] - 1085) < 1 and round(sk22[1]) == 679  # table: 1 085, Botkyrka 679
    assert abs(out["standardkostnad"][0] - 1181) < 1
    riket = wmean(out["standardkostnad"], ctx.P).item()
    assert round(riket) == 748
    assert abs(out["standardkostnad"][0] - riket - 432) < 2  # +432 (table rounds in between)
    assert round(out["standardkostnad"][1]) == 739 and round(out["standardkostnad"][1] - riket) == -9


def test_politisk_threshold_readings_differ():
    """MD3000 = 8 km but a large population: the bilaga reading gives MV/mean, the kapitel reading 1 (MV < 1 018)."""
    p = np.array([200_000.0, 3_000.0, 50_000.0])
    md = np.array([8.0, 40.0, 3.0])
    mv = A + B * np.log(p) + C * md
    assert mv[0] < 1018
    res = {}
    for lasning in ("bilaga", "kapitel"):
        ctx = make_ctx(
            {"folkmangd_31dec_t2": p, "medeldistans_3000_km": md},
            andringar={"politisk_verksamhet.troskel_lasning": lasning},
        )
        politisk_verksamhet(ctx)
        res[lasning] = merkostnadsindex(ctx)[1]
    np.testing.assert_allclose(res["bilaga"], [mv[0] / mv.mean(), mv[1] / mv.mean(), 1.0])
    np.testing.assert_allclose(res["kapitel"], [1.0, mv[1] / mv.mean(), 1.0])


def test_politisk_identity():
    ctx, _ = _politisk_ctx()
    out = politisk_verksamhet(ctx)
    assert wmean(out["standardkostnad"], ctx.P).item() == pytest.approx(687 * F24)


# --- befolkningsminskning -------------------------------------------------------------------------------------------
def test_befolkningsminskning_sorsele_tables_6_44_6_45():
    """Sorsele 2 516 → 2 436; överskott 80 − 50,32 = 29,68; 87 696 × 19,38 % × 29,68 / 2 436 = 207 (L15375–L15491)."""
    su, s = 400e6, 23.0
    skatt_per_inv = su * s / 100 / 2436
    ctx = make_ctx(
        {
            "folkmangd_31dec_t7": [2516],
            "folkmangd_31dec_t2": [2436],
            "folkmangd_1nov_t1": [2436],
            "skatteunderlag_kr": [su],
            "kommunalskatt_2022": [s],
        }
    )
    out = befolkningsminskning(ctx, np.array([87_696 - skatt_per_inv]))
    assert overskott_personer(ctx)[0] == pytest.approx(29.68)
    assert out["standardkostnad"][0] == pytest.approx(87_696 * 0.1938 * 29.68 / 2436)
    assert round(out["standardkostnad"][0]) == 207
    # per year as in table 6.45: 50 % of 87 696 × 5,936 / 2 436 = 107
    assert round(87_696 * 0.5 * 29.68 / 5 / 2436) == 107


def test_befolkningsminskning_toy():
    """Kommun 1 shrinks 10 % (excess 8 % of 1 000 = 80 persons), kommun 2 shrinks 1 % (none), kommun 3 grows."""
    k = {
        "folkmangd_31dec_t7": [1000, 5000, 2000],
        "folkmangd_31dec_t2": [900, 4950, 2100],
        "folkmangd_1nov_t1": [890, 4940, 2110],
        "skatteunderlag_kr": [200e6, 1e9, 500e6],
        "kommunalskatt_2022": [22.0, 21.0, 20.0],
    }
    ctx = make_ctx(k)
    utj = np.array([30_000.0, 10_000.0, 5_000.0])
    out = befolkningsminskning(ctx, utj)
    intakt1 = 200e6 * 0.22 / 890 + 30_000  # per invånare 1 nov t−1 (befolkning_kronor)
    assert out["standardkostnad"][0] == pytest.approx(0.1938 * intakt1 * 80 / 900)
    assert out["standardkostnad"][1] == 0 and out["standardkostnad"][2] == 0
    # broadcasting: a batch of utjämning outcomes (S, K)
    out2 = befolkningsminskning(ctx, np.stack([utj, utj + 1000]))
    assert out2["standardkostnad"].shape == (2, 3)
    assert out2["standardkostnad"][1, 0] - out2["standardkostnad"][0, 0] == pytest.approx(0.1938 * 1000 * 80 / 900)


# --- fastigheter ----------------------------------------------------------------------------------------------------
def test_fastigheter_toy():
    ctx = make_ctx(
        {"folkmangd_31dec_t2": [1000, 2000]}, idx={"uppvarmningsindex": [1.5, 0.9], "byggnation": [105.4298, 96.8894]}
    )
    out = fastigheter(ctx)
    np.testing.assert_allclose(out["uppvarmning"], [0.5 * 300 * F24, -0.1 * 300 * F24])
    np.testing.assert_allclose(out["byggnation"], [0.054298 * 3150 * F24, -0.031106 * 3150 * F24])
    np.testing.assert_allclose(out["standardkostnad"], out["uppvarmning"] + out["byggnation"])


# --- gator och vägar ------------------------------------------------------------------------------------------------
def test_gator_toy_by_hand():
    """Three kommuner: zone C (län 25) with TI 1,2; Tierp (zone B by kommun code) TI 1; zone A TI 1,1."""
    p = np.array([1000.0, 2000.0, 7000.0])
    ti = np.array([1.2, 1.0, 1.1])
    ctx = make_ctx({"folkmangd_31dec_t2": p}, idx={"trafik": ti}, lan_kod=["25", "03", "01"])
    ctx.kommun_kod = np.array(["2580", "0360", "0180"], dtype=object)
    out = gator_och_vagar(ctx)
    g = 0.75 * 856 + 236 - 230
    assert g == 648
    w = np.array([500.0, 300.0, 200.0])
    k_t = p.sum() / (ti * p).sum()
    k_v = (w * p).sum() / (w * ti * p).sum()
    np.testing.assert_allclose(out["trafikbelastning"], ti * g * k_t * F24)
    np.testing.assert_allclose(out["vintervaghallning"], w * ti * k_v * F24)
    np.testing.assert_allclose(out["standardkostnad"], out["trafikbelastning"] + out["vintervaghallning"])
    # identity: the mean is 648 + wmean(W) in 2022 prices
    assert wmean(out["standardkostnad"], p).item() == pytest.approx((648 + (w * p).sum() / p.sum()) * F24)
    # the literal bilaga (no normalisation) and the chapter's 350 for zone B
    lit = make_ctx(
        {"folkmangd_31dec_t2": p},
        idx={"trafik": ti},
        lan_kod=["25", "03", "01"],
        andringar={"gator_och_vagar.normalisering": "ingen", "gator_och_vagar.vinter.belopp_zon_b": 350},
    )
    lit.kommun_kod = ctx.kommun_kod
    out = gator_och_vagar(lit)
    np.testing.assert_allclose(out["standardkostnad"], (ti * 648 + np.array([500.0, 350.0, 200.0]) * ti) * F24)


@pytest.mark.skipif(not PANEL.is_file(), reason="../shared/data/kommun_panel_2002_2022 not present")
def test_gator_table_6_72_with_fasta_index():
    """Table 6.72 (L19357–L19401) with the fasta index `trafik` and real populations (31 dec 2021; the SOU used
    2022): the normalisation factors are the printed 0,913 and 0,92, Stockholm and Sorsele within 2 kr."""
    from engine import register

    reg = register.kommuner()
    idx = register.load_fasta_index().kommun
    panel = pd.read_csv(PANEL)
    pop = dict(zip(panel["municip_code"].astype(int).map(lambda c: f"{c:04d}"), panel["pop"]))
    p = reg["kommun_kod"].map(pop).to_numpy(dtype=float)
    ctx = make_ctx({"folkmangd_31dec_t2": p}, idx={"trafik": idx["trafik"].to_numpy()}, lan_kod=reg["lan_kod"].tolist())
    ctx.kommun_kod = reg["kommun_kod"].to_numpy(dtype=object)
    out = gator_och_vagar(ctx)
    assert korrigeringsfaktorer(ctx)[0].item() == pytest.approx(0.913, abs=0.001)
    assert round(korrigeringsfaktorer(ctx)[1].item(), 2) == 0.92
    i = {k: int(np.flatnonzero(reg["kommun"] == k)[0]) for k in ("Stockholm", "Sorsele")}
    for namn, c, e, g in (("Stockholm", 867, 270, 1237), ("Sorsele", 591, 460, 1145)):
        assert abs(out["trafikbelastning"][i[namn]] / F24 - c) < 1.5
        assert abs(out["vintervaghallning"][i[namn]] / F24 - e) < 2.0
        assert abs(out["standardkostnad"][i[namn]] - g) < 2.5
    assert abs(wmean(out["standardkostnad"], p).item() - 954) < 2.0  # 955,7 with 2021 populations
    assert (wmean(vinter := out["vintervaghallning"], p).item() / F24) == pytest.approx(229.9, abs=0.1)
    assert vinter.shape == (290,)


@pytest.mark.skipif(not PANEL.is_file(), reason="../shared/data/kommun_panel_2002_2022 not present")
def test_raddningstjanst_korrigeringsfaktor_with_fasta_index():
    from engine import register

    reg = register.kommuner()
    idx = register.load_fasta_index().kommun
    panel = pd.read_csv(PANEL)
    pop = dict(zip(panel["municip_code"].astype(int).map(lambda c: f"{c:04d}"), panel["pop"]))
    p = reg["kommun_kod"].map(pop).to_numpy(dtype=float)
    ri = idx["raddningstjanst"].to_numpy()
    ctx = make_ctx({"folkmangd_31dec_t2": p}, idx={"raddningstjanst": ri})
    out = raddningstjanst(ctx)
    # the factor the component used: its output over RI × SC, the same for every kommun
    k = out["raddningstjanst"] / (ri * genomsnittlig_standardkostnad(ctx, "raddningstjanst"))
    assert np.ptp(k) < 1e-12 and k[0] == pytest.approx(0.9736, abs=0.0005)
    # … which is what K is for: the standardkostnader weighted with P 31 dec t−2 average SC (L2127–L2129)
    assert wmean(out["standardkostnad"], p).item() == pytest.approx(831 * F24, rel=1e-12)


def test_components_use_their_korrigeringsfaktor_helpers(monkeypatch):
    """One definition of each K: the räddningstjänst and politisk verksamhet components multiply by
    korrigeringsfaktor_raddningstjanst / korrigeringsfaktor_politisk, not by a second inline computation."""
    from engine.kostnad import politisk_verksamhet as pv
    from engine.kostnad import raddningstjanst as rt

    ctx = make_ctx({"folkmangd_31dec_t2": [1_000.0, 3_000.0]}, idx={"raddningstjanst": [1.5, 1.0]})
    monkeypatch.setattr(rt, "korrigeringsfaktor_raddningstjanst", lambda ctx: 0.5)
    assert raddningstjanst(ctx)["raddningstjanst"].tolist() == pytest.approx([1.5 * 831 * F24 * 0.5, 831 * F24 * 0.5])
    ctx, _ = _politisk_ctx("bilaga")
    mi = merkostnadsindex(ctx)[1]
    monkeypatch.setattr(pv, "korrigeringsfaktor_politisk", lambda ctx, mi=None: 0.5)
    sc = genomsnittlig_standardkostnad(ctx, "politisk_verksamhet")
    np.testing.assert_allclose(politisk_verksamhet(ctx)["politisk_verksamhet"], mi * sc * 0.5, rtol=1e-12)


# --- scenario batches -----------------------------------------------------------------------------------------------
def test_scenario_batch_broadcasting():
    p = np.array([1000.0, 2000.0, 7000.0])
    base = dict(
        k={"folkmangd_31dec_t2": p, "medeldistans_3000_km": [30.0, 10.0, 2.0]},
        idx={"trafik": [1.2, 1.0, 1.1], "raddningstjanst": [1.5, 1.2, 1.0], "uppvarmningsindex": [1.2, 1, 1]},
        lan_kod=["25", "17", "01"],
    )
    ctx = make_ctx(**base)
    ref = {f.__name__: f(ctx) for f in (gator_och_vagar, raddningstjanst, fastigheter, politisk_verksamhet)}
    batch = {
        "standardkostnader.raddningstjanst": [831, 900],
        "standardkostnader.politisk_verksamhet": [687, 700],
        "standardkostnader.gator_och_vagar": [856, 900],
        "gator_och_vagar.vinter.belopp_zon_b": [300, 350],
        "standardkostnader.fastigheter_uppvarmning": [300, 400],
        "politisk_verksamhet.modell.koef_medeldistans": [11.59168, 12],
    }
    ctx = make_ctx(**base)
    ctx.p = ctx.p.with_batch(batch)
    for f in (gator_och_vagar, raddningstjanst, fastigheter, politisk_verksamhet):
        out = f(ctx)
        for name, v in out.items():
            assert v.shape in {(3,), (2, 3)}, (f.__name__, name)  # a part without batched inputs stays (K,)
            np.testing.assert_allclose(np.broadcast_to(v, (2, 3))[0], ref[f.__name__][name])
        assert out["standardkostnad"].shape == (2, 3)
    assert wmean(raddningstjanst(ctx)["standardkostnad"], p)[:, 0] == pytest.approx(np.array([831, 900]) * F24)


# --- current rules (2024) -------------------------------------------------------------------------------------------
def _ctx2024(**kw):
    k = {
        "folkmangd_31dec_t2": [1000.0, 2000.0, 3000.0, 4000.0],
        "raddningstjanst_klass_invanardistans_m": [800.0, 400.0, 350.0, 100.0],
        "raddningstjanst_klass_lokalt_befolkningsunderlag": [5000.0, 8000.0, 30000.0, 2000.0],
        "administration_klass_invanardistans_m": [800.0, 400.0, 350.0, 100.0],
        "administration_klass_folkmangd": [5000.0, 20000.0, 30000.0, 7000.0],
    }
    ctx = make_ctx(k, lan_kod=["25", "03", "03", "01"], regelverk="2024", **kw)
    ctx.kommun_kod = np.array(["2580", "0360", "0380", "0180"], dtype=object)
    return ctx


def test_2024_proposed_delmodeller_not_available():
    ctx = _ctx2024()
    for f in (gator_och_vagar, raddningstjanst, fastigheter, politisk_verksamhet):
        out = f(ctx)
        assert all(np.isnan(v).all() for v in out.values())
    out = befolkningsminskning(ctx, np.zeros(4))
    assert np.isnan(out["standardkostnad"]).all()
    assert any(n.startswith("Gator och vägar: ej tillgänglig i regelverk 2024") for n in ctx.notes)
    assert any(n.startswith("Befolkningsminskning: ej tillgänglig") for n in ctx.notes)


def test_2024_infrastruktur_och_skydd():
    ctx = _ctx2024()
    out = infrastruktur_och_skydd(ctx)
    # klimatzon 3 (län 25), 2 (Tierp 0360), 1 (Uppsala 0380, Stockholm 0180): 44/66/103 kr 2016 × KPIF 2017–2024
    np.testing.assert_allclose(out["klimattillagg"], np.array([103.0, 66.0, 44.0, 44.0]) * F16)
    assert round(103 * 1.174) == 121 and round(44 * 1.174) == 52  # tabell 6.70 'uppräknad ersättning'
    # räddningstjänst classes: >300 m & LBU < 8 000 → 700; 8 000 → 300; 30 000 → 150; ≤ 300 m → 0
    np.testing.assert_allclose(out["raddningstjanst"], np.array([700.0, 300.0, 150.0, 0.0]) * F16)
    assert round(700 * F16) == 895  # footnote 191 (L19603)
    assert np.isnan(out["ortstillagg"]).all() and np.isnan(out["standardkostnad"]).all()
    assert "infrastruktur_och_skydd.ortstillagg" in ctx.ej_tillgangliga
    ortstillagg = [n for n in ctx.notes if n.startswith("Infrastruktur och skydd: ortstillägg: ej tillgänglig")]
    assert len(ortstillagg) == 1 and "grupp 8" in ortstillagg[0]


def test_2024_verksamhetsovergripande():
    ctx = _ctx2024(idx={"uppvarmningsindex": [1.4, 1.0, 0.9, 1.0]})
    out = verksamhetsovergripande(ctx)
    np.testing.assert_allclose(out["uppvarmning"], np.array([0.4, 0.0, -0.1, 0.0]) * 356 * F16)
    assert round(356 * F16) == 455  # L16753
    # administration: >350 m: <8 000 → 1 900, <25 000 → 950; 350 m is not > 350: <8 000 → 150 else 0
    np.testing.assert_allclose(out["administration"], np.array([1900.0, 950.0, 0.0, 150.0]) * F16)
    for part in ("befolkningsminskning", "efterslapning", "byggnation", "standardkostnad"):
        assert np.isnan(out[part]).all(), part
    assert sum(k.startswith("verksamhetsovergripande.") for k in ctx.ej_tillgangliga) == 3
    assert sum(n.startswith("Verksamhetsövergripande kostnader: ") for n in ctx.notes) == 3
    alt = _ctx2024(andringar={"verksamhetsovergripande.administration.prisniva_ar": 2017})
    np.testing.assert_allclose(verksamhetsovergripande(alt)["administration"][0], 1900 * F16 / 1.02)


def test_2024_uppvarmningsindex_from_shipped_table():
    """Under the 2024 rule set the model has no fasta index; the current uppvärmningsindex is the shipped one
    (L16765, index oförändrat)."""
    from engine import register
    from engine.register import UnavailableIndex

    reg = register.kommuner()
    n = len(reg)
    klass = {
        c: np.full(n, 1000.0)
        for c in (
            "raddningstjanst_klass_invanardistans_m",
            "administration_klass_folkmangd",
            "raddningstjanst_klass_lokalt_befolkningsunderlag",
            "administration_klass_invanardistans_m",
        )
    }
    ctx = make_ctx({"folkmangd_31dec_t2": np.full(n, 1000.0), **klass}, regelverk="2024")
    ctx.kommun_kod = reg["kommun_kod"].to_numpy(dtype=object)
    ctx.idx = UnavailableIndex("test")
    ui = register.load_fasta_index().kommun["uppvarmningsindex"].to_numpy()
    out = verksamhetsovergripande(ctx)
    np.testing.assert_allclose(out["uppvarmning"], (ui - 1) * 356 * F16)
    assert int((ui > 1).sum()) == 102  # L16763
