"""The kommun and region register and the fasta index tables.

Kommun order everywhere is the order of the fasta index tables (data/kommuner.csv); region order is
data/regioner.csv, whose codes are the län codes (Gotland, a kommun outside a region, has its own row "09").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from engine import paths
from engine.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
DATA = paths.DATA
FASTA_INDEX_DIR = DATA / "fasta_index"
FASTA_DEL1 = "fasta_index_kommuner_del1.csv"
FASTA_DEL2 = "fasta_index_kommuner_del2.csv"
FASTA_REGIONER = "fasta_index_regioner.csv"
SKATTESATSER = DATA / "tabeller" / "lansvisa_skattesatser.csv"
#: The four länsvisa skattesatser (percent) of förordning 2004:881 2–3 §§, per region code.
SATSER = ("kommun_bidrag", "region_bidrag", "kommun_avgift", "region_avgift")


class RegisterError(InputError):
    """A fasta index or register table that cannot be used (exit 2)."""


@lru_cache(maxsize=1)
def kommuner() -> pd.DataFrame:
    """kommun_kod, kommun, lan_kod, lan, region — 290 rows in fasta index order."""
    return pd.read_csv(DATA / "kommuner.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def regioner() -> pd.DataFrame:
    """region_kod (= län code), region, lan, ingar_i_region — 21 rows."""
    r = pd.read_csv(DATA / "regioner.csv", dtype=str, keep_default_na=False)
    r["ingar_i_region"] = r["ingar_i_region"] == "True"
    return r


def kommun_lan_index() -> np.ndarray:
    """For every kommun the row of its län/region in regioner() (int array of length K)."""
    pos = {c: i for i, c in enumerate(regioner()["region_kod"])}
    return kommuner()["lan_kod"].map(pos).to_numpy(dtype="int64")


@dataclass(frozen=True)
class FastaIndex:
    """Fasta index per kommun (del 1 + del 2 columns) and per region, in register order, as float64."""

    kommun: pd.DataFrame
    region: pd.DataFrame
    katalog: str
    #: unusual (but legal) values, for the output's anmärkningar
    varningar: tuple[str, ...] = ()

    def __post_init__(self):
        # numpy columns once: components read them on every run (pandas column access is ~50× slower)
        object.__setattr__(self, "_k", {c: self.kommun[c].to_numpy(dtype="float64") for c in self.kommun.columns})
        object.__setattr__(self, "_r", {c: self.region[c].to_numpy(dtype="float64") for c in self.region.columns})

    def k(self, col: str) -> np.ndarray:
        return self._k[col]

    def r(self, col: str) -> np.ndarray:
        return self._r[col]


def _read(directory: Path, name: str, keys: tuple[str, ...]) -> pd.DataFrame:
    from engine.indata import read_csv_text

    path = directory / name
    if not path.is_file():
        raise RegisterError(f"tabellen med fasta index {path} finns inte")
    t = read_csv_text(path)
    missing = [k for k in keys if k not in t.columns]
    if missing:
        raise RegisterError(
            f"{path}: kolumn(er) {missing} saknas (kolumner: {list(t.columns)[:12]}); raderna "
            "matchas på koden, namnen visas bara"
        )
    return t


def code_mismatch(codes: pd.Series, expected) -> tuple[list[str], list[str], list[str]]:
    """How a table's code column differs from the register's codes ``expected``: the codes given more than once,
    those the register does not know (both sorted) and the register's codes not given (in register order)."""
    given = set(codes)
    return (
        sorted(set(codes[codes.duplicated()])),
        sorted(given - set(expected)),
        [c for c in expected if c not in given],
    )


def _by_code(t: pd.DataFrame, path: Path, key: str, register_codes: pd.Series) -> pd.DataFrame:
    """The rows of a per-kommun (per-region) table in register order, matched on the code column ``key`` (4 / 2
    digits; names are for display only). Every register code exactly once and no other, else one error."""
    from engine.indata import _codes  # one cleaning of codes for every table ("114.0" from Excel → "0114")

    codes = _codes(t[key].rename(key))
    problems = []
    dup, unknown, missing = code_mismatch(codes, register_codes)
    if dup:
        problems.append(f"{key} som förekommer flera gånger: {dup[:10]}")
    if unknown:
        problems.append(f"okända {key} {unknown[:10]}")
    if missing:
        problems.append(f"{key} saknas: {missing[:10]} ({len(missing)} av {len(register_codes)})")
    if problems:
        raise RegisterError(f"{path}: " + "; ".join(problems))
    rad = np.arange(len(t)) + 1  # the data row (1-based, header excluded)
    return t.assign(**{key: codes, "_rad": rad}).set_index(key).reindex(register_codes)


def _numeric(df: pd.DataFrame, path: Path, names: pd.Series, warnings: list[str] | None = None) -> pd.DataFrame:
    """Every value column of ``df`` (indexed by code; ``names`` the register's display names of those codes) as
    float64: a finite number inside its plausibility band (data/rimlighet.yaml: every index is > 0; löneindex and
    byggnation are around 100, the others around 1), else one error listing every cell. Values outside the band's
    warning interval are noted in ``warnings``."""
    from engine.indata import parse_numbers, problem_list
    from engine.schema import fasta_index_band, format_number

    problems = []
    out = pd.DataFrame(index=df.index)
    label = [f"rad {r} ({names.get(kod, kod)})" for kod, r in zip(df.index, df["_rad"])]
    df = df.drop(columns="_rad")
    for col in df.columns:
        v = parse_numbers(df[col])
        x = v.to_numpy()
        b = fasta_index_band(col)
        for i in np.flatnonzero(~np.isfinite(x)):
            problems.append(f"{label[i]}, kolumn {col!r}: inte ett ändligt tal: {df[col].iloc[i]!r}")
        with np.errstate(invalid="ignore"):
            for i in np.flatnonzero(np.isfinite(x) & ((x < b.fel[0]) | (x > b.fel[1]))):
                problems.append(
                    f"{label[i]}, kolumn {col!r}: {x[i]:g} ligger utanför det rimliga "
                    f"intervallet {b.text(b.fel)} — {b.skal}"
                )
            odd = (
                np.flatnonzero(
                    np.isfinite(x) & (x >= b.fel[0]) & (x <= b.fel[1]) & ((x < b.varning[0]) | (x > b.varning[1]))
                )
                if b.varning
                else []
            )
        if warnings is not None and len(odd):
            ex = ", ".join(f"{names.get(df.index[i], df.index[i])} {format_number(x[i])}" for i in odd[:5])
            warnings.append(
                f"Ovanligt värde i fasta index: {path}, kolumn {col!r}: {len(odd)} värden utanför det vanliga "
                f"intervallet {b.text(b.varning)} ({ex}{' …' if len(odd) > 5 else ''}); använda som de är."
            )
        out[col] = v.to_numpy()
    if problems:
        raise RegisterError(problem_list(str(path), problems))
    return out


def load_fasta_index(directory: str | Path | None = None) -> FastaIndex:
    """Cached :func:`read_fasta_index` (keyed by the directory and the files' modification times)."""
    d = Path(directory) if directory is not None else FASTA_INDEX_DIR
    stamp = tuple(
        (d / n).stat().st_mtime_ns if (d / n).is_file() else None for n in (FASTA_DEL1, FASTA_DEL2, FASTA_REGIONER)
    )
    return _cached_fasta_index(str(d.resolve()), stamp)


@lru_cache(maxsize=8)
def _cached_fasta_index(directory: str, stamp: tuple) -> FastaIndex:
    return read_fasta_index(directory)


#: Display columns of the fasta index tables (not index values).
NAME_COLUMNS = ("lan", "kommun", "region")


def read_fasta_index(directory: str | Path | None = None) -> FastaIndex:
    """Read the three fasta index tables from ``directory`` (default: the SOU 2024:50 tables in data/fasta_index).

    Rows are matched to the register on ``kommun_kod`` (del 1, del 2) and ``region_kod`` (regioner); the name
    columns are for the reader only (the shipped tables keep the SOU's spellings, e.g. "Stenungssund"). Every
    register kommun (region) must be present exactly once and nothing else; a recomputed table from ``utjamning
    index`` has the same schema.
    """
    d = Path(directory) if directory is not None else FASTA_INDEX_DIR
    reg = kommuner()
    names = reg.set_index("kommun_kod")["kommun"]
    parts, warnings = [], []
    for name in (FASTA_DEL1, FASTA_DEL2):
        t = _by_code(_read(d, name, ("kommun_kod",)), d / name, "kommun_kod", reg["kommun_kod"])
        parts.append(_numeric(t.drop(columns=[c for c in NAME_COLUMNS if c in t.columns]), d / name, names, warnings))
    k = pd.concat(parts, axis=1)
    k.index = pd.Index(reg["kommun_kod"], name="kommun_kod")

    rr = regioner()
    r = _by_code(_read(d, FASTA_REGIONER, ("region_kod",)), d / FASTA_REGIONER, "region_kod", rr["region_kod"])
    r = _numeric(
        r.drop(columns=[c for c in NAME_COLUMNS if c in r.columns]),
        d / FASTA_REGIONER,
        rr.set_index("region_kod")["region"],
        warnings,
    )
    r.index.name = "region_kod"
    for w in warnings:
        logging.getLogger("utjamning").warning("%s", w)
    return FastaIndex(kommun=k, region=r, katalog=str(d), varningar=tuple(warnings))


@lru_cache(maxsize=8)
def load_lansvisa_skattesatser(kolumn: str) -> pd.DataFrame:
    """Länsvisa skattesatser (percent) per region code — columns kommun_bidrag, region_bidrag, kommun_avgift,
    region_avgift — of the shipped table data/tabeller/lansvisa_skattesatser.csv, column prefix ``kolumn``
    (``proposed``, ``current2024``); the rule sets name the prefix."""
    t = pd.read_csv(SKATTESATSER, dtype={"region_kod": str})
    t = _by_code(t, SKATTESATSER, "region_kod", regioner()["region_kod"])
    cols = {f"{kolumn}_{c}": c for c in SATSER}
    missing = [c for c in cols if c not in t.columns]
    if missing:
        raise RegisterError(f"{SKATTESATSER}: kolumnerna {missing} finns inte (regelverkets kolumnprefix {kolumn!r})")
    return t[list(cols)].rename(columns=cols)


def shipped_lansvisa_skattesatser() -> dict[str, pd.DataFrame]:
    """Every table of the shipped data/tabeller/lansvisa_skattesatser.csv by its column prefix (``proposed``,
    ``current2024``, …: one per year the förordning set the rates; a new year adds its columns)."""
    cols = pd.read_csv(SKATTESATSER, nrows=0).columns
    prefixes = sorted({c.removesuffix(f"_{s}") for c in cols for s in SATSER if c.endswith(f"_{s}")})
    return {prefix: load_lansvisa_skattesatser(prefix) for prefix in prefixes}


class Skattesatser(dict):
    """The tables of länsvisa skattesatser a run may use, by name: a column prefix of the shipped table or
    ``"indata"``, the user's table of the utjämningsår (engine/indata.py). engine.model.build_ctx fills it; the law
    modules look tables up here and read no file themselves."""

    INDATA = "indata"

    def __missing__(self, kolumn: str) -> pd.DataFrame:
        from engine.params import ParameterError

        raise ParameterError(
            f"länsvisa skattesatser {kolumn!r} finns inte (tabeller: {', '.join(sorted(self))}; {SKATTESATSER})"
        )


class UnavailableIndex:
    """Stands in for the fasta index tables of a rule set whose tables the seeds do not contain: any access
    raises EjTillganglig, so the component is reported as not available instead of using another rule set's
    tables."""

    katalog = "ej tillgänglig"

    def __init__(self, reason: str):
        self.reason = reason

    def k(self, col: str):
        from engine.params import EjTillganglig

        raise EjTillganglig(f"fasta index {col}", self.reason)

    r = k
