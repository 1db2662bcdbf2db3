"""Individ- och familjeomsorg (förordning 2004:881 9–9 d §§; bilaga L2469–L2499; SPEC §3.4).

Proposal (``ifo.modell = tva_delmodeller``, 9 § L1795–L1801):

    MV_BoU = 4 545,87·a + 3 060,11·f + 49,62·o                    barn- och ungdomsvård   (9 a §, L2473–L2485)
    MV_övr = 10 696·a + 2,383458·√T + 52 474,04·e                 övrig IFO               (9 b §, L2486–L2491)
    SK_x   = MV_x · K_x,  K_x = SC_x·F / (Σ MV_x·P / Σ P)          SC 2 528 / 2 362 (L2333), F = KPIF (L2351)
    JL     = (SK_BoU + SK_övr) · 0,644                             justerad lönekostnad    (9 c §, L1889–L1893)
    lön    = IBA(max(0, LI − 100) · JL / 100)                      (9 c §)
    adm    = IBA(0,138 · JL · (AI − 1))                            (9 d §, L1897–L1907)

Current rules (``ifo.modell = en_modell``, 9–9 a §§ nuvarande lydelse, table 6.21 L12885–L12915):

    MV = 489 + 11 524·a + 2 797·f + 26 610·l + 2,60·√T + 17,29·o − 496·g
    SK = MV · K,  K = SC_IFO(4 890)·F / (Σ MV·P / Σ P)   (2024: K = 1,376 at 2022 level, then × 1,089 = F)
    lön = IBA(max(0, LI − 100) · SK · 0,578 / 100)         (9 a § nuvarande lydelse, L1827–L1843)

Variables: a = ifo_lag_inkomststandard_0_19, f = ifo_flerfamiljshus_1965_1975, o = ohalsotal,
T = tatortsbefolkning, e = ifo_ensamstaende_kvinnor_18_44_med_barn, l = ifo_lagutbildade_20_40_fodda_i_sverige,
g = granspendling. The coefficients are read from ``ifo.<delmodell>.koefficienter`` (one leaf per term).
"""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor
from engine.context import Ctx
from engine.kostnad.tillagg import genomsnittlig_standardkostnad, overgripande_administration, strukturellt_lonelage

#: The model terms: coefficient name (leaf under ``ifo.<delmodell>.koefficienter``) → its variable.
TERMER = {
    "intercept": lambda k: 1.0,
    "andel_lag_inkomststandard_0_19": lambda k: k["ifo_lag_inkomststandard_0_19"],
    "andel_flerfamiljshus_1965_1975": lambda k: k["ifo_flerfamiljshus_1965_1975"],
    "ohalsotal": lambda k: k["ohalsotal"],
    "rot_tatortsbefolkning": lambda k: np.sqrt(k["tatortsbefolkning"]),
    "andel_ensamstaende_kvinnor_18_44_med_barn": lambda k: k["ifo_ensamstaende_kvinnor_18_44_med_barn"],
    "andel_lagutbildade_20_40_fodda_i_sverige": lambda k: k["ifo_lagutbildade_20_40_fodda_i_sverige"],
    "granspendling": lambda k: k["granspendling"],
}


def modellvarde(ctx: Ctx, delmodell: str) -> np.ndarray:
    """Modellberäknat värde (kr/inv, before korrigering): Σ coefficient · variable over the terms of
    ``ifo.<delmodell>.koefficienter`` (bilaga L2471–L2491; current: table 6.21 L12901–L12903)."""
    koef = ctx.p.subtree(f"ifo.{delmodell}.koefficienter")
    if not koef:
        raise KeyError(f"ifo.{delmodell}.koefficienter: regelverk {ctx.p.namn} har inga koefficienter")
    mv = 0.0
    for term, c in koef.items():
        mv = mv + c * np.asarray(TERMER[term](ctx.k), dtype="float64")
    return np.broadcast_to(mv, np.broadcast(mv, ctx.P).shape).astype("float64")


def korrigerad_delmodell(ctx: Ctx, delmodell: str) -> np.ndarray:
    """SK_BoU (9 a §, L1829–L1861) or SK_övr (9 b §, L1865–L1881): model value × korrigeringsfaktor, kr/inv.

    ``ifo.korrigeringsfaktor`` (OPEN-32): ``per_delmodell`` corrects each model value to its own genomsnittlig
    standardkostnad (2 528 / 2 362, L2333); ``gemensam`` uses one factor for the sum, to the IFO total 4 890
    (the literal last sentence of the bilaga, L2495).
    """
    sc_namn = {"barn_och_unga": "ifo_barn_och_unga", "ovrig_ifo": "ifo_ovrig"}[delmodell]
    mv = modellvarde(ctx, delmodell)
    if ctx.p.raw("ifo.korrigeringsfaktor") == "per_delmodell":
        k = korrigeringsfaktor(mv, genomsnittlig_standardkostnad(ctx, sc_namn), ctx.P)
    else:
        k = korrigeringsfaktor(
            modellvarde(ctx, "barn_och_unga") + modellvarde(ctx, "ovrig_ifo"),
            genomsnittlig_standardkostnad(ctx, "ifo"),
            ctx.P,
        )
    return mv * k


def korrigerat_modellvarde(ctx: Ctx) -> np.ndarray:
    """Current rules (9 § nuvarande lydelse, L1803–L1823): one model value × korrigeringsfaktor to SC_IFO, kr/inv."""
    mv = modellvarde(ctx, "en_modell")
    return mv * korrigeringsfaktor(mv, genomsnittlig_standardkostnad(ctx, "ifo"), ctx.P)


def barn_och_unga(ctx: Ctx, d) -> np.ndarray:
    """Standardkostnad för barn- och ungdomsvård (9 § 1, 9 a § föreslagen lydelse, L1829–L1861): model value ×
    korrigeringsfaktor, kr/inv."""
    return korrigerad_delmodell(ctx, "barn_och_unga")


def ovrig_ifo(ctx: Ctx, d) -> np.ndarray:
    """Standardkostnad för övrig individ- och familjeomsorg (9 § 2, 9 b § föreslagen lydelse, L1865–L1881), kr/inv."""
    return korrigerad_delmodell(ctx, "ovrig_ifo")


def korrigerat_modellvarde_komponent(ctx: Ctx, d) -> np.ndarray:
    """Current rules (9 § nuvarande lydelse, L1803–L1823): the one model value × korrigeringsfaktor, kr/inv."""
    return korrigerat_modellvarde(ctx)


def _justerad_lonekostnad(ctx: Ctx, d) -> np.ndarray:
    """JL = (SK_BoU + SK_övr) · 0,644 (9 c § andra stycket) or, under the current rules, the korrigerat modellvärde ·
    0,578 (9 a § nuvarande lydelse)."""
    delar = ("barn_och_unga", "ovrig_ifo") if "barn_och_unga" in d.netto else ("korrigerat_modellvarde",)
    return sum(d.netto[c] for c in delar) * ctx.p("ifo.lonekostnadsandel")


def strukturellt_lonelage_ifo(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för strukturellt löneläge (9 c §, L1889–L1893; current 9 a §): IBA(max(0, LI − 100) · JL / 100)."""
    return strukturellt_lonelage(ctx, _justerad_lonekostnad(ctx, d))


def overgripande_administration_ifo(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för övergripande administration (9 d § föreslagen lydelse, L1897–L1907): IBA(0,138 · JL · (AI − 1)) —
    the base is the justerad lönekostnad itself, so no further lönekostnadsandel."""
    return overgripande_administration(ctx, _justerad_lonekostnad(ctx, d), 1.0)


def ifo(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för individ- och familjeomsorg (förordning 9–9 d §§, L1795–L1907; bilaga L2469–L2499;
    SPEC §3.4), kr/inv: the registered components of the rule set (``ifo.modell``) and their sum.

    Proposal: ``barn_och_unga``, ``ovrig_ifo``, ``strukturellt_lonelage``, ``overgripande_administration``,
    ``standardkostnad``. Current rules: ``korrigerat_modellvarde``, ``strukturellt_lonelage``, ``standardkostnad``.
    A part the rule set does not give (e.g. the current löneindex) is NaN with a notice; the standardkostnad is
    then NaN too.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "ifo")
