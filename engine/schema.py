"""The input schema: every variable the engine reads, per kommun, per län, per region and for the whole country.

One catalogue drives validation (engine/indata.py), the demo generator (pipelines/demo_indata.py) and the documentation
(docs/inputs.md is generated from it: ``python tools/inputs_md.py > docs/inputs.md``; a test keeps them equal).
Reference dates follow SPEC.md §13; ``t`` is the utjämningsår.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from engine.paths import DATA

KOMMUN, LAN, REGION, RIKET = "kommun", "lan", "region", "riket"
#: Plausibility bands of every numeric input (data/rimlighet.yaml): an error band and a warning band per variable.
RIMLIGHET = DATA / "rimlighet.yaml"
BADA = frozenset({"sou2024", "nuvarande"})

#: kinds: how a value is checked (and its default band in data/rimlighet.yaml)
#:   count   whole number ≥ 0 (persons)          share  in [0, 1]         percent  in [0, 100]
#:   amount  ≥ 0 (kr, km, m, days)               signed any finite number (bidrag +, avgift −)


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
    #: a substitute for what a rule set cannot compute (e.g. a published net): never generated for the demo
    ersattning: bool = False


def _v(name, niva, kind, unit, referens, kalla, beskrivning, anvands_i, regelverk=BADA, ersattning=False):
    return Variable(name, niva, kind, unit, referens, kalla, beskrivning, anvands_i, frozenset(regelverk), ersattning)


def _sei(
    delmodell,
    namn,
    grupp,
    paragraf,
    sida,
    regelverk,
    utbildning_nu="",
    inkomst_def="",
    vistelse="högst fyra års vistelsetid i Sverige",
):
    """The three shares behind a socioekonomiskt index (bilaga L2363–L2373, L2407–L2421, L2457–L2467): parents with
    at most two-year gymnasieskola [t−2], low disposable income [t−3], short time in Sweden [t−2]."""
    anv = f"{namn} socioekonomi ({paragraf}; bilaga, SOU 2024:50 s. {sida})"
    return (
        _v(
            f"sei_{delmodell}_utbildning",
            KOMMUN,
            "share",
            "andel",
            "t−2",
            _SEI,
            f"Andel {grupp} vars föräldrar har högst tvåårig gymnasieutbildning{utbildning_nu}",
            anv,
            regelverk,
        ),
        _v(
            f"sei_{delmodell}_inkomst",
            KOMMUN,
            "share",
            "andel",
            "t−3",
            _SEI,
            f"Andel {grupp} i hushåll med låg disponibel inkomst{inkomst_def}",
            anv,
            regelverk,
        ),
        _v(
            f"sei_{delmodell}_vistelsetid",
            KOMMUN,
            "share",
            "andel",
            "t−2",
            _SEI,
            f"Andel {grupp} med {vistelse}",
            anv,
            regelverk,
        ),
    )


#: The age partition at 31 Dec t−2: these must add up to folkmangd_31dec_t2 for every kommun.
ALDERSGRUPPER = (
    "bef_0",
    "bef_1_5",
    "bef_6",
    "bef_7_9",
    "bef_10_12",
    "bef_13_15",
    "bef_16_18",
    "bef_19_64",
    "bef_65_74",
    "bef_75_79",
    "bef_80_84",
    "bef_85_89",
    "bef_90_w",
)
#: Ensamboende per äldreomsorg age band; each must be ≤ its band.
ENSAMBOENDE = {
    "ensamboende_65_74": "bef_65_74",
    "ensamboende_75_79": "bef_75_79",
    "ensamboende_80_84": "bef_80_84",
    "ensamboende_85_89": "bef_85_89",
    "ensamboende_90_w": "bef_90_w",
}
#: The 28 cells of the hälso- och sjukvård matrix (bilaga L2603–L2685); they must add up to the region's population.
HOS_CELLER = (
    "hos_0_q1",
    "hos_0_q2",
    "hos_0_q34",
    "hos_1_5_q1",
    "hos_1_5_q2",
    "hos_1_5_q34",
    "hos_6_18",
    *[
        f"hos_{a}_{c}"
        for a in ("19_29", "30_49", "50_66")
        for c in ("ej_syss_sjuka", "ej_syss_ovriga", "syss_lagutb_lagink", "syss_hogink", "syss_ovriga")
    ],
    "hos_67_75_lagink",
    "hos_67_75_ovriga",
    "hos_76_79_lagink",
    "hos_76_79_ovriga",
    "hos_80_89",
    "hos_90_w",
)

_BE = "SCB BE0101 (befolkningsstatistik)"
_SEI = "SCB, beställd statistik (utbildningsregistret, inkomst- och taxeringsregistret, RTB)"

VARIABLES: tuple[Variable, ...] = (
    # --- population ---------------------------------------------------------------------------------------------
    _v(
        "folkmangd_1nov_t1",
        KOMMUN,
        "count",
        "inv",
        "1 nov t−1",
        _BE,
        "Folkmängd 1 november året före utjämningsåret",
        "inkomstutjämning (skattekraft per invånare) och varje belopp i kronor som betalas per invånare (lag 2004:773 "
        "3 §, SOU 2024:50 s. 38)",
    ),
    _v(
        "folkmangd_31dec_t2",
        KOMMUN,
        "count",
        "inv",
        "31 dec t−2",
        _BE,
        "Folkmängd 31 december två år före utjämningsåret",
        "korrigeringsfaktorer, invånarbaserade avdrag, standardkostnad per inv (SOU 2024:50 s. 64, 84, 649)",
    ),
    _v(
        "folkmangd_1nov_t2",
        KOMMUN,
        "count",
        "inv",
        "1 nov t−2",
        _BE,
        "Folkmängd 1 november två år före utjämningsåret",
        "eftersläpning (SOU 2024:50 s. 76–77)",
    ),
    _v(
        "folkmangd_1nov_t6",
        KOMMUN,
        "count",
        "inv",
        "1 nov t−6",
        _BE,
        "Folkmängd 1 november sex år före utjämningsåret",
        "eftersläpning, villkoret över fyra år (SOU 2024:50 s. 76)",
    ),
    _v(
        "folkmangd_31dec_t7",
        KOMMUN,
        "count",
        "inv",
        "31 dec t−7",
        _BE,
        "Folkmängd 31 december sju år före utjämningsåret",
        "befolkningsminskning (SOU 2024:50 s. 73)",
    ),
    *[
        _v(
            g,
            KOMMUN,
            "count",
            "inv",
            "31 dec t−2",
            _BE,
            f"Folkmängd i åldern {g[4:].replace('_w', '+').replace('_', '–')} år",
            "åldersersättningar (förskola, grundskola, gymnasieskola, äldreomsorg); "
            "grupperna summerar till folkmangd_31dec_t2",
        )
        for g in ALDERSGRUPPER
    ],
    *[
        _v(
            e,
            KOMMUN,
            "count",
            "inv",
            "31 dec t−2",
            "SCB, hushållsstatistik (RTB)",
            f"Ensamboende i åldern {e[12:].replace('_w', '+').replace('_', '–')} "
            "år (resten av åldersgruppen är sammanboende)",
            "äldreomsorg, korrigerad åldersersättning (14 a §, SOU 2024:50 s. 85)",
        )
        for e in ENSAMBOENDE
    ],
    _v(
        "bef_16_20",
        KOMMUN,
        "count",
        "inv",
        "31 dec t−2",
        _BE,
        "Folkmängd i åldern 16–20 år (överlappar åldersindelningen)",
        "gymnasieskola socioekonomi: vikterna för rikets andelar i det socioekonomiska indexet för ungdomar "
        "16–20 år (bilaga, SOU 2024:50 s. 83)",
        {"sou2024"},
    ),
    *[
        _v(
            f"bef_{g}_31dec_t7",
            KOMMUN,
            "count",
            "inv",
            "31 dec t−7",
            _BE,
            f"Folkmängd i åldern {g.replace('_', '–')} år sju år före utjämningsåret",
            f"befolkningsförändringar, nuvarande regler ({par}: förändringen över fem år 31 dec t−7 → t−2)",
            {"nuvarande"},
        )
        for g, par in (
            ("1_5", "6 g §, SOU 2024:50 s. 56"),
            ("6_15", "7 e §, SOU 2024:50 s. 59"),
            ("16_18", "8 e §, SOU 2024:50 s. 62"),
        )
    ],
    # --- tax base -------------------------------------------------------------------------------------------------
    _v(
        "skatteunderlag_kr",
        KOMMUN,
        "amount",
        "kr",
        "taxeringsår t−1 (inkomstår t−2), uppräknat",
        "Skatteverket (slutlig skatt, 56 kap. 2 § SFL), uppräknat enligt lag (1965:269)",
        "Uppräknat skatteunderlag (beskattningsbar förvärvsinkomst) för kommunal inkomstskatt",
        "inkomstutjämning (lag 3 §, SOU 2024:50 s. 38), befolkningsminskning (SOU 2024:50 s. 87); regionernas "
        "underlag = summan i länet",
    ),
    _v(
        "kommunalskatt_2022",
        KOMMUN,
        "percent",
        "procent",
        "2022",
        "SCB, kommunalskattesatser",
        "Kommunens egen skattesats 2022",
        "befolkningsminskning, intäkt per invånare (SOU 2024:50 s. 87)",
        {"sou2024"},
    ),
    # --- förskola -------------------------------------------------------------------------------------------------
    *_sei(
        "forskola",
        "förskola",
        "barn 1–5 år",
        "6 d §",
        80,
        BADA,
        utbildning_nu=" (nuvarande: saknar eftergymnasial)",
        inkomst_def=" (< 60 % av medianen per konsumtionsenhet)",
        vistelse="minst en förälder med högst fyra års vistelsetid i Sverige (nuvarande: uppehållstillstånd)",
    ),
    # --- grundskola -----------------------------------------------------------------------------------------------
    _v(
        "utlandsk_bakgrund_7_15",
        KOMMUN,
        "count",
        "inv",
        "31 dec t−2",
        "SCB (utländsk bakgrund)",
        "Barn 7–15 år med utländsk bakgrund (nuvarande: födda utanför Sverige, Norge, Danmark eller båda föräldrarna)",
        "grundskola modersmål och svenska som andraspråk (7 b §, SOU 2024:50 s. 81)",
    ),
    *_sei("grundskola", "grundskola", "barn 6–15 år", "7 e §", 81, {"sou2024"}),
    # --- gymnasieskola --------------------------------------------------------------------------------------------
    _v(
        "gy_elever",
        KOMMUN,
        "count",
        "elever",
        "läsår HT t−2/VT t−1",
        "Skolverket (elever per hemkommun och program)",
        "Gymnasieelever folkbokförda i kommunen (hemkommun)",
        "programvalsfaktor (8 c §, SOU 2024:50 s. 82)",
    ),
    _v(
        "gy_programkostnad_kr",
        KOMMUN,
        "amount",
        "kr",
        "läsår HT t−2/VT t−1",
        "Skolverket (riksprislistan) × elever per program",
        "Σ över program av elever·riksgenomsnittlig kostnad per elev på programmet",
        "programvalsfaktor step 1 (8 c §), socioekonomi (8 e §)",
    ),
    *_sei("gymnasieskola", "gymnasieskola", "ungdomar 16–20 år", "8 e §", 83, {"sou2024"}),
    _v(
        "gymnasiefrekvens",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "Skolverket/SCB",
        "Andel 16–18-åringar som går i gymnasieskola",
        "gymnasiefrekvens (8 f §, SOU 2024:50 s. 62)",
        {"sou2024"},
    ),
    # --- individ- och familjeomsorg ------------------------------------------------------------------------------
    _v(
        "ifo_lag_inkomststandard_0_19",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "SCB (inkomst- och taxeringsregistret)",
        "Andel 0–19 år i hushåll med låg inkomststandard, justerad för ekonomiskt bistånd (och gränspendling, bilaga)",
        "IFO barn och unga, övrig IFO (9 a–9 b §§, SOU 2024:50 s. 83–84)",
    ),
    _v(
        "ifo_flerfamiljshus_1965_1975",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "SCB (bostadsbeståndet)",
        "Andel invånare i flerbostadshus byggda 1965–1975",
        "IFO barn och unga (SOU 2024:50 s. 84)",
    ),
    _v(
        "ohalsotal",
        KOMMUN,
        "amount",
        "dagar per person 16–64",
        "t−2",
        "Försäkringskassan",
        "Ohälsotal: nettodagar med sjukpenning, sjuk- och aktivitetsersättning per person 16–64 år",
        "IFO barn och unga (SOU 2024:50 s. 84)",
    ),
    _v(
        "tatortsbefolkning",
        KOMMUN,
        "count",
        "inv",
        "senaste tätortsavgränsning",
        "SCB (tätorter)",
        "Invånare i tätorter (≥ 200 inv.)",
        "övrig IFO (√T, SOU 2024:50 s. 84)",
    ),
    _v(
        "ifo_ensamstaende_kvinnor_18_44_med_barn",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "SCB (RTB)",
        "Andel ensamboende kvinnor 18–44 år med barn 0–17 år",
        "övrig IFO (SOU 2024:50 s. 84)",
        {"sou2024"},
    ),
    _v(
        "ifo_lagutbildade_20_40_fodda_i_sverige",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "SCB (utbildningsregistret)",
        "Andel lågutbildade 20–40 år födda i Sverige",
        "IFO, nuvarande modell (tabell 6.21, SOU 2024:50 s. 406)",
        {"nuvarande"},
    ),
    _v(
        "granspendling",
        KOMMUN,
        "share",
        "andel",
        "2014 (uppdateras inte, SOU 2024:50 s. 409)",
        "SCB (kostnadsutjämningens beräkningsunderlag)",
        "Variabel för justering av hushållsinkomster som beror på gränspendling "
        "till Norge och Danmark: kombinerar andel 0–19 år "
        "i ekonomiskt utsatta hushåll med andel av befolkningen som pendlar "
        "över nationsgränsen (Malmö 87,6 %, Lidingö 0,6 %)",
        "IFO, nuvarande modell (9 § nuvarande lydelse SOU 2024:50 s. 64; tabell 6.21 SOU 2024:50 s. 406; SOU 2024:50 "
        "s. 409)",
        {"nuvarande"},
    ),
    # --- vuxenutbildning ------------------------------------------------------------------------------------------
    _v(
        "komvux_malgrupp_grundlaggande",
        KOMMUN,
        "count",
        "personer",
        "t−2",
        "SCB (utbildningsregistret)",
        "Personer 20–56 år utan fullständig grundskoleutbildning",
        "kommunal vuxenutbildning (SOU 2024:50 s. 394–395)",
    ),
    _v(
        "komvux_malgrupp_gymnasial",
        KOMMUN,
        "count",
        "personer",
        "t−2",
        "SCB (utbildningsregistret)",
        "Personer 20–56 år med högst nioårig grundskola",
        "kommunal vuxenutbildning",
    ),
    _v(
        "komvux_malgrupp_sfi",
        KOMMUN,
        "count",
        "personer",
        "t−2",
        "SCB/Migrationsverket",
        "Utrikes födda 20–64 år med uppehållstillstånd kortare tid än fem år",
        "kommunal vuxenutbildning",
    ),
    _v(
        "forvarvsfrekvens",
        KOMMUN,
        "share",
        "andel",
        "t−2",
        "SCB (RAMS/BAS)",
        "Förvärvsfrekvens 20–64 år (förslaget: inklusive gränspendlare)",
        "kommunal vuxenutbildning, förvärvsfrekvens (SOU 2024:50 s. 68)",
    ),
    # --- äldreomsorg ----------------------------------------------------------------------------------------------
    _v(
        "dodsfall_faktiska",
        KOMMUN,
        "count",
        "personer",
        "t−6 … t−2",
        _BE,
        "Faktiskt antal avlidna 65 år och äldre under femårsperioden",
        "äldreomsorg, dödlighet (14 b §, SOU 2024:50 s. 85)",
    ),
    _v(
        "dodsfall_forvantade",
        KOMMUN,
        "amount",
        "personer",
        "t−6 … t−2",
        _BE,
        "Förväntat antal avlidna 65+ vid rikets åldersspecifika dödstal",
        "äldreomsorg, dödlighet (14 b §, SOU 2024:50 s. 85)",
    ),
    _v(
        "fodda_utanfor_norden_65_w",
        KOMMUN,
        "count",
        "inv",
        "31 dec t−2",
        _BE + " (födelseland)",
        "Personer 65 år och äldre födda utanför Norden (Sverige, Norge, "
        "Danmark, Finland, Island); ≤ bef_65_74 + … + bef_90_w",
        "äldreomsorg, personer födda utanför Norden (14 c § nuvarande lydelse, SOU 2024:50 s. 70)",
        {"nuvarande"},
    ),
    # --- politisk verksamhet, kollektivtrafik, svagt befolkningsunderlag ------------------------------------------
    _v(
        "medeldistans_3000_km",
        KOMMUN,
        "amount",
        "km",
        "2022 (ligger fast)",
        "data/gleshet/frysta_matt_2022.csv (kommitténs värden ur SOU "
        "2024:50 bilaga 4 tabell 6; övriga: utjamning gleshet, "
        "medeldistans_km)",
        "Medeldistans för att samla 3 000 invånare (kommitténs definition: Manhattanavstånd, egen ruta medräknad)",
        "politisk verksamhet (20 a §, SOU 2024:50 s. 88)",
        {"sou2024"},
    ),
    _v(
        "tatort_over_11000_bef",
        KOMMUN,
        "count",
        "inv",
        "tätortsgrad 2020 (uppdateras vart femte år)",
        "SCB (tätorter)",
        "Invånare i kommunens tätorter med mer än 11 000 invånare",
        "kollektivtrafik: länets T11 (SOU 2024:50 s. 90) och fördelningen i fyra län (SOU 2024:50 s. 91)",
    ),
    _v(
        "invanardistans_m",
        KOMMUN,
        "amount",
        "m",
        "t−2",
        "SCB / utjamning gleshet",
        "Invånardistans (genomsnittligt avstånd mellan invånarna vid jämn spridning)",
        "kollektivtrafik, fördelning inom län (SOU 2024:50 s. 91)",
    ),
    _v(
        "regionalt_befolkningsunderlag",
        KOMMUN,
        "count",
        "inv",
        "2022 (ligger fast)",
        "utjamning gleshet",
        "Invånare inom 112,5 km väg från centralorten",
        "svagt befolkningsunderlag (lag 11 §, SOU 2024:50 s. 661–662)",
        {"sou2024"},
    ),
    _v(
        "lokalt_befolkningsunderlag",
        KOMMUN,
        "count",
        "inv",
        "2022 (ligger fast)",
        "utjamning gleshet",
        "Invånare inom 37,5 km väg från centralorten",
        "svagt befolkningsunderlag",
        {"sou2024"},
    ),
    # --- bidrag utanför kostnadsutjämningen (engine/bidrag.py) ----------------------------------------------------
    _v(
        "folkmangd_31dec_2022",
        KOMMUN,
        "count",
        "inv",
        "31 dec 2022 (ligger fast)",
        _BE,
        "Folkmängd 31 december 2022 (det fasta bidraget för svagt befolkningsunderlag beräknas på 2022 års uppgifter)",
        "svagt befolkningsunderlag, avdrag (1 + (P − 20 000)/100 000) (lag 11 §, SOU 2024:50 s. 40; SOU 2024:50 s. "
        "661)",
        {"sou2024"},
    ),
    _v(
        "skatteunderlag_t1_kr",
        KOMMUN,
        "amount",
        "kr",
        "inkomstutjämningen år t−1 (taxeringsår t−2, uppräknat)",
        "Skatteverket / SCB (skatteunderlaget i utjämningen år t−1)",
        "Uppräknat skatteunderlag som användes vid beräkningen av inkomstutjämningen året före utjämningsåret",
        "eftersläpning: inkomstutjämningen t−1 omräknad med den uppräknade folkmängden (bilaga, SOU 2024:50 "
        "s. 92); medelskattekraften t−1 = Σ / Σ folkmangd_1nov_t2; regioner: summan i länet",
        {"sou2024"},
    ),
    *[
        _v(
            f"utfall_t1_{d}_kr_per_inv",
            KOMMUN,
            "signed",
            "kr/inv",
            "utfall år t−1",
            "SCB (utjämningens utfall t−1)",
            f"Kommunens {text} året före utjämningsåret, kr per invånare (bidrag +, avgift −){extra}",
            "eftersläpning (bilaga, SOU 2024:50 s. 92: posterna per invånare år t−1 × uppräknad folkmängd)",
            {"sou2024"},
        )
        for d, text, extra in (
            (
                "kostnadsutjamning",
                "kostnadsutjämningsbidrag/-avgift",
                " (nuvarande regler: inklusive tillägget för eftersläpning)",
            ),
            (
                "svagt_befolkningsunderlag",
                "bidrag för svagt befolkningsunderlag",
                " (t−1 enligt nuvarande regler: strukturbidraget; bara summan av posterna år t−1 spelar roll)",
            ),
            ("fast_inforandebidrag", "fasta införandebidrag", " (0 before 2026)"),
            ("inforandebidrag", "införandebidrag (13–14 §§)", ""),
        )
    ],
    _v(
        "strukturbidrag_kr_per_inv",
        KOMMUN,
        "amount",
        "kr/inv",
        "utjämningsår t (beslutat belopp)",
        "SCB (utjämningens utfall)",
        "Strukturbidrag enligt lag 11 § nuvarande lydelse (2004 svagt befolkningsunderlag + 2013 belopp över 0,22 % av "
        "skatteunderlaget 2014), beslutat belopp; beloppen för 2004, 2013 och 2014 finns inte i verktygets källor",
        "strukturbidrag, nuvarande regler (SOU 2024:50 s. 40–41)",
        {"nuvarande"},
    ),
    # --- nuvarande regler: fasta klassindelningar (räddningstjänst, administration) -------------------------------
    _v(
        "raddningstjanst_klass_invanardistans_m",
        KOMMUN,
        "amount",
        "m",
        "klassindelningens underlag (2014–2016; uppdateras inte, SOU 2024:50 s. 544)",
        "SCB (kostnadsutjämningens beräkningsunderlag)",
        "Invånardistans som kommunens fasta klass i nuvarande räddningstjänstkomponent bygger på (> 300 m ger tillägg)",
        "infrastruktur och skydd, räddningstjänst (15 § 3 nuvarande lydelse; tabell 6.74, SOU 2024:50 s. 544)",
        {"nuvarande"},
    ),
    _v(
        "raddningstjanst_klass_lokalt_befolkningsunderlag",
        KOMMUN,
        "count",
        "inv",
        "klassindelningens underlag (2014–2016; uppdateras inte, SOU 2024:50 s. 544)",
        "SCB (kostnadsutjämningens beräkningsunderlag)",
        "Lokalt befolkningsunderlag som kommunens fasta klass i nuvarande "
        "räddningstjänstkomponent bygger på (< 8 000 / < 20 000 / ≥ 20 000)",
        "infrastruktur och skydd, räddningstjänst (tabell 6.74, SOU 2024:50 s. 544)",
        {"nuvarande"},
    ),
    _v(
        "administration_klass_invanardistans_m",
        KOMMUN,
        "amount",
        "m",
        "klassindelningens underlag (2014–2016; uppdateras inte, SOU 2024:50 s. 507–508)",
        "SCB (kostnadsutjämningens beräkningsunderlag)",
        "Invånardistans som kommunens fasta klass i nuvarande administrationskomponent bygger på (> 350 m)",
        "verksamhetsövergripande kostnader, administration (16 § 5 nuvarande lydelse; tabell 6.58, SOU 2024:50 s. "
        "507–508)",
        {"nuvarande"},
    ),
    _v(
        "administration_klass_folkmangd",
        KOMMUN,
        "count",
        "inv",
        "klassindelningens underlag (2014–2016; uppdateras inte, SOU 2024:50 s. 507–508)",
        "SCB (kostnadsutjämningens beräkningsunderlag)",
        "Folkmängd som kommunens fasta klass i nuvarande administrationskomponent "
        "bygger på (< 8 000 / < 25 000 / ≥ 25 000)",
        "verksamhetsövergripande kostnader, administration (tabell 6.58, SOU 2024:50 s. 507–508)",
        {"nuvarande"},
    ),
    # --- LSS-utjämning (lag 2008:342, förordning 2008:776; SPEC §11) ----------------------------------------------
    *[
        _v(
            f"lss_{n}",
            KOMMUN,
            "count",
            "personer",
            "1 okt t−2 (förslaget: medel av minst två mättillfällen, SOU 2024:50 s. 645)",
            "Socialstyrelsen (statistik om insatser enligt LSS)",
            f"Personer med verkställt beslut om {d}",
            f"LSS-utjämning, grundläggande standardkostnad ({u}; förordning 2008:776 4 §, SOU 2024:50 s. 112; bilaga "
            f"s. 118)",
        )
        for n, d, u in (
            (
                "bss_vuxna",
                "bostad med särskild service för vuxna (LSS 9 § 9)",
                "BV; bv = RS 5131 / Σ, SOU 2024:50 s. 116",
            ),
            (
                "bss_barn",
                "bostad med särskild service för barn och ungdomar (LSS 9 § 8), utom familjehem",
                "BB; bb = RS 5132 / Σ (BB + FH), SOU 2024:50 s. 116",
            ),
            ("familjehem_barn", "boende i familjehem för barn och ungdomar (LSS 9 § 8)", "FH, SOU 2024:50 s. 116"),
            (
                "pa_lss",
                "personlig assistans (LSS 9 § 2), samtliga, "
                "även de som också har bostad med särskild service för vuxna",
                "PAK = lss_pa_lss − lss_pa_lss_och_bss_vuxna; nämnaren i pak, SOU 2024:50 s. 117",
            ),
            (
                "pa_lss_och_bss_vuxna",
                "både personlig assistans (9 § 2) och bostad med särskild service för vuxna (9 § 9); "
                "≤ lss_pa_lss och ≤ lss_bss_vuxna",
                "räknas inte i PAK: bara bostaden räknas, SOU 2024:50 s. 112, 118",
            ),
            ("daglig_verksamhet", "daglig verksamhet (LSS 9 § 10)", "DV; dv = RS 5135 / Σ, SOU 2024:50 s. 117"),
            (
                "korttidsvistelse",
                "korttidsvistelse utanför det egna hemmet (LSS 9 § 6)",
                "KV; kv = RS 5139 / (…), SOU 2024:50 s. 117",
            ),
            ("korttidstillsyn", "korttidstillsyn för skolungdom över 12 år (LSS 9 § 7)", "KT, SOU 2024:50 s. 117"),
            ("avlosarservice", "avlösarservice i hemmet (LSS 9 § 5)", "AS, SOU 2024:50 s. 117"),
            ("ledsagarservice", "ledsagarservice (LSS 9 § 3)", "LS, SOU 2024:50 s. 118"),
            ("kontaktperson", "biträde av kontaktperson (LSS 9 § 4)", "KP, SOU 2024:50 s. 118"),
        )
    ],
    _v(
        "lss_pa_sfb",
        KOMMUN,
        "count",
        "personer",
        "1 okt t−2",
        "Försäkringskassan (assistansersättning)",
        "Personer i kommunen beviljade personlig assistans (assistansersättning) "
        "enligt 51 kap. socialförsäkringsbalken",
        "LSS-utjämning PAF (förordning 2008:776 4 §, SOU 2024:50 s. 112; bilaga, SOU 2024:50 s. 117)",
    ),
    _v(
        "lss_pa_sfb_kommun_utforare",
        KOMMUN,
        "count",
        "personer",
        "1 okt t−2",
        "Försäkringskassan (assistansersättning, anordnare)",
        "Personer med assistansersättning enligt 51 kap. SFB där kommunen är utförare; ≤ lss_pa_sfb",
        "LSS-utjämning PAFKU (5 §, SOU 2024:50 s. 113; bilaga, SOU 2024:50 s. 117)",
        {"sou2024"},
    ),
    _v(
        "lss_ersattning_fk_kr",
        KOMMUN,
        "amount",
        "kr",
        "år t−2",
        "Försäkringskassan (förslaget, SOU 2024:50 s. 645–646) / SCB RS konto 4538 (nuvarande, 4 § SOU 2024:50 s. 112)",
        "Kommunens ersättning till Försäkringskassan enligt 51 kap. SFB "
        "(assistansersättningens första 20 timmar per vecka)",
        "LSS-utjämning, Försäkringskassans ersättning i den grundläggande standardkostnaden (4 §, SOU 2024:50 s. 112; "
        "bilaga, SOU 2024:50 s. 118–119)",
    ),
    # --- län ------------------------------------------------------------------------------------------------------
    _v(
        "pendlare_andel_procent",
        LAN,
        "percent",
        "procent",
        "t−2",
        "SCB (RAMS/BAS)",
        "Andel förvärvsarbetande i länet som pendlar över kommungräns",
        "kollektivtrafik, länsmodell (SOU 2024:50 s. 90)",
    ),
    _v(
        "medeldistans_15000_km",
        LAN,
        "amount",
        "km",
        "t−2",
        "utjamning gleshet (medeldistans per län)",
        "Medeldistans för att samla 15 000 invånare i länet",
        "kollektivtrafik, länsmodell (SOU 2024:50 s. 90)",
        {"sou2024"},
    ),
    # --- regioner -------------------------------------------------------------------------------------------------
    *[
        _v(
            c,
            REGION,
            "count",
            "inv",
            "31 dec t−2",
            "SCB (beställd statistik: ålder, inkomstkvartil, sysselsättning, utbildning)",
            f"Invånare i cellen {c[4:]} av vårdbehovsmatrisen",
            "hälso- och sjukvård, vårdbehov (bilaga, SOU 2024:50 s. 88–90)",
            {"sou2024"},
        )
        for c in HOS_CELLER
    ],
    *[
        _v(
            f"region_utfall_t1_{d}_kr_per_inv",
            REGION,
            "signed",
            "kr/inv",
            "utfall år t−1",
            "SCB (utjämningens utfall t−1)",
            f"Regionens {text} året före utjämningsåret, kr per invånare (bidrag +, avgift −)",
            "eftersläpning, regioner (bilaga, SOU 2024:50 s. 92)",
            {"sou2024"},
        )
        for d, text in (
            ("kostnadsutjamning", "kostnadsutjämningsbidrag/-avgift (nuvarande regler: inklusive eftersläpning)"),
            ("fast_inforandebidrag", "fasta införandebidrag (t−1 enligt nuvarande regler: strukturbidraget)"),
            ("inforandebidrag", "införandebidrag"),
        )
    ],
    _v(
        "region_strukturbidrag_kr_per_inv",
        REGION,
        "amount",
        "kr/inv",
        "utjämningsår t (beslutat belopp)",
        "SCB (utjämningens utfall)",
        "Strukturbidrag enligt lag 12 § nuvarande lydelse (2004 små regioner "
        "+ 2013 belopp över 0,11 % av skatteunderlaget 2014), "
        "beslutat belopp",
        "strukturbidrag, nuvarande regler (SOU 2024:50 s. 41–42)",
        {"nuvarande"},
    ),
    # --- riket ----------------------------------------------------------------------------------------------------
    _v(
        "anslag_kommuner_kr",
        RIKET,
        "amount",
        "kr",
        "utjämningsår t",
        "Statsbudgeten, anslag 1:1 UO 25 (kommunernas del)",
        "Anslaget för kommunalekonomisk utjämning, kommunernas del",
        "regleringspost kommuner (lag 15–16 §§, SOU 2024:50 s. 43)",
    ),
    _v(
        "anslag_regioner_kr",
        RIKET,
        "amount",
        "kr",
        "utjämningsår t",
        "Statsbudgeten, anslag 1:1 UO 25 (regionernas del)",
        "Anslaget för kommunalekonomisk utjämning, regionernas del",
        "regleringspost regioner (lag 15–16 §§, SOU 2024:50 s. 43)",
    ),
    *[
        _v(
            f"kostnadsutjamning_netto_{n}_kr",
            RIKET,
            "signed",
            "kr",
            "utjämningsår t",
            "SCB:s utfall / SKR:s cirkulär (2024: −97 mnkr kommuner, −42 mnkr regioner, SKR 23:62)",
            f"Kostnadsutjämningens nettoutfall i kronor för {n} (bidrag − "
            "avgifter): valfri, används bara där regelverket "
            "inte kan beräkna kostnadsutjämningen (nuvarande regler)",
            f"regleringspost {n} (lag 15–16 §§): statens utgift för "
            "kostnadsutjämningen (medel vägt 31 dec t−2, betalas per "
            "1 nov t−1)",
            ersattning=True,
        )
        for n in ("kommuner", "regioner")
    ],
    *[
        _v(
            f"utfall_t1_regleringspost_{n}_kr_per_inv",
            RIKET,
            "signed",
            "kr/inv",
            "utfall år t−1",
            "SCB (utjämningens utfall t−1)",
            f"Regleringsbidrag (+) / -avgift (−) för {t} året före utjämningsåret, kr per invånare",
            f"eftersläpning, {t} (bilaga, SOU 2024:50 s. 92)",
            {"sou2024"},
        )
        for n, t in (("kommun", "kommuner"), ("region", "regioner"))
    ],
    _v(
        "modersmal_larlon_manad",
        RIKET,
        "amount",
        "kr/månad",
        "t−2",
        "SCB (lönestrukturstatistik)",
        "Genomsnittlig månadslön för grundskollärare i kommunal skola (exkl. lönekostnadspålägg)",
        "modersmål (7 b §, SOU 2024:50 s. 81)",
    ),
    _v(
        "modersmal_heltidstjanster",
        RIKET,
        "amount",
        "heltidstjänster",
        "läsår HT t−2/VT t−1",
        "Skolverket",
        "Heltidstjänster för modersmålsundervisning och svenska som andraspråk i grundskolan",
        "modersmål (7 b §, SOU 2024:50 s. 81)",
    ),
    _v(
        "modersmal_deltagande_elever",
        RIKET,
        "count",
        "elever",
        "läsår HT t−2/VT t−1",
        "Skolverket",
        "Elever i grundskolan som deltog i modersmålsundervisning eller svenska som andraspråk",
        "modersmål, nuvarande regler: nämnaren i kostnaden per elev (SFS 2023:683 bilaga)",
        {"nuvarande"},
    ),
    *[
        _v(
            f"lss_rs_{n}_kr",
            RIKET,
            "amount",
            "kr",
            "RS år t−2",
            "SCB, räkenskapssammandraget (RS) för kommunerna",
            f"Kommunernas nettokostnader, {d}",
            f"LSS-utjämning, genomsnittskostnad per insats ({u}; förordning 2008:776 5 §, SOU 2024:50 s. 112–113)",
            {"sou2024"},
        )
        for n, d, u in (
            (
                "5131",
                "RS rad 5131 (bostad med särskild service för vuxna, LSS 9 § 9)",
                "bv, bilaga (SOU 2024:50 s. 116)",
            ),
            ("5132", "RS rad 5132 (boende för barn och ungdomar, LSS 9 § 8)", "bb, bilaga (SOU 2024:50 s. 116)"),
            (
                "5133",
                "RS rad 5133 (personlig assistans, inklusive ersättning till Försäkringskassan)",
                "pak, bilaga (SOU 2024:50 s. 117)",
            ),
            ("5135", "RS rad 5135 (daglig verksamhet, LSS 9 § 10)", "dv, bilaga (SOU 2024:50 s. 117)"),
            ("5139", "RS rad 5139 (övriga LSS-insatser)", "kv, bilaga (SOU 2024:50 s. 117)"),
            (
                "konto_4538",
                "konto 4538: kommunernas ersättning till Försäkringskassan för personlig assistans enligt 51 kap. SFB",
                "dras från RS 5133 i pak, bilaga (SOU 2024:50 s. 117)",
            ),
        )
    ],
    _v(
        "lss_nettokostnad_kr",
        RIKET,
        "amount",
        "kr",
        "RS år t−2",
        "SCB, räkenskapssammandraget (RS) för kommunerna",
        "Kommunernas sammanlagda nettokostnader för LSS-verksamheten inklusive "
        "ersättning till Försäkringskassan (2022: 61,5 mdkr)",
        "LSS-utjämning, korrigeringsfaktor och rikets medelvärde (bilaga, SOU 2024:50 s. 119; SOU 2024:50 s. 623, "
        "627, 630)",
    ),
)

BY_NAME = {v.name: v for v in VARIABLES}


@dataclass(frozen=True)
class Band:
    """Plausibility band of one input (data/rimlighet.yaml): outside ``fel`` is an input error, outside ``varning``
    (but inside ``fel``) a note; ``per`` divides the value by another variable of the same row first."""

    fel: tuple[float, float]
    varning: tuple[float, float] | None = None
    per: str | None = None
    enhet: str = ""
    skal: str = ""

    def text(self, interval: tuple[float, float]) -> str:
        """``[a, b] enhet`` with Swedish number formatting."""
        return f"[{format_number(interval[0])}, {format_number(interval[1])}]" + (
            f" {self.enhet}" if self.enhet else ""
        )


def format_number(x: float) -> str:
    """A number as a Swedish reader writes it: space between thousands, decimal comma, ∞."""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x != 0 and (abs(x) >= 1e9 or abs(x) < 1e-3):
        return f"{x:.3g}".replace(".", ",")
    return f"{x:,.10g}".replace(",", " ").replace(".", ",")


def _interval(pair) -> tuple[float, float]:
    lo, hi = pair
    return (-math.inf if lo is None else float(lo), math.inf if hi is None else float(hi))


def _band(d: dict) -> Band:
    return Band(
        _interval(d["fel"]),
        _interval(d["varning"]) if "varning" in d else None,
        d.get("per"),
        str(d.get("enhet", "")),
        str(d.get("skal", "")),
    )


@lru_cache(maxsize=1)
def _rimlighet() -> dict:
    from engine.params import load_yaml

    return load_yaml(RIMLIGHET)


def band(name: str) -> Band:
    """The plausibility band of input variable ``name``: its own entry, else its kind's default."""
    doc = _rimlighet()
    own = doc["indata"].get(name)
    return _band(own if own is not None else doc["standard"][BY_NAME[name].kind])


def fasta_index_band(column: str) -> Band:
    """The plausibility band of a fasta index column (every value must be > 0)."""
    doc = _rimlighet()["fasta_index"]
    return _band(doc.get(column, doc["standard"]))


def bilaga4_check() -> dict:
    """Tolerance (kr/inv) and year of the check behind ``jamfor --bas-bilaga4`` (data/rimlighet.yaml)."""
    return dict(_rimlighet()["bilaga4"])


def variables(niva: str, regelverk: str | None = None) -> list[Variable]:
    return [v for v in VARIABLES if v.niva == niva and (regelverk is None or regelverk in v.regelverk)]


def markdown() -> str:
    """docs/inputs.md, generated from this catalogue."""
    out = [
        "# Indata — the engine's input schema",
        "",
        "Generated from `engine/schema.py` (`python tools/inputs_md.py > docs/inputs.md`); a test keeps it in sync.",
        "",
        "An input directory holds one table per level, as CSV, Parquet or XLSX (`kommuner.*`, `lan.*`, `regioner.*`,",
        "`riket.*`), or one XLSX workbook `indata.xlsx` with those four sheets. Keys: `kommun_kod` (4 digits, all 290",
        "kommuner), `lan_kod` and `region_kod` (2 digits, all 21 "
        "län/regioner incl. 09 Gotland); `riket` has two columns",
        "`variabel, varde`. A name column (`kommun`, `lan`, `region`) may be present and is ignored.",
        "",
        "**Give what you have.** Only `kommuner.*` is required, and no column is: every component whose inputs are",
        "present is computed, every other one is marked *ej tillgänglig* naming the missing inputs (in",
        "`anmarkningar.txt` and the Sammanfattning). The minimum for the inkomstutjämning of kommuner and regioner is",
        "`kommun_kod, folkmangd_1nov_t1, skatteunderlag_kr`. What is given is validated strictly: every problem of",
        "every table is reported at once (missing or unknown codes, wrong count, unknown columns, non-numeric",
        "values, negative counts, shares outside [0, 1], age groups that do not add up to the population, vårdbehov",
        "cells that do not add up to the region's population) and nothing is computed or written.",
        "",
        "`t` is the utjämningsår. *Regelverk* says which rule sets need the variable. Regions' population and",
        "skatteunderlag are the sums over the län's kommuner (Gotland: kommun outside a region).",
        "",
        "Kinds: *count* — whole number ≥ 0; *share* — in [0, 1]; *percent* — in [0, 100]; *amount* — ≥ 0;",
        "*signed* — any sign (bidrag +, avgift −).",
        "",
        "*Rimligt* is the plausibility band of `data/rimlighet.yaml`: a value outside the first interval (*fel*) is an",
        "input error (a wrong unit such as percent given as a fraction "
        "or tkr instead of kr, zero where the law divides",
        "by the value, a nonsense magnitude); outside the second "
        "(*varning*) it is legal but unusual and gets a note in",
        "the output's anmärkningar. `per X` means the value divided by X of the same row (e.g. kr per invånare).",
    ]
    titles = {
        KOMMUN: "Per kommun (`kommuner.*`, 290 rows)",
        LAN: "Per län (`lan.*`, 21 rows)",
        REGION: "Per region (`regioner.*`, 21 rows)",
        RIKET: "Riket (`riket.*`: variabel, varde)",
    }
    for niva, title in titles.items():
        out += [
            "",
            f"## {title}",
            "",
            "| variabel | kind | enhet | rimligt (fel; varning) | referensdatum "
            "| källa | beskrivning | används i | regelverk |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for v in variables(niva):
            rv = ", ".join(sorted(v.regelverk))
            b = band(v.name)
            rim = f"{'per ' + b.per + ': ' if b.per else ''}{b.text(b.fel)}" + (
                f"; {b.text(b.varning)}" if b.varning else ""
            )
            out.append(
                f"| `{v.name}` | {v.kind} | {v.unit} | {rim} | {v.referens} | {v.kalla} | {v.beskrivning} | "
                f"{v.anvands_i} | {rv} |"
            )
    out += [
        "",
        "## Länsvisa skattesatser (`lansvisa_skattesatser.*`, optional, 21 rows)",
        "",
        "The länsvisa skattesatser of the utjämningsår (förordning 2004:881 2–3 §§), in percent: columns",
        "`region_kod` (all 21, 09 = Gotland, the kommun outside a region), `kommun_bidrag`, `region_bidrag`,",
        "`kommun_avgift`, `region_avgift` (a `lan` name column is ignored). A rule set whose rates are those of the",
        "year's förordning (`inkomstutjamning.skattesatser_indata: true`, the current rules) uses it instead of its",
        "shipped SFS 2023:683 rates; the proposal keeps its own and says so in the anmärkningar. Example: the 2019",
        "rates in `data/exempel/2019/`.",
    ]
    return "\n".join(out) + "\n"
