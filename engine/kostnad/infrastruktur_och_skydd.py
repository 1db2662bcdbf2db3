"""Infrastruktur och skydd — CURRENT rules (förordning 2004:881 15 § nuvarande lydelse, L2093–L2113; SFS 2023:683
bilaga 002:L134–L136; chapter 6.14.1 and 6.15.1; SPEC §14, OPEN-30). Replaced in the proposal by the delmodeller
gator och vägar and räddningstjänst."""

from __future__ import annotations

import numpy as np

from engine.common import kpif_faktor
from engine.context import Ctx
from engine.kostnad._infra import i_lista

Q = "infrastruktur_och_skydd."


def _kpif(ctx: Ctx) -> float:
    """KPIF from 2016 through the utjämningsår (002:L134–L136): amounts in 2016 prices × Π(1 + KPIF_y), y = 2017…t."""
    return kpif_faktor(ctx.p("allmant.kpif"), ctx.ar, int(ctx.p.raw(Q + "kpif_fran_ar")))


def klimattillagg(ctx: Ctx, d=None) -> np.ndarray:
    """Klimattillägg för gator och vägar (15 § 1): 44 / 66 / 103 kr/inv (2016) in klimatzon 1 / 2 / 3 (L18757;
    tabell 6.70, L19101–L19141). Zones (tabell 6.66, L18769–L18795): 3 = Jämtlands, Västerbottens, Norrbottens län;
    2 = Värmlands, Dalarnas, Gävleborgs, Västernorrlands län and Tierp, Älvkarleby, Östhammar; 1 = the rest."""
    q = Q + "klimattillagg."
    z3 = i_lista(ctx.lan_kod, ctx.p.raw(q + "zon_3_lan"))
    z2 = ~z3 & (
        i_lista(ctx.lan_kod, ctx.p.raw(q + "zon_2_lan")) | i_lista(ctx.kommun_kod, ctx.p.raw(q + "zon_2_kommuner"))
    )
    belopp = np.where(z3, ctx.p(q + "belopp_zon_3"), np.where(z2, ctx.p(q + "belopp_zon_2"), ctx.p(q + "belopp_zon_1")))
    return belopp * _kpif(ctx)


def ortstillagg(ctx: Ctx, d=None) -> np.ndarray:
    """Ortstillägg för gator och vägar (15 § 2): nine groups (L18797–L18821); item 8 is lost from the seed (OPEN-30)
    and the groups need the kommungruppsindelning → ``ej_tillganglig`` in the rule set."""
    return np.asarray(ctx.p(Q + "ortstillagg"), dtype="float64")  # raises EjTillganglig


def raddningstjanst_klass(ctx: Ctx, d=None) -> np.ndarray:
    """Tillägg för räddningstjänst (15 § 3), tabell 6.74 (L19609–L19645): only kommuner with invånardistans > 300 m;
    lokalt befolkningsunderlag < 8 000 → 700, < 20 000 → 300, otherwise 150 kr/inv (2016 prices; 700 → 895 kr in
    2024, footnote 191 L19603), KPIF from 2016. The classification is fixed (data 2014–2016, "uppdateras inte",
    L19647): its basis comes from the inputs ``raddningstjanst_klass_invanardistans_m`` and
    ``raddningstjanst_klass_lokalt_befolkningsunderlag``. No avdrag: the other 215 kommuner get 0."""
    q = Q + "raddningstjanst."
    gles = ctx.k["raddningstjanst_klass_invanardistans_m"] > ctx.p(q + "invanardistans_troskel_m")
    lbu = ctx.k["raddningstjanst_klass_lokalt_befolkningsunderlag"]
    belopp = np.where(
        lbu < ctx.p(q + "lbu_grans_liten"),
        ctx.p(q + "belopp_liten"),
        np.where(lbu < ctx.p(q + "lbu_grans_mellan"), ctx.p(q + "belopp_mellan"), ctx.p(q + "belopp_stor")),
    )
    return np.where(gles, belopp, 0.0) * _kpif(ctx)


def infrastruktur_och_skydd(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för infrastruktur och skydd, current rules (15 § nuvarande lydelse, L2093–L2113) =
    klimattillägg + ortstillägg + tillägg för räddningstjänst, kr/inv in the utjämningsår's prices.

    The ortstillägg is not available in the seeds (OPEN-30), so the standardkostnad is NaN with a notice — never a
    guess; the available parts are still reported.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "infrastruktur_och_skydd")
