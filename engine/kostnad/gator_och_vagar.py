"""Gator och vägar — new delmodell (förordning 2004:881 15 § föreslagen lydelse, L2095–L2117; bilaga L2533–L2551;
chapter 6.14, tables 6.69–6.72, L19071–L19401; SPEC §3.7, OPEN-12, OPEN-13, OPEN-34)."""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor, wmean
from engine.context import Ctx
from engine.kostnad._infra import i_lista
from engine.kostnad.tillagg import kpif


def grundersattning(ctx: Ctx):
    """Grundersättning (bilaga L2537), kr/inv 2022: 75 % of the RS average net cost for väg- och järnvägsnät,
    parkering excl. capital costs (standardkostnader.gator_och_vagar = 856, L2343), plus the capital cost of
    beläggningsunderhåll (236, 'ligger fast', L19067), less the estimated average winter cost (230, L19083):
    0,75·856 + 236 − 230 = 648 (tabell 6.69, L19077–L19083; OPEN-34)."""
    q = "gator_och_vagar.grundersattning."
    return (
        ctx.p(q + "andel_rs") * ctx.p("standardkostnader.gator_och_vagar")
        + ctx.p(q + "kapitalkostnad_underhall")
        - ctx.p(q + "vinterkostnad_avdrag")
    )


def vinterzon_belopp(ctx: Ctx):
    """Tillägg för vinterväghållning before the trafikindex (bilaga L2541–L2551), kr/inv 2022 per kommun:
    500 in Jämtlands, Västerbottens, Norrbottens län; 300 (OPEN-12, alternativ 350) in Värmlands, Dalarnas,
    Gävleborgs, Västernorrlands län and Tierp, Älvkarleby, Östhammar; 200 elsewhere."""
    q = "gator_och_vagar.vinter."
    zon_c = i_lista(ctx.lan_kod, ctx.p.raw(q + "zon_c_lan"))
    zon_b = ~zon_c & (
        i_lista(ctx.lan_kod, ctx.p.raw(q + "zon_b_lan")) | i_lista(ctx.kommun_kod, ctx.p.raw(q + "zon_b_kommuner"))
    )
    return np.where(
        zon_c, ctx.p(q + "belopp_zon_c"), np.where(zon_b, ctx.p(q + "belopp_zon_b"), ctx.p(q + "belopp_zon_a"))
    )


def _normalisering(ctx: Ctx) -> str:
    modell = ctx.p.raw("gator_och_vagar.normalisering")
    if modell not in ("korrigeringsfaktor", "ingen"):
        raise ValueError(f"gator_och_vagar.normalisering ska vara 'korrigeringsfaktor' eller 'ingen', inte {modell!r}")
    return modell


def _vinter_trafikindex(ctx: Ctx) -> np.ndarray:
    """The trafikindex where it exceeds the threshold, else 1 (bilaga L2549)."""
    ti = ctx.idx.k("trafik")
    return np.where(ti > ctx.p("gator_och_vagar.vinter.trafikindex_troskel"), ti, 1.0)


def korrigeringsfaktorer(ctx: Ctx) -> tuple[np.ndarray, np.ndarray]:
    """(K_trafik, K_vinter) of OPEN-13: 1/wmean(TI) and wmean(W)/wmean(W·TI), weighted with P 31 dec t−2 —
    tabell 6.71 row K (0,913) and tabell 6.72 row E (0,92)."""
    w = vinterzon_belopp(ctx)
    return (
        korrigeringsfaktor(ctx.idx.k("trafik"), 1.0, ctx.P),
        korrigeringsfaktor(w * _vinter_trafikindex(ctx), wmean(w, ctx.P), ctx.P),
    )


def trafikbelastning(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för trafikbelastning (bilaga L2537): TI · grundersättning, normalised (OPEN-13) and uprated with KPIF,
    kr/inv."""
    ti = ctx.idx.k("trafik")
    trafik = ti * grundersattning(ctx)
    if _normalisering(ctx) == "korrigeringsfaktor":
        trafik = trafik * korrigeringsfaktor(ti, 1.0, ctx.P)
    return trafik * kpif(ctx)


def vintervaghallning(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för vinterväghållning (bilaga L2541–L2551): W(zon) · TI where TI > 1, else W, normalised (OPEN-13) and
    uprated with KPIF, kr/inv."""
    w = vinterzon_belopp(ctx)
    ti_vinter = _vinter_trafikindex(ctx)
    vinter = w * ti_vinter
    if _normalisering(ctx) == "korrigeringsfaktor":
        vinter = vinter * korrigeringsfaktor(w * ti_vinter, wmean(w, ctx.P), ctx.P)
    return vinter * kpif(ctx)


def gator_och_vagar(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för gator och vägar (15 §, L2095–L2117): tillägg för vinterväghållning + tillägg för
    trafikbelastning, kr/inv in the utjämningsår's prices.

    * trafikbelastning = TI · grundersättning (bilaga L2537; TI = fasta index ``trafik``, ≥ 1),
    * vinterväghållning = W(zon) · TI where TI > 1, else W (bilaga L2549),
    * normalisering (OPEN-13, ``gator_och_vagar.normalisering``): with ``korrigeringsfaktor`` (default) each part is
      multiplied by the factor that makes its mean, weighted with P 31 dec t−2, equal to its mean without the index —
      1/wmean(TI) for trafikbelastning ("Justering mot genomsnitt 648 (0,913)", tabell 6.71 row K, L19345) and
      wmean(W)/wmean(W·TI) for vinterväghållning ("inkl. just 0,92", tabell 6.72 row E, L19383). This reproduces the
      printed 0,913 and 0,92 and the delmodell mean 648 + 230 = 878 (L19077–L19083). ``ingen`` = the bilaga literally.
    * KPIF uprating t−1, t (bilaga L2349–L2351).

    Worked example (tabell 6.72, L19357–L19401): Stockholm 648·1,466·0,913 = 867 + 200·1,466·0,92 = 270 → 1 137 →
    KPIF 1 237; Sorsele 591 + 460 = 1 051 → 1 145; riket 954.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "gator_och_vagar")
