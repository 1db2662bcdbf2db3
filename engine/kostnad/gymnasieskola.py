"""Delmodell 3: gymnasieskola (förordning 2004:881 8–8 g §§; SPEC §3.3)."""

from __future__ import annotations

import numpy as np

from engine.common import safe_div, wmean
from engine.context import Ctx
from engine.kostnad.forskola import (
    administration_brutto,
    aldersersattningar,
    antal,
    befolkningsforandringar,
    gles_brutto,
    socioekonomiskt_index,
)
from engine.kostnad.tillagg import kpif


def programkostnad_per_invanare(ctx: Ctx) -> np.ndarray:
    """Programvalsfaktorns första steg (bilaga L2431): Σ_program elever · riksgenomsnittlig kostnad per elev, divided
    by the kommun's inhabitants (input ``gy_programkostnad_kr``), KPIF t−1, t when ``programval_kpif``. Also "den
    genomsnittliga programkostnaden per invånare" of 8 e § (L1763)."""
    ctx.p("gymnasieskola.programval_modell")  # the current rules' variant is not in the seeds
    f = kpif(ctx) if ctx.p.raw("gymnasieskola.programval_kpif") else 1.0
    return safe_div(ctx.k["gy_programkostnad_kr"], ctx.P) * f


def programvalsfaktor(ctx: Ctx) -> np.ndarray:
    """Tillägg eller avdrag för programval (8 c §, L1711–L1713; bilaga L2429–L2437): steg 1 − steg 2, where steg 2 =
    the riket's weighted average cost per student (Σ programkostnad / Σ elever) × the kommun's students / P_k.
    Σ_k (steg 1 − steg 2)·P_k = 0 by construction, so the law needs no invånarbaserat avdrag here."""
    steg1 = programkostnad_per_invanare(ctx)
    elever = ctx.k["gy_elever"]
    snitt = np.sum(steg1 * ctx.P, axis=-1, keepdims=True) / np.sum(elever)
    return steg1 - snitt * safe_div(elever, ctx.P)


def grund(ctx: Ctx) -> dict[str, np.ndarray]:
    """The åldersersättning (8 a §), which the tillägg are proportional to."""
    return {"aldersersattning": sum(aldersersattningar(ctx, "gymnasieskola").values())}


def aldersersattning(ctx: Ctx, d) -> np.ndarray:
    """Åldersersättning (8 § 1, 8 a §, not reproduced): andel 16–18-åringar × kostnad per 16–18-åring, kr/inv;
    no avdrag."""
    return d.grund["aldersersattning"]


def gles_bebyggelse(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för gles bebyggelsestruktur (8 § 2, 8 b §, OPEN-5): (glesbygd_gymnasieskola − 1) · AE,
    before the avdrag."""
    return gles_brutto(ctx, "glesbygd_gymnasieskola", d.grund["aldersersattning"])


def programval(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för programval (8 § 3, 8 c §): the programvalsfaktor, which nets to zero (no avdrag)."""
    return programvalsfaktor(ctx)


def socioekonomi(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för socioekonomiska skillnader (8 § 5, 8 e § föreslagen lydelse, L1745–L1749; bilaga
    L2451–L2467): (0,0269671 + 0,0007004 · SEI · skala) · programkostnad per invånare, before the avdrag; SEI over
    ungdomar 16–20 år; skala = 100 (OPEN-10)."""
    n = "gymnasieskola"
    sei = socioekonomiskt_index(ctx, ctx.p.raw(f"{n}.socioekonomi_variabler"), antal(ctx, "16_20"))
    andel = ctx.p(f"{n}.socioekonomi_konstant") + ctx.p(f"{n}.socioekonomi_lutning") * sei * ctx.p(
        f"{n}.socioekonomi_index_skala"
    )
    return andel * programkostnad_per_invanare(ctx)


def gymnasiefrekvens(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för gymnasiefrekvens (8 § 6, 8 f §, L1769–L1771): (GF_k − GF_riket) · 2/3 · AE, before
    the avdrag; GF_riket weighted by 16–18-åringar."""
    gf = ctx.k["gymnasiefrekvens"]
    return (
        (gf - wmean(gf, antal(ctx, "16_18")))
        * ctx.p("gymnasieskola.gymnasiefrekvens_andel")
        * d.grund["aldersersattning"]
    )


def overgripande_administration(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för övergripande administration (8 § 7, 8 g § föreslagen lydelse, L1777–L1783):
    0,138 · AE · (AI − 1) · 0,747, before the avdrag."""
    return administration_brutto(ctx, "gymnasieskola", d.grund["aldersersattning"])


def befolkningsforandringar_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för förändringar av antalet ungdomar 16–18 år (8 § 5, 8 e § nuvarande lydelse, L1739–L1761), before
    the avdrag (:func:`engine.kostnad.forskola.befolkningsforandringar`)."""
    return befolkningsforandringar(ctx, d.delmodell)


def gymnasieskola(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för gymnasieskola, kr/inv (förordning 8 § 1–7, L1663–L1699; 8 c–8 g §§, L1701–L1785;
    bilaga L2423–L2467; SPEC §3.3; current rules SPEC §14).

    * aldersersattning (8 a §, not reproduced): andel 16–18-åringar × kostnad per 16–18-åring (4 377 kr/inv, KPIF).
    * gles_bebyggelse (8 b §, OPEN-5): (glesbygd_gymnasieskola − 1) · AE, avdrag.
    * programval (8 c §): programvalsfaktorn, nets to zero (no avdrag).
    * strukturellt_lonelage (8 d §): JL = (items 1–3 + 5–7) · 0,747 (current 0,678, items 1–3).
    * socioekonomi (8 e §, L1745–L1749; bilaga L2451–L2467): (0,0269671 + 0,0007004 · SEI · skala) · steg 1, avdrag;
      SEI over ungdomar 16–20 år; skala = 100 (OPEN-10).
    * gymnasiefrekvens (8 f §, L1769–L1771): (GF_k − GF_riket) · 2/3 · AE, avdrag; GF_riket weighted by 16–18-åringar.
    * overgripande_administration (8 g §, L1777–L1783): 0,138 · AE · (AI − 1) · 0,747, avdrag.
    * befolkningsforandringar (8 e § current, L1739–L1761): 15 600 kr (2016) per ungdom beyond 2 pp, avdrag.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "gymnasieskola")
