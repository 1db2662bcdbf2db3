"""Kostnadsutjämning för regioner: hälso- och sjukvård (lag 2004:773 8 § andra stycket, L669–L675; förordning
2004:881 21–24 §§, not reproduced in the seed, L957; bilaga "Hälso- och sjukvård" L2601–L2685; chapter 7.2
L20293–L21433; SPEC §4) and, under the current rules, the delmodell befolkningsförändringar (25 a–25 c §§,
repealed by the proposal L949; chapter 7.3–7.4 L21803–L22100; SPEC §14).

Per region (R = 21 in data/regioner.csv order, incl. Gotland "09", the kommun outside a region that carries the
regional tasks), kr per inhabitant::

    VB_raw_r = Σ_c N_r,c · pris_c / P_r                   vårdbehov, matrix of cells c (28 proposed, 22 current)
    K        = SC·F / (Σ_r VB_raw_r·P_r / Σ_r P_r)        korrigeringsfaktor (bilaga L2673–L2679), F = KPIF t−1, t
    VB_r     = K · VB_raw_r
    gles_r   = (VGI_r − 1) · VB_r                          vård i glesbygd   (fasta index, L2681)
    bem_r    = (BGI_r − 1) · VB_r                          bemanning i glesbygd (L2681)
    lön_r    = max(0, LI_r − 100)/100 · JL_r − D            strukturellt löneläge, JL = (VB + gles + bem) · LKA
    standardkostnad_r = VB + gles + bem + lön

P = folkmängd 31 dec t−2 (bilaga L2677). Choices (docs/decisions.md): no invånarbaserat avdrag on the
symmetric glesbygd indices (``index_normalisering``); the löneläge add-on is asymmetric with an avdrag D
(``lon_modell``, reproduces tabell 7.8's 0,9 mdkr); LKA 0,706 from the bilaga (OPEN-18, ``lonekostnadsandel``).
"""

from __future__ import annotations

import numpy as np

from engine import schema
from engine.common import invanarbaserat_avdrag, korrigeringsfaktor, safe_div
from engine.context import Ctx
from engine.kostnad.tillagg import genomsnittlig_standardkostnad
from engine.params import EjTillganglig, ParameterError

OMR = "halso_och_sjukvard"
BEF = "befolkningsforandringar_region"


def vardbehov(ctx: Ctx) -> np.ndarray:
    """Kostnad för befolkningens vårdbehov (bilaga L2603–L2669 proposed; tabell 7.2–7.4 L20325–L20419 current;
    SPEC §4), after the korrigeringsfaktor (bilaga L2673–L2679).

    The cells and their prices are ``halso_och_sjukvard.matris.<cell>``; the cell counts are the region inputs of
    the same names (proposed: engine.schema.HOS_CELLER). K makes the population-weighted mean of VB equal to the
    genomsnittlig standardkostnad 26 406 kr (L2343; current: seed 002:113) uprated with KPIF t−1 and t (L2351).
    """
    priser = ctx.p.subtree(f"{OMR}.matris")
    utanfor = [c for c in priser if c not in ctx.r and c not in schema.BY_NAME]
    if not priser or utanfor:
        raise EjTillganglig(
            f"{OMR}.matris",
            f"indata har inte cellerna {', '.join(utanfor[:4])}{' …' if len(utanfor) > 4 else ''}: den nuvarande "
            "matrisens 22 celler (tabell 7.2–7.4, SOU 2024:50 s. 560–561) finns inte i indataschemat, eftersom "
            "resten av den nuvarande delmodellen inte finns i verktygets källor",
        )
    kostnad = sum(
        np.asarray(ctx.r[c], dtype="float64") * pris for c, pris in priser.items()
    )  # a missing cell: SaknadIndata
    vb_raw = safe_div(kostnad, ctx.P_region)
    sc = genomsnittlig_standardkostnad(ctx, "halso_och_sjukvard")
    return korrigeringsfaktor(vb_raw, sc, ctx.P_region) * vb_raw


def _normalisera(ctx: Ctx, g) -> np.ndarray:
    val = ctx.p.raw(f"{OMR}.index_normalisering")
    if val == "ingen":
        return np.asarray(g, dtype="float64")
    if val == "invanarbaserat_avdrag":
        return invanarbaserat_avdrag(g, ctx.P_region)
    raise ParameterError(f"{OMR}.index_normalisering: {val!r} är varken 'ingen' eller 'invanarbaserat_avdrag'")


def glesbygdstillagg(ctx: Ctx, index: str, vb) -> np.ndarray:
    """Vård i glesbygd (``index="vard_glesbygd"``) or bemanning i glesbygd (``"bemanning_glesbygd"``):
    (GI_r − 1) · VB_r (bilaga L2681, fasta index för regioner L4155–L4339; chapter L21093–L21233: the index is the
    ersättning "− viktat medelvärde" turned into an index "kopplas till vårdbehovet", L20427; SPEC §4 [inferred]).
    No invånarbaserat avdrag unless ``index_normalisering`` says so (docs/decisions.md)."""
    gi = ctx.idx.r(ctx.p.raw(f"{OMR}.index.{index}"))
    return _normalisera(ctx, (np.asarray(gi, dtype="float64") - 1.0) * vb)


def strukturellt_lonelage_region(ctx: Ctx, komponenter: dict) -> np.ndarray:
    """Ersättning för strukturellt löneläge (chapter L21343–L21359; SPEC §4 [inferred]; OPEN-18).

    JL = Σ (components in ``lon_underlag``) · lönekostnadsandel (0,706, bilaga L2685). ``lon_modell``:
    *asymmetrisk* g = max(0, LI − 100)/100 · JL, then the invånarbaserat avdrag over the regions (as the kommuner,
    L8881; only Stockholm has LI > 100, L21359); *symmetrisk* (LI − 100)/100 · JL.
    """
    li = np.asarray(ctx.idx.r(ctx.p.raw(f"{OMR}.index.loneindex")), dtype="float64")
    modell = ctx.p.raw(f"{OMR}.lon_modell")
    underlag = ctx.p.raw(f"{OMR}.lon_underlag")
    jl = sum(komponenter[c] for c in underlag) * ctx.p(f"{OMR}.lonekostnadsandel")
    bas = ctx.p(f"{OMR}.loneindex_bas")
    if modell == "asymmetrisk":
        return invanarbaserat_avdrag(np.maximum(0.0, li - bas) / 100.0 * jl, ctx.P_region)
    if modell == "symmetrisk":
        return (li - bas) / 100.0 * jl
    raise ParameterError(f"{OMR}.lon_modell: {modell!r} är varken 'asymmetrisk' eller 'symmetrisk'")


def vardbehov_komponent(ctx: Ctx, d) -> np.ndarray:
    """Kostnad för befolkningens vårdbehov after the korrigeringsfaktor (:func:`vardbehov`), kr/inv."""
    return vardbehov(ctx)


def vard_i_glesbygd(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för vård i glesbygd: (VGI − 1) · VB (:func:`glesbygdstillagg`)."""
    return glesbygdstillagg(ctx, "vard_glesbygd", d.netto["vardbehov"])


def bemanning_i_glesbygd(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för bemanning i glesbygd: (BGI − 1) · VB (:func:`glesbygdstillagg`)."""
    return glesbygdstillagg(ctx, "bemanning_glesbygd", d.netto["vardbehov"])


def strukturellt_lonelage_komponent(ctx: Ctx, d) -> np.ndarray:
    """Ersättning för strukturellt löneläge on the vårdbehov and the two glesbygd tillägg
    (:func:`strukturellt_lonelage_region`)."""
    return strukturellt_lonelage_region(
        ctx, {c: d.netto[c] for c in ("vardbehov", "vard_i_glesbygd", "bemanning_i_glesbygd")}
    )


def halso_och_sjukvard(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för hälso- och sjukvård per region (lag 8 § andra stycket L675; bilaga L2601–L2685;
    SPEC §4): vårdbehov, vård i glesbygd, bemanning i glesbygd, strukturellt löneläge, kr/inv (R,) or (S, R).

    Rule set 2024: vårdbehov with the current 22-cell matrix (tabell 7.2–7.4) when the hos2024_* inputs are
    given; the current glesbygd and löne indices are not in the seeds, so those components (and the total) are
    NaN with a notice — never a guess.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "halso_och_sjukvard", niva="region")


# --- befolkningsförändringar (current rules only) -----------------------------------------------------------------


def _befolkning(ctx: Ctx, namn: str) -> np.ndarray:
    if namn in ctx.r:
        return np.asarray(ctx.r[namn], dtype="float64")
    return ctx.lan_sum(ctx.k[namn])  # not in the inputs: SaknadIndata names kommuner.<namn>


def kraftig_befolkningsforandring(ctx: Ctx) -> np.ndarray:
    """Ersättning för kraftig befolkningsförändring (current 25 a §, not reproduced; chapter L21825; SPEC §14).

    Δ_r = change of the region's population over ten years in percent, Δ = riket's (all regions incl. Gotland).
    100 kr/inv per procentenhet beyond an upper bound max(Δ, 0) + 2 or below a lower bound min(Δ, 0) − 2
    ("Om rikets befolkning ökar beräknas ersättningen för befolkningsminskning utifrån den minskning som
    överstiger –2 procent", L21825). The reference dates (``befolkning_start``/``befolkning_slut``) are not in the
    seeds, so the rule set 2024 reports NaN; a reform overlay naming two population inputs makes it computable.
    """
    p = lambda k: ctx.p(f"{BEF}.{k}")  # noqa: E731
    start = _befolkning(ctx, ctx.p.raw(f"{BEF}.befolkning_start"))
    slut = _befolkning(ctx, ctx.p.raw(f"{BEF}.befolkning_slut"))
    d = (safe_div(slut, start, fill=np.nan) - 1.0) * 100.0
    d_riket = (np.sum(slut, axis=-1, keepdims=True) / np.sum(start, axis=-1, keepdims=True) - 1.0) * 100.0
    troskel = p("troskel_procentenheter")
    over = np.maximum(0.0, d - (np.maximum(d_riket, 0.0) + troskel))
    under = np.maximum(0.0, (np.minimum(d_riket, 0.0) - troskel) - d)
    return p("belopp") * (over + under)


def kraftig_befolkningsforandring_komponent(ctx: Ctx, d) -> np.ndarray:
    """Ersättning för kraftig befolkningsförändring (current 25 a §; :func:`kraftig_befolkningsforandring`)."""
    return kraftig_befolkningsforandring(ctx)


def efterslapning_region(ctx: Ctx, d) -> np.ndarray:
    """Ersättning för eftersläpning (current 25 b–25 c §§): not in the seeds, so the parameter is "ej tillgänglig"
    and reading it makes this component "ej tillgänglig"."""
    return np.asarray(ctx.p(f"{BEF}.efterslapning"), dtype="float64")


def befolkningsforandringar_region(ctx: Ctx) -> dict[str, np.ndarray]:
    """Delmodell befolkningsförändringar för regioner under the current rules (lag 8 § andra stycket nuvarande
    lydelse L669–L673; 25 a–25 c §§; SPEC §14): kraftig befolkningsförändring and eftersläpning. Abolished in
    SOU 2024:50 (L949, L21843). Components the seeds do not specify are NaN with a notice."""
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, BEF, niva="region")
