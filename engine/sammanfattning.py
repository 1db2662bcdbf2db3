"""The summary of one run: national totals of every post, and the SOU's standard summary of every delmodell and
component — omfördelning, number of kommuner (regioner) with tillägg and with avdrag, and the extremes.

**Omfördelning** as SOU 2024:50 uses the word (it prints no formula): "komponenten omfördelar X miljoner kronor",
"Y kommuner får tillägg", the total of a delmodell "inte uppgår till samma belopp som summan av delarna [eftersom]
flödena i de olika merkostnadskomponenterna går i olika riktningar" (s. 303, 333, 363), and for the asymmetric
components "alla kommuner med avdrag (176 kommuner) får ett enhetligt avdrag … 7 kronor per invånare" with a total
of knappt 68 miljoner (s. 323) — the sum of the avdrag. All of this is one measure: the **sum of the positive net
amounts in kronor**, which equals the sum of the negative ones. A net amount is the component's tillägg or avdrag
after the invånarbaserat avdrag, or for a delmodell (and a component without avdrag, such as the
åldersersättning) its deviation from the riket mean; kronor are kr/inv × folkmängd 31 dec t−2 — the population of
every mean, korrigeringsfaktor and invånarbaserat avdrag, so tillägg and avdrag balance exactly. The posts
(inkomstutjämning, kostnadsutjämning, bidrag, regleringspost, LSS) are also summed as paid: bidrag, avgifter and
their net in the kronor of the run (population 1 nov t−1), which for the kostnadsutjämning is not zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.tolerances import NOLL_KR_PER_INV

#: kr/inv: a deviation smaller than this is neither tillägg nor avdrag (the rounding noise of a mean)
NOLL = NOLL_KR_PER_INV

#: (post, result column) in the order of lag 2004:773; the kronor column is ``<column>_kr``.
POSTER = (
    ("inkomstutjamning", "inkomstutjamning.inkomstutjamning"),
    ("kostnadsutjamning", "kostnadsutjamning.kostnadsutjamning"),
    ("efterslapning", "efterslapning.efterslapning"),
    ("svagt_befolkningsunderlag", "svagt_befolkningsunderlag.svagt_befolkningsunderlag"),
    ("strukturbidrag", "strukturbidrag.strukturbidrag"),
    ("regleringspost", "regleringspost.regleringspost"),
    ("totalt", "utjamning.totalt"),
    ("lss", "lss.utjamning"),
)
KOLUMNER = (
    "nivå",
    "post",
    "komponent",
    "benämning",
    "status",
    "bidrag/tillägg (kr)",
    "avgift/avdrag (kr)",
    "netto (kr)",
    "omfördelning (kr)",
    "antal med bidrag/tillägg",
    "antal med avgift/avdrag",
    "störst bidrag/tillägg",
    "störst bidrag/tillägg (kr/inv)",
    "störst avgift/avdrag",
    "störst avgift/avdrag (kr/inv)",
)

#: Swedish names of the parts (delmodeller and other result groups), their components and the posts, for headings.
DELAR = {
    "inkomstutjamning": "Inkomstutjämning",
    "kostnadsutjamning": "Kostnadsutjämning",
    "forskola": "Förskola",
    "grundskola": "Förskoleklass och grundskola",
    "gymnasieskola": "Gymnasieskola",
    "ifo": "Individ- och familjeomsorg",
    "komvux": "Kommunal vuxenutbildning",
    "aldreomsorg": "Äldreomsorg",
    "gator_och_vagar": "Gator och vägar",
    "raddningstjanst": "Räddningstjänst",
    "befolkningsminskning": "Befolkningsminskning",
    "fastigheter": "Fastigheter",
    "politisk_verksamhet": "Politisk verksamhet",
    "kollektivtrafik": "Kollektivtrafik",
    "infrastruktur_och_skydd": "Infrastruktur och skydd",
    "verksamhetsovergripande": "Verksamhetsövergripande kostnader",
    "halso_och_sjukvard": "Hälso- och sjukvård",
    "befolkningsforandringar_region": "Befolkningsförändringar",
}
KOMPONENT_NAMN = {
    "strukturellt_lonelage": "strukturellt löneläge",
    "overgripande_administration": "övergripande administration",
    "gles_bebyggelse": "gles bebyggelsestruktur",
    "behov_forskola": "behov av förskola",
    "behov_fritidshem": "behov av fritidshem",
    "modersmal": "modersmål",
    "ovrig_ifo": "övrig individ- och familjeomsorg",
    "barn_och_unga": "barn- och ungdomsvård",
    "korrigerat_modellvarde": "korrigerat modellvärde",
    "grundlaggande": "grundläggande vuxenutbildning",
    "gymnasial": "gymnasial vuxenutbildning",
    "forvarvsfrekvens": "förvärvsfrekvens",
    "dodlighet": "dödlighet (ohälsa)",
    "sprak": "språk",
    "hemtjanst_glesbygd": "hemtjänst i glesbygd",
    "institutionsboende_glesbygd": "institutionsboende i glesbygd",
    "vintervaghallning": "vinterväghållning",
    "uppvarmning": "uppvärmning",
    "klimattillagg": "klimattillägg",
    "ortstillagg": "ortstillägg",
    "befolkningsforandringar": "befolkningsförändringar",
    "raddningstjanst": "räddningstjänst",
    "vardbehov": "vårdbehov",
    "vard_i_glesbygd": "vård i glesbygd",
    "bemanning_i_glesbygd": "bemanning i glesbygd",
    "politisk_verksamhet": "politisk verksamhet",
    # the posts' and LSS's own components (pipelines/rubriker.py gives each its kind and unit)
    "skattekraft_kr_per_inv": "skattekraft",
    "garanterad_skattekraft_kr_per_inv": "garanterad skattekraft",
    "lansvis_skattesats_procent": "länsvis skattesats",
    "strukturkostnad": "strukturkostnad",
    "strukturkostnad_riket": "strukturkostnad, riket",
    "efterslapning": "eftersläpning",
    "uppfyller_kriterier": "uppfyller kriterierna",
    "standardkostnad": "standardkostnad",
    "aldersersattning": "åldersersättning",
    "socioekonomi": "socioekonomi",
    "sfi": "sfi",
    "programval": "programval",
    "gymnasiefrekvens": "gymnasiefrekvens",
    "trafikbelastning": "trafikbelastning",
    "byggnation": "byggnation",
    "administration": "övergripande administration",
    "kraftig_befolkningsforandring": "kraftig befolkningsförändring",
    "befolkningsminskning": "befolkningsminskning",
    "grundlaggande_standardkostnad": "grundläggande standardkostnad",
    "grundlaggande_del": "grundläggande del av standardkostnaden",
    "personalkostnadsindex_del": "personalkostnadsindexets del av standardkostnaden",
    "lonekostnader": "tillägg för lönekostnader",
    "personalkostnadsindex": "personalkostnadsindex",
    "korrigeringsfaktor": "korrigeringsfaktor",
    "standardkostnad_riket": "standardkostnad, riket",
    "nivajustering": "nivåjustering",
    # parts of a component named in notices
    "fordelningsmodell": "fördelningsmodellen inom länet",
}
POST_NAMN = {
    "inkomstutjamning": "Inkomstutjämning",
    "kostnadsutjamning": "Kostnadsutjämning",
    "efterslapning": "Bidrag för eftersläpning av intäkter",
    "svagt_befolkningsunderlag": "Bidrag för svagt befolkningsunderlag",
    "strukturbidrag": "Strukturbidrag",
    "regleringspost": "Regleringsbidrag (+) / -avgift (−)",
    "totalt": "Utjämningen totalt",
    "lss": "LSS-utjämning",
}
#: The kind of a component that is not an amount per invånare (pipelines/rubriker.SLAG gives unit and format).
KOMPONENT_SLAG = {
    "lansvis_skattesats_procent": "procent",
    "uppfyller_kriterier": "flagga",
    "personalkostnadsindex": "index",
    "korrigeringsfaktor": "faktor",
}
#: Further parts of the utjämning a notice may name (not summary rows).
ANDRA_NAMN = {
    "regleringspost": "Regleringspost",
    "fast_inforandebidrag": "Fast införandebidrag",
    "inforandebidrag": "Införandebidrag",
    "utjamning": "Utjämningen",
}
NIVA_NAMN = {"kommun": "kommuner", "region": "regioner"}


def benamning(post: str, komponent: str = "") -> str:
    """Swedish name of a summary row: a post, a delmodell (komponent 'standardkostnad') or one of its components."""
    if not komponent:
        return POST_NAMN.get(post, post.replace("_", " ").capitalize())
    del_ = DELAR.get(post) or ANDRA_NAMN.get(post) or POST_NAMN.get(post) or post.replace("_", " ").capitalize()
    return (
        del_
        if komponent == "standardkostnad"
        else f"{del_}: {KOMPONENT_NAMN.get(komponent, komponent.replace('_', ' '))}"
    )


def slag(kolumn: str) -> str:
    """The kind of the result column ``<del>.<komponent>`` (kr_per_inv, kr, procent, flagga, index, faktor)."""
    komp = kolumn.split(".", 1)[-1]
    if komp.endswith("_kr"):
        return "kr"
    return KOMPONENT_SLAG.get(komp, "procent" if komp.endswith("_procent") else "kr_per_inv")


def etikett(nyckel: str) -> str:
    """How a notice names an engine component or post (``ctx.ej_tillganglig``): ``forskola.behov_forskola`` →
    "Förskola: behov av förskola", ``efterslapning (kommun)`` → "Bidrag för eftersläpning av intäkter (kommuner)",
    ``kollektivtrafik_region`` → "Kollektivtrafik (regioner)", ``lss.personalkostnadsindex`` → "LSS-utjämning:
    personalkostnadsindex"."""
    bas, _, niva = nyckel.partition(" (")
    niva = niva.removesuffix(")")
    if bas not in DELAR and bas.endswith("_region"):
        bas, niva = bas.removesuffix("_region"), "region"
    post, _, komp = bas.partition(".")
    del_ = DELAR.get(post) or ANDRA_NAMN.get(post) or POST_NAMN.get(post) or post.replace("_", " ").capitalize()
    namn = f"{del_}: {KOMPONENT_NAMN.get(komp, komp.replace('_', ' '))}" if komp else del_
    return f"{namn} ({NIVA_NAMN.get(niva, niva)})" if niva else namn


def omfordelning(varden, befolkning, namn) -> dict:
    """The SOU's summary of one delmodell or component (module docstring): its deviation d from the mean weighted
    with ``befolkning`` (0 for a tillägg/avdrag after the invånarbaserat avdrag), the sum of the positive d in
    kronor (= omfördelning = the sum of the negative), the number of units with tillägg / avdrag and the extremes
    (name, kr/inv). NaN anywhere → everything None."""
    x = np.asarray(varden, dtype="float64")
    p = np.asarray(befolkning, dtype="float64")
    if x.ndim != 1 or not (np.isfinite(x).all() and np.isfinite(p).all()):
        return {}
    d = x - np.sum(x * p) / np.sum(p)
    till, avd = d > NOLL, d < -NOLL
    kr = d * p
    return {
        "bidrag/tillägg (kr)": float(kr[till].sum()),
        "avgift/avdrag (kr)": float(-kr[avd].sum()),
        "omfördelning (kr)": float(kr[till].sum()),
        **_antal_och_extremer(d, till, avd, namn),
    }


def post(kr_per_inv, kronor, namn) -> dict:
    """A post as paid: bidrag, avgifter and net in kronor, number of units with bidrag / avgift, the extremes."""
    x, kr = np.asarray(kr_per_inv, dtype="float64"), np.asarray(kronor, dtype="float64")
    if x.ndim != 1 or not (np.isfinite(x).all() and np.isfinite(kr).all()):
        return {}
    till, avd = kr > 0, kr < 0
    return {
        "bidrag/tillägg (kr)": float(kr[till].sum()),
        "avgift/avdrag (kr)": float(-kr[avd].sum()),
        "netto (kr)": float(kr.sum()),
        **_antal_och_extremer(x, till, avd, namn),
    }


def _antal_och_extremer(x, till, avd, namn) -> dict:
    hi, lo = int(np.argmax(x)), int(np.argmin(x))
    return {
        "antal med bidrag/tillägg": int(till.sum()),
        "antal med avgift/avdrag": int(avd.sum()),
        "störst bidrag/tillägg": namn[hi] if till.any() else None,
        "störst bidrag/tillägg (kr/inv)": float(x[hi]) if till.any() else None,
        "störst avgift/avdrag": namn[lo] if avd.any() else None,
        "störst avgift/avdrag (kr/inv)": float(x[lo]) if avd.any() else None,
    }


def _status(ej: dict[str, str], nycklar: list[str], berakna: bool) -> str:
    """'beräknad', or why not: the reason recorded under one of ``nycklar``, else the parts that lack one."""
    if berakna:
        return "beräknad"
    for n in nycklar:
        if n in ej:
            return ej[n]
    delar = sorted(k for k in ej if any(k.startswith(n + ".") for n in nycklar))
    if delar:
        return (
            "ej tillgänglig — delar som saknas: "
            + ", ".join(benamning(*d.split(".", 1)) for d in delar)
            + " (se Anmärkningar)"
        )
    return "ej tillgänglig (se Anmärkningar)"


def sammanfattning(
    res: dict[str, dict[str, np.ndarray]],
    befolkning: dict[str, np.ndarray | None],
    namn: dict[str, list[str]],
    delmodeller: dict[str, list[str]],
    ej: dict[str, str],
) -> pd.DataFrame:
    """One row per post and per delmodell and component, kommuner then regioner (columns :data:`KOLUMNER`).

    ``res``: the engine's result ``{"kommun": {column: array}, "region": …}``; ``befolkning``: folkmängd 31 dec t−2
    per level (None if the inputs lack it); ``namn``: unit names per level; ``delmodeller``: the rule set's
    delmodeller per level; ``ej``: component → why it is not available (``Resultat.ej_tillgangliga``)."""
    rows = []
    for niva in ("kommun", "region"):
        d, names = res[niva], namn[niva]
        p31 = befolkning.get(niva)
        nan = np.full(len(names), np.nan)
        for p, col in POSTER:
            if col not in d:
                continue
            row = post(d[col], d.get(col + "_kr", nan), names)
            if p == "kostnadsutjamning" and row and p31 is not None:
                row["omfördelning (kr)"] = omfordelning(d["kostnadsutjamning.strukturkostnad"], p31, names).get(
                    "omfördelning (kr)"
                )
            nycklar = (
                [f"{p} ({niva})", p] if p != "totalt" else [f"{q} ({niva})" for q, _ in POSTER] + [q for q, _ in POSTER]
            )
            rows.append(
                {
                    "nivå": niva,
                    "post": p,
                    "komponent": "",
                    "benämning": benamning(p),
                    "status": _status(ej, nycklar, bool(row)),
                    **row,
                }
            )
        for dm in delmodeller[niva]:
            nycklar = [dm, f"{dm} ({niva})", f"{dm}_{niva}"]
            sk = d.get(f"{dm}.standardkostnad", nan)
            row = omfordelning(sk, nan if p31 is None else p31, names)
            rows.append(
                {
                    "nivå": niva,
                    "post": dm,
                    "komponent": "standardkostnad",
                    "benämning": benamning(dm, "standardkostnad"),
                    "status": _status(ej, nycklar, bool(row)),
                    **row,
                }
            )
            komp = [c for c in d if c.startswith(dm + ".") and c != f"{dm}.standardkostnad"]
            if len(komp) == 1 and np.array_equal(d[komp[0]], sk, equal_nan=True):
                continue  # a single component is the delmodell itself
            for c in komp:
                row = omfordelning(d[c], nan if p31 is None else p31, names)
                k = c.split(".", 1)[1]
                rows.append(
                    {
                        "nivå": niva,
                        "post": dm,
                        "komponent": k,
                        "benämning": benamning(dm, k),
                        "status": _status(ej, [c, *nycklar], bool(row)),
                        **row,
                    }
                )
    return pd.DataFrame(rows, columns=list(KOLUMNER))


def for_run(ctx, res) -> pd.DataFrame:
    """:func:`sammanfattning` of one engine run (``res = engine.model.berakna(ctx)``, with its notices)."""
    from engine import kostnad, register

    return sammanfattning(
        res,
        {"kommun": ctx.k.get("folkmangd_31dec_t2"), "region": ctx.r.get("folkmangd_31dec_t2")},
        {"kommun": register.kommuner()["kommun"].tolist(), "region": register.regioner()["region"].tolist()},
        {n: [dm.namn for dm in kostnad.delmodeller(ctx.p, n)] for n in ("kommun", "region")},
        res.ej_tillgangliga,
    )
