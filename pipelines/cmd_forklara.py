"""`utjamning forklara`: the audit trail of one kommun or region.

    utjamning forklara --kommun 2506 --ar 2024 --regelverk sou2024 --indata DIR [--reform FILE] [--fasta-index DIR] [--ut FILE]

Prints, for the kommun (4-digit code or name) or region (2-digit code or name), every component of the utjämning
with the inputs (value, unit, reference date, source), fasta index values and parameters (value, unit, law
paragraph and SOU 2024:50 line) that produced it. The same engine run as `utjamning berakna`, traced.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("forklara", help="förklara en kommuns eller regions utfall (revisionsspår)",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--kommun", help="kommunkod (4 siffror) eller namn")
    who.add_argument("--region", help="regionkod (2 siffror) eller namn")
    p.add_argument("--ar", type=int, default=2024)
    p.add_argument("--regelverk", default="sou2024")
    p.add_argument("--reform", type=Path, default=None)
    p.add_argument("--indata", type=Path, required=True)
    p.add_argument("--fasta-index", type=Path, default=None)
    p.add_argument("--ut", type=Path, default=None, help="write the report to this file instead of stdout")
    p.set_defaults(func=run)


class ForklaraError(ValueError):
    is_input_error = True


def resolve_code(kommun: str | None, region: str | None) -> str:
    from engine import register as reg
    if kommun is not None:
        t, key, name, want = reg.kommuner(), "kommun_kod", "kommun", kommun.strip()
    else:
        t, key, name, want = reg.regioner(), "region_kod", "region", region.strip()
    if want.isdigit():
        want = want.zfill(4 if kommun is not None else 2)
        if want in set(t[key]):
            return want
    hits = t[t[name].str.casefold() == want.casefold()]
    if len(hits) == 1:
        return hits[key].iloc[0]
    close = t[t[name].str.casefold().str.startswith(want[:3].casefold())][name].tolist()[:8]
    raise ForklaraError(f"no {name} {want!r}" + (f" (did you mean {close}?)" if close else ""))


def run(args) -> int:
    from engine.forklara import attach_tracer, explain
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx
    from engine.params import load_params

    kod = resolve_code(args.kommun, args.region)
    params = load_params(args.regelverk, args.reform)
    ctx = build_ctx(load_indata(args.indata, args.regelverk, args.ar), params, args.fasta_index)
    tracer = attach_tracer(ctx)
    text = explain(ctx, berakna(ctx), tracer, kod)
    if args.ut:
        args.ut.write_text(text, encoding="utf-8")
        print(f"forklara: {args.ut}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
