"""Fastigheter — new delmodell (förordning 2004:881 18–20 §§ föreslagen lydelse, L2175–L2243; bilaga L2575–L2587;
SPEC §3.10, OPEN-15, OPEN-16)."""

from __future__ import annotations

import numpy as np

from engine.context import Ctx
from engine.kostnad.tillagg import kpif


def uppvarmning(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för uppvärmning (19 §, L2205–L2215): UI·SC_u − SC_u, SC_u = 300 kr (L2343) × KPIF."""
    sc_u = ctx.p("standardkostnader.fastigheter_uppvarmning") * kpif(ctx)
    ui = ctx.idx.k("uppvarmningsindex")
    return ui * sc_u - sc_u


def byggnation(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för byggnation (20 §, L2239–L2243): (BI/100)·SC_b − SC_b, SC_b = 3 150 kr (L2343) ×
    KPIF; BI printed on base 100 (``fastigheter.byggnationsindex_skala``, OPEN-16)."""
    sc_b = ctx.p("standardkostnader.fastigheter_byggnation") * kpif(ctx)
    bi = ctx.idx.k("byggnation") / ctx.p("fastigheter.byggnationsindex_skala")
    return bi * sc_b - sc_b


def fastigheter(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för fastigheter (18 §, L2181–L2187) = tillägg/avdrag för uppvärmning + för byggnation, kr/inv.

    * uppvärmning (19 §, L2205–L2215; "18 a § 1" read as 18 § 1, OPEN-15): UI·SC_u − SC_u, UI = fasta index
      ``uppvarmningsindex`` (L2579), SC_u = 300 (L2343);
    * byggnation (20 §, L2239–L2243; "18 a § 2" read as 18 § 2): (BI/100)·SC_b − SC_b, BI = fasta index
      ``byggnation`` printed on base 100 (``fastigheter.byggnationsindex_skala``, OPEN-16), SC_b = 3 150 (L2343);
    * both uprated with KPIF t−1, t (L2349–L2351). No korrigeringsfaktor or invånarbaserat avdrag is stated: the
      weighted means are only approximately zero (L16771, L17455) and a uniform shift cancels in the KU.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "fastigheter")
