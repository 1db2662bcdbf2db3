"""Reading and validating the engine's inputs (schema: engine/schema.py, docs/inputs.md).

An input directory holds ``kommuner.*`` and, as far as the user has them, ``lan.*``, ``regioner.*`` and ``riket.*``
(CSV, Parquet or XLSX), or a single workbook ``indata.xlsx`` with sheets of those names. A table or column the user
does not have is not an error: the engine computes every component whose inputs are present and marks the others
"ej tillgänglig" naming what is missing (the inkomstutjämning needs only ``folkmangd_1nov_t1`` and
``skatteunderlag_kr``). What *is* given is validated strictly: validation collects every problem of every table
(missing or unknown codes, wrong count, duplicates, unknown columns, non-numeric values, negative counts, shares
outside [0, 1], age groups that do not add up, vårdbehov cells that do not add up) and raises one
:class:`IndataError`; nothing is computed or written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine import register, schema

MAX_LISTED = 60
KEYS = {schema.KOMMUN: "kommun_kod", schema.LAN: "lan_kod", schema.REGION: "region_kod"}
NAME_COLUMNS = {schema.KOMMUN: {"kommun", "lan_kod", "lan", "region"}, schema.LAN: {"lan"}, schema.REGION: {"region", "lan"}}
FILES = {schema.KOMMUN: "kommuner", schema.LAN: "lan", schema.REGION: "regioner", schema.RIKET: "riket"}
#: Optional table of the utjämningsår's länsvisa skattesatser (förordning 2004:881 2–3 §§), one row per region code.
SKATTESATSER = "lansvisa_skattesatser"
SUFFIXES = (".csv", ".parquet", ".xlsx")
#: Tolerance for "adds up": counts are whole persons, so sums must match exactly (up to float noise).
SUM_TOL = 1e-6


class IndataError(ValueError):
    """Bad input: lists every problem found, naming file, row/kommun and column."""

    is_input_error = True

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)

    def __str__(self) -> str:
        n = len(self.problems)
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … and {n - MAX_LISTED} more")
        return f"{n} problem{'s' if n != 1 else ''} in the input data; nothing was computed\n" + "\n".join(lines)


@dataclass
class Indata:
    """Validated inputs in register order (float64), plus the files they came from."""

    ar: int
    kommun: pd.DataFrame            #: index kommun_kod, 290 rows
    lan: pd.DataFrame               #: index lan_kod, 21 rows
    region: pd.DataFrame            #: index region_kod, 21 rows
    riket: dict[str, float]
    files: dict[str, str] = field(default_factory=dict)
    #: the user's länsvisa skattesatser (percent; index region_kod, columns engine.register.SATSER), or None
    skattesatser: pd.DataFrame | None = None


def _find(directory: Path, stem: str) -> Path | None:
    hits = [directory / f"{stem}{s}" for s in SUFFIXES if (directory / f"{stem}{s}").is_file()]
    if len(hits) > 1:
        raise IndataError([f"{directory}: several files for table {stem!r}: {[h.name for h in hits]} — keep one"])
    return hits[0] if hits else None


def _read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        t = pd.read_parquet(path)
        # as text like CSV/XLSX, so one validation path parses every format (str(float) round-trips exactly)
        return t.astype({c: str for c in t.columns})
    return pd.read_excel(path, sheet_name=sheet or 0, dtype=str, keep_default_na=False)


def read_tables(directory: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The raw tables of an input directory (or a single workbook)."""
    d = Path(directory)
    tables, files = {}, {}
    if d.is_file() and d.suffix == ".xlsx":
        book, d = d, d.parent
    else:
        book = d / "indata.xlsx" if (d / "indata.xlsx").is_file() else None
    if not d.is_dir():
        raise IndataError([f"{d}: input directory not found"])
    if book is not None:
        sheets = pd.ExcelFile(book).sheet_names
        for niva, stem in {**FILES, SKATTESATSER: SKATTESATSER}.items():
            if stem in sheets:
                tables[niva] = _read_table(book, stem)
                files[niva] = f"{book}[{stem}]"
    for niva, stem in {**FILES, SKATTESATSER: SKATTESATSER}.items():
        if niva in tables:
            continue
        path = _find(d, stem)
        if path is not None:
            try:
                tables[niva] = _read_table(path)
            except Exception as exc:  # noqa: BLE001 - unreadable file is an input problem
                raise IndataError([f"{path}: cannot be read: {exc}"]) from None
            files[niva] = str(path)
    return tables, files


def _codes(raw: pd.Series) -> pd.Series:
    s = raw.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    return s.where(~s.str.fullmatch(r"\d+"), s.str.zfill(2 if raw.name in ("lan_kod", "region_kod") else 4))


def _check_level(niva: str, df: pd.DataFrame, file: str, regelverk: str, problems: list[str]) -> pd.DataFrame | None:
    key = KEYS[niva]
    expected = (register.kommuner()["kommun_kod"] if niva == schema.KOMMUN else register.regioner()["region_kod"]).tolist()
    names = (register.kommuner().set_index("kommun_kod")["kommun"] if niva == schema.KOMMUN
             else register.regioner().set_index("region_kod")["region"])
    wanted = [v.name for v in schema.variables(niva, regelverk)]
    known = {v.name for v in schema.variables(niva)}
    if key not in df.columns:
        problems.append(f"{file}: no key column {key!r} (columns: {list(df.columns)[:12]})")
        return None
    codes = _codes(df[key].rename(key))
    dup = codes[codes.duplicated(keep=False)]
    for c in sorted(set(dup)):
        rows = [i + 2 for i in np.flatnonzero((codes == c).to_numpy())]
        problems.append(f"{file}: {key} {c} appears on several rows {rows}")
    unknown = [(i + 2, c) for i, c in enumerate(codes) if c not in names.index]
    for row, c in unknown:
        problems.append(f"{file}, row {row}: unknown {key} {c!r}")
    missing = [c for c in expected if c not in set(codes)]
    if missing:
        problems.append(f"{file}: {len(missing)} of {len(expected)} {key} missing: "
                        + ", ".join(f"{c} {names[c]}" for c in missing[:15]) + (" …" if len(missing) > 15 else ""))
    if len(df) != len(expected):
        problems.append(f"{file}: {len(df)} rows, expected {len(expected)} (one per {niva})")
    # a column the user does not have is not a problem: the components reading it are "ej tillgänglig"
    extra = [c for c in df.columns if c != key and c not in known and c not in NAME_COLUMNS[niva]]
    if extra:
        problems.append(f"{file}: unknown column(s) {extra} (not in the schema, docs/inputs.md)")
    out = {}
    label = {c: f"{c} {names.get(c, '?')}" for c in codes}
    for col in [c for c in wanted if c in df.columns]:
        var = schema.BY_NAME[col]
        raw = df[col].astype(str).str.strip().str.replace(",", ".", regex=False).str.replace(r"\s", "", regex=True)
        vals = pd.to_numeric(raw, errors="coerce")
        bad = {
            "not a number": vals.isna() | ~np.isfinite(vals.fillna(0)),
            "negative": vals < 0 if var.kind != "signed" else vals != vals,
            "not a whole number": (vals % 1 != 0) if var.kind == "count" else vals != vals,
            "share outside [0, 1]": (vals > 1) if var.kind == "share" else vals != vals,
            "percent outside [0, 100]": (vals > 100) if var.kind == "percent" else vals != vals,
        }
        for what, mask in bad.items():
            for i in np.flatnonzero(mask.to_numpy()):
                problems.append(f"{file}, row {i + 2} ({label[codes.iloc[i]]}), column {col!r}: {what}: {df[col].iloc[i]!r}")
        out[col] = vals.astype("float64").to_numpy()
    t = pd.DataFrame(out, index=pd.Index(codes, name=key))
    return t[~t.index.duplicated()].reindex(expected) if not unknown and not missing else t


def _check_skattesatser(df: pd.DataFrame, file: str, problems: list[str]) -> pd.DataFrame | None:
    """The user's länsvisa skattesatser: every region code (incl. 09, the kommun outside a region) once, the four
    rates in percent."""
    if "region_kod" not in df.columns:
        problems.append(f"{file}: no key column 'region_kod' (columns: {list(df.columns)[:12]})")
        return None
    codes = _codes(df["region_kod"].rename("region_kod"))
    expected = register.regioner()["region_kod"].tolist()
    n = len(problems)
    for c in sorted(set(codes[codes.duplicated()])):
        problems.append(f"{file}: region_kod {c} appears on several rows")
    unknown = sorted(set(codes) - set(expected))
    missing = [c for c in expected if c not in set(codes)]
    if unknown:
        problems.append(f"{file}: unknown region_kod {unknown}")
    if missing:
        problems.append(f"{file}: region_kod {missing} missing (one row per län; 09 = Gotland, kommun outside a region)")
    cols = [c for c in register.SATSER if c not in df.columns]
    if cols:
        problems.append(f"{file}: missing column(s) {cols} (all four rates in percent)")
    extra = [c for c in df.columns if c not in (*register.SATSER, "region_kod", "lan", "region")]
    if extra:
        problems.append(f"{file}: unknown column(s) {extra}")
    out = {}
    for col in [c for c in register.SATSER if c in df.columns]:
        raw = df[col].astype(str).str.strip().str.replace(",", ".", regex=False)
        vals = pd.to_numeric(raw, errors="coerce")
        for i in np.flatnonzero((vals.isna() | (vals < 0) | (vals > 100)).to_numpy()):
            problems.append(f"{file}, row {i + 2} (region_kod {codes.iloc[i]}), column {col!r}: not a percentage in "
                            f"[0, 100]: {df[col].iloc[i]!r}")
        out[col] = vals.astype("float64").to_numpy()
    if len(problems) > n:
        return None
    return pd.DataFrame(out, index=pd.Index(codes, name="region_kod")).reindex(expected)


def _check_sums(k: pd.DataFrame, r: pd.DataFrame | None, files: dict, problems: list[str]) -> None:
    names = register.kommuner().set_index("kommun_kod")["kommun"]
    f = files[schema.KOMMUN]
    if all(c in k.columns for c in (*schema.ALDERSGRUPPER, "folkmangd_31dec_t2")):
        diff = k[list(schema.ALDERSGRUPPER)].sum(axis=1) - k["folkmangd_31dec_t2"]
        for kod in diff.index[np.abs(diff.to_numpy()) > SUM_TOL]:
            problems.append(f"{f}, kommun {kod} {names.get(kod, '?')}: age groups bef_0 … bef_90_w add up to "
                            f"{k.loc[kod, list(schema.ALDERSGRUPPER)].sum():.0f}, not folkmangd_31dec_t2 {k.loc[kod, 'folkmangd_31dec_t2']:.0f}")
    for e, band in schema.ENSAMBOENDE.items():
        if e in k.columns and band in k.columns:
            for kod in k.index[(k[e] > k[band]).to_numpy()]:
                problems.append(f"{f}, kommun {kod} {names.get(kod, '?')}: {e} {k.loc[kod, e]:.0f} exceeds {band} {k.loc[kod, band]:.0f}")
    if "utlandsk_bakgrund_7_15" in k.columns and all(c in k.columns for c in ("bef_7_9", "bef_10_12", "bef_13_15")):
        over = k["utlandsk_bakgrund_7_15"] > k[["bef_7_9", "bef_10_12", "bef_13_15"]].sum(axis=1)
        for kod in k.index[over.to_numpy()]:
            problems.append(f"{f}, kommun {kod} {names.get(kod, '?')}: utlandsk_bakgrund_7_15 exceeds the children aged 7–15")
    for sub, whole in (("lss_pa_lss_och_bss_vuxna", "lss_pa_lss"), ("lss_pa_lss_och_bss_vuxna", "lss_bss_vuxna"),
                       ("lss_pa_sfb_kommun_utforare", "lss_pa_sfb")):
        if sub in k.columns and whole in k.columns:
            for kod in k.index[(k[sub] > k[whole]).to_numpy()]:
                problems.append(f"{f}, kommun {kod} {names.get(kod, '?')}: {sub} {k.loc[kod, sub]:.0f} exceeds {whole} {k.loc[kod, whole]:.0f}")
    if r is not None and all(c in r.columns for c in schema.HOS_CELLER) and "folkmangd_31dec_t2" in k.columns:
        lan = register.kommuner().set_index("kommun_kod")["lan_kod"]
        pop = k["folkmangd_31dec_t2"].groupby(lan.reindex(k.index)).sum()
        cells = r[list(schema.HOS_CELLER)].sum(axis=1)
        for kod in r.index:
            if kod in pop.index and abs(cells[kod] - pop[kod]) > SUM_TOL:
                problems.append(f"{files[schema.REGION]}, region {kod}: the 28 vårdbehov cells add up to {cells[kod]:.0f}, "
                                f"not the region's population 31 dec t−2 {pop[kod]:.0f} (sum of its kommuner)")


def validate(tables: dict[str, pd.DataFrame], files: dict[str, str], regelverk: str, ar: int) -> Indata:
    problems: list[str] = []
    checked: dict[str, pd.DataFrame | None] = {}
    for niva in (schema.KOMMUN, schema.LAN, schema.REGION):
        if niva not in tables:
            if niva == schema.KOMMUN:
                problems.append("table 'kommuner' not found (kommuner.csv, .parquet or .xlsx, or a sheet 'kommuner' in "
                                "indata.xlsx; lan/regioner/riket are optional)")
            checked[niva] = pd.DataFrame(index=pd.Index(
                (register.kommuner()["kommun_kod"] if niva == schema.KOMMUN else register.regioner()["region_kod"]),
                name=KEYS[niva]))
            continue
        checked[niva] = _check_level(niva, tables[niva], files[niva], regelverk, problems)
    riket: dict[str, float] = {}
    t = tables.get(schema.RIKET)
    if t is not None:
        if not {"variabel", "varde"} <= set(t.columns):
            problems.append(f"{files[schema.RIKET]}: needs columns 'variabel' and 'varde'")
        else:
            known = {v.name: v for v in schema.variables(schema.RIKET)}
            for i, row in t.iterrows():
                name = str(row["variabel"]).strip()
                if name not in known:
                    problems.append(f"{files[schema.RIKET]}, row {i + 2}: unknown variabel {name!r}")
                    continue
                v = pd.to_numeric(str(row["varde"]).replace(",", ".").replace(" ", ""), errors="coerce")
                signed = known[name].kind == "signed"
                if pd.isna(v) or (v < 0 and not signed):
                    problems.append(f"{files[schema.RIKET]}, row {i + 2}, {name}: not a {'' if signed else 'non-negative '}"
                                    f"number: {row['varde']!r}")
                else:
                    riket[name] = float(v)
    satser = None
    if SKATTESATSER in tables:
        satser = _check_skattesatser(tables[SKATTESATSER], files[SKATTESATSER], problems)
    k = checked[schema.KOMMUN]
    if schema.KOMMUN in tables and k is not None and list(k.index) == register.kommuner()["kommun_kod"].tolist():
        _check_sums(checked[schema.KOMMUN], checked[schema.REGION], files, problems)
    if problems:
        raise IndataError(problems)
    return Indata(ar=ar, kommun=checked[schema.KOMMUN], lan=checked[schema.LAN], region=checked[schema.REGION],
                  riket=riket, files=files, skattesatser=satser)


def load_indata(directory: str | Path, regelverk: str, ar: int) -> Indata:
    """Read and validate an input directory for ``regelverk``; raises :class:`IndataError` listing all problems."""
    tables, files = read_tables(directory)
    return validate(tables, files, regelverk, ar)
