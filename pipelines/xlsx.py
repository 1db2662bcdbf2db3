"""XLSX workbooks an ekonom can read: Swedish headings with units, thousands separators, frozen header, sensible
widths — and the same bytes for the same tables (fixed document times and zip entry dates)."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from engine.sammanfattning import DELAR, KOMPONENT_NAMN

FIXED_TIME = dt.datetime(2000, 1, 1)

ORD = {"aldersersattning": "åldersersättning", "lon": "strukturellt löneläge", "lonelage": "strukturellt löneläge",
       "administration": "övergripande administration", "gleshet": "gles bebyggelse", "standardkostnad": "standardkostnad",
       "socioekonomi": "socioekonomi", "strukturkostnad": "strukturkostnad", "strukturkostnad_riket": "strukturkostnad riket",
       "kostnadsutjamning": "bidrag (+) / avgift (−)", "kostnadsutjamning_kr": "bidrag (+) / avgift (−)",
       "inkomstutjamning": "bidrag (+) / avgift (−)", "inkomstutjamning_kr": "bidrag (+) / avgift (−)",
       "skattekraft_kr_per_inv": "skattekraft", "garanterad_skattekraft_kr_per_inv": "garanterad skattekraft",
       "lansvis_skattesats_procent": "länsvis skattesats", "folkmangd_1nov_t1": "Folkmängd 1 nov t−1",
       "folkmangd_31dec_t2": "Folkmängd 31 dec t−2", "kommun": "Kommun", "region": "Region", "lan": "Län",
       "lan_kod": "Länskod", "kommun_kod": "Kommunkod", "region_kod": "Regionkod",
       **KOMPONENT_NAMN}


def rubrik(col: str) -> str:
    """Swedish heading with unit for a result column ``<del>.<komponent>``."""
    if "." not in col:
        return ORD.get(col, col.replace("_", " ").capitalize())
    del_, komp = col.split(".", 1)
    unit = "kr" if komp.endswith("_kr") else ("%" if komp.endswith("_procent") else "kr/inv")
    name = ORD.get(komp, komp.removesuffix("_kr").replace("_", " "))
    return f"{DELAR.get(del_, del_.replace('_', ' ').capitalize())}: {name} ({unit})"


def write_workbook(path: str | Path, sheets: dict[str, pd.DataFrame], translate: tuple[str, ...] | None = None) -> Path:
    """One sheet per table; numeric columns get thousands separators (decimals only for indices/rates). Result
    columns of the sheets in ``translate`` (default: all) get Swedish headings with units."""
    from openpyxl.utils import get_column_letter

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            out = df.reset_index() if df.index.name else df
            if translate is None or name in translate:
                out = out.rename(columns={c: rubrik(str(c)) for c in out.columns})
            out.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            ws.freeze_panes = "C2" if len(out.columns) > 2 else "A2"
            for j, col in enumerate(out.columns, start=1):
                letter = get_column_letter(j)
                ws.column_dimensions[letter].width = min(48, max(10, len(str(col)) * 0.9))
                s = out[col]
                if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                    small = np.nanmax(np.abs(s.to_numpy(dtype="float64")), initial=0) < 100
                    fmt = "# ##0.0000" if small and "%" not in str(col) else ("0.00" if "%" in str(col) else "# ##0")
                    for cell in ws[letter][1:]:
                        cell.number_format = fmt.replace(" ", ",").replace("# ,##0", "#,##0")
        xw.book.properties.created = FIXED_TIME
        xw.book.properties.modified = FIXED_TIME
    _normalise_zip(path)
    return path


def _normalise_zip(path: Path) -> None:
    """Rewrite the xlsx zip with fixed entry dates and a stable docProps timestamp: same tables → same bytes."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                import re
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2000-01-01T00:00:00Z\g<3>", data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(path)
