"""The tables of SOU 2024:50 Bilaga 4 (L30557–L45220) from the layers of a comparison (engine/jamfor.py), for
`utjamning jamfor` and the Python API — report building, no law of its own.

Tables (kr per inhabitant): 1 kommuner and 2 regioner per component (förslag, förändring); 3 LSS införandebidrag;
4 kommuner and 5 regioner: fast införandebidrag and införandebidrag year by year until it ends; 6 and 7 per
delmodell; the system effect and the first-year effect with införandebidrag; winners/losers; kommun size bands;
the omfördelning of the kostnadsutjämning per rule set.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from engine import bidrag as b
from engine.jamfor import KOMPONENTER, Lager, bas_totalt, berakna_lager, olika_underlag

#: The layers as a reader calls them (the omfördelning table's 'regelverk' column).
LAGER_NAMN = {"bas": "nuvarande regler", "forslag": "förslaget", "reform": "reform"}
#: Kommun size bands of the effect summary (folkmängd 1 nov t−1): lower bounds, each band up to the next.
STORLEKSKLASSER = (0, 5_000, 10_000, 25_000, 50_000, 100_000, np.inf)


def _tal(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ")


def storleksklass_namn(granser=STORLEKSKLASSER) -> list[str]:
    """The bands' names from their bounds: "< 5 000", "5 000–9 999", …, "≥ 100 000"."""
    return [
        f"< {_tal(hi)}" if lo == 0 else (f"≥ {_tal(lo)}" if hi == np.inf else f"{_tal(lo)}–{_tal(hi - 1)}")
        for lo, hi in itertools.pairwise(granser)
    ]


def tabell_effekter(forslag: Lager, bas: Lager, niva: str) -> pd.DataFrame:
    """Tabell 1 (kommuner) / 2 (regioner): förslag and förändring per component, kr/inv (excl. införandebidrag)."""
    f = forslag.kommun if niva == "kommun" else forslag.region
    bt = bas.kommun if niva == "kommun" else bas.region
    out = pd.DataFrame(index=f.index)
    for c in KOMPONENTER:
        if niva == "region" and c == "svagt_befolkningsunderlag":
            continue
        out[f"{c}_forslag"] = f[c]
        if c in ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "regleringspost"):  # same post in the bas
            out[f"{c}_forandring"] = f[c] - bt[c]
    # the strukturbidrag is replaced by svagt befolkningsunderlag and the fast införandebidrag (Bilaga 4: one column)
    sb = bt["strukturbidrag"] if "strukturbidrag" in bt.columns else 0.0
    if niva == "kommun":
        out["svagt_befolkningsunderlag_och_fast_inforandebidrag_forandring"] = (
            f["svagt_befolkningsunderlag"] + f["fast_inforandebidrag"] - sb
        )
    else:
        out["fast_inforandebidrag_forandring"] = f["fast_inforandebidrag"] - sb
    out["totalt_forslag"] = f["totalt"]
    out["totalt_forandring"] = f["totalt"] - bas_totalt(bt)
    return out


def tabell_inforande(
    ctx, forandring: pd.Series, niva: str, lss_forandring: pd.Series | None = None, fast: pd.Series | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tables 3–5: the införandebidrag of every year until it ends (13 §, 14 §, LSS 6 a §), from the
    bidragsminskning B = −förändring computed once (L25365), passed *signed* (a gain is a negative loss) because the
    yearly financing of the bidrag raises every unit's loss (OPEN-23). Returns (per unit, per year summary)."""
    pop = (ctx.k if niva == "kommun" else ctx.r)[ctx.p.raw("bidrag.regleringspost.befolkning")]
    B = -np.nan_to_num(forandring.to_numpy(dtype="float64"))
    B_lss = None if lss_forandring is None else -np.nan_to_num(lss_forandring.to_numpy(dtype="float64"))
    try:
        s = b.inforandebidrag_schema(ctx, B, B_lss, niva, befolkning=pop, befolkning_lss=pop)
    except b.IngenLosning as exc:
        raise olika_underlag(exc) from None
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
    summ = pd.DataFrame(
        {
            "ar_nr": s["ar_nr"],
            "antal": s["antal"],
            "antal_14_§": s["antal_14"],
            "antal_lss": s["antal_lss"],
            "finansiering_kr_per_inv": s["finansiering"][:, 0],
            "finansiering_lss_kr_per_inv": s["finansiering_lss"][:, 0],
            "inforandebidrag_kr": [float(np.sum(s["inforandebidrag"][i] * pop)) for i in range(len(s["ar_nr"]))],
        }
    )
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
    band = pd.cut(
        befolkning,
        STORLEKSKLASSER,
        right=False,
        labels=storleksklass_namn(),
    )
    rows = []
    for lab, idx in forandring.groupby(band, observed=False).groups.items():
        f, f1, p = forandring.loc[idx], forsta_aret.loc[idx], befolkning.loc[idx]
        rows.append(
            {
                "storleksklass": lab,
                "antal_kommuner": len(idx),
                "befolkning": float(p.sum()),
                "forandring_kr_per_inv": float((f * p).sum() / p.sum()) if len(idx) else np.nan,
                "forsta_aret_kr_per_inv": float((f1 * p).sum() / p.sum()) if len(idx) else np.nan,
                "vinnare": int((f > 0).sum()),
                "forlorare": int((f < 0).sum()),
                "min_kr_per_inv": float(f.min()) if len(idx) else np.nan,
                "max_kr_per_inv": float(f.max()) if len(idx) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def vinnare_forlorare(serier: dict[str, pd.Series]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "effekt": k,
                "vinnare": int((v > 0).sum()),
                "forlorare": int((v < 0).sum()),
                "oforandrade": int((v == 0).sum()),
                "min_kr_per_inv": float(v.min()),
                "max_kr_per_inv": float(v.max()),
            }
            for k, v in serier.items()
        ]
    )


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
        t.insert(
            0,
            "regelverk",
            f"{LAGER_NAMN.get(namn, namn)}: {ctx.p.namn}"
            + (f" + {', '.join(ctx.p.reformer)}" if ctx.p.reformer else ""),
        )
        delar.append(t)
    return pd.concat(delar, ignore_index=True)


def bilaga4_tabeller(
    indata_bas, indata_forslag, params_bas, params_forslag, params_reform=None, bas_utfall=None, fasta_index=None
) -> dict[str, pd.DataFrame]:
    """The whole comparison as the named tables of Bilaga 4 (per-unit tables indexed by kommun_kod / region_kod);
    ``_anmarkningar`` holds the layers' notices."""
    j = berakna_lager(indata_bas, indata_forslag, params_bas, params_forslag, params_reform, bas_utfall, fasta_index)
    bas, bas_c, ctx_b, res_b, results = j.bas, j.bas_beraknad, j.bas_ctx, j.bas_res, j.lager
    tables: dict[str, pd.DataFrame] = {}
    lag, ctx, _ = results["forslag"]
    t1 = tabell_effekter(lag, bas, "kommun")
    t2 = tabell_effekter(lag, bas, "region")
    lss_f = lag.kommun.get("lss_utjamning")
    lss_b = bas.kommun.get("lss_utjamning")
    lss_ch = (lss_f - lss_b) if lss_f is not None and lss_b is not None and lss_b.notna().all() else None
    t4, s4 = tabell_inforande(ctx, t1["totalt_forandring"], "kommun", lss_ch, lag.kommun["fast_inforandebidrag"])
    t5, s5 = tabell_inforande(ctx, t2["totalt_forandring"], "region", None, lag.region["fast_inforandebidrag"])
    tables.update(
        {
            "tabell1_kommuner": t1,
            "tabell2_regioner": t2,
            "tabell4_kommuner_inforande": t4,
            "tabell4_sammanfattning": s4,
            "tabell5_regioner_inforande": t5,
            "tabell5_sammanfattning": s5,
            "tabell6_delmodeller_kommuner": tabell_delmodeller(lag, bas, "kommun"),
            "tabell7_delmodeller_regioner": tabell_delmodeller(lag, bas, "region"),
        }
    )
    if lss_ch is not None:
        t3 = pd.DataFrame({"utfall": lss_f, "forandring": lss_ch})
        for c in [c for c in t4.columns if c.startswith("inforandebidrag_lss_ar")]:
            t3[c] = t4[c]
        tables["tabell3_lss_inforande"] = t3
    pop_k = pd.Series(ctx.k["folkmangd_1nov_t1"], index=t1.index)
    # first year: the införandebidrag is paid, and every kommun finances it through a lower regleringspost (OPEN-23)
    forsta = t1["totalt_forandring"] + t4["inforandebidrag_ar1"] - t4["finansiering_ar1"]
    system = pd.DataFrame(
        {
            "folkmangd_1nov_t1": pop_k,
            "systemeffekt": t1["totalt_forandring"],
            "inforandebidrag_forsta_aret": t4["inforandebidrag_ar1"],
            "finansiering_forsta_aret": t4["finansiering_ar1"],
            "forsta_aret": forsta,
        }
    )
    if lss_ch is not None:
        system["lss_forandring"] = lss_ch
        system["lss_inforandebidrag_forsta_aret"] = t4.get("inforandebidrag_lss_ar1", 0.0)
    tables["systemeffekt_kommuner"] = system
    tables["storleksklasser"] = storleksklasser(t1["totalt_forandring"], forsta, pop_k)
    vf = {
        "kommuner, systemeffekt": t1["totalt_forandring"],
        "kommuner, första året med införandebidrag": forsta,
        "regioner, systemeffekt": t2["totalt_forandring"],
        "regioner, första året med införandebidrag": t2["totalt_forandring"]
        + t5["inforandebidrag_ar1"]
        - t5["finansiering_ar1"],
    }
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
    tables["omfordelning"] = omfordelning_per_lager(
        {"bas": (ctx_b, res_b), **{n: (c, r) for n, (_, c, r) in results.items()}}
    )
    tables["_anmarkningar"] = pd.DataFrame(
        {"anmärkning": [f"Nuvarande regler — {n}" for n in bas_c.notes] + [f"Förslaget — {n}" for n in lag.notes]}
    )
    return tables
