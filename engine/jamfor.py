"""Change analysis in the shape of SOU 2024:50 Bilaga 4 (L30557–L45220): the current rules (bas), the proposal
(förslag) and optionally a user's reform on top of the proposal, computed in one run — the law's part.

    bas      the current rules (regelverk nuvarande) computed where the seeds allow, completed or replaced by a table
             of outcomes per kommun/region and component (kr/inv) — e.g. the committee's own 2024 outcomes
             (data/bilaga4: förslag − förändring) or an ekonom's utfall from SCB (read by pipelines/bas_utfall.py)
    förslag  the proposal (regelverk sou2024), with the fast införandebidrag (lag 11 a §, 12 §) and the regleringspost
             solved jointly "inklusive finansiering" (OPEN-23) against the bas
    reform   the proposal with a reform overlay, treated exactly like the förslag

:func:`berakna_lager` returns the layers (:class:`Jamforelse`); the tables of Bilaga 4 are built from them by
pipelines/jamfor_tabeller.py. This module reads no file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine import bidrag as b
from engine import kostnad
from engine.common import wmean
from engine.indata import IndataError
from engine.model import berakna, build_ctx
from engine.sammanfattning import POST_NAMN

#: Components of Tabell 1/2 (in order) and the result column each comes from.
KOMPONENTER = (
    "inkomstutjamning",
    "kostnadsutjamning",
    "efterslapning",
    "svagt_befolkningsunderlag",
    "fast_inforandebidrag",
    "regleringspost",
)
KOLUMN = {
    "inkomstutjamning": "inkomstutjamning.inkomstutjamning",
    "kostnadsutjamning": "kostnadsutjamning.kostnadsutjamning",
    "efterslapning": "efterslapning.efterslapning",
    "svagt_befolkningsunderlag": "svagt_befolkningsunderlag.svagt_befolkningsunderlag",
    "strukturbidrag": "strukturbidrag.strukturbidrag",
    "regleringspost": "regleringspost.regleringspost",
    "lss_utjamning": "lss.utjamning",
}
#: The columns a table of current-rule outcomes may give (besides ``ku_<delmodell>``).
BAS_KOLUMNER = (
    "inkomstutjamning",
    "kostnadsutjamning",
    "efterslapning",
    "strukturbidrag",
    "strukturbidrag_ej_sbu",
    "inforandebidrag",
    "regleringspost",
    "totalt",
    "lss_utjamning",
)


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
    vikt = (ctx.k if niva == "kommun" else ctx.r).get(
        ctx.p.raw("allmant.kostnadsutjamning.befolkning_medelvarde"), np.nan
    )
    lista = [dm.namn for dm in kostnad.delmodeller(ctx.p, niva)]
    out = {
        d: np.asarray(res[f"{d}.standardkostnad"]) - wmean(res[f"{d}.standardkostnad"], vikt).reshape(-1)[0]
        for d in lista
        if f"{d}.standardkostnad" in res
    }
    index = (
        pd.Index(ctx.kommun_kod, name="kommun_kod") if niva == "kommun" else pd.Index(ctx.region_kod, name="region_kod")
    )
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
    lager = Lager(
        namn,
        k,
        r,
        delmodell_bidrag(ctx, res["kommun"], "kommun"),
        delmodell_bidrag(ctx, res["region"], "region"),
        list(res.notes),
    )
    return lager, ctx, res


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
    dk = (
        pd.DataFrame({c[3:]: bas_kommun[c] for c in bas_kommun.columns if c.startswith("ku_")})
        if bas_kommun is not None
        else pd.DataFrame()
    )
    dr = (
        pd.DataFrame({c[3:]: bas_region[c] for c in bas_region.columns if c.startswith("ku_")})
        if bas_region is not None
        else pd.DataFrame()
    )
    return Lager("bas", out[0], out[1], dk, dr, computed.notes)


def bas_regleringspost(bas: Lager, ctx) -> Lager:
    """The current rules' regleringspost where the bas table does not give it but gives the kostnadsutjämning the
    current rules cannot compute: the anslag less the outlay on inkomstutjämning, that kostnadsutjämning (its net in
    kronor is not 0: mean weighted 31 dec t−2, paid per 1 nov t−1), strukturbidrag and införandebidrag (lag
    2004:773 15–16 §§; engine.model.regleringspost does the same inside one run)."""
    for niva, t in (("kommun", bas.kommun), ("region", bas.region)):
        if not t["regleringspost"].isna().any():
            continue
        delar = [
            t[c]
            for c in ("inkomstutjamning", "kostnadsutjamning", "strukturbidrag", "inforandebidrag")
            if c in t.columns
        ]
        if any(d.isna().any() for d in delar):
            continue
        P = (ctx.k if niva == "kommun" else ctx.r)[ctx.p.raw("bidrag.regleringspost.befolkning")]
        anslag = ctx.riket["anslag_kommuner_kr" if niva == "kommun" else "anslag_regioner_kr"]
        t["regleringspost"] = b.regleringspost(ctx, sum(delar).to_numpy() * P, anslag, P)["regleringspost"]
    return bas


def bas_totalt(t: pd.DataFrame) -> pd.Series:
    """The bas outcome's total per unit: its own ``totalt`` where given, else the sum of its posts (kr/inv)."""
    if "totalt" in t.columns and t["totalt"].notna().all():
        return t["totalt"]
    parts = [
        "inkomstutjamning",
        "kostnadsutjamning",
        "efterslapning",
        "strukturbidrag",
        "inforandebidrag",
        "regleringspost",
    ]
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
        fib = b.los_fast_inforandebidrag(
            ctx,
            bas_totalt(bt).to_numpy(),
            ny.to_numpy(),
            pop,
            anslag,
            np.nan_to_num(np.asarray(s, dtype="float64")),
            niva,
        )
        t["fast_inforandebidrag"] = fib["fast_inforandebidrag"]
        t["fast_inforandebidrag_stora_forandringar"] = fib["fast_inforandebidrag_stora_forandringar"]
        t["fast_inforandebidrag_strukturbidrag"] = fib["fast_inforandebidrag_strukturbidrag"]
        t["regleringspost"] = fib["regleringspost"]
        t["totalt"] = ny + t["fast_inforandebidrag"] + t["regleringspost"]
        if niva == "region":
            t["svagt_befolkningsunderlag"] = 0.0
    return lager


@dataclass
class Jamforelse:
    """The layers of one comparison: the bas as computed (``bas_beraknad``, its context and results) and completed by
    the bas table (``bas``), and per proposal layer (``forslag``, ``reform``) the Lager with its context and results."""

    bas: Lager
    bas_beraknad: Lager
    bas_ctx: object
    bas_res: dict
    lager: dict[str, tuple] = field(default_factory=dict)


def olika_underlag(exc: Exception) -> IndataError:
    """The införande rules without a solution in a comparison (every unit would need the bidrag): the bas and the
    proposal cannot describe the same kommuner and year — said to the user with the likely cause."""
    return IndataError(
        [
            f"införandereglerna har ingen lösning för denna jämförelse: {exc}. "
            "Basens utfall och förslagets indata beskriver troligen olika underlag — t.ex. syntetiska "
            "demoindata mot kommitténs verkliga utfall 2024 (--bas-bilaga4 kräver de verkliga indata för "
            "2024)."
        ]
    )


def berakna_lager(
    indata_bas, indata_forslag, params_bas, params_forslag, params_reform=None, bas_utfall=None, fasta_index=None
) -> Jamforelse:
    """Compute the bas and every proposal layer, the fast införandebidrag and the regleringspost solved jointly
    against the bas (OPEN-23). A comparison the införande rules cannot solve, or inputs that lack a post, is one
    input error (:class:`engine.indata.IndataError`)."""
    try:
        return _berakna_lager(
            indata_bas, indata_forslag, params_bas, params_forslag, params_reform, bas_utfall, fasta_index
        )
    except b.IngenLosning as exc:
        raise olika_underlag(exc) from None


def _berakna_lager(indata_bas, indata_forslag, params_bas, params_forslag, params_reform, bas_utfall, fasta_index):
    bas_c, ctx_b, res_b = kor_lager("bas", indata_bas, params_bas)
    bk, br = bas_utfall if bas_utfall is not None else (None, None)
    bas = bas_regleringspost(bas_lager(bas_c, bk, br), ctx_b)
    missing = [c for c in ("inkomstutjamning", "kostnadsutjamning", "regleringspost") if bas.kommun[c].isna().any()]
    if missing:
        raise IndataError(
            [
                f"nuvarande regler kan inte beräkna {', '.join(POST_NAMN[c].lower() for c in missing)} för varje "
                "kommun (se anmärkningarna "
                f"nedan) — ange utfallet med --bas-utfall (t.ex. kommitténs utfall: --bas-bilaga4)"
            ]
            + bas_c.notes[:20]
        )
    layers = [("forslag", params_forslag)] + ([("reform", params_reform)] if params_reform is not None else [])
    results = {}
    for namn, params in layers:
        lag, ctx, res = kor_lager(namn, indata_forslag, params, fasta_index)
        saknas = [
            f"{niva}: {POST_NAMN[c].lower()}"
            for niva, t in (("kommuner", lag.kommun), ("regioner", lag.region))
            for c in ("inkomstutjamning", "kostnadsutjamning", "efterslapning", "svagt_befolkningsunderlag")
            if c in t.columns and t[c].isna().any()
        ]
        if saknas:  # the införande rules compare every post: the inputs must give them all
            raise IndataError(
                [
                    f"{ {'forslag': 'förslaget', 'reform': 'reformen'}.get(namn, namn) } ({params.namn}): "
                    f"{', '.join(saknas)} kan inte beräknas med dessa indata; "
                    "jämförelsen kräver alla poster (lag 2004:773 11 a–14 §§)"
                ]
                + [n for n in lag.notes if "ej tillgänglig" in n][:20]
            )
        lag = forslag_med_inforande(lag, ctx, bas)
        results[namn] = (lag, ctx, res)
    return Jamforelse(bas, bas_c, ctx_b, res_b, results)
