"""LSS-utjämning: utjämning av kostnader för stöd och service till vissa funktionshindrade (lag 2008:342; förordning
2008:776 1, 4–6, 6 a §§ and bilaga, L909–L939, L4345–L4549; chapter 9, L23583–L24700; SPEC §11, §14, OPEN-26/27/28/35).

    cost per insats   bv = RS 5131 / N(9 § 9), bb = RS 5132 / N(9 § 8), fh = 0,45·bb, … (5 §, bilaga L4485–L4529)
    S_k    = Σ_i antal_ik · c_i + FK_k                          grundläggande standardkostnad, kr (4 §, L4379, L4533)
    lön_k  = IBA(max(0, LI−100) · 0,704 · S_k/P_k / 100)        (6 §, L4443)              proposal only
    adm_k  = IBA(0,138 · S_k/P_k · (AI−1) · 0,704)              (6 a §, L4451–L4459)      proposal only
    PKI_k  = (S + 0,70·(PK_k − andel·S)) / S                     (6 § nuvarande, L4439–L4445) current only
    SK_k   = (S_k/P_k · PKI_k + lön_k + adm_k) · KPIF · K       (bilaga L4549; 4 § nuvarande L4381–L4383)
    K      : Σ SK_k·P_k = kommunernas LSS-nettokostnader · KPIF                                     (L4549)
    SK_riket = nettokostnader · KPIF / Σ P                      ("motsvarar kommunernas nettokostnader per
                                                                 invånare … uppräknat med KPIF", L23783 fn 6)
    utjämning_k = SK_k − SK_riket + n,  n uniform so that Σ utjämning_k · P_kr,k = 0        (1 § andra st., L4369)

P = ``lss.befolkning_standardkostnad`` (proposal: 31 dec t−2, L4549; current: 1 nov t−1, L24435); P_kr =
``lss.befolkning_kronor`` (1 nov t−1). Everything is vectorised over kommuner (last axis) and broadcasts over a
scenario axis (parameters of shape (S, 1)). Decisions: docs/decisions.md.
"""

from __future__ import annotations

import numpy as np

from engine.common import invanarbaserat_avdrag, korrigeringsfaktor, kpif_faktor, safe_div
from engine.context import Ctx
from engine.params import EjTillganglig

#: insats → the per-kommun count variable(s) it is priced on (the order of the bilaga's formula, L4533)
INSATSER = ("bv", "bb", "fh", "dv", "kv", "kt", "as", "ls", "kp", "pak", "paf", "pafku")
ANTAL = {
    "bv": "lss_bss_vuxna",
    "bb": "lss_bss_barn",
    "fh": "lss_familjehem_barn",
    "dv": "lss_daglig_verksamhet",
    "kv": "lss_korttidsvistelse",
    "kt": "lss_korttidstillsyn",
    "as": "lss_avlosarservice",
    "ls": "lss_ledsagarservice",
    "kp": "lss_kontaktperson",
}
RS = "lss_rs_{}_kr"


def _n(ctx: Ctx, var: str) -> float:
    """National count: the sum of the kommun counts (decision D1, docs/decisions.md)."""
    return float(np.sum(ctx.k[var]))


def _paf_antal(ctx: Ctx) -> np.ndarray:
    """PAF count per kommun (OPEN-27, ``lss.prislista.paf_omfattar``): every person with assistansersättning under
    51 kap. SFB (``alla_sfb``), or those without the kommun as utförare (``exkl_kommun_utforare``)."""
    las = ctx.p.raw("lss.prislista.paf_omfattar")
    if las == "alla_sfb":
        return ctx.k["lss_pa_sfb"]
    if las == "exkl_kommun_utforare":
        return ctx.k["lss_pa_sfb"] - ctx.k["lss_pa_sfb_kommun_utforare"]
    raise ValueError(f"lss.prislista.paf_omfattar ska vara 'alla_sfb' eller 'exkl_kommun_utforare', inte {las!r}")


def lss_antal_insatser(ctx: Ctx, insatser=INSATSER) -> dict[str, np.ndarray]:
    """Per-kommun counts of each insats as priced in S (4 §, L4379; bilaga L4533–L4545).

    PAK = persons with PA under LSS 9 § 2 *excluding* those who also have bostad med särskild service för vuxna
    (only the BSS counts, L4379, L4535); PAF per OPEN-27; PAFKU = SFB persons with the kommun as utförare."""
    out = {}
    for i in insatser:
        if i in ANTAL:
            out[i] = ctx.k[ANTAL[i]]
        elif i == "pak":
            out[i] = ctx.k["lss_pa_lss"] - ctx.k["lss_pa_lss_och_bss_vuxna"]
        elif i == "paf":
            out[i] = _paf_antal(ctx)
        elif i == "pafku":
            out[i] = ctx.k["lss_pa_sfb_kommun_utforare"]
        else:
            raise KeyError(f"okänd LSS-insats {i!r} (kända: {', '.join(INSATSER)})")
    return out


def lss_kostnad_per_insats(ctx: Ctx) -> dict[str, np.ndarray | float]:
    """Genomsnittlig kostnad per insats i landet, kr per insats in RS-year (t−2) prices (förordning 2008:776 5 §,
    L4393–L4431; bilaga L4485–L4529; SPEC §11).

    ``lss.prislista.modell = rs`` (proposal):
        bv = RS 5131 / N(BSS vuxna, 9 § 9)                                                       (L4491)
        bb = RS 5132 / N(boende 9 § 8: BSS barn + familjehem; ``bb_namnare``)                   (L4493)
        fh = 0,45 · bb                                                                           (L4495)
        pak = (RS 5133 − konto 4538) / (N(9 § 2) + 0,10·N(PAF) + 0,50·N(PAFKU))                (L4505)
        paf = 0,10 · pak ; pafku = 0,50 · pak                                                    (L4507–L4509)
        dv = RS 5135 / N(9 § 10)                                                                 (L4513)
        kv = RS 5139 / (N(9 § 6) + 0,55·N(9 § 7) + 0,25·N(9 § 5) + 0,25·N(9 § 3) + 0,10·N(9 § 4))  (L4517)
        kt, as, ls, kp = 0,55 / 0,25 / 0,25 / 0,10 · kv                                          (L4519–L4529)
    RS amounts are riket inputs; the national counts N are the sums of the kommun counts (docs/decisions.md D1).
    An insats nobody has gets price 0 (it multiplies only zero counts).

    ``lss.prislista.modell = fast`` (current rules): the printed price list, table 9.1 (L23623–L23707), no PAFKU.
    Returns ``{insats: price}``; prices are floats or (S, 1) arrays under a scenario batch.
    """
    modell = ctx.p.raw("lss.prislista.modell")
    if modell == "fast":
        return {i: ctx.p(f"lss.prislista.fast.{i}") for i in INSATSER if ctx.p.has(f"lss.prislista.fast.{i}")}
    if modell != "rs":
        raise ValueError(f"lss.prislista.modell ska vara 'rs' eller 'fast', inte {modell!r}")
    q = "lss.prislista."
    rs = {r: ctx.riket[RS.format(r)] for r in ("5131", "5132", "5133", "5135", "5139", "konto_4538")}
    c: dict[str, np.ndarray | float] = {}
    c["bv"] = safe_div(rs["5131"], _n(ctx, "lss_bss_vuxna"))
    bb_namnare = ctx.p.raw(q + "bb_namnare")
    if bb_namnare == "boende_barn_och_familjehem":
        n_bb = _n(ctx, "lss_bss_barn") + _n(ctx, "lss_familjehem_barn")
    elif bb_namnare == "viktad":
        n_bb = _n(ctx, "lss_bss_barn") + ctx.p(q + "familjehem_andel_av_barn") * _n(ctx, "lss_familjehem_barn")
    else:
        raise ValueError(
            f"lss.prislista.bb_namnare ska vara 'boende_barn_och_familjehem' eller 'viktad', inte {bb_namnare!r}"
        )
    c["bb"] = safe_div(rs["5132"], n_bb)
    c["fh"] = ctx.p(q + "familjehem_andel_av_barn") * c["bb"]
    pak_namnare = ctx.p.raw(q + "pak_namnare")
    if pak_namnare == "alla_beslut_9_2":
        n_pa = _n(ctx, "lss_pa_lss")
    elif pak_namnare == "exkl_bss_vuxna":
        n_pa = _n(ctx, "lss_pa_lss") - _n(ctx, "lss_pa_lss_och_bss_vuxna")
    else:
        raise ValueError(
            f"lss.prislista.pak_namnare ska vara 'alla_beslut_9_2' eller 'exkl_bss_vuxna', inte {pak_namnare!r}"
        )
    a_paf, a_pafku = ctx.p(q + "pa_sfb_andel"), ctx.p(q + "pa_sfb_kommun_utforare_andel")
    den_pa = n_pa + a_paf * float(np.sum(_paf_antal(ctx))) + a_pafku * _n(ctx, "lss_pa_sfb_kommun_utforare")
    c["pak"] = safe_div(rs["5133"] - rs["konto_4538"], den_pa)
    c["paf"] = a_paf * c["pak"]
    c["pafku"] = a_pafku * c["pak"]
    c["dv"] = safe_div(rs["5135"], _n(ctx, "lss_daglig_verksamhet"))
    andel = {
        i: ctx.p(q + f"{namn}_andel")
        for i, namn in (
            ("kt", "korttidstillsyn"),
            ("as", "avlosarservice"),
            ("ls", "ledsagarservice"),
            ("kp", "kontaktperson"),
        )
    }
    den_kv = _n(ctx, ANTAL["kv"]) + sum(andel[i] * _n(ctx, ANTAL[i]) for i in andel)
    c["kv"] = safe_div(rs["5139"], den_kv)
    for i, a in andel.items():
        c[i] = a * c["kv"]
    return {i: c[i] for i in INSATSER}


def lss_grundlaggande_standardkostnad(ctx: Ctx) -> dict[str, np.ndarray]:
    """Grundläggande standardkostnad per kommun in kronor (förordning 2008:776 4 § första stycket, L4379; bilaga
    L4531–L4545; SPEC §11):

        S = BV·bv + BB·bb + FH·fh + DV·dv + KV·kv + KT·kt + AS·as + LS·ls + KP·kp + PAK·pak + PAF·paf + PAFKU·pafku + FK

    with PAK excluding persons who have both PA (9 § 2) and BSS vuxna (9 § 9) and FK = the kommun's ersättning till
    Försäkringskassan under 51 kap. SFB (``lss_ersattning_fk_kr``; source per OPEN-26). Returns ``{"<insats>_kr":
    count × price, "fk_kr": FK, "grundlaggande_standardkostnad_kr": S}`` — kronor, RS-year (t−2) prices."""
    pris = lss_kostnad_per_insats(ctx)
    antal = lss_antal_insatser(ctx, tuple(pris))
    out = {f"{i}_kr": antal[i] * np.asarray(pris[i], dtype="float64") for i in pris}
    out["fk_kr"] = np.asarray(ctx.k["lss_ersattning_fk_kr"], dtype="float64")
    total = 0.0
    for v in out.values():
        total = total + v
    out["grundlaggande_standardkostnad_kr"] = np.asarray(total, dtype="float64")
    return out


def lss_lonekostnader(ctx: Ctx, s_per_inv, befolkning) -> np.ndarray:
    """Tillägg/avdrag för lönekostnadsskillnader (förordning 2008:776 6 § föreslagen lydelse, L4443; 4 § andra
    stycket, L4385–L4389; SPEC §11): g = max(0, LI − 100) · 0,704 · S/P / 100, then the invånarbaserat avdrag
    (weights P = ``lss.befolkning_standardkostnad``). LI = fasta löneindex of förordning 2004:881 (L4447). kr/inv."""
    li = ctx.idx.k("loneindex")
    g = np.maximum(0.0, li - ctx.p("lss.loneindex_troskel")) * ctx.p("lss.lonekostnadsandel") * s_per_inv / 100.0
    return invanarbaserat_avdrag(g, befolkning)


def lss_administration(ctx: Ctx, s_per_inv, befolkning) -> np.ndarray:
    """Tillägg/avdrag för övergripande administration (6 a § föreslagen lydelse, L4451–L4459; SPEC §11):
    g = 0,138 · S/P · (AI − 1) · 0,704, then the invånarbaserat avdrag. AI = fasta index ``administration``
    (L4461; ≥ 1, so the component is asymmetric). kr/inv."""
    ai = ctx.idx.k("administration")
    g = ctx.p("lss.administration_andel") * s_per_inv * (ai - 1.0) * ctx.p("lss.lonekostnadsandel")
    return invanarbaserat_avdrag(g, befolkning)


def lss_personalkostnadsindex(ctx: Ctx, s_kr) -> np.ndarray:
    """Personalkostnadsindex, current rules (förordning 2008:776 6 § nuvarande lydelse, L4439–L4445; L23741–L23757;
    SPEC §14): PKI = (S + 0,70 · (PK_k − andel · S)) / S, PK_k the kommun's computed personalkostnad from RS 2022.

    The seeds give neither the riksgenomsnittlig personalkostnadsandel nor a complete definition of PK_k, so
    ``lss.personalkostnadsindex.personalkostnadsandel`` is ``ej_tillganglig`` and this raises EjTillganglig (NaN +
    notice). With the andel supplied by a reform, PK_k is read from ``lss_personalkostnad_kr`` if the caller
    provides it (it is not a schema input)."""
    andel = ctx.p("lss.personalkostnadsindex.personalkostnadsandel")
    w = ctx.p("lss.personalkostnadsindex.andel_av_skillnad")
    if "lss_personalkostnad_kr" not in ctx.k:
        raise EjTillganglig(
            "lss_personalkostnad_kr",
            "kommunens beräknade personalkostnad (räkenskapssammandraget 2022) är inte indata: definitionen "
            "i förordning 2008:776 6 § nuvarande lydelse trycks inte fullständigt (SOU 2024:50 s. 629)",
        )
    pk = ctx.k["lss_personalkostnad_kr"]
    return safe_div(s_kr + w * (pk - andel * s_kr), s_kr, fill=1.0)


def nivajustering(utjamning_per_inv, befolkning_kronor) -> np.ndarray:
    """Uniform kr/inv n such that Σ (u + n) · P_kr = 0, i.e. Σ avgifter = Σ bidrag in kronor (förordning 2008:776
    1 § andra stycket, L4369: 'ett enhetligt belopp per invånare, som beräknas så att summan av avgifterna motsvarar
    summan av bidragen'). Shape (1,) or (S, 1)."""
    u = np.asarray(utjamning_per_inv, dtype="float64")
    p = np.asarray(befolkning_kronor, dtype="float64")
    return -np.sum(u * p, axis=-1, keepdims=True) / np.sum(p, axis=-1, keepdims=True)


def lss_utjamning(ctx: Ctx) -> dict[str, np.ndarray]:
    """LSS-utjämningsbidrag (+) / -avgift (−) per kommun (lag 2008:342 2–3 §§; förordning 2008:776 1 §, 4–6 a §§,
    bilaga L4547–L4549; SPEC §11, §14; OPEN-28).

    Returns, per kommun (shape (K,) or (S, K)); kr/inv unless the key ends in ``_kr``; ``personalkostnadsindex`` and
    ``korrigeringsfaktor`` are dimensionless:

    * ``grundlaggande_standardkostnad_kr`` S (kronor, RS-year prices) and ``grundlaggande_standardkostnad`` S/P,
    * the parts of the standardkostnad in utjämningsår prices — ``grundlaggande_del`` (S/P·KPIF·K),
      ``personalkostnadsindex_del`` (S/P·(PKI−1)·KPIF·K, current rules), ``lonekostnader`` and ``administration``
      (proposal; × KPIF·K under ``lss.tillagg_placering = fore_kpif_och_korrigering``, × KPIF after K otherwise) —
      which add up to ``standardkostnad``; a component a rule set does not have is 0,
    * ``personalkostnadsindex`` (1 in the proposal), ``korrigeringsfaktor`` K,
    * ``standardkostnad_riket`` = nettokostnader · KPIF / Σ P (L4549, L23783 fn 6; = the P-weighted mean of SK),
    * ``nivajustering`` n (L4369), ``utjamning`` = SK − SK_riket + n and ``utjamning_kr`` = utjamning · P_kr, so that
      Σ utjamning_kr = 0 (Σ bidrag = Σ avgifter).

    Elements the rule set lacks (the current personalkostnadsindex; fasta index tables) make the affected columns NaN
    with a notice in the run's notices; the riket mean is still given (e.g. 6 346 kr/inv in 2024, L23773).
    """
    p_sk = ctx.k[ctx.p.raw("lss.befolkning_standardkostnad")]
    p_kr = ctx.k[ctx.p.raw("lss.befolkning_kronor")]
    grund = lss_grundlaggande_standardkostnad(ctx)
    s_kr = grund["grundlaggande_standardkostnad_kr"]
    s_inv = safe_div(s_kr, p_sk)
    f = kpif_faktor(ctx.p("allmant.kpif"), ctx.ar)
    netto = ctx.riket["lss_nettokostnad_kr"]
    riket = netto * f / np.sum(p_sk, axis=-1, keepdims=True)  # genomsnittlig standardkostnad (L23783)

    modell = ctx.p.raw("lss.modell")
    noll = np.zeros_like(s_inv)
    if modell == "tillagg":
        pki = np.ones_like(s_inv)
        lon = ctx.komponent("lss.lonekostnader", lss_lonekostnader, ctx, s_inv, p_sk)
        adm = ctx.komponent("lss.administration", lss_administration, ctx, s_inv, p_sk)
        placering = ctx.p.raw("lss.tillagg_placering")
    elif modell == "personalkostnadsindex":
        pki = ctx.komponent("lss.personalkostnadsindex", lss_personalkostnadsindex, ctx, s_kr)
        lon = adm = noll
        placering = "fore_kpif_och_korrigering"
    else:
        raise ValueError(f"lss.modell ska vara 'tillagg' eller 'personalkostnadsindex', inte {modell!r}")

    if placering == "fore_kpif_och_korrigering":  # (S/P·PKI + lön + adm) · KPIF · K  (OPEN-28, chosen)
        modellvarde = (s_inv * pki + lon + adm) * f
        k = korrigeringsfaktor(modellvarde, riket, p_sk)
        skala = f * k
        lon_del, adm_del = lon * skala, adm * skala
    elif placering == "efter_korrigering":  # S/P · KPIF · K + (lön + adm) · KPIF
        modellvarde = s_inv * pki * f
        k = korrigeringsfaktor(modellvarde, riket, p_sk)
        skala = f * k
        lon_del, adm_del = lon * f, adm * f
    else:
        raise ValueError(
            f"lss.tillagg_placering ska vara 'fore_kpif_och_korrigering' eller 'efter_korrigering', inte {placering!r}"
        )
    if modell == "personalkostnadsindex":  # no lön/administration tillägg in the current rules
        lon_del = adm_del = noll
    grund_del = s_inv * skala
    pki_del = s_inv * (pki - 1.0) * skala
    sk = grund_del + pki_del + lon_del + adm_del
    diff = sk - riket
    n = nivajustering(diff, p_kr)
    utj = diff + n
    out = {
        "grundlaggande_standardkostnad_kr": s_kr,
        "grundlaggande_standardkostnad": s_inv,
        "grundlaggande_del": grund_del,
        "personalkostnadsindex_del": pki_del,
        "lonekostnader": lon_del,
        "administration": adm_del,
        "standardkostnad": sk,
        "personalkostnadsindex": pki,
        "korrigeringsfaktor": k,
        "standardkostnad_riket": riket,
        "nivajustering": n,
        "utjamning": utj,
        "utjamning_kr": utj * p_kr,
    }
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()), np.shape(p_kr))
    return {key: np.broadcast_to(np.asarray(v, dtype="float64"), shape).copy() for key, v in out.items()}
