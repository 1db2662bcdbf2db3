"""Audit trail: for one kommun (or region), every component with the inputs, fasta index values and parameters
(with their sources) that produced it.

The run is the ordinary engine run with *tracing* wrappers around the parameters, the inputs and the fasta index
tables: every access is recorded under the component being computed (``delmodell.komponent``; the registry of
engine/kostnad names it) or the post (``inkomstutjamning``, ``lss`` …), so the explanation lists exactly what each
paragraph read — per component and, together, per del — and nothing is maintained by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields

import numpy as np

from engine import kostnad, register, schema
from engine.context import Indatatabell
from engine.params import EjTillganglig, Params
from engine.sammanfattning import POSTER, slag


@dataclass
class Tracer:
    """What each component (``delmodell.komponent``) or post read: parameters, inputs (level, name), fasta index
    columns (level, column)."""

    current: str = "allmant"
    params: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    inputs: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    index: dict[str, set] = field(default_factory=lambda: defaultdict(set))

    def keys(self) -> set[str]:
        return set(self.params) | set(self.inputs) | set(self.index)


def _las(tracer: Tracer, keys) -> dict[str, set]:
    """The union of what the components or posts ``keys`` read."""
    out = {"params": set(), "inputs": set(), "index": set()}
    for key in keys:
        for what in out:
            out[what] |= getattr(tracer, what).get(key, set())
    return out


class TracingParams(Params):
    tracer: Tracer

    def value(self, path):
        self.tracer.params[self.tracer.current].add(path)
        return super().value(path)

    __call__ = value

    def raw(self, path):
        self.tracer.params[self.tracer.current].add(path)
        return super().raw(path)


class TracingDict(Indatatabell):
    def __init__(self, data, tracer: Tracer, niva: str):
        super().__init__(data, niva, getattr(data, "n", None), getattr(data, "harledda", ()))
        self.tracer = tracer

    def __getitem__(self, key):
        self.tracer.inputs[self.tracer.current].add((self.niva, key))
        return super().__getitem__(key)


class TracingIndex:
    def __init__(self, idx, tracer: Tracer):
        self._idx, self.tracer, self.katalog = idx, tracer, getattr(idx, "katalog", "")

    def k(self, col):
        self.tracer.index[self.tracer.current].add(("kommun", col))
        return self._idx.k(col)

    def r(self, col):
        self.tracer.index[self.tracer.current].add(("region", col))
        return self._idx.r(col)

    def __getattr__(self, name):
        return getattr(self._idx, name)


def attach_tracer(ctx) -> Tracer:
    tr = Tracer()
    p = TracingParams(**{f.name: getattr(ctx.p, f.name) for f in fields(Params)})
    p.tracer = tr
    ctx.p = p
    ctx.k, ctx.r, ctx.lan = (
        TracingDict(ctx.k, tr, "kommun"),
        TracingDict(ctx.r, tr, "region"),
        TracingDict(ctx.lan, tr, "lan"),
    )
    ctx.riket = TracingDict(ctx.riket, tr, "riket")
    ctx.idx = TracingIndex(ctx.idx, tr)
    ctx.sparning = tr
    return tr


def _scalar(v):
    """A numpy scalar as the Python number of the same kind (a count stays an integer)."""
    return v.item() if isinstance(v, np.generic) else v


def explain_data(ctx, res, tracer: Tracer, kod: str) -> dict:
    """The audit trail of kommun ``kod`` (4 digits) or region ``kod`` (2 digits) as data, for reports (`forklara`'s
    text: pipelines/forklara_text.py; the nightly report): the posts of the law (``poster``: kr/inv and kronor, in
    the law's order, the total and the LSS-utjämning last), then per del of the utjämning its components — value,
    kind (engine.sammanfattning.slag), the paragraph and what that component itself read (``indata``,
    ``fasta_index`` as ``niva.namn``, ``parametrar`` as paths) — and everything the del read: the inputs (value,
    riket total of counts, unit, reference date, source; ``saknas`` when the input tables lack it), the fasta index
    values and the parameters (``Params.describe``). Values keep their type (NaN where not available); a fasta
    index the rule set lacks has ``None``. ``res`` is ``engine.model.berakna(ctx)``: its notices are the
    ``anmarkningar``."""
    niva = "kommun" if len(kod) == 4 else "region"
    codes = list(ctx.kommun_kod if niva == "kommun" else ctx.region_kod)
    if kod not in codes:
        raise KeyError(f"{niva} {kod} finns inte i registret")
    i = codes.index(kod)
    lan_i = ctx.kommun_lan[i] if niva == "kommun" else i
    name = (
        register.kommuner().set_index("kommun_kod").loc[kod, "kommun"]
        if niva == "kommun"
        else register.regioner().set_index("region_kod").loc[kod, "region"]
    )
    cols = res[niva]
    groups: dict[str, list[str]] = defaultdict(list)
    for c in cols:
        groups[c.split(".")[0]].append(c)
    sources = {"kommun": ctx.k, "region": ctx.r, "lan": ctx.lan, "riket": ctx.riket}
    delar = []
    for g, cs in groups.items():
        dm = kostnad.DELMODELL.get((g, niva))
        paragrafer = {k.namn: k.paragraf for k in dm.komponenter} if dm is not None else {}
        komponenter = []
        for c in cs:
            v = np.asarray(cols[c])
            k = c.split(".", 1)[1]
            egen = _las(tracer, [c])
            komponenter.append(
                {
                    "kolumn": c,
                    "komponent": k,
                    "varde": float(v[..., i]) if v.ndim else float(v),
                    "slag": slag(c),
                    "paragraf": paragrafer.get(k),
                    "indata": [f"{lvl}.{var}" for lvl, var in sorted(egen["inputs"])],
                    "fasta_index": [f"{lvl}.{col}" for lvl, col in sorted(egen["index"])],
                    "parametrar": sorted(egen["params"]),
                }
            )
        las = _las(tracer, [g, *(key for key in tracer.keys() if key.startswith(g + "."))])  # noqa: SIM118 - a Tracer, not a dict
        indata = []
        for lvl, var in sorted(las["inputs"]):
            src = sources[lvl]
            meta = schema.BY_NAME.get(var)
            rad = {
                "niva": lvl,
                "variabel": var,
                "saknas": var not in src,
                "varde": float("nan"),
                "riket": None,
                "enhet": meta.unit if meta else None,
                "referens": meta.referens if meta else None,
                "kalla": meta.kalla if meta else None,
            }
            if not rad["saknas"]:
                arr = dict.__getitem__(src, var)
                if lvl == "riket":
                    rad["varde"] = _scalar(arr)
                elif lvl != "kommun" or niva == "kommun":
                    rad["varde"] = _scalar(np.asarray(arr)[i if lvl == niva else lan_i])
                if lvl != "riket" and meta and meta.kind == "count":
                    rad["riket"] = float(np.sum(arr))
            indata.append(rad)
        index = []
        for lvl, col in sorted(las["index"]):
            j = i if lvl == niva else lan_i
            try:
                val = float(np.asarray(ctx.idx._idx.k(col) if lvl == "kommun" else ctx.idx._idx.r(col))[j])
            except EjTillganglig:
                val = None
            index.append({"niva": lvl, "kolumn": col, "varde": val, "katalog": str(ctx.idx.katalog)})
        parametrar = [{"sokvag": path, **ctx.p.describe(path)} for path in sorted(las["params"])]
        delar.append(
            {"del": g, "komponenter": komponenter, "indata": indata, "fasta_index": index, "parametrar": parametrar}
        )
    poster = [
        {
            "post": post,
            "kolumn": c,
            "kr_per_inv": float(np.asarray(cols[c])[..., i]),
            "kr": float(np.asarray(cols[f"{c}_kr"])[..., i]) if f"{c}_kr" in cols else None,
        }
        for post, c in POSTER
        if c in cols
    ]
    return {
        "kod": kod,
        "namn": str(name),
        "niva": niva,
        "ar": int(ctx.ar),
        "regelverk": ctx.p.namn,
        "reformer": list(ctx.p.reformer),
        "poster": poster,
        "delar": delar,
        "anmarkningar": list(res.notes),
    }
