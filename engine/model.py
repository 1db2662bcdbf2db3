"""The orchestrator: one utjämning run for all kommuner and regioner (or a batch of parameter scenarios).

    ctx = build_ctx(indata, params, fasta_index_dir)
    res = berakna(ctx)            # Resultat: "<del>.<komponent>" → (K,) / (R,) or (S, K) / (S, R); res.notes
    frames = to_frames(ctx, res)  # per-kommun and per-region DataFrames (a batch: indexed by scenario too)

``berakna`` computes on a copy of the context and returns the run's notices with its results: the caller's context
is never changed, so one context serves several runs.

Order of calculation (lag 2004:773):
1. inkomstutjämning, kommuner and regioner (3–7 §§);
2. every delmodell the law has in the year (8 §; engine/kostnad/__init__.py registers each delmodell and component
   and decides from the law's parameters which apply), kommuner then regioner; the strukturkostnad is their sum (3 §);
3. kostnadsutjämningsbidrag/-avgift = strukturkostnad − the riket mean (9–10 §§, OPEN-3), kr/inv and kronor: the
   mean is weighted with ``allmant.kostnadsutjamning.befolkning_medelvarde`` (folkmängd 31 dec t−2), the amounts
   are paid per ``befolkning_kronor`` (1 nov t−1), so the kronor net to a small amount, not to zero;
4. the other bidrag (10 a, 11 §§) and the regleringspost (15–16 §§), which brings the state's outlay — including
   that net of the kostnadsutjämning — to the anslag.
Befolkningsminskning (16 §) needs "det sammanlagda utfallet enligt lagen" of the same year (L2573), which
contains the delmodell itself and, through the kostnadsutjämning's net, the regleringspost (OPEN-14): both are
solved as one fixed point — start from the outcome without the delmodell, recompute until no kommun moves by more
than 1e-6 kr/inv (it converges in a few rounds because the component is 0,1938·excess/P ≪ 1 times the outcome).
docs/decisions.md records this.

A variable the user's inputs lack makes only the components that read it "ej tillgänglig" (engine/context.py,
:class:`~engine.context.Indatatabell`); the minimum for the inkomstutjämning is ``folkmangd_1nov_t1`` and
``skatteunderlag_kr`` per kommun.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine import kostnad, register, tolerances
from engine.common import safe_div, wmean
from engine.context import Ctx, Indatatabell, SaknadIndata
from engine.indata import Indata
from engine.inkomst import inkomstutjamning, inkomstutjamning_region
from engine.params import EJ_I_KALLORNA, EjTillganglig, Params
from engine.sammanfattning import etikett
from engine.talformat import svenskt_tal

FIXPUNKT_TOL = tolerances.FIXPUNKT_KR_PER_INV  # kr/inv
FIXPUNKT_MAX = 100
REGION_SUMS = (
    "folkmangd_1nov_t1",
    "folkmangd_31dec_t2",
    "folkmangd_1nov_t2",
    "folkmangd_1nov_t6",
    "folkmangd_31dec_t7",
    "skatteunderlag_kr",
)


def build_ctx(indata: Indata, params: Params, fasta_index: str | Path | None = None) -> Ctx:
    """Arrays in register order; region population and skatteunderlag summed from the kommuner of each län; the
    parameters resolved for the inputs' utjämningsår (``Params.for_ar``). Every table the law modules read comes
    from here (the law modules read no file): the fasta index tables, the shipped länsvisa skattesatser and the
    tables the rule set names by a parameter of unit ``katalog``."""
    params = params.for_ar(indata.ar)
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
        idx = register.UnavailableIndex(params.leaves["allmant.fasta_index"].get("reason", EJ_I_KALLORNA))
    else:
        idx = register.load_fasta_index(fasta_index)
    lan = {c: indata.lan[c].to_numpy(dtype="float64") for c in indata.lan.columns}
    satser = register.Skattesatser(register.shipped_lansvisa_skattesatser())
    if indata.skattesatser is not None:
        satser[register.Skattesatser.INDATA] = indata.skattesatser
    return Ctx(
        ar=indata.ar,
        p=params,
        k=Indatatabell(k, "kommun", len(kom)),
        lan=Indatatabell(lan, "lan", len(reg)),
        r=Indatatabell(r, "region", len(reg), REGION_SUMS),
        riket=Indatatabell(indata.riket, "riket"),
        idx=idx,
        kommun_kod=kom["kommun_kod"].to_numpy(),
        lan_kod=kom["lan_kod"].to_numpy(),
        kommun_lan=kommun_lan,
        region_kod=reg["region_kod"].to_numpy(),
        ingar_i_region=reg["ingar_i_region"].to_numpy(),
        skattesatser=satser,
        tabeller=tabeller(params),
    )


def tabeller(params: Params) -> dict[str, register.FastaIndex]:
    """The tables a rule set names by a parameter of unit ``katalog`` other than its fasta index (the current rules'
    uppvärmningsindex: the proposal's table), read once for the run."""
    return {
        path: register.load_fasta_index(register.ROOT / str(leaf["value"]))
        for path, leaf in params.leaves.items()
        if leaf.get("unit") == "katalog" and path != "allmant.fasta_index" and "value" in leaf
    }


def delmodeller(ctx: Ctx, niva: str) -> list[kostnad.Delmodell]:
    """The delmodeller of the kostnadsutjämning of ``niva`` the law has in the year (engine/kostnad/__init__.py);
    none (with a notice) makes the kostnadsutjämning "ej tillgänglig", never 0."""
    lista = kostnad.delmodeller(ctx.p, niva)
    if not lista:
        ctx.ej_tillganglig(
            "kostnadsutjamning" + (" (region)" if niva == "region" else ""),
            f"regelverket har ingen delmodell för utjämningsår {ctx.ar} (lag 2004:773 8 §)",
        )
    return lista


def vikter(ctx: Ctx, niva: str) -> tuple[np.ndarray, np.ndarray]:
    """(population of the riket mean, population amounts are paid on) of the kostnadsutjämning for ``niva``:
    ``allmant.kostnadsutjamning.befolkning_medelvarde`` and ``befolkning_kronor`` (lag 9–10 §§; OPEN-3)."""
    pop = ctx.k if niva == "kommun" else ctx.r
    return (
        pop[ctx.p.raw("allmant.kostnadsutjamning.befolkning_medelvarde")],
        pop[ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor")],
    )


def _utjamning(
    ctx: Ctx, lista: list[kostnad.Delmodell], parts: dict[str, np.ndarray], niva: str
) -> dict[str, np.ndarray]:
    """Strukturkostnad = Σ standardkostnader (3 §); bidrag/avgift = strukturkostnad − the riket mean (9–10 §§).

    The mean is weighted with folkmängd 31 dec t−2 and the amounts are paid per invånare 1 nov t−1, so the kronor
    net to Σ (SK − mean)·P[1 nov t−1], not to 0 (SKR cirkulär 23:62: −97 mnkr kommuner 2024); the regleringspost
    bears it."""
    ctx.spara("kostnadsutjamning")
    total = (
        sum(parts[f"{dm.namn}.standardkostnad"] for dm in lista)
        if lista
        else np.full(len(ctx.kommun_kod if niva == "kommun" else ctx.region_kod), np.nan)
    )
    res = dict(parts)
    try:
        medel, kronor = vikter(ctx, niva)
    except SaknadIndata as exc:
        nan = ctx.indata_saknas("kostnadsutjamning", exc, vikter, ctx, niva, shape_of=total)
        medel = kronor = nan
    riket = wmean(total, medel)
    res["kostnadsutjamning.strukturkostnad"] = total
    res["kostnadsutjamning.strukturkostnad_riket"] = np.broadcast_to(riket, np.shape(total)).copy()
    res["kostnadsutjamning.kostnadsutjamning"] = total - riket
    res["kostnadsutjamning.kostnadsutjamning_kr"] = (total - riket) * kronor
    return res


def _delmodeller(ctx: Ctx, lista: list[kostnad.Delmodell], utjamning=None) -> dict[str, np.ndarray]:
    """``<delmodell>.<komponent>`` → kr/inv of every delmodell in ``lista``."""
    res: dict[str, np.ndarray] = {}
    for dm in lista:
        for c, v in kostnad.berakna_delmodell(ctx, dm, utjamning if dm.tar_utfall else None).items():
            res[f"{dm.namn}.{c}"] = v
    return res


def kostnadsutjamning(
    ctx: Ctx, utjamning: np.ndarray | None = None, fasta_delar: dict | None = None
) -> dict[str, np.ndarray]:
    """Kostnadsutjämningsbidrag (+) / -avgift (−) per kommun (lag 8–10 §§; SPEC §3): strukturkostnad (the sum of
    the delmodellernas standardkostnader, 3 §) minus the riket mean weighted with ``allmant.kostnadsutjamning.
    befolkning_medelvarde``; kronor are per ``befolkning_kronor`` (:func:`_utjamning`).

    ``utjamning``: the year's outcome per inhabitant a delmodell reads (befolkningsminskning; 0 to start the fixed
    point). ``fasta_delar``: already computed delmodeller that do not depend on it (the fixed point recomputes only
    the delmodell that does)."""
    ctx.spara("kostnadsutjamning")
    lista = delmodeller(ctx, "kommun")
    utjamning = np.zeros(len(ctx.kommun_kod)) if utjamning is None else utjamning
    if fasta_delar is None:
        parts = _delmodeller(ctx, lista, utjamning)
    else:
        parts = {**fasta_delar, **_delmodeller(ctx, [dm for dm in lista if dm.tar_utfall], utjamning)}
        namn = {dm.namn for dm in lista}
        parts = {c: parts[c] for c in [c for c in parts if c.split(".")[0] in namn]}
    return _utjamning(ctx, lista, parts, "kommun")


def kostnadsutjamning_region(ctx: Ctx) -> dict[str, np.ndarray]:
    """Kostnadsutjämning per region (lag 8 § andra stycket; SPEC §4–§5): hälso- och sjukvård and the regional
    part of kollektivtrafik (current rules: also befolkningsförändringar)."""
    ctx.spara("kostnadsutjamning")
    lista = delmodeller(ctx, "region")
    return _utjamning(ctx, lista, _delmodeller(ctx, lista), "region")


def _gemen(text: str) -> str:
    """A name inside a sentence: "Inkomstutjämning" → "inkomstutjämning" (an abbreviation such as LSS stays)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _n(ctx: Ctx, niva: str) -> int:
    return len(ctx.kommun_kod) if niva == "kommun" else len(ctx.region_kod)


def _post(ctx: Ctx, namn: str, nycklar: tuple[str, ...], fn, *args, niva: str = "kommun") -> dict[str, np.ndarray]:
    """Run the bidrag function ``fn(ctx, *args)``; an input the user did not supply makes its ``nycklar`` NaN with a
    notice naming every missing input, and so does a rule-set element without a value for the year."""
    try:
        return fn(ctx, *args)
    except SaknadIndata as exc:
        nan = ctx.indata_saknas(namn, exc, fn, ctx, *args, shape_of=np.zeros(_n(ctx, niva)))
        return {k: nan.copy() for k in nycklar}
    except EjTillganglig as exc:
        nan = ctx.ej_tillganglig(namn, exc.reason, np.zeros(_n(ctx, niva)))
        return {k: nan.copy() for k in nycklar}


def inkomst(ctx: Ctx, niva: str) -> dict[str, np.ndarray]:
    """Inkomstutjämning of ``niva`` as ``inkomstutjamning.<column>`` (engine/inkomst.py); without skatteunderlag or
    population in the inputs it is "ej tillgänglig"."""
    ctx.spara("inkomstutjamning")
    fn = inkomstutjamning if niva == "kommun" else inkomstutjamning_region
    out = _post(ctx, f"inkomstutjamning ({niva})", ("inkomstutjamning", "inkomstutjamning_kr"), fn, niva=niva)
    return {f"inkomstutjamning.{c}": v for c, v in out.items()}


def bidrag(ctx: Ctx) -> tuple[dict, dict]:
    """Bidrag outside the kostnadsutjämning, per kommun and region (lag 10 a, 11 §§; SPEC §6, §7; engine/bidrag.py);
    the regleringspost follows in :func:`regleringspost`, once the kostnadsutjämning's net is known.
    Fasta införandebidrag and införandebidrag need the comparison with the old law: `utjamning jamfor`."""
    from engine import bidrag as b

    out: dict[str, dict[str, np.ndarray]] = {"kommun": {}, "region": {}}
    if ctx.p.has("bidrag.fast_inforandebidrag.grans_kommun"):
        ctx.notes.append(
            "Fast införandebidrag och införandebidrag: beräknas inte i en körning med ett regelverk — de jämför "
            "den gamla och den nya lagen (lag 2004:773 3 §, 11 a–14 §§; SOU 2024:50 s. 38, 41–43) och beräknas "
            "av utjamning jamfor; regleringsposten här är före deras finansiering"
        )
    for niva in ("kommun", "region"):
        ctx.spara("efterslapning")
        e = _post(
            ctx,
            f"efterslapning ({niva})",
            ("efterslapning", "efterslapning_kr", "berattigad"),
            b.efterslapning,
            niva,
            niva=niva,
        )
        out[niva]["efterslapning.efterslapning"] = e["efterslapning"]
        out[niva]["efterslapning.efterslapning_kr"] = e["efterslapning_kr"]
        out[niva]["efterslapning.uppfyller_kriterier"] = np.asarray(e["berattigad"], dtype="float64")
        ctx.spara("svagt_befolkningsunderlag")
        if niva == "kommun" and ctx.p.has("bidrag.svagt_befolkningsunderlag.grans_regionalt"):
            sbu = _post(
                ctx,
                "svagt_befolkningsunderlag",
                ("svagt_befolkningsunderlag", "svagt_befolkningsunderlag_kr"),
                b.svagt_befolkningsunderlag,
            )
            out[niva]["svagt_befolkningsunderlag.svagt_befolkningsunderlag"] = sbu["svagt_befolkningsunderlag"]
            out[niva]["svagt_befolkningsunderlag.svagt_befolkningsunderlag_kr"] = sbu["svagt_befolkningsunderlag_kr"]
        if ctx.p.has("bidrag.strukturbidrag.modell"):
            sb = _post(
                ctx,
                f"strukturbidrag ({niva})",
                ("strukturbidrag", "strukturbidrag_kr"),
                b.strukturbidrag,
                niva,
                niva=niva,
            )
            out[niva]["strukturbidrag.strukturbidrag"] = sb["strukturbidrag"]
            out[niva]["strukturbidrag.strukturbidrag_kr"] = sb["strukturbidrag_kr"]
    return out["kommun"], out["region"]


#: Riket input: the kostnadsutjämning's net in kronor where the rule set cannot compute it (e.g. SKR cirkulär 23:62).
KU_NETTO = {"kommun": "kostnadsutjamning_netto_kommuner_kr", "region": "kostnadsutjamning_netto_regioner_kr"}
ANSLAG = {"kommun": "anslag_kommuner_kr", "region": "anslag_regioner_kr"}


def regleringspost(ctx: Ctx, niva: str, poster: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Regleringsbidrag (+) / -avgift (−) of ``niva`` (lag 2004:773 15–16 §§; SPEC §10; :func:`engine.bidrag.
    regleringspost`): the anslag less the state's outlay on every other post in kronor — inkomstutjämning, the
    kostnadsutjämning's net (Σ (SK − mean)·P[1 nov t−1], not 0), eftersläpning (proposal: outside the
    kostnadsutjämning), svagt befolkningsunderlag, strukturbidrag (current rules) — per inhabitant.

    Where the rule set cannot compute the kostnadsutjämning (the current rules' fasta index tables are not in the
    seeds) its published net is read from the riket input ``kostnadsutjamning_netto_<kommuner|regioner>_kr`` (SKR
    cirkulär 23:62 for 2024: −97 mnkr / −42 mnkr); without it, or without a post or the anslag, the regleringspost
    is "ej tillgänglig" — never computed on an assumed net of 0."""
    from engine import bidrag as b

    ctx.spara("regleringspost")
    namn, n = f"regleringspost ({niva})", _n(ctx, niva)
    delar = {"inkomstutjamning": poster["inkomstutjamning.inkomstutjamning_kr"]}
    if ctx.p.has("bidrag.efterslapning.belopp"):  # current rules: a tillägg inside the kostnadsutjämning
        delar["efterslapning"] = poster["efterslapning.efterslapning_kr"]
    for c in ("svagt_befolkningsunderlag", "strukturbidrag"):
        if f"{c}.{c}_kr" in poster:
            delar[c] = poster[f"{c}.{c}_kr"]
    saknas = [_gemen(etikett(c)) for c, v in delar.items() if np.isnan(v).any()]
    anslag = ctx.riket.get(ANSLAG[niva])
    befolkning = (ctx.k if niva == "kommun" else ctx.r).get(ctx.p.raw("bidrag.regleringspost.befolkning"))
    ku = poster["kostnadsutjamning.kostnadsutjamning_kr"]
    ku_netto = np.sum(ku, axis=-1, keepdims=True)
    if np.isnan(ku).any():
        if KU_NETTO[niva] in ctx.riket:
            ku_netto = ctx.riket[KU_NETTO[niva]]
            note = (
                f"{etikett(namn)}: kostnadsutjämningens nettoutfall i kronor kan inte beräknas och är indata "
                f"(riket.{KU_NETTO[niva]} = {svenskt_tal(ku_netto, 0)} kr)"
            )
            if note not in ctx.notes:
                ctx.notes.append(note)
        else:
            saknas.append(f"kostnadsutjämningen (ange nettot i kronor som riket.{KU_NETTO[niva]})")
    saknas += [f"anslaget (riket.{ANSLAG[niva]})"] * (anslag is None)
    saknas += [f"folkmängden ({ctx.p.raw('bidrag.regleringspost.befolkning')})"] * (befolkning is None)
    if saknas:
        nan = ctx.notera_ej_tillganglig(
            namn,
            "ej tillgänglig — regleringsposten (lag 2004:773 15–16 §§; SOU 2024:50 s. 43) är anslaget minus "
            "statens utgift för alla andra poster och kräver " + ", ".join(saknas),
            np.zeros(n),
        )
        return {"regleringspost.regleringspost": nan, "regleringspost.regleringspost_kr": nan.copy()}
    rp = b.regleringspost(ctx, sum(delar.values()), anslag - ku_netto, befolkning)
    return {
        "regleringspost.regleringspost": rp["regleringspost"],
        "regleringspost.regleringspost_kr": rp["regleringspost_kr"],
    }


#: The posts of lag 2004:773 (LSS is a separate law); each has a kronor column ``<post>_kr``.
POSTER = (
    "inkomstutjamning.inkomstutjamning",
    "kostnadsutjamning.kostnadsutjamning",
    "efterslapning.efterslapning",
    "svagt_befolkningsunderlag.svagt_befolkningsunderlag",
    "strukturbidrag.strukturbidrag",
    "fast_inforandebidrag.fast_inforandebidrag",
    "inforandebidrag.inforandebidrag",
    "regleringspost.regleringspost",
)


def _kronor(d: dict[str, np.ndarray], utan: tuple[str, ...] = ()) -> np.ndarray:
    """Kronor of every post present in ``d`` (except ``utan``). Kronor are what is paid: the eftersläpning's own
    per-inhabitant figure is per folkmängd 31 dec t−2 (bilaga L2729), every other post's per 1 nov t−1."""
    return sum(np.asarray(d[c + "_kr"]) for c in POSTER if c in d and c not in utan)


def _totalt(d: dict[str, np.ndarray], befolkning: np.ndarray) -> dict[str, np.ndarray]:
    """Sum of the posts in kronor and per inhabitant of the population amounts are paid on."""
    kr = _kronor(d)
    return {"utjamning.totalt": safe_div(kr, befolkning), "utjamning.totalt_kr": kr}


class Resultat(dict):
    """One run's results ``{"kommun": {column: array}, "region": {column: array}}`` (kr/inv unless the column ends
    in ``_kr``), with the run's notices: ``notes`` (components not available and why, in the order computed),
    ``ej_tillgangliga`` (component → why, for the summary) and ``fixpunkt_iterationer`` (befolkningsminskning)."""

    def __init__(
        self, kommun: dict, region: dict, notes: list[str], ej_tillgangliga: dict[str, str], fixpunkt_iterationer: int
    ):
        super().__init__(kommun=kommun, region=region)
        self.notes, self.ej_tillgangliga = notes, ej_tillgangliga
        self.fixpunkt_iterationer = fixpunkt_iterationer


def berakna(ctx: Ctx) -> Resultat:
    """One full run on a copy of ``ctx`` (:meth:`Ctx.korning`: the caller's context is not changed); the notices come
    back with the results (:class:`Resultat`)."""
    run = ctx.korning()
    kommun, region, iterationer = _berakna(run)
    return Resultat(kommun, region, run.notes, run.ej_tillgangliga, iterationer)


def _berakna(ctx: Ctx) -> tuple[dict, dict, int]:
    iu_k, iu_r = inkomst(ctx, "kommun"), inkomst(ctx, "region")
    bid_k, bid_r = bidrag(ctx)

    ctx.spara("kostnadsutjamning")
    vikt_k = ctx.k.get(ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor"), np.full(len(ctx.kommun_kod), np.nan))
    ku = kostnadsutjamning(ctx)
    rp_k = regleringspost(ctx, "kommun", {**iu_k, **bid_k, **ku})
    iterationer = 0
    utfall = {dm.namn for dm in kostnad.delmodeller(ctx.p, "kommun") if dm.tar_utfall}
    if utfall:
        # OPEN-14: fixed point of utjämning = IU + övriga bidrag + regleringspost(KU)
        #          + KU(befolkningsminskning(utjämning))
        fasta = {c: v for c, v in ku.items() if c.split(".")[0] not in (*utfall, "kostnadsutjamning")}
        for iterationer in range(1, FIXPUNKT_MAX + 1):  # noqa: B007 - the count is returned
            utj = safe_div(_kronor({**iu_k, **bid_k, **rp_k}), vikt_k) + ku["kostnadsutjamning.kostnadsutjamning"]
            if not np.isfinite(utj).all():
                _utfall_saknas(ctx, {**iu_k, **bid_k, **rp_k})
                ku = kostnadsutjamning(ctx, np.full(len(ctx.kommun_kod), np.nan), fasta)
                rp_k = regleringspost(ctx, "kommun", {**iu_k, **bid_k, **ku})
                break
            ku_new = kostnadsutjamning(ctx, utj, fasta)
            rp_new = regleringspost(ctx, "kommun", {**iu_k, **bid_k, **ku_new})
            change = np.max(
                np.abs(
                    np.concatenate(
                        [
                            np.ravel(
                                ku_new["kostnadsutjamning.kostnadsutjamning"]
                                - ku["kostnadsutjamning.kostnadsutjamning"]
                            ),
                            np.ravel(rp_new["regleringspost.regleringspost"] - rp_k["regleringspost.regleringspost"]),
                        ]
                    )
                )
            )
            ku, rp_k = ku_new, rp_new
            if change <= FIXPUNKT_TOL:
                break
        else:  # pragma: no cover - the map is a contraction for any real data
            raise RuntimeError(f"befolkningsminskning: ingen fixpunkt efter {FIXPUNKT_MAX} iterationer")
    ku_r = kostnadsutjamning_region(ctx)
    rp_r = regleringspost(ctx, "region", {**iu_r, **bid_r, **ku_r})
    kommun = {**iu_k, **ku, **bid_k, **rp_k}
    region = {**iu_r, **ku_r, **bid_r, **rp_r}
    kommun.update(_totalt(kommun, vikt_k))
    region.update(
        _totalt(
            region,
            ctx.r.get(ctx.p.raw("allmant.kostnadsutjamning.befolkning_kronor"), np.full(len(ctx.region_kod), np.nan)),
        )
    )
    return {**kommun, **lss(ctx)}, region, iterationer


def _utfall_saknas(ctx: Ctx, poster: dict[str, np.ndarray]) -> None:
    """Befolkningsminskning cannot be computed: its intäkt contains the year's whole outcome (bilaga, "det
    sammanlagda utfallet enligt lagen (2004:773)"), and a post of it is not available."""
    saknas = [
        _gemen(etikett(c.split(".")[0])) for c in POSTER if c + "_kr" in poster and np.isnan(poster[c + "_kr"]).any()
    ]
    ctx.notera_ej_tillganglig(
        "befolkningsminskning",
        "ej tillgänglig — intäkten omfattar det sammanlagda utfallet enligt lagen "
        "(2004:773) för utjämningsåret (förordning 2004:881 bilaga, SOU 2024:50 s. 87), men "
        + ", ".join(saknas or ["utfallet"])
        + " kan inte beräknas",
        None,
    )


def lss(ctx: Ctx) -> dict[str, np.ndarray]:
    """LSS-utjämning (lag 2008:342; SPEC §11): a separate law, so not part of the strukturkostnad."""
    from engine.lss import lss_utjamning

    ctx.spara("lss")
    try:
        out = lss_utjamning(ctx)
    except SaknadIndata as exc:
        out = {"utjamning": ctx.indata_saknas("lss", exc, lss_utjamning, ctx)}
    except EjTillganglig as exc:
        out = {"utjamning": ctx.ej_tillganglig("lss", exc.reason)}
    out.setdefault("utjamning_kr", out["utjamning"] * np.nan)
    return {f"lss.{c}": np.asarray(v, dtype="float64") for c, v in out.items()}


def _scenarier(res: dict[str, dict[str, np.ndarray]]) -> int | None:
    """S when any result has a scenario axis ((S, K) / (S, R)), else None."""
    sizes = {np.shape(v)[0] for d in res.values() for v in d.values() if np.ndim(v) == 2}
    return max(sizes) if sizes else None


def to_frames(ctx: Ctx, res: dict[str, dict[str, np.ndarray]]) -> dict[str, pd.DataFrame]:
    """Per-kommun and per-region tables: register columns, populations, then every component (kr/inv unless the
    column ends in ``_kr``), rows in register order.

    Under a scenario batch (``Params.with_batch``: arrays (S, K)) the tables hold one block of rows per scenario,
    indexed by (``scenario``, ``kommun_kod``) / (``scenario``, ``region_kod``) with scenario = 0 … S−1 in the order
    of the batch's values; a column no varied parameter touches repeats its one value in every block.
    ``df.xs(s, level="scenario")`` is scenario s as a single run; ``df.reset_index()`` the long format."""
    n_s = _scenarier(res)
    if n_s is None:
        return _frames(ctx, res)
    blocks = []
    for s in range(n_s):
        one = {
            niva: {c: np.broadcast_to(v, (n_s, np.shape(v)[-1]))[s] for c, v in d.items()} for niva, d in res.items()
        }
        blocks.append(_frames(ctx, one))
    return {
        niva: pd.concat([b[niva] for b in blocks], keys=range(n_s), names=["scenario"]) for niva in ("kommun", "region")
    }


def _frames(ctx: Ctx, res: dict[str, dict[str, np.ndarray]]) -> dict[str, pd.DataFrame]:
    kom = register.kommuner().set_index("kommun_kod")[["kommun", "lan_kod", "lan"]]
    k = pd.DataFrame({c: np.asarray(v) for c, v in res["kommun"].items()}, index=kom.index)
    for i, c in enumerate(("folkmangd_1nov_t1", "folkmangd_31dec_t2")):  # NaN where the inputs lack it
        k.insert(i, c, ctx.k.get(c, np.full(len(k), np.nan)))
    reg = register.regioner().set_index("region_kod")[["region", "lan"]]
    r = pd.DataFrame({c: np.asarray(v) for c, v in res["region"].items()}, index=reg.index)
    for i, c in enumerate(("folkmangd_1nov_t1", "folkmangd_31dec_t2")):
        r.insert(i, c, ctx.r.get(c, np.full(len(r), np.nan)))
    return {"kommun": pd.concat([kom, k], axis=1), "region": pd.concat([reg, r], axis=1)}
