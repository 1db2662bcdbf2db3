"""Kommunal vuxenutbildning (förordning 2004:881 10–13 a §§; 10 § L1909–L1925; SPEC §3.5).

11–13 a §§ are not reproduced in the seed (OPEN-5); the formula is the one of table 6.16 (L12377–L12393, the
2024 example Botkyrka) and L12355–L12373:

    c_d     = SC_d·F · P_riket / Σ_k M_d,k              cost per person of target group d (one step: national
                                                       enrolment rate × cost per student), so Σ SK_d·P / Σ P = SC_d·F
    SK_d,k  = M_d,k · c_d / P_k                         d ∈ grundläggande, gymnasial, sfi (10 § p. 1–3)
    FF_k    = (FF_riket / FF_k − 1) · Σ_d SK_d,k        tillägg/avdrag för förvärvsfrekvens (10 § p. 4, L12393)
    SK_k    = Σ_d SK_d,k + FF_k

FF_riket = the mean of the kommuner's förvärvsfrekvens weighted with ``komvux.forvarvsfrekvens_riket_vikt``
(bef_19_64). The two rule sets differ only in the definition of the input ``forvarvsfrekvens``: the proposal
includes cross-border commuters (L1923–L1925), the current rules do not (``komvux.indata_definition_forvarvsfrekvens``).
"""

from __future__ import annotations

import numpy as np

from engine.common import kostnad_per_person, safe_div, wmean
from engine.context import Ctx
from engine.kostnad.tillagg import genomsnittlig_standardkostnad

#: 10 § p. 1–3: verksamhet → (standardkostnad leaf, target-group input) (L12355–L12373).
MALGRUPPER = {
    "grundlaggande": ("komvux_grundlaggande", "komvux_malgrupp_grundlaggande"),
    "gymnasial": ("komvux_gymnasial", "komvux_malgrupp_gymnasial"),
    "sfi": ("komvux_sfi", "komvux_malgrupp_sfi"),
}


def malgruppskostnad(ctx: Ctx, verksamhet: str) -> np.ndarray:
    """Kostnad för behov av vuxenutbildning (10 § p. 1–3): target group × national cost per person / P, kr/inv."""
    sc_namn, malgrupp = MALGRUPPER[verksamhet]
    sc = genomsnittlig_standardkostnad(ctx, f"{sc_namn}")
    m = ctx.k[malgrupp]
    c = kostnad_per_person(sc, np.sum(ctx.P, axis=-1, keepdims=True), np.sum(m, axis=-1, keepdims=True))
    return safe_div(m * c, ctx.P)


def forvarvsfrekvens(ctx: Ctx, summa_malgrupper) -> np.ndarray:
    """Tillägg eller avdrag för förvärvsfrekvens (10 § p. 4, L1919–L1925; table 6.16 Anm., L12393), kr/inv:
    (FF_riket / FF_k − 1) · Σ_d SK_d,k. No invånarbaserat avdrag (none is prescribed)."""
    ff = ctx.k["forvarvsfrekvens"]
    ff_riket = wmean(ff, ctx.k[ctx.p.raw("komvux.forvarvsfrekvens_riket_vikt")])
    return (ff_riket / ff - 1.0) * summa_malgrupper


def grundlaggande(ctx: Ctx, d) -> np.ndarray:
    """Kostnad för behov av vuxenutbildning på grundläggande nivå (10 § 1), kr/inv."""
    return malgruppskostnad(ctx, "grundlaggande")


def gymnasial(ctx: Ctx, d) -> np.ndarray:
    """Kostnad för behov av vuxenutbildning på gymnasial nivå (10 § 2), kr/inv."""
    return malgruppskostnad(ctx, "gymnasial")


def sfi(ctx: Ctx, d) -> np.ndarray:
    """Kostnad för behov av utbildning i svenska för invandrare (10 § 3), kr/inv."""
    return malgruppskostnad(ctx, "sfi")


def forvarvsfrekvens_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för förvärvsfrekvens (10 § 4) on the sum of the three target groups' costs."""
    return forvarvsfrekvens(ctx, d.netto["grundlaggande"] + d.netto["gymnasial"] + d.netto["sfi"])


def komvux(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för kommunal vuxenutbildning (förordning 10 §, L1909–L1925; SPEC §3.5), kr/inv.

    Components ``grundlaggande``, ``gymnasial``, ``sfi``, ``forvarvsfrekvens``, ``standardkostnad``.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "komvux")
