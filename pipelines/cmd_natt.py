"""`utjamning natt`: the nightly recomputation — gleshet → fasta index → utjämning → jämförelse — as one command.

    utjamning natt --konfig natt.toml [-q | -v] [--logg-json FIL]
    utjamning natt --exempel > natt.toml        # a commented example that runs on the embedded demo data

Each step is computed only when its inputs (file contents), parameters or the program version changed; otherwise
the previous result is reused. Each run writes korningar/<UTC-tid>-<hash>/ under the output root with its
manifest, log, change report (andringar/) and HTML report (rapport/index.html); the pointer `senaste` moves to it
only when every step succeeded. See pipelines/natt_korning.py for the layout and pipelines/natt_konfig.py for the
configuration. Exit codes: 0 ok; 1 ok, but changes beyond tolerance since the previous good run; 2 configuration
or input error; 3 internal error (the traceback in the run's natt.log); 4 another run holds the lock; 130
interrupted (Ctrl-C or SIGTERM).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BESKRIVNING = """\
Nattlig omräkning: gleshetsmått → fasta index → utjämning per regelverk och reform → jämförelse, i ett kommando.

    utjamning natt --exempel > natt.toml        # en kommenterad exempelkonfiguration för de inbäddade demodata
    utjamning natt --konfig natt.toml [-q | -v] [--logg-json FIL]

Ett steg räknas bara om när dess indata (filernas innehåll), parametrar eller programversion har ändrats; annars
återanvänds det förra resultatet. Varje körning skriver korningar/<UTC-tid>-<hash>/ under utdataroten med manifest,
logg (natt.log), ändringsrapport (andringar/) och rapport (rapport/index.html); pekaren "senaste" flyttas dit först
när alla steg lyckats. En misslyckad körning lämnar "senaste" orörd och skriver MISSLYCKAD.txt."""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "natt",
        help="nattlig omräkning: hela kedjan, inkrementellt, med rapport",
        description=BESKRIVNING,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--konfig", type=Path, metavar="FIL", help="konfigurationsfil (TOML)")
    what.add_argument(
        "--exempel", action="store_true", help="skriv en kommenterad exempelkonfiguration för demodata till stdout"
    )
    p.add_argument(
        "--logg-json",
        type=Path,
        default=None,
        metavar="FIL",
        help="skriv också loggen som JSON-rader (en per händelse) till FIL, för schemaläggarens logg",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="bara varningar och fel")
    p.add_argument("-v", "--verbose", action="store_true", help="mer utskrift, och spårutskriften vid internt fel")
    p.set_defaults(func=run)


def run(args) -> int:
    from pipelines.natt_konfig import exempel, load_config
    from pipelines.natt_korning import kor

    if args.exempel:
        sys.stdout.write(exempel())
        return 0
    konfig = load_config(args.konfig)
    logg_json = args.logg_json.resolve() if args.logg_json else None
    if logg_json is not None and (not logg_json.parent.is_dir() or logg_json.is_dir()):
        from pipelines.natt_korning import NattFel

        raise NattFel(
            f"--logg-json {args.logg_json}: mappen {logg_json.parent} finns inte"
            if not logg_json.parent.is_dir()
            else f"--logg-json {args.logg_json}: är en mapp, inte en fil"
        )
    return kor(konfig, tyst=bool(args.quiet) and not args.verbose, utforlig=bool(args.verbose), logg_json=logg_json)
