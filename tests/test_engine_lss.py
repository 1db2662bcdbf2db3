"""LSS-utjämning (engine/lss.py; förordning 2008:776, L4345–L4549; SPEC §11, §14). Expected values are plain
arithmetic written out here, never computed with the engine's own helpers."""

from __future__ import annotations

import re

import numpy as np
import pytest
from engine_helpers import make_ctx
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.lss import lss_grundlaggande_standardkostnad, lss_kostnad_per_insats, lss_utjamning, nivajustering
from engine.params import Params

F = 1.06 * 1.027  # KPIF 2023, 2024 (L4483)

# three toy kommuner
K = dict(
    folkmangd_31dec_t2=[1000, 3000, 6000],
    folkmangd_1nov_t1=[1010, 3050, 5990],
    lss_bss_vuxna=[5, 3, 10],
    lss_bss_barn=[1, 0, 0],
    lss_familjehem_barn=[0, 1, 0],
    lss_pa_lss=[2, 1, 3],
    lss_pa_lss_och_bss_vuxna=[1, 0, 0],
    lss_pa_sfb=[3, 2, 5],
    lss_pa_sfb_kommun_utforare=[1, 0, 2],
    lss_daglig_verksamhet=[6, 4, 12],
    lss_korttidsvistelse=[1, 1, 2],
    lss_korttidstillsyn=[0, 1, 1],
    lss_avlosarservice=[1, 0, 1],
    lss_ledsagarservice=[2, 1, 0],
    lss_kontaktperson=[3, 2, 4],
    lss_ersattning_fk_kr=[100_000, 200_000, 300_000],
)
RIKET = dict(
    lss_rs_5131_kr=20e6,
    lss_rs_5132_kr=2e6,
    lss_rs_5133_kr=9e6,
    lss_rs_5135_kr=5e6,
    lss_rs_5139_kr=2e6,
    lss_rs_konto_4538_kr=1e6,
    lss_nettokostnad_kr=40e6,
)
NEUTRAL = {"loneindex": [100, 100, 100], "administration": [1, 1, 1]}

# the hand computation (bilaga L4491–L4529)
BV = 20e6 / 18  # Σ BSS vuxna = 18
BB = 2e6 / 2  # Σ (BSS barn + familjehem) = 2
FH = 0.45 * BB
PAK = (9e6 - 1e6) / (6 + 0.10 * 10 + 0.50 * 3)  # Σ PA LSS 6, Σ SFB 10, Σ utförare 3
PAF, PAFKU = 0.10 * PAK, 0.50 * PAK
DV = 5e6 / 22
KV = 2e6 / (4 + 0.55 * 2 + 0.25 * 2 + 0.25 * 3 + 0.10 * 9)
KT, AS, LS, KP = 0.55 * KV, 0.25 * KV, 0.25 * KV, 0.10 * KV
S = np.array(
    [
        5 * BV
        + 1 * BB
        + 0 * FH
        + 6 * DV
        + 1 * KV
        + 0 * KT
        + 1 * AS
        + 2 * LS
        + 3 * KP
        + (2 - 1) * PAK
        + 3 * PAF
        + 1 * PAFKU
        + 100_000,
        3 * BV
        + 0 * BB
        + 1 * FH
        + 4 * DV
        + 1 * KV
        + 1 * KT
        + 0 * AS
        + 1 * LS
        + 2 * KP
        + 1 * PAK
        + 2 * PAF
        + 0 * PAFKU
        + 200_000,
        10 * BV
        + 0 * BB
        + 0 * FH
        + 12 * DV
        + 2 * KV
        + 1 * KT
        + 1 * AS
        + 0 * LS
        + 4 * KP
        + 3 * PAK
        + 5 * PAF
        + 2 * PAFKU
        + 300_000,
    ]
)
P31 = np.array([1000.0, 3000, 6000])
P1N = np.array([1010.0, 3050, 5990])


def ctx_for(k=None, riket=None, idx=None, **kw):
    return make_ctx(
        K if k is None else k, riket=RIKET if riket is None else riket, idx=NEUTRAL if idx is None else idx, **kw
    )


def test_both_rule_sets_have_an_lss_area_with_sources():
    for namn in ("sou2024", "2024"):
        p = Params.load(namn)
        leaves = {k: v for k, v in p.leaves.items() if k.startswith("lss.")}
        assert leaves
        for path, leaf in leaves.items():
            # every citation names the printed page of SOU 2024:50 (tests/test_utdata_texter.py: never a seed line)
            if leaf.get("status") == "ej_tillganglig":
                assert "SOU 2024:50 s. " in leaf["reason"], path
            else:
                assert re.search(r"\bs\. \d+", str(leaf["source"])) and leaf["valid_from"] in (2024, 2026), path


def test_kostnad_per_insats_by_hand():
    c = lss_kostnad_per_insats(ctx_for())
    expected = dict(bv=BV, bb=BB, fh=FH, dv=DV, kv=KV, kt=KT, as_=AS, ls=LS, kp=KP, pak=PAK, paf=PAF, pafku=PAFKU)
    for key, val in expected.items():
        assert float(c[key.rstrip("_")]) == pytest.approx(val, rel=1e-12), key
    assert float(c["kv"]) == pytest.approx(275_862.0689655, rel=1e-9)


def test_alternative_readings_of_the_denominators_and_paf():
    ctx = ctx_for(
        andringar={
            "lss.prislista.bb_namnare": "viktad",
            "lss.prislista.pak_namnare": "exkl_bss_vuxna",
            "lss.prislista.paf_omfattar": "exkl_kommun_utforare",
        }
    )
    c = lss_kostnad_per_insats(ctx)
    assert float(c["bb"]) == pytest.approx(2e6 / (1 + 0.45 * 1))
    pak = 8e6 / ((6 - 1) + 0.10 * (10 - 3) + 0.50 * 3)
    assert float(c["pak"]) == pytest.approx(pak)
    g = lss_grundlaggande_standardkostnad(ctx)
    assert g["paf_kr"] == pytest.approx(np.array([2, 2, 3]) * 0.10 * pak)  # SFB without kommunal utförare


def test_grundlaggande_standardkostnad_by_hand_excludes_pa_with_bss_and_adds_fk():
    g = lss_grundlaggande_standardkostnad(ctx_for())
    np.testing.assert_allclose(g["grundlaggande_standardkostnad_kr"], S, rtol=1e-13)
    np.testing.assert_allclose(g["pak_kr"], np.array([1, 1, 3]) * PAK)  # kommun 0: 2 PA, 1 of them also BSS
    np.testing.assert_allclose(g["fk_kr"], [100_000, 200_000, 300_000])


def test_utjamning_by_hand_without_tillagg():
    r = lss_utjamning(ctx_for())
    k = 40e6 / S.sum()  # Σ SK·P = netto·KPIF  ⇒  K = netto / Σ S
    sk = S / P31 * F * k
    riket = 40e6 * F / 10_000
    np.testing.assert_allclose(r["korrigeringsfaktor"], k, rtol=1e-12)
    np.testing.assert_allclose(r["standardkostnad"], sk, rtol=1e-12)
    np.testing.assert_allclose(r["standardkostnad_riket"], riket, rtol=1e-12)
    np.testing.assert_allclose(r["lonekostnader"], 0.0, atol=1e-9)
    np.testing.assert_allclose(r["administration"], 0.0, atol=1e-9)
    n = -np.sum((sk - riket) * P1N) / P1N.sum()  # nivåjustering (L4369): P 1 nov ≠ P 31 dec
    assert abs(n) > 0.01
    np.testing.assert_allclose(r["nivajustering"], n, rtol=1e-9)
    np.testing.assert_allclose(r["utjamning"], sk - riket + n, rtol=1e-12)
    np.testing.assert_allclose(r["utjamning_kr"], (sk - riket + n) * P1N, rtol=1e-12)
    bidrag = r["utjamning_kr"][r["utjamning_kr"] > 0].sum()
    avgift = -r["utjamning_kr"][r["utjamning_kr"] < 0].sum()
    assert abs(bidrag - avgift) < 1e-6  # to the krona (and far below)


def test_korrigeringsfaktor_identity_and_riket_mean_is_the_weighted_mean():
    r = lss_utjamning(ctx_for(idx={"loneindex": [104, 100, 101], "administration": [1.3, 1.0, 1.05]}))
    assert np.sum(r["standardkostnad"] * P31) == pytest.approx(40e6 * F, rel=1e-12)
    assert np.sum(r["standardkostnad"] * P31) / P31.sum() == pytest.approx(r["standardkostnad_riket"][0], rel=1e-12)
    parts = r["grundlaggande_del"] + r["personalkostnadsindex_del"] + r["lonekostnader"] + r["administration"]
    np.testing.assert_allclose(parts, r["standardkostnad"], rtol=1e-12)


def test_lon_and_administration_tillagg_by_hand_net_to_zero():
    li, ai = np.array([104.0, 100, 99]), np.array([1.3, 1.0, 1.0])
    r = lss_utjamning(ctx_for(idx={"loneindex": li, "administration": ai}))
    s = S / P31
    g_lon = np.maximum(0, li - 100) * 0.704 * s / 100
    g_adm = 0.138 * s * (ai - 1) * 0.704
    lon = g_lon - np.sum(g_lon * P31) / P31.sum()
    adm = g_adm - np.sum(g_adm * P31) / P31.sum()
    k = 40e6 / S.sum()  # the tillägg net to zero, so K is unchanged
    np.testing.assert_allclose(r["korrigeringsfaktor"], k, rtol=1e-12)
    np.testing.assert_allclose(r["lonekostnader"], lon * F * k, rtol=1e-12)
    np.testing.assert_allclose(r["administration"], adm * F * k, rtol=1e-12)
    assert abs(np.sum(r["lonekostnader"] * P31)) < 1e-6 and abs(np.sum(r["administration"] * P31)) < 1e-6
    assert lon[1] < 0 and lon[2] < 0 and lon[1] == pytest.approx(lon[2])  # asymmetric: same deduction


def test_tillagg_after_korrigering_alternative_open_28():
    li, ai = np.array([104.0, 100, 99]), np.array([1.3, 1.0, 1.0])
    r = lss_utjamning(
        ctx_for(idx={"loneindex": li, "administration": ai}, andringar={"lss.tillagg_placering": "efter_korrigering"})
    )
    s = S / P31
    g_lon = np.maximum(0, li - 100) * 0.704 * s / 100
    lon = g_lon - np.sum(g_lon * P31) / P31.sum()
    np.testing.assert_allclose(r["lonekostnader"], lon * F, rtol=1e-12)
    assert np.sum(r["standardkostnad"] * P31) == pytest.approx(40e6 * F, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 25).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 400), min_size=n, max_size=n), min_size=13, max_size=13),
            st.lists(st.integers(1, 900_000), min_size=n, max_size=n),
            st.lists(st.integers(1, 900_000), min_size=n, max_size=n),
            st.lists(st.floats(95, 110), min_size=n, max_size=n),
            st.lists(st.floats(1, 1.6), min_size=n, max_size=n),
            st.lists(st.floats(1e6, 1e10), min_size=7, max_size=7),
        )
    )
)
def test_nivajustering_makes_bidrag_equal_avgifter_property(data):
    counts, p31, p1n, li, ai, rs = data
    names = [
        "lss_bss_vuxna",
        "lss_bss_barn",
        "lss_familjehem_barn",
        "lss_pa_lss",
        "lss_pa_sfb",
        "lss_daglig_verksamhet",
        "lss_korttidsvistelse",
        "lss_korttidstillsyn",
        "lss_avlosarservice",
        "lss_ledsagarservice",
        "lss_kontaktperson",
        "lss_pa_lss_och_bss_vuxna",
        "lss_pa_sfb_kommun_utforare",
    ]
    k = {n: np.asarray(c, dtype=float) for n, c in zip(names, counts)}
    k["lss_pa_lss_och_bss_vuxna"] = np.minimum(
        k["lss_pa_lss_och_bss_vuxna"], np.minimum(k["lss_pa_lss"], k["lss_bss_vuxna"])
    )
    k["lss_pa_sfb_kommun_utforare"] = np.minimum(k["lss_pa_sfb_kommun_utforare"], k["lss_pa_sfb"])
    k["lss_ersattning_fk_kr"] = k["lss_pa_sfb"] * 250_000.0
    k["folkmangd_31dec_t2"], k["folkmangd_1nov_t1"] = np.asarray(p31, float), np.asarray(p1n, float)
    riket = dict(
        zip(
            [
                "lss_rs_5131_kr",
                "lss_rs_5132_kr",
                "lss_rs_5133_kr",
                "lss_rs_5135_kr",
                "lss_rs_5139_kr",
                "lss_nettokostnad_kr",
                "lss_rs_konto_4538_kr",
            ],
            rs,
        )
    )
    riket["lss_rs_konto_4538_kr"] = min(riket["lss_rs_konto_4538_kr"], riket["lss_rs_5133_kr"])
    if not any(v.sum() > 0 for n, v in k.items() if n.startswith("lss_") and n != "lss_ersattning_fk_kr"):
        k["lss_bss_vuxna"][0] = 1.0
    r = lss_utjamning(make_ctx(k, riket=riket, idx={"loneindex": li, "administration": ai}))
    u = r["utjamning_kr"]
    bidrag, avgift = u[u > 0].sum(), -u[u < 0].sum()
    assert abs(bidrag - avgift) < 1.0  # to the krona
    assert abs(bidrag - avgift) <= 1e-9 * max(1.0, bidrag)
    assert np.sum(r["standardkostnad"] * k["folkmangd_31dec_t2"]) == pytest.approx(
        riket["lss_nettokostnad_kr"] * F, rel=1e-9
    )


def test_nivajustering_is_zero_when_the_same_population_is_used():
    r = lss_utjamning(ctx_for(andringar={"lss.befolkning_standardkostnad": "folkmangd_1nov_t1"}))
    np.testing.assert_allclose(r["nivajustering"], 0.0, atol=1e-9)
    assert nivajustering(np.array([[1.0, -1.0], [2.0, 0.0]]), np.array([1.0, 1.0])).tolist() == [[0.0], [-1.0]]


def test_ostersund_type_arithmetic_l23773():
    """Current rules 2024 (L23773): riket 6 346, Östersund 12 968 → bidrag 6 621 (unrounded inputs), Ragunda 768 →
    avgift 5 578. Toy: Östersund, Ragunda and 'the rest', personalkostnadsindex 1 (andel = 1, PK = S), population
    1 Nov t−1 for both division and kronor, so the nivåjustering is 0 and bidrag = SK − SK_riket."""
    p = np.array([64_000.0, 5_300.0, 10_480_700.0])
    netto = 6_346.4 * p.sum() / F  # net costs 2022 that give riket 6 346,4 in 2024
    sk = np.array([12_967.6, 768.4])  # target SK (kr/inv, 2024)
    # with K·F = 1 the DV count alone sets SK: DV·229 000 / P = SK / (K·F); choose the rest so Σ SK·P = netto·F
    rest = (6_346.4 * p.sum() - sk[0] * p[0] - sk[1] * p[1]) / p[2]
    target = np.array([sk[0], sk[1], rest])
    s_kr = target * p / F  # S in kronor for K = 1
    zeros = np.zeros(3)
    k = dict.fromkeys(
        [
            "lss_bss_vuxna",
            "lss_bss_barn",
            "lss_familjehem_barn",
            "lss_pa_lss",
            "lss_pa_lss_och_bss_vuxna",
            "lss_pa_sfb",
            "lss_korttidsvistelse",
            "lss_korttidstillsyn",
            "lss_avlosarservice",
            "lss_ledsagarservice",
            "lss_kontaktperson",
        ],
        zeros,
    )
    k.update(
        folkmangd_31dec_t2=p,
        folkmangd_1nov_t1=p,
        lss_daglig_verksamhet=np.floor(s_kr / 229_000),
        lss_ersattning_fk_kr=s_kr - np.floor(s_kr / 229_000) * 229_000,
        lss_personalkostnad_kr=s_kr,
    )
    ctx = make_ctx(
        k,
        riket={"lss_nettokostnad_kr": netto},
        regelverk="2024",
        andringar={"lss.personalkostnadsindex.personalkostnadsandel": 1.0},
    )
    r = lss_utjamning(ctx)
    np.testing.assert_allclose(r["personalkostnadsindex"], 1.0)
    np.testing.assert_allclose(r["korrigeringsfaktor"], 1.0, rtol=1e-12)
    assert round(r["standardkostnad"][0]) == 12_968 and round(r["standardkostnad_riket"][0]) == 6_346
    assert round(r["utjamning"][0]) == 6_621  # 12 967,6 − 6 346,4 = 6 621,2
    assert round(r["standardkostnad"][1]) == 768 and round(r["utjamning"][1]) == -5_578
    np.testing.assert_allclose(r["nivajustering"], 0.0, atol=1e-9)


def test_current_rules_price_list_and_unavailable_personalkostnadsindex():
    k = {c: v for c, v in K.items() if c != "lss_pa_sfb_kommun_utforare"}
    ctx = make_ctx(k, riket={"lss_nettokostnad_kr": 40e6}, regelverk="2024")
    r = lss_utjamning(ctx)
    s = (
        np.array([5, 3, 10]) * 1_143_000
        + np.array([1, 0, 0]) * 1_429_000
        + np.array([0, 1, 0]) * 514_000
        + np.array([6, 4, 12]) * 229_000
        + np.array([1, 1, 3]) * 682_000
        + np.array([3, 2, 5]) * 341_000
        + np.array([1, 1, 2]) * 328_000
        + np.array([0, 1, 1]) * 181_000
        + np.array([1, 0, 1]) * 82_000
        + np.array([2, 1, 0]) * 82_000
        + np.array([3, 2, 4]) * 33_000
        + np.array([100_000, 200_000, 300_000])
    )
    np.testing.assert_array_equal(r["grundlaggande_standardkostnad_kr"], s)
    np.testing.assert_allclose(r["grundlaggande_standardkostnad"], s / P1N)  # divided by P 1 nov t−1 (L24435)
    assert np.isnan(r["standardkostnad"]).all() and np.isnan(r["utjamning_kr"]).all()
    assert np.isnan(r["personalkostnadsindex"]).all()
    np.testing.assert_array_equal(r["lonekostnader"], 0.0)  # no such tillägg in the current rules
    np.testing.assert_allclose(r["standardkostnad_riket"], 40e6 * F / P1N.sum())
    assert "lss.personalkostnadsindex" in ctx.ej_tillgangliga
    assert any(n.startswith("LSS-utjämning: personalkostnadsindex: ej tillgänglig") for n in ctx.notes)


def test_current_rules_personalkostnadsindex_when_supplied():
    pk = np.array([9e6, 7e6, 20e6])
    k = {c: v for c, v in K.items() if c != "lss_pa_sfb_kommun_utforare"}
    ctx = make_ctx(
        {**k, "lss_personalkostnad_kr": pk},
        riket={"lss_nettokostnad_kr": 40e6},
        regelverk="2024",
        andringar={"lss.personalkostnadsindex.personalkostnadsandel": 0.75},
    )
    r = lss_utjamning(ctx)
    s = r["grundlaggande_standardkostnad_kr"]
    pki = (s + 0.70 * (pk - 0.75 * s)) / s
    np.testing.assert_allclose(r["personalkostnadsindex"], pki, rtol=1e-12)
    kk = 40e6 / np.sum(s * pki)
    np.testing.assert_allclose(r["standardkostnad"], s * pki / P1N * F * kk, rtol=1e-12)
    assert abs(np.sum(r["utjamning_kr"])) < 1e-6


def test_table_9_1_price_list_reproduces_the_2022_net_costs():
    """Plausibility (L23623–L23707): table 9.1's counts × prices + FK 4,4 mdkr ≈ the 61,5 mdkr net costs, and the
    riket mean 61,5 mdkr · KPIF / 10,55 M inv ≈ 6 346 kr/inv (L23773, L23783 fn 6)."""
    counts = dict(
        lss_bss_vuxna=29_338,
        lss_bss_barn=814,
        lss_familjehem_barn=41,
        lss_daglig_verksamhet=41_181,
        lss_pa_lss=4_811,
        lss_pa_lss_och_bss_vuxna=0,
        lss_pa_sfb=13_431,
        lss_korttidsvistelse=8_702,
        lss_korttidstillsyn=4_784,
        lss_avlosarservice=4_008,
        lss_ledsagarservice=6_427,
        lss_kontaktperson=17_100,
    )
    k = {c: [v] for c, v in counts.items()}
    k.update(folkmangd_31dec_t2=[10_500_000], folkmangd_1nov_t1=[10_550_000], lss_ersattning_fk_kr=[4.4e9])
    r = lss_utjamning(make_ctx(k, riket={"lss_nettokostnad_kr": 61.5e9}, regelverk="2024"))
    assert r["grundlaggande_standardkostnad_kr"][0] == pytest.approx(61.5e9, rel=0.01)
    assert round(r["standardkostnad_riket"][0]) == 6_346


def test_scenario_batch_equals_separate_runs():
    idx = {"loneindex": [104, 100, 99], "administration": [1.3, 1.0, 1.1]}
    vals = [0.704, 0.80, 0.60]
    ctx = ctx_for(idx=idx)
    ctx.p = ctx.p.with_batch({"lss.lonekostnadsandel": vals, "lss.prislista.pa_sfb_andel": [0.10, 0.10, 0.20]})
    rb = lss_utjamning(ctx)
    assert rb["utjamning"].shape == (3, 3)
    for i, (v, paf) in enumerate(zip(vals, [0.10, 0.10, 0.20])):
        r = lss_utjamning(ctx_for(idx=idx, andringar={"lss.lonekostnadsandel": v, "lss.prislista.pa_sfb_andel": paf}))
        for key in r:
            np.testing.assert_allclose(rb[key][i], r[key], rtol=1e-12, atol=1e-9, err_msg=key)
