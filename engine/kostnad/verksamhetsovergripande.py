"""Verksamhetsövergripande kostnader — CURRENT rules (förordning 2004:881 16 § nuvarande lydelse, L2147–L2161;
17–20 §§ nuvarande lydelse; SFS 2023:683 bilaga 002:L134–L136; SPEC §14). Replaced in the proposal by the delmodeller
befolkningsminskning, fastigheter and politisk verksamhet (+ the administration add-on and eftersläpning outside
the kostnadsutjämning)."""

from __future__ import annotations

import numpy as np

from engine.common import kpif_faktor
from engine.context import Ctx
from engine.params import EjTillganglig

Q = "verksamhetsovergripande."


def _kpif(ctx: Ctx, fran: int | None = None) -> float:
    """KPIF from 2016 through the utjämningsår for 16 § 3–5 (002:L134–L136)."""
    return kpif_faktor(ctx.p("allmant.kpif"), ctx.ar, int(ctx.p.raw(Q + "kpif_fran_ar") if fran is None else fran))


def befolkningsminskning(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg för befolkningsminskning (16 § 1, 17 § nuvarande lydelse): repealed and not reproduced in the seeds —
    the parameter is "ej tillgänglig", so reading it makes this component "ej tillgänglig"."""
    return np.asarray(ctx.p(Q + "befolkningsminskning"), dtype="float64")


def efterslapning(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg för eftersläpning (16 § 2, 18 § nuvarande lydelse): "enligt bilagan", which the seeds do not give."""
    return np.asarray(ctx.p(Q + "efterslapning"), dtype="float64")


def byggnation(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg eller avdrag för byggnation (16 § 4, 20 § nuvarande lydelse): "enligt bilagan", not in the seeds."""
    return np.asarray(ctx.p(Q + "byggnation"), dtype="float64")


def uppvarmningsindex(ctx: Ctx) -> np.ndarray:
    """The current uppvärmningsindex = the one printed in the proposed bilaga ("index föreslås vara oförändrat",
    L16765; the same 102 kommuner get a tillägg, L16763). Taken from the context's fasta index when it has one,
    otherwise from the shipped table ``verksamhetsovergripande.uppvarmning.index_tabell`` (the current rule set's
    other fasta index tables are not in the seeds; build_ctx reads it into ``ctx.tabeller``)."""
    try:
        return ctx.idx.k("uppvarmningsindex")
    except EjTillganglig:
        tabell = ctx.tabeller[Q + "uppvarmning.index_tabell"].kommun["uppvarmningsindex"]  # read by build_ctx
        return tabell.reindex(list(ctx.kommun_kod)).to_numpy(dtype="float64")


def uppvarmning(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg eller avdrag för uppvärmning (16 § 3; 19 § nuvarande lydelse, L2195–L2203): UI × 356 kr (2016) − 356,
    KPIF from 2016 (356 → 455 kr in 2024, L16753). No avdrag beyond the −356."""
    belopp = ctx.p(Q + "uppvarmning.belopp") * _kpif(ctx)
    return uppvarmningsindex(ctx) * belopp - belopp


def administration(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg för administration (16 § 5; 20 a § nuvarande lydelse "enligt bilagan", L2251), tabell 6.58
    (L17613–L17695): invånardistans > 350 m: folkmängd < 8 000 → 1 900, < 25 000 → 950, otherwise 0;
    invånardistans ≤ 350 m: < 8 000 → 150, otherwise 0 kr/inv. Fixed classification (2014–2016 data, L17697–L17703):
    inputs ``administration_klass_invanardistans_m`` and ``administration_klass_folkmangd``. Price level
    ``administration.prisniva_ar`` (2016 by the law's KPIF rule 002:L134–L136; alternativ 2017, footnote 169)."""
    q = Q + "administration."
    gles = ctx.k["administration_klass_invanardistans_m"] > ctx.p(q + "invanardistans_troskel_m")
    pop = ctx.k["administration_klass_folkmangd"]
    liten, mellan = pop < ctx.p(q + "folkmangd_grans_liten"), pop < ctx.p(q + "folkmangd_grans_mellan")

    def klass(prefix):
        return np.where(
            liten,
            ctx.p(q + f"belopp_{prefix}_liten"),
            np.where(mellan, ctx.p(q + f"belopp_{prefix}_mellan"), ctx.p(q + f"belopp_{prefix}_stor")),
        )

    belopp = np.where(gles, klass("gles"), klass("tat"))
    return belopp * _kpif(ctx, int(ctx.p.raw(q + "prisniva_ar")))


def verksamhetsovergripande(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för verksamhetsövergripande kostnader, current rules (16 § nuvarande lydelse, L2147–L2161) =
    befolkningsminskning + eftersläpning + uppvärmning + byggnation + administration, kr/inv.

    Befolkningsminskning (current 17 §, repealed and not reproduced), eftersläpning (amount in the current bilaga)
    and byggnation (current bilaga) are not in the seeds: NaN with a notice, so the standardkostnad is NaN.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "verksamhetsovergripande")
