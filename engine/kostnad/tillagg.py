"""Tillägg shared by several delmodeller (SPEC §3.0): strukturellt löneläge, övergripande administration and
gles bebyggelsestruktur. Each returns kr/inv *after* the invånarbaserat avdrag.
"""
from __future__ import annotations

import numpy as np

from engine.common import invanarbaserat_avdrag
from engine.context import Ctx


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


def overgripande_administration(ctx: Ctx, bas, lonekostnadsandel=1.0):
    """Tillägg för övergripande administration (6 g §, 7 f §, 8 g §, 9 d §, 14 g §; LSS 6 a §; SPEC §3.0(b)).

    g = 0,138 · bas · (AI − 1) · lönekostnadsandel, then the invånarbaserat avdrag. AI = fasta index
    ``administration`` (floored at 1 in the table, so the component is asymmetric).
    """
    andel = ctx.p("tillagg.administration_andel")
    ai = ctx.idx.k("administration")
    g = andel * np.asarray(bas) * (ai - 1.0) * lonekostnadsandel
    return invanarbaserat_avdrag(g, ctx.P)


def gles_bebyggelsestruktur(ctx: Ctx, index_kolumn: str, aldersersattning):
    """Tillägg för gles bebyggelsestruktur (6 e §, 7 c §, 8 b §, 14 c §; L2025–L2037; SPEC §3.0(c), OPEN-5).

    g = (GI − 1) · AE (14 c §: "GI · AE − AE"), then the invånarbaserat avdrag. GI = the fasta index column.
    """
    gi = ctx.idx.k(index_kolumn)
    g = (gi - 1.0) * np.asarray(aldersersattning)
    return invanarbaserat_avdrag(g, ctx.P)
