"""Kollektivtrafik, shared by the kommuner and the region of each län (förordning 2004:881 26 §, L2265–L2283;
26 a § unchanged and not reproduced; bilaga "Kollektivtrafik" L2687–L2725; chapter 8 L22340–L23460; SPEC §5).

Per län l (kr per inhabitant, P = folkmängd 31 dec t−2)::

    MV_l = 679,7825 + 0,0008615·T11_l + 22,40816·PEND_l + 14,76467·MD15000_l      (bilaga L2691–L2699)
    K    = SC·F / (Σ_l MV_l·P_l / Σ_l P_l),   SK_l = K·MV_l                       (L2281, L2703–L2709)
    region:   a_l·SK_l,  a = 0,5 (Stockholms län 0,6)                              (26 §, L2267)
    kommuner: (1 − a_l)·SK_l·P_l kronor, distributed within the län                (26 §, 26 a §)

T11_l = Σ over the län's kommuner of inhabitants in tätorter > 11 000 (persons); PEND in percent (OPEN-19).
Distribution among the län's kommuner (share_k, Σ = 1 in each län): government-decided shares
(``beslutade_andelar``) where given; else in Västmanland, Västernorrland, Västerbotten and Norrbotten the bilaga
formula c_k = (10 584,30 − 2 402,106·ln T + 134,8748·(ln T)² + 29,35780·√ID_k)·P_k, T = max(T11_k, 11 000)
(L2713–L2723; OPEN-20); else the same kr/inv in every kommun (L22421; Södermanland without its decided shares
also, with a notice). Gotland (09), a kommun outside a region, gets both parts: the kommun part as the only
kommun of its län and the region part (tabell 8.2 L23075 lists Gotland with 759 = ½ of its SK).
"""

from __future__ import annotations

import numpy as np

from engine.common import korrigeringsfaktor, safe_div
from engine.context import Ctx, SaknadIndata
from engine.kostnad.tillagg import genomsnittlig_standardkostnad
from engine.params import EjTillganglig, ParameterError
from engine.tolerances import ANDELAR_SUMMA

OMR = "kollektivtrafik"


def lansvis_standardkostnad(ctx: Ctx) -> dict[str, np.ndarray]:
    """The län model (bilaga L2691–L2709): ``{"modellvarde", "korrigeringsfaktor", "standardkostnad",
    "region_andel", "befolkning"}`` per län (L,) or (S, L) — the same for the kommun and the region part (each
    computes it: 21 län)."""
    p = lambda k: ctx.p(f"{OMR}.{k}")  # noqa: E731
    a0, a_t, a_p, a_m = (
        p(f"lan_modell.{k}") for k in ("konstant", "tatort_over_11000", "pendlare_procent", "medeldistans_15000")
    )
    t11 = ctx.lan_sum(ctx.k["tatort_over_11000_bef"])
    mv = a0 + a_t * t11 + a_p * ctx.lan["pendlare_andel_procent"] + a_m * ctx.lan["medeldistans_15000_km"]
    befolkning = ctx.lan_sum(ctx.P)
    sc = genomsnittlig_standardkostnad(ctx, "kollektivtrafik")
    k = korrigeringsfaktor(mv, sc, befolkning)
    sthlm = np.asarray(ctx.region_kod) == str(ctx.p.raw(f"{OMR}.stockholms_lan"))
    region_andel = np.where(sthlm, p("region_andel_stockholm"), p("region_andel"))
    return {
        "modellvarde": mv,
        "korrigeringsfaktor": k,
        "standardkostnad": k * mv,
        "region_andel": region_andel,
        "befolkning": befolkning,
    }


def _lan_namn(kod: str) -> str:
    """ "Södermanlands län" for "04" (data/regioner.csv)."""
    from engine.register import regioner

    r = regioner().set_index("region_kod")
    return str(r.loc[kod, "lan"]) if kod in r.index else f"län {kod}"


def _lan_koder(v) -> list[str]:
    return [str(x).zfill(2) for x in (v or [])]


def fordelningsmodell_vikter(ctx: Ctx) -> np.ndarray:
    """c_k of the bilaga's distribution formula (L2713–L2723) for every kommun, kronor-like weights (K,)/(S, K).

    ln of T11_k is taken of max(T11_k, ``fordelningsmodell.tatort_golv``) (OPEN-20: a kommun without a tätort
    > 11 000 has T11_k = 0); "(ln T)² " is read as the square of the logarithm (L2719); ID in metres.
    """
    p = lambda k: ctx.p(f"{OMR}.fordelningsmodell.{k}")  # noqa: E731
    b0, b1, b2, b3, golv = (
        p(k) for k in ("konstant", "ln_tatort", "ln_tatort_kvadrat", "rot_invanardistans", "tatort_golv")
    )
    lnt = np.log(np.maximum(ctx.k["tatort_over_11000_bef"], golv))
    return (b0 + b1 * lnt + b2 * lnt**2 + b3 * np.sqrt(ctx.k["invanardistans_m"])) * ctx.P


def kommunandelar(ctx: Ctx) -> np.ndarray:
    """Each kommun's share of its län's kommun part (26 a §; bilaga L2713–L2723; L22421, L22947): Σ = 1 per län."""
    lan_kod = np.asarray([str(c).zfill(2) for c in ctx.lan_kod])
    vikt = np.asarray(ctx.P, dtype="float64")  # same kr/inv in every kommun (L22421)
    beslutade = {
        str(lan).zfill(2): {str(k).zfill(4): float(a) for k, a in (andelar or {}).items()}
        for lan, andelar in (ctx.p.raw(f"{OMR}.beslutade_andelar") or {}).items()
    }
    modell = np.isin(
        lan_kod, [lan for lan in _lan_koder(ctx.p.raw(f"{OMR}.fordelningsmodell.lan")) if lan not in beslutade]
    )
    if modell.any():
        try:
            vikt = np.where(modell, fordelningsmodell_vikter(ctx), vikt)
        except SaknadIndata:
            raise  # the delmodell lists every missing input
        except EjTillganglig as exc:
            ctx.ej_tillganglig(f"{OMR}.fordelningsmodell", exc.reason)
            vikt = np.where(modell, np.nan, vikt)
    for lan, andelar in beslutade.items():
        i = lan_kod == lan
        koder = [str(k).zfill(4) for k in np.asarray(ctx.kommun_kod)[i]]
        if sorted(koder) != sorted(andelar) or abs(sum(andelar.values()) - 1.0) > ANDELAR_SUMMA:
            raise ParameterError(
                f"{OMR}.beslutade_andelar[{lan}]: ange en andel per kommun i länet ({', '.join(sorted(koder))}) "
                f"med summan 1 (förordning 2004:881 26 a §), fick {andelar}"
            )
        vikt = np.where(i, np.array([andelar.get(k, 0.0) for k in (str(c).zfill(4) for c in ctx.kommun_kod)]), vikt)
    for lan in _lan_koder(ctx.p.raw(f"{OMR}.sarskild_ordning_lan")):
        if lan not in beslutade and (lan_kod == lan).any():
            note = (
                f"Kollektivtrafik, {_lan_namn(lan)}: kommunandelarna som regeringen beslutar i särskild ordning "
                f"(förordning 2004:881 26 a §; SOU 2024:50 s. 613) finns inte i regelverk {ctx.p.namn} — samma "
                "kronor per invånare i alla kommuner i länet; ange andelarna i en reform (kollektivtrafik."
                "beslutade_andelar)"
            )
            if note not in ctx.notes:
                ctx.notes.append(note)
    return vikt / ctx.kommun_from_lan(ctx.lan_sum(vikt))


def kommunernas_standardkostnad(ctx: Ctx, d=None) -> np.ndarray:
    """Standardkostnad för kollektivtrafik per kommun, kr/inv (26 §, L2267; SPEC §5): the kommun's share of the
    kommun part (1 − a_l)·SK_l·P_l of its län, divided by its population. Rule set 2024: the current län model's
    coefficients are not in the seeds → NaN with a notice."""
    try:
        lan = lansvis_standardkostnad(ctx)
    except SaknadIndata:
        raise  # the registry lists every missing input of the delmodell
    except EjTillganglig as exc:
        return ctx.ej_tillganglig(OMR, exc.reason)
    kronor_lan = (1.0 - lan["region_andel"]) * lan["standardkostnad"] * lan["befolkning"]
    kronor = kommunandelar(ctx) * ctx.kommun_from_lan(kronor_lan)
    return safe_div(kronor, ctx.P)


def regionens_standardkostnad(ctx: Ctx, d=None) -> np.ndarray:
    """Standardkostnad för kollektivtrafik per region, kr/inv: a_l·SK_l (26 §, L2267: 50 %, Stockholms län 60 %;
    SPEC §5). Gotland's row is the regional part of the kommun outside a region."""
    try:
        lan = lansvis_standardkostnad(ctx)
    except SaknadIndata:
        raise
    except EjTillganglig as exc:
        return ctx.ej_tillganglig(f"{OMR}_region", exc.reason, shape_of=ctx.region_kod)
    return lan["region_andel"] * lan["standardkostnad"]


def kollektivtrafik(ctx: Ctx) -> dict[str, np.ndarray]:
    """The kommuner's delmodell kollektivtrafik: ``{"standardkostnad": …}`` (:func:`kommunernas_standardkostnad`)."""
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, OMR)


def kollektivtrafik_region(ctx: Ctx) -> dict[str, np.ndarray]:
    """The regions' delmodell kollektivtrafik: ``{"standardkostnad": …}`` (:func:`regionens_standardkostnad`)."""
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, OMR, niva="region")
