"""XLSX workbooks a kommunekonom can read (XlsxWriter): Swedish headings with units from the one catalogue
(:mod:`pipelines.rubriker`), a bold, wrapped, frozen header row with an autofilter, the register columns frozen
beside it, widths that fit the values (whole kommun and län names), number formats by kind (kronor whole with a
thousands separator, indices and factors four decimals, shares as percent, flags ja/nej) — and the same bytes for
the same tables (fixed document time; XlsxWriter writes fixed zip entry dates)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.rubriker import Kolumn, kolumn

#: The document time written into every workbook (docProps/core.xml): same tables → same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)
#: Column widths in characters: never narrower or wider than this; text wraps beyond the widest.
MIN_BREDD, MAX_BREDD, MAX_RUBRIK_BREDD = 8, 90, 26
#: The Excel height of one line of header text (points).
RADHOJD = 15


@dataclass
class Blad:
    """One sheet: ``data`` with key columns (a named index is written as the first columns), the catalogue table
    ``tabell`` that gives keys their meaning, key columns left out of the sheet (``utan``), and how many leading
    columns stay frozen beside the header (``fasta``; default: the leading text columns, at most two)."""

    namn: str
    data: pd.DataFrame
    tabell: str | None = None
    utan: tuple[str, ...] = ()
    fasta: int | None = None


def _tabell(df: pd.DataFrame) -> pd.DataFrame:
    named = [n for n in df.index.names if n is not None]
    out = df.reset_index() if named else df.reset_index(drop=True)
    return out


def _text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def _bredd(values: pd.Series, k: Kolumn) -> int:
    """Characters the widest value needs in its number format."""
    if k.slag in ("text", "varde") or not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return max((len(_text(v)) for v in values), default=0)
    x = values.to_numpy(dtype="float64")
    x = x[np.isfinite(x)]
    if not len(x):
        return 0
    big = float(np.max(np.abs(x)))
    neg = 1 if (x < 0).any() else 0
    if k.slag == "flagga":
        return 3
    if k.slag == "andel":
        return len(f"{big * 100:.1f}") + 2 + neg
    decimals = {"index": 4, "faktor": 4, "tal": 4, "procent": 2, "km": 2, "tal2": 2}.get(k.slag, 0)
    return len(f"{big:,.{decimals}f}") + neg


def _kolumner(b: Blad, df: pd.DataFrame) -> list[tuple[str, Kolumn]]:
    return [(str(c), kolumn(str(c), b.tabell)) for c in df.columns if str(c) not in b.utan]


def _skriv_blad(wb, b: Blad, header_fmt, formats: dict) -> None:
    df = _tabell(b.data)
    cols = _kolumner(b, df)
    ws = wb.add_worksheet(b.namn[:31])
    widths, lines = [], 1
    for j, (key, k) in enumerate(cols):
        data_w = _bredd(df[key], k)
        head = k.rubrik
        longest_word = max(len(w) for w in head.split())
        w = max(MIN_BREDD, data_w + 2, min(len(head), MAX_RUBRIK_BREDD) + 1, longest_word + 1)
        w = min(w, MAX_BREDD)
        widths.append(w)
        lines = max(lines, math.ceil(len(head) / max(w - 1, 1)))
        ws.set_column(j, j, w)
        ws.write_string(0, j, head, header_fmt)
    ws.set_row(0, RADHOJD * lines)
    for j, (key, k) in enumerate(cols):
        wrap = k.slag in ("text", "varde") and _bredd(df[key], k) > MAX_BREDD
        fmt = formats[(k.format, wrap)]
        values = df[key]
        numeric = (
            pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) and k.slag not in ("text",)
        )
        for i, v in enumerate(values.tolist(), start=1):
            if numeric:
                x = math.nan if v is None or v is pd.NA else float(v)  # nullable integers hold pd.NA
                if math.isfinite(x):
                    ws.write_number(i, j, x, fmt)
                else:
                    ws.write_blank(i, j, None, fmt)
            elif isinstance(v, (bool, np.bool_)):
                ws.write_string(i, j, "ja" if v else "nej", fmt)
            elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                x = float(v)
                ws.write_number(i, j, x, fmt) if math.isfinite(x) else ws.write_blank(i, j, None, fmt)
            else:
                s = _text(v)
                ws.write_string(i, j, s, fmt) if s else ws.write_blank(i, j, None, fmt)
    if cols:
        ws.autofilter(0, 0, len(df), len(cols) - 1)
    fasta = b.fasta
    if fasta is None:
        fasta = 0
        for _, k in cols[:2]:
            if k.slag != "text":
                break
            fasta += 1
        fasta = min(fasta, len(cols) - 1)  # a sheet of one text column scrolls as a whole
    ws.freeze_panes(1, fasta)


def write_workbook(path: str | Path, blad: list[Blad], titel: str | None = None) -> Path:
    """Write the sheets ``blad`` to ``path`` (see :class:`Blad`); returns the path."""
    import xlsxwriter

    path = Path(path)
    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"title": titel or path.stem, "created": FIXED_TIME, "author": "utjamning"})
    header_fmt = wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1, "bg_color": "#E7EEF5"})
    formats: dict = {}
    for b in blad:
        for _, k in _kolumner(b, _tabell(b.data)):
            for wrap in (False, True):
                if (k.format, wrap) not in formats:
                    spec = {"num_format": k.format, "valign": "top"}
                    if wrap:
                        spec["text_wrap"] = True
                    formats[(k.format, wrap)] = wb.add_format(spec)
    for b in blad:
        _skriv_blad(wb, b, header_fmt, formats)
    wb.close()
    return path
