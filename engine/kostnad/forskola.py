"""Delmodell 1: förskola, fritidshem och annan pedagogisk verksamhet (förordning 2004:881 6–6 g §§; SPEC §3.1).

Also holds the building blocks the three school delmodeller share (age groups, åldersersättning from the
``aldersersattning_termer`` of the rule set, socioekonomiskt index, befolkningsförändringar of the current rules).
Each tillägg/avdrag is a module-level function ``f(ctx, d)`` registered in engine/kostnad/__init__.py; it returns the
*gross* amount (kr/inv before the invånarbaserat avdrag), the registry applies the avdrag, and the delmodell's
columns are the net amounts (the law's "tillägg eller avdrag").
"""

from __future__ import annotations

import numpy as np

from engine.common import kostnad_per_person, kpif_faktor, safe_div, wmean
from engine.context import Ctx
from engine.kostnad.tillagg import gles_bebyggelsestruktur_brutto, kpif, overgripande_administration_brutto

#: Age groups (31 Dec t−2) as sums of the schema's age variables.
ALDERSGRUPPER = {
    "1_5": ("bef_1_5",),
    "6": ("bef_6",),
    "6_9": ("bef_6", "bef_7_9"),
    "10_12": ("bef_10_12",),
    "6_12": ("bef_6", "bef_7_9", "bef_10_12"),
    "1_12": ("bef_1_5", "bef_6", "bef_7_9", "bef_10_12"),
    "7_15": ("bef_7_9", "bef_10_12", "bef_13_15"),
    "6_15": ("bef_6", "bef_7_9", "bef_10_12", "bef_13_15"),
    "16_18": ("bef_16_18",),
    "16_20": ("bef_16_20",),
}


def antal(ctx: Ctx, grupp: str) -> np.ndarray:
    """Number of inhabitants of an age group per kommun (31 Dec t−2)."""
    return sum(ctx.k[v] for v in ALDERSGRUPPER[grupp])


def aldersersattningar(ctx: Ctx, delmodell: str) -> dict[str, np.ndarray]:
    """Åldersersättning per receiving age group, kr/inv (6 a §, 7 a §, 8 a §; SPEC §3.1 item 1, OPEN-6/7).

    Each term ``{grupp, verksamhet, andel, fordelas_pa}`` of ``<delmodell>.aldersersattning_termer`` adds a cost per
    child of ``grupp``: andel · SC_verksamhet · F_KPIF · P_riket / N_riket(fordelas_pa), where SC is the genomsnittlig
    standardkostnad (bilaga L2331, kr/inv 2022) and F the KPIF factor t−1, t (L2349–L2351). AE_k = N_k(grupp)/P_k ·
    cost, so the population-weighted mean of the whole AE equals Σ andel·SC·F over the terms. P = folkmängd 31 dec t−2.
    """
    f = kpif(ctx)
    p_riket = np.sum(ctx.P)
    out: dict[str, np.ndarray] = {}
    for t in ctx.p.raw(f"{delmodell}.aldersersattning_termer"):
        sc = ctx.p(f"standardkostnader.{t['verksamhet']}") * f
        c = float(t["andel"]) * kostnad_per_person(sc, p_riket, np.sum(antal(ctx, t["fordelas_pa"])))
        out[t["grupp"]] = out.get(t["grupp"], 0.0) + safe_div(antal(ctx, t["grupp"]), ctx.P) * c
    return out


def socioekonomiskt_index(ctx: Ctx, variabler, vikt) -> np.ndarray:
    """SEI_k = mean over the variables of share_k / national share (bilaga L2363–L2373, L2407–L2421, L2457–L2467).

    The national share ("medelvärdet för motsvarande grupp i landet") is the share weighted by the age group's
    number of inhabitants ``vikt``, i.e. the share of the whole country's age group."""
    kvoter = [safe_div(ctx.k[v], wmean(ctx.k[v], vikt)) for v in variabler]
    return sum(kvoter) / len(kvoter)


def befolkningsforandringar(ctx: Ctx, delmodell: str) -> np.ndarray:
    """Current rules only: tillägg för förändringar av antalet barn/ungdomar (6 g §, 7 e §, 8 e § nuvarande lydelse,
    L1513–L1531, L1627–L1651, L1739–L1761; SPEC §14). Gross, kr/inv (the invånarbaserat avdrag follows).

    Five-year change r_k = N_k(t−2)/N_k(t−7) − 1 and r_riket likewise. Same direction as riket: the part of the
    change beyond |r_riket| + 2 pp; opposite direction (or riket unchanged): the part beyond 2 pp. The excess
    share × N_k(t−7) children × belopp (2016 prices, uprated with KPIF 2017 … t−2) / P_k.
    """
    pre = f"{delmodell}.befolkningsforandringar"
    grupp = ctx.p.raw(f"{pre}_grupp")
    n2, n7 = antal(ctx, grupp), ctx.k[f"bef_{grupp}_31dec_t7"]
    r_k = safe_div(n2 - n7, n7)
    r_r = (np.sum(n2) - np.sum(n7)) / np.sum(n7)
    samma = np.sign(r_k) == np.sign(r_r)
    excess = np.maximum(0.0, np.abs(r_k) - np.where(samma, abs(r_r), 0.0) - ctx.p(f"{pre}_troskel"))
    belopp = ctx.p(f"{pre}_belopp") * kpif_faktor(
        ctx.p("allmant.kpif"), ctx.ar - 2, ar_fran=int(ctx.p.raw(f"{pre}_prisbasar"))
    )
    return safe_div(excess * n7, ctx.P) * belopp


def gles_brutto(ctx: Ctx, kolumn: str, ae) -> np.ndarray:
    """Gles bebyggelsestruktur before the avdrag: (GI − 1) · AE (6 e §, 7 c §, 8 b §; SPEC §3.0(c), OPEN-5)."""
    return gles_bebyggelsestruktur_brutto(ctx, kolumn, ae)


def administration_brutto(ctx: Ctx, namn: str, ae) -> np.ndarray:
    """Övergripande administration before the avdrag: 0,138 · AE · (AI − 1) · lönekostnadsandel
    (6 g §, 7 f §, 8 g §; SPEC §3.0(b))."""
    return overgripande_administration_brutto(ctx, ae, ctx.p(f"{namn}.lonekostnadsandel"))


def grund(ctx: Ctx) -> dict[str, np.ndarray]:
    """The åldersersättning per receiving age group (6 a §): ``aldersersattning`` (all groups), ``1_5`` and
    ``6_12`` (the rest), which several tillägg are proportional to."""
    ae_grupper = aldersersattningar(ctx, "forskola")
    ae15 = ae_grupper["1_5"]
    ae = sum(ae_grupper.values())
    return {"aldersersattning": ae, "1_5": ae15, "6_12": ae - ae15}


def aldersersattning(ctx: Ctx, d) -> np.ndarray:
    """Åldersersättning (6 § 1, 6 a §): 1–5, 6–9, 10–12 år (current rules: 1–5 and 6–12 år, pedagogisk omsorg over
    1–12 år), kr/inv; no avdrag."""
    return d.grund["aldersersattning"]


def behov_forskola(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för behov av förskola (6 § 2, 6 b §; not reproduced, OPEN-5): (index − 1) · AE 1–5 år
    (chapter L9405), before the avdrag."""
    return (ctx.idx.k("behov_forskola") - 1.0) * d.grund["1_5"]


def behov_fritidshem(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för behov av fritidshem (6 § 3, 6 c §; OPEN-5): (index − 1) · AE 6–12 år (chapter
    L9421), before the avdrag."""
    return (ctx.idx.k("behov_fritidshem") - 1.0) * d.grund["6_12"]


def socioekonomi(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för socioekonomiska skillnader (6 § 4, 6 d §, L1477–L1487): 0,05 · AE 1–5 år ·
    (SEI − 1) (current rules: SEI without − 1), before the avdrag."""
    n = "forskola"
    sei = socioekonomiskt_index(ctx, ctx.p.raw(f"{n}.socioekonomi_variabler"), antal(ctx, "1_5"))
    return ctx.p(f"{n}.socioekonomi_andel") * d.grund["1_5"] * (sei - ctx.p(f"{n}.socioekonomi_index_avdrag"))


def gles_bebyggelse(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för gles bebyggelsestruktur (6 § 5, 6 e §): (glesbygd_forskola − 1) · AE 1–5 år (L9445),
    before the avdrag."""
    return gles_brutto(ctx, "glesbygd_forskola", d.grund["1_5"])


def overgripande_administration(ctx: Ctx, d) -> np.ndarray:
    """Tillägg eller avdrag för övergripande administration (6 § 7, 6 g § föreslagen lydelse): 0,138 · AE · (AI − 1)
    · 0,791, before the avdrag; the base is AE of both age groups or of 1–5 år (``forskola.administration_bas``)."""
    n = "forskola"
    bas = (
        d.grund["1_5"]
        if ctx.p.raw(f"{n}.administration_bas") == "aldersersattning_1_5"
        else d.grund["aldersersattning"]
    )
    return administration_brutto(ctx, n, bas)


def befolkningsforandringar_komponent(ctx: Ctx, d) -> np.ndarray:
    """Tillägg för förändringar av antalet barn 1–5 år (6 § 7, 6 g § nuvarande lydelse): 13 000 kr (2016) per child
    beyond 2 procentenheter, before the avdrag (:func:`befolkningsforandringar`)."""
    return befolkningsforandringar(ctx, d.delmodell)


def forskola(ctx: Ctx) -> dict[str, np.ndarray]:
    """Standardkostnad för förskola, fritidshem och annan pedagogisk verksamhet, kr/inv (förordning 6 § 1–7,
    L1417–L1437; 6 a–6 g §§, L1439–L1537; bilaga L2353–L2381; SPEC §3.1; current rules SPEC §14): the registered
    components of the rule set (engine/kostnad/__init__.py) after their invånarbaserat avdrag, and their sum.

    * aldersersattning (6 a §): 1–5, 6–9, 10–12 år (current: 1–5, 6–12 with pedagogisk omsorg over 1–12).
    * behov_forskola / behov_fritidshem (6 b §, 6 c §, not reproduced, OPEN-5): (index − 1) · AE of 1–5 resp.
      6–12 år (chapter L9405, L9421), then the invånarbaserat avdrag.
    * socioekonomi (6 d §, L1477–L1487): 0,05 · AE_1–5 · (SEI − 1) (current: SEI without − 1), avdrag.
    * gles_bebyggelse (6 e §): (glesbygd_forskola − 1) · AE_1–5 (L9445), avdrag.
    * strukturellt_lonelage (6 f §): JL = (items 1–5 [+ 7]) · 0,791 (current 0,738).
    * overgripande_administration (6 g § proposed): 0,138 · AE · (AI − 1) · 0,791, avdrag.
    * befolkningsforandringar (6 g § current): 13 000 kr (2016) per child beyond 2 pp, avdrag.
    """
    from engine.kostnad import berakna_delmodell

    return berakna_delmodell(ctx, "forskola")
