"""Bidrag outside the kostnadsutjämning (engine/bidrag.py): eftersläpning, svagt befolkningsunderlag, fast
införandebidrag, införandebidrag and regleringspost — hand-made toy cases, the SOU's worked examples, properties."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import make_ctx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine import bidrag
from engine.params import Params


def _ctx_pop(p6, p2, p1, regelverk="sou2024", andringar=None, **extra):
    k = {"folkmangd_1nov_t6": p6, "folkmangd_1nov_t2": p2, "folkmangd_1nov_t1": p1, "folkmangd_31dec_t2": p2, **extra}
    return make_ctx(k, regelverk=regelverk, andringar=andringar)


# ------------------------------------------------------------------------------------------------------------
# eftersläpning: criteria exactly at the limits (förordning 28 §, 17 § nuvarande lydelse)
# ------------------------------------------------------------------------------------------------------------
def _kriterier(ctx):
    k = ctx.k
    return bidrag.efterslapning_kriterier(ctx, k["folkmangd_1nov_t6"], k["folkmangd_1nov_t2"], k["folkmangd_1nov_t1"])


def test_efterslapning_limits_1_procent_both_sides():
    # kommun 0: exactly 4 % over four years and exactly 1 % last year; 1: one person short last year;
    # 2: one person short over four years; 3: both well above
    ctx = _ctx_pop(
        [100_000, 100_000, 100_000, 100_000], [104_000, 104_000, 103_999, 110_000], [105_040, 105_039, 105_039, 115_000]
    )
    out = _kriterier(ctx)
    assert out["berattigad"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert out["berattigad_ventil"].tolist() == [0.0, 0.0, 0.0, 0.0]
    # exactly at the limit: E = ΔP − 1 % = 0 persons
    assert out["ersatta_personer"][0] == 0.0
    assert out["ersatta_personer"][3] == pytest.approx(5_000 - 1_100)
    # the chapter's "mer än" reading (alternativ) excludes the exact limit
    strikt = _kriterier(_ctx_pop([100_000], [104_000], [105_040], andringar={"bidrag.efterslapning.jamforelse": ">"}))
    assert strikt["berattigad"].tolist() == [0.0]


def test_efterslapning_ventil_2_5_procent_both_sides():
    # no long-term growth; one year +2,5 % exactly, one person short, and +3 %
    ctx = _ctx_pop([100_000] * 3, [100_000] * 3, [102_500, 102_499, 103_000])
    out = _kriterier(ctx)
    assert out["berattigad"].tolist() == [1.0, 0.0, 1.0]
    assert out["berattigad_ventil"].tolist() == [1.0, 0.0, 1.0]
    assert out["ersatta_personer"].tolist() == [1_500.0, 0.0, 2_000.0]  # persons above 1 %, as for the others


def test_efterslapning_current_rules_1_2_procent_both_sides_and_no_ventil():
    # 125 000 · 1,048 = 131 000 (exactly 1,2 % a year on average); 131 000 · 1,012 = 132 572
    ctx = _ctx_pop(
        [125_000, 125_000, 125_000, 100_000],
        [131_000, 131_000, 130_999, 100_000],
        [132_572, 132_571, 132_572, 103_000],
        regelverk="2024",
    )
    out = _kriterier(ctx)
    assert out["berattigad"].tolist() == [1.0, 0.0, 0.0, 0.0]  # +3 % one year: no ventil in the current rules
    assert out["ersatta_personer"][0] == pytest.approx(0.0, abs=1e-9)


def test_efterslapning_geometric_alternative():
    # arithmetic 4 %/4 = 1 % per year qualifies; geometric 1,04^(1/4) − 1 = 0,985 % does not
    args = ([100_000], [104_000], [106_000])
    assert _kriterier(_ctx_pop(*args))["berattigad"].tolist() == [1.0]
    geo = _kriterier(_ctx_pop(*args, andringar={"bidrag.efterslapning.genomsnitt": "geometriskt"}))
    assert geo["berattigad"].tolist() == [0.0]


def test_efterslapning_compensated_persons_table_6_48():
    """Tabell 6.48 (L16183–L16231): Nacka, Upplands Väsby (ordinary) and Skellefteå (ventil), 1 nov 2022 → 2023."""
    p2 = np.array([109_248, 48_973, 74_241.0])
    p1 = np.array([110_529, 50_209, 76_219.0])
    snitt = np.array([0.0142, 0.0195, 0.0061])
    p6 = np.round(p2 / (1 + 4 * snitt))
    forslag = _kriterier(_ctx_pop(p6, p2, p1))
    assert np.round(forslag["ersatta_personer"]).tolist() == [189, 746, 1_236]
    assert forslag["berattigad_ventil"].tolist() == [0.0, 0.0, 1.0]
    assert np.round(100 * forslag["tillvaxt_ettar_procent"], 0).tolist() == [117, 252, 266]
    # "Andel som ersätts" 14,8 % / 60,4 % / 62,5 %
    assert np.round(forslag["ersatta_personer"] / (p1 - p2), 3).tolist() == [0.148, 0.604, 0.625]
    nu = _kriterier(_ctx_pop(p6, p2, p1, regelverk="2024"))
    assert np.round(nu["ersatta_personer"]).tolist() == [0, 648, 0]  # "Nu": – / 648 / –
    assert round(nu["ersatta_personer"][1] / (p1 - p2)[1], 3) == 0.524


def _skelleftea_ctx(ovriga_kr_per_inv, regelverk="sou2024"):
    """Skellefteå (län 24) and one large non-growing kommun; t = 2024, so t−1 = 2023: 115 %, SFS 2023:683 rates
    (Västerbotten kommun bidrag 20,55 %). Medelskattekraft t−1 = 240 000 kr by construction."""
    msk = 240_000.0
    p2 = np.array([74_241.0, 1_000_000.0])
    su_s = 200_000.0 * p2[0]  # well below 115 % of the medelskattekraft even at Pu
    su = np.array([su_s, msk * p2.sum() - su_s])
    k = {
        "folkmangd_1nov_t6": [round(74_241 / (1 + 4 * 0.0061)), 1_000_000],
        "folkmangd_1nov_t2": p2,
        "folkmangd_1nov_t1": [76_219, 1_000_000],
        "folkmangd_31dec_t2": [74_440, 1_000_000],
        "skatteunderlag_t1_kr": su,
        "utfall_t1_kostnadsutjamning_kr_per_inv": [ovriga_kr_per_inv, 0.0],
        "utfall_t1_svagt_befolkningsunderlag_kr_per_inv": [0.0, 0.0],
        "utfall_t1_fast_inforandebidrag_kr_per_inv": [0.0, 0.0],
        "utfall_t1_inforandebidrag_kr_per_inv": [0.0, 0.0],
        "folkmangd_31dec_2022": [74_440, 1_000_000],
    }
    return make_ctx(
        k,
        lan_kod=["24", "24"],
        regelverk=regelverk,
        riket={"utfall_t1_regleringspost_kommun_kr_per_inv": 0.0, "utfall_t1_regleringspost_region_kr_per_inv": 0.0},
    )


def test_efterslapning_amount_skelleftea_example():
    """Skellefteå via the ventil: +1 978 (2,66 %), 1 236 compensated persons, 62 471 kr per person, 77,2 mnkr,
    1 037 kr/inv (tabell 6.48, L16183–L16231). The seed does not print Skellefteå's t−1 outcomes nor its population
    31 dec 2022: the other t−1 items are set so that one more inhabitant is worth 62 471 kr (IU: 240 000 · 1,15 ·
    20,55 % = 56 718,0 kr; the rest 5 753,0 kr/inv) and P[31 dec 2022] = 74 440 lies inside the interval that the
    table's rounded 77,2 mnkr / 1 037 kr/inv imply. What is checked is the composition of the bilaga's formula."""
    iu_per_person = 240_000.0 * 1.15 * 20.55 / 100
    ctx = _skelleftea_ctx(62_471.0 - iu_per_person)
    out = bidrag.efterslapning(ctx)
    assert out["berattigad_ventil"].tolist() == [1.0, 0.0]
    assert out["medelskattekraft_t1_kr_per_inv"][0] == pytest.approx(240_000.0, rel=1e-15)
    assert out["kr_per_ersatt_person"][0] == pytest.approx(62_471.0, abs=1e-6)
    assert round(out["efterslapning_kr"][0] / 1e6, 1) == 77.2
    assert round(out["efterslapning"][0]) == 1_037
    assert out["efterslapning"][1] == 0.0 and out["efterslapning_kr"][1] == 0.0


def test_efterslapning_iu_switch_from_avgift_to_bidrag_uses_both_rates():
    """An avgift kommun whose uppräknad folkmängd turns it into a bidrag kommun: X_u − X_act is computed from the
    two inkomstutjämning amounts, not from a per-person rate."""
    ctx = _skelleftea_ctx(0.0)
    # make Skellefteå's tax base exactly 115 % of the medelskattekraft at P[1 nov t−2]: IU_act = 0
    p2 = ctx.k["folkmangd_1nov_t2"]
    msk = 240_000.0
    su0 = 1.15 * msk * p2[0]
    ctx.k["skatteunderlag_t1_kr"] = np.array([su0, msk * p2.sum() - su0])
    out = bidrag.efterslapning(ctx)
    msk_t1 = out["medelskattekraft_t1_kr_per_inv"][0]
    e = out["ersatta_personer"][0]
    iu_u = (msk_t1 * 1.15 * (p2[0] + e) - su0) * 20.55 / 100
    iu_act = (msk_t1 * 1.15 * p2[0] - su0) * (20.55 if msk_t1 * 1.15 * p2[0] > su0 else 18.48) / 100
    assert out["efterslapning_kr"][0] == pytest.approx(iu_u - iu_act, rel=1e-12)


def test_efterslapning_region_and_current_rules_not_available():
    ctx = _skelleftea_ctx(1_000.0)
    ctx.r.update(
        {
            "region_utfall_t1_kostnadsutjamning_kr_per_inv": np.array([0.0]),
            "region_utfall_t1_fast_inforandebidrag_kr_per_inv": np.array([0.0]),
            "region_utfall_t1_inforandebidrag_kr_per_inv": np.array([0.0]),
        }
    )
    reg = bidrag.efterslapning(ctx, "region")
    # the län grows 1 978 on 1 074 241: 0,18 % — no eftersläpning for the region
    assert reg["efterslapning"].shape == (1,) and reg["efterslapning"][0] == 0.0
    nu = _ctx_pop([125_000], [131_000], [135_000], regelverk="2024")
    out = bidrag.efterslapning(nu)
    assert np.isnan(out["efterslapning"]).all() and out["ersatta_personer"][0] > 0
    assert "efterslapning (kommun)" in nu.ej_tillgangliga
    assert any(n.startswith("Bidrag för eftersläpning av intäkter (kommuner): ej tillgänglig") for n in nu.notes)


def test_efterslapning_scenario_batch_broadcasts():
    ctx = _ctx_pop([100_000, 100_000], [104_000, 104_000], [105_040, 105_600])
    ctx.p = ctx.p.with_batch(
        {
            "bidrag.efterslapning.grans_ettar_procent": [1.0, 1.5],
            "bidrag.efterslapning.uppraknings_grans_procent": [1.0, 1.5],
        }
    )
    out = _kriterier(ctx)
    assert out["ersatta_personer"].shape == (2, 2)
    assert out["berattigad"].tolist() == [[1.0, 1.0], [0.0, 1.0]]
    assert out["ersatta_personer"][1, 1] == pytest.approx(1_600 - 1_560)


# ------------------------------------------------------------------------------------------------------------
# svagt befolkningsunderlag (11 §) and strukturbidrag (current rules)
# ------------------------------------------------------------------------------------------------------------
def test_svagt_befolkningsunderlag_toy_cases_by_hand():
    ctx = make_ctx(
        {
            "folkmangd_31dec_t2": [10_000, 10_000, 30_000, 5_000],
            "folkmangd_1nov_t1": [10_000, 10_000, 30_000, 5_000],
            "folkmangd_31dec_2022": [10_000, 10_000, 30_000, 5_000],
            "regionalt_befolkningsunderlag": [150_000, 260_000, 240_000, 50_000],
            "lokalt_befolkningsunderlag": [20_000, 0, 30_000, 6_000],
        }
    )
    out = bidrag.svagt_befolkningsunderlag(ctx)
    # 0: T = 1 000, A = 200 · 0,9 = 180 → 820;  1: RBU ≥ 250 000 → 0;  2: T = 100 < A = 300 · 1,1 = 330 → 0
    # 3: T = 2 000, A = 60 · 0,85 = 51 → 1 949
    assert out["svagt_befolkningsunderlag"] == pytest.approx([820.0, 0.0, 0.0, 1_949.0], abs=1e-9)
    assert out["tillagg_regionalt"] == pytest.approx([1_000.0, 0.0, 100.0, 2_000.0])
    assert out["svagt_befolkningsunderlag_kr"] == pytest.approx([8_200_000.0, 0.0, 0.0, 9_745_000.0])


def test_svagt_befolkningsunderlag_current_rules_and_strukturbidrag():
    k = {
        "folkmangd_31dec_t2": [1_000, 2_000],
        "folkmangd_1nov_t1": [1_000, 2_000],
        "strukturbidrag_kr_per_inv": [300, 0],
    }
    ctx = make_ctx(k, regelverk="2024", r={"region_strukturbidrag_kr_per_inv": [652.0]})
    assert np.isnan(bidrag.svagt_befolkningsunderlag(ctx)["svagt_befolkningsunderlag"]).all()
    sb = bidrag.strukturbidrag(ctx)
    assert sb["strukturbidrag_kr"].tolist() == [300_000.0, 0.0]
    assert bidrag.strukturbidrag(ctx, "region")["strukturbidrag_kr"].tolist() == [652.0 * 3_000]
    ny = make_ctx(k)
    assert np.isnan(bidrag.strukturbidrag(ny)["strukturbidrag"]).all()


# ------------------------------------------------------------------------------------------------------------
# fast införandebidrag (11 a §, 12 §) and the joint solution with the regleringspost (OPEN-23)
# ------------------------------------------------------------------------------------------------------------
def test_fast_inforandebidrag_parts():
    ctx = make_ctx({"folkmangd_31dec_t2": [1, 1, 1]})
    k = bidrag.fast_inforandebidrag(ctx, [2_000, 1_500, 100], [652, 0, 500])
    assert k["fast_inforandebidrag_stora_forandringar"].tolist() == [500.0, 0.0, 0.0]
    assert k["fast_inforandebidrag_strukturbidrag"].tolist() == [152.0, 0.0, 0.0]
    r = bidrag.fast_inforandebidrag(ctx, [1_188, 958, 0], [652, 0, 250], "region")
    assert r["fast_inforandebidrag_stora_forandringar"].tolist() == [
        438.0,
        208.0,
        0.0,
    ]  # cf. tabell 11.1 Stockholm/Uppsala
    assert r["fast_inforandebidrag_strukturbidrag"].tolist() == [402.0, 0.0, 0.0]  # Norrbotten 652 → 402 (L25063)
    nu = make_ctx({"folkmangd_31dec_t2": [1]}, regelverk="2024")
    assert np.isnan(bidrag.fast_inforandebidrag(nu, [2_000], [0])["fast_inforandebidrag"]).all()


def test_los_fast_inforandebidrag_closed_form_toy():
    # P = 100 / 900; the first loses 3 000 before financing: FIB = 1 500 + f, f = 0,1·FIB → f = 166,67
    ctx = make_ctx({"folkmangd_31dec_t2": [100, 900]})
    out = bidrag.los_fast_inforandebidrag(ctx, [3_000.0, 0.0], [0.0, 0.0], [100, 900], 0.0, [0.0, 0.0])
    f = 150.0 / 0.9
    assert out["finansiering_fast_inforandebidrag"][0] == pytest.approx(f, rel=1e-14)
    assert out["fast_inforandebidrag"] == pytest.approx([1_500.0 + f, 0.0], rel=1e-14)
    assert out["regleringspost"] == pytest.approx([-f, -f], rel=1e-14)
    # after FIB and its financing the loss is exactly 1 500 kr/inv
    assert 3_000.0 - (0.0 + out["fast_inforandebidrag"][0] + out["regleringspost"][0]) == pytest.approx(
        1_500.0, abs=1e-9
    )


def _fixed_point_check(out, old, ny, P, anslag, S, grans):
    fib2 = np.maximum(np.asarray(S) - 500.0, 0.0)
    r = out["regleringspost"]
    fib1 = out["fast_inforandebidrag_stora_forandringar"]
    b_prim = old - (ny + fib2 + r)  # 11 a §: net incl. FIB2 and the regleringspost, excl. FIB1
    np.testing.assert_allclose(fib1, np.maximum(b_prim - grans, 0.0), rtol=0, atol=1e-8)
    netto_kr = np.sum((ny + fib2 + fib1 + r) * P)
    assert abs(netto_kr - anslag) < 0.5  # the anslag to the krona


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=3, max_value=40), st.integers(min_value=0, max_value=2**31 - 1))
@example(n=3, seed=421900052)
@example(n=5, seed=4260)
def test_los_fast_inforandebidrag_is_a_true_fixed_point(n, seed):
    rng = np.random.default_rng(seed)
    P = rng.integers(500, 900_000, n).astype(float)
    old = rng.normal(5_000, 3_000, n)
    ny = old - rng.normal(0, 1_200, n) - rng.exponential(400, n) * (rng.random(n) < 0.3)
    # one kommun gains so much that it never receives the bidrag, whatever the financing: then the kommuner that
    # receive it hold less than the whole population and a fixed point exists (a gain of 2 000 kr was not enough:
    # hypothesis found n=5, seed=4260 where the financing grew past it)
    ny[-1] = old[-1] + 100_000.0
    # … and holds a real share of the population: with 1 − Σ_A w tiny the financing f ≈ Σ_A w·loss / (1 − Σ_A w)
    # outgrows any gain (hypothesis found n=3, seed=421900052: the gainer held 500 of 1,8 million inhabitants)
    P[-1] = max(P[-1], 0.2 * P[:-1].sum())
    S = np.where(rng.random(n) < 0.2, rng.uniform(0, 2_000, n), 0.0)
    anslag = float(np.sum(ny * P) + rng.normal(0, 100) * P.sum())
    ctx = make_ctx({"folkmangd_31dec_t2": P})
    out = bidrag.los_fast_inforandebidrag(ctx, old, ny, P, anslag, S)
    _fixed_point_check(out, old, ny, P, anslag, S, 1_500.0)


def test_los_fast_inforandebidrag_order_of_magnitude_table_11_1():
    """Documentation only: tabell 11.1 (L25277–L25357) — 15 kommuner with FIB, financing 26 kr/inv. A toy
    country of 10,5 million where the table's kommuner (populations rounded, ours) lose 1 500 + their FIB gives a
    financing of the same order (tens of kr/inv), not the exact 26."""
    fib = np.array([1_310, 460, 425, 387, 293, 239, 234, 168, 148, 123, 119, 117, 86, 43, 3], dtype=float)
    pop = np.array([25e3, 20e3, 28e3, 33e3, 48e3, 12e3, 27e3, 985e3, 12e3, 15e3, 50e3, 37e3, 23e3, 4e3, 39e3])
    rest = 10.5e6 - pop.sum()
    P = np.append(pop, rest)
    old = np.append(1_500.0 + fib, 0.0)
    ctx = make_ctx({"folkmangd_31dec_t2": P})
    out = bidrag.los_fast_inforandebidrag(ctx, old, np.zeros_like(P), P, 0.0, np.zeros_like(P))
    f = out["finansiering_fast_inforandebidrag"][0]
    assert 10 < f < 60
    _fixed_point_check(out, old, np.zeros_like(P), P, 0.0, np.zeros_like(P), 1_500.0)


# ------------------------------------------------------------------------------------------------------------
# införandebidrag (13 §, 14 §, LSS 6 a §)
# ------------------------------------------------------------------------------------------------------------
def test_inforandebidrag_steps_down_by_300_until_zero():
    ctx = make_ctx({"folkmangd_31dec_t2": [1, 1, 1]})
    B = np.array([1_000.0, 200.0, 1_500.0])
    serie = [bidrag.inforandebidrag(ctx, B, ar_nr=n)["inforandebidrag"].tolist() for n in range(1, 6)]
    assert serie == [[700, 0, 1_200], [400, 0, 900], [100, 0, 600], [0, 0, 300], [0, 0, 0]]
    reg = [bidrag.inforandebidrag(ctx, B, ar_nr=n, niva="region")["inforandebidrag"].tolist() for n in (1, 2)]
    assert reg == [[750, 0, 1_250], [500, 0, 1_000]]
    nu = make_ctx({"folkmangd_31dec_t2": [1]}, regelverk="2024")
    assert bidrag.inforandebidrag(nu, [1_000.0], ar_nr=1)["inforandebidrag"].tolist() == [750.0]


def test_inforandebidrag_14_combined_cap():
    ctx = make_ctx({"folkmangd_31dec_t2": [1] * 4})
    B = np.array([600.0, 200.0, 100.0, 1_000.0])
    BL = np.array([600.0, 300.0, 100.0, 0.0])
    y1 = bidrag.inforandebidrag(ctx, B, BL, ar_nr=1)
    # LSS: max(0, BL − 250); 13 §: max(0, B − 300); 14 §: max(0, min(B,300) + min(BL,250) − 400)
    assert y1["inforandebidrag_lss"].tolist() == [350.0, 50.0, 0.0, 0.0]
    assert y1["inforandebidrag_13"].tolist() == [300.0, 0.0, 0.0, 700.0]
    assert y1["inforandebidrag_14"].tolist() == [150.0, 50.0, 0.0, 0.0]
    loss = B + BL - y1["inforandebidrag"] - y1["inforandebidrag_lss"]
    assert loss.tolist() == [400.0, 400.0, 200.0, 300.0]
    y3 = bidrag.inforandebidrag(ctx, B, BL, ar_nr=3)  # 400·3 = 1 200 ≥ any combined loss here
    assert y3["inforandebidrag_14"].tolist() == [0.0] * 4


def test_inforandebidrag_literal_14_alternative():
    ctx = make_ctx({"folkmangd_31dec_t2": [1, 1]}, andringar={"bidrag.inforandebidrag.samlad_tolkning": "bokstavlig"})
    out = bidrag.inforandebidrag(ctx, [600.0, 1_000.0], [600.0, 10.0], ar_nr=1)
    # literal: total bidrag max(0, B + B_LSS − 400) once the sum exceeds 400, "i stället för 13 §"; LSS bidrag kept.
    # For the second kommun this is *less* than 13 § alone (1 000 − 300 = 700): why the SPEC reading is the default.
    assert (out["inforandebidrag"] + out["inforandebidrag_lss"]).tolist() == [800.0, 610.0]


def _schema_ctx(n=40, seed=3):
    rng = np.random.default_rng(seed)
    P = rng.integers(2_000, 200_000, n).astype(float)
    # signed changes (old − new, negative = gain): with "inklusive finansiering" a gainer can become a loser
    B = np.where(rng.random(n) < 0.15, rng.uniform(0, 1_500, n), rng.normal(-400, 300, n))
    BL = np.where(rng.random(n) < 0.15, rng.uniform(0, 1_637, n), rng.normal(-100, 150, n))
    return make_ctx({"folkmangd_31dec_t2": P, "folkmangd_1nov_t1": P}), P, B, BL


def test_inforandebidrag_schema_caps_financing_and_end():
    ctx, P, B, BL = _schema_ctx()
    s = bidrag.inforandebidrag_schema(ctx, B, BL)
    n_ar = len(s["ar_nr"])
    assert s["antal"][-1] == 0 and s["antal_lss"][-1] == 0 and n_ar <= 8  # ends (LSS up to 7 years, L25507)
    for i, n in enumerate(s["ar_nr"]):
        f, fl = s["finansiering"][i][0], s["finansiering_lss"][i][0]
        ib, il = s["inforandebidrag"][i], s["inforandebidrag_lss"][i]
        assert f == pytest.approx(np.sum(ib * P) / P.sum(), abs=1e-9)  # financed by the regleringspost
        assert fl == pytest.approx(np.sum(il * P) / P.sum(), abs=1e-9)  # financed in the LSS-utjämning
        keu = B + f - ib
        lss = BL + fl - il
        assert np.all(keu <= 300 * n + 1e-9) and np.all(lss <= 250 * n + 1e-9)
        assert np.all(keu + lss <= 400 * n + 1e-9)  # 14 §
        # nobody is compensated beyond its loss: where a bidrag is paid the loss incl. financing sits on a limit
        assert np.all(ib >= 0) and np.all(il >= 0)
    # first year: no kommun loses more than 300 / 250 / 400 kr/inv incl. financing
    assert np.max(B + s["finansiering"][0] - s["inforandebidrag"][0]) <= 300 + 1e-9


def test_inforandebidrag_schema_regioner_step_250():
    ctx, P, B, _ = _schema_ctx(seed=5)
    s = bidrag.inforandebidrag_schema(ctx, B, None, niva="region", befolkning=P)
    for i, n in enumerate(s["ar_nr"]):
        assert np.all(B + s["finansiering"][i] - s["inforandebidrag"][i] <= 250 * n + 1e-9)
    assert s["antal"][-1] == 0


def test_inforandebidrag_scenario_batch():
    ctx = make_ctx({"folkmangd_31dec_t2": [1, 1]})
    ctx.p = ctx.p.with_batch({"bidrag.inforandebidrag.steg_kommun": [300, 250]})
    out = bidrag.inforandebidrag(ctx, [1_000.0, 100.0], ar_nr=2)
    assert out["inforandebidrag"].tolist() == [[400.0, 0.0], [500.0, 0.0]]
    out = bidrag.los_inforandebidrag(ctx, [1_000.0, 100.0], ar_nr=1, befolkning=[100.0, 900.0])
    assert out["inforandebidrag"].shape == (2, 2)
    f = out["finansiering"][:, 0]
    assert f == pytest.approx([70.0 / 0.9, 75.0 / 0.9], rel=1e-12)


# ------------------------------------------------------------------------------------------------------------
# regleringspost (15–16 §§)
# ------------------------------------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=1_000_000), st.floats(min_value=-30_000, max_value=60_000)),
        min_size=1,
        max_size=300,
    ),
    st.floats(min_value=-5e10, max_value=2e11),
)
def test_regleringspost_balances_the_anslag_to_the_krona(rows, anslag):
    P = np.array([r[0] for r in rows], dtype=float)
    if P.sum() == 0:
        P[0] = 1.0
    netto_kr = np.array([r[1] for r in rows]) * P
    ctx = make_ctx({"folkmangd_1nov_t1": P, "folkmangd_31dec_t2": P})
    out = bidrag.regleringspost(ctx, netto_kr, anslag)
    assert abs(np.sum(netto_kr + out["regleringspost_kr"]) - anslag) < 0.5
    assert np.ptp(out["regleringspost"]) == 0.0  # one uniform amount per inhabitant


def test_regleringspost_batch_and_regions():
    ctx = make_ctx({"folkmangd_1nov_t1": [1_000, 3_000], "folkmangd_31dec_t2": [1_000, 3_000]})
    out = bidrag.regleringspost(ctx, [1e6, -3e6], np.array([[0.0], [4e6]]))
    assert out["regleringspost"].shape == (2, 2)
    assert out["regleringspost"][:, 0].tolist() == [500.0, 1_500.0]
    reg = bidrag.regleringspost(ctx, [2e6], 1e6, befolkning=[4_000.0])
    assert reg["regleringspost"].tolist() == [-250.0]


def test_every_bidrag_parameter_has_source_and_rule_sets_load():
    for namn in ("sou2024", "2024"):
        p = Params.load(namn)
        for path, leaf in p.leaves.items():
            if path.startswith("bidrag.") and "value" in leaf:
                assert leaf.get("source") and leaf.get("valid_from") in (2019, 2024), path  # 2019: docs/decisions.md


def test_financing_without_a_fixed_point_is_a_typed_input_error_naming_the_law():
    """Every inhabitant would receive the bidrag (no one left to finance it): IngenLosning, an input error whose
    Swedish text names the paragraph and the SOU page — not a bare RuntimeError."""
    with pytest.raises(bidrag.IngenLosning) as e:
        bidrag.los_finansiering(lambda f: np.maximum(100.0 + f, 0.0) * np.ones(3), np.ones(3))
    assert e.value.is_input_error
    assert str(e.value).startswith("införandebidraget (lag 2004:773 13–14 §§; SOU 2024:50 s. 42, 676) inklusive")
    assert "varje invånare skulle få bidraget" in str(e.value)
    with pytest.raises(bidrag.IngenLosning, match=r"fasta införandebidraget \(lag 2004:773 11 a och 12 §§"):
        bidrag.los_finansiering(
            lambda f: np.maximum(100.0 + f, 0.0) * np.ones(3), np.ones(3), lagrum=bidrag.FAST_INFORANDEBIDRAG
        )


def test_inforandebidrag_schema_still_paid_after_max_ar_is_a_typed_error():
    ctx, _, B, BL = _schema_ctx()
    with pytest.raises(
        bidrag.IngenLosning, match=r"13–14 §§; SOU 2024:50 s\. 42, 676\): bidraget betalas .* efter 1 år"
    ):
        bidrag.inforandebidrag_schema(ctx, B, BL, max_ar=1)
