"""Inkomstutjämning for kommuner and regioner (lag 2004:773 3–7 §§; förordning 2004:881 2–3 §§; SPEC §2).

    MSK   = Σ SU / P_riket[1 nov t−1]                                   uppräknad medelskattekraft (3 §, L593)
    SEU_k = MSK · P_k[1 nov t−1] · garantinivå                          skatteutjämningsunderlag (3 §, L595; 4 §, L615)
    bidrag_k = (SEU_k − SU_k) · s_bidrag(län) / 100   if SEU_k > SU_k   (5 §)
    avgift_k = (SU_k − SEU_k) · s_avgift(län) / 100   otherwise         (6 §)

Regions: the tax base and population of a region are the sums over its län's kommuner (the same tax base is
taxed by kommun and region). Gotland, a kommun outside a region, gets the kommun and the region part with the
rates "Kommun som inte ingår i en region" (L1219–L1221, L1403–L1405). Worked example: table 5.2 (L7525–L7567),
Eda 110 940 × 19,97 % = 22 155 kr/inv.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.common import safe_div
from engine.context import Ctx
from engine.register import Skattesatser


def lansvisa_skattesatser(ctx: Ctx, kolumn: str | None = None) -> pd.DataFrame:
    """Länsvisa skattesatser (percent) per region code — columns kommun_bidrag, region_bidrag, kommun_avgift,
    region_avgift — of förordning 2004:881 2–3 §§: the table ``kolumn`` (a column prefix of the shipped table, e.g.
    the t−1 rates of the eftersläpning), or for the utjämningsår (``kolumn`` None) the user's table in the inputs
    where the rule set takes the rates of the year from there (``inkomstutjamning.skattesatser_indata``: the current
    rules, whose rates the förordning sets anew at every skatteväxling), else the rule set's
    ``inkomstutjamning.skattesatser_kolumn``."""
    if kolumn is not None:
        return ctx.skattesatser[kolumn]
    if Skattesatser.INDATA in ctx.skattesatser:
        if ctx.p.raw("inkomstutjamning.skattesatser_indata"):
            return ctx.skattesatser[Skattesatser.INDATA]
        note = (
            f"Inkomstutjämning: indatatabellen lansvisa_skattesatser används inte — regelverk {ctx.p.namn} har egna "
            "länsvisa skattesatser (förordning 2004:881 2–3 §§ föreslagen lydelse; SOU 2024:50 s. 50–52)"
        )
        if note not in ctx.notes:
            ctx.notes.append(note)
    return ctx.skattesatser[ctx.p.raw("inkomstutjamning.skattesatser_kolumn")]


def inkomstutjamning_belopp(skatteunderlag, befolkning, medelskattekraft, garantiniva, s_bidrag, s_avgift):
    """Bidrag (+) or avgift (−) in kronor for each unit: (SEU − SU) · länsvis skattesats / 100 (5–6 §§)."""
    seu = medelskattekraft * np.asarray(befolkning, dtype="float64") * garantiniva
    diff = seu - np.asarray(skatteunderlag, dtype="float64")
    sats = np.where(diff > 0, s_bidrag, s_avgift)
    return diff * sats / 100.0, seu


def inkomstutjamning(ctx: Ctx) -> dict[str, np.ndarray]:
    """Inkomstutjämningsbidrag/-avgift per kommun (lag 3–7 §§; SPEC §2), kr/inv and kr."""
    return _inkomstutjamning(ctx, "kommun")


def inkomstutjamning_region(ctx: Ctx) -> dict[str, np.ndarray]:
    """Inkomstutjämningsbidrag/-avgift per region (lag 3–7 §§; SPEC §2), kr/inv and kr. Gotland's row is the
    regional part of the kommun outside a region."""
    return _inkomstutjamning(ctx, "region")


def _inkomstutjamning(ctx: Ctx, niva: str) -> dict[str, np.ndarray]:
    su_k, p_k = ctx.k["skatteunderlag_kr"], ctx.k["folkmangd_1nov_t1"]
    msk = np.sum(su_k) / np.sum(p_k)  # uppräknad medelskattekraft (L593)
    satser = lansvisa_skattesatser(ctx)
    if niva == "kommun":
        su, p = su_k, p_k
        lan_rows = satser.loc[ctx.region_kod].iloc[ctx.kommun_lan]
        s_b, s_a = lan_rows["kommun_bidrag"].to_numpy(), lan_rows["kommun_avgift"].to_numpy()
    else:
        su, p = ctx.r["skatteunderlag_kr"], ctx.r["folkmangd_1nov_t1"]
        rows = satser.loc[ctx.region_kod]
        s_b, s_a = rows["region_bidrag"].to_numpy(), rows["region_avgift"].to_numpy()
    kr, seu = inkomstutjamning_belopp(su, p, msk, ctx.p("inkomstutjamning.garantiniva"), s_b, s_a)
    skattekraft = safe_div(su, p)
    return {
        "skattekraft_kr_per_inv": np.broadcast_to(skattekraft, np.shape(kr)),
        "garanterad_skattekraft_kr_per_inv": safe_div(seu, p),
        "lansvis_skattesats_procent": np.where(kr > 0, s_b, s_a),
        "inkomstutjamning": safe_div(kr, p),
        "inkomstutjamning_kr": kr,
    }
