"""Äldreomsorg (förordning 2004:881 14–14 g §§, L1927–L2083; bilaga L2505–L2531; SPEC §3.6).

    AE_raw = Σ_band [ (N_band − E_band)/P · C_samman(band) + E_band/P · C_ensam(band) ]     (14 a §, L1969–L1981)
    AE     = AE_raw · K,  K = SC·F / (Σ AE_raw·P / Σ P)         korrigerad åldersersättning (bilaga L2511–L2513)

Tillägg (each g below is followed by the invånarbaserat avdrag IBA(g) = g − Σ g·P / Σ P):

    dödlighet   proposal: g = (D_fakt/D_förv − 1) · 0,36 · AE                     (14 b §, L1995–L1999; L2515–L2519)
                current:  g = (D_fakt − D_förv) · AE / N_65+      (14 b § nuvarande lydelse, L1985–L1993)
                both: g < 0 is halved (L2517; L14215, L14665–L14667)
    gles        g = GI · AE − AE,  GI = fasta index glesbygd_hemtjanst             (14 c §, L2025–L2037)
    språk       g = 0,05 · (SC·F · P_riket / N_65+,riket) · N_utomnordisk,65+ / P  (current 14 c §, L2015–L2023)
    admin       g = 0,138 · AE · (AI − 1) · 0,801                                  (14 g §, L2079–L2083)
    lön         IBA(max(0, LI − 100) · JL / 100),  JL = Σ(lonelage_underlag) · andel     (14 f §, L2039–L2073)

The components a rule set has follow from its parameters (engine/kostnad/__init__.py; proposal 14 § p. 1–5, current
p. 1–6); the ones entering the justerad lönekostnad are ``aldreomsorg.lonelage_underlag`` (proposal 14 § 1–3 and 5,
current 1–5).
Bands and norm costs are data (``aldreomsorg.aldersgrupper``, ``aldreomsorg.normkostnad.*``): five bands in the
proposal, 65–79 / 80–89 / 90+ in the current rules. Current hemtjänst/institutionsboende i glesbygd and the current
löneindex are not in the seeds: those parts are NaN with a notice.
"""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor, safe_div
from engine.context import Ctx
from engine.kostnad.tillagg import (
    genomsnittlig_standardkostnad,
    gles_bebyggelsestruktur_brutto,
    overgripande_administration_brutto,
)
from engine.schema import ENSAMBOENDE

#: The five schema age groups 65+ (bef_<suffix>, ensamboende_<suffix>).
ALDER_65_W = tuple(e.removeprefix("ensamboende_") for e in ENSAMBOENDE)


def _n65(ctx: Ctx) -> np.ndarray:
    return sum(ctx.k[f"bef_{s}"] for s in ALDER_65_W)


def aldersersattning_okorrigerad(ctx: Ctx) -> np.ndarray:
    """Åldersersättning before the korrigeringsfaktor (14 a §, L1969–L1981; bilaga L2507–L2509), kr/inv:
    Σ over the rule set's bands of the shares of sammanboende (= band − ensamboende) and ensamboende × normkostnad."""
    ae = 0.0
    for band, suffixes in ctx.p.raw("aldreomsorg.aldersgrupper").items():
        n = sum(ctx.k[f"bef_{s}"] for s in suffixes)
        e = sum(ctx.k[f"ensamboende_{s}"] for s in suffixes)
        ae = (
            ae
            + safe_div(n - e, ctx.P) * ctx.p(f"aldreomsorg.normkostnad.sammanboende_{band}")
            + safe_div(e, ctx.P) * ctx.p(f"aldreomsorg.normkostnad.ensamboende_{band}")
        )
    return ae


def korrigerad_aldersersattning(ctx: Ctx) -> np.ndarray:
    """Korrigerad åldersersättning (14 § 1, 14 a §; bilaga 'Beräkning av korrigeringsfaktorn' L2511–L2513), kr/inv:
    the population-weighted mean equals the uprated genomsnittlig standardkostnad (11 692 · F)."""
    ae = aldersersattning_okorrigerad(ctx)
    return ae * korrigeringsfaktor(ae, genomsnittlig_standardkostnad(ctx, "aldreomsorg"), ctx.P)


def _halvera_negativa(ctx: Ctx, g):
    """'För de kommuner som har färre avlidna personer än förväntat minskas den uppkomna skillnaden med hälften'
    (L2517; current rules L14215, L14665–L14667) — before the invånarbaserat avdrag."""
    return np.where(g < 0, g * (1.0 - ctx.p("aldreomsorg.dodlighet.reduktion_negativ")), g)


def dodlighet(ctx: Ctx, ae) -> np.ndarray:
    """Tillägg eller avdrag för skillnader i dödlighet, before IBA (14 § 2, 14 b §), kr/inv.

    ``procentuell_avvikelse`` (proposal, L1995–L1999, L2515–L2519): (faktiska/förväntade − 1) · 0,36 · AE.
    ``antal_avlidna`` (current, L1985–L1993): (faktiska − förväntade) · periodfaktor · AE per person 65+.
    Deaths are counted over t−6 … t−2; the expected number uses the national age-specific death rates.
    """
    fakt, forv = ctx.k["dodsfall_faktiska"], ctx.k["dodsfall_forvantade"]
    modell = ctx.p.raw("aldreomsorg.dodlighet.modell")
    if modell == "procentuell_avvikelse":
        g = safe_div(fakt - forv, forv) * ctx.p("aldreomsorg.dodlighet.andel_av_aldersersattning") * ae
    elif modell == "antal_avlidna":
        g = (fakt - forv) * ctx.p("aldreomsorg.dodlighet.periodfaktor") * safe_div(ae, _n65(ctx))
    else:
        raise ValueError(
            f"aldreomsorg.dodlighet.modell = {modell!r}: ska vara procentuell_avvikelse eller antal_avlidna"
        )
    return _halvera_negativa(ctx, g)


def gles_bebyggelse(ctx: Ctx, ae) -> np.ndarray:
    """Tillägg eller avdrag för gles bebyggelse, before IBA (14 § 3, 14 c §, L2025–L2037): GI · AE − AE, with
    GI = the fasta index 'Hemtjänst' column (the symmetric 3 000-distance index)."""
    return gles_bebyggelsestruktur_brutto(ctx, ctx.p.raw("aldreomsorg.gles_bebyggelse.index_kolumn"), ae)


def overgripande_administration(ctx: Ctx, ae) -> np.ndarray:
    """Tillägg eller avdrag för övergripande administration, before IBA (14 § 5, 14 g §, L2079–L2083):
    0,138 · AE · (AI − 1) · lönekostnadsandel (SPEC §3.0(b))."""
    return overgripande_administration_brutto(ctx, ae, ctx.p("aldreomsorg.lonekostnadsandel"))


def sprak(ctx: Ctx, ae) -> np.ndarray:
    """Tillägg för personer födda utanför Norden, before IBA (current rules: 14 § 3, 14 c § nuvarande lydelse,
    L2015–L2023): 5 % of the genomsnittskostnad per person 65+ (from the genomsnittlig standardkostnad per
    invånare: SC·F · P_riket / N_65+,riket) for each person 65+ born outside the Nordic countries, per inhabitant."""
    andel = ctx.p("aldreomsorg.sprak.andel")
    n65 = _n65(ctx)
    kostnad_65 = genomsnittlig_standardkostnad(ctx, "aldreomsorg") * safe_div(
        np.sum(ctx.P, axis=-1, keepdims=True), np.sum(n65, axis=-1, keepdims=True)
    )
    return andel * kostnad_65 * safe_div(ctx.k["fodda_utanfor_norden_65_w"], ctx.P)


def institutionsboende_glesbygd(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för institutionsboende i glesbygd (current 14 § 4, 14 d §; repealed, L949). Not in the seeds."""
    ctx.p("aldreomsorg.institutionsboende_glesbygd")  # raises EjTillganglig in the current rule set
    raise NotImplementedError("aldreomsorg.institutionsboende_glesbygd: nuvarande 14 d § är inte implementerad")


def hemtjanst_glesbygd(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för hemtjänst i glesbygd (current 14 § 5, 14 e §; repealed, L949). Not in the seeds."""
    ctx.p("aldreomsorg.hemtjanst_glesbygd")  # raises EjTillganglig in the current rule set
    raise NotImplementedError("aldreomsorg.hemtjanst_glesbygd: nuvarande index enligt 14 e § är inte implementerat")


def aldersersattning(ctx: Ctx, d) -> np.ndarray:
    """Korrigerad åldersersättning (14 § 1, 14 a §), kr/inv; no avdrag."""
    return korrigerad_aldersersattning(ctx)


def dodlighet_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för skillnader i dödlighet (14 § 2, 14 b §) on the åldersersättning, before the avdrag."""
    return dodlighet(ctx, d.netto["aldersersattning"])


def gles_bebyggelse_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för gles bebyggelse (14 § 3, 14 c § föreslagen lydelse), before the avdrag."""
    return gles_bebyggelse(ctx, d.netto["aldersersattning"])


def sprak_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för personer födda utanför Norden (14 § 3, 14 c § nuvarande lydelse), before the avdrag."""
    return sprak(ctx, d.netto["aldersersattning"])


def overgripande_administration_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för övergripande administration (14 § 5, 14 g § föreslagen lydelse), before the avdrag."""
    return overgripande_administration(ctx, d.netto["aldersersattning"])


def aldreomsorg(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för äldreomsorg (förordning 14–14 g §§, L1927–L2083; bilaga L2505–L2531; SPEC §3.6), kr/inv.

    Proposal: ``aldersersattning``, ``dodlighet``, ``gles_bebyggelse``, ``strukturellt_lonelage``,
    ``overgripande_administration``, ``standardkostnad``. Current rules: ``aldersersattning``, ``dodlighet``,
    ``sprak``, ``institutionsboende_glesbygd`` (NaN), ``hemtjanst_glesbygd`` (NaN), ``strukturellt_lonelage``
    (NaN), ``standardkostnad`` (NaN). Every tillägg is after its invånarbaserat avdrag; the justerad lönekostnad
    (14 f §) is the sum of ``aldreomsorg.lonelage_underlag`` after or before the avdrag (OPEN-4).
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "aldreomsorg")
