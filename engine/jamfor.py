"""Change analysis in the shape of SOU 2024:50 Bilaga 4 (L30557–L45220): the current rules (bas), the proposal
(förslag) and optionally a user's reform on top of the proposal, compared in one run.

    bas      the current rules (regelverk 2024) computed where the seeds allow, completed or replaced by a table of
             outcomes per kommun/region and component (kr/inv) — e.g. the committee's own 2024 outcomes
             (data/bilaga4: förslag − förändring) or an ekonom's utfall from SCB
    förslag  the proposal (regelverk sou2024), with the fast införandebidrag (lag 11 a §, 12 §) and the regleringspost
             solved jointly "inklusive finansiering" (OPEN-23) against the bas
    reform   the proposal with a reform overlay, treated exactly like the förslag

Tables (kr per inhabitant): 1 kommuner and 2 regioner per component (förslag, förändring); 3 LSS införandebidrag;
4 kommuner and 5 regioner: fast införandebidrag and införandebidrag year by year until it ends; 6 and 7 per
delmodell; the system effect and the first-year effect with införandebidrag; winners/losers; kommun size bands.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine import bidrag as b
from engine import kostnad, register, schema
from engine.common import wmean
from engine.indata import IndataError, parse_numbers, read_csv_text
from engine.model import berakna, build_ctx

#: Components of Tabell 1/2 (in order) and the result column each comes from.
KOMPONENTER = ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "svagt_befolkningsunderlag",
               "fast_inforandebidrag", "regleringspost")
KOLUMN = {"inkomstutjamning": "inkomstutjamning.inkomstutjamning", "kostnadsutjamning": "kostnadsutjamning.kostnadsutjamning",
          "efterslapning": "efterslapning.efterslapning", "svagt_befolkningsunderlag": "svagt_befolkningsunderlag.svagt_befolkningsunderlag",
          "strukturbidrag": "strukturbidrag.strukturbidrag", "regleringspost": "regleringspost.regleringspost",
          "lss_utjamning": "lss.utjamning"}
BAS_KOLUMNER = ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "strukturbidrag", "strukturbidrag_ej_sbu",
                "inforandebidrag", "regleringspost", "totalt", "lss_utjamning")
#: The layers as a reader calls them (the omfördelning table's 'regelverk' column).
LAGER_NAMN = {"bas": "nuvarande regler", "forslag": "förslaget", "reform": "reform"}
STORLEKSKLASSER = (0, 5_000, 10_000, 25_000, 50_000, 100_000, np.inf)


@dataclass
class Lager:
    """One layer's per-unit outcome (kr/inv) per component, and its per-delmodell KU contributions."""

    namn: str
    kommun: pd.DataFrame
    region: pd.DataFrame
    delmodell_kommun: pd.DataFrame = field(default_factory=pd.DataFrame)
    delmodell_region: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)


def _frame(res: dict[str, np.ndarray], index: pd.Index, mapping: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({k: np.asarray(res[c], dtype="float64") for k, c in mapping.items() if c in res}, index=index)


def delmodell_bidrag(ctx, res: dict[str, np.ndarray], niva: str) -> pd.DataFrame:
    """Each delmodell's part of the kostnadsutjämningsbidrag/-avgift: its standardkostnad minus its riket mean,
    weighted like the strukturkostnad's (``befolkning_medelvarde``), so the parts add up to the kostnadsutjämning
    (Bilaga 4 tables 6–7)."""
    vikt = (ctx.k if niva == "kommun" else ctx.r).get(ctx.p.raw("allmant.kostnadsutjamning.befolkning_medelvarde"),
                                                      np.nan)
    lista = [dm.namn for dm in kostnad.delmodeller(ctx.p, niva)]
    out = {d: np.asarray(res[f"{d}.standardkostnad"]) - wmean(res[f"{d}.standardkostnad"], vikt).reshape(-1)[0]
           for d in lista if f"{d}.standardkostnad" in res}
    index = pd.Index(ctx.kommun_kod, name="kommun_kod") if niva == "kommun" else pd.Index(ctx.region_kod, name="region_kod")
    return pd.DataFrame(out, index=index)


def kor_lager(namn: str, indata, params, fasta_index=None):
    """Compute one layer; returns (Lager, ctx, raw results). Every post is per inhabitant of the population amounts
    are paid on, like Bilaga 4 — so the eftersläpning is its kronor over that population (its own kr/inv figure in
    `berakna` is per folkmängd 31 dec t−2, bilaga L2729)."""
    ctx = build_ctx(indata, params, fasta_index)
    res = berakna(ctx)
    k = _frame(res["kommun"], pd.Index(ctx.kommun_kod, name="kommun_kod"), KOLUMN)
    r = _frame(res["region"], pd.Index(ctx.region_kod, name="region_kod"), KOLUMN)
    vikt = ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")
    for t, d, pop in ((k, res["kommun"], ctx.k.get(vikt, np.nan)), (r, res["region"], ctx.r.get(vikt, np.nan))):
        t["efterslapning"] = np.asarray(d["efterslapning.efterslapning_kr"]) / pop
    lager = Lager(namn, k, r, delmodell_bidrag(ctx, res["kommun"], "kommun"), delmodell_bidrag(ctx, res["region"], "region"),
                  list(res.notes))
    return lager, ctx, res


def read_bas_utfall(directory: str | Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """A table of current-rule outcomes: ``kommuner.csv`` (kommun_kod, any of BAS_KOLUMNER and ``ku_<delmodell>``)
    and/or ``regioner.csv`` (region_kod, …), kr per inhabitant. Every problem is reported at once."""
    d = Path(directory)
    problems, out = [], []
    band = schema.band("utfall_t1_kostnadsutjamning_kr_per_inv")      # an outcome in kr/inv, bidrag + / avgift −
    for stem, key, reg in (("kommuner", "kommun_kod", register.kommuner()["kommun_kod"]),
                           ("regioner", "region_kod", register.regioner()["region_kod"])):
        f = d / f"{stem}.csv"
        if not f.is_file():
            out.append(None)
            continue
        t = read_csv_text(f)
        if key not in t.columns:
            problems.append(f"{f}: ingen kolumn {key!r} (bas-utfall)")
            out.append(None)
            continue
        t[key] = t[key].str.strip().str.zfill(4 if key == "kommun_kod" else 2)
        unknown = sorted(set(t[key]) - set(reg))
        missing = sorted(set(reg) - set(t[key]))
        if unknown:
            problems.append(f"{f}: okänd {key} {unknown[:10]}")
        if missing:
            problems.append(f"{f}: {len(missing)} {key} saknas, t.ex. {missing[:10]}")
        dup = t[key].duplicated().any()
        if dup:
            problems.append(f"{f}: {key} förekommer flera gånger: {t.loc[t[key].duplicated(), key].tolist()[:10]}")
        cols = [c for c in t.columns if c in BAS_KOLUMNER or c.startswith("ku_")]
        extra = [c for c in t.columns if c not in cols and c not in (key, "kommun", "region", "lan")]
        if extra:
            problems.append(f"{f}: okända kolumner {extra} (tillåtna: {list(BAS_KOLUMNER)} och ku_<delmodell>)")
        lo, hi = band.fel
        for c in cols:
            v = parse_numbers(t[c])
            x = v.to_numpy(dtype="float64")
            for i in np.flatnonzero((t[c].str.strip() != "").to_numpy() & ~np.isfinite(x)):
                problems.append(f"{f}, rad {i + 2} ({t[key].iloc[i]}), kolumn {c!r}: inte ett ändligt tal: {t[c].iloc[i]!r}")
            for i in np.flatnonzero(np.isfinite(x) & ((x < lo) | (x > hi))):
                problems.append(f"{f}, rad {i + 2} ({t[key].iloc[i]}), kolumn {c!r}: {x[i]:g} kr/inv ligger utanför "
                                f"det rimliga intervallet {band.text(band.fel)} (ett utfall i kronor per invånare)")
            t[c] = v
        out.append(t.set_index(key)[cols].reindex(reg) if not (unknown or missing or dup) else None)
    if problems:
        raise IndataError(problems)
    if out[0] is None and out[1] is None:
        raise IndataError([f"{d}: varken kommuner.csv eller regioner.csv finns (bas-utfall)"])
    return out[0], out[1]


def bas_lager(computed: Lager, bas_kommun: pd.DataFrame | None, bas_region: pd.DataFrame | None) -> Lager:
    """The current-rule layer: computed values, replaced by the bas table wherever it has a value. Under the current
    rules the eftersläpning is a tillägg inside the kostnadsutjämning, so its own column is 0."""
    out = []
    for comp, table in ((computed.kommun, bas_kommun), (computed.region, bas_region)):
        t = comp.copy()
        t["efterslapning"] = 0.0
        if table is not None:
            for c in table.columns:
                if c.startswith("ku_"):
                    continue
                src = table[c].to_numpy(dtype="float64")
                base = t[c].to_numpy(dtype="float64") if c in t.columns else np.full(len(t), np.nan)
                t[c] = np.where(np.isnan(src), base, src)
        out.append(t)
    dk = pd.DataFrame({c[3:]: bas_kommun[c] for c in bas_kommun.columns if c.startswith("ku_")}) if bas_kommun is not None else pd.DataFrame()
    dr = pd.DataFrame({c[3:]: bas_region[c] for c in bas_region.columns if c.startswith("ku_")}) if bas_region is not None else pd.DataFrame()
    return Lager("bas", out[0], out[1], dk, dr, computed.notes)


def bas_regleringspost(bas: Lager, ctx) -> Lager:
    """The current rules' regleringspost where the bas table does not give it but gives the kostnadsutjämning the
    current rules cannot compute: the anslag less the outlay on inkomstutjämning, that kostnadsutjämning (its net in
    kronor is not 0: mean weighted 31 dec t−2, paid per 1 nov t−1), strukturbidrag and införandebidrag (lag
    2004:773 15–16 §§; engine.model.regleringspost does the same inside one run)."""
    for niva, t in (("kommun", bas.kommun), ("region", bas.region)):
        if not t["regleringspost"].isna().any():
            continue
        delar = [t[c] for c in ("inkomstutjamning", "kostnadsutjamning", "strukturbidrag", "inforandebidrag") if c in t.columns]
        if any(d.isna().any() for d in delar):
            continue
        P = (ctx.k if niva == "kommun" else ctx.r)[ctx.p.raw("bidrag.regleringspost.befolkning")]
        anslag = ctx.riket["anslag_kommuner_kr" if niva == "kommun" else "anslag_regioner_kr"]
        t["regleringspost"] = b.regleringspost(ctx, sum(delar).to_numpy() * P, anslag, P)["regleringspost"]
    return bas


def _bas_totalt(t: pd.DataFrame) -> pd.Series:
    if "totalt" in t.columns and t["totalt"].notna().all():
        return t["totalt"]
    parts = ["inkomstutjamning", "kostnadsutjamning", "efterslapning", "strukturbidrag", "inforandebidrag", "regleringspost"]
    return sum(t[c] if c in t.columns else 0.0 for c in parts)


def forslag_med_inforande(lager: Lager, ctx, bas: Lager) -> Lager:
    """Add the fast införandebidrag and the final regleringspost (solved jointly, OPEN-23) to a proposal layer."""
    for niva, t, bt in (("kommun", lager.kommun, bas.kommun), ("region", lager.region, bas.region)):
        pop = (ctx.k if niva == "kommun" else ctx.r)[ctx.p.raw("bidrag.regleringspost.befolkning")]
        anslag = ctx.riket["anslag_kommuner_kr" if niva == "kommun" else "anslag_regioner_kr"]
        ny = t["inkomstutjamning"] + t["kostnadsutjamning"] + t["efterslapning"]
        if niva == "kommun":
            ny = ny + t["svagt_befolkningsunderlag"]
        s = bt["strukturbidrag"] if "strukturbidrag" in bt.columns else pd.Series(0.0, index=bt.index)
        if "strukturbidrag_ej_sbu" in bt.columns and bt["strukturbidrag_ej_sbu"].notna().all():
            s = bt["strukturbidrag_ej_sbu"]
        elif niva == "kommun":
            # the part of the 2025 strukturbidrag that is not svagt befolkningsunderlag (11 a § third paragraph),
            # approximated by what the new svagt befolkningsunderlag does not replace (docs/decisions.md)
            s = np.maximum(s - t["svagt_befolkningsunderlag"], 0.0)
        fib = b.los_fast_inforandebidrag(ctx, _bas_totalt(bt).to_numpy(), ny.to_numpy(), pop, anslag,
                                         np.nan_to_num(np.asarray(s, dtype="float64")), niva)
        t["fast_inforandebidrag"] = fib["fast_inforandebidrag"]
        t["fast_inforandebidrag_stora_forandringar"] = fib["fast_inforandebidrag_stora_forandringar"]
        t["fast_inforandebidrag_strukturbidrag"] = fib["fast_inforandebidrag_strukturbidrag"]
        t["regleringspost"] = fib["regleringspost"]
        t["totalt"] = ny + t["fast_inforandebidrag"] + t["regleringspost"]
        if niva == "region":
            t["svagt_befolkningsunderlag"] = 0.0
    return lager


def tabell_effekter(forslag: Lager, bas: Lager, niva: str) -> pd.DataFrame:
    """Tabell 1 (kommuner) / 2 (regioner): förslag and förändring per component, kr/inv (excl. införandebidrag)."""
    f = forslag.kommun if niva == "kommun" else forslag.region
    bt = bas.kommun if niva == "kommun" else bas.region
    out = pd.DataFrame(index=f.index)
    for c in KOMPONENTER:
        if niva == "region" and c == "svagt_befolkningsunderlag":
            continue
        out[f"{c}_forslag"] = f[c]
        if c in ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "regleringspost"):   # same post in the bas
            out[f"{c}_forandring"] = f[c] - bt[c]
    # the strukturbidrag is replaced by svagt befolkningsunderlag and the fast införandebidrag (Bilaga 4: one column)
    sb = bt["strukturbidrag"] if "strukturbidrag" in bt.columns else 0.0
    if niva == "kommun":
        out["svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring"] = (
            f["svagt_befolkningsunderlag"] + f["fast_inforandebidrag"] - sb)
    else:
        out["fast_inforandebidrag_forandring"] = f["fast_inforandebidrag"] - sb
    out["totalt_forslag"] = f["totalt"]
    out["totalt_forandring"] = f["totalt"] - _bas_totalt(bt)
    return out


def tabell_inforande(ctx, forandring: pd.Series, niva: str, lss_forandring: pd.Series | None = None,
                     fast: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables 3–5: the införandebidrag of every year until it ends (13 §, 14 §, LSS 6 a §), from the
    bidragsminskning B = −förändring computed once (L25365), passed *signed* (a gain is a negative loss) because the
    yearly financing of the bidrag raises every unit's loss (OPEN-23). Returns (per unit, per year summary)."""
    pop = (ctx.k if niva == "kommun" else ctx.r)[ctx.p.raw("bidrag.regleringspost.befolkning")]
    B = -np.nan_to_num(forandring.to_numpy(dtype="float64"))
    B_lss = None if lss_forandring is None else -np.nan_to_num(lss_forandring.to_numpy(dtype="float64"))
    s = b.inforandebidrag_schema(ctx, B, B_lss, niva, befolkning=pop, befolkning_lss=pop)
    t = pd.DataFrame(index=forandring.index)
    t["total_forandring"] = forandring
    if fast is not None:
        t["fast_inforandebidrag"] = fast
    t["bidragsminskning"] = np.maximum(B, 0.0)
    for i, n in enumerate(s["ar_nr"]):
        t[f"inforandebidrag_ar{n}"] = s["inforandebidrag"][i]
        t[f"finansiering_ar{n}"] = s["finansiering"][i]
        if B_lss is not None:
            t[f"inforandebidrag_lss_ar{n}"] = s["inforandebidrag_lss"][i]
    summ = pd.DataFrame({"ar_nr": s["ar_nr"], "antal": s["antal"], "antal_14_§": s["antal_14"], "antal_lss": s["antal_lss"],
                         "finansiering_kr_per_inv": s["finansiering"][:, 0],
                         "finansiering_lss_kr_per_inv": s["finansiering_lss"][:, 0],
                         "inforandebidrag_kr": [float(np.sum(s["inforandebidrag"][i] * pop)) for i in range(len(s["ar_nr"]))]})
    return t, summ


def tabell_delmodeller(forslag: Lager, bas: Lager, niva: str) -> pd.DataFrame:
    """Tables 6–7: each delmodell's part of the kostnadsutjämning (förslag) and its change where the bas table gives
    the current value (``ku_<delmodell>``)."""
    f = forslag.delmodell_kommun if niva == "kommun" else forslag.delmodell_region
    bt = bas.delmodell_kommun if niva == "kommun" else bas.delmodell_region
    out = pd.DataFrame(index=f.index)
    for d in f.columns:
        out[f"{d}_forslag"] = f[d].to_numpy()
        if d in bt.columns:
            out[f"{d}_forandring"] = f[d].to_numpy() - bt[d].to_numpy()
    out["totalt_forslag"] = f.sum(axis=1).to_numpy()
    return out


def storleksklasser(forandring: pd.Series, forsta_aret: pd.Series, befolkning: pd.Series) -> pd.DataFrame:
    """Effects by kommun size band (folkmängd 1 nov t−1): count, population, population-weighted mean change,
    winners and losers, without and with the first year's införandebidrag."""
    band = pd.cut(befolkning, STORLEKSKLASSER, right=False,
                  labels=["< 5 000", "5 000–9 999", "10 000–24 999", "25 000–49 999", "50 000–99 999", "≥ 100 000"])
    rows = []
    for lab, idx in forandring.groupby(band, observed=False).groups.items():
        f, f1, p = forandring.loc[idx], forsta_aret.loc[idx], befolkning.loc[idx]
        rows.append({"storleksklass": lab, "antal_kommuner": len(idx), "befolkning": float(p.sum()),
                     "forandring_kr_per_inv": float((f * p).sum() / p.sum()) if len(idx) else np.nan,
                     "forsta_aret_kr_per_inv": float((f1 * p).sum() / p.sum()) if len(idx) else np.nan,
                     "vinnare": int((f > 0).sum()), "forlorare": int((f < 0).sum()),
                     "min_kr_per_inv": float(f.min()) if len(idx) else np.nan,
                     "max_kr_per_inv": float(f.max()) if len(idx) else np.nan})
    return pd.DataFrame(rows)


def vinnare_forlorare(serier: dict[str, pd.Series]) -> pd.DataFrame:
    return pd.DataFrame([{"effekt": k, "vinnare": int((v > 0).sum()), "forlorare": int((v < 0).sum()),
                          "oforandrade": int((v == 0).sum()), "min_kr_per_inv": float(v.min()), "max_kr_per_inv": float(v.max())}
                         for k, v in serier.items()])


def jamfor(indata_bas, indata_forslag, params_bas, params_forslag, params_reform=None, bas_utfall=None,
           fasta_index=None) -> dict[str, pd.DataFrame]:
    """The whole comparison; returns the named tables (per-unit tables indexed by kommun_kod / region_kod)."""
    try:
        return _jamfor(indata_bas, indata_forslag, params_bas, params_forslag, params_reform, bas_utfall, fasta_index)
    except RuntimeError as exc:
        if "inklusive finansiering" not in str(exc) and "införandebidrag" not in str(exc):
            raise
        # every unit would need the bidrag: the bas and the proposal cannot describe the same kommuner and year
        raise IndataError([f"införandereglerna (lag 2004:773 11 a–14 §§) har ingen lösning för denna jämförelse ({exc}). "
                           "Basens utfall och förslagets indata beskriver troligen olika underlag — t.ex. syntetiska "
                           "demoindata mot kommitténs verkliga utfall 2024 (--bas-bilaga4 kräver de verkliga indata för "
                           "2024)."]) from None


def _jamfor(indata_bas, indata_forslag, params_bas, params_forslag, params_reform, bas_utfall, fasta_index):
    bas_c, ctx_b, res_b = kor_lager("bas", indata_bas, params_bas)
    bk, br = bas_utfall if bas_utfall is not None else (None, None)
    bas = bas_regleringspost(bas_lager(bas_c, bk, br), ctx_b)
    missing = [c for c in ("inkomstutjamning", "kostnadsutjamning", "regleringspost") if bas.kommun[c].isna().any()]
    if missing:
        raise IndataError([f"nuvarande regler kan inte beräkna {', '.join(missing)} för varje kommun (se anmärkningarna "
                           f"nedan) — ange utfallet med --bas-utfall (t.ex. kommitténs utfall: --bas-bilaga4)"]
                          + bas_c.notes[:20])
    tables: dict[str, pd.DataFrame] = {}
    layers = [("forslag", params_forslag)] + ([("reform", params_reform)] if params_reform is not None else [])
    results = {}
    for namn, params in layers:
        lag, ctx, res = kor_lager(namn, indata_forslag, params, fasta_index)
        saknas = [f"{niva}: {c}" for niva, t in (("kommuner", lag.kommun), ("regioner", lag.region))
                  for c in ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "svagt_befolkningsunderlag")
                  if c in t.columns and t[c].isna().any()]
        if saknas:      # the införande rules compare every post: the inputs must give them all
            raise IndataError([f"{namn} ({params.namn}): {', '.join(saknas)} kan inte beräknas med dessa indata; "
                               "jämförelsen kräver alla poster (lag 2004:773 11 a–14 §§)"]
                              + [n for n in lag.notes if "ej tillgänglig" in n][:20])
        lag = forslag_med_inforande(lag, ctx, bas)
        results[namn] = (lag, ctx, res)
    lag, ctx, res = results["forslag"]
    t1 = tabell_effekter(lag, bas, "kommun")
    t2 = tabell_effekter(lag, bas, "region")
    lss_f = lag.kommun["lss_utjamning"] if "lss_utjamning" in lag.kommun else None
    lss_b = bas.kommun["lss_utjamning"] if "lss_utjamning" in bas.kommun else None
    lss_ch = (lss_f - lss_b) if lss_f is not None and lss_b is not None and lss_b.notna().all() else None
    t4, s4 = tabell_inforande(ctx, t1["totalt_forandring"], "kommun", lss_ch, lag.kommun["fast_inforandebidrag"])
    t5, s5 = tabell_inforande(ctx, t2["totalt_forandring"], "region", None, lag.region["fast_inforandebidrag"])
    tables.update({"tabell1_kommuner": t1, "tabell2_regioner": t2, "tabell4_kommuner_inforande": t4,
                   "tabell4_sammanfattning": s4, "tabell5_regioner_inforande": t5, "tabell5_sammanfattning": s5,
                   "tabell6_delmodeller_kommuner": tabell_delmodeller(lag, bas, "kommun"),
                   "tabell7_delmodeller_regioner": tabell_delmodeller(lag, bas, "region")})
    if lss_ch is not None:
        t3 = pd.DataFrame({"utfall": lss_f, "forandring": lss_ch})
        for c in [c for c in t4.columns if c.startswith("inforandebidrag_lss_ar")]:
            t3[c] = t4[c]
        tables["tabell3_lss_inforande"] = t3
    pop_k = pd.Series(ctx.k["folkmangd_1nov_t1"], index=t1.index)
    # first year: the införandebidrag is paid, and every kommun finances it through a lower regleringspost (OPEN-23)
    forsta = t1["totalt_forandring"] + t4["inforandebidrag_ar1"] - t4["finansiering_ar1"]
    system = pd.DataFrame({"folkmangd_1nov_t1": pop_k, "systemeffekt": t1["totalt_forandring"],
                           "inforandebidrag_forsta_aret": t4["inforandebidrag_ar1"],
                           "finansiering_forsta_aret": t4["finansiering_ar1"], "forsta_aret": forsta})
    if lss_ch is not None:
        system["lss_forandring"] = lss_ch
        system["lss_inforandebidrag_forsta_aret"] = t4.get("inforandebidrag_lss_ar1", 0.0)
    tables["systemeffekt_kommuner"] = system
    tables["storleksklasser"] = storleksklasser(t1["totalt_forandring"], forsta, pop_k)
    vf = {"kommuner, systemeffekt": t1["totalt_forandring"], "kommuner, första året med införandebidrag": forsta,
          "regioner, systemeffekt": t2["totalt_forandring"],
          "regioner, första året med införandebidrag": t2["totalt_forandring"] + t5["inforandebidrag_ar1"] - t5["finansiering_ar1"]}
    if "reform" in results:
        rl = results["reform"][0]
        rt1, rt2 = tabell_effekter(rl, bas, "kommun"), tabell_effekter(rl, bas, "region")
        for niva, rt, ft in (("kommuner", rt1, t1), ("regioner", rt2, t2)):
            cmp = pd.DataFrame(index=ft.index)
            for c in [c for c in ft.columns if c.endswith("_forslag")]:
                stem = c[: -len("_forslag")]
                cmp[f"{stem}_forslag"] = ft[c]
                cmp[f"{stem}_reform"] = rt[c]
                cmp[f"{stem}_reform_mot_forslag"] = rt[c] - ft[c]
            cmp["totalt_reform_mot_bas"] = rt["totalt_forandring"]
            tables[f"reform_{niva}"] = cmp
        vf["kommuner, reform mot förslag"] = rt1["totalt_forslag"] - t1["totalt_forslag"]
    tables["vinnare_forlorare"] = vinnare_forlorare(vf)
    tables["omfordelning"] = omfordelning_per_lager({"bas": (ctx_b, res_b), **{n: (c, r) for n, (_, c, r) in results.items()}})
    tables["_anmarkningar"] = pd.DataFrame({"anmärkning": [f"bas: {n}" for n in bas_c.notes] + [f"förslag: {n}" for n in lag.notes]})
    return tables


def omfordelning_per_lager(lager: dict[str, tuple]) -> pd.DataFrame:
    """The SOU's summary of the kostnadsutjämning per rule set (engine/sammanfattning.py): omfördelning, kommuner
    with tillägg / avdrag and the extremes of the kostnadsutjämning, every delmodell and every component — for the
    bas as far as its rule set computes them (the current rules' indices are not in the seeds), the proposal and
    the reform. The posts after the införande rules are in tables 1–5."""
    from engine.sammanfattning import for_run

    delar = []
    for namn, (ctx, res) in lager.items():
        t = for_run(ctx, res)
        t = t[(t["komponent"] != "") | (t["post"] == "kostnadsutjamning")]
        t.insert(0, "regelverk", f"{LAGER_NAMN.get(namn, namn)}: {ctx.p.namn}"
                 + (f" + {', '.join(ctx.p.reformer)}" if ctx.p.reformer else ""))
        delar.append(t)
    return pd.concat(delar, ignore_index=True)


def bas_from_bilaga4(directory: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The committee's current-rule outcome 2024 from its Bilaga 4 tables (data/bilaga4): förslag − förändring per
    component (tables 1–3, 6–7). The strukturbidrag is the svagt befolkningsunderlag + fast införandebidrag förslag
    minus their joint förändring (tabell 1) / the fast införandebidrag förslag minus its förändring (tabell 2)."""
    d = Path(directory)
    t1 = pd.read_csv(d / "tabell1_kommuner.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    t2 = pd.read_csv(d / "tabell2_regioner.csv", dtype={"region_kod": str}).set_index("region_kod")
    t3 = pd.read_csv(d / "tabell3_lss_inforande.csv", dtype={"kommun_kod": str}).set_index("kommun_kod")
    k = pd.DataFrame(index=t1.index)
    k["inkomstutjamning"] = t1["inkomstutjamning_forslag"] - t1["inkomstutjamning_forandring"]
    k["kostnadsutjamning"] = t1["kostnadsutjamning_forslag"] - t1["kostnadsutjamning_forandring"]
    k["strukturbidrag"] = (t1["svagt_befolkningsunderlag_forslag"] + t1["fast_inforandebidrag_forslag"]
                           - t1["svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring"])
    k["totalt"] = t1["totalt_forslag"] - t1["totalt_forandring"]
    k["regleringspost"] = k["totalt"] - k["inkomstutjamning"] - k["kostnadsutjamning"] - k["strukturbidrag"]
    k["lss_utjamning"] = t3["utfall"] - t3["forandring"]
    r = pd.DataFrame(index=t2.index)
    r["inkomstutjamning"] = t2["inkomstutjamning_forslag"] - t2["inkomstutjamning_forandring"]
    r["kostnadsutjamning"] = t2["kostnadsutjamning_forslag"] - t2["kostnadsutjamning_forandring"]
    r["strukturbidrag"] = t2["fast_inforandebidrag_forslag"] - t2["fast_inforandebidrag_forandring"]
    r["totalt"] = t2["totalt_forslag"] - t2["totalt_forandring"]
    r["regleringspost"] = r["totalt"] - r["inkomstutjamning"] - r["kostnadsutjamning"] - r["strukturbidrag"]
    return k, r
