"""Delmodell 2: förskoleklass och grundskola (förordning 2004:881 7–7 f §§; SPEC §3.2)."""

from __future__ import annotations

import numpy as np

from engine.common import safe_div
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


def modersmal_kostnad_per_barn(ctx: Ctx) -> float:
    """Genomsnittlig kostnad för modersmålsundervisning och svenska som andraspråk per barn (bilaga L2389–L2397;
    current 002:L164–L172): lärarlön per månad [t−2] · (1 + 39,25 % lönekostnadspålägg) · 12 · heltidstjänster
    [läsår HT t−2/VT t−1] / N_riket, where N_riket is the number of children 7–15 med utländsk bakgrund (proposal,
    the sum of the kommun variable) or the number of participating pupils (current rules, a riket input) —
    ``grundskola.modersmal_namnare``. Uprated with KPIF t−1, t when ``grundskola.modersmal_kpif``."""
    n = "grundskola"
    namnare = ctx.p.raw(f"{n}.modersmal_namnare")
    antal_riket = np.sum(ctx.k[namnare]) if namnare in ctx.k else ctx.riket[namnare]
    lon = ctx.riket["modersmal_larlon_manad"] * (1.0 + ctx.p(f"{n}.modersmal_lonekostnadspalagg"))
    c = lon * ctx.p(f"{n}.modersmal_manader") * ctx.riket["modersmal_heltidstjanster"] / antal_riket
    return c * (kpif(ctx) if ctx.p.raw(f"{n}.modersmal_kpif") else 1.0)


def grund(ctx: Ctx) -> dict[str, np.ndarray]:
    """The åldersersättning (7 a §), which the tillägg are proportional to."""
    return {"aldersersattning": sum(aldersersattningar(ctx, "grundskola").values())}


def aldersersattning(ctx: Ctx, d) -> np.ndarray:
    """Åldersersättning (7 § 1, 7 a §, text not printed, OPEN-7): andel 6-åringar × kostnad per barn i förskoleklass
    + andel 7–15-åringar × kostnad per elev i grundskolan, kr/inv; no avdrag."""
    return d.grund["aldersersattning"]


def modersmal(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för modersmålsundervisning och svenska som andraspråk (7 § 2, 7 b §, L1587–L1593): N_k(7–15
    utländsk bakgrund)/P_k · kostnad per barn, before the avdrag."""
    return safe_div(ctx.k["utlandsk_bakgrund_7_15"], ctx.P) * modersmal_kostnad_per_barn(ctx)


def gles_bebyggelse(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för gles bebyggelsestruktur (7 § 3, 7 c §, OPEN-5): (glesbygd_grundskola − 1) · AE,
    before the avdrag."""
    return gles_brutto(ctx, "glesbygd_grundskola", d.grund["aldersersattning"])


def socioekonomi(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för socioekonomiska skillnader (7 § 5, 7 e § föreslagen lydelse, L1633–L1637):
    0,05 · AE · (SEI 6–15 år − 1), before the avdrag."""
    n = "grundskola"
    sei = socioekonomiskt_index(ctx, ctx.p.raw(f"{n}.socioekonomi_variabler"), antal(ctx, "6_15"))
    return (
        ctx.p(f"{n}.socioekonomi_andel") * d.grund["aldersersattning"] * (sei - ctx.p(f"{n}.socioekonomi_index_avdrag"))
    )


def overgripande_administration(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för övergripande administration (7 § 6, 7 f § föreslagen lydelse, L1655): 0,138 · AE ·
    (AI − 1) · lönekostnadsandel, before the avdrag."""
    return administration_brutto(ctx, "grundskola", d.grund["aldersersattning"])


def befolkningsforandringar_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för förändringar av antalet barn 6–15 år (7 § 5, 7 e § nuvarande lydelse, L1629–L1651), before the
    avdrag (:func:`engine.kostnad.forskola.befolkningsforandringar`)."""
    return befolkningsforandringar(ctx, d.delmodell)


def grundskola(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för förskoleklass och grundskola, kr/inv (förordning 7 § 1–6, L1539–L1571; 7 a–7 f §§,
    L1579–L1661; bilaga L2383–L2421; SPEC §3.2; current rules SPEC §14).

    * aldersersattning (7 a §, text not printed, OPEN-7): andel 6-åringar × kostnad per barn i förskoleklass +
      andel 7–15-åringar × kostnad per elev i grundskolan (standardkostnader 765 / 12 251 kr/inv 2022, KPIF).
    * modersmal (7 b §, L1587–L1593): N_k(7–15 utländsk bakgrund)/P_k · kostnad per barn, then the avdrag.
    * gles_bebyggelse (7 c §, OPEN-5): (glesbygd_grundskola − 1) · AE, avdrag (current: småskolor/skolskjuts index).
    * strukturellt_lonelage (7 d §): JL = (items 1–3 + 5–6) · lönekostnadsandel (0,771, OPEN-8; current 0,688).
    * socioekonomi (7 e §, L1633–L1637): 0,05 · AE · (SEI_6–15 − 1), avdrag.
    * overgripande_administration (7 f §, L1655): 0,138 · AE · (AI − 1) · lönekostnadsandel, avdrag.
    * befolkningsforandringar (7 e § current, L1629–L1651): 15 600 kr (2016) per child 6–15 beyond 2 pp, avdrag.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "grundskola")
