"""CSV dialects of the commands' output tables: ``standard`` (``,`` separator, decimal point, UTF-8 without BOM —
what programs read, and the default) and ``excel-sv`` (``;`` separator, decimal comma, UTF-8 with BOM — what
Excel with Swedish settings opens directly, å/ä/ö intact). Every command that writes CSV takes ``--csv DIALEKT``;
column keys are the same in both (the XLSX workbooks carry the Swedish headings). Every reader of the tool accepts
both dialects, and Windows-1252 (engine.indata.read_csv_text, geo.readers)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

DIALEKTER = {
    "standard": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
    "excel-sv": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
}
STANDARD = "standard"


def add_csv_option(parser) -> None:
    """``--csv standard|excel-sv`` on a command's parser."""
    parser.add_argument("--csv", choices=list(DIALEKTER), default=STANDARD, metavar="DIALEKT",
                        help="CSV-filernas format: standard (',' och decimalpunkt, UTF-8; standard) eller excel-sv "
                             "(';', decimalkomma och UTF-8 med BOM, för Excel med svenska inställningar)")


def write_csv(df: pd.DataFrame, path: str | Path, dialekt: str = STANDARD, *, float_format: str | None = None,
              index: bool | None = None) -> Path:
    """Write ``df`` as CSV in ``dialekt``; the index is written when it is named (a key such as kommun_kod), never
    an unnamed row number, unless ``index`` says otherwise. Lines end in ``\\n``; same table → same bytes."""
    d = DIALEKTER[dialekt]
    if index is None:
        index = any(n is not None for n in df.index.names)
    df.to_csv(path, sep=d["sep"], decimal=d["decimal"], encoding=d["encoding"], float_format=float_format,
              index=index, lineterminator="\n")
    return Path(path)
