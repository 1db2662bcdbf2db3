"""argparse in Swedish: "användning:", "flaggor", the help and version lines and argparse's own error messages.

argparse writes its words through gettext; rather than install a translation for the whole process, the parser
class and the help formatter of `utjamning` replace them where they are used: the usage prefix and the group
titles in the formatter and the parser, the error messages by pattern in :meth:`SvenskArgumentParser.error`
(exit 2, as argparse). Placeholders of options without their own metavar are Swedish too (:data:`METAVAR`).
"""

from __future__ import annotations

import argparse
import re
import sys

#: Placeholders for options whose destination is not a Swedish word (the rest: the destination in capitals).
METAVAR = {
    "grid": "FIL",
    "kommuner": "FIL",
    "tatorter": "FIL",
    "centralorter": "FIL",
    "referensbefolkning": "FIL",
    "oar": "FIL",
    "o_tabell": "FIL",
    "areal": "FIL",
    "reform": "FIL",
    "indata": "KATALOG",
    "fasta_index": "KATALOG",
    "bas_utfall": "KATALOG",
    "thresholds": "ANTAL,…",
    "cell_size": "METER",
    "chunk_size": "ANTAL",
    "scheduler": "SCHEMALÄGGARE",
    "fmt": "FORMAT",
    "ar": "ÅR",
}

#: argparse's error messages (Python 3.11–3.13) → Swedish; applied in order, each to the whole message.
FEL = (
    (r"the following arguments are required: (.*)", r"följande argument krävs: \1"),
    (r"one of the arguments (.*) is required", r"ett av argumenten \1 krävs"),
    (r"argument (.*?): not allowed with argument (.*)", r"argument \1: kan inte anges tillsammans med \2"),
    (r"argument (.*?): invalid choice: (.*) \(choose from (.*)\)", r"argument \1: ogiltigt val \2 (välj bland \3)"),
    (r"argument (.*?): expected one argument", r"argument \1: ett värde krävs"),
    (r"argument (.*?): expected at least one argument", r"argument \1: minst ett värde krävs"),
    (r"argument (.*?): expected (.*) arguments?", r"argument \1: \2 värden krävs"),
    (r"argument (.*?): invalid \S+ value: (.*)", r"argument \1: ogiltigt värde \2"),
    (r"argument (.*?): ignored explicit argument (.*)", r"argument \1: värdet \2 ignoreras"),
    (r"unrecognized arguments: (.*)", r"okända argument: \1"),
    (r"ambiguous option: (.*) could match (.*)", r"tvetydig flagga: \1 kan betyda \2"),
)


def oversatt(message: str) -> str:
    """argparse's English error ``message`` in Swedish (unchanged when no pattern matches: ours are Swedish)."""
    for pattern, svenska in FEL:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, svenska, message, count=1, flags=re.DOTALL)
    return message


class SvenskHjalp(argparse.RawDescriptionHelpFormatter):
    """Help as written (descriptions keep their line breaks) with a Swedish usage prefix and placeholders."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "användning: " if prefix is None else prefix)

    def _get_default_metavar_for_optional(self, action):
        return METAVAR.get(action.dest, action.dest.upper().replace("_", "-"))

    def _get_default_metavar_for_positional(self, action):
        return METAVAR.get(action.dest, action.dest.upper().replace("_", "-"))


class SvenskArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose own words are Swedish; its sub-command parsers are of the same class."""

    def __init__(self, *args, **kwargs):
        kwargs["formatter_class"] = SvenskHjalp
        super().__init__(*args, **kwargs)
        self._optionals.title = "flaggor"
        self._positionals.title = "argument"
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = "visa denna hjälp och avsluta"

    def add_argument(self, *args, **kwargs):
        if kwargs.get("action") == "version":
            kwargs.setdefault("help", "visa programversionen och avsluta")
        return super().add_argument(*args, **kwargs)

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fel: {oversatt(message)}\n")
