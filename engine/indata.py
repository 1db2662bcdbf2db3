"""Reading and validating the engine's inputs (schema: engine/schema.py, docs/inputs.md).

An input directory holds ``kommuner.*`` and, as far as the user has them, ``lan.*``, ``regioner.*`` and ``riket.*``
(CSV, Parquet or XLSX), or a single workbook ``indata.xlsx`` with sheets of those names. A table or column the user
does not have is not an error: the engine computes every component whose inputs are present and marks the others
"ej tillgänglig" naming what is missing (the inkomstutjämning needs only ``folkmangd_1nov_t1`` and
``skatteunderlag_kr``). What *is* given is validated strictly: validation collects every problem of every table
(missing or unknown codes, wrong count, duplicates, unknown columns, non-numeric or non-finite values,
values outside their plausibility band — negative counts, shares outside [0, 1], percent given as a fraction, kr
given in tkr, a population of 0 —, riket variables given twice, age groups that do not add up, vårdbehov cells that
do not add up) and raises one :class:`IndataError`; nothing is computed or written. A value that is legal but
unusual (outside the band's ``varning`` interval, data/rimlighet.yaml) becomes a note in :attr:`Indata.varningar`,
which the commands put in the output's anmärkningar.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine import register, schema
from engine.errors import InputError
from engine.tolerances import SUMMA_PERSONER

log = logging.getLogger("utjamning")
MAX_LISTED = 60
#: Kommuner named per unusual value in a warning (the rest are counted).
WARN_EXAMPLES = 5
KEYS = {schema.KOMMUN: "kommun_kod", schema.LAN: "lan_kod", schema.REGION: "region_kod"}
NAME_COLUMNS = {
    schema.KOMMUN: {"kommun", "lan_kod", "lan", "region"},
    schema.LAN: {"lan"},
    schema.REGION: {"region", "lan"},
}
FILES = {schema.KOMMUN: "kommuner", schema.LAN: "lan", schema.REGION: "regioner", schema.RIKET: "riket"}
#: Optional table of the utjämningsår's länsvisa skattesatser (förordning 2004:881 2–3 §§), one row per region code.
SKATTESATSER = "lansvisa_skattesatser"
SUFFIXES = (".csv", ".parquet", ".xlsx")
#: Tolerance for "adds up": counts are whole persons, so sums must match exactly (up to float noise).
SUM_TOL = SUMMA_PERSONER


class IndataError(InputError):
    """Bad input: lists every problem found, naming file, row/kommun and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)

    def __str__(self) -> str:
        n = len(self.problems)
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … och {n - MAX_LISTED} till")
        return f"{n} problem i indata; inget beräknades\n" + "\n".join(lines)


@dataclass
class Indata:
    """Validated inputs in register order (float64), plus the files they came from."""

    ar: int
    kommun: pd.DataFrame  #: index kommun_kod, 290 rows
    lan: pd.DataFrame  #: index lan_kod, 21 rows
    region: pd.DataFrame  #: index region_kod, 21 rows
    riket: dict[str, float]
    files: dict[str, str] = field(default_factory=dict)
    #: legal but unusual values (outside the warning band of data/rimlighet.yaml), one note per file and column
    varningar: list[str] = field(default_factory=list)
    #: the user's länsvisa skattesatser (percent; index region_kod, columns engine.register.SATSER), or None
    skattesatser: pd.DataFrame | None = None


def problem_list(head: str, problems: list[str], limit: int = 50) -> str:
    """``head: N problem`` and the first ``limit`` problems, one per line (the rest counted)."""
    more = f"\n  … och {len(problems) - limit} till" if len(problems) > limit else ""
    return f"{head}: {len(problems)} problem\n  - " + "\n  - ".join(problems[:limit]) + more


def parse_numbers(raw: pd.Series) -> pd.Series:
    """Text → float64 (decimal comma and thousands spaces allowed); unparsable or empty text gives NaN."""
    text = raw.astype(str).str.strip().str.replace(",", ".", regex=False).str.replace(r"\s", "", regex=True)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _find(directory: Path, stem: str) -> Path | None:
    hits = [directory / f"{stem}{s}" for s in SUFFIXES if (directory / f"{stem}{s}").is_file()]
    if len(hits) > 1:
        raise IndataError([f"{directory}: flera filer för tabellen {stem!r}: {[h.name for h in hits]} — behåll en"])
    return hits[0] if hits else None


def read_csv_text(path: str | Path) -> pd.DataFrame:
    """A CSV file with every value as text (nothing parsed yet): UTF-8 with or without BOM, else Windows-1252 (what
    Swedish Excel writes; a warning says so); the separator (``,``, ``;`` or tab) from the header line. An empty or
    unparsable file is an :class:`IndataError` naming it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IndataError([f"{path}: kan inte läsas ({exc.strerror})"]) from None
    if not raw.strip():
        raise IndataError([f"{path}: filen är tom (ingen rubrikrad)"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        log.warning("%s: inte UTF-8; läst som Windows-1252 (Excels svenska CSV)", path)
    header = text.splitlines()[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    sep = max(counts, key=counts.get) if max(counts.values()) else ","
    try:
        t = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise IndataError([f"{path}: kan inte läsas som CSV: {str(exc).strip()}"]) from None
    t.columns = [str(c).strip() for c in t.columns]
    return t


def as_numbers(t: pd.DataFrame, skip=()) -> pd.DataFrame:
    """``t`` with every column (except ``skip``) whose non-empty values all parse as numbers (decimal comma and
    thousands spaces allowed, :func:`parse_numbers`) as float64; the others stay text."""
    for c in t.columns:
        if c not in skip:
            v = parse_numbers(t[c])
            if v.notna().sum() == (t[c].astype(str).str.strip() != "").sum():
                t[c] = v
    return t


def read_csv_numbers(path: str | Path, text: tuple[str, ...] = ()) -> pd.DataFrame:
    """A table the tool wrote, in either CSV dialect (:func:`read_csv_text`), its numbers as float64 and the
    columns in ``text`` (codes, names) as text (:func:`as_numbers`)."""
    return as_numbers(read_csv_text(path), skip=text)


def _read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    if path.suffix == ".csv":
        return read_csv_text(path)
    if path.suffix == ".parquet":
        t = pd.read_parquet(path)
        # as text like CSV/XLSX, so one validation path parses every format (str(float) round-trips exactly)
        return t.astype(dict.fromkeys(t.columns, str))
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
        raise IndataError([f"{d}: indatakatalogen finns inte"])
    if book is not None:
        try:
            sheets = pd.ExcelFile(book).sheet_names
        except Exception as exc:  # noqa: BLE001 - an unreadable workbook is an input problem
            raise IndataError([f"{book}: kan inte läsas som XLSX: {exc}"]) from None
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
            except IndataError:
                raise
            except Exception as exc:  # noqa: BLE001 - unreadable file is an input problem
                raise IndataError([f"{path}: kan inte läsas: {exc}"]) from None
            files[niva] = str(path)
    return tables, files


def _codes(raw: pd.Series) -> pd.Series:
    s = raw.astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    return s.where(~s.str.fullmatch(r"\d+"), s.str.zfill(2 if raw.name in ("lan_kod", "region_kod") else 4))


def _compared(b: schema.Band, vals: pd.Series, divisor: pd.Series | None) -> np.ndarray | None:
    """The values the band speaks of: the values themselves, or per ``b.per`` (NaN where the divisor is not a positive
    number: that row is left to the divisor's own check); None when the divisor column is absent."""
    v = vals.to_numpy(dtype="float64")
    if b.per is None:
        return v
    if divisor is None:
        return None
    d = divisor.to_numpy(dtype="float64")
    ok = np.isfinite(d) & (d > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, v / np.where(ok, d, 1.0), np.nan)


def _outside(x: np.ndarray, interval: tuple[float, float]) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(x) & ((x < interval[0]) | (x > interval[1]))


def _value_problems(var: schema.Variable, vals: pd.Series, divisor: pd.Series | None) -> dict[str, np.ndarray]:
    """Masks of the rows whose value is not a number, not whole (counts) or outside the error band."""
    v = vals.to_numpy(dtype="float64")
    b = schema.band(var.name)
    finite = np.isfinite(v)
    out = {"är inte ett ändligt tal": ~finite}
    if var.kind == "count":
        out["är inte ett heltal"] = finite & (v != np.floor(v))
    x = _compared(b, vals, divisor)
    if x is not None:
        out["utanför"] = _outside(x, b.fel)
    return out


def _band_message(var: schema.Variable, value: float, divisor: float | None, interval) -> str:
    b = schema.band(var.name)
    shown = f"{value:.10g}"
    if b.per is not None and divisor:
        shown += f" ({schema.format_number(value / divisor)} per {b.per})"
    return f"{shown} ligger utanför det rimliga intervallet {b.text(interval)} — {b.skal}"


def _unusual(
    var: schema.Variable, vals: pd.Series, divisor: pd.Series | None, labels: list[str], file: str
) -> str | None:
    """One note for the values of a column that are legal but outside its warning band."""
    b = schema.band(var.name)
    x = _compared(b, vals, divisor)
    if b.varning is None or x is None:
        return None
    hit = np.flatnonzero(_outside(x, b.varning))
    if len(hit) == 0:
        return None
    ex = ", ".join(f"{labels[i]} {schema.format_number(x[i])}" for i in hit[:WARN_EXAMPLES])
    more = f" och {len(hit) - WARN_EXAMPLES} till" if len(hit) > WARN_EXAMPLES else ""
    return (
        f"Ovanligt värde i indata: {file}, kolumn {var.name!r}"
        + (f" per {b.per}" if b.per else "")
        + f": {len(hit)} värden utanför det vanliga intervallet "
        f"{b.text(b.varning)} ({ex}{more}). Värdet är tillåtet och har använts; kontrollera enheten ({b.skal})."
    )


def _check_level(
    niva: str, df: pd.DataFrame, file: str, regelverk: str, problems: list[str], warnings: list[str]
) -> pd.DataFrame | None:
    key = KEYS[niva]
    expected = (
        register.kommuner()["kommun_kod"] if niva == schema.KOMMUN else register.regioner()["region_kod"]
    ).tolist()
    names = (
        register.kommuner().set_index("kommun_kod")["kommun"]
        if niva == schema.KOMMUN
        else register.regioner().set_index("region_kod")["region"]
    )
    wanted = [v.name for v in schema.variables(niva, regelverk)]
    known = {v.name for v in schema.variables(niva)}
    if key not in df.columns:
        problems.append(f"{file}: ingen nyckelkolumn {key!r} (kolumner: {list(df.columns)[:12]})")
        return None
    codes = _codes(df[key].rename(key))
    dup = codes[codes.duplicated(keep=False)]
    for c in sorted(set(dup)):
        rows = [i + 2 for i in np.flatnonzero((codes == c).to_numpy())]
        problems.append(f"{file}: {key} {c} förekommer på flera rader {rows}")
    unknown = [(i + 2, c) for i, c in enumerate(codes) if c not in names.index]
    for row, c in unknown:
        problems.append(f"{file}, rad {row}: okänd {key} {c!r}")
    missing = [c for c in expected if c not in set(codes)]
    if missing:
        problems.append(
            f"{file}: {len(missing)} av {len(expected)} {key} saknas: "
            + ", ".join(f"{c} {names[c]}" for c in missing[:15])
            + (" …" if len(missing) > 15 else "")
        )
    if len(df) != len(expected):
        problems.append(f"{file}: {len(df)} rader, väntade {len(expected)} (en per {niva})")
    # a column the user does not have is not a problem: the components reading it are "ej tillgänglig"
    extra = [c for c in df.columns if c != key and c not in known and c not in NAME_COLUMNS[niva]]
    if extra:
        problems.append(f"{file}: okända kolumner {extra} (finns inte i schemat, docs/inputs.md)")
    present = [c for c in wanted if c in df.columns]
    parsed = {col: parse_numbers(df[col]) for col in present}
    label = [f"{c} {names.get(c, '?')}" for c in codes]
    for col in present:
        var = schema.BY_NAME[col]
        per = schema.band(col).per
        divisor = parsed.get(per) if per is not None else None
        for what, mask in _value_problems(var, parsed[col], divisor).items():
            for i in np.flatnonzero(mask):
                raw = df[col].iloc[i]
                if what == "utanför":
                    text = _band_message(
                        var,
                        float(parsed[col].iloc[i]),
                        None if divisor is None else float(divisor.iloc[i]),
                        schema.band(col).fel,
                    )
                else:
                    text = f"{raw!r} {what}"
                problems.append(f"{file}, rad {i + 2} ({label[i]}), kolumn {col!r}: {text}")
        note = _unusual(var, parsed[col], divisor, label, file)
        if note:
            warnings.append(note)
    t = pd.DataFrame({col: parsed[col].to_numpy() for col in present}, index=pd.Index(codes, name=key))
    return t[~t.index.duplicated()].reindex(expected) if not unknown and not missing else t


def _check_skattesatser(df: pd.DataFrame, file: str, problems: list[str]) -> pd.DataFrame | None:
    """The user's länsvisa skattesatser: every region code (incl. 09, the kommun outside a region) once, the four
    rates in percent (a finite number in [0, 100])."""
    if "region_kod" not in df.columns:
        problems.append(f"{file}: ingen nyckelkolumn 'region_kod' (kolumner: {list(df.columns)[:12]})")
        return None
    codes = _codes(df["region_kod"].rename("region_kod"))
    expected = register.regioner()["region_kod"].tolist()
    n = len(problems)
    dup, unknown, missing = register.code_mismatch(codes, expected)
    for c in dup:
        problems.append(f"{file}: region_kod {c} förekommer på flera rader")
    if unknown:
        problems.append(f"{file}: okänd region_kod {unknown}")
    if missing:
        problems.append(f"{file}: region_kod {missing} saknas (en rad per län; 09 = Gotland, kommunen utanför region)")
    cols = [c for c in register.SATSER if c not in df.columns]
    if cols:
        problems.append(f"{file}: kolumn(er) saknas: {cols} (alla fyra skattesatserna i procent)")
    extra = [c for c in df.columns if c not in (*register.SATSER, "region_kod", "lan", "region")]
    if extra:
        problems.append(f"{file}: okända kolumner {extra}")
    out = {}
    for col in [c for c in register.SATSER if c in df.columns]:
        vals = parse_numbers(df[col])
        for i in np.flatnonzero(~(vals.between(0, 100)).to_numpy()):
            problems.append(
                f"{file}, rad {i + 2} (region_kod {codes.iloc[i]}), kolumn {col!r}: inte en procentsats i "
                f"[0, 100]: {df[col].iloc[i]!r}"
            )
        out[col] = vals.to_numpy()
    if len(problems) > n:
        return None
    return pd.DataFrame(out, index=pd.Index(codes, name="region_kod")).reindex(expected)


def _check_sums(k: pd.DataFrame, r: pd.DataFrame | None, files: dict, problems: list[str]) -> None:
    names = register.kommuner().set_index("kommun_kod")["kommun"]
    f = files[schema.KOMMUN]
    if all(c in k.columns for c in (*schema.ALDERSGRUPPER, "folkmangd_31dec_t2")):
        diff = k[list(schema.ALDERSGRUPPER)].sum(axis=1) - k["folkmangd_31dec_t2"]
        for kod in diff.index[np.abs(diff.to_numpy()) > SUM_TOL]:
            problems.append(
                f"{f}, kommun {kod} {names.get(kod, '?')}: åldersgrupperna bef_0 … bef_90_w summerar till "
                f"{k.loc[kod, list(schema.ALDERSGRUPPER)].sum():.0f}, inte folkmangd_31dec_t2 "
                f"{k.loc[kod, 'folkmangd_31dec_t2']:.0f}"
            )
    for e, band in schema.ENSAMBOENDE.items():
        if e in k.columns and band in k.columns:
            for kod in k.index[(k[e] > k[band]).to_numpy()]:
                problems.append(
                    f"{f}, kommun {kod} {names.get(kod, '?')}: {e} {k.loc[kod, e]:.0f} är större än {band} "
                    f"{k.loc[kod, band]:.0f}"
                )
    if "utlandsk_bakgrund_7_15" in k.columns and all(c in k.columns for c in ("bef_7_9", "bef_10_12", "bef_13_15")):
        over = k["utlandsk_bakgrund_7_15"] > k[["bef_7_9", "bef_10_12", "bef_13_15"]].sum(axis=1)
        for kod in k.index[over.to_numpy()]:
            problems.append(
                f"{f}, kommun {kod} {names.get(kod, '?')}: utlandsk_bakgrund_7_15 är större än antalet barn 7–15 år"
            )
    for sub, whole in (
        ("lss_pa_lss_och_bss_vuxna", "lss_pa_lss"),
        ("lss_pa_lss_och_bss_vuxna", "lss_bss_vuxna"),
        ("lss_pa_sfb_kommun_utforare", "lss_pa_sfb"),
    ):
        if sub in k.columns and whole in k.columns:
            for kod in k.index[(k[sub] > k[whole]).to_numpy()]:
                problems.append(
                    f"{f}, kommun {kod} {names.get(kod, '?')}: {sub} {k.loc[kod, sub]:.0f} är större än "
                    f"{whole} {k.loc[kod, whole]:.0f}"
                )
    if r is not None and all(c in r.columns for c in schema.HOS_CELLER) and "folkmangd_31dec_t2" in k.columns:
        lan = register.kommuner().set_index("kommun_kod")["lan_kod"]
        pop = k["folkmangd_31dec_t2"].groupby(lan.reindex(k.index)).sum()
        cells = r[list(schema.HOS_CELLER)].sum(axis=1)
        for kod in r.index:
            if kod in pop.index and abs(cells[kod] - pop[kod]) > SUM_TOL:
                problems.append(
                    f"{files[schema.REGION]}, region {kod}: vårdbehovsmatrisens 28 celler summerar till "
                    f"{cells[kod]:.0f}, inte regionens folkmängd 31 dec t−2 {pop[kod]:.0f} (summan av "
                    f"dess kommuner)"
                )


def _check_riket(t: pd.DataFrame, file: str, problems: list[str], warnings: list[str]) -> dict:
    """The riket table (variabel, varde): every variable once, known, a finite number inside its band."""
    riket: dict[str, float] = {}
    known = {v.name for v in schema.variables(schema.RIKET)}
    names = t["variabel"].astype(str).str.strip()
    for name in sorted(set(names[names.duplicated()])):
        rows = [i + 2 for i in np.flatnonzero((names == name).to_numpy())]
        problems.append(f"{file}: variabeln {name!r} förekommer på flera rader {rows} (vilket värde gäller?)")
    values = parse_numbers(t["varde"])
    for i, name in enumerate(names):
        if name not in known:
            problems.append(f"{file}, rad {i + 2}: okänd variabel {name!r}")
            continue
        var, v = schema.BY_NAME[name], float(values.iloc[i])
        bad = [w for w, m in _value_problems(var, pd.Series([v]), None).items() if m[0]]
        if "är inte ett ändligt tal" in bad or "är inte ett heltal" in bad:
            problems.append(f"{file}, rad {i + 2}, {name}: {t['varde'].iloc[i]!r} {bad[0]}")
        elif bad:
            problems.append(f"{file}, rad {i + 2}, {name}: {_band_message(var, v, None, schema.band(name).fel)}")
        else:
            riket[name] = v
            note = _unusual(var, pd.Series([v]), None, ["riket"], file)
            if note:
                warnings.append(note)
    return riket


def validate(tables: dict[str, pd.DataFrame], files: dict[str, str], regelverk: str, ar: int) -> Indata:
    """The raw tables checked for ``regelverk`` (a law's name or alias, e.g. ``2024`` = ``nuvarande``)."""
    from engine.params import lag_namn

    regelverk = lag_namn(regelverk)
    problems: list[str] = []
    warnings: list[str] = []
    checked: dict[str, pd.DataFrame | None] = {}
    for niva in (schema.KOMMUN, schema.LAN, schema.REGION):
        if niva not in tables:
            if niva == schema.KOMMUN:
                problems.append(
                    "tabellen 'kommuner' finns inte (kommuner.csv, .parquet eller .xlsx, eller ett blad "
                    "'kommuner' i indata.xlsx; lan/regioner/riket är frivilliga)"
                )
            checked[niva] = pd.DataFrame(
                index=pd.Index(
                    (register.kommuner()["kommun_kod"] if niva == schema.KOMMUN else register.regioner()["region_kod"]),
                    name=KEYS[niva],
                )
            )
            continue
        checked[niva] = _check_level(niva, tables[niva], files[niva], regelverk, problems, warnings)
    riket: dict[str, float] = {}
    t = tables.get(schema.RIKET)
    if t is not None:
        if not {"variabel", "varde"} <= set(t.columns):
            problems.append(f"{files[schema.RIKET]}: behöver kolumnerna 'variabel' och 'varde'")
        else:
            riket = _check_riket(t, files[schema.RIKET], problems, warnings)
    satser = None
    if SKATTESATSER in tables:
        satser = _check_skattesatser(tables[SKATTESATSER], files[SKATTESATSER], problems)
    k = checked[schema.KOMMUN]
    if schema.KOMMUN in tables and k is not None and list(k.index) == register.kommuner()["kommun_kod"].tolist():
        _check_sums(checked[schema.KOMMUN], checked[schema.REGION], files, problems)
    if problems:
        raise IndataError(problems)
    return Indata(
        ar=ar,
        kommun=checked[schema.KOMMUN],
        lan=checked[schema.LAN],
        region=checked[schema.REGION],
        riket=riket,
        files=files,
        varningar=warnings,
        skattesatser=satser,
    )


def load_indata(directory: str | Path, regelverk: str, ar: int) -> Indata:
    """Read and validate an input directory for ``regelverk`` (a law's name or alias); raises :class:`IndataError`
    listing all problems."""
    tables, files = read_tables(directory)
    return validate(tables, files, regelverk, ar)
