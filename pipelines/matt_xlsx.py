"""Workbooks of `utjamning gleshet` (``gleshet.xlsx``) and `utjamning index` (``fasta_index.xlsx``) for people who
open results in Excel: the same tables as the CSV files (which keep their keys for programs), with the Swedish
headings and units of the catalogue (:data:`pipelines.rubriker.MATT`), codes in cells as words, numbers that the
index tables keep as printed text as numbers, kommun names beside every kommun code, rows in code order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.rubriker import MATT_VARDEN
from pipelines.xlsx import Blad, write_workbook

#: Columns whose cells are codes to be shown in words (:data:`pipelines.rubriker.MATT_VARDEN`).
KODKOLUMNER = ("centre_source", "matt", "index")
#: Columns of codes written as text even when they look like numbers ("0114").
KODER = ("kommun_kod", "lan_kod", "region_kod", "cell_id", "tatort_kod")


def _ord(v):
    """A code in a cell as words; ``<tabell>:<kolumn>`` (an index copied from a reference table) by its column."""
    if not isinstance(v, str):
        return v
    if v in MATT_VARDEN:
        return MATT_VARDEN[v]
    tabell, _, col = v.rpartition(":")
    if tabell and col in MATT_VARDEN:
        return f"{MATT_VARDEN[col]} ({tabell.replace('_', ' ')})"
    return v


def las_bar(df: pd.DataFrame, namn: pd.Series | None = None) -> pd.DataFrame:
    """``df`` as a person reads it: codes in words, numbers held as text (``"0.9972"``) as numbers, the kommun's
    name after its code (from ``namn``, kommun_kod → name) where the table lacks it, kommun before län, rows in
    kommun (or län, region) code order."""
    from engine.indata import as_numbers

    out = df.copy()
    for c in KODKOLUMNER:
        if c in out.columns:
            out[c] = out[c].map(_ord)
    text = {c for c in out.columns if pd.api.types.is_object_dtype(out[c]) or pd.api.types.is_string_dtype(out[c])}
    out = as_numbers(out, skip=[c for c in out.columns if c not in text or c in KODER or c in KODKOLUMNER])
    if namn is not None and "kommun_kod" in out.columns and "kommun" not in out.columns:
        out.insert(out.columns.get_loc("kommun_kod") + 1, "kommun", out["kommun_kod"].map(namn))
    if "kommun" in out.columns and "kommun_kod" in out.columns:
        order = [c for c in out.columns if c != "kommun"]
        order.insert(order.index("kommun_kod") + 1, "kommun")
        out = out[order]
    for key in ("kommun_kod", "region_kod", "lan_kod"):
        if key in out.columns:
            return out.sort_values([key], kind="stable").reset_index(drop=True)
    return out


def _blad(namn: str, df: pd.DataFrame | None, kommun_namn: pd.Series | None) -> list[Blad]:
    if df is None or not len(df.columns):
        return []
    return [Blad(namn, las_bar(df, kommun_namn), tabell="matt")]


def skriv_gleshet_xlsx(
    path: Path,
    kommuner: pd.DataFrame,
    lan: pd.DataFrame,
    frysta: pd.DataFrame,
    referens: pd.DataFrame | None,
    utanfor: pd.DataFrame,
) -> Path:
    """``gleshet.xlsx``: the measures per kommun and län, the measures the law freezes at 2022 against this grid's,
    the assignment against the reference register (when given) and the cells outside every kommun (when any)."""
    namn = kommuner.set_index(kommuner["kommun_kod"].astype(str))["kommun"]
    blad = [
        *_blad("Kommuner", kommuner, namn),
        *_blad("Län", lan, None),
        *_blad("Frysta mått 2022", frysta, namn),
        *_blad("Referensjämförelse", referens, namn),
        *(_blad("Utanför alla kommuner", utanfor, None) if len(utanfor) else []),
    ]
    return write_workbook(path, blad, titel="Gleshetsmått")


def skriv_index_xlsx(path: Path, tabeller: dict[str, pd.DataFrame | None], kommun_namn: pd.Series) -> Path:
    """``fasta_index.xlsx``: one sheet per table of the index run, ``tabeller`` = sheet name → table (None or
    missing tables are left out)."""
    blad = [b for namn, df in tabeller.items() for b in _blad(namn, df, kommun_namn)]
    return write_workbook(path, blad, titel="Fasta index")
