"""Befolkningsminskning — new separate delmodell (förordning 2004:881 16 § föreslagen lydelse, L2163–L2167; bilaga
L2561–L2573; tables 6.44–6.45, L15375–L15491; SPEC §3.9, OPEN-14)."""

from __future__ import annotations

import numpy as np

from engine.common import safe_div
from engine.context import Ctx


def intakt_per_invanare(ctx: Ctx, utjamning) -> np.ndarray:
    """Utjämningsårets intäkter från skatter, generella statsbidrag och utjämning per invånare (bilaga L2565–L2573):
    uppräknat skatteunderlag × the kommun's own kommunalskatt 2022 (L2569) per invånare, plus ``utjamning``.
    Per invånare of ``allmant.kostnadsutjamning.befolkning_kronor`` (the population the orchestrator pays the
    utjämning per), so that skatt and utjämning are on the same basis (docs/decisions.md)."""
    pb = ctx.k[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")]
    skatt = safe_div(ctx.k["skatteunderlag_kr"] * ctx.k["kommunalskatt_2022"] / 100.0, pb)
    return skatt + np.asarray(utjamning, dtype="float64")


def overskott_personer(ctx: Ctx) -> np.ndarray:
    """max(0, P[31 dec t−7] − P[31 dec t−2] − 0,02 · P[31 dec t−7]): the decrease beyond the threshold, persons
    (16 § andra stycket, L2165–L2167, L2563; not rounded)."""
    p7 = ctx.k["folkmangd_31dec_t7"]
    return np.maximum(0.0, (p7 - ctx.P) - ctx.p("befolkningsminskning.troskel") * p7)


def befolkningsminskning_komponent(ctx: Ctx, d) -> np.ndarray:
    """Standardkostnad för befolkningsminskning (16 §) for the year's outcome ``d.utfall`` (kr/inv; the fixed point
    of engine/model.py supplies it)."""
    intakt = intakt_per_invanare(ctx, d.utfall)
    return ctx.p("befolkningsminskning.andel_av_intakt") * intakt * safe_div(overskott_personer(ctx), ctx.P)


def befolkningsminskning(ctx: Ctx, utjamning) -> dict[str, np.ndarray]:
    """Standardkostnad för befolkningsminskning (16 §, L2163–L2167; bilaga L2561–L2573), kr/inv:

        minskning  = P[31 dec t−7] − P[31 dec t−2]                       (16 § andra stycket, L2167)
        överskott  = max(0, minskning − 0,02 · P[31 dec t−7])             (persons, not rounded; L2165, L2563)
        SK         = 0,1938 · Intäkt · överskott / P[31 dec t−2]          (19,38 %, L2563)

    ``utjamning`` — per-kommun array (K,) or (S, K), kr per invånare of ``allmant.kostnadsutjamning.befolkning_kronor``:
    "Det sammanlagda utfallet enligt lagen (2004:773) om kommunalekonomisk utjämning avseende aktuellt
    utjämningsår" (L2573), i.e. the sum of inkomstutjämningsbidrag/-avgift, kostnadsutjämningsbidrag/-avgift
    (which contains this delmodell), bidrag för eftersläpning, bidrag för svagt befolkningsunderlag, fast
    införandebidrag, införandebidrag and regleringsbidrag/-avgift for the utjämningsår — not LSS-utjämning (lag
    2008:342). Because the kostnadsutjämning includes this component the orchestrator iterates to a fixed point
    (OPEN-14); the function itself is a plain evaluation for a given ``utjamning``.

    Worked example Sorsele (tables 6.44–6.45): 2 516 → 2 436, överskott 80 − 50,32 = 29,68,
    87 696 × 19,38 % × 29,68 / 2 436 = 207 kr/inv (the printed "× 6 × 5" uses the rounded 30, which would give 209).
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "befolkningsminskning", utfall=utjamning)
