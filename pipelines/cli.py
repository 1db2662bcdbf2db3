"""`utjamning` command line: one sub-command per module in COMMANDS.

Each command module defines ``register(subparsers)`` which adds its parser and sets
``func=<callable(args) -> int>``. Global options: ``-q`` (only warnings and errors), ``-v`` (details, and the
traceback of an internal error), ``--version``. Messages go through the ``logging`` module to stderr.

Exit codes (the same for every command; README "Felkoder"):

    0  klart
    1  natt: klart, men ändringar utöver toleransen
    2  fel i anrop eller indata: ett meddelande som namnger fil, rad, kommun, kolumn eller flagga; inget skrivs
    3  internt fel (en bugg): ett kort meddelande; spårutskriften med -v och alltid i en loggfil
    4  natt: en annan körning håller låset

Errors of bad input (:class:`engine.errors.InputError`, engine/errors.py) are printed as one message, exit 2.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
import tempfile
import time
import traceback

from engine.errors import InputError
from pipelines.svensk_argparse import SvenskArgumentParser, SvenskHjalp

COMMANDS = {
    "gleshet": "pipelines.cmd_gleshet",
    "index": "pipelines.cmd_index",
    "berakna": "pipelines.cmd_berakna",
    "jamfor": "pipelines.cmd_jamfor",
    "forklara": "pipelines.cmd_forklara",
    "demo": "pipelines.cmd_demo",
    "natt": "pipelines.cmd_natt",
}

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL = 0, 2, 3
EXIT_CODES = """\
felkoder:
  0  klart
  1  natt: klart, men ändringar utöver toleransen
  2  fel i anrop eller indata (meddelandet namnger fil, rad, kommun, kolumn eller flagga); inget skrivs
  3  internt fel (en bugg): kort meddelande, spårutskrift med -v och i en loggfil
  4  natt: en annan körning håller låset"""
#: Errors of the user's environment (disk full, no permission, read-only file system): input errors, not bugs.
ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.EDQUOT, errno.ENAMETOOLONG}

log = logging.getLogger("utjamning")


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("utjamning")
    except metadata.PackageNotFoundError:
        return "okänd (inte installerad)"


def _add_verbosity(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """-q/-v on ``parser``: before the command (dests ``global_*``) or after it (dests ``verbose``/``quiet``, absent
    unless given, so a command's own -q stays as it is)."""
    default = False if prefix else argparse.SUPPRESS
    if "-v" not in parser._option_string_actions:
        parser.add_argument(
            "-v",
            "--verbose",
            dest=f"{prefix}verbose",
            action="store_true",
            default=default,
            help="mer utskrift, och spårutskriften vid internt fel",
        )
    if "-q" not in parser._option_string_actions:
        parser.add_argument(
            "-q", "--quiet", dest=f"{prefix}quiet", action="store_true", default=default, help="bara varningar och fel"
        )


def build_parser() -> argparse.ArgumentParser:
    parser = SvenskArgumentParser(
        prog="utjamning",
        description="Kommunalekonomisk utjämning (nuvarande regler och SOU 2024:50) och gleshetsmått",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"utjamning {_version()}")
    _add_verbosity(parser, "global_")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO", title="kommandon")
    for module in COMMANDS.values():
        importlib.import_module(module).register(sub)
    for p in sub.choices.values():
        _add_verbosity(p)
        p.epilog = (p.epilog + "\n\n" if p.epilog else "") + EXIT_CODES
        p.formatter_class = SvenskHjalp
    return parser


def configure_logging(quiet: bool, verbose: bool) -> None:
    """Messages to stderr: warnings and errors always, progress unless -q, details with -v."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    root = logging.getLogger("utjamning")
    for h in list(root.handlers):
        if getattr(h, "_utjamning", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._utjamning = True
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def _internal_error(command: str, exc: BaseException, verbose: bool) -> int:
    """A bug: a short Swedish message; the traceback with -v, and always in a log file the message names."""
    text = "".join(traceback.format_exception(exc))
    where = ""
    try:
        fd, path = tempfile.mkstemp(prefix=f"utjamning-fel-{time.strftime('%Y%m%d-%H%M%S')}-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"utjamning {_version()} {command}\n{' '.join(sys.argv)}\n\n{text}")
        where = f"; spårutskriften finns i {path}"
    except OSError:
        pass
    if verbose:
        sys.stderr.write(text)
    print(
        f"utjamning {command}: internt fel ({type(exc).__name__}: {exc}). Detta är ett fel i programmet, inte i "
        f"indata — rapportera det gärna{where}" + ("" if verbose else " (kör med -v för att se den)") + ".",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    verbose = args.global_verbose or bool(getattr(args, "verbose", False))
    quiet = args.global_quiet or bool(getattr(args, "quiet", False))
    args.verbose, args.quiet = verbose, quiet
    configure_logging(quiet and not verbose, verbose)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"utjamning {args.command}: avbruten; ingen utdata ändrades", file=sys.stderr)
        return 130
    except InputError as exc:
        print(f"utjamning {args.command}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - a bug gets a short message (exit 3)
        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
            print(
                f"utjamning {args.command}: {exc.filename or ''}: {os.strerror(exc.errno)}; inget ändrades",
                file=sys.stderr,
            )
            return EXIT_INPUT
        return _internal_error(args.command, exc, verbose)


if __name__ == "__main__":
    sys.exit(main())
