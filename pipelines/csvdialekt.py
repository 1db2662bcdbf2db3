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
    parser.add_argument(
        "--csv",
        choices=list(DIALEKTER),
        default=STANDARD,
        metavar="DIALEKT",
        help="CSV-filernas format: standard (',' och decimalpunkt, UTF-8; standard) eller excel-sv "
        "(';', decimalkomma och UTF-8 med BOM, för Excel med svenska inställningar)",
    )


#: A number written as text (e.g. an index table keeping its printed decimals): gets the dialect's decimal sign.
TEXTTAL = r"^-?\d+\.\d+$"
#: Kinds of the heading catalogue (pipelines/rubriker.py) that count: written as integers ("68", not "68.0000").
HELTAL = ("antal", "invanare")


def _slag(kolumn_namn: str, tabell: str | None) -> str:
    """Kind of a column by the heading catalogue: in ``tabell`` when given; otherwise the plain lookup, falling back
    to the measures' table ``"matt"`` (gleshet and index columns such as regionalt_befolkningsunderlag are only
    catalogued there) when the plain lookup does not know the key."""
    from pipelines.rubriker import kolumn

    k = kolumn(kolumn_namn, tabell)
    if tabell is None and not k.kand:
        k = kolumn(kolumn_namn, "matt")
    return k.slag


def _heltal(df: pd.DataFrame, tabell: str | None = None) -> pd.DataFrame:
    """Count columns (by the catalogue, :func:`_slag`) held as floats because a row lacks a value, as nullable
    integers; yes/no columns as 1/0 (a number Excel and programs read alike, not Python's True/False)."""
    ut = df
    for c in df.columns:
        v = df[c]
        varden = v.dropna()
        if len(varden) and (pd.api.types.is_bool_dtype(v) or all(isinstance(x, bool) for x in varden)):
            ut = ut.copy() if ut is df else ut
            ut[c] = v.map(lambda x: pd.NA if pd.isna(x) else int(x)).astype("Int64")
            continue
        if not pd.api.types.is_float_dtype(v) or _slag(str(c), tabell) not in HELTAL:
            continue
        finite = v.dropna()
        if len(finite) and bool((finite == finite.round()).all()) and float(finite.abs().max()) < 2.0**53:
            ut = ut.copy() if ut is df else ut
            ut[c] = v.astype("Int64")
    return ut


def write_csv(
    df: pd.DataFrame,
    path: str | Path,
    dialekt: str = STANDARD,
    *,
    float_format: str | None = None,
    index: bool | None = None,
    lineterminator: str = "\n",
    tabell: str | None = None,
) -> Path:
    """Write ``df`` as CSV in ``dialekt``; the index is written when it is named (a key such as kommun_kod), never
    an unnamed row number, unless ``index`` says otherwise. Counts are written as integers (:data:`HELTAL`; the
    columns looked up in the heading catalogue's ``tabell``, e.g. ``"matt"``), yes/no as 1/0, whatever
    ``float_format`` says. In
    ``excel-sv`` numbers held as text (``"0.9972"``) get the decimal comma too. Same table → same bytes."""
    d = DIALEKTER[dialekt]
    df = _heltal(df, tabell)
    if index is None:
        index = any(n is not None for n in df.index.names)
    if d["decimal"] != ".":
        df = df.copy()
        for c in df.columns:
            if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
                s = df[c].astype("string")
                df[c] = s.where(~s.str.match(TEXTTAL, na=False), s.str.replace(".", d["decimal"], regex=False))
    df.to_csv(
        path,
        sep=d["sep"],
        decimal=d["decimal"],
        encoding=d["encoding"],
        float_format=float_format,
        index=index,
        lineterminator=lineterminator,
    )
    return Path(path)


def konvertera(path: str | Path, dialekt: str) -> Path:
    """Rewrite the tool's own standard CSV file ``path`` in ``dialekt``, every value kept as written."""
    from engine.indata import read_csv_text

    if dialekt != STANDARD:
        write_csv(read_csv_text(path), path, dialekt, index=False)
    return Path(path)
