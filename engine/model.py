"""The orchestrator: one utjämning run for all kommuner and regioner (or a batch of parameter scenarios).

    ctx = build_ctx(indata, params, fasta_index_dir)
    res = berakna(ctx)            # dict of arrays: "<del>.<komponent>" → (K,) / (R,) or (S, K) / (S, R)
    frames = to_frames(ctx, res)  # per-kommun and per-region DataFrames (single runs)

Order of calculation (lag 2004:773):
1. inkomstutjämning, kommuner and regioner (3–7 §§);
2. every delmodell of the rule set (8 §), kommuner then regioner; the strukturkostnad is their sum (3 §);
3. kostnadsutjämningsbidrag/-avgift = strukturkostnad − the riket mean (9–10 §§, OPEN-3), kr/inv and kronor.
Befolkningsminskning (16 §) needs "det sammanlagda utfallet enligt lagen" of the same year (L2573), which
contains the delmodell itself (OPEN-14): it is solved as a fixed point — start from the outcome without it,
recompute until no kommun moves by more than 1e-6 kr/inv (it converges in a few rounds because the component
is 0,1938·excess/P ≪ 1 times the outcome). docs/decisions.md records this.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine import kostnad, register
from engine.common import safe_div, wmean
from engine.context import Ctx
from engine.indata import Indata
from engine.inkomst import inkomstutjamning, inkomstutjamning_region
from engine.params import EjTillganglig, Params

FIXPUNKT_TOL = 1e-6      # kr/inv
FIXPUNKT_MAX = 100
REGION_SUMS = ("folkmangd_1nov_t1", "folkmangd_31dec_t2", "folkmangd_1nov_t2", "folkmangd_1nov_t6",
               "folkmangd_31dec_t7", "skatteunderlag_kr")


def build_ctx(indata: Indata, params: Params, fasta_index: str | Path | None = None) -> Ctx:
    """Arrays in register order; region population and skatteunderlag summed from the kommuner of each län."""
    kom, reg = register.kommuner(), register.regioner()
    k = {c: indata.kommun[c].to_numpy(dtype="float64") for c in indata.kommun.columns}
    kommun_lan = register.kommun_lan_index()
    r = {c: indata.region[c].to_numpy(dtype="float64") for c in indata.region.columns}
    onehot = np.zeros((len(kom), len(reg)))
    onehot[np.arange(len(kom)), kommun_lan] = 1.0
    for c in REGION_SUMS:
        if c in k:
            r[c] = k[c] @ onehot
    if fasta_index is None and not params.has("allmant.fasta_index"):
        idx = register.UnavailableIndex(params.leaves["allmant.fasta_index"].get("reason", "not in the seeds"))
    else:
        idx = register.load_fasta_index(fasta_index)
    return Ctx(ar=indata.ar, p=params, k=k, lan={c: indata.lan[c].to_numpy(dtype="float64") for c in indata.lan.columns},
               r=r, riket=dict(indata.riket), idx=idx, kommun_kod=kom["kommun_kod"].to_numpy(),
               lan_kod=kom["lan_kod"].to_numpy(), kommun_lan=kommun_lan, region_kod=reg["region_kod"].to_numpy(),
               ingar_i_region=reg["ingar_i_region"].to_numpy(), cache={"_lan_onehot": onehot})


def _trace(ctx: Ctx, namn: str) -> None:
    """Name the component being computed, for the audit trail of `utjamning forklara` (engine/forklara.py)."""
    tr = ctx.cache.get("_trace")
    if tr is not None:
        tr.current = namn


def _delmodell(ctx: Ctx, namn: str, fn, *args, n: int) -> dict[str, np.ndarray]:
    """Run one delmodell; a rule-set element the seeds lack makes the whole delmodell NaN with a notice."""
    _trace(ctx, namn)
    try:
        out = fn(ctx, *args)
    except EjTillganglig as exc:
        return {"standardkostnad": ctx.ej_tillganglig(namn, f"{exc.path}: {exc.reason}", np.zeros(n))}
    if "standardkostnad" not in out:
        raise RuntimeError(f"delmodell {namn} returned no 'standardkostnad'")
    return out


def _delmodeller(ctx: Ctx, lista: list[str], registry: dict, extra: dict) -> dict[str, np.ndarray]:
    res: dict[str, np.ndarray] = {}
    for namn in lista:
        if namn not in registry:
            raise KeyError(f"regelverk {ctx.p.namn}: unknown delmodell {namn!r} (known: {sorted(registry)})")
        n = len(ctx.region_kod) if registry is kostnad.REGION else len(ctx.kommun_kod)
        parts = _delmodell(ctx, namn, kostnad.resolve(registry[namn]), *extra.get(namn, ()), n=n)
        for c, v in parts.items():
            res[f"{namn}.{c}"] = np.asarray(v, dtype="float64")
    return res


def _utjamning(ctx: Ctx, lista: list[str], parts: dict[str, np.ndarray], vikt: np.ndarray) -> dict[str, np.ndarray]:
    """Strukturkostnad = Σ standardkostnader (3 §); bidrag/avgift = strukturkostnad − riket mean (9–10 §§)."""
    _trace(ctx, "kostnadsutjamning")
    total = sum(parts[f"{namn}.standardkostnad"] for namn in lista)
    riket = wmean(total, vikt)
    res = dict(parts)
    res["kostnadsutjamning.strukturkostnad"] = total
    res["kostnadsutjamning.strukturkostnad_riket"] = np.broadcast_to(riket, np.shape(total)).copy()
    res["kostnadsutjamning.kostnadsutjamning"] = total - riket
    res["kostnadsutjamning.kostnadsutjamning_kr"] = (total - riket) * vikt
    return res


def kostnadsutjamning(ctx: Ctx, utjamning: np.ndarray | None = None, fasta_delar: dict | None = None) -> dict[str, np.ndarray]:
    """Kostnadsutjämningsbidrag (+) / -avgift (−) per kommun (lag 8–10 §§; SPEC §3): strukturkostnad (the sum of
    the delmodellernas standardkostnader, 3 §) minus the riket mean, weighted by ``allmant.kostnadsutjamning.
    befolkning_kronor`` — the same population that turns kr/inv into kronor, so Σ bidrag = Σ avgifter.

    ``fasta_delar``: already computed delmodeller that do not depend on ``utjamning`` (the fixed point of
    befolkningsminskning recomputes only that delmodell)."""
    _trace(ctx, "kostnadsutjamning")
    vikt = ctx.k[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")]
    lista = ctx.p.raw("allmant.kostnadsutjamning.delmodeller_kommun")
    extra = {"befolkningsminskning": (np.zeros_like(vikt) if utjamning is None else utjamning,)}
    if fasta_delar is None:
        parts = _delmodeller(ctx, lista, kostnad.KOMMUN, extra)
    else:
        parts = {**fasta_delar, **_delmodeller(ctx, [n for n in lista if n == "befolkningsminskning"], kostnad.KOMMUN, extra)}
        parts = {c: parts[c] for c in [c for c in parts if c.split(".")[0] in lista]}
    return _utjamning(ctx, lista, parts, vikt)


def kostnadsutjamning_region(ctx: Ctx) -> dict[str, np.ndarray]:
    """Kostnadsutjämning per region (lag 8 § andra stycket; SPEC §4–§5): hälso- och sjukvård and the regional
    part of kollektivtrafik (current rules: also befolkningsförändringar)."""
    _trace(ctx, "kostnadsutjamning")
    vikt = ctx.r[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")]
    lista = ctx.p.raw("allmant.kostnadsutjamning.delmodeller_region")
    return _utjamning(ctx, lista, _delmodeller(ctx, lista, kostnad.REGION, {}), vikt)


def bidrag(ctx: Ctx, iu_k: dict, iu_r: dict) -> tuple[dict, dict]:
    """Bidrag outside the kostnadsutjämning and the regleringspost, per kommun and region (lag 10 a, 11, 15–16 §§;
    SPEC §6, §7, §10; engine/bidrag.py). The kostnadsutjämning is self-financed (Σ KU = 0 in kronor), so the
    state's outlay — and the uniform regleringspost that brings it to the anslag — does not depend on it.
    Fasta införandebidrag and införandebidrag need the comparison with the old law: `utjamning jamfor`."""
    from engine import bidrag as b

    out: dict[str, dict[str, np.ndarray]] = {"kommun": {}, "region": {}}
    if ctx.p.has("bidrag.fast_inforandebidrag.grans_kommun"):
        ctx.notes.append("fast_inforandebidrag, inforandebidrag: not in a single rule-set run — they compare the old and "
                         "the new law (lag 3 §, 11 a–14 §§): `utjamning jamfor` computes them; the regleringspost here is "
                         "before their financing")
    for niva, iu in (("kommun", iu_k), ("region", iu_r)):
        _trace(ctx, "efterslapning")
        e = b.efterslapning(ctx, niva)
        out[niva]["efterslapning.efterslapning"] = e["efterslapning"]
        out[niva]["efterslapning.efterslapning_kr"] = e["efterslapning_kr"]
        out[niva]["efterslapning.uppfyller_kriterier"] = np.asarray(e["berattigad"], dtype="float64")
        outlay = [iu["inkomstutjamning.inkomstutjamning_kr"]]
        if ctx.p.has("bidrag.efterslapning.belopp"):        # current rules: a tillägg inside the kostnadsutjämning
            outlay.append(e["efterslapning_kr"])
        _trace(ctx, "svagt_befolkningsunderlag")
        if niva == "kommun" and ctx.p.has("bidrag.svagt_befolkningsunderlag.grans_regionalt"):
            sbu = b.svagt_befolkningsunderlag(ctx)
            out[niva]["svagt_befolkningsunderlag.svagt_befolkningsunderlag"] = sbu["svagt_befolkningsunderlag"]
            out[niva]["svagt_befolkningsunderlag.svagt_befolkningsunderlag_kr"] = sbu["svagt_befolkningsunderlag_kr"]
            outlay.append(sbu["svagt_befolkningsunderlag_kr"])
        if ctx.p.has("bidrag.strukturbidrag.modell"):
            sb = b.strukturbidrag(ctx, niva)
            out[niva]["strukturbidrag.strukturbidrag"] = sb["strukturbidrag"]
            out[niva]["strukturbidrag.strukturbidrag_kr"] = sb["strukturbidrag_kr"]
            outlay.append(sb["strukturbidrag_kr"])
        _trace(ctx, "regleringspost")
        pop = ctx.k if niva == "kommun" else ctx.r
        anslag = ctx.riket["anslag_kommuner_kr" if niva == "kommun" else "anslag_regioner_kr"]
        rp = b.regleringspost(ctx, sum(outlay), anslag, pop[ctx.p.raw("bidrag.regleringspost.befolkning")])
        out[niva]["regleringspost.regleringspost"] = rp["regleringspost"]
        out[niva]["regleringspost.regleringspost_kr"] = rp["regleringspost_kr"]
    return out["kommun"], out["region"]


#: The posts of lag 2004:773 (LSS is a separate law); each has a kronor column ``<post>_kr``.
POSTER = ("inkomstutjamning.inkomstutjamning", "kostnadsutjamning.kostnadsutjamning", "efterslapning.efterslapning",
          "svagt_befolkningsunderlag.svagt_befolkningsunderlag", "strukturbidrag.strukturbidrag",
          "fast_inforandebidrag.fast_inforandebidrag", "inforandebidrag.inforandebidrag", "regleringspost.regleringspost")


def _kronor(d: dict[str, np.ndarray], utan: tuple[str, ...] = ()) -> np.ndarray:
    """Kronor of every post present in ``d`` (except ``utan``). Kronor are what is paid: the eftersläpning's own
    per-inhabitant figure is per folkmängd 31 dec t−2 (bilaga L2729), every other post's per 1 nov t−1."""
    return sum(np.asarray(d[c + "_kr"]) for c in POSTER if c in d and c not in utan)


def _totalt(d: dict[str, np.ndarray], befolkning: np.ndarray) -> dict[str, np.ndarray]:
    """Sum of the posts in kronor and per inhabitant of the population amounts are paid on."""
    kr = _kronor(d)
    return {"utjamning.totalt": safe_div(kr, befolkning), "utjamning.totalt_kr": kr}


def berakna(ctx: Ctx) -> dict[str, dict[str, np.ndarray]]:
    """One full run: ``{"kommun": {column: array}, "region": {column: array}}`` (kr/inv unless the column ends in
    ``_kr``)."""
    for key in [c for c in ctx.cache if not c.startswith("_")]:  # "_" keys persist: lan one-hot, tracer
        del ctx.cache[key]
    ctx.notes.clear()
    _trace(ctx, "inkomstutjamning")
    iu_k = {f"inkomstutjamning.{c}": v for c, v in inkomstutjamning(ctx).items()}
    iu_r = {f"inkomstutjamning.{c}": v for c, v in inkomstutjamning_region(ctx).items()}
    bid_k, bid_r = bidrag(ctx, iu_k, iu_r)

    _trace(ctx, "kostnadsutjamning")
    lista = ctx.p.raw("allmant.kostnadsutjamning.delmodeller_kommun")
    vikt_k = ctx.k[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")]
    ku = kostnadsutjamning(ctx)
    iterationer = 0
    if "befolkningsminskning" in lista:
        # OPEN-14: fixed point of utjämning = IU + övriga bidrag + KU(befolkningsminskning(utjämning)).
        ovrigt = safe_div(_kronor({c: np.nan_to_num(v) for c, v in {**iu_k, **bid_k}.items()}), vikt_k)
        fasta = {c: v for c, v in ku.items() if c.split(".")[0] not in ("befolkningsminskning", "kostnadsutjamning")}
        for iterationer in range(1, FIXPUNKT_MAX + 1):
            utj = ovrigt + ku["kostnadsutjamning.kostnadsutjamning"]
            ku_new = kostnadsutjamning(ctx, np.nan_to_num(utj), fasta)
            change = np.nanmax(np.abs(ku_new["kostnadsutjamning.kostnadsutjamning"] - ku["kostnadsutjamning.kostnadsutjamning"]),
                               initial=0.0)
            ku = ku_new
            if change <= FIXPUNKT_TOL:
                break
        else:  # pragma: no cover - the map is a contraction for any real data
            raise RuntimeError(f"befolkningsminskning: no fixed point after {FIXPUNKT_MAX} iterations")
    ku_r = kostnadsutjamning_region(ctx)
    ctx.cache["fixpunkt_iterationer"] = iterationer
    kommun = {**iu_k, **ku, **bid_k}
    region = {**iu_r, **ku_r, **bid_r}
    kommun.update(_totalt(kommun, vikt_k))
    region.update(_totalt(region, ctx.r[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")]))
    return {"kommun": {**kommun, **lss(ctx)}, "region": region}


def lss(ctx: Ctx) -> dict[str, np.ndarray]:
    """LSS-utjämning (lag 2008:342; SPEC §11): a separate law, so not part of the strukturkostnad."""
    from engine.lss import lss_utjamning
    _trace(ctx, "lss")
    try:
        out = lss_utjamning(ctx)
    except EjTillganglig as exc:
        out = {"utjamning": ctx.ej_tillganglig("lss", f"{exc.path}: {exc.reason}")}
    return {f"lss.{c}": np.asarray(v, dtype="float64") for c, v in out.items()}


def to_frames(ctx: Ctx, res: dict[str, dict[str, np.ndarray]]) -> dict[str, pd.DataFrame]:
    """Per-kommun and per-region tables: register columns, populations, then every component."""
    kom = register.kommuner().set_index("kommun_kod")[["kommun", "lan_kod", "lan"]]
    k = pd.DataFrame({c: np.asarray(v) for c, v in res["kommun"].items()}, index=kom.index)
    k.insert(0, "folkmangd_1nov_t1", ctx.k["folkmangd_1nov_t1"])
    k.insert(1, "folkmangd_31dec_t2", ctx.k["folkmangd_31dec_t2"])
    reg = register.regioner().set_index("region_kod")[["region", "lan"]]
    r = pd.DataFrame({c: np.asarray(v) for c, v in res["region"].items()}, index=reg.index)
    r.insert(0, "folkmangd_1nov_t1", ctx.r["folkmangd_1nov_t1"])
    r.insert(1, "folkmangd_31dec_t2", ctx.r["folkmangd_31dec_t2"])
    return {"kommun": pd.concat([kom, k], axis=1), "region": pd.concat([reg, r], axis=1)}
