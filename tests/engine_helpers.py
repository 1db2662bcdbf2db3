"""Small hand-made contexts for tests: any number of toy kommuner, any fasta index values.

    ctx = make_ctx({"folkmangd_31dec_t2": [1000, 3000], "bef_1_5": [60, 150]},
                   idx={"loneindex": [100, 104]}, regelverk="sou2024")

Missing per-kommun index columns default to the neutral value (löneindex 100, other indices 1, byggnation 100);
under a rule set without fasta index tables (the current rules) and with no ``idx``/``ridx`` given, reading an index
raises EjTillganglig, as in a real run;
every kommun is in län "01" unless ``lan_kod`` is given. Parameters come from the named rule set, optionally
overridden with ``andringar={path: value}`` (a reform overlay).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from engine.context import Ctx
from engine.model import tabeller
from engine.params import EJ_I_KALLORNA, Params
from engine.register import FastaIndex, Skattesatser, UnavailableIndex, shipped_lansvisa_skattesatser

NEUTRAL = {"loneindex": 100.0, "byggnation": 100.0}


def make_ctx(
    k: Mapping,
    *,
    idx: Mapping | None = None,
    ridx: Mapping | None = None,
    lan_kod=None,
    lan: Mapping | None = None,
    r: Mapping | None = None,
    riket: Mapping | None = None,
    regelverk: str = "sou2024",
    andringar: Mapping | None = None,
    ar: int = 2024,
) -> Ctx:
    karr = {name: np.asarray(v, dtype="float64") for name, v in k.items()}
    n = len(next(iter(karr.values())))
    lan_kod = np.asarray(["01"] * n if lan_kod is None else lan_kod, dtype=object)
    codes = sorted(set(lan_kod))
    kommun_lan = np.array([codes.index(c) for c in lan_kod])
    cols = [
        "loneindex",
        "glesbygd_forskola",
        "glesbygd_grundskola",
        "glesbygd_gymnasieskola",
        "glesbygd_hemtjanst",
        "behov_forskola",
        "behov_fritidshem",
        "uppvarmningsindex",
        "administration",
        "raddningstjanst",
        "trafik",
        "byggnation",
    ]
    kidx = pd.DataFrame({c: np.full(n, NEUTRAL.get(c, 1.0)) for c in cols})
    for c, v in (idx or {}).items():
        kidx[c] = np.asarray(v, dtype="float64")
    rcols = {"loneindex": 100.0, "bemanning_glesbygd": 1.0, "vard_glesbygd": 1.0}
    ridx_df = pd.DataFrame({c: np.full(len(codes), v) for c, v in rcols.items()})
    for c, v in (ridx or {}).items():
        ridx_df[c] = np.asarray(v, dtype="float64")
    p = Params.load(regelverk, ar=ar)
    if andringar:
        p = p.with_reform({"namn": "test", "andringar": dict(andringar)})
    index = FastaIndex(kidx, ridx_df, "test")
    if idx is None and ridx is None and not p.has("allmant.fasta_index"):
        # as engine.model.build_ctx: a rule set whose fasta index tables the seeds do not give (the current rules)
        index = UnavailableIndex(p.leaves["allmant.fasta_index"].get("reason", EJ_I_KALLORNA))
    rr = {name: np.asarray(v, dtype="float64") for name, v in (r or {}).items()}
    onehot = np.zeros((n, len(codes)))
    onehot[np.arange(n), kommun_lan] = 1.0
    for name in ("folkmangd_31dec_t2", "folkmangd_1nov_t1", "skatteunderlag_kr"):
        if name in karr and name not in rr:
            rr[name] = karr[name] @ onehot
    return Ctx(
        ar=ar,
        p=p,
        k=karr,
        lan={n_: np.asarray(v, dtype="float64") for n_, v in (lan or {}).items()},
        r=rr,
        riket=dict(riket or {}),
        idx=index,
        skattesatser=Skattesatser(shipped_lansvisa_skattesatser()),
        tabeller=tabeller(p),
        kommun_kod=np.array([f"{i:04d}" for i in range(n)], dtype=object),
        lan_kod=lan_kod,
        kommun_lan=kommun_lan,
        region_kod=np.asarray(codes, dtype=object),
        ingar_i_region=np.asarray([c != "09" for c in codes]),
    )
