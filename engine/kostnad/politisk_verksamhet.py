"""Politisk verksamhet — new delmodell (förordning 2004:881 20 a § föreslagen lydelse, L2253–L2263; bilaga
L2589–L2599; tabell 6.60, L17981–L18023; SPEC §3.11, OPEN-17, GLESHET.md §6.5)."""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor
from engine.context import Ctx
from engine.kostnad.tillagg import genomsnittlig_standardkostnad


def modellvarde_och_index(p, befolkning, medeldistans_3000_km) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(MV, MI, under tröskeln) of the bilaga to förordning 2004:881 20 a § föreslagen lydelse (L2591–L2599;
    SOU 2024:50 s. 515) for the rule set ``p``, a population P and the frozen medeldistans MD3000 (km).

    MV = 2 355,5331 − 153,2238·ln(P) + 11,59168·MD3000. MI = 1 below the threshold (``troskel_lasning``:
    ``bilaga`` MD3000 < 6,72 km, L2597; ``kapitel`` MV < the typkommun's 1 018, tabell 6.60), otherwise MV / the
    arithmetic mean of every kommun's MV (L2597); the last axis is the kommuner (scenario batches). The engine
    (:func:`merkostnadsindex`) and `utjamning index` (pipelines/index_model.py) both compute it here."""
    q = "politisk_verksamhet."
    p_ = np.asarray(befolkning, dtype="float64")
    md = np.asarray(medeldistans_3000_km, dtype="float64")
    mv = (
        p(q + "modell.konstant")
        + p(q + "modell.koef_ln_befolkning") * np.log(p_)
        + p(q + "modell.koef_medeldistans") * md
    )
    lasning = p.raw(q + "troskel_lasning")
    if lasning == "bilaga":
        under = md < p(q + "troskel_medeldistans_km")
    elif lasning == "kapitel":
        under = mv < p(q + "troskel_modellvarde")
    else:
        raise ValueError(f"politisk_verksamhet.troskel_lasning ska vara 'bilaga' eller 'kapitel', inte {lasning!r}")
    mi = np.where(under, 1.0, mv / np.mean(mv, axis=-1, keepdims=True))
    return mv, mi, under


def merkostnadsindex(ctx: Ctx) -> tuple[np.ndarray, np.ndarray]:
    """(MV, MI) of the kommuner (:func:`modellvarde_och_index`): P = ``politisk_verksamhet.befolkning`` (default
    31 dec t−2), MD = the input ``medeldistans_3000_km`` (2022, not updated)."""
    p = ctx.p
    mv, mi, _ = modellvarde_och_index(p, ctx.k[p.raw("politisk_verksamhet.befolkning")], ctx.k["medeldistans_3000_km"])
    return mv, mi


def korrigeringsfaktor_politisk(ctx: Ctx, mi: np.ndarray | None = None) -> np.ndarray:
    """K = 1 / wmean(MI), weighted with P 31 dec t−2 (L2255–L2259; tabell 6.60: 0,98797); ``mi``: the
    merkostnadsindex when the caller has it (:func:`merkostnadsindex`)."""
    return korrigeringsfaktor(merkostnadsindex(ctx)[1] if mi is None else mi, 1.0, ctx.P)


def politisk_verksamhet_komponent(ctx: Ctx, d) -> np.ndarray:
    """Standardkostnad för politisk verksamhet (20 a §): MI × SC × K, kr/inv (:func:`politisk_verksamhet`)."""
    _, mi = merkostnadsindex(ctx)
    sc = genomsnittlig_standardkostnad(ctx, "politisk_verksamhet")
    return mi * sc * korrigeringsfaktor_politisk(ctx, mi)


def politisk_verksamhet(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för politisk verksamhet (20 a §, L2253–L2263): MI × SC (687 kr 2022, L2343; KPIF t−1, t,
    L2349–L2351) × K, K such that the standardkostnader weighted with P 31 dec t−2 average SC (L2255–L2259):
    K = 1 / wmean(MI).

    Worked example (tabell 6.60): Övertorneå MV 1 468, mean 918 → MI 1,597; 687 × 1,597 × 0,98797 = 1 085 →
    KPIF 1 181 → +432 vs riket 748; Botkyrka MV 613 → MI 1.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "politisk_verksamhet")
