"""`utjamning forklara`: the audit trail of one kommun or region.

    utjamning forklara --kommun 2506 --ar 2024 --regelverk sou2024 --indata DIR [--reform FILE]
                       [--fasta-index DIR] [--ut FILE]

Prints, for the kommun (4-digit code or name) or region (2-digit code or name), every component of the utjämning
with the inputs (value, unit, reference date, source), fasta index values and parameters (value, unit, law
paragraph and SOU 2024:50 line) that produced it. The same engine run as `utjamning berakna`, traced.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from engine.errors import InputError
from pipelines import argtypes

log = logging.getLogger("utjamning")
#: First line of a report written with --ut: marks the file as one a later run may replace.
SIGNATURE = "<!-- utjamning forklara -->"


#: `utjamning forklara --help` (the module docstring is for developers).
BESKRIVNING = """\
Revisionsspåret för en kommun eller region: först posterna (kr/inv och kronor, totalen), sedan varje del med
komponenterna och deras paragrafer, indata (värde, enhet, referensdag, källa), fasta index och parametrar (värde,
enhet, lagrum och sida i SOU 2024:50), sist anmärkningarna. Samma beräkning som utjamning berakna.

    utjamning forklara --kommun 2506|Övertorneå [--ar 2024] [--regelverk sou2024] --indata KATALOG
                       [--reform FIL] [--fasta-index KATALOG] [--ut FIL]"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "forklara",
        help="förklara en kommuns eller regions utfall (revisionsspår)",
        description=BESKRIVNING,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--kommun", help="kommunkod (4 siffror) eller namn")
    who.add_argument("--region", help="regionkod (2 siffror) eller namn")
    p.add_argument("--ar", type=argtypes.ar, default=2024, help="utjämningsår t (standard 2024)")
    p.add_argument(
        "--regelverk",
        type=argtypes.regelverk,
        default="sou2024",
        help="sou2024 (förslaget, standard) eller nuvarande (nuvarande regler; även 2024)",
    )
    p.add_argument("--reform", type=Path, default=None, help="YAML-fil med ändrade parametervärden (reform)")
    p.add_argument("--indata", type=Path, required=True, help="indatakatalog (docs/inputs.md)")
    p.add_argument("--fasta-index", type=Path, default=None, help="katalog med fasta index")
    argtypes.add_ut_option(
        p,
        default=None,
        metavar="FIL",
        help="skriv rapporten till denna fil i stället för till standard ut (en befintlig fil ersätts "
        "bara om utjamning skrev den)",
    )
    p.set_defaults(func=run)


class ForklaraError(InputError):
    """An unknown kommun or region (exit 2)."""


def resolve_code(kommun: str | None, region: str | None) -> str:
    from engine import register as reg

    if kommun is not None:
        t, key, name, want = reg.kommuner(), "kommun_kod", "kommun", kommun.strip()
    else:
        t, key, name, want = reg.regioner(), "region_kod", "region", region.strip()
    option = "--kommun" if kommun is not None else "--region"
    if want.isdigit():
        want = want.zfill(4 if kommun is not None else 2)
        if want in set(t[key]):
            return want
    hits = t[t[name].str.casefold() == want.casefold()]
    if len(hits) == 1:
        return hits[key].iloc[0]
    close = t[t[name].str.casefold().str.startswith(want[:3].casefold())][name].tolist()[:8] if want else []
    raise ForklaraError(f"{option}: ingen {name} {want!r}" + (f" (menade du {', '.join(close)}?)" if close else ""))


def run(args) -> int:
    from engine.forklara import attach_tracer, explain_data
    from engine.indata import load_indata
    from engine.model import berakna, build_ctx
    from engine.params import load_params
    from pipelines.forklara_text import forklaring
    from pipelines.outputs import atomic_output_file, check_output_file, require_inputs, skrev

    inputs = {"--indata": args.indata, "--reform": args.reform, "--fasta-index": args.fasta_index}
    require_inputs(inputs)
    if args.ut:
        check_output_file(args.ut, option="--ut", inputs=inputs, signature=SIGNATURE)
    kod = resolve_code(args.kommun, args.region)
    params = load_params(args.regelverk, args.reform, args.ar)
    indata = load_indata(args.indata, args.regelverk, args.ar)
    ctx = build_ctx(indata, params, args.fasta_index)
    tracer = attach_tracer(ctx)
    res = berakna(ctx)
    res.notes[:0] = indata.varningar + list(getattr(ctx.idx, "varningar", ()))  # unusual inputs: noted first
    for w in indata.varningar:
        log.warning("%s", w)
    text = forklaring(explain_data(ctx, res, tracer, kod))
    if args.ut:
        with atomic_output_file(args.ut, option="--ut", inputs=inputs, signature=SIGNATURE) as tmp:
            tmp.write_text(f"{SIGNATURE}\n{text}", encoding="utf-8")
        skrev("forklara", args.ut)
    else:
        sys.stdout.write(text)
        log.info("forklara: skrev förklaringen till standard ut")
    return 0
