"""The one catalogue of headings, units and number formats for every table a person reads (XLSX sheets, and any
later report): a column key of the machine tables (CSV/Parquet keep the keys) → a Swedish heading with its unit and
the kind of value, which fixes the unit shown and the number format.

Kinds (:data:`SLAG`): amounts per invånare and in kronor are whole kronor with a thousands separator; indices and
factors four decimals, labelled "(index)" / "(faktor)", never kr/inv; flags are 0/1 shown as "ja"/"nej"; shares are
fractions shown as percent; a value already in percent (a skattesats) keeps two decimals and "(%)".

Result columns of the engine are ``<del>.<komponent>``: the part's name (:data:`engine.sammanfattning.DELAR`, the
posts' names) and the component's (:data:`engine.sammanfattning.KOMPONENT_NAMN`); the kind follows the
component (a flag, an index, a factor) or its suffix (``_kr`` kronor, ``_procent``, ``_kr_per_inv``), else kr/inv.
Columns of `jamfor`'s tables are ``<post or delmodell>_<förslag|förändring|reform|…>`` and ``…_ar<N>``.
:func:`kolumn` reports whether a key is known; tests keep every produced column known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.sammanfattning import DELAR, KOMPONENT_NAMN, KOMPONENT_SLAG, POST_NAMN
from engine.talformat import svenskt_tal

#: kind → (unit in the heading, XLSX number format). Formats use Excel's neutral codes (`,` thousands, `.` decimal);
#: Excel shows them with the reader's locale (Swedish: space and comma).
SLAG = {
    "kr_per_inv": ("kr/inv", "#,##0"),
    "kr": ("kr", "#,##0"),
    "invanare": ("invånare", "#,##0"),
    "antal": ("", "#,##0"),
    "index": ("index", "0.0000"),
    "faktor": ("faktor", "0.0000"),
    "andel": ("%", "0.0%"),
    "procent": ("%", "0.00"),
    "flagga": ("ja/nej", '"ja";"ja";"nej"'),
    "km": ("km", "#,##0.00"),
    "m": ("m", "#,##0"),
    "tal": ("", "0.0000"),
    "tal2": ("", "#,##0.00"),  # a column whose unit varies by row (stated in the row): two decimals
    "ar": ("", "0"),
    "text": ("", "@"),
    "varde": ("", "General"),
}

#: Decimals of a value in running text (`forklara`, closing lines) by kind, as the XLSX formats show it; None: an
#: integer as an integer, another value with four significant digits.
TEXT_DECIMALER = {"kr_per_inv": 0, "kr": 0, "invanare": 0, "antal": 0, "index": 4, "faktor": 4, "procent": 2, "m": 0}


def text(v, slag: str) -> str:
    """``v`` in Swedish print for a value of kind ``slag`` (:data:`SLAG`): whole kronor, indices with four
    decimals, a flag as ja/nej, a share as percent; NaN → "–"."""
    if slag == "flagga":
        return "–" if v is None or v != v else ("ja" if v else "nej")
    if slag == "andel":
        return "–" if v is None or v != v else f"{svenskt_tal(100 * float(v), 1)} %"
    return svenskt_tal(v, TEXT_DECIMALER.get(slag))


@dataclass(frozen=True)
class Kolumn:
    """A column as a person reads it: ``namn`` without unit, ``slag`` (a key of :data:`SLAG`), ``kand`` False when
    the heading was derived from an unknown key."""

    namn: str
    slag: str
    kand: bool = True

    @property
    def enhet(self) -> str:
        return SLAG[self.slag][0]

    @property
    def rubrik(self) -> str:
        return f"{self.namn} ({self.enhet})" if self.enhet else self.namn

    @property
    def format(self) -> str:
        return SLAG[self.slag][1]


#: Keys with a fixed meaning in every table.
FASTA: dict[str, tuple[str, str]] = {
    "kommun_kod": ("Kommunkod", "text"),
    "kommun": ("Kommun", "text"),
    "lan_kod": ("Länskod", "text"),
    "lan": ("Län", "text"),
    "region_kod": ("Regionkod", "text"),
    "region": ("Region", "text"),
    "folkmangd_1nov_t1": ("Folkmängd 1 nov t−1", "invanare"),
    "folkmangd_31dec_t2": ("Folkmängd 31 dec t−2", "invanare"),
    # berakna: Anmärkningar, Parametrar (engine.params.Params.as_records)
    "anmärkning": ("Anmärkning", "text"),
    "parameter": ("Parameter (sökväg i en reform)", "text"),
    "value": ("Värde", "varde"),
    "unit": ("Enhet", "text"),
    "source": ("Källa", "text"),
    "valid_from": ("Gäller från år", "ar"),
    "status": ("Status", "text"),
    # engine.sammanfattning.KOLUMNER (already Swedish keys) and jamfor's omfördelning table
    "regelverk": ("Regelverk", "text"),
    "nivå": ("Nivå", "text"),
    "benämning": ("Benämning", "text"),
    "bidrag/tillägg (kr)": ("Bidrag/tillägg", "kr"),
    "avgift/avdrag (kr)": ("Avgift/avdrag", "kr"),
    "netto (kr)": ("Netto", "kr"),
    "omfördelning (kr)": ("Omfördelning", "kr"),
    "antal med bidrag/tillägg": ("Antal med bidrag/tillägg", "antal"),
    "antal med avgift/avdrag": ("Antal med avgift/avdrag", "antal"),
    "störst bidrag/tillägg": ("Störst bidrag/tillägg", "text"),
    "störst bidrag/tillägg (kr/inv)": ("Störst bidrag/tillägg", "kr_per_inv"),
    "störst avgift/avdrag": ("Störst avgift/avdrag", "text"),
    "störst avgift/avdrag (kr/inv)": ("Störst avgift/avdrag", "kr_per_inv"),
    # jamfor (pipelines/jamfor_tabeller.py): införande per unit and per year, system effect, size bands,
    # winners and losers
    "total_forandring": ("Total förändring", "kr_per_inv"),
    "bidragsminskning": ("Bidragsminskning", "kr_per_inv"),
    "fast_inforandebidrag": ("Fast införandebidrag", "kr_per_inv"),
    "ar_nr": ("År efter införandet", "ar"),
    "antal": ("Antal med införandebidrag", "antal"),
    "antal_14_§": ("Antal med införandebidrag enligt 14 §", "antal"),
    "antal_lss": ("Antal med införandebidrag för LSS", "antal"),
    "finansiering_kr_per_inv": ("Finansiering", "kr_per_inv"),
    "finansiering_lss_kr_per_inv": ("Finansiering av LSS-införandebidraget", "kr_per_inv"),
    "inforandebidrag_kr": ("Införandebidrag totalt", "kr"),
    "systemeffekt": ("Systemeffekt", "kr_per_inv"),
    "inforandebidrag_forsta_aret": ("Införandebidrag första året", "kr_per_inv"),
    "finansiering_forsta_aret": ("Finansiering första året", "kr_per_inv"),
    "forsta_aret": ("Effekt första året med införandebidrag", "kr_per_inv"),
    "lss_forandring": ("LSS-utjämning, förändring", "kr_per_inv"),
    "lss_inforandebidrag_forsta_aret": ("Införandebidrag LSS första året", "kr_per_inv"),
    "storleksklass": ("Storleksklass (invånare)", "text"),
    "antal_kommuner": ("Antal kommuner", "antal"),
    "befolkning": ("Folkmängd 1 nov t−1", "invanare"),
    "forandring_kr_per_inv": ("Förändring, befolkningsvägt medel", "kr_per_inv"),
    "forsta_aret_kr_per_inv": ("Första året, befolkningsvägt medel", "kr_per_inv"),
    "effekt": ("Effekt", "text"),
    "vinnare": ("Antal vinnare", "antal"),
    "forlorare": ("Antal förlorare", "antal"),
    "oforandrade": ("Antal oförändrade", "antal"),
    "min_kr_per_inv": ("Minsta förändring", "kr_per_inv"),
    "max_kr_per_inv": ("Största förändring", "kr_per_inv"),
    "totalt_reform_mot_bas": ("Totalt, reform mot nuvarande regler", "kr_per_inv"),
}

#: The columns of the fasta index tables (förordning 2004:881 bilaga, "Fasta index"; `utjamning index`), all of
#: kind index.
INDEX_NAMN: dict[str, str] = {
    "loneindex": "Löneindex",
    "glesbygd_forskola": "Glesbygdsindex förskola",
    "glesbygd_grundskola": "Glesbygdsindex grundskola",
    "glesbygd_gymnasieskola": "Glesbygdsindex gymnasieskola",
    "glesbygd_hemtjanst": "Glesbygdsindex hemtjänst",
    "behov_forskola": "Behovsindex förskola",
    "behov_fritidshem": "Behovsindex fritidshem",
    "uppvarmningsindex": "Uppvärmningsindex",
    "administration": "Administrationsindex",
    "raddningstjanst": "Räddningstjänstindex",
    "trafik": "Trafikindex",
    "byggnation": "Byggnadsindex",
    "bemanning_glesbygd": "Bemanning i glesbygd",
    "vard_glesbygd": "Vård i glesbygd",
}

#: The tables of `utjamning gleshet` and `utjamning index` (the measures, the frozen measures, the reference
#: comparison, the politisk verksamhet and kollektivtrafik tables, the model's quality): key → heading and kind.
#: ``avstand_<N>_km`` (one per threshold) is named by :func:`_matt`.
MATT: dict[str, tuple[str, str]] = {
    "befolkning": ("Folkmängd i rutnätet", "invanare"),
    "celler": ("Befolkade rutor", "antal"),
    "medeldistans_km": ("Medeldistans (kommitténs definition)", "km"),
    "centralort": ("Centralort", "text"),
    "centre_source": ("Centralorten bestämd genom", "text"),
    "tatort_kod": ("Tätortskod", "text"),
    "regionalt_befolkningsunderlag": ("Regionalt befolkningsunderlag", "invanare"),
    "lokalt_befolkningsunderlag": ("Lokalt befolkningsunderlag", "invanare"),
    "invanardistans_m": ("Invånardistans", "m"),
    "o_befolkning": ("Folkmängd på öar", "invanare"),
    "ofaktor": ("Ö-faktor", "andel"),
    **{k: (namn, "index") for k, namn in INDEX_NAMN.items()},
    # politisk verksamhet (förordningens bilaga; SOU 2024:50 s. 515–517) and kollektivtrafik (s. 613)
    "modellvarde": ("Politisk verksamhet: modellvärde", "kr_per_inv"),
    "medeldistans_3000_km": ("Politisk verksamhet: medeldistans 2022 (fryst)", "km"),
    "medeldistans_beraknad_km": ("Politisk verksamhet: medeldistans enligt detta rutnät", "km"),
    "merkostnadsindex": ("Politisk verksamhet: merkostnadsindex", "index"),
    "under_troskel": ("Under tröskeln (index 1)", "flagga"),
    "merkostnadsindex_bilaga": ("Merkostnadsindex, bilagans läsning av tröskeln", "index"),
    "merkostnadsindex_kapitel": ("Merkostnadsindex, kapitlets läsning av tröskeln", "index"),
    "md15000_km": ("Medeldistans 15 000 i länet (kollektivtrafik)", "km"),
    "bidrag_modellvarde_kr": ("Kollektivtrafik: medeldistansens bidrag till modellvärdet", "kr_per_inv"),
    # the measures the law freezes at 2022 (frysta.csv): one row per kommun and measure, units by row
    "matt": ("Mått", "text"),
    "fryst": ("Fryst värde 2022", "tal2"),
    "beraknad": ("Värde enligt detta rutnät", "tal2"),
    "skillnad": ("Skillnad", "tal2"),
    "skillnad_andel": ("Skillnad", "andel"),
    "andras": ("Ändras av detta rutnät (utöver det frysta värdets precision)", "flagga"),
    # the assignment against the reference register (referensjamforelse.csv)
    "folkmangd_referens": ("Folkmängd enligt referensen", "invanare"),
    "forvantad": ("Förväntad folkmängd (referensen uppräknad till rutnätets total)", "invanare"),
    "avvikelse": ("Avvikelse", "invanare"),
    "avvikelse_andel": ("Avvikelse", "andel"),
    "utanfor_tolerans": ("Utanför toleransen", "flagga"),
    # cells outside every kommun (utanfor.csv)
    "cell_id": ("Rut-id", "text"),
    "x": ("Östlig koordinat, SWEREF 99 TM", "m"),
    "y": ("Nordlig koordinat, SWEREF 99 TM", "m"),
    "pop": ("Invånare i rutan", "invanare"),
    # the index model's quality (kvalitet.csv)
    "index": ("Index", "text"),
    "n": ("Antal kommuner", "antal"),
    "r2": ("Förklaringsgrad R²", "tal"),
    "rmse": ("Kvadratiskt medelfel mot referensen", "tal"),
    "max_abs_error": ("Största absoluta fel mot referensen", "tal"),
    "share_within_tol": ("Andel inom toleransen", "andel"),
    "spearman_measure_reference": ("Rangkorrelation mått–referensindex", "tal"),
    "spearman_index_reference": ("Rangkorrelation index–referensindex", "tal"),
    "largest_residuals": ("Största avvikelser", "text"),
    "method": ("Metod", "text"),
    "symmetric": ("Symmetriskt kring 1", "flagga"),
    "floor_or_min": ("Lägsta värde", "index"),
    "n_at_floor": ("Antal kommuner på lägsta värdet", "antal"),
    "weighted_mean": ("Befolkningsvägt medelvärde", "index"),
}

#: Cell values of the gleshet and index tables that are codes: their Swedish words in a workbook.
MATT_VARDEN: dict[str, str] = {
    "storsta_tatort": "största tätorten",
    "undantag_tatort": "undantagstabellen (tätort)",
    "undantag_punkt": "undantagstabellen (punkt)",
    "anvandarens_tabell": "användarens tabell",
    "befolkningsviktad_mittpunkt": "befolkningsviktad mittpunkt",
    "medeldistans_3000_km": "Medeldistans 2022 (politisk verksamhet), km",
    "regionalt_befolkningsunderlag": "Regionalt befolkningsunderlag 2022, invånare",
    "lokalt_befolkningsunderlag": "Lokalt befolkningsunderlag 2022, invånare",
    **INDEX_NAMN,
}

#: Keys whose meaning depends on the table (jamfor's tabell 3 holds the LSS-utjämning as 'utfall'/'forandring').
PER_TABELL: dict[str, dict[str, tuple[str, str]]] = {
    "tabell3_lss_inforande": {
        "utfall": ("LSS-utjämning, förslag", "kr_per_inv"),
        "forandring": ("LSS-utjämning, förändring", "kr_per_inv"),
    },
    "tabell4_sammanfattning": {
        "antal": ("Antal kommuner med införandebidrag", "antal"),
        "antal_14_§": ("Antal kommuner med införandebidrag enligt 14 §", "antal"),
        "antal_lss": ("Antal kommuner med införandebidrag för LSS", "antal"),
    },
    "tabell5_sammanfattning": {
        "antal": ("Antal regioner med införandebidrag", "antal"),
        "antal_14_§": ("Antal regioner med införandebidrag enligt 14 §", "antal"),
        "antal_lss": ("Antal regioner med införandebidrag för LSS", "antal"),
    },
}

#: Names of the parts of a result column ``<del>.<komponent>`` that are not delmodeller.
DEL_NAMN = {
    **DELAR,
    "efterslapning": "Eftersläpning",
    "svagt_befolkningsunderlag": "Svagt befolkningsunderlag",
    "strukturbidrag": "Strukturbidrag",
    "regleringspost": "Regleringspost",
    "utjamning": "Utjämning",
    "lss": "LSS",
    "befolkningsforandringar_region": "Befolkningsförändringar",
}

#: `jamfor`: the stems of ``<stem>_<qualifier>`` columns beyond the delmodeller, and the qualifiers.
STAMMAR = {
    "inkomstutjamning": "Inkomstutjämning",
    "kostnadsutjamning": "Kostnadsutjämning",
    "efterslapning": "Eftersläpning",
    "svagt_befolkningsunderlag": "Svagt befolkningsunderlag",
    "fast_inforandebidrag": "Fast införandebidrag",
    "regleringspost": "Regleringspost",
    "totalt": "Totalt",
    "svagt_befolkningsunderlag_och_fast_inforandebidrag": "Svagt befolkningsunderlag och fast införandebidrag",
    "inforandebidrag": "Införandebidrag",
    "finansiering": "Finansiering av införandebidraget",
    "inforandebidrag_lss": "Införandebidrag LSS",
    **DELAR,
}
LEDD = (
    ("_reform_mot_forslag", "reform mot förslag"),
    ("_forslag", "förslag"),
    ("_forandring", "förändring"),
    ("_reform", "reform"),
)


#: The amounts of the posts, by the law's own words (lag 2004:773; lag 2008:342 for LSS).
POST_RUBRIK = {
    "inkomstutjamning.inkomstutjamning": "Inkomstutjämningsbidrag (+) / -avgift (−)",
    "kostnadsutjamning.kostnadsutjamning": "Kostnadsutjämningsbidrag (+) / -avgift (−)",
    "efterslapning.efterslapning": POST_NAMN["efterslapning"],
    "svagt_befolkningsunderlag.svagt_befolkningsunderlag": POST_NAMN["svagt_befolkningsunderlag"],
    "strukturbidrag.strukturbidrag": POST_NAMN["strukturbidrag"],
    "regleringspost.regleringspost": "Regleringsbidrag (+) / -avgift (−)",
    "utjamning.totalt": POST_NAMN["totalt"],
    "lss.utjamning": "LSS-utjämningsbidrag (+) / -avgift (−)",
}


def _resultat(del_: str, komp: str) -> Kolumn | None:
    """``<del>.<komponent>`` of an engine result; None when the part or the component is unknown."""
    if del_ not in DEL_NAMN:
        return None
    kronor = komp.endswith("_kr")
    bas = komp.removesuffix("_kr")
    if f"{del_}.{bas}" in POST_RUBRIK:
        return Kolumn(POST_RUBRIK[f"{del_}.{bas}"], "kr" if kronor else "kr_per_inv")
    if del_ == "lss" and bas == "administration":
        namn, slag = "tillägg för administration", "kr_per_inv"
    elif bas in KOMPONENT_NAMN:
        namn, slag = KOMPONENT_NAMN[bas], KOMPONENT_SLAG.get(bas, "kr_per_inv")
    else:
        return None
    return Kolumn(f"{DEL_NAMN[del_]}: {namn}", "kr" if kronor else slag)


def _jamfor(key: str) -> Kolumn | None:
    m = re.fullmatch(r"(.+)_ar(\d+)", key)
    if m and m.group(1) in STAMMAR:
        return Kolumn(f"{STAMMAR[m.group(1)]} år {m.group(2)}", "kr_per_inv")
    for suffix, text in LEDD:
        if key.endswith(suffix) and key[: -len(suffix)] in STAMMAR:
            return Kolumn(f"{STAMMAR[key[: -len(suffix)]]}, {text}", "kr_per_inv")
    return None


def _matt(key: str) -> Kolumn | None:
    """A column of the gleshet and index tables (:data:`MATT`); None for the keys every table shares."""
    m = re.fullmatch(r"avstand_(\d+)_km", key)
    if m:
        return Kolumn(f"Medeldistans {svenskt_tal(int(m.group(1)))} invånare", "km")
    if key in MATT:
        return Kolumn(*MATT[key])
    return None


def kolumn(key: str, tabell: str | None = None) -> Kolumn:
    """The heading and kind of column ``key`` (in table ``tabell``, where a key's meaning depends on it; ``"matt"``
    for the tables of `utjamning gleshet` and `utjamning index`). An unknown key gets its own text with a capital
    and no unit (``kand=False``)."""
    key = str(key)
    if tabell in PER_TABELL and key in PER_TABELL[tabell]:
        return Kolumn(*PER_TABELL[tabell][key])
    if tabell == "matt":
        hit = _matt(key)
        if hit is not None:
            return hit
    if key in FASTA:
        return Kolumn(*FASTA[key])
    if "." in key:
        hit = _resultat(*key.split(".", 1))
    else:
        hit = _jamfor(key)
    if hit is not None:
        return hit
    return Kolumn(key[:1].upper() + key[1:], "varde", kand=False)


def rubrik(key: str, tabell: str | None = None) -> str:
    """The Swedish heading with unit of column ``key``."""
    return kolumn(key, tabell).rubrik


#: Result columns shown first (after the register columns and populations): the total, then the posts of lag
#: 2004:773 in the law's order, then the LSS-utjämning — each per invånare and in kronor.
FORST = (
    "utjamning.totalt",
    "utjamning.totalt_kr",
    *(
        f"{p}.{p}{s}"
        for p in (
            "inkomstutjamning",
            "kostnadsutjamning",
            "efterslapning",
            "svagt_befolkningsunderlag",
            "strukturbidrag",
            "regleringspost",
        )
        for s in ("", "_kr")
    ),
    "lss.utjamning",
    "lss.utjamning_kr",
)


def totalerna_forst(columns) -> list[str]:
    """``columns`` reordered for reading: register columns and populations, the totals and posts (:data:`FORST`),
    then the detail in its own order."""
    columns = [str(c) for c in columns]
    head = [c for c in columns if "." not in c]
    first = [c for c in FORST if c in columns]
    return head + first + [c for c in columns if c not in head and c not in first]
