"""`utjamning` command line: one sub-command per module in COMMANDS.

Each command module defines ``register(subparsers)`` which adds its parser and sets
``func=<callable(args) -> int>``. Errors of bad input (any exception with an ``is_input_error``
attribute) are printed as one clear message and exit with status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "gleshet": "pipelines.cmd_gleshet",
    "index": "pipelines.cmd_index",
    "berakna": "pipelines.cmd_berakna",
    "jamfor": "pipelines.cmd_jamfor",
    "forklara": "pipelines.cmd_forklara",
    "demo": "pipelines.cmd_demo",
    "natt": "pipelines.cmd_natt",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="utjamning",
        description="Kommunalekonomisk utjämning (nuvarande regler och SOU 2024:50) och gleshetsmått",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:  # command not built yet: not offered
            if exc.name == module:
                continue
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Exception as exc:  # noqa: BLE001 - bad input gets one message, bugs keep their traceback
        if getattr(exc, "is_input_error", False):
            print(f"utjamning {args.command}: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
