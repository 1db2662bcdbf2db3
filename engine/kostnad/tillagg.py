"""Tillägg shared by several delmodeller (SPEC §3.0): strukturellt löneläge, övergripande administration and
gles bebyggelsestruktur (gross, and net of the invånarbaserat avdrag), and the strukturellt löneläge as the
registered component of every delmodell with a justerad lönekostnad (:func:`strukturellt_lonelage_komponent`).
"""

from __future__ import annotations

import numpy as np

from engine.common import invanarbaserat_avdrag, kpif_faktor
from engine.context import Ctx
from engine.sammanfattning import KOMPONENT_NAMN


def kpif(ctx: Ctx):
    """The KPIF uprating factor to the utjämningsår, KPIF t−1 and t (bilaga L2349–L2351; SPEC §0)."""
    return kpif_faktor(ctx.p("allmant.kpif"), ctx.ar)


def genomsnittlig_standardkostnad(ctx: Ctx, verksamhet: str):
    """The genomsnittlig standardkostnad of ``verksamhet`` (kr/inv, bilaga L2331–L2345, 2022 level) uprated to the
    utjämningsår with KPIF (L2349–L2351)."""
    return ctx.p(f"standardkostnader.{verksamhet}") * kpif(ctx)


def strukturellt_lonelage(ctx: Ctx, justerad_lonekostnad, loneindex=None, befolkning=None):
    """Tillägg för strukturellt löneläge (6 f §, 7 d §, 8 d §, 9 c §, 14 f §; L1489–L1507 …; SPEC §3.0(a)).

    g = max(0, LI − 100) · JL / 100, then the invånarbaserat avdrag. ``justerad_lonekostnad`` is the sum of the
    listed components × lönekostnadsandel (the caller knows the delmodell's list and share). LI is the fasta
    index ``loneindex`` unless given (regions pass theirs).
    """
    li = ctx.idx.k("loneindex") if loneindex is None else loneindex
    troskel = ctx.p("tillagg.loneindex_troskel")
    g = np.maximum(0.0, li - troskel) * np.asarray(justerad_lonekostnad) / 100.0
    return invanarbaserat_avdrag(g, ctx.P if befolkning is None else befolkning)


def overgripande_administration_brutto(ctx: Ctx, bas, lonekostnadsandel=1.0):
    """Tillägg för övergripande administration before the avdrag (6 g §, 7 f §, 8 g §, 9 d §, 14 g §; LSS 6 a §;
    SPEC §3.0(b)): g = 0,138 · bas · (AI − 1) · lönekostnadsandel. AI = fasta index ``administration`` (floored
    at 1 in the table, so the component is asymmetric)."""
    return (
        ctx.p("tillagg.administration_andel")
        * np.asarray(bas)
        * (ctx.idx.k("administration") - 1.0)
        * lonekostnadsandel
    )


def overgripande_administration(ctx: Ctx, bas, lonekostnadsandel=1.0):
    """:func:`overgripande_administration_brutto` less the invånarbaserat avdrag."""
    return invanarbaserat_avdrag(overgripande_administration_brutto(ctx, bas, lonekostnadsandel), ctx.P)


def gles_bebyggelsestruktur_brutto(ctx: Ctx, index_kolumn: str, aldersersattning):
    """Tillägg för gles bebyggelsestruktur before the avdrag (6 e §, 7 c §, 8 b §, 14 c §; L2025–L2037;
    SPEC §3.0(c), OPEN-5): g = (GI − 1) · AE (14 c §: "GI · AE − AE"), GI = the fasta index column."""
    return (ctx.idx.k(index_kolumn) - 1.0) * np.asarray(aldersersattning)


def gles_bebyggelsestruktur(ctx: Ctx, index_kolumn: str, aldersersattning):
    """:func:`gles_bebyggelsestruktur_brutto` less the invånarbaserat avdrag."""
    return invanarbaserat_avdrag(gles_bebyggelsestruktur_brutto(ctx, index_kolumn, aldersersattning), ctx.P)


def strukturellt_lonelage_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för strukturellt löneläge of a school delmodell or äldreomsorg (6 f §, 7 d §, 8 d §, 14 f §;
    SPEC §3.0(a)), after its invånarbaserat avdrag: the justerad lönekostnad is the sum of the components in
    ``<delmodell>.lonelage_underlag`` — after or before their avdrag (OPEN-4, ``lonelage_underlag_steg``) — times
    the delmodell's lönekostnadsandel. If one of them is not available, neither is this tillägg."""
    namn = d.delmodell
    bas = d.netto if ctx.p.raw(f"{namn}.lonelage_underlag_steg") == "efter_iba" else d.brutto
    underlag = list(ctx.p.raw(f"{namn}.lonelage_underlag"))
    saknas = [c for c in underlag if np.isnan(bas[c]).all()]
    if saknas:  # the justerad lönekostnad needs components the rule set does not give
        delar = [KOMPONENT_NAMN.get(c, c.replace("_", " ")) for c in saknas]
        return ctx.ej_tillganglig(
            f"{namn}.strukturellt_lonelage",
            f"den justerade lönekostnaden summerar {', '.join(delar)}, som inte är tillgängliga (se ovan)",
        )
    jl = sum(bas[c] for c in underlag) * ctx.p(f"{namn}.lonekostnadsandel")
    return strukturellt_lonelage(ctx, jl)
