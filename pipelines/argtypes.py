"""Argument types shared by the commands: a value that cannot be right is a usage error (exit 2) at parse time."""

from __future__ import annotations

import argparse
from pathlib import Path


def regelverk(text: str) -> str:
    """The name of a shipped rule set (``data/regelverk/<namn>``); a path or an unknown name is a usage error."""
    from engine.params import available_rule_sets

    names = available_rule_sets()
    if text in names:
        return text
    hint = (
        " — ange regelverkets namn, inte en sökväg; egna värden ges som en reform (--reform)"
        if ("/" in text or "\\" in text or Path(text).exists())
        else ""
    )
    raise argparse.ArgumentTypeError(f"okänt regelverk {text!r}: välj ett av {', '.join(names)}{hint}")


def positive_int(text: str) -> int:
    """An integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inte ett heltal") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: måste vara ett positivt heltal (≥ 1)")
    return value


def ar(text: str) -> int:
    """An utjämningsår: a four-digit year."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inte ett årtal") from None
    if not 1990 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"{value}: utjämningsåret ska vara ett årtal (1990–2100)")
    return value


#: The help of an output directory option (every command that writes a directory says the same).
UT_KATALOG_HJALP = "utdatakatalog: ny, tom eller en tidigare utdata från utjamning (ersätts i ett svep)"


def add_ut_option(p: argparse.ArgumentParser, *, help: str = UT_KATALOG_HJALP, **kwargs) -> None:
    """The output option every command shares: ``--ut``, with ``--out`` accepted as the older name of the same
    flag (gleshet and demo had it), so a script written for either command works with every other."""
    p.add_argument(
        "--ut", "--out", dest="ut", type=Path, help=f"{help}; --out är ett äldre namn för samma flagga", **kwargs
    )
