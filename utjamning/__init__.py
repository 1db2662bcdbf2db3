"""utjamning — the Python API for notebooks (docs/api.md).

Thin functions over ``engine`` and ``pipelines`` (no logic of their own) that read the inputs once, run a rule set,
a scenario batch or the comparison of SOU 2024:50 bilaga 4, and return tidy pandas DataFrames: one row per kommun
(region) indexed by kommunkod (regionkod) in code order, one column per component with the same keys as the CSV
files (kr/inv unless the key ends in ``_kr``); :func:`rubrik` gives a key's Swedish heading with unit.

    >>> import utjamning
    >>> indata = utjamning.las_indata("indata/")
    >>> r = utjamning.berakna(indata, regelverk="sou2024", ar=2024)
    >>> r.kommuner["utjamning.totalt"]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = [
    "Indata",
    "Resultat",
    "las_indata",
    "berakna",
    "scenarier",
    "jamfor",
    "forklara",
    "rubrik",
    "regelverk",
    "__version__",
]


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("utjamning")
    except metadata.PackageNotFoundError:
        return "0+okänd"


__version__ = _version()


@dataclass
class Indata:
    """An input directory read once (docs/inputs.md): its raw tables, validated for a rule set when it is used."""

    katalog: Path
    ar: int
    tabeller: dict[str, pd.DataFrame]
    filer: dict[str, str]

    def for_regelverk(self, regelverk: str, ar: int | None = None):
        """The validated engine inputs (:class:`engine.indata.Indata`) for ``regelverk``; raises
        :class:`engine.indata.IndataError` listing every problem."""
        from engine.indata import validate

        return validate(
            {k: v.copy() for k, v in self.tabeller.items()}, dict(self.filer), regelverk, self.ar if ar is None else ar
        )


@dataclass
class Resultat:
    """One run (or one scenario batch): per kommun and per region, the summary of every post and delmodell
    (engine.sammanfattning; None for a batch), and the notes (components not available and why)."""

    kommuner: pd.DataFrame
    regioner: pd.DataFrame
    sammanfattning: pd.DataFrame | None = None
    anmarkningar: list[str] = field(default_factory=list)
    #: for a scenario batch: one row per scenario with the values of the varied parameters
    scenarier: pd.DataFrame | None = None


def las_indata(katalog: str | Path, ar: int = 2024) -> Indata:
    """Read an input directory (or an ``indata.xlsx``) for the utjämningsår ``ar``: CSV in either dialect,
    Parquet or XLSX (engine.indata.read_tables)."""
    from engine.indata import read_tables

    tabeller, filer = read_tables(katalog)
    return Indata(Path(katalog), int(ar), tabeller, filer)


def _indata(indata, regelverk: str, ar: int | None):
    if isinstance(indata, (str, Path)):
        indata = las_indata(indata, ar or 2024)
    return indata.for_regelverk(regelverk, ar) if isinstance(indata, Indata) else indata


def _params(regelverk: str, reform):
    from engine.params import load_params

    return load_params(regelverk, reform)


def _sorterad(frames: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return frames["kommun"].sort_index(), frames["region"].sort_index()


def berakna(
    indata: Indata | str | Path,
    regelverk: str = "sou2024",
    ar: int | None = None,
    reform: str | Path | Mapping | None = None,
    fasta_index: str | Path | None = None,
) -> Resultat:
    """One run of ``regelverk`` (``"sou2024"`` the proposal, ``"2024"`` the current rules), optionally with a
    ``reform`` (a YAML file, or ``{"namn": …, "andringar": {path: value}}``) and recomputed ``fasta_index``
    tables — the same run as ``utjamning berakna``."""
    from engine.model import berakna as kor
    from engine.model import build_ctx, to_frames
    from engine.sammanfattning import for_run

    ind = _indata(indata, regelverk, ar)
    ctx = build_ctx(ind, _params(regelverk, reform), fasta_index)
    res = kor(ctx)
    k, r = _sorterad(to_frames(ctx, res))
    return Resultat(k, r, for_run(ctx, res), list(ind.varningar) + list(res.notes))


def scenarier(
    indata: Indata | str | Path,
    varden: Mapping[str, Iterable[float]],
    regelverk: str = "sou2024",
    ar: int | None = None,
    reform: str | Path | Mapping | None = None,
    fasta_index: str | Path | None = None,
) -> Resultat:
    """A scenario batch in one vectorised run: ``varden`` maps parameter paths (the Parametrar sheet) to S values
    each. The tables are indexed by (scenario, kommunkod) / (scenario, regionkod) — engine.model.to_frames —
    and ``Resultat.scenarier`` lists each scenario's values."""
    from engine.model import berakna as kor
    from engine.model import build_ctx, to_frames

    ind = _indata(indata, regelverk, ar)
    params = _params(regelverk, reform).with_batch(varden)
    ctx = build_ctx(ind, params, fasta_index)
    res = kor(ctx)
    frames = to_frames(ctx, res)
    tabell = pd.DataFrame(dict(params.batch)).rename_axis("scenario")
    return Resultat(
        frames["kommun"].sort_index(),
        frames["region"].sort_index(),
        None,
        list(ind.varningar) + list(res.notes),
        tabell,
    )


def jamfor(
    indata: Indata | str | Path,
    bas: str = "2024",
    forslag: str = "sou2024",
    ar: int | None = None,
    reform: str | Path | Mapping | None = None,
    bas_utfall: str | Path | None = None,
    fasta_index: str | Path | None = None,
) -> dict[str, pd.DataFrame]:
    """The comparison of SOU 2024:50 bilaga 4 (``utjamning jamfor``): the tables by name (tabell1_kommuner …
    vinnare_forlorare, omfordelning), per-unit tables indexed by code. ``bas_utfall``: a directory with the
    current rules' outcome (kommuner.csv, regioner.csv)."""
    from pipelines.bas_utfall import read_bas_utfall
    from pipelines.jamfor_tabeller import bilaga4_tabeller as kor

    pf = _params(forslag, None)
    pr = None
    if reform is not None:
        pr = pf.with_reform(reform)
    tables = kor(
        _indata(indata, bas, ar),
        _indata(indata, forslag, ar),
        _params(bas, None),
        pf,
        pr,
        read_bas_utfall(bas_utfall) if bas_utfall is not None else None,
        fasta_index,
    )
    return {
        k: (v.sort_index() if v.index.name in ("kommun_kod", "region_kod") else v)
        for k, v in tables.items()
        if not k.startswith("_")
    }


def forklara(
    indata: Indata | str | Path,
    kommun: str | None = None,
    region: str | None = None,
    regelverk: str = "sou2024",
    ar: int | None = None,
    reform: str | Path | Mapping | None = None,
    fasta_index: str | Path | None = None,
) -> str:
    """The audit trail of one kommun or region (code or name), as ``utjamning forklara`` prints it."""
    from engine.forklara import attach_tracer, explain_data
    from engine.model import berakna as kor
    from engine.model import build_ctx
    from pipelines.cmd_forklara import resolve_code
    from pipelines.forklara_text import forklaring

    kod = resolve_code(kommun, region)
    ctx = build_ctx(_indata(indata, regelverk, ar), _params(regelverk, reform), fasta_index)
    tracer = attach_tracer(ctx)
    return forklaring(explain_data(ctx, kor(ctx), tracer, kod))


def rubrik(key: str) -> str:
    """The Swedish heading with unit of a column key (pipelines.rubriker), e.g. for plot labels."""
    from pipelines.rubriker import rubrik as r

    return r(key)


def regelverk() -> list[str]:
    """The names of the shipped rule sets (a law and its aliases: "2024" = "nuvarande", the rules in force)."""
    from engine.params import available_rule_sets

    return list(available_rule_sets())
