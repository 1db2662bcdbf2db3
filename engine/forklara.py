"""Audit trail: for one kommun (or region), every component with the inputs, fasta index values and parameters
(with their sources) that produced it.

The run is the ordinary engine run with *tracing* wrappers around the parameters, the inputs and the fasta index
tables: every access is recorded under the component being computed (the orchestrator names it), so the
explanation lists exactly what each paragraph read — nothing is maintained by hand.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields

import numpy as np

from engine import register, schema
from engine.context import Indatatabell
from engine.params import EjTillganglig, Params


@dataclass
class Tracer:
    current: str = "allmant"
    params: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    inputs: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    index: dict[str, set] = field(default_factory=lambda: defaultdict(set))


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
    ctx.k, ctx.r, ctx.lan = TracingDict(ctx.k, tr, "kommun"), TracingDict(ctx.r, tr, "region"), TracingDict(ctx.lan, tr, "lan")
    ctx.riket = TracingDict(ctx.riket, tr, "riket")
    ctx.idx = TracingIndex(ctx.idx, tr)
    ctx.cache["_trace"] = tr
    return tr


def _fmt(v) -> str:
    if isinstance(v, (float, np.floating)):
        if np.isnan(v):
            return "ej tillgänglig"
        return f"{v:,.4f}".replace(",", " ") if abs(v) < 100 else f"{v:,.0f}".replace(",", " ")
    return str(v)


def explain(ctx, res, tracer: Tracer, kod: str) -> str:
    """Text report for kommun ``kod`` (4 digits) or region ``kod`` (2 digits)."""
    niva = "kommun" if len(kod) == 4 else "region"
    codes = list(ctx.kommun_kod if niva == "kommun" else ctx.region_kod)
    if kod not in codes:
        raise KeyError(f"{niva} {kod} not in the register")
    i = codes.index(kod)
    lan_i = ctx.kommun_lan[i] if niva == "kommun" else i
    if niva == "kommun":
        name = register.kommuner().set_index("kommun_kod").loc[kod, "kommun"]
    else:
        name = register.regioner().set_index("region_kod").loc[kod, "region"]
    out = [f"# {name} ({kod}) — utjämningsår {ctx.ar}, regelverk {ctx.p.namn}"
           + (f", reformer: {', '.join(ctx.p.reformer)}" if ctx.p.reformer else ""), ""]
    cols = res[niva]
    groups: dict[str, list[str]] = defaultdict(list)
    for c in cols:
        groups[c.split(".")[0]].append(c)
    for g, cs in groups.items():
        out.append(f"## {g}")
        for c in cs:
            v = np.asarray(cols[c])
            out.append(f"  {c.split('.', 1)[1]:<44} {_fmt(float(v[..., i]) if v.ndim else float(v)):>16}"
                       + ("  kr" if c.endswith("_kr") else "  kr/inv" if not c.endswith(("_procent",)) else "  %"))
        inputs = sorted(tracer.inputs.get(g, ()))
        if inputs:
            out.append("  indata:")
            for lvl, var in inputs:
                src = {"kommun": ctx.k, "region": ctx.r, "lan": ctx.lan, "riket": ctx.riket}[lvl]
                if var not in src:
                    out.append(f"    {lvl}.{var:<40} {'saknas i indata':>14}")
                    continue
                arr = dict.__getitem__(src, var)
                j = i if lvl == niva else lan_i
                val = arr if lvl == "riket" else np.asarray(arr)[j] if lvl != "kommun" or niva == "kommun" else np.nan
                meta = schema.BY_NAME.get(var)
                extra = f"  [{meta.unit}, {meta.referens}; {meta.kalla}]" if meta else ""
                total = f"  (riket {_fmt(float(np.sum(arr)))})" if lvl != "riket" and meta and meta.kind == "count" else ""
                out.append(f"    {lvl}.{var:<40} {_fmt(val):>14}{total}{extra}")
        idx = sorted(tracer.index.get(g, ()))
        if idx:
            out.append("  fasta index:")
            for lvl, col in idx:
                j = i if lvl == niva else lan_i
                try:
                    val = _fmt(float(np.asarray(ctx.idx._idx.k(col) if lvl == "kommun" else ctx.idx._idx.r(col))[j]))
                except EjTillganglig:   # the rule set has no such table (current rules): the component said so too
                    val = "ej tillgänglig"
                out.append(f"    {col:<42} {val:>14}  [{ctx.idx.katalog}]")
        params = sorted(tracer.params.get(g, ()))
        if params:
            out.append("  parametrar:")
            for path in params:
                d = ctx.p.describe(path)
                val = d.get("value", d.get("status"))
                out.append(f"    {path:<44} = {val!s:<14} {d.get('unit', '')}  — {d.get('source', d.get('reason', ''))}")
        out.append("")
    if ctx.notes:
        out.append("## anmärkningar")
        out += [f"  - {n}" for n in ctx.notes]
    return "\n".join(out) + "\n"
