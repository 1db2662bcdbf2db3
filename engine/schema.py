"""The input schema: every variable the engine reads, per kommun, per län, per region and for the whole country.

One catalogue drives validation (engine/indata.py), the demo generator (engine/demo.py) and the documentation
(docs/inputs.md is generated from it: ``python -m engine.schema > docs/inputs.md``; a test keeps them equal).
Reference dates follow SPEC.md §13; ``t`` is the utjämningsår.
"""
from __future__ import annotations

from dataclasses import dataclass, field

KOMMUN, LAN, REGION, RIKET = "kommun", "lan", "region", "riket"
BADA = frozenset({"sou2024", "2024"})

#: kinds: how a value is checked
#:   count   whole number ≥ 0 (persons)          share  in [0, 1]         percent  in [0, 100]
#:   amount  ≥ 0 (kr, km, m, days)               signed any finite number


@dataclass(frozen=True)
class Variable:
    name: str
    niva: str
    kind: str
    unit: str
    referens: str
    kalla: str
    beskrivning: str
    anvands_i: str
    regelverk: frozenset = field(default=BADA)


def _v(name, niva, kind, unit, referens, kalla, beskrivning, anvands_i, regelverk=BADA):
    return Variable(name, niva, kind, unit, referens, kalla, beskrivning, anvands_i, frozenset(regelverk))


#: The age partition at 31 Dec t−2: these must add up to folkmangd_31dec_t2 for every kommun.
ALDERSGRUPPER = ("bef_0", "bef_1_5", "bef_6", "bef_7_9", "bef_10_12", "bef_13_15", "bef_16_18", "bef_19_64",
                 "bef_65_74", "bef_75_79", "bef_80_84", "bef_85_89", "bef_90_w")
#: Ensamboende per äldreomsorg age band; each must be ≤ its band.
ENSAMBOENDE = {"ensamboende_65_74": "bef_65_74", "ensamboende_75_79": "bef_75_79",
               "ensamboende_80_84": "bef_80_84", "ensamboende_85_89": "bef_85_89", "ensamboende_90_w": "bef_90_w"}
#: The 28 cells of the hälso- och sjukvård matrix (bilaga L2603–L2685); they must add up to the region's population.
HOS_CELLER = (
    "hos_0_q1", "hos_0_q2", "hos_0_q34", "hos_1_5_q1", "hos_1_5_q2", "hos_1_5_q34", "hos_6_18",
    *[f"hos_{a}_{c}" for a in ("19_29", "30_49", "50_66")
      for c in ("ej_syss_sjuka", "ej_syss_ovriga", "syss_lagutb_lagink", "syss_hogink", "syss_ovriga")],
    "hos_67_75_lagink", "hos_67_75_ovriga", "hos_76_79_lagink", "hos_76_79_ovriga", "hos_80_89", "hos_90_w",
)

_BE = "SCB BE0101 (befolkningsstatistik)"
_SEI = "SCB, beställd statistik (utbildningsregistret, inkomst- och taxeringsregistret, RTB)"

VARIABLES: tuple[Variable, ...] = (
    # --- population ---------------------------------------------------------------------------------------------
    _v("folkmangd_1nov_t1", KOMMUN, "count", "inv", "1 nov t−1", _BE, "Folkmängd 1 november året före utjämningsåret",
       "inkomstutjämning (SEU, per inv), kronor of every component paid per inhabitant (L593, L595)"),
    _v("folkmangd_31dec_t2", KOMMUN, "count", "inv", "31 dec t−2", _BE, "Folkmängd 31 december två år före utjämningsåret",
       "korrigeringsfaktorer, invånarbaserade avdrag, standardkostnad per inv (L1821, L2495, L24435)"),
    _v("folkmangd_1nov_t2", KOMMUN, "count", "inv", "1 nov t−2", _BE, "Folkmängd 1 november två år före utjämningsåret",
       "eftersläpning (L2289–L2303)"),
    _v("folkmangd_1nov_t6", KOMMUN, "count", "inv", "1 nov t−6", _BE, "Folkmängd 1 november sex år före utjämningsåret",
       "eftersläpning, 4-year criterion (L2289)"),
    _v("folkmangd_31dec_t7", KOMMUN, "count", "inv", "31 dec t−7", _BE, "Folkmängd 31 december sju år före utjämningsåret",
       "befolkningsminskning (L2167)"),
    *[_v(g, KOMMUN, "count", "inv", "31 dec t−2", _BE,
         f"Folkmängd i åldern {g[4:].replace('_w', '+').replace('_', '–')} år",
         "åldersersättningar (förskola, grundskola, gymnasieskola, äldreomsorg); the groups add up to folkmangd_31dec_t2")
      for g in ALDERSGRUPPER],
    *[_v(e, KOMMUN, "count", "inv", "31 dec t−2", "SCB, hushållsstatistik (RTB)",
         f"Ensamboende i åldern {e[12:].replace('_w', '+').replace('_', '–')} år (resten av åldersgruppen är sammanboende)",
         "äldreomsorg, korrigerad åldersersättning (14 a §, L2507–L2513)") for e in ENSAMBOENDE],
    # --- tax base ----------------------------------------------------------------------------------------------------
    _v("skatteunderlag_kr", KOMMUN, "amount", "kr", "taxeringsår t−1 (inkomstår t−2), uppräknat",
       "Skatteverket (slutlig skatt, 56 kap. 2 § SFL), uppräknat enligt lag (1965:269)",
       "Uppräknat skatteunderlag (beskattningsbar förvärvsinkomst) för kommunal inkomstskatt",
       "inkomstutjämning (lag 3 §, L591), befolkningsminskning (L2569); regionernas underlag = summan i länet"),
    _v("kommunalskatt_2022", KOMMUN, "percent", "procent", "2022", "SCB, kommunalskattesatser",
       "Kommunens egen skattesats 2022", "befolkningsminskning, intäkt per invånare (L2569)", {"sou2024"}),
    # --- förskola ----------------------------------------------------------------------------------------------------
    _v("sei_forskola_utbildning", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel barn 1–5 år vars föräldrar har högst tvåårig gymnasieutbildning (nuvarande: saknar eftergymnasial)",
       "förskola socioekonomi (6 d §, L2365)"),
    _v("sei_forskola_inkomst", KOMMUN, "share", "andel", "t−3", _SEI,
       "Andel barn 1–5 år i hushåll med låg disponibel inkomst (< 60 % av medianen per konsumtionsenhet)",
       "förskola socioekonomi (6 d §, L2369)"),
    _v("sei_forskola_vistelsetid", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel barn 1–5 år med minst en förälder med högst fyra års vistelsetid i Sverige (nuvarande: uppehållstillstånd)",
       "förskola socioekonomi (6 d §, L2371)"),
    # --- grundskola --------------------------------------------------------------------------------------------------
    _v("utlandsk_bakgrund_7_15", KOMMUN, "count", "inv", "31 dec t−2", "SCB (utländsk bakgrund)",
       "Barn 7–15 år med utländsk bakgrund (nuvarande: födda utanför Sverige, Norge, Danmark eller båda föräldrarna)",
       "grundskola modersmål och svenska som andraspråk (7 b §, L2393–L2395)"),
    _v("sei_grundskola_utbildning", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel barn 6–15 år vars föräldrar har högst tvåårig gymnasieutbildning", "grundskola socioekonomi (7 e §, L2409)",
       {"sou2024"}),
    _v("sei_grundskola_inkomst", KOMMUN, "share", "andel", "t−3", _SEI,
       "Andel barn 6–15 år i hushåll med låg disponibel inkomst", "grundskola socioekonomi (7 e §, L2413)", {"sou2024"}),
    _v("sei_grundskola_vistelsetid", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel barn 6–15 år med högst fyra års vistelsetid i Sverige", "grundskola socioekonomi (7 e §, L2415)", {"sou2024"}),
    # --- gymnasieskola -----------------------------------------------------------------------------------------------
    _v("gy_elever", KOMMUN, "count", "elever", "läsår HT t−2/VT t−1", "Skolverket (elever per hemkommun och program)",
       "Gymnasieelever folkbokförda i kommunen (hemkommun)", "programvalsfaktor (8 c §, L2429–L2439)"),
    _v("gy_programkostnad_kr", KOMMUN, "amount", "kr", "läsår HT t−2/VT t−1", "Skolverket (riksprislistan) × elever per program",
       "Σ över program av elever·riksgenomsnittlig kostnad per elev på programmet", "programvalsfaktor step 1 (8 c §), socioekonomi (8 e §)"),
    _v("sei_gymnasieskola_utbildning", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel ungdomar 16–20 år vars föräldrar har högst tvåårig gymnasieutbildning", "gymnasieskola socioekonomi (8 e §, L2457)",
       {"sou2024"}),
    _v("sei_gymnasieskola_inkomst", KOMMUN, "share", "andel", "t−3", _SEI,
       "Andel ungdomar 16–20 år i hushåll med låg disponibel inkomst", "gymnasieskola socioekonomi (8 e §, L2461)", {"sou2024"}),
    _v("sei_gymnasieskola_vistelsetid", KOMMUN, "share", "andel", "t−2", _SEI,
       "Andel ungdomar 16–20 år med högst fyra års vistelsetid i Sverige", "gymnasieskola socioekonomi (8 e §, L2465)", {"sou2024"}),
    _v("gymnasiefrekvens", KOMMUN, "share", "andel", "t−2", "Skolverket/SCB",
       "Andel 16–18-åringar som går i gymnasieskola", "gymnasiefrekvens (8 f §, L1769–L1771)", {"sou2024"}),
    # --- individ- och familjeomsorg ------------------------------------------------------------------------------
    _v("ifo_lag_inkomststandard_0_19", KOMMUN, "share", "andel", "t−2", "SCB (inkomst- och taxeringsregistret)",
       "Andel 0–19 år i hushåll med låg inkomststandard, justerad för ekonomiskt bistånd (och gränspendling, bilaga)",
       "IFO barn och unga, övrig IFO (9 a–9 b §§, L2475–L2487; OPEN-11)"),
    _v("ifo_flerfamiljshus_1965_1975", KOMMUN, "share", "andel", "t−2", "SCB (bostadsbeståndet)",
       "Andel invånare i flerbostadshus byggda 1965–1975", "IFO barn och unga (L2483)"),
    _v("ohalsotal", KOMMUN, "amount", "dagar per person 16–64", "t−2", "Försäkringskassan",
       "Ohälsotal: nettodagar med sjukpenning, sjuk- och aktivitetsersättning per person 16–64 år", "IFO barn och unga (L2485)"),
    _v("tatortsbefolkning", KOMMUN, "count", "inv", "senaste tätortsavgränsning", "SCB (tätorter)",
       "Invånare i tätorter (≥ 200 inv.)", "övrig IFO (√T, L2489)"),
    _v("ifo_ensamstaende_kvinnor_18_44_med_barn", KOMMUN, "share", "andel", "t−2", "SCB (RTB)",
       "Andel ensamboende kvinnor 18–44 år med barn 0–17 år", "övrig IFO (L2491)", {"sou2024"}),
    _v("ifo_lagutbildade_20_40_fodda_i_sverige", KOMMUN, "share", "andel", "t−2", "SCB (utbildningsregistret)",
       "Andel lågutbildade 20–40 år födda i Sverige", "IFO, nuvarande modell (tabell 6.21, L12903)", {"2024"}),
    _v("granspendling", KOMMUN, "share", "andel", "t−2", "SCB (RAMS/BAS)",
       "Andel förvärvsarbetande som gränspendlar (till Norge, Danmark, Finland)", "IFO, nuvarande modell (L12903)", {"2024"}),
    # --- vuxenutbildning ---------------------------------------------------------------------------------------------
    _v("komvux_malgrupp_grundlaggande", KOMMUN, "count", "personer", "t−2", "SCB (utbildningsregistret)",
       "Personer 20–56 år utan fullständig grundskoleutbildning", "kommunal vuxenutbildning (L12355–L12393)"),
    _v("komvux_malgrupp_gymnasial", KOMMUN, "count", "personer", "t−2", "SCB (utbildningsregistret)",
       "Personer 20–56 år med högst nioårig grundskola", "kommunal vuxenutbildning"),
    _v("komvux_malgrupp_sfi", KOMMUN, "count", "personer", "t−2", "SCB/Migrationsverket",
       "Utrikes födda 20–64 år med uppehållstillstånd kortare tid än fem år", "kommunal vuxenutbildning"),
    _v("forvarvsfrekvens", KOMMUN, "share", "andel", "t−2", "SCB (RAMS/BAS)",
       "Förvärvsfrekvens 20–64 år (förslaget: inklusive gränspendlare)", "kommunal vuxenutbildning, förvärvsfrekvens (L1923–L1925)"),
    # --- äldreomsorg -------------------------------------------------------------------------------------------------
    _v("dodsfall_faktiska", KOMMUN, "count", "personer", "t−6 … t−2", _BE,
       "Faktiskt antal avlidna 65 år och äldre under femårsperioden", "äldreomsorg, dödlighet (14 b §, L2517)"),
    _v("dodsfall_forvantade", KOMMUN, "amount", "personer", "t−6 … t−2", _BE,
       "Förväntat antal avlidna 65+ vid rikets åldersspecifika dödstal", "äldreomsorg, dödlighet (14 b §, L2517)"),
    # --- politisk verksamhet, kollektivtrafik, svagt befolkningsunderlag ---------------------------------------------
    _v("medeldistans_3000_km", KOMMUN, "amount", "km", "2022 (ligger fast)", "utjamning gleshet (avstand_3000_km) / SOU 2024:50",
       "Medeldistans för att samla 3 000 invånare", "politisk verksamhet (20 a §, L2589–L2599)", {"sou2024"}),
    _v("tatort_over_11000_bef", KOMMUN, "count", "inv", "tätortsgrad 2020 (uppdateras vart femte år)", "SCB (tätorter)",
       "Invånare i kommunens tätorter med mer än 11 000 invånare", "kollektivtrafik: länets T11 (L2695) och fördelningen i fyra län (L2717)"),
    _v("invanardistans_m", KOMMUN, "amount", "m", "t−2", "SCB / utjamning gleshet",
       "Invånardistans (genomsnittligt avstånd mellan invånarna vid jämn spridning)", "kollektivtrafik, fördelning inom län (L2721)"),
    _v("regionalt_befolkningsunderlag", KOMMUN, "count", "inv", "2022 (ligger fast)", "utjamning gleshet",
       "Invånare inom 112,5 km väg från centralorten", "svagt befolkningsunderlag (lag 11 §, L24899–L24921)", {"sou2024"}),
    _v("lokalt_befolkningsunderlag", KOMMUN, "count", "inv", "2022 (ligger fast)", "utjamning gleshet",
       "Invånare inom 37,5 km väg från centralorten", "svagt befolkningsunderlag", {"sou2024"}),
    # --- län -----------------------------------------------------------------------------------------------------------
    _v("pendlare_andel_procent", LAN, "percent", "procent", "t−2", "SCB (RAMS/BAS)",
       "Andel förvärvsarbetande i länet som pendlar över kommungräns", "kollektivtrafik, länsmodell (L2697; OPEN-19)"),
    _v("medeldistans_15000_km", LAN, "amount", "km", "t−2", "utjamning gleshet (medeldistans per län)",
       "Medeldistans för att samla 15 000 invånare i länet", "kollektivtrafik, länsmodell (L2699)", {"sou2024"}),
    # --- regioner ------------------------------------------------------------------------------------------------------
    *[_v(c, REGION, "count", "inv", "31 dec t−2", "SCB (beställd statistik: ålder, inkomstkvartil, sysselsättning, utbildning)",
         f"Invånare i cellen {c[4:]} av vårdbehovsmatrisen", "hälso- och sjukvård, vårdbehov (bilaga L2603–L2685)", {"sou2024"})
      for c in HOS_CELLER],
    # --- riket ---------------------------------------------------------------------------------------------------------
    _v("modersmal_larlon_manad", RIKET, "amount", "kr/månad", "t−2", "SCB (lönestrukturstatistik)",
       "Genomsnittlig månadslön för grundskollärare i kommunal skola (exkl. lönekostnadspålägg)", "modersmål (7 b §, L2393)"),
    _v("modersmal_heltidstjanster", RIKET, "amount", "heltidstjänster", "läsår HT t−2/VT t−1", "Skolverket",
       "Heltidstjänster för modersmålsundervisning och svenska som andraspråk i grundskolan", "modersmål (7 b §, L2393)"),
)

BY_NAME = {v.name: v for v in VARIABLES}


def variables(niva: str, regelverk: str | None = None) -> list[Variable]:
    return [v for v in VARIABLES if v.niva == niva and (regelverk is None or regelverk in v.regelverk)]


def markdown() -> str:
    """docs/inputs.md, generated from this catalogue."""
    out = [
        "# Indata — the engine's input schema",
        "",
        "Generated from `engine/schema.py` (`python -m engine.schema > docs/inputs.md`); a test keeps it in sync.",
        "",
        "An input directory holds one table per level, as CSV, Parquet or XLSX (`kommuner.*`, `lan.*`, `regioner.*`,",
        "`riket.*`), or one XLSX workbook `indata.xlsx` with those four sheets. Keys: `kommun_kod` (4 digits, all 290",
        "kommuner), `lan_kod` and `region_kod` (2 digits, all 21 län/regioner incl. 09 Gotland); `riket` has two columns",
        "`variabel, varde`. A name column (`kommun`, `lan`, `region`) may be present and is ignored. Every problem of",
        "every table is reported at once (missing or unknown codes, wrong count, missing/unknown columns, non-numeric",
        "values, negative counts, shares outside [0, 1], age groups that do not add up to the population, vårdbehov",
        "cells that do not add up to the region's population) and nothing is computed or written.",
        "",
        "`t` is the utjämningsår. *Regelverk* says which rule sets need the variable. Regions' population and",
        "skatteunderlag are the sums over the län's kommuner (Gotland: kommun outside a region).",
        "",
        "Kinds: *count* — whole number ≥ 0; *share* — in [0, 1]; *percent* — in [0, 100]; *amount* — ≥ 0.",
    ]
    titles = {KOMMUN: "Per kommun (`kommuner.*`, 290 rows)", LAN: "Per län (`lan.*`, 21 rows)",
              REGION: "Per region (`regioner.*`, 21 rows)", RIKET: "Riket (`riket.*`: variabel, varde)"}
    for niva, title in titles.items():
        out += ["", f"## {title}", "", "| variabel | kind | enhet | referensdatum | källa | beskrivning | används i | regelverk |",
                "|---|---|---|---|---|---|---|---|"]
        for v in variables(niva):
            rv = ", ".join(sorted(v.regelverk))
            out.append(f"| `{v.name}` | {v.kind} | {v.unit} | {v.referens} | {v.kalla} | {v.beskrivning} | {v.anvands_i} | {rv} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
