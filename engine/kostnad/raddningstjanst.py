"""Räddningstjänst — new delmodell (förordning 2004:881 15 a § föreslagen lydelse, L2121–L2135; bilaga L2557–L2559;
tabell 6.78, L20029–L20085; SPEC §3.8)."""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor
from engine.context import Ctx
from engine.kostnad.tillagg import genomsnittlig_standardkostnad


def korrigeringsfaktor_raddningstjanst(ctx: Ctx) -> np.ndarray:
    """K = SC / wmean(RI·SC) = 1 / wmean(RI), weighted with P 31 dec t−2 (L2127–L2129; tabell 6.78: 0,9736)."""
    sc = genomsnittlig_standardkostnad(ctx, "raddningstjanst")
    return korrigeringsfaktor(ctx.idx.k("raddningstjanst") * sc, sc, ctx.P)


def raddningstjanst_komponent(ctx: Ctx, d) -> np.ndarray:
    """Standardkostnad för räddningstjänst (15 a §): RI × SC × K, kr/inv (:func:`raddningstjanst`)."""
    sc = genomsnittlig_standardkostnad(ctx, "raddningstjanst")
    return ctx.idx.k("raddningstjanst") * sc * korrigeringsfaktor_raddningstjanst(ctx)


def raddningstjanst(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för räddningstjänst (15 a §): merkostnadsindex RI (fasta index ``raddningstjanst``,
    L2559) × genomsnittlig standardkostnad SC (831 kr 2022, L2343, KPIF t−1, t: L2349–L2351) × korrigeringsfaktor K,
    K such that the standardkostnader weighted with the population 31 dec t−2 average SC (L2127–L2129):
    K = SC / wmean(RI·SC) = 1 / wmean(RI).

    Worked example (tabell 6.78): Övertorneå 1,748 × 831 × 0,9736 = 1 414 → KPIF 1 539 → +635 vs riket 904.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "raddningstjanst")
