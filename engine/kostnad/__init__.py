"""Kostnadsutjämning: every delmodell and every tillägg/avdrag, registered in one list (:data:`DELMODELLER`).

Each component is a module-level function ``f(ctx, d) -> array`` (kr per inhabitant) in the delmodell's module,
registered here with its delmodell, its paragraph and the condition under which a law has it. The other
components' results reach it by name through ``d`` (:class:`Delresultat`) — never through the context.

**Which components a law has** is decided by the law's own parameters, not by lists of names in YAML:

* a delmodell applies where the law has its marker ``<delmodell>.delmodell`` for the year (its value is the
  paragraph of lag 2004:773 8 § that lists it); a law that does not have it may say why in
  ``<delmodell>.ingar_inte`` (shown when the delmodell is called directly);
* a component applies where its condition holds for the year: the law has the parameter the component is built on
  (``villkor="forskola.befolkningsforandringar_belopp"``: the current rules' tillägg för befolkningsförändringar;
  ``"tillagg.administration_andel"``: the proposal's tillägg för övergripande administration), or a parameter has a
  value (``("ifo.modell", "tva_delmodeller")``); without a condition it applies wherever its delmodell does.

So a new year or a reform changes what is computed by adding or dating parameters, and the list below is the only
place that names the functions. The order of the list is the order of the law's paragraphs and of the output
columns; components marked ``sist`` (the strukturellt löneläge, whose justerad lönekostnad sums the others) are
computed after the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.common import invanarbaserat_avdrag
from engine.context import Ctx, SaknadIndata
from engine.params import EjTillganglig

Villkor = str | tuple[str, Any] | None


@dataclass
class Delresultat:
    """The results of one delmodell so far, by component name: ``brutto`` (what the function returned, before the
    invånarbaserat avdrag) and ``netto`` (as it enters the standardkostnad); ``grund`` the delmodell's shared
    quantities (e.g. the åldersersättning per age group); ``utfall`` the year's outcome per inhabitant where a
    delmodell needs it (befolkningsminskning, lag 2004:773 bilaga L2573)."""

    delmodell: str
    grund: dict[str, Any] = field(default_factory=dict)
    brutto: dict[str, np.ndarray] = field(default_factory=dict)
    netto: dict[str, np.ndarray] = field(default_factory=dict)
    utfall: Any = None


@dataclass(frozen=True)
class Komponent:
    """One tillägg or avdrag (or the åldersersättning) of a delmodell."""

    namn: str
    paragraf: str  #: where the law defines it (Swedish citation)
    berakna: Callable[[Ctx, Delresultat], Any]
    villkor: Villkor = None
    avdrag: bool = False  #: the invånarbaserat avdrag is applied to the returned amount
    sist: bool = False  #: computed after the other components


@dataclass(frozen=True)
class Delmodell:
    """A delmodell of the kostnadsutjämning (lag 2004:773 8 §)."""

    namn: str
    niva: str  #: "kommun" or "region"
    paragraf: str
    komponenter: tuple[Komponent, ...] = ()
    #: the delmodell's shared quantities, computed once before its components (a failure there makes the whole
    #: delmodell "ej tillgänglig")
    grund: Callable[[Ctx], dict] | None = None
    #: computed as one: a failure in any component makes the whole delmodell "ej tillgänglig" (one notice)
    helhet: bool = False
    #: a delmodell without tillägg/avdrag: its standardkostnad directly (kollektivtrafik)
    standardkostnad: Callable[[Ctx, Delresultat], Any] | None = None
    #: reads the year's outcome (befolkningsminskning: a fixed point, engine/model.py)
    tar_utfall: bool = False

    @property
    def markor(self) -> str:
        return f"{self.namn}.delmodell"

    @property
    def etikett(self) -> str:
        """Its name in notices (kollektivtrafik exists at both levels)."""
        return f"{self.namn} (region)" if self.niva == "region" and self.namn == "kollektivtrafik" else self.namn


def galler(villkor: Villkor, p) -> bool:
    """Whether a component's condition holds in the rule set ``p`` (resolved for the year)."""
    if villkor is None:
        return True
    if isinstance(villkor, tuple):
        path, varde = villkor
        return p.has(path) and p.raw(path) == varde
    return p.finns(villkor)


def aktuella(ctx: Ctx, dm: Delmodell) -> list[Komponent]:
    """The components of ``dm`` the rule set has this year, in the law's order."""
    return [k for k in dm.komponenter if galler(k.villkor, ctx.p)]


def _berakna(ctx: Ctx, dm: Delmodell, utfall=None) -> dict[str, np.ndarray]:
    d = Delresultat(dm.namn, dm.grund(ctx) if dm.grund is not None else {}, utfall=utfall)
    if dm.standardkostnad is not None:
        return {"standardkostnad": dm.standardkostnad(ctx, d)}
    lista = aktuella(ctx, dm)
    for k in [k for k in lista if not k.sist] + [k for k in lista if k.sist]:
        namn = f"{dm.namn}.{k.namn}"
        ctx.spara(namn)
        if dm.helhet:
            g = k.berakna(ctx, d)
        else:
            g = ctx.komponent(namn, k.berakna, ctx, d, region=dm.niva == "region")
        g = np.asarray(g, dtype="float64")
        d.brutto[k.namn] = g
        d.netto[k.namn] = invanarbaserat_avdrag(g, ctx.P) if k.avdrag else g
        ctx.spara(dm.namn)
    out = {k.namn: d.netto[k.namn] for k in lista}
    out["standardkostnad"] = sum(out.values())
    return out


def berakna_delmodell(ctx: Ctx, dm: Delmodell | str, utfall=None, niva: str = "kommun") -> dict[str, np.ndarray]:
    """``{component: kr/inv, …, "standardkostnad": their sum}`` of delmodell ``dm`` for every kommun (region).

    A rule-set element the seeds lack, or an input the user did not supply, in the delmodell's shared part makes
    the whole delmodell NaN with one notice naming it; in one component, only that component (its notice names
    it). A delmodell the law does not have is NaN with a notice saying so."""
    if isinstance(dm, str):
        dm = DELMODELL[(dm, niva)]
    n = len(ctx.region_kod) if dm.niva == "region" else len(ctx.kommun_kod)
    ctx.spara(dm.namn)
    if not ctx.p.finns(dm.markor):
        varfor = (
            str(ctx.p.raw(f"{dm.namn}.ingar_inte"))
            if ctx.p.has(f"{dm.namn}.ingar_inte")
            else f"delmodellen ingår inte i regelverket för utjämningsår {ctx.ar} (lag 2004:773 8 §)"
        )
        return {"standardkostnad": ctx.ej_tillganglig(dm.etikett, varfor, np.zeros(n))}
    try:
        out = _berakna(ctx, dm, utfall)
    except SaknadIndata as exc:
        return {"standardkostnad": ctx.indata_saknas(dm.etikett, exc, _berakna, ctx, dm, utfall, shape_of=np.zeros(n))}
    except EjTillganglig as exc:
        return {"standardkostnad": ctx.ej_tillganglig(dm.etikett, exc.reason, np.zeros(n))}
    return {c: np.asarray(v, dtype="float64") for c, v in out.items()}


def delmodeller(p, niva: str) -> list[Delmodell]:
    """The delmodeller of ``niva`` the rule set ``p`` has this year, in the law's order (lag 2004:773 8 §)."""
    return [dm for dm in DELMODELLER if dm.niva == niva and p.finns(dm.markor)]


def _registry() -> tuple[Delmodell, ...]:
    # the delmodell modules import this package's helpers: imported here, after those are defined
    from engine.kostnad import aldreomsorg as ao
    from engine.kostnad import befolkningsminskning as bm
    from engine.kostnad import fastigheter as fa
    from engine.kostnad import forskola as fo
    from engine.kostnad import gator_och_vagar as gv
    from engine.kostnad import grundskola as gr
    from engine.kostnad import gymnasieskola as gy
    from engine.kostnad import halso_och_sjukvard as hs
    from engine.kostnad import ifo, kollektivtrafik, komvux
    from engine.kostnad import infrastruktur_och_skydd as ios
    from engine.kostnad import politisk_verksamhet as pv
    from engine.kostnad import raddningstjanst as rt
    from engine.kostnad import tillagg as ti
    from engine.kostnad import verksamhetsovergripande as vo

    adm = "tillagg.administration_andel"  # the proposal's tillägg för övergripande administration (13,8 %)
    lon = ti.strukturellt_lonelage_komponent
    K = Komponent
    return (
        Delmodell(
            "forskola",
            "kommun",
            "lag 2004:773 8 § 1; förordning 2004:881 6–6 g §§",
            grund=fo.grund,
            komponenter=(
                K("aldersersattning", "6 a §", fo.aldersersattning),
                K("behov_forskola", "6 b §", fo.behov_forskola, avdrag=True),
                K("behov_fritidshem", "6 c §", fo.behov_fritidshem, avdrag=True),
                K("socioekonomi", "6 d §", fo.socioekonomi, avdrag=True),
                K("gles_bebyggelse", "6 e §", fo.gles_bebyggelse, avdrag=True),
                K("strukturellt_lonelage", "6 f §", lon, sist=True),
                K(
                    "overgripande_administration",
                    "6 g § föreslagen lydelse",
                    fo.overgripande_administration,
                    adm,
                    avdrag=True,
                ),
                K(
                    "befolkningsforandringar",
                    "6 g § nuvarande lydelse",
                    fo.befolkningsforandringar_komponent,
                    "forskola.befolkningsforandringar_belopp",
                    avdrag=True,
                ),
            ),
        ),
        Delmodell(
            "grundskola",
            "kommun",
            "lag 2004:773 8 § 2; förordning 2004:881 7–7 f §§",
            grund=gr.grund,
            komponenter=(
                K("aldersersattning", "7 a §", gr.aldersersattning),
                K("modersmal", "7 b §", gr.modersmal, avdrag=True),
                K("gles_bebyggelse", "7 c §", gr.gles_bebyggelse, avdrag=True),
                K("strukturellt_lonelage", "7 d §", lon, sist=True),
                K(
                    "socioekonomi",
                    "7 e § föreslagen lydelse",
                    gr.socioekonomi,
                    "grundskola.socioekonomi_andel",
                    avdrag=True,
                ),
                K(
                    "overgripande_administration",
                    "7 f § föreslagen lydelse",
                    gr.overgripande_administration,
                    adm,
                    avdrag=True,
                ),
                K(
                    "befolkningsforandringar",
                    "7 e § nuvarande lydelse",
                    gr.befolkningsforandringar_komponent,
                    "grundskola.befolkningsforandringar_belopp",
                    avdrag=True,
                ),
            ),
        ),
        Delmodell(
            "gymnasieskola",
            "kommun",
            "lag 2004:773 8 § 3; förordning 2004:881 8–8 g §§",
            grund=gy.grund,
            komponenter=(
                K("aldersersattning", "8 a §", gy.aldersersattning),
                K("gles_bebyggelse", "8 b §", gy.gles_bebyggelse, avdrag=True),
                K("programval", "8 c §", gy.programval),
                K("strukturellt_lonelage", "8 d §", lon, sist=True),
                K(
                    "socioekonomi",
                    "8 e § föreslagen lydelse",
                    gy.socioekonomi,
                    "gymnasieskola.socioekonomi_konstant",
                    avdrag=True,
                ),
                K(
                    "gymnasiefrekvens",
                    "8 f § föreslagen lydelse",
                    gy.gymnasiefrekvens,
                    "gymnasieskola.gymnasiefrekvens_andel",
                    avdrag=True,
                ),
                K(
                    "overgripande_administration",
                    "8 g § föreslagen lydelse",
                    gy.overgripande_administration,
                    adm,
                    avdrag=True,
                ),
                K(
                    "befolkningsforandringar",
                    "8 e § nuvarande lydelse",
                    gy.befolkningsforandringar_komponent,
                    "gymnasieskola.befolkningsforandringar_belopp",
                    avdrag=True,
                ),
            ),
        ),
        Delmodell(
            "ifo",
            "kommun",
            "lag 2004:773 8 § 4; förordning 2004:881 9–9 d §§",
            komponenter=(
                K("barn_och_unga", "9 a § föreslagen lydelse", ifo.barn_och_unga, ("ifo.modell", "tva_delmodeller")),
                K("ovrig_ifo", "9 b § föreslagen lydelse", ifo.ovrig_ifo, ("ifo.modell", "tva_delmodeller")),
                K(
                    "korrigerat_modellvarde",
                    "9 § nuvarande lydelse",
                    ifo.korrigerat_modellvarde_komponent,
                    ("ifo.modell", "en_modell"),
                ),
                K("strukturellt_lonelage", "9 c § (nuvarande: 9 a §)", ifo.strukturellt_lonelage_ifo),
                K("overgripande_administration", "9 d § föreslagen lydelse", ifo.overgripande_administration_ifo, adm),
            ),
        ),
        Delmodell(
            "komvux",
            "kommun",
            "lag 2004:773 8 § 5; förordning 2004:881 10 §",
            komponenter=(
                K("grundlaggande", "10 § 1", komvux.grundlaggande),
                K("gymnasial", "10 § 2", komvux.gymnasial),
                K("sfi", "10 § 3", komvux.sfi),
                K("forvarvsfrekvens", "10 § 4", komvux.forvarvsfrekvens_komponent),
            ),
        ),
        Delmodell(
            "aldreomsorg",
            "kommun",
            "lag 2004:773 8 § 6; förordning 2004:881 14–14 g §§",
            komponenter=(
                K("aldersersattning", "14 a §", ao.aldersersattning),
                K("dodlighet", "14 b §", ao.dodlighet_komponent, avdrag=True),
                K(
                    "gles_bebyggelse",
                    "14 c § föreslagen lydelse",
                    ao.gles_bebyggelse_komponent,
                    "aldreomsorg.gles_bebyggelse.index_kolumn",
                    avdrag=True,
                ),
                K("sprak", "14 c § nuvarande lydelse", ao.sprak_komponent, "aldreomsorg.sprak.andel", avdrag=True),
                K(
                    "institutionsboende_glesbygd",
                    "14 d § nuvarande lydelse",
                    ao.institutionsboende_glesbygd,
                    "aldreomsorg.institutionsboende_glesbygd",
                    avdrag=True,
                ),
                K(
                    "hemtjanst_glesbygd",
                    "14 e § nuvarande lydelse",
                    ao.hemtjanst_glesbygd,
                    "aldreomsorg.hemtjanst_glesbygd",
                    avdrag=True,
                ),
                K("strukturellt_lonelage", "14 f §", lon, sist=True),
                K(
                    "overgripande_administration",
                    "14 g § föreslagen lydelse",
                    ao.overgripande_administration_komponent,
                    adm,
                    avdrag=True,
                ),
            ),
        ),
        Delmodell(
            "infrastruktur_och_skydd",
            "kommun",
            "lag 2004:773 8 § 7 nuvarande lydelse; förordning 2004:881 15 §",
            komponenter=(
                K("klimattillagg", "15 § 1 nuvarande lydelse", ios.klimattillagg),
                K("ortstillagg", "15 § 2 nuvarande lydelse", ios.ortstillagg),
                K("raddningstjanst", "15 § 3 nuvarande lydelse", ios.raddningstjanst_klass),
            ),
        ),
        Delmodell(
            "verksamhetsovergripande",
            "kommun",
            "lag 2004:773 8 § 8 nuvarande lydelse; förordning 2004:881 16 §",
            komponenter=(
                K("befolkningsminskning", "16 § 1, 17 § nuvarande lydelse", vo.befolkningsminskning),
                K("efterslapning", "16 § 2, 18 § nuvarande lydelse", vo.efterslapning),
                K("uppvarmning", "16 § 3, 19 § nuvarande lydelse", vo.uppvarmning),
                K("byggnation", "16 § 4, 20 § nuvarande lydelse", vo.byggnation),
                K("administration", "16 § 5, 20 a § nuvarande lydelse", vo.administration),
            ),
        ),
        Delmodell(
            "gator_och_vagar",
            "kommun",
            "lag 2004:773 8 § 7 föreslagen lydelse; förordning 2004:881 15 §",
            helhet=True,
            komponenter=(
                K("trafikbelastning", "15 § föreslagen lydelse; bilaga", gv.trafikbelastning),
                K("vintervaghallning", "15 § föreslagen lydelse; bilaga", gv.vintervaghallning),
            ),
        ),
        Delmodell(
            "raddningstjanst",
            "kommun",
            "lag 2004:773 8 § 8 föreslagen lydelse; förordning 2004:881 15 a §",
            helhet=True,
            komponenter=(K("raddningstjanst", "15 a §", rt.raddningstjanst_komponent),),
        ),
        Delmodell(
            "befolkningsminskning",
            "kommun",
            "lag 2004:773 8 § 9 föreslagen lydelse; förordning 2004:881 16 §",
            helhet=True,
            tar_utfall=True,
            komponenter=(K("befolkningsminskning", "16 §; bilaga", bm.befolkningsminskning_komponent),),
        ),
        Delmodell(
            "fastigheter",
            "kommun",
            "lag 2004:773 8 § 10 föreslagen lydelse; förordning 2004:881 18–20 §§",
            helhet=True,
            komponenter=(
                K("uppvarmning", "19 §", fa.uppvarmning),
                K("byggnation", "20 §", fa.byggnation),
            ),
        ),
        Delmodell(
            "politisk_verksamhet",
            "kommun",
            "lag 2004:773 8 § 11 föreslagen lydelse; förordning 2004:881 20 a §",
            helhet=True,
            komponenter=(K("politisk_verksamhet", "20 a §", pv.politisk_verksamhet_komponent),),
        ),
        Delmodell(
            "kollektivtrafik",
            "kommun",
            "lag 2004:773 8 § tredje stycket; förordning 2004:881 26, 26 a §§",
            standardkostnad=kollektivtrafik.kommunernas_standardkostnad,
        ),
        Delmodell(
            "halso_och_sjukvard",
            "region",
            "lag 2004:773 8 § andra stycket; förordning 2004:881 21–24 §§",
            komponenter=(
                K("vardbehov", "bilaga, vårdbehov", hs.vardbehov_komponent),
                K("vard_i_glesbygd", "bilaga, vård i glesbygd", hs.vard_i_glesbygd),
                K("bemanning_i_glesbygd", "bilaga, bemanning i glesbygd", hs.bemanning_i_glesbygd),
                K("strukturellt_lonelage", "bilaga, strukturellt löneläge", hs.strukturellt_lonelage_komponent),
            ),
        ),
        Delmodell(
            "befolkningsforandringar_region",
            "region",
            "lag 2004:773 8 § andra stycket 2 nuvarande lydelse; förordning 2004:881 25 a–25 c §§",
            komponenter=(
                K(
                    "kraftig_befolkningsforandring",
                    "25 a § nuvarande lydelse",
                    hs.kraftig_befolkningsforandring_komponent,
                ),
                K("efterslapning", "25 b–25 c §§ nuvarande lydelse", hs.efterslapning_region),
            ),
        ),
        Delmodell(
            "kollektivtrafik",
            "region",
            "lag 2004:773 8 § tredje stycket; förordning 2004:881 26 §",
            standardkostnad=kollektivtrafik.regionens_standardkostnad,
        ),
    )


#: The delmodeller of lag 2004:773 8 § with their components, kommuner first, in the law's order.
DELMODELLER: tuple[Delmodell, ...] = _registry()
#: (name, level) → delmodell
DELMODELL: dict[tuple[str, str], Delmodell] = {(dm.namn, dm.niva): dm for dm in DELMODELLER}
