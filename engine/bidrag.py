"""Bidrag outside the kostnadsutjämning, financed by the anslag (lag 2004:773 3, 10 a, 11, 11 a, 12–16 §§;
förordning 2004:881 28 § and bilaga "Eftersläpning av intäkter"; lag 2008:342 6 a §; SPEC §6–§10).

One function per paragraph, all pure and vectorised (per-kommun arrays (K,) or per-region (R,); under a scenario
batch parameters are (S, 1) and results (S, K)); constants in ``data/regelverk/<regelverk>/bidrag.yaml``.

    efterslapning(ctx, niva)                        10 a § lag, 28 § förordning, bilaga L2727–L2739   (SPEC §6)
    svagt_befolkningsunderlag(ctx)                  11 § (kommuner)                                     (SPEC §7)
    strukturbidrag(ctx, niva)                       11–12 §§ nuvarande lydelse (input as decided)       (SPEC §14)
    fast_inforandebidrag(ctx, B', S, niva)          11 a § (kommuner), 12 § (regioner)                  (SPEC §8)
    los_fast_inforandebidrag(ctx, …)                OPEN-23: FIB "inklusive finansiering" + regleringspost,
                                                    solved jointly
    inforandebidrag(ctx, B, B_LSS, ar_nr, niva)     13 §, 14 §, LSS 6 a §                               (SPEC §9)
    los_inforandebidrag(ctx, …)                     OPEN-23 for the införandebidrag (financing of year n)
    inforandebidrag_schema(ctx, …)                  the whole phase-in, year by year (Bilaga 4 tables 3–5)
    regleringspost(ctx, nettoutfall_kr, anslag_kr, befolkning)   15–16 §§                               (SPEC §10)

"Inklusive finansiering" (OPEN-23). A bidrag b_k = max(0, L_k + f − c) that must be financed by a uniform
reduction f of the regleringspost (f = Σ b·P / Σ P) is a fixed point in the scalar f. Every bidrag here is
nondecreasing in f with slope ≤ 1, so f ↦ Σ w·b(f) is monotone and, as long as the kommuner that receive the
bidrag hold less than the whole population, a contraction; :func:`los_finansiering` finds the fixed point exactly
(closed form on the active set, found by monotone iteration). docs/decisions.md records every choice.
"""

from __future__ import annotations

import numpy as np

from engine.common import safe_div
from engine.context import Ctx
from engine.errors import InputError
from engine.inkomst import inkomstutjamning_belopp, lansvisa_skattesatser
from engine.params import ParameterError
from engine.tolerances import FINANSIERING_GEMENSAM_KR_PER_INV, FINANSIERING_REL, GRANS_REL, HELA_BEFOLKNINGEN

KOMMUN, REGION = "kommun", "region"


# ----------------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------------
def _tol(x):
    x = np.asarray(x, dtype="float64")
    return np.where(np.isfinite(x), GRANS_REL * np.maximum(np.abs(np.nan_to_num(x, posinf=0.0, neginf=0.0)), 1.0), 0.0)


def uppfyller(a, b, jamforelse: str):
    """``a ≥ b`` ("minst", the law's word) or ``a > b`` ("mer än", the chapter's word for the ventil; OPEN-21),
    robust to binary rounding of decimal limits such as 1,2 %: equality is judged to 1e-9 relative."""
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    if jamforelse == ">=":
        return a - b >= -_tol(b)
    if jamforelse == ">":
        return a - b > _tol(b)
    raise ValueError(f"bidrag.efterslapning.jamforelse ska vara '>=' eller '>', inte {jamforelse!r}")


def _per_ar(ctx: Ctx, path: str, ar: int):
    table = {int(k): v for k, v in ctx.p.raw(path).items()}
    if ar not in table:
        raise ParameterError(
            f"{path}: regelverk {ctx.p.namn} har inget värde för år {ar} (har {', '.join(map(str, sorted(table)))}); "
            "ange det i en reform"
        )
    return table[ar]


def _niva(niva: str) -> str:
    if niva not in (KOMMUN, REGION):
        raise ValueError(f"nivån ska vara 'kommun' eller 'region', inte {niva!r}")
    return niva


def _k_or_r(ctx: Ctx, niva: str, kommun_var: str, region_var: str | None = None) -> np.ndarray:
    """A per-unit input: the kommun column, or for regions the region column (``region_<name>`` by default)."""
    if niva == KOMMUN:
        return np.asarray(ctx.k[kommun_var], dtype="float64")
    return np.asarray(ctx.r[region_var or f"region_{kommun_var}"], dtype="float64")


def _folkmangd(ctx: Ctx, niva: str, var: str) -> np.ndarray:
    """A population column per kommun, or per region as the sum over the län's kommuner (Gotland = the kommun)."""
    x = np.asarray(ctx.k[var], dtype="float64")
    return x if niva == KOMMUN else ctx.lan_sum(x)


# ----------------------------------------------------------------------------------------------------------------
# 10 a § — bidrag för eftersläpning av intäkter
# ----------------------------------------------------------------------------------------------------------------
def efterslapning_kriterier(ctx: Ctx, p_t6, p_t2, p_t1) -> dict[str, np.ndarray]:
    """Eligibility and compensated persons (förordning 28 §, L2287–L2305; bilaga L2731; SPEC §6, OPEN-21).

    1. long-term: the fyraårsökning P[1 nov t−2] − P[1 nov t−6] (28 § tredje stycket, L2299; ``period_ar`` = 4)
       averages at least ``grans_fyraar_procent`` per year — ``genomsnitt`` aritmetiskt: ΔP4 / P[t−6] / 4,
       geometriskt: (P[t−2]/P[t−6])^(1/4) − 1 — AND the ettårsökning P[1 nov t−1] − P[1 nov t−2] is at least
       ``grans_ettar_procent`` of P[t−2] (first stycke);
    2. ventil: otherwise a one-year growth of at least ``ventil_grans_procent`` (second stycke; none today).
    E = ΔP1 − uppräkningsgräns · P[t−2] persons ("antalet personer som motsvarar den befolkningsökning … som
    överskrider 1 procent", L2731) for an eligible unit, else 0, rounded to whole persons (``avrundning_personer``
    'heltal': tabell 6.48 reproduces only so — Nacka 188,52 → 189 = 14,8 %, Upplands Väsby "nu" 648,32 → 648 =
    52,4 %); the uppräknad folkmängd Pu = P[t−2] + E. Percentages are returned for the output.
    """
    p = ctx.p
    jmf = p.raw("bidrag.efterslapning.jamforelse")
    p_t6, p_t2, p_t1 = (np.asarray(x, dtype="float64") for x in (p_t6, p_t2, p_t1))
    n4 = p("bidrag.efterslapning.period_ar")  # the fyraårsperiod: P[1 nov t−6] → P[1 nov t−2]
    g4 = p("bidrag.efterslapning.grans_fyraar_procent") / 100.0
    g1 = p("bidrag.efterslapning.grans_ettar_procent") / 100.0
    gv = p("bidrag.efterslapning.ventil_grans_procent") / 100.0
    gu = p("bidrag.efterslapning.uppraknings_grans_procent") / 100.0
    d1 = p_t1 - p_t2
    d4 = p_t2 - p_t6
    metod = p.raw("bidrag.efterslapning.genomsnitt")
    if metod == "aritmetiskt":
        lang = uppfyller(d4, n4 * g4 * p_t6, jmf)
        snitt4 = safe_div(d4, n4 * p_t6)
    elif metod == "geometriskt":
        lang = uppfyller(p_t2, p_t6 * (1.0 + g4) ** n4, jmf)
        snitt4 = safe_div(p_t2, p_t6, fill=1.0) ** (1.0 / n4) - 1.0
    else:
        raise ValueError(f"bidrag.efterslapning.genomsnitt ska vara 'aritmetiskt' eller 'geometriskt', inte {metod!r}")
    ordinarie = lang & uppfyller(d1, g1 * p_t2, jmf)
    ventil = ~ordinarie & np.isfinite(gv) & uppfyller(d1, np.where(np.isfinite(gv), gv, 0.0) * p_t2, jmf)
    berattigad = ordinarie | ventil
    e = np.where(berattigad, np.maximum(d1 - gu * p_t2, 0.0), 0.0)
    avrundning = p.raw("bidrag.efterslapning.avrundning_personer")
    if avrundning == "heltal":  # "antalet personer som motsvarar …" (L2731); half up, tabell 6.48
        e = np.floor(e + 0.5)
    elif avrundning != "ingen":
        raise ValueError(
            f"bidrag.efterslapning.avrundning_personer ska vara 'heltal' eller 'ingen', inte {avrundning!r}"
        )
    return {
        "tillvaxt_fyraar_procent_per_ar": np.broadcast_to(100.0 * snitt4, np.shape(e)).copy(),
        "tillvaxt_ettar_procent": np.broadcast_to(100.0 * safe_div(d1, p_t2), np.shape(e)).copy(),
        "berattigad": berattigad.astype("float64"),
        "berattigad_ventil": ventil.astype("float64"),
        "ersatta_personer": e,
        "uppraknad_folkmangd": p_t2 + e,
    }


def efterslapning_belopp(
    ctx: Ctx, niva: str, e, p_t2, p_31dec_t2, skatteunderlag_t1, msk_t1, ovriga_t1_kr_per_inv
) -> dict[str, np.ndarray]:
    """Bidrag för eftersläpning in kr and kr/inv (bilaga L2729–L2739; SPEC §6).

    X_act = (Σ other items_{t−1} + IU_{t−1}/P) · P[1 nov t−2]  — what was paid in t−1 (its population P[1 nov t−2])
    X_u   = (Σ other items_{t−1}) · Pu + IU_u                    — IU recomputed at Pu with t−1's skatteunderlag,
                                                                  medelskattekraft, garantinivå and länsvisa rates
    bidrag = (X_u − X_act) / P[31 dec t−2]
    ``ovriga_t1_kr_per_inv`` is the t−1 sum of kostnadsutjämning, svagt befolkningsunderlag, fast införandebidrag,
    införandebidrag and regleringspost in kr/inv (L2737–L2739). Units without eftersläpning (e = 0) get 0 exactly.
    """
    t1 = ctx.ar - 1
    g = _per_ar(ctx, "bidrag.efterslapning.garantiniva_t1", t1)
    satser = lansvisa_skattesatser(ctx, _per_ar(ctx, "bidrag.efterslapning.skattesatser_kolumn_t1", t1))
    if niva == KOMMUN:
        rows = satser.loc[ctx.region_kod].iloc[ctx.kommun_lan]
        s_b, s_a = rows["kommun_bidrag"].to_numpy(), rows["kommun_avgift"].to_numpy()
    else:
        rows = satser.loc[ctx.region_kod]
        s_b, s_a = rows["region_bidrag"].to_numpy(), rows["region_avgift"].to_numpy()
    e = np.asarray(e, dtype="float64")
    p_t2 = np.asarray(p_t2, dtype="float64")
    pu = p_t2 + e
    iu_act, _ = inkomstutjamning_belopp(skatteunderlag_t1, p_t2, msk_t1, g, s_b, s_a)
    iu_u, _ = inkomstutjamning_belopp(skatteunderlag_t1, pu, msk_t1, g, s_b, s_a)
    ovriga = np.asarray(ovriga_t1_kr_per_inv, dtype="float64")
    x_act = ovriga * p_t2 + iu_act
    x_u = ovriga * pu + iu_u
    kr = np.where(e > 0, x_u - x_act, 0.0)
    return {
        "inkomstutjamning_t1_kr": np.broadcast_to(iu_act, np.shape(kr)).copy(),
        "inkomstutjamning_uppraknad_kr": np.broadcast_to(iu_u, np.shape(kr)).copy(),
        "kr_per_ersatt_person": safe_div(kr, e),
        "efterslapning_kr": kr,
        "efterslapning": safe_div(kr, p_31dec_t2),
    }


def efterslapning(ctx: Ctx, niva: str = KOMMUN) -> dict[str, np.ndarray]:
    """Bidrag för eftersläpning av intäkter per kommun or region, kr/inv and kr (lag 10 a §, L681–L683;
    förordning 28 §, L2287–L2305; bilaga L2727–L2739; SPEC §6).

    Inputs (engine/schema.py): folkmangd_1nov_t6/_t2/_t1, folkmangd_31dec_t2 (regions: summed over the län),
    skatteunderlag_t1_kr (the uppräknat skatteunderlag of the t−1 inkomstutjämning; regions: summed), per unit the
    t−1 outcomes utfall_t1_{kostnadsutjamning, svagt_befolkningsunderlag (kommuner), fast_inforandebidrag,
    inforandebidrag}_kr_per_inv (regions: region_utfall_t1_…), and riket utfall_t1_regleringspost_{kommun,region}
    _kr_per_inv. The t−1 medelskattekraft is Σ skatteunderlag_t1 / Σ P[1 nov t−2] over the country (lag 3 §, L593).

    Under the current rules (regelverk 2024) the eligibility (1,2 %, no ventil) and the compensated persons are
    computed; the amount is a tillägg inside the kostnadsutjämning whose bilaga text is not in the seeds, so it is
    NaN with a notice.
    """
    niva = _niva(niva)
    p_t6 = _folkmangd(ctx, niva, "folkmangd_1nov_t6")
    p_t2 = _folkmangd(ctx, niva, "folkmangd_1nov_t2")
    p_t1 = _folkmangd(ctx, niva, "folkmangd_1nov_t1")
    out = efterslapning_kriterier(ctx, p_t6, p_t2, p_t1)
    namn = f"efterslapning ({niva})"
    if not ctx.p.has("bidrag.efterslapning.belopp"):
        leaf = ctx.p.leaves["bidrag.efterslapning.belopp"]
        out["efterslapning"] = ctx.ej_tillganglig(namn, leaf.get("reason", ""), shape_of=p_t2)
        out["efterslapning_kr"] = out["efterslapning"].copy()
        return out
    su_k = np.asarray(ctx.k["skatteunderlag_t1_kr"], dtype="float64")
    msk_t1 = np.sum(su_k) / np.sum(ctx.k["folkmangd_1nov_t2"])
    su = su_k if niva == KOMMUN else ctx.lan_sum(su_k)
    delar = ["kostnadsutjamning", "fast_inforandebidrag", "inforandebidrag"]
    if niva == KOMMUN:
        delar.insert(1, "svagt_befolkningsunderlag")
    ovriga = sum(_k_or_r(ctx, niva, f"utfall_t1_{d}_kr_per_inv") for d in delar)
    ovriga = ovriga + float(ctx.riket[f"utfall_t1_regleringspost_{niva}_kr_per_inv"])
    out.update(
        efterslapning_belopp(
            ctx, niva, out["ersatta_personer"], p_t2, _folkmangd(ctx, niva, "folkmangd_31dec_t2"), su, msk_t1, ovriga
        )
    )
    out["medelskattekraft_t1_kr_per_inv"] = np.full(np.shape(p_t2), msk_t1)
    return out


# ----------------------------------------------------------------------------------------------------------------
# 11 § — bidrag för svagt befolkningsunderlag (kommuner); current rules: strukturbidrag
# ----------------------------------------------------------------------------------------------------------------
def svagt_befolkningsunderlag_belopp(ctx: Ctx, rbu, lbu, folkmangd) -> dict[str, np.ndarray]:
    """Tillägg = (250 000 − RBU)/100 if RBU < 250 000; Avdrag = (LBU/100)·(1 + (P − 20 000)/100 000);
    SBU = max(0, Tillägg − Avdrag) kr/inv (L24901–L24911, L24951; SPEC §7, OPEN-22)."""
    p = ctx.p
    rbu, lbu, folkmangd = (np.asarray(x, dtype="float64") for x in (rbu, lbu, folkmangd))
    grans = p("bidrag.svagt_befolkningsunderlag.grans_regionalt")
    tillagg = np.maximum(grans - rbu, 0.0) / p("bidrag.svagt_befolkningsunderlag.delare_regionalt")
    avdrag = (lbu / p("bidrag.svagt_befolkningsunderlag.delare_lokalt")) * (
        1.0
        + (folkmangd - p("bidrag.svagt_befolkningsunderlag.folkmangd_bas"))
        / p("bidrag.svagt_befolkningsunderlag.folkmangd_skala")
    )
    return {
        "tillagg_regionalt": tillagg,
        "avdrag_lokalt": avdrag,
        "svagt_befolkningsunderlag": np.maximum(tillagg - avdrag, 0.0),
    }


def svagt_befolkningsunderlag(ctx: Ctx) -> dict[str, np.ndarray]:
    """Bidrag för svagt befolkningsunderlag per kommun, kr/inv and kr (lag 11 § föreslagen lydelse, L689–L695;
    method of 1996/2001, L24899–L24951; SPEC §7). A fixed bidrag on the 2022 regional (112,5 km) and local
    (37,5 km) befolkningsunderlag; the folkmängd is ``bidrag.svagt_befolkningsunderlag.folkmangd`` (OPEN-22).
    Kronor use ``bidrag.regleringspost.befolkning`` (the population every per-inhabitant amount is paid on).
    Current rules: not a separate bidrag (part of the strukturbidrag, see :func:`strukturbidrag`) → NaN + notice."""
    p = ctx.p
    if not p.has("bidrag.svagt_befolkningsunderlag.grans_regionalt"):
        leaf = p.leaves.get("bidrag.svagt_befolkningsunderlag.modell", {})
        nan = ctx.ej_tillganglig("svagt_befolkningsunderlag", leaf.get("reason", ""))
        return {"svagt_befolkningsunderlag": nan, "svagt_befolkningsunderlag_kr": nan.copy()}
    out = svagt_befolkningsunderlag_belopp(
        ctx,
        ctx.k["regionalt_befolkningsunderlag"],
        ctx.k["lokalt_befolkningsunderlag"],
        ctx.k[p.raw("bidrag.svagt_befolkningsunderlag.folkmangd")],
    )
    out["svagt_befolkningsunderlag_kr"] = (
        out["svagt_befolkningsunderlag"] * ctx.k[p.raw("bidrag.regleringspost.befolkning")]
    )
    return out


def strukturbidrag(ctx: Ctx, niva: str = KOMMUN) -> dict[str, np.ndarray]:
    """Strukturbidrag under the current rules (lag 11–12 §§ nuvarande lydelse, L697–L707, L729–L749; SPEC §14):
    the 2004 standardkostnad för svagt befolkningsunderlag / små regioner plus the 2013 strukturbidrag above
    0,22 % / 0,11 % of the 2014 skatteunderlag. Those historical amounts are not in the seeds, so the bidrag as
    decided is an input (``strukturbidrag_kr_per_inv``, ``region_strukturbidrag_kr_per_inv``). Abolished in the
    proposal → NaN + notice."""
    niva = _niva(niva)
    if not ctx.p.has("bidrag.strukturbidrag.modell"):
        n = len(ctx.kommun_kod) if niva == KOMMUN else len(ctx.region_kod)
        leaf = ctx.p.leaves.get("bidrag.strukturbidrag.modell", {})
        nan = ctx.ej_tillganglig(f"strukturbidrag ({niva})", leaf.get("reason", ""), shape_of=np.zeros(n))
        return {"strukturbidrag": nan, "strukturbidrag_kr": nan.copy()}
    s = _k_or_r(ctx, niva, "strukturbidrag_kr_per_inv")
    befolkning = _folkmangd(ctx, niva, ctx.p.raw("bidrag.regleringspost.befolkning"))
    return {"strukturbidrag": s, "strukturbidrag_kr": s * befolkning}


# ----------------------------------------------------------------------------------------------------------------
# Financing "inklusive finansiering" (OPEN-23)
# ----------------------------------------------------------------------------------------------------------------
#: What the financing solved by :func:`los_finansiering` belongs to, as its error message names it.
INFORANDEBIDRAG = "införandebidraget (lag 2004:773 13–14 §§; SOU 2024:50 s. 42, 676)"
INFORANDEBIDRAG_LSS = "införandebidraget i LSS-utjämningen (lag 2008:342 6 a §; SOU 2024:50 s. 47, 676)"
FAST_INFORANDEBIDRAG = "det fasta införandebidraget (lag 2004:773 11 a och 12 §§; SOU 2024:50 s. 41, 673)"


class IngenLosning(InputError):
    """The införande rules (lag 11 a–14 §§, LSS 6 a §) have no solution for these inputs: the bidrag "inklusive
    finansiering" has no fixed point (every inhabitant would receive it), or it is still paid after the years asked
    for. Only inputs far from any real year get here (e.g. a bas and a proposal describing different kommuner), so
    it is an input error (exit 2); :func:`engine.jamfor.berakna_lager` adds what the comparison's inputs likely
    mean."""


def los_finansiering(
    bidrag_av_f, befolkning, tol: float = FINANSIERING_REL, max_iter: int = 1_000, lagrum: str = INFORANDEBIDRAG
):
    """Smallest fixed point f = Σ b(f)·P / Σ P of a financing f (kr/inv, shape (1,) or (S, 1)).

    ``bidrag_av_f(f)`` returns the per-unit bidrag (kr/inv) when every unit's loss is raised by the financing f;
    it is piecewise linear, nondecreasing, with slope 1 where it is positive (every max(0, loss + f − cap), and the
    13 + 14 § formula). g(f) = Σ w·b(f) − f is then convex with g(0) ≥ 0, and Newton's step on the active set A,
    f ← f + g(f) / (1 − Σ_A w), climbs monotonically to the smallest root and stops exactly (finitely many active
    sets). The result is verified: |Σ w·b(f) − f| ≤ 1e-9 kr/inv, else an error. No fixed point exists when the
    units receiving a bidrag would hold the whole population (Σ_A w = 1): :class:`IngenLosning`, naming ``lagrum``
    (the bidrag being financed).
    """
    w = np.asarray(befolkning, dtype="float64")
    w = w / np.sum(w, axis=-1, keepdims=True)
    f = np.zeros(np.shape(np.sum(np.asarray(bidrag_av_f(0.0)) * w, axis=-1, keepdims=True)))
    for _ in range(max_iter):
        b = np.asarray(bidrag_av_f(f), dtype="float64")
        g = np.sum(b * w, axis=-1, keepdims=True) - f
        if np.all(np.abs(g) <= tol * np.maximum(1.0, np.abs(f))):
            return f
        wa = np.sum(np.where(b > 0, w, 0.0), axis=-1, keepdims=True)
        if np.any((wa >= 1.0 - HELA_BEFOLKNINGEN) & (g > 0)):
            raise IngenLosning(
                f"{lagrum} inklusive finansiering har ingen lösning: varje invånare skulle få bidraget, "
                "så ingen finns kvar att finansiera det"
            )
        f = f + np.where(np.abs(g) <= tol * np.maximum(1.0, np.abs(f)), 0.0, g / (1.0 - wa))
    raise IngenLosning(f"{lagrum} inklusive finansiering har ingen lösning efter {max_iter} steg")


# ----------------------------------------------------------------------------------------------------------------
# 11 a § / 12 § — fast införandebidrag
# ----------------------------------------------------------------------------------------------------------------
def fast_inforandebidrag(
    ctx: Ctx, bidragsminskning_2025, strukturbidrag_2025, niva: str = KOMMUN
) -> dict[str, np.ndarray]:
    """Fast införandebidrag, kr/inv (lag 11 a § kommuner, L711–L721; 12 § regioner, L733–L753; commentary
    L29785–L29827; SPEC §8).

    FIB1 = max(0, B' − 1 500) kommuner / max(0, B' − 750) regioner, B' = the bidragsminskning 2025 *inklusive
    finansiering* (old-law net 2025 − new-law net 2025 over 5, 6, 9–11 (regioner 9–10 a), 15 and 16 §§ and FIB2,
    excluding FIB1 itself; the regleringspost in the new-law net already reduced by the financing of FIB1 —
    :func:`los_fast_inforandebidrag` computes it);
    FIB2 = max(0, S − 500) kommuner / max(0, S − 250) regioner, S = the 2025 strukturbidrag that does not concern
    svagt befolkningsunderlag (små regioner), kr/inv (Norrbotten 652 → 402, L25063).
    Permanent (no phase-out). Current rules: no such bidrag → NaN + notice.
    """
    niva = _niva(niva)
    p = ctx.p
    if not p.has(f"bidrag.fast_inforandebidrag.grans_{niva}"):
        leaf = p.leaves.get("bidrag.fast_inforandebidrag.modell", {})
        nan = ctx.ej_tillganglig(
            f"fast_inforandebidrag ({niva})",
            leaf.get("reason", ""),
            shape_of=np.asarray(bidragsminskning_2025),
        )
        return {
            "fast_inforandebidrag_stora_forandringar": nan,
            "fast_inforandebidrag_strukturbidrag": nan.copy(),
            "fast_inforandebidrag": nan.copy(),
        }
    fib1 = np.maximum(
        np.asarray(bidragsminskning_2025, dtype="float64") - p(f"bidrag.fast_inforandebidrag.grans_{niva}"), 0.0
    )
    fib2 = np.maximum(
        np.asarray(strukturbidrag_2025, dtype="float64")
        - p(f"bidrag.fast_inforandebidrag.strukturbidrag_grans_{niva}"),
        0.0,
    )
    fib1, fib2 = np.broadcast_arrays(fib1, fib2)
    return {
        "fast_inforandebidrag_stora_forandringar": fib1.copy(),
        "fast_inforandebidrag_strukturbidrag": fib2.copy(),
        "fast_inforandebidrag": fib1 + fib2,
    }


def los_fast_inforandebidrag(
    ctx: Ctx,
    netto_gammal_kr_per_inv,
    netto_ny_exkl_kr_per_inv,
    befolkning,
    anslag_kr,
    strukturbidrag_2025,
    niva: str = KOMMUN,
) -> dict[str, np.ndarray]:
    """FIB and the regleringspost solved jointly (OPEN-23; lag 11 a §, 12 §, 15–16 §§; L25247–L25249, L29797).

    netto_gammal_kr_per_inv   old-law net 2025 per unit (all bidrag − avgifter, incl. regleringspost), kr/inv
    netto_ny_exkl_kr_per_inv  new-law net 2025 *excluding* the fast införandebidrag and the regleringspost
                              (IU, KU, eftersläpning, svagt befolkningsunderlag), kr/inv
    befolkning                the population of payments (kronor = kr/inv × befolkning; regleringspost per inv.)
    anslag_kr                 the anslag for this level (kommuner or regioner)
    strukturbidrag_2025       S for FIB2 (kr/inv); FIB2 enters the new-law net (11 a § "enligt tredje stycket")

    With R0 = (anslag − Σ (netto_ny_exkl + FIB2)·P) / Σ P the regleringspost before FIB1, the loss before its
    financing is L = netto_gammal − (netto_ny_exkl + FIB2 + R0); FIB1 = max(0, L + f − grans) with
    f = Σ FIB1·P / Σ P, and the final regleringspost is R = R0 − f. Returns FIB1, FIB2, FIB, B' (= L + f),
    the regleringspost R, its financing part f and the state's net outlay (= anslag).
    """
    niva = _niva(niva)
    p = ctx.p
    grans = p(f"bidrag.fast_inforandebidrag.grans_{niva}")
    P = np.asarray(befolkning, dtype="float64")
    fib2 = fast_inforandebidrag(ctx, np.zeros_like(P), strukturbidrag_2025, niva)["fast_inforandebidrag_strukturbidrag"]
    ny = np.asarray(netto_ny_exkl_kr_per_inv, dtype="float64") + fib2
    r0 = (np.asarray(anslag_kr, dtype="float64") - np.sum(ny * P, axis=-1, keepdims=True)) / np.sum(
        P, axis=-1, keepdims=True
    )
    forlust = np.asarray(netto_gammal_kr_per_inv, dtype="float64") - (ny + r0)
    if p.raw("bidrag.fast_inforandebidrag.inklusive_finansiering"):
        f = los_finansiering(lambda f: np.maximum(forlust + f - grans, 0.0), P, lagrum=FAST_INFORANDEBIDRAG)
    else:
        f = np.sum(np.maximum(forlust - grans, 0.0) * P, axis=-1, keepdims=True) / np.sum(P, axis=-1, keepdims=True)
    b_prim = forlust + (f if p.raw("bidrag.fast_inforandebidrag.inklusive_finansiering") else 0.0)
    fib = fast_inforandebidrag(ctx, b_prim, strukturbidrag_2025, niva)
    r = r0 - np.sum(fib["fast_inforandebidrag_stora_forandringar"] * P, axis=-1, keepdims=True) / np.sum(
        P, axis=-1, keepdims=True
    )
    utfall = np.sum((ny + fib["fast_inforandebidrag_stora_forandringar"] + r) * P, axis=-1, keepdims=True)
    shape = np.shape(b_prim)
    return {
        **fib,
        "bidragsminskning_fast": b_prim,
        "regleringspost": np.broadcast_to(r, shape).copy(),
        "finansiering_fast_inforandebidrag": np.broadcast_to(f, shape).copy(),
        "statens_nettoutgift_kr": np.broadcast_to(utfall, shape).copy(),
    }


# ----------------------------------------------------------------------------------------------------------------
# 13 §, 14 §, LSS 6 a § — införandebidrag
# ----------------------------------------------------------------------------------------------------------------
def inforandebidrag(
    ctx: Ctx,
    bidragsminskning,
    bidragsminskning_lss=None,
    ar_nr: int = 1,
    niva: str = KOMMUN,
    finansiering=0.0,
    finansiering_lss=0.0,
) -> dict[str, np.ndarray]:
    """Införandebidrag in year ``ar_nr`` (1 = the first year of the new rules), kr/inv (lag 13 §, L757–L767;
    14 §, L771–L779; lag 2008:342 6 a §, L931–L935; commentary L29849–L29851; SPEC §9, OPEN-24).

    With B = bidragsminskning (+ the financing of the year, "inklusive finansiering") and n = ar_nr:
        13 §      IB13   = max(0, B − 300·n) kommuner, max(0, B − 250·n) regioner (current rules 250·n)
        6 a § LSS IB_LSS = max(0, B_LSS − 250·n)
        14 §      (samlad_tolkning 'kommentaren', the commentary's reading) the combined yearly loss ≤ 400·n:
                  allowed(n) = min(min(B, 300n) + min(B_LSS, 250n), 400n); the LSS bidrag stays and the 13 §
                  bidrag rises by max(0, min(B, 300n) + min(B_LSS, 250n) − 400n)  (L29851 "13 § minskas")
                  ('bokstavlig') allowed(n) = min(B + B_LSS, 400n) when B + B_LSS > 400 (14 § "i stället för
                  13 §"), the 13 § bidrag being what is left after the LSS bidrag (≥ 0).
    Returns inforandebidrag_13 (13 § part), inforandebidrag_14 (the 14 § addition), inforandebidrag (13 + 14 §§,
    paid in the kommunalekonomisk utjämning) and inforandebidrag_lss (paid in the LSS-utjämning).
    """
    niva = _niva(niva)
    p = ctx.p
    n = float(ar_nr)
    b = np.asarray(bidragsminskning, dtype="float64") + finansiering
    steg = p(f"bidrag.inforandebidrag.steg_{niva}")
    ib13 = np.maximum(b - steg * n, 0.0)
    if bidragsminskning_lss is None or niva == REGION:
        zero = np.zeros_like(ib13)
        return {
            "inforandebidrag_13": ib13,
            "inforandebidrag_14": zero,
            "inforandebidrag": ib13.copy(),
            "inforandebidrag_lss": zero.copy(),
        }
    steg_lss = p("bidrag.inforandebidrag.steg_lss")
    bl = np.asarray(bidragsminskning_lss, dtype="float64") + finansiering_lss
    ib_lss = np.maximum(bl - steg_lss * n, 0.0)
    tak = p("bidrag.inforandebidrag.samlad_grans") * n
    tolkning = p.raw("bidrag.inforandebidrag.samlad_tolkning")
    if tolkning == "kommentaren":
        ib14 = np.maximum(np.minimum(b, steg * n) + np.minimum(bl, steg_lss * n) - tak, 0.0)
    elif tolkning == "bokstavlig":
        galler = uppfyller(b + bl, p("bidrag.inforandebidrag.samlad_grans"), ">")
        ib_total = np.maximum(b + bl - tak, 0.0)
        ib14 = np.where(galler, np.maximum(ib_total - ib_lss, 0.0) - ib13, 0.0)
    else:
        raise ValueError(
            f"bidrag.inforandebidrag.samlad_tolkning ska vara 'kommentaren' eller 'bokstavlig', inte {tolkning!r}"
        )
    ib13, ib14, ib_lss = np.broadcast_arrays(ib13, ib14, ib_lss)
    return {
        "inforandebidrag_13": ib13.copy(),
        "inforandebidrag_14": ib14.copy(),
        "inforandebidrag": ib13 + ib14,
        "inforandebidrag_lss": ib_lss.copy(),
    }


def los_inforandebidrag(
    ctx: Ctx,
    bidragsminskning,
    bidragsminskning_lss=None,
    ar_nr: int = 1,
    niva: str = KOMMUN,
    befolkning=None,
    befolkning_lss=None,
) -> dict[str, np.ndarray]:
    """Införandebidrag of year ``ar_nr`` *inklusive finansiering* (OPEN-23; L25365–L25367; SPEC §9).

    B is fixed (computed once, L25365); each year the kommuner that receive nothing pay the bidrag through a uniform
    reduction of the regleringspost f (kr/inv) — for the LSS bidrag a uniform f_LSS in the LSS-utjämning — and the
    limit 300/250/400 kr applies to the loss *including* that reduction: IB(n) = rule(B + f, B_LSS + f_LSS, n) with
    f = Σ (IB13 + IB14)·P / Σ P and f_LSS = Σ IB_LSS·P_LSS / Σ P_LSS. Solved as a joint fixed point (both maps are
    monotone). With ``bidrag.inforandebidrag.inklusive_finansiering`` false, f = f_LSS = 0.
    Returns :func:`inforandebidrag` plus finansiering / finansiering_lss (kr/inv, the cost to every unit).
    """
    niva = _niva(niva)
    p = ctx.p
    P = np.asarray(
        ctx.k[p.raw("bidrag.regleringspost.befolkning")] if befolkning is None else befolkning, dtype="float64"
    )
    PL = P if befolkning_lss is None else np.asarray(befolkning_lss, dtype="float64")
    if not p.raw("bidrag.inforandebidrag.inklusive_finansiering"):
        out = inforandebidrag(ctx, bidragsminskning, bidragsminskning_lss, ar_nr, niva)
        z = np.zeros(np.shape(out["inforandebidrag"])[:-1] + (1,))
        return {
            **out,
            "finansiering": np.broadcast_to(z, np.shape(out["inforandebidrag"])).copy(),
            "finansiering_lss": np.broadcast_to(z, np.shape(out["inforandebidrag"])).copy(),
        }
    w = P / np.sum(P, axis=-1, keepdims=True)
    wl = PL / np.sum(PL, axis=-1, keepdims=True)
    med_lss = bidragsminskning_lss is not None and niva == KOMMUN
    f = fl = 0.0
    for _ in range(10_000):
        out = inforandebidrag(ctx, bidragsminskning, bidragsminskning_lss, ar_nr, niva, f, fl)
        if med_lss:
            # the LSS financing alone is an exact one-dimensional fixed point
            fl_new = los_finansiering(
                lambda x, f=f: inforandebidrag(ctx, bidragsminskning, bidragsminskning_lss, ar_nr, niva, f, x)[
                    "inforandebidrag_lss"
                ],
                PL,
                lagrum=INFORANDEBIDRAG_LSS,
            )
        else:
            fl_new = 0.0
        f_new = los_finansiering(
            lambda x, fl_new=fl_new: inforandebidrag(
                ctx, bidragsminskning, bidragsminskning_lss, ar_nr, niva, x, fl_new
            )["inforandebidrag"],
            P,
        )
        if np.all(np.abs(np.asarray(f_new) - f) <= FINANSIERING_GEMENSAM_KR_PER_INV) and np.all(
            np.abs(np.asarray(fl_new) - fl) <= FINANSIERING_GEMENSAM_KR_PER_INV
        ):
            f, fl = f_new, fl_new
            break
        f, fl = f_new, fl_new
    else:  # pragma: no cover
        raise IngenLosning(f"{INFORANDEBIDRAG} och {INFORANDEBIDRAG_LSS}: finansieringarna har ingen gemensam lösning")
    out = inforandebidrag(ctx, bidragsminskning, bidragsminskning_lss, ar_nr, niva, f, fl)
    shape = np.shape(out["inforandebidrag"])
    out["finansiering"] = np.broadcast_to(f, shape).copy()
    out["finansiering_lss"] = np.broadcast_to(fl, shape).copy()
    out["vikt_kontroll"] = np.broadcast_to(np.sum(out["inforandebidrag"] * w, axis=-1, keepdims=True), shape).copy()
    if med_lss:
        out["vikt_kontroll_lss"] = np.broadcast_to(
            np.sum(out["inforandebidrag_lss"] * wl, axis=-1, keepdims=True), shape
        ).copy()
    return out


def inforandebidrag_schema(
    ctx: Ctx,
    bidragsminskning,
    bidragsminskning_lss=None,
    niva: str = KOMMUN,
    befolkning=None,
    befolkning_lss=None,
    max_ar: int = 100,
) -> dict[str, np.ndarray]:
    """The whole phase-in, year 1, 2, … until every bidrag has ended (Bilaga 4 tables 3–5; tabell 11.2–11.4,
    L25395–L25520; SPEC §9). Arrays have a leading year axis (N, …, K); the last year is the first with no bidrag
    at all (tabell 11.2: "År 5 0 0"). Also per year: finansiering (kr/inv, the cost to every unit), antal (units
    with a 13/14 § bidrag), antal_lss and antal_14. Uses :func:`los_inforandebidrag`."""
    rows: list[dict] = []
    for n in range(1, max_ar + 1):
        out = los_inforandebidrag(ctx, bidragsminskning, bidragsminskning_lss, n, niva, befolkning, befolkning_lss)
        rows.append(out)
        if not (np.any(out["inforandebidrag"] > 0) or np.any(out["inforandebidrag_lss"] > 0)):
            break
    else:
        raise IngenLosning(
            f"{INFORANDEBIDRAG}: bidraget betalas fortfarande ut efter {max_ar} år, fast det ska minska med ett "
            "steg varje år tills det upphör"
        )
    keys = (
        "inforandebidrag_13",
        "inforandebidrag_14",
        "inforandebidrag",
        "inforandebidrag_lss",
        "finansiering",
        "finansiering_lss",
    )
    res = {k: np.stack([r[k] for r in rows]) for k in keys}
    res["ar_nr"] = np.arange(1, len(rows) + 1)
    res["antal"] = np.sum(res["inforandebidrag"] > 0, axis=-1)
    res["antal_14"] = np.sum(res["inforandebidrag_14"] > 0, axis=-1)
    res["antal_lss"] = np.sum(res["inforandebidrag_lss"] > 0, axis=-1)
    return res


# ----------------------------------------------------------------------------------------------------------------
# 15–16 §§ — regleringsbidrag / regleringsavgift
# ----------------------------------------------------------------------------------------------------------------
def regleringspost(ctx: Ctx, nettoutfall_kr, anslag_kr, befolkning=None) -> dict[str, np.ndarray]:
    """Regleringsbidrag (+) / regleringsavgift (−), one uniform amount per inhabitant (lag 15–16 §§, L789–L793,
    L803–L807; SPEC §10, OPEN-25), computed separately for kommuner and for regioner (call once per level).

    nettoutfall_kr  per unit, kronor: inkomstutjämningsbidrag − avgift + kostnadsutjämningsbidrag − avgift +
                    eftersläpning + svagt befolkningsunderlag + fast införandebidrag + införandebidrag
                    (the state's outlay is its sum)
    anslag_kr       the anslag for this level (riket input anslag_kommuner_kr / anslag_regioner_kr)
    befolkning      default ``ctx.k[bidrag.regleringspost.befolkning]`` (kommuner); pass the region column for
                    regioner
    R = (anslag − Σ nettoutfall) / Σ P, so Σ (nettoutfall + R·P) = anslag exactly (up to float rounding).
    """
    P = np.asarray(
        ctx.k[ctx.p.raw("bidrag.regleringspost.befolkning")] if befolkning is None else befolkning, dtype="float64"
    )
    netto = np.asarray(nettoutfall_kr, dtype="float64")
    utgift = np.sum(netto, axis=-1, keepdims=True)
    r = (np.asarray(anslag_kr, dtype="float64") - utgift) / np.sum(P, axis=-1, keepdims=True)
    r_kr = r * P
    shape = np.broadcast_shapes(np.shape(r_kr), np.shape(netto))
    return {
        "regleringspost": np.broadcast_to(r, shape).copy(),
        "regleringspost_kr": np.broadcast_to(r_kr, shape).copy(),
        "statens_utgift_fore_reglering_kr": np.broadcast_to(utgift, shape).copy(),
        "statens_nettoutgift_kr": np.broadcast_to(np.sum(netto + r_kr, axis=-1, keepdims=True), shape).copy(),
    }
