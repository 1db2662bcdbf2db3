"""Population grid readers: every supported input becomes ONE cell table.

The cell table is a pandas DataFrame with exactly the columns

    cell_id (str) | x, y (float64, cell centre, SWEREF 99 TM EPSG:3006, metres) | size_m (int64) | pop (int64)

and ``attrs = {"crs": "EPSG:3006", "source": <path>, "format": <fmt>}``. Rows with pop == 0 are kept; no
row is ever dropped silently. Formats (``read_grid(path, fmt)``, auto-detected when ``fmt`` is None):

* ``scb``     SCB "Statistik på rutor": CSV (.csv/.csv.gz, ``,`` or ``;``, optional BOM), GeoPackage or
              Parquet; 13-digit id = 6-digit easting + 7-digit northing of the SOUTH-WEST corner (EPSG:3006).
* ``geostat`` Eurostat GEOSTAT / Census 2021 grid: ``GRD_ID`` (``CRS3035RES1000mN3210000E4320000`` or old
              style ``1kmN3210E4320``) and ``TOT_P``/``TOT_P_2021``/``OBS_VALUE_T``/``T``.
* ``raster``  GeoTIFF of counts (band 1): each pixel with count > 0 is a cell, nodata/NaN ignored.
* ``points``  CSV/Parquet with ``x``, ``y``, ``pop`` (optional ``id``) in the CRS given by ``crs=`` (required).

Validation collects every problem of the file and raises one :class:`geo.errors.GridInputError`: missing
columns, unparsable or wrong-length ids, duplicate ids, missing/negative/non-integer/infinite population or one
above the band of data/rimlighet.yaml (per cell, and the grid's total: an all-zero grid is an error), cell corners
off their lattice, overlapping cells of mixed grids, centres outside Sweden (see :data:`SWEDEN_BOX_3006`), empty
grids and unreadable files. Messages are in Swedish and name the file, row (or pixel) and column.

Several files (SCB's national 1 km grid and its 250 m grid of tätorter) become one table with :func:`read_grids` /
:func:`compose_grids`: ``forfina`` subtracts the finer cells from the coarser cell holding them, ``disjunkt``
unions grids that must not overlap (:data:`GRID_SAMMANFOGNING`; docs/decisions.md).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from engine.errors import InputError
from engine.paths import DATA
from engine.tolerances import PIXEL_HELTAL_M, PIXEL_REL
from geo.errors import GridInputError, Problem

CRS_OUT = "EPSG:3006"
RIMLIGHET = DATA / "rimlighet.yaml"
COLUMNS = ["cell_id", "x", "y", "size_m", "pop"]
FORMATS = ("scb", "geostat", "raster", "points")

#: Generous bounding box of Sweden in SWEREF 99 TM (EPSG:3006), metres: E 180 000–1 000 000,
#: N 6 100 000–7 700 000. Every cell centre (after reprojection) must lie inside it (bounds included).
SWEDEN_BOX_3006 = (180_000.0, 6_100_000.0, 1_000_000.0, 7_700_000.0)

SCB_ID_COLUMNS = ("rutid_scb", "ruta", "rutid")
SCB_POP_COLUMNS = ("beftotalt", "pop", "befolkning")
#: Also accepted as the SCB population column when exactly one column matches, e.g. ``befolkning_2025``.
SCB_POP_PATTERN = re.compile(r"^(beftotalt|befolkning|pop)_?(19|20)\d\d$", re.IGNORECASE)
SCB_SIZE_COLUMNS = ("rutstorlek",)
GEOSTAT_ID_COLUMNS = ("grd_id",)
GEOSTAT_POP_COLUMNS = ("tot_p", "tot_p_2021", "obs_value_t", "t")
POINT_POP_COLUMNS = ("pop", "population", "befolkning", "beftotalt")

_RASTER_PROBLEMS_PER_KIND = 1000  # per kind of pixel problem; the rest are summarised in one problem
_GEOSTAT_NEW = r"^CRS(?P<crs>\d{4,6})RES(?P<res>\d+)mN(?P<n>\d+)E(?P<e>\d+)$"
_GEOSTAT_OLD = r"^(?P<res>\d+)(?P<unit>km|m)N(?P<n>\d+)E(?P<e>\d+)$"


# ------------------------------------------------------------------------------------------------ public API


def read_grid(path, fmt: str | None = None, crs: str | None = None, *, cell_size: int | None = None) -> pd.DataFrame:
    """Read a population grid file into the cell table (module docstring). ``fmt`` ∈ {"scb", "geostat",
    "raster", "points"} or None (detected from the extension and columns); ``crs`` is the CRS of generic
    points or of a raster without one; ``cell_size`` (metres) is the SCB cell side when the file has no
    ``rutstorlek`` column. Raises GridInputError listing every problem of the file."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise GridInputError.single(file, "filen finns inte")
    if not path.is_file():
        raise GridInputError.single(file, "är inte en fil")
    if fmt is None:
        fmt = detect_format(path)
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise GridInputError.single(file, f"okänt format {fmt!r}; väntade ett av {', '.join(FORMATS)}")
    if cell_size is not None and (int(cell_size) != cell_size or cell_size <= 0):
        raise GridInputError.single(
            file, f"rutstorleken (--cell-size) ska vara ett positivt heltal meter, fick {cell_size!r}"
        )
    if fmt == "scb":
        df = _read_scb(path, cell_size)
    elif fmt == "geostat":
        df = _read_geostat(path)
    elif fmt == "raster":
        df = _read_raster(path, crs)
    else:
        df = _read_points(path, crs)
    _check_total(df, file)
    df.attrs = {"crs": CRS_OUT, "source": file, "format": fmt}
    return df


def _check_total(df: pd.DataFrame, file: str) -> None:
    """The grid's whole population inside its band (data/rimlighet.yaml): an all-zero grid has no distances."""
    b = grid_bands()["befolkning_totalt"]
    total = int(df["pop"].sum())
    if not b["fel"][0] <= total <= b["fel"][1]:
        raise GridInputError.single(
            file,
            f"rutnätets befolkning summerar till {_num(total)} invånare ({_num(len(df))} "
            f"{'ruta' if len(df) == 1 else 'rutor'}); {b['skal']}",
        )


#: How several grid files become one cell table (:func:`compose_grids`, ``utjamning gleshet --grid-sammanfogning``).
GRID_SAMMANFOGNING = ("forfina", "disjunkt")


def compose_grids(grids: Sequence[pd.DataFrame], mode: str = "forfina") -> pd.DataFrame:
    """One cell table from several read grids (each from :func:`read_grid`, so already in EPSG:3006), in order.

    ``forfina`` (refine; SCB delivers 1 km rutor for the whole country and 250 m rutor in tätorter, the committee's
    grid is 250 m in tätorter and 1 km elsewhere, SOU 2024:50 s. 297): the first grid is the base. Every cell of a
    later grid lies in one cell of an earlier grid (the smallest one holding its centre) whose side is a whole
    multiple (≥ 2) of its own; the finer cells' people are part of that coarser cell's count, so they are
    subtracted from it. A remainder of 0 drops the coarser cell, one > 0 keeps it with the remainder (people
    outside the finer cells, at its centre), one < 0 is an error naming both files, both cells and the numbers.
    A finer cell in no earlier cell would add people the base does not have: an error.

    ``disjunkt``: the grids are unioned; a cell whose centre lies in another file's cell, or the same SCB/GEOSTAT
    id in two files, is an error. Both modes list every problem of every file in one :class:`GridInputError`
    and check the composed grid's total population like :func:`read_grid` does.

    ``attrs``: ``crs``, ``source`` (the files, joined by " + "), ``format``, ``sammanfogning`` and ``filer`` (per
    file: source, format, cells and people read, cells and people kept, coarser cells reduced and dropped).
    """
    if mode not in GRID_SAMMANFOGNING:
        raise ValueError(f"okänd sammanfogning {mode!r}; tillåtna: {', '.join(GRID_SAMMANFOGNING)}")
    grids = list(grids)
    if len(grids) == 1:
        return grids[0]
    files = [str(g.attrs.get("source", f"rutnät {i + 1}")) for i, g in enumerate(grids)]
    label = " + ".join(files)
    pops = [g["pop"].to_numpy(dtype="int64").copy() for g in grids]
    reduced = [np.zeros(len(g), dtype=bool) for g in grids]
    problems: list[Problem] = []
    if mode == "forfina":
        _refine(grids, files, pops, reduced, problems)
    else:
        _disjoint(grids, files, problems)
    if problems:
        raise GridInputError(f"rutnäten {label} (--grid-sammanfogning {mode})", problems)
    keep = [~(r & (p == 0)) for r, p in zip(reduced, pops)]
    parts = []
    rapport = []
    for g, f, p, r, k in zip(grids, files, pops, reduced, keep):
        part = g.loc[k].copy()
        part["pop"] = p[k]
        parts.append(part)
        rapport.append(
            {
                "fil": f,
                "format": g.attrs.get("format"),
                "celler_lasta": int(len(g)),
                "befolkning_last": int(g["pop"].sum()),
                "celler": int(k.sum()),
                "befolkning": int(p[k].sum()),
                "minskade": int((r & k).sum()),
                "borttagna": int((~k).sum()),
            }
        )
    out = pd.concat(parts, ignore_index=True)[COLUMNS]
    _check_total(out, label)
    out.attrs = {
        "crs": CRS_OUT,
        "source": label,
        "format": "+".join(str(g.attrs.get("format")) for g in grids),
        "sammanfogning": mode,
        "filer": rapport,
    }
    return out


class GridFilesError(InputError):
    """Problems in several grid files (:func:`read_grids`): each file's :class:`GridInputError`, listed in turn."""

    def __init__(self, errors: Sequence[GridInputError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def read_grids(
    paths: Sequence[str | Path],
    fmt: str | None = None,
    crs: str | None = None,
    *,
    cell_size: int | Sequence[int | None] | None = None,
    mode: str = "forfina",
) -> pd.DataFrame:
    """Read one or several grid files (:func:`read_grid`, each to EPSG:3006) and compose them
    (:func:`compose_grids`). ``fmt`` and ``crs`` apply to every file; ``cell_size`` is one value for every file
    or one per file (None where the file gives its own). One file gives exactly what :func:`read_grid` gives.
    The problems of every file are reported together (:class:`GridFilesError`); the composition's own problems
    only once every file reads."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise GridInputError.single("--grid", "inget rutnät angivet")
    sizes = list(cell_size) if isinstance(cell_size, (list, tuple)) else [cell_size] * len(paths)
    if len(sizes) == 1 and len(paths) > 1:
        sizes = sizes * len(paths)
    if len(sizes) != len(paths):
        raise GridInputError.single(
            " + ".join(map(str, paths)),
            f"{len(sizes)} rutstorlekar (--cell-size) för {len(paths)} rutnät: ange en för alla eller en per --grid",
        )
    grids, errors = [], []
    for path, size in zip(paths, sizes):
        try:
            grids.append(read_grid(path, fmt, crs, cell_size=size))
        except GridInputError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise GridFilesError(errors)
    return compose_grids(grids, mode)


def _containing(cx, cy, csize, px, py, sizes) -> np.ndarray:
    """For each point, the index of the cell of each side in ``sizes`` (ascending) whose square holds it, -1 if
    none: an (n_points, len(sizes)) array. Squares are half-open, [c − S/2, c + S/2),
    so a point on a shared edge belongs to one cell. Cells of one side do not overlap, so one of the 4 nearest
    centres holds the point if any does."""
    from scipy.spatial import cKDTree

    hit = np.full((len(px), len(sizes)), -1, dtype="int64")
    pts = np.column_stack([px, py])
    for j, s in enumerate(sizes):
        idx = np.flatnonzero(csize == s)
        k = min(4, len(idx))
        _, nb = cKDTree(np.column_stack([cx[idx], cy[idx]])).query(pts, k=k)
        nb = nb.reshape(len(px), k)
        for col in range(k - 1, -1, -1):  # the nearest last, so it wins
            c = idx[nb[:, col]]
            dx, dy = px - cx[c], py - cy[c]
            inside = (dx >= -s / 2) & (dx < s / 2) & (dy >= -s / 2) & (dy < s / 2)
            hit[inside, j] = c[inside]
    return hit


def _refine(grids, files, pops, reduced, problems: list[Problem]) -> None:
    """Subtract every later grid's cells from the earlier cell holding them (compose_grids, ``forfina``)."""
    offsets = np.cumsum([0] + [len(g) for g in grids])
    for k in range(1, len(grids)):
        fine = grids[k]
        fs = fine["size_m"].to_numpy()
        for i in np.flatnonzero(fs <= 0):
            problems.append(
                Problem(
                    files[k],
                    int(i) + 1,
                    None,
                    f"rutan {fine['cell_id'].iloc[i]!r} i {files[k]} har ingen känd rutstorlek (punkter eller ett "
                    "raster utan meterrutor) och kan inte förfina ett grövre rutnät",
                )
            )
        earlier = pd.concat([g[["cell_id", "x", "y", "size_m"]] for g in grids[:k]], ignore_index=True)
        ex, ey, es = earlier["x"].to_numpy(), earlier["y"].to_numpy(), earlier["size_m"].to_numpy()
        sizes = np.unique(es[es > 0])
        ok = fs > 0
        hit = _containing(ex, ey, es, fine["x"].to_numpy()[ok], fine["y"].to_numpy()[ok], sizes)
        fine_idx = np.flatnonzero(ok)
        rows = np.arange(len(fine_idx))
        any_hit = hit >= 0
        first = np.full(len(rows), -1)
        if len(sizes):
            first = np.where(any_hit.any(axis=1), any_hit.argmax(axis=1), -1)  # the smallest earlier cell holding it
        parent = np.where(first >= 0, hit[rows, np.maximum(first, 0)] if len(sizes) else -1, -1)
        big = sizes[np.maximum(first, 0)] if len(sizes) else np.zeros(len(rows), dtype="int64")
        small = fs[fine_idx]
        bad = (parent >= 0) & ~((big > small) & (big % small == 0))
        for j in np.flatnonzero((parent < 0) | bad):
            i = fine_idx[j]
            if parent[j] < 0:
                why = (
                    f"ligger inte i någon ruta i {' eller '.join(files[:k])}: den skulle lägga till invånare som "
                    "grundrutnätet inte har"
                )
            else:
                why = (
                    f"ligger i {_cell(earlier, offsets, files, parent[j])}; en finare ruta ska ligga i en ruta vars "
                    "sida är en multipel (minst 2) av dess egen"
                )
            problems.append(
                Problem(
                    files[k],
                    int(i) + 1,
                    None,
                    f"{fs[i]} m-rutan {fine['cell_id'].iloc[i]!r} i {files[k]} (mittpunkt E={fine['x'].iloc[i]:.1f}, "
                    f"N={fine['y'].iloc[i]:.1f}) {why}",
                )
            )
        parent[bad] = -1
        has = parent >= 0
        par = parent[has]
        fpop = fine["pop"].to_numpy()[fine_idx[has]]
        parents, which = np.unique(par, return_inverse=True)
        totals = np.zeros(len(parents), dtype="int64")
        np.add.at(totals, which, fpop)
        for g in range(k):
            mine = (parents >= offsets[g]) & (parents < offsets[g + 1])
            pops[g][parents[mine] - offsets[g]] -= totals[mine]
            reduced[g][parents[mine] - offsets[g]] = True
        for u in np.flatnonzero(totals > 0):
            p = int(parents[u])
            g = int(np.searchsorted(offsets, p, side="right") - 1)
            rest = int(pops[g][p - offsets[g]])
            if rest >= 0:
                continue
            inside = fine_idx[has][which == u]
            listed = ", ".join(f"{fine['cell_id'].iloc[i]!r} {_num(fine['pop'].iloc[i])}" for i in inside)
            problems.append(
                Problem(
                    files[k],
                    None,
                    None,
                    f"{_cell(earlier, offsets, files, p)} har {_num(rest + totals[u])} invånare, men de "
                    f"{len(inside)} finare rutorna i den i {files[k]} har {_num(totals[u])} ({listed}): resten blir "
                    f"{_num(rest)}; de finare rutornas invånare ska vara en del av den grövre rutans",
                )
            )


def _cell(earlier: pd.DataFrame, offsets, files, p: int) -> str:
    """Row ``p`` of the earlier grids stacked, as "1000 m-rutan '…' (rad r i FIL)"."""
    g = int(np.searchsorted(offsets, p, side="right") - 1)
    return f"{earlier['size_m'].iloc[p]} m-rutan {earlier['cell_id'].iloc[p]!r} (rad {p - offsets[g] + 1} i {files[g]})"


def _disjoint(grids, files, problems: list[Problem]) -> None:
    """Every overlap between two files (compose_grids, ``disjunkt``)."""
    for a in range(len(grids)):
        for b in range(len(grids)):
            if a == b:
                continue
            big, small = grids[a], grids[b]
            bs = big["size_m"].to_numpy()
            sizes = np.unique(bs[bs > 0])
            same = np.full(len(small), -1)
            if {big.attrs.get("format"), small.attrs.get("format")} <= {"scb", "geostat"}:
                same = pd.Index(big["cell_id"]).get_indexer(small["cell_id"])
            for i in np.flatnonzero(same >= 0) if b > a else ():
                problems.append(
                    Problem(
                        files[b],
                        int(i) + 1,
                        None,
                        f"rut-id {small['cell_id'].iloc[i]!r} finns i både {files[a]} (rad {same[i] + 1}) och "
                        f"{files[b]} (rad {i + 1})",
                    )
                )
            if not len(sizes):
                continue
            hit = _containing(
                big["x"].to_numpy(), big["y"].to_numpy(), bs, small["x"].to_numpy(), small["y"].to_numpy(), sizes
            )
            ss = small["size_m"].to_numpy()
            # a cell holds another's centre; equal cells are reported once (from the later file)
            for i, j in zip(*np.nonzero(hit >= 0)):
                c = int(hit[i, j])
                if same[i] >= 0 or sizes[j] < ss[i] or (sizes[j] == ss[i] and b < a):
                    continue
                problems.append(
                    Problem(
                        files[b],
                        int(i) + 1,
                        None,
                        f"{ss[i]} m-rutan {small['cell_id'].iloc[i]!r} (rad {i + 1} i {files[b]}) överlappar "
                        f"{sizes[j]} m-rutan {big['cell_id'].iloc[c]!r} (rad {c + 1} i {files[a]}); med "
                        "--grid-sammanfogning disjunkt får rutnäten inte överlappa (forfina drar de finare rutorna "
                        "från de grövre)",
                    )
                )


def detect_format(path) -> str:
    """The format of a grid file from its extension and, for tables, its column names."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith((".tif", ".tiff")):
        return "raster"
    if _kind(path) is None:
        raise GridInputError.single(
            str(path),
            "formatet kan inte avgöras av filnamnet (väntade .csv, .csv.gz, "
            ".gpkg, .parquet, .tif eller .tiff); ange formatet med --format",
        )
    cols = _table_columns(path)
    low = {c.strip().lower() for c in cols}
    if low & set(GEOSTAT_ID_COLUMNS):
        return "geostat"
    if low & set(SCB_ID_COLUMNS):
        return "scb"
    if {"x", "y"} <= low:
        return "points"
    raise GridInputError.single(
        str(path),
        "rutnätets format kan inte avgöras: ingen SCB-rutkolumn (rutid_scb, Ruta, "
        "rutid), ingen GRD_ID och inga x/y-kolumner; kolumner: " + _names(cols),
    )


# ------------------------------------------------------------------------------------------------ table I/O


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz", ".txt", ".txt.gz")):
        return "csv"
    if name.endswith(".gpkg"):
        return "gpkg"
    if name.endswith((".parquet", ".geoparquet", ".pq")):
        return "parquet"
    return None


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Excel with Swedish settings writes."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        head = fh.read(1 << 22)
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[: len(head) - cut].decode("utf-8")
            return "utf-8-sig"
        except UnicodeDecodeError:
            continue
    return "cp1252"


def _csv_sep(path: Path, encoding: str = "utf-8-sig") -> str:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rt", encoding=encoding, newline="") as fh:
        head = fh.readline()
    counts = {s: head.count(s) for s in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def _table_columns(path: Path) -> list[str]:
    kind = _kind(path)
    try:
        if kind == "csv":
            enc = _csv_encoding(path)
            return list(pd.read_csv(path, sep=_csv_sep(path, enc), nrows=0, encoding=enc).columns)
        if kind == "gpkg":
            import pyogrio

            return list(pyogrio.read_info(path)["fields"])
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    except pd.errors.EmptyDataError:
        raise GridInputError.single(str(path), "filen är tom (ingen rubrikrad)") from None
    except Exception as exc:  # any read failure is bad input
        raise GridInputError.single(str(path), f"filen kan inte läsas: {exc}") from exc


def _read_table(path: Path) -> pd.DataFrame:
    """All attribute columns of a CSV (every value as stripped text), GeoPackage or Parquet file."""
    kind = _kind(path)
    if kind is None:
        raise GridInputError.single(
            str(path), "tabellformatet stöds inte (väntade .csv, .csv.gz, .gpkg eller .parquet)"
        )
    try:
        if kind == "csv":
            enc = _csv_encoding(path)
            df = pd.read_csv(path, sep=_csv_sep(path, enc), dtype=str, keep_default_na=False, encoding=enc)
            df.columns = [str(c).strip() for c in df.columns]
            return df
        if kind == "gpkg":
            import pyogrio

            return pyogrio.read_dataframe(path, read_geometry=False)
        return pd.read_parquet(path)
    except pd.errors.EmptyDataError:
        raise GridInputError.single(str(path), "filen är tom (ingen rubrikrad)") from None
    except Exception as exc:  # any read failure is bad input
        raise GridInputError.single(str(path), f"filen kan inte läsas: {type(exc).__name__}: {exc}") from exc


def _names(cols) -> str:
    return ", ".join(repr(str(c)) for c in cols) if len(cols) else "(none)"


def _find(cols, candidates) -> str | None:
    """The first column (case-insensitive) among ``candidates``."""
    low = {}
    for c in cols:
        low.setdefault(str(c).strip().lower(), c)
    for cand in candidates:
        if cand.lower() in low:
            return low[cand.lower()]
    return None


def _as_text(s: pd.Series) -> pd.Series:
    """Values as stripped text; integral floats (ids read as numbers) without the '.0'."""
    if pd.api.types.is_float_dtype(s):
        v = s.to_numpy(dtype="float64")
        integral = np.isfinite(v) & (v == np.floor(v))
        out = s.astype(str)
        out[integral] = pd.Series(v[integral].astype("int64"), index=s.index[integral]).astype(str)
        out[~np.isfinite(v)] = ""
        return out
    if pd.api.types.is_integer_dtype(s):
        return s.astype(str)
    return s.astype(str).where(s.notna(), "").str.strip()


def _numbers(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(float64 values, missing mask) of a column of text or numbers; unparsable text gives NaN."""
    if pd.api.types.is_bool_dtype(s):
        return np.full(len(s), np.nan), np.zeros(len(s), dtype=bool)
    if pd.api.types.is_numeric_dtype(s):
        v = s.to_numpy(dtype="float64", na_value=np.nan)
        return v, np.isnan(v)
    from engine.indata import parse_numbers

    t = s.astype(str).where(s.notna(), "").str.strip()
    v = parse_numbers(t).to_numpy(dtype="float64", na_value=np.nan)  # decimal comma allowed (Swedish Excel)
    return v, (t == "").to_numpy()


def _raw(s: pd.Series, i: int) -> str:
    return repr(s.iloc[i]) if not isinstance(s.iloc[i], str) else repr(s.iloc[i].strip())


@lru_cache(maxsize=1)
def grid_bands() -> dict:
    """Plausibility bands of grids (data/rimlighet.yaml ``rutnat``): per cell, total, cell side."""
    from engine.params import load_yaml

    return load_yaml(RIMLIGHET)["rutnat"]


def _num(x: float) -> str:
    """A whole number in a message, thousands separated by a space (messages are matched by tests and scripts, so
    an ordinary space, not the no-break space of svenskt_tal)."""
    return f"{x:,.0f}".replace(",", " ")


def _counts(
    s: pd.Series,
    col: str,
    file: str,
    problems: list[Problem],
    what: str = "befolkningen",
    positive: bool = False,
    band: str = "befolkning_per_ruta",
) -> np.ndarray:
    """Non-negative (or positive) integer counts of a column as int64; bad rows are recorded and set to 0. A value
    above the band's maximum (data/rimlighet.yaml; also every value that would overflow int64) is an error."""
    b = grid_bands()[band]
    hi = float(b["fel"][1])
    v, missing = _numbers(s)
    nan = np.isnan(v) & ~missing
    inf = np.isinf(v)
    fin = np.isfinite(v)
    neg = fin & ((v <= 0) if positive else (v < 0))
    huge = fin & ~neg & (v > hi)
    frac = fin & ~neg & ~huge & (v != np.floor(v))
    for mask, msg in (
        (missing, f"{what} saknas"),
        (nan, f"{what} {{}} är inte ett tal"),
        (inf, f"{what} {{}} är inte ändlig"),
        (neg, f"{what} {{}} är {'inte positiv' if positive else 'negativ'}"),
        (frac, f"{what} {{}} är inte ett heltal"),
        (huge, f"{what} {{}} är orimligt stor (högst {_num(hi)}: {b['skal']})"),
    ):
        for i in np.flatnonzero(mask):
            problems.append(Problem(file, int(i) + 1, col, msg.format(_raw(s, i))))
    bad = missing | nan | inf | neg | frac | huge
    return np.where(bad, 0, np.nan_to_num(v)).astype("int64")


def _require(df: pd.DataFrame, file: str, needs: dict[str, str | None]) -> None:
    """Raise when required columns are missing; ``needs`` maps a description to the found column or None."""
    missing = [what for what, col in needs.items() if col is None]
    if missing:
        raise GridInputError(
            file,
            [
                Problem(file, None, None, f"kolumn {what} saknas; kolumner: {_names(list(df.columns))}")
                for what in missing
            ],
        )


def _not_empty(df: pd.DataFrame, file: str) -> None:
    if len(df) == 0:
        raise GridInputError.single(file, "rutnätet är tomt (inga datarader)")


def _duplicates(ids: pd.Series, valid: np.ndarray, col: str, file: str, problems: list[Problem], what="rut-id") -> None:
    """Each repeated occurrence of an id is a problem naming the row of its first occurrence."""
    sub = ids[valid]
    dup = sub.duplicated(keep=False).to_numpy()
    if not dup.any():
        return
    rows = np.flatnonzero(valid)[dup] + 1
    for key, grp in pd.Series(rows, index=sub[dup].to_numpy()).groupby(level=0, sort=False):
        r = sorted(grp.tolist())
        for other in r[1:]:
            problems.append(
                Problem(
                    file,
                    int(other),
                    col,
                    f"{what} {key!r} förekommer flera gånger (också på rad {r[0]}; rader {', '.join(map(str, r))})",
                )
            )


def _check_box(
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    file: str,
    problems: list[Problem],
    src: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    col: str | None = None,
) -> None:
    """Centres (EPSG:3006) outside SWEDEN_BOX_3006 are problems; ``src`` = (x, y, crs-label per row) of the
    declared coordinates, quoted in the message. ``rows`` are 1-based row numbers."""
    e0, n0, e1, n1 = SWEDEN_BOX_3006
    with np.errstate(invalid="ignore"):
        out = ~((x >= e0) & (x <= e1) & (y >= n0) & (y <= n1))
    for i in np.flatnonzero(out):
        where = f" (från x={src[0][i]:.6g}, y={src[1][i]:.6g} i {src[2][i]})" if src is not None else ""
        problems.append(
            Problem(
                file,
                int(rows[i]),
                col,
                f"rutans mittpunkt E={x[i]:.1f}, N={y[i]:.1f} (EPSG:3006){where} ligger utanför "
                f"Sveriges utsträckning (E 180 000–1 000 000, N 6 100 000–7 700 000); stämmer "
                f"koordinatsystemet?",
            )
        )


def _transformer(src_crs, file: str):
    from pyproj import CRS, Transformer

    try:
        crs = CRS.from_user_input(src_crs)
    except Exception as exc:
        raise GridInputError.single(file, f"ogiltigt koordinatsystem {src_crs!r}: {exc}") from exc
    return crs, Transformer.from_crs(crs, CRS_OUT, always_xy=True)


def _frame(cell_id, x, y, size, pop) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cell_id": pd.Series(np.asarray(cell_id, dtype=object)).astype(str),
            "x": np.asarray(x, dtype="float64"),
            "y": np.asarray(y, dtype="float64"),
            "size_m": np.asarray(size, dtype="int64"),
            "pop": np.asarray(pop, dtype="int64"),
        }
    )


# ------------------------------------------------------------------------------------------------ SCB


def _scb_pop_column(cols, file: str) -> str | None:
    col = _find(cols, SCB_POP_COLUMNS)
    if col is not None:
        return col
    hits = [c for c in cols if SCB_POP_PATTERN.match(str(c).strip())]
    if len(hits) > 1:
        raise GridInputError.single(
            file, f"flera befolkningskolumner passar ({_names(hits)}); behåll en eller byt namn på den till 'beftotalt'"
        )
    return hits[0] if hits else None


def _read_scb(path: Path, cell_size: int | None) -> pd.DataFrame:
    """SCB "Statistik på rutor" (module docstring). Cell size from ``rutstorlek``, else ``cell_size``, else
    1000 m when every corner is a multiple of 1000 m; a file with corners at multiples of 250 m only is a
    250 m or mixed grid, where the size cannot be inferred (a 250 m cell can sit at a 1000 m corner)."""
    file = str(path)
    df = _read_table(path)
    idc = _find(df.columns, SCB_ID_COLUMNS)
    popc = _scb_pop_column(list(df.columns), file)
    _require(
        df,
        file,
        {
            "med SCB:s rut-id (rutid_scb, Ruta, rutid eller RutID)": idc,
            "med befolkningen (beftotalt, pop eller befolkning)": popc,
        },
    )
    _not_empty(df, file)
    problems: list[Problem] = []
    n = len(df)
    rows = np.arange(1, n + 1)

    ids = _as_text(df[idc])
    ok = ids.str.fullmatch(r"\d{13}").to_numpy(dtype=bool)
    for i in np.flatnonzero(~ok):
        text = ids.iloc[i]
        why = "är tomt" if text == "" else (f"har {len(text)} tecken" if text.isdigit() else "är inte bara siffror")
        problems.append(
            Problem(
                file,
                int(i) + 1,
                idc,
                f"rut-id {text!r} {why}; väntade 13 siffror "
                f"(6 siffror östlig + 7 siffror nordlig koordinat för SV-hörnet)",
            )
        )
    digits = ids.where(ok, "0" * 13)
    e = digits.str[:6].astype("int64").to_numpy()
    nn = digits.str[6:].astype("int64").to_numpy()
    _duplicates(ids, ok, idc, file, problems)

    sizec = _find(df.columns, SCB_SIZE_COLUMNS)
    size_known = True
    if sizec is not None:
        size = _counts(df[sizec], sizec, file, problems, what="rutstorleken", positive=True, band="rutstorlek_m")
        size_ok = size > 0
    else:
        size_ok = np.ones(n, dtype=bool)
        if cell_size is not None:
            size = np.full(n, int(cell_size), dtype="int64")
        else:
            size = np.zeros(n, dtype="int64")
            on1000 = ((e % 1000 == 0) & (nn % 1000 == 0))[ok]
            on250 = ((e % 250 == 0) & (nn % 250 == 0))[ok]
            if on1000.all():
                size[:] = 1000
            else:
                size_known = False
                first = int(np.flatnonzero(ok)[np.flatnonzero(~on1000)[0]]) + 1
                if on250.all():
                    problems.append(
                        Problem(
                            file,
                            None,
                            None,
                            f"några hörn är multipler av 250 m men inte av 1000 m (första på rad {first}): ett 250 m- "
                            f"eller blandat 250 m/1 km-rutnät, vars rutstorlek inte kan avgöras eftersom en 250 m-ruta "
                            "kan ligga i ett 1000 m-hörn; lägg till kolumnen "
                            "'rutstorlek' (meter) eller ange cell_size "
                            f"(--cell-size)",
                        )
                    )
                else:
                    problems.append(
                        Problem(
                            file,
                            None,
                            None,
                            f"några hörn är inte multipler av 250 m (första på rad {first}); rutstorleken kan inte "
                            f"avgöras: lägg till kolumnen 'rutstorlek' (meter) eller ange cell_size (--cell-size)",
                        )
                    )
    pop = _counts(df[popc], popc, file, problems)

    if size_known:
        good = ok & size_ok
        with np.errstate(divide="ignore", invalid="ignore"):
            off = good & ((e % np.where(size_ok, size, 1) != 0) | (nn % np.where(size_ok, size, 1) != 0))
        for i in np.flatnonzero(off):
            problems.append(
                Problem(
                    file,
                    int(i) + 1,
                    idc,
                    f"hörnet E={e[i]}, N={nn[i]} för rutan {ids.iloc[i]!r} "
                    f"är inte en multipel av rutstorleken {size[i]} m",
                )
            )
        good &= ~off
        _scb_overlaps(e, nn, size, good, ids, idc, file, problems)
        x = e + size / 2.0
        y = nn + size / 2.0
        _check_box(x[good], y[good], rows[good], file, problems, col=idc)
    else:
        x = y = np.zeros(n)
    if problems:
        raise GridInputError(file, problems)
    return _frame(ids.to_numpy(), x, y, size, pop)


def _scb_overlaps(e, n, size, good, ids, col, file, problems) -> None:
    """Cells inside a larger cell of the same file (mixed grids) are problems."""
    sizes = np.unique(size[good])
    if len(sizes) < 2:
        return
    for i, s in enumerate(sizes):
        for big in sizes[i + 1 :]:
            if big % s:
                problems.append(
                    Problem(
                        file,
                        None,
                        None,
                        f"rutstorlekarna {s} m och {big} m går inte jämnt upp; ett "
                        f"rutnät får bara blanda storlekar som delar varandra",
                    )
                )
                continue
            small_idx = np.flatnonzero(good & (size == s))
            big_idx = np.flatnonzero(good & (size == big))
            key_small = (e[small_idx] // big * big) * 10_000_000 + (n[small_idx] // big * big)
            key_big = pd.Series(big_idx, index=e[big_idx] * 10_000_000 + n[big_idx])
            key_big = key_big[~key_big.index.duplicated()]
            hit = pd.Index(key_big.index).get_indexer(key_small)
            for j in np.flatnonzero(hit >= 0):
                a, b = int(small_idx[j]), int(key_big.iloc[hit[j]])
                problems.append(
                    Problem(
                        file,
                        a + 1,
                        col,
                        f"{s} m-rutan {ids.iloc[a]!r} överlappar {big} m-rutan {ids.iloc[b]!r} på rad {b + 1}",
                    )
                )


# ------------------------------------------------------------------------------------------------ GEOSTAT


def _read_geostat(path: Path) -> pd.DataFrame:
    """Eurostat GEOSTAT / Census 2021 grid: SW corner and resolution from GRD_ID, centre reprojected to
    EPSG:3006. Old-style ids (``1kmN3210E4320``, ``100mN32100E43200``) count N/E in units of the resolution
    and are in EPSG:3035."""
    from pyproj import CRS, Transformer

    file = str(path)
    df = _read_table(path)
    idc = _find(df.columns, GEOSTAT_ID_COLUMNS)
    popc = _find(df.columns, GEOSTAT_POP_COLUMNS)
    _require(df, file, {"GRD_ID": idc, "med befolkningen (TOT_P, TOT_P_2021, OBS_VALUE_T eller T)": popc})
    _not_empty(df, file)
    problems: list[Problem] = []
    n = len(df)
    rows = np.arange(1, n + 1)
    ids = _as_text(df[idc])
    new = ids.str.extract(_GEOSTAT_NEW)
    old = ids.str.extract(_GEOSTAT_OLD)
    is_new = new["res"].notna().to_numpy()
    is_old = ~is_new & old["res"].notna().to_numpy()
    ok = is_new | is_old
    for i in np.flatnonzero(~ok):
        problems.append(
            Problem(
                file,
                int(i) + 1,
                idc,
                f"GRD_ID {ids.iloc[i]!r} är inte ett rut-id som "
                f"'CRS3035RES1000mN3210000E4320000' eller '1kmN3210E4320'",
            )
        )
    res = np.zeros(n, dtype="int64")
    epsg = np.full(n, 3035, dtype="int64")
    cn = np.zeros(n, dtype="int64")
    ce = np.zeros(n, dtype="int64")
    if is_new.any():
        res[is_new] = new.loc[is_new, "res"].astype("int64").to_numpy()
        epsg[is_new] = new.loc[is_new, "crs"].astype("int64").to_numpy()
        cn[is_new] = new.loc[is_new, "n"].astype("int64").to_numpy()
        ce[is_new] = new.loc[is_new, "e"].astype("int64").to_numpy()
    if is_old.any():
        r = old.loc[is_old, "res"].astype("int64").to_numpy() * np.where(old.loc[is_old, "unit"] == "km", 1000, 1)
        res[is_old] = r
        cn[is_old] = old.loc[is_old, "n"].astype("int64").to_numpy() * r
        ce[is_old] = old.loc[is_old, "e"].astype("int64").to_numpy() * r
    zero = ok & (res <= 0)
    for i in np.flatnonzero(zero):
        problems.append(Problem(file, int(i) + 1, idc, f"GRD_ID {ids.iloc[i]!r} har upplösningen 0"))
    ok &= ~zero
    off = ok & ((cn % np.where(ok, res, 1) != 0) | (ce % np.where(ok, res, 1) != 0))
    for i in np.flatnonzero(off):
        problems.append(
            Problem(
                file, int(i) + 1, idc, f"GRD_ID {ids.iloc[i]!r}: hörnet är inte en multipel av upplösningen {res[i]} m"
            )
        )
    _duplicates(ids, ok, idc, file, problems, what="GRD_ID")
    pop = _counts(df[popc], popc, file, problems)

    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    sx = ce + res / 2.0
    sy = cn + res / 2.0
    for code in np.unique(epsg[ok]):
        sel = ok & (epsg == code)
        try:
            t = Transformer.from_crs(CRS.from_epsg(int(code)), CRS_OUT, always_xy=True)
        except Exception:  # noqa: BLE001 - unknown EPSG code in the id
            first = int(np.flatnonzero(sel)[0]) + 1
            problems.append(
                Problem(
                    file,
                    first,
                    idc,
                    f"GRD_ID:s koordinatsystemskod {code} är ingen känd EPSG-kod ({int(sel.sum())} rader)",
                )
            )
            continue
        x[sel], y[sel] = t.transform(sx[sel], sy[sel])
    good = ok & ~off & np.isfinite(x)
    labels = np.array([f"EPSG:{c}" for c in epsg], dtype=object) if good.any() else np.array([], dtype=object)
    _check_box(x[good], y[good], rows[good], file, problems, src=(sx[good], sy[good], labels[good]), col=idc)
    if problems:
        raise GridInputError(file, problems)
    return _frame(ids.to_numpy(), x, y, res, pop)


# ------------------------------------------------------------------------------------------------ raster


def _pixel_problems(mask, arr, file, problems, text) -> None:
    r, c = np.nonzero(mask)
    for k in range(min(len(r), _RASTER_PROBLEMS_PER_KIND)):
        problems.append(
            Problem(file, None, None, f"pixel rad {r[k]}, kolumn {c[k]}: värdet {arr[r[k], c[k]]:g} {text}")
        )
    if len(r) > _RASTER_PROBLEMS_PER_KIND:
        problems.append(
            Problem(file, None, None, f"{len(r) - _RASTER_PROBLEMS_PER_KIND} pixlar till vars värde {text}")
        )


def _read_raster(path: Path, crs: str | None) -> pd.DataFrame:
    """GeoTIFF of counts (band 1). Each pixel with count > 0 becomes a cell ``r{row}c{col}`` (0-based) at the
    pixel centre, reprojected to EPSG:3006; size_m is the pixel side if square, unrotated and in metres, else 0.
    Nodata and NaN pixels are ignored; infinite, negative, implausibly large or non-integer counts are errors naming
    the pixel."""
    import rasterio
    from pyproj import CRS

    file = str(path)
    try:
        with rasterio.open(path) as src:
            src_crs = src.crs
            band = src.read(1, masked=True)
            T = src.transform
    except Exception as exc:  # unreadable raster
        raise GridInputError.single(file, f"rastret kan inte läsas: {type(exc).__name__}: {exc}") from exc
    problems: list[Problem] = []
    if src_crs is None and crs is None:
        raise GridInputError.single(file, "rastret saknar koordinatsystem; ange det (crs= / --crs), t.ex. EPSG:3006")
    if src_crs is not None:
        raster_crs = CRS.from_user_input(src_crs.to_wkt())
        if crs is not None and _transformer(crs, file)[0] != raster_crs:
            raise GridInputError.single(
                file, f"rastrets koordinatsystem ({src_crs.to_string()}) skiljer sig från det angivna {crs!r}"
            )
    else:
        raster_crs, _ = _transformer(crs, file)
    arr = np.ma.filled(band.astype("float64"), np.nan)
    valid = np.isfinite(arr)
    hi = float(grid_bands()["befolkning_per_ruta"]["fel"][1])
    neg = valid & (arr < 0)
    huge = valid & (arr > hi)
    frac = valid & ~neg & ~huge & (arr != np.floor(arr))
    _pixel_problems(np.isinf(arr), arr, file, problems, "är inte ändligt (bara nodata och NaN hoppas över)")
    _pixel_problems(neg, arr, file, problems, "är negativt")
    _pixel_problems(huge, arr, file, problems, f"är orimligt stort (högst {_num(hi)} invånare per ruta)")
    _pixel_problems(frac, arr, file, problems, "är inte ett heltal")
    if problems:
        raise GridInputError(file, problems)
    r, c = np.nonzero(valid & (arr > 0))
    if len(r) == 0:
        raise GridInputError.single(file, "rutnätet är tomt (ingen pixel med ett värde > 0)")
    px = T.a * (c + 0.5) + T.b * (r + 0.5) + T.c
    py = T.d * (c + 0.5) + T.e * (r + 0.5) + T.f
    if raster_crs.to_epsg() == 3006:
        x, y = px, py
    else:
        _, t = _transformer(raster_crs, file)
        x, y = t.transform(px, py)
    unit = raster_crs.axis_info[0].unit_name if raster_crs.axis_info else ""
    side = abs(T.a)
    square = T.b == 0 and T.d == 0 and abs(abs(T.e) - side) < PIXEL_REL * max(side, 1.0)
    size = (
        int(round(side))
        if (
            square
            and raster_crs.is_projected
            and unit in ("metre", "meter")
            and abs(side - round(side)) < PIXEL_HELTAL_M
        )
        else 0
    )
    ids = np.char.add(np.char.add("r", r.astype(str)), np.char.add("c", c.astype(str)))
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    e0, n0, e1, n1 = SWEDEN_BOX_3006
    with np.errstate(invalid="ignore"):
        out = ~((x >= e0) & (x <= e1) & (y >= n0) & (y <= n1))
    for k in np.flatnonzero(out)[:_RASTER_PROBLEMS_PER_KIND]:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"pixel rad {r[k]}, kolumn {c[k]}: mittpunkten E={x[k]:.1f}, "
                f"N={y[k]:.1f} (EPSG:3006) ligger utanför Sveriges utsträckning "
                f"(E 180 000–1 000 000, N 6 100 000–7 700 000); stämmer koordinatsystemet?",
            )
        )
    if out.sum() > _RASTER_PROBLEMS_PER_KIND:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"{int(out.sum()) - _RASTER_PROBLEMS_PER_KIND} pixlar till utanför Sveriges utsträckning",
            )
        )
    if problems:
        raise GridInputError(file, problems)
    return _frame(ids, x, y, np.full(len(r), size), arr[r, c].astype("int64"))


# ------------------------------------------------------------------------------------------------ points


def _read_points(path: Path, crs: str | None) -> pd.DataFrame:
    """Generic points: columns x, y (in ``crs``, required; EPSG:4326 means x = longitude, y = latitude),
    pop and optional id (else ``p<row>``); size_m = 0."""
    file = str(path)
    if crs is None:
        raise GridInputError.single(
            file, "punkter behöver koordinatsystemet för x och y (crs= / --crs), t.ex. EPSG:4326"
        )
    src_crs, t = _transformer(crs, file)
    df = _read_table(path)
    xc, yc = _find(df.columns, ("x",)), _find(df.columns, ("y",))
    popc = _find(df.columns, POINT_POP_COLUMNS)
    _require(df, file, {"'x'": xc, "'y'": yc, "'pop'": popc})
    _not_empty(df, file)
    problems: list[Problem] = []
    n = len(df)
    rows = np.arange(1, n + 1)
    coords = []
    for col in (xc, yc):
        v, missing = _numbers(df[col])
        bad = ~np.isfinite(v)
        for i in np.flatnonzero(bad):
            msg = f"koordinaten {col} saknas" if missing[i] else f"koordinaten {col} {_raw(df[col], i)} är inte ett tal"
            problems.append(Problem(file, int(i) + 1, col, msg))
        coords.append((v, bad))
    (sx, badx), (sy, bady) = coords
    idc = _find(df.columns, ("id", "cell_id"))
    if idc is not None:
        ids = _as_text(df[idc])
        empty = (ids == "").to_numpy()
        for i in np.flatnonzero(empty):
            problems.append(Problem(file, int(i) + 1, idc, "id saknas"))
        _duplicates(ids, ~empty, idc, file, problems, what="id")
        ids = ids.to_numpy()
    else:
        ids = np.char.add("p", rows.astype(str))
    pop = _counts(df[popc], popc, file, problems)
    good = ~(badx | bady)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    x[good], y[good] = t.transform(sx[good], sy[good])
    label = np.full(int(good.sum()), src_crs.to_string(), dtype=object)
    _check_box(x[good], y[good], rows[good], file, problems, src=(sx[good], sy[good], label))
    if problems:
        raise GridInputError(file, problems)
    return _frame(ids, x, y, np.zeros(n), pop)
