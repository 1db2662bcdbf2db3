"""Rule sets as data: one tree per law with values on a time axis, reform overlays and scenario batches.

A **law** (regelverk) is a directory ``data/regelverk/<namn>/``: ``lag.yaml`` (its name, aliases, the first
utjämningsår it can be computed for — ``berakningsbar_fran`` —, for a proposal the year it enters into force —
``ikrafttradande`` — and what it inherits from another law: ``arver: {fran: <lag>, parametrar: {path: citation or
{source, note}}}``) and one YAML file per area. A file's stem is the first
part of every parameter path (``forskola.yaml`` → ``forskola.…``). Two laws ship: ``nuvarande`` (the rules in
force; alias ``2024``) and ``sou2024`` (the proposal of SOU 2024:50, which inherits the leaves it keeps unchanged).

Every leaf is a mapping with

    value       the number (or list / mapping / string) the law gives
    unit        e.g. ``kr/inv (2022)``, ``andel``, ``procent``, ``index``
    source      for people (the Parametrar sheet, `forklara`, reports): in Swedish, the law paragraph and the printed
                page, "SOU 2024:50 s. 53" (or "SFS 2023:683, bilaga" for the current förordning)
    note        optional, internal and never shown: the reasoning behind a reading, seed lines, open points
    valid_from  the first utjämningsår the value applies to
    range       optional [min, max] (both included, ``.inf`` = open) for a number, or for every number inside a
                list / mapping value; without it the unit's default range applies (``data/regelverk/enheter.yaml``)
    allowed     optional list of the values an enumerated choice may take (a string compared by the engine, e.g.
                ``efter_iba | fore_iba``); for a number, special values allowed besides ``range`` (e.g. ``.inf``)

or, for a parameter whose value changes over the years, ``values: {year: {value, source[, note]}}`` beside the
same ``unit`` / ``range`` / ``allowed`` / ``note`` / ``alternativ``: the value for utjämningsår t is the one whose
year is the latest ≤ t. :meth:`Params.load` resolves a law for one year (``ar``); a leaf whose first value comes
later is not part of the law that year (``Params.finns`` is false; reading it raises :class:`SaknasForAret`, so the
component is "ej tillgänglig" naming it, or the command stops with an input error naming it), and a year before
the law's ``berakningsbar_fran`` is an error naming the law. A yearly series (the KPIF) is one leaf whose
value maps each year to its figure.

A leaf may instead say ``status: ej_tillganglig`` with a ``reason`` (for people, like ``source``): the rule set
has that element, but the seeds do not give it (used for the current rules). Reading such a parameter raises
:class:`EjTillganglig`, which the engine turns into an explicit "not available in this rule set" result — never a
guess.

A **reform** is a YAML overlay ``{namn: …, beskrivning: …, andringar: {path: value | {value:…, source:…} |
{values: {year: value}}}}`` applied on top of a law: a plain value (or ``{value: …}``) replaces the parameter for
every year, ``values`` adds or replaces dated values from those years on. Every path must already exist in the law
(a typo is an error, not a new parameter) and every value must have the law's type (a number for a number: not
``true``, not the text ``"1,7"``), be finite, lie in the parameter's range and, for an enumerated choice, be one of
its allowed values. A YAML key given twice (in a rule set or a reform) is an error, never "the last one wins".
Every problem is listed at once.

A **scenario batch** maps parameter paths of numbers to 1-d arrays of S values (each value checked as a reform
value is, every problem listed at once); :meth:`Params.value` then returns an array of shape (S, 1) that
broadcasts against per-kommun arrays of shape (K,), so one engine run computes all S scenarios at once (results of
shape (S, K)).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from engine.errors import InputError, UtjamningError
from engine.indata import problem_list
from engine.paths import DATA

ROOT = Path(__file__).resolve().parent.parent
REGELVERK_DIR = DATA / "regelverk"
LEAF_KEYS = {"value", "unit", "source", "valid_from", "note", "status", "reason", "alternativ", "range", "allowed"}
#: Keys of a dated leaf (``values: {year: …}``) and of one of its dated values.
DATED_KEYS = {"values", "unit", "source", "note", "alternativ", "range", "allowed"}
ENTRY_KEYS = {"value", "source", "note"}
#: The law's own file in its directory (not an area of parameters).
LAG_FIL = "lag.yaml"
#: Default range of a number by the leaf's unit (first matching pattern), where the leaf declares none.
UNIT_RANGES_FILE = REGELVERK_DIR / "enheter.yaml"
#: Keys of a reform file, and of a {value: …} override inside it.
REFORM_KEYS = {"namn", "beskrivning", "andringar"}
OVERRIDE_KEYS = {"value", "source", "note"}
DATED_OVERRIDE_KEYS = {"values"}
#: Why an element is "ej tillgänglig" when its leaf gives no ``reason``.
EJ_I_KALLORNA = "anges inte i verktygets källor"


class ParameterError(InputError):
    """Bad rule set, reform or scenario file (an input error: printed as one message, exit 2)."""


class EjTillganglig(UtjamningError, LookupError):
    """The rule set has no value for this element (the seeds do not specify it)."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: ej tillgänglig i regelverket ({reason})")


class SaknasForAret(EjTillganglig, InputError):
    """The law has no value of this parameter for the utjämningsår: its first value comes later. A component that
    reads it is "ej tillgänglig" naming it (like any element the law lacks); where nothing catches it, it is an
    input error (exit 2) naming the parameter and the year."""

    def __init__(self, path: str, ar: int, forsta: int, namn: str):
        self.ar, self.forsta, self.namn = ar, forsta, namn
        # the path is what a user writes in a reform to supply the value, so the notice names it
        super().__init__(path, f"värdet för {path} gäller först från utjämningsår {forsta}, inte {ar}")

    def __str__(self) -> str:
        return f"regelverk {self.namn}: {self.reason}"


class UniqueKeyLoader(yaml.SafeLoader):
    """YAML's safe loader, but a mapping key given twice is an error (PyYAML silently keeps the last value)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: the base class reports it
                    continue
                if first != key_node.start_mark.line + 1:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"nyckeln {key!r} förekommer två gånger (första gången på rad {first}); ta bort den ena",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep)


def load_yaml(path: str | Path) -> Any:
    """A YAML file read with :class:`UniqueKeyLoader`; unreadable or invalid YAML is a :class:`ParameterError`
    naming the file and line."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=UniqueKeyLoader)
    except FileNotFoundError:
        raise ParameterError(f"{path}: filen finns inte") from None
    except UnicodeDecodeError:
        raise ParameterError(f"{path}: inte UTF-8-kodad text; spara filen som UTF-8") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: ogiltig YAML: {exc}") from None
    except OSError as exc:
        raise ParameterError(f"{path}: kan inte läsas ({exc.strerror})") from None


def _is_leaf(node: Any) -> bool:
    return isinstance(node, Mapping) and ("value" in node or "values" in node or node.get("status") == "ej_tillganglig")


def _flatten(tree: Mapping, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, node in tree.items():
        path = f"{prefix}{key}"
        if _is_leaf(node):
            allowed = DATED_KEYS if "values" in node else LEAF_KEYS
            unknown = set(node) - allowed
            if unknown:
                raise ParameterError(
                    f"parameter {path}: okända nycklar {sorted(unknown)} (tillåtna: {sorted(allowed)})"
                )
            out[path] = dict(node)
        elif isinstance(node, Mapping):
            out.update(_flatten(node, path + "."))
        else:
            raise ParameterError(
                f"parameter {path}: ett löv behöver 'value' (med unit, source, valid_from) eller "
                f"'values' (år → värde), fick {node!r}"
            )
    return out


def _dated(path: str, node: Mapping, problems: list[str]) -> dict:
    """A leaf as written → ``{"meta": {unit, range, allowed, note, alternativ | status, reason}, "values": [(year,
    {value, source[, note]}), …] ascending}``; problems (a missing key, a year that is not a year) are appended."""
    if node.get("status") == "ej_tillganglig":
        return {"meta": dict(node), "values": []}
    if "values" in node:
        meta = {k: v for k, v in node.items() if k != "values"}
        raw = node["values"]
        if not isinstance(raw, Mapping) or not raw:
            problems.append(f"{path}: 'values' ska vara en mappning år → värde")
            return {"meta": meta, "values": []}
        entries = []
        for year, e in raw.items():
            if isinstance(year, bool) or not isinstance(year, int):
                problems.append(f"{path}: {year!r} i 'values' är inte ett årtal")
                continue
            e = dict(e) if isinstance(e, Mapping) and "value" in e else {"value": e}
            bad = set(e) - ENTRY_KEYS
            if bad:
                problems.append(f"{path}, {year}: okända nycklar {sorted(bad)} (tillåtna: {sorted(ENTRY_KEYS)})")
            e.setdefault("source", meta.get("source"))
            if not e["source"]:
                problems.append(f"{path}, {year}: saknar source")
            entries.append((year, e))
        meta.pop("source", None)
        return {"meta": meta, "values": sorted(entries, key=lambda ye: ye[0])}
    missing = [k for k in ("unit", "source", "valid_from") if k not in node]
    problems += [f"{path}: saknar {k}" for k in missing]
    year = node.get("valid_from")
    if isinstance(year, bool) or not isinstance(year, int):
        if "valid_from" in node:
            problems.append(f"{path}: valid_from {year!r} är inte ett årtal")
        year = 0
    entry = {"value": node["value"], "source": node.get("source")}
    meta = {k: v for k, v in node.items() if k not in ("value", "source", "valid_from")}
    return {"meta": meta, "values": [(year, entry)]}


def _resolve(dated: dict, ar: int) -> dict | None:
    """The leaf of utjämningsår ``ar``: the dated value whose year is the latest ≤ ``ar`` with the leaf's unit,
    range, allowed values, note and alternative, and ``valid_from`` = that year; None when every value starts later.
    A leaf ``ej_tillganglig`` is the same in every year."""
    meta = dated["meta"]
    if meta.get("status") == "ej_tillganglig":
        return dict(meta)
    chosen = None
    for year, entry in dated["values"]:
        if year <= ar:
            chosen = (year, entry)
    if chosen is None:
        return None
    year, entry = chosen
    leaf = {**meta, **{k: v for k, v in entry.items() if v is not None}}
    leaf["valid_from"] = year
    return leaf


def _first_year(dated: dict) -> int | None:
    return dated["values"][0][0] if dated["values"] else None


_MISSING = object()


@lru_cache(maxsize=1)
def unit_ranges() -> list[tuple[re.Pattern, tuple[float, float], bool, str]]:
    """(unit pattern, (min, max), whole numbers only, the unit's scale for people — ``skal``) from
    ``data/regelverk/enheter.yaml``, in order."""
    doc = load_yaml(UNIT_RANGES_FILE)
    return [
        (
            re.compile(r["enhet"]),
            _bounds(r["range"], UNIT_RANGES_FILE),
            bool(r.get("heltal", False)),
            str(r.get("skal", "")),
        )
        for r in doc["enheter"]
    ]


def unit_skal(leaf: Mapping) -> str:
    """How a number of the leaf's unit is written ("en andel: 13,8 % anges som 0.138"), from
    ``data/regelverk/enheter.yaml``; empty when no unit pattern matches or the pattern gives none."""
    unit = str(leaf.get("unit", ""))
    return next((skal for pattern, _, _, skal in unit_ranges() if pattern.search(unit)), "")


def _bounds(rng, where) -> tuple[float, float]:
    if not (isinstance(rng, (list, tuple)) and len(rng) == 2):
        raise ParameterError(f"{where}: range ska vara [min, max], fick {rng!r}")
    lo, hi = (-math.inf if rng[0] is None else float(rng[0])), (math.inf if rng[1] is None else float(rng[1]))
    if not lo <= hi:
        raise ParameterError(f"{where}: range {rng!r} har min > max")
    return lo, hi


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def _kind(v: Any) -> str:
    """The type of a parameter value as a user reads it."""
    if isinstance(v, (bool, np.bool_)):
        return "ja/nej (true/false)"
    if _is_number(v):
        return "ett tal"
    if isinstance(v, str):
        return "en text"
    if isinstance(v, Mapping):
        return "en tabell (mappning)"
    if isinstance(v, (list, tuple)):
        return "en lista"
    return "inget värde" if v is None else type(v).__name__


def _scalars(v: Any) -> Iterator[Any]:
    """Every scalar inside a value (the values of mappings, the items of lists), depth first."""
    if isinstance(v, Mapping):
        for x in v.values():
            yield from _scalars(x)
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from _scalars(x)
    else:
        yield v


def leaf_range(leaf: Mapping) -> tuple[tuple[float, float] | None, bool]:
    """The declared ``range`` of a leaf, else its unit's default (``data/regelverk/enheter.yaml``), and whether the
    unit counts whole numbers only."""
    unit = str(leaf.get("unit", ""))
    for pattern, rng, whole, _ in unit_ranges():
        if pattern.search(unit):
            return (_bounds(leaf["range"], "range") if "range" in leaf else rng), whole
    return (_bounds(leaf["range"], "range") if "range" in leaf else None), False


def check_value(path: str, leaf: Mapping, value: Any, expect: Any = _MISSING) -> list[str]:
    """Every problem of ``value`` as the value of parameter ``path`` declared by ``leaf``: the type of ``expect``
    (the rule set's own value), finiteness, the range (declared or the unit's) and the allowed values."""
    if expect is not _MISSING and expect is not None and _kind(value) != _kind(expect):
        shown = (
            f"texten {value!r}"
            if isinstance(value, str)
            else str(value).lower()
            if isinstance(value, bool)
            else repr(value)
        )
        hint = (
            f" (decimaltecknet är punkt i YAML: {value.replace(',', '.')})"
            if isinstance(value, str) and _is_number(expect) and "," in value
            else ""
        )
        return [f"{path}: ska vara {_kind(expect)}, fick {shown}{hint}"]
    allowed = leaf.get("allowed")
    allowed = list(allowed) if isinstance(allowed, (list, tuple)) else None
    rng, whole = leaf_range(leaf)
    skal = unit_skal(leaf)
    skal = f" — {skal}" if skal else ""
    problems = []
    for x in _scalars(value):
        if _is_number(x):
            x = float(x)
            if allowed is not None and x in allowed:
                continue
            if not math.isfinite(x):
                problems.append(f"{path}: {x!r} är inte ett ändligt tal")
            elif rng is not None and not rng[0] <= x <= rng[1]:
                problems.append(
                    f"{path}: {x:g} ligger utanför det tillåtna intervallet [{rng[0]:g}, {rng[1]:g}] "
                    f"({leaf.get('unit', '')}){skal}"
                )
            elif whole and x != math.floor(x):
                problems.append(f"{path}: {x:g} är inte ett heltal ({leaf.get('unit', '')}){skal}")
        elif (
            isinstance(x, str) and allowed is not None and any(isinstance(a, str) for a in allowed) and x not in allowed
        ):
            close = difflib.get_close_matches(x, [str(a) for a in allowed], n=1)
            problems.append(
                f"{path}: okänt val {x!r}; tillåtna värden: {', '.join(map(str, allowed))}"
                + (f" (menade du {close[0]!r}?)" if close else "")
            )
    return problems


def _lag_meta(d: Path) -> dict:
    """``lag.yaml`` of a law directory (``{}`` when absent): scalars as written, ``{value, source}`` as the value."""
    f = d / LAG_FIL
    doc = (load_yaml(f) or {}) if f.is_file() else {}
    if not isinstance(doc, Mapping):
        raise ParameterError(f"{f}: ska vara en YAML-mappning (namn, alias, berakningsbar_fran, …)")
    return {k: (v["value"] if isinstance(v, Mapping) and "value" in v else v) for k, v in doc.items()}


@lru_cache(maxsize=1)
def _lag_index() -> dict[str, str]:
    """Every name a law is known by (its directory name and its aliases) → the directory name."""
    out: dict[str, str] = {}
    if REGELVERK_DIR.is_dir():
        for d in sorted(REGELVERK_DIR.iterdir()):
            if d.is_dir() and (d / LAG_FIL).is_file():
                out[d.name] = d.name
                for a in _lag_meta(d).get("alias") or []:
                    out[str(a)] = d.name
    return out


def available_rule_sets() -> list[str]:
    """The names the shipped laws are known by (directory names and aliases)."""
    return sorted(_lag_index())


def lag_namn(namn: str) -> str:
    """The law (directory name) ``namn`` refers to: ``2024`` → ``nuvarande``; an unknown name is a ParameterError."""
    if any(sep in str(namn) for sep in ("/", "\\")):
        raise ParameterError(
            f"okänt regelverk {namn!r}: ange regelverkets namn ({', '.join(available_rule_sets())}), "
            f"inte en sökväg; egna värden ges som en reform"
        )
    lag = _lag_index().get(str(namn))
    if lag is None:
        raise ParameterError(
            f"okänt regelverk {namn!r}: {REGELVERK_DIR / str(namn)} finns inte (tillgängliga: "
            f"{', '.join(available_rule_sets())})"
        )
    return lag


def _read_tree(d: Path, namn: str) -> tuple[dict, dict[str, dict]]:
    """(lag.yaml, {path: dated leaf}) of a law directory, with what it inherits resolved (:func:`_dated`)."""
    meta = _lag_meta(d)
    files = sorted(f for f in d.glob("*.yaml") if f.name != LAG_FIL)
    if not files:
        raise ParameterError(f"regelverk {namn!r}: inga parameterfiler i {d}")
    flat: dict[str, dict] = {}
    for f in files:
        flat.update(_flatten(load_yaml(f) or {}, f.stem + "."))
    problems: list[str] = []
    tree = {path: _dated(path, node, problems) for path, node in flat.items()}
    arv = meta.get("arver")
    if arv:
        fran = str(arv.get("fran", ""))
        if fran not in _lag_index() or _lag_index()[fran] == d.name:
            problems.append(
                f"{d / LAG_FIL}: arver.fran {fran!r} är inget annat regelverk ({', '.join(available_rule_sets())})"
            )
        else:
            _, parent = _law_tree(_lag_index()[fran])
            for path, citat in (arv.get("parametrar") or {}).items():
                if path in tree:
                    problems.append(f"{path}: står både i regelverk {namn} och i dess arv från {fran}; ta bort den ena")
                elif path not in parent:
                    problems.append(f"{path}: ärvs från regelverk {fran}, som inte har den")
                else:
                    leaf = copy.deepcopy(parent[path])
                    if isinstance(citat, Mapping):  # {source, note}: the note is internal, like a leaf's
                        citat = citat.get("source", "")
                    for _, entry in leaf["values"]:
                        entry["source"] = f"{citat} — oförändrat från regelverk {fran}: {entry['source']}"
                    leaf["meta"]["arvd_fran"] = fran
                    tree[path] = leaf
    for path, dated in tree.items():
        probe = {**dated["meta"]}
        for year, entry in dated["values"]:
            problems += [
                f"{q} ({year})" if len(dated["values"]) > 1 else q
                for q in check_value(path, {**probe, **entry}, entry["value"])
            ]
    if problems:
        raise ParameterError(problem_list(f"regelverk {namn!r} ({d})", problems, limit=20))
    return meta, tree


@lru_cache(maxsize=8)
def _law_tree(lag: str) -> tuple[dict, dict[str, dict]]:
    """The shipped law ``lag`` as read once (callers deep-copy what they change)."""
    return _read_tree(REGELVERK_DIR / lag, lag)


def _first_computable(meta: Mapping, tree: Mapping[str, dict]) -> int:
    """The law's ``berakningsbar_fran``, else the earliest year of any of its values."""
    if meta.get("berakningsbar_fran") is not None:
        return int(meta["berakningsbar_fran"])
    years = [y for d in tree.values() for y, _ in d["values"] if y]
    return min(years) if years else 0


def _latest_year(meta: Mapping, tree: Mapping[str, dict]) -> int:
    """The default year of a law loaded without one: the latest year any of its values starts (the newest state of
    the law the data describe), at least its ``berakningsbar_fran``."""
    years = [y for d in tree.values() for y, _ in d["values"] if y]
    return max([_first_computable(meta, tree), *years])


def _okand_parameter(path: str, paths: Iterable[str], namn: str) -> str:
    """The problem "no such parameter" of a path a reform or a scenario batch names, with the paths it may mean (a
    near spelling, else the same last part)."""
    paths = list(paths)
    close = (
        difflib.get_close_matches(path, paths, n=3, cutoff=0.8)
        or [p for p in paths if p.split(".")[-1] == path.split(".")[-1]][:3]
    )
    return f"{path}: ingen sådan parameter i regelverk {namn}" + (f" (menade du {', '.join(close)}?)" if close else "")


@dataclass
class Params:
    """A law resolved for one utjämningsår: ``path → leaf`` (the dated value of that year), plus the dated tree it
    came from (``datert``, after inheritance and reforms) and optional scenario arrays."""

    namn: str  #: the name it was asked for (an alias is shown as given: "2024")
    leaves: dict[str, dict]
    reformer: list[str] = field(default_factory=list)
    batch: dict[str, np.ndarray] = field(default_factory=dict)
    ar: int | None = None  #: the utjämningsår the leaves are resolved for
    lag: str | None = None  #: the law's directory name ("nuvarande", "sou2024")
    lag_meta: dict = field(default_factory=dict, repr=False)  #: lag.yaml
    datert: dict[str, dict] = field(default_factory=dict, repr=False)
    #: parameters of the law whose first value comes after ``ar`` → that year (not part of the law this year)
    framtida: dict[str, int] = field(default_factory=dict, repr=False)

    # -- construction -----------------------------------------------------------------------------------------
    @classmethod
    def load(cls, namn: str, directory: str | Path | None = None, ar: int | None = None) -> Params:
        """Law ``namn`` (``sou2024``, ``nuvarande`` or its alias ``2024``) from ``data/regelverk/<lag>/``, resolved
        for utjämningsår ``ar`` (default: the latest year any of its values starts — 2024 for both shipped laws).
        ``directory``: a law directory of one's own (tests)."""
        if directory is not None:
            d = Path(directory)
            if not d.is_dir():
                raise ParameterError(f"okänt regelverk {namn!r}: {d} finns inte")
            meta, tree = _read_tree(d, str(namn))
            lag = str(namn)
        else:
            lag = lag_namn(namn)
            meta, tree = _law_tree(lag)
        return cls._resolved(str(namn), lag, meta, copy.deepcopy(tree), ar, [], {})

    @classmethod
    def _resolved(
        cls, namn: str, lag: str, meta: dict, tree: dict[str, dict], ar: int | None, reformer: list[str], batch: dict
    ) -> Params:
        forst = _first_computable(meta, tree)
        ar = _latest_year(meta, tree) if ar is None else int(ar)
        if ar < forst:
            ikraft = meta.get("ikrafttradande")
            raise ParameterError(
                f"regelverk {namn} kan beräknas för utjämningsår från {forst}, inte {ar}"
                + (
                    f" (förslaget träder i kraft {ikraft}; SOU 2024:50 bilaga 4 beräknar det som om det gällde {forst})"
                    if ikraft and int(ikraft) > forst
                    else ""
                )
            )
        leaves, framtida = {}, {}
        for path, dated in tree.items():
            leaf = _resolve(dated, ar)
            if leaf is None:
                framtida[path] = _first_year(dated)
            else:
                leaves[path] = leaf
        missing = [p for p in batch if p not in leaves]
        if missing:
            raise ParameterError(f"scenariobatch: {', '.join(missing)} har inget värde för utjämningsår {ar}")
        return cls(namn, leaves, list(reformer), dict(batch), ar, lag, dict(meta), tree, framtida)

    def for_ar(self, ar: int) -> Params:
        """The same law (with its reforms and scenario batch) resolved for utjämningsår ``ar``."""
        if ar == self.ar:
            return self
        return type(self)._resolved(self.namn, self.lag, self.lag_meta, self.datert, ar, self.reformer, self.batch)

    def with_reform(self, reform: str | Path | Mapping) -> Params:
        """A copy with a reform overlay applied (file path or already parsed mapping). A plain value replaces the
        parameter for every year; ``{values: {år: värde}}`` adds or replaces dated values. Every problem of every
        change (unknown path, wrong type, not finite, out of range, not an allowed value) is listed in one error."""
        if isinstance(reform, Mapping):
            doc, label = reform, str(reform.get("namn", "reform"))
            where = f"reform {label}"
        else:
            path = Path(reform)
            if not path.is_file():
                raise ParameterError(f"reformfilen {path} finns inte")
            doc = load_yaml(path) or {}
            if not isinstance(doc, Mapping):
                raise ParameterError(f"{path}: en reform är en YAML-mappning med namn, beskrivning och andringar")
            label = str(doc.get("namn", path.stem))
            where = f"{path} (reform {label})"
        changes = doc.get("andringar")
        if not isinstance(changes, Mapping) or not changes:
            raise ParameterError(f"{where}: behöver en icke-tom mappning 'andringar: {{sökväg: värde}}'")
        problems = [
            f"okänd nyckel {k!r} i reformen (tillåtna: {', '.join(sorted(REFORM_KEYS))})"
            for k in doc
            if k not in REFORM_KEYS
        ]
        tree = copy.deepcopy(self.datert)
        first = _first_computable(self.lag_meta, self.datert)
        for path, new in changes.items():
            path = str(path)
            if path not in tree:
                problems.append(_okand_parameter(path, tree, self.namn))
                continue
            dated = tree[path]
            meta = dated["meta"]
            own_values = [e["value"] for _, e in dated["values"]]
            own = own_values[0] if own_values and meta.get("status") != "ej_tillganglig" else None
            if isinstance(new, Mapping) and "values" in new:
                extra = set(new) - DATED_OVERRIDE_KEYS
                raw = new["values"]
                if extra or not isinstance(raw, Mapping) or not raw:
                    problems.append(
                        f"{path}: en daterad ändring är {{values: {{år: värde}}}}"
                        + (f" (okända nycklar {sorted(extra)})" if extra else "")
                    )
                    continue
                entries = {}
                for year, v in raw.items():
                    if isinstance(year, bool) or not isinstance(year, int):
                        problems.append(f"{path}: {year!r} är inte ett årtal")
                        continue
                    e = dict(v) if isinstance(v, Mapping) and "value" in v else {"value": v}
                    if set(e) - OVERRIDE_KEYS:
                        problems.append(f"{path}, {year}: okända nycklar {sorted(set(e) - OVERRIDE_KEYS)}")
                        continue
                    e["source"] = e.get("source", f"reform {label}")
                    entries[year] = e
            else:
                if isinstance(new, Mapping) and "value" in new:
                    extra = set(new) - OVERRIDE_KEYS
                    if extra:
                        problems.append(
                            f"{path}: okända nycklar {sorted(extra)} i ändringen (tillåtna: "
                            f"{', '.join(sorted(OVERRIDE_KEYS))} eller values; range och allowed ändras "
                            f"inte av en reform)"
                        )
                        continue
                    e = dict(new)  # {value: …, source: …}
                elif isinstance(new, Mapping) and not isinstance(own, Mapping):
                    problems.append(f"{path}: en ändring behöver ett värde (value: …)")
                    continue
                else:
                    e = {"value": new}  # a plain value (a mapping for mapping-valued leaves)
                e["source"] = e.get("source", f"reform {label}")
                entries = {min(first, _first_year(dated) or first): e}  # every year the law is computed for
                dated["values"] = []
            bad = [q for e in entries.values() for q in check_value(path, {**meta, **e}, e["value"], expect=own)]
            if bad:
                problems += bad
                continue
            meta.pop("status", None), meta.pop("reason", None)
            meta.setdefault("unit", "")
            kept = [(y, e) for y, e in dated["values"] if y not in entries]
            dated["values"] = sorted(kept + list(entries.items()), key=lambda ye: ye[0])
        if problems:
            raise ParameterError(
                f"{where}: {len(problems)} problem; inget beräknades\n" + "\n".join(f"  - {p}" for p in problems)
            )
        return type(self)._resolved(
            self.namn, self.lag, self.lag_meta, tree, self.ar, self.reformer + [label], self.batch
        )

    def with_batch(self, batch: Mapping[str, Iterable[float]]) -> Params:
        """A copy evaluating S scenarios at once: ``{path: S values}`` (all of the same length S). Every value is
        checked as written, like a reform value (:func:`check_value`: a number, not ``True`` or the text ``"0,1"``,
        finite, in the parameter's range), before it becomes a float array; every problem is listed in one error."""
        problems: list[str] = []
        values: dict[str, list] = {}
        for p, v in batch.items():
            p = str(p)
            if p not in self.datert:
                problems.append(_okand_parameter(p, self.datert, self.namn))
                continue
            if p not in self.leaves:
                problems.append(f"{p}: har inget värde för utjämningsår {self.ar} (gäller från {self.framtida[p]})")
                continue
            leaf = self.leaves[p]
            if leaf.get("status") == "ej_tillganglig":
                problems.append(f"{p}: ej tillgänglig i regelverket ({leaf.get('reason', EJ_I_KALLORNA)})")
                continue
            if not _is_number(leaf["value"]):
                problems.append(f"{p}: en scenariobatch varierar tal, parametern är {_kind(leaf['value'])}")
                continue
            if isinstance(v, np.ndarray):
                v = v.reshape(-1).tolist()
            elif isinstance(v, (str, bytes, Mapping)) or not isinstance(v, Iterable):
                v = [v]  # one value: reported as what it is, not split into characters
            values[p] = list(v)
            if not values[p]:
                problems.append(f"{p}: inga värden")
            for s, x in enumerate(values[p]):
                problems += check_value(f"{p} (scenario {s})", leaf, x, expect=leaf["value"])
        sizes = sorted({len(v) for v in values.values()})
        if len(sizes) > 1:
            problems.append(
                "varje sökväg behöver lika många värden, fick " + ", ".join(f"{p}: {len(v)}" for p, v in values.items())
            )
        if problems:
            raise ParameterError(problem_list("scenariobatch", problems, limit=20))
        arrays = {p: np.asarray(v, dtype="float64") for p, v in values.items()}
        return dataclasses.replace(self, batch={**self.batch, **arrays})

    # -- access -----------------------------------------------------------------------------------------------
    @property
    def n_scenarios(self) -> int | None:
        return next(iter(self.batch.values())).size if self.batch else None

    def leaf(self, path: str) -> dict:
        try:
            leaf = self.leaves[path]
        except KeyError:
            if path in self.framtida:
                raise SaknasForAret(path, self.ar, self.framtida[path], self.namn) from None
            raise KeyError(f"parameter {path!r} finns inte i regelverk {self.namn}") from None
        if leaf.get("status") == "ej_tillganglig":
            raise EjTillganglig(path, leaf.get("reason", EJ_I_KALLORNA))
        return leaf

    def value(self, path: str) -> Any:
        """The value of ``path``: a float (or list/mapping), or an (S, 1) array under a scenario batch."""
        if path in self.batch:
            return self.batch[path][:, None]
        v = self.leaf(path)["value"]
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    __call__ = value

    def raw(self, path: str) -> Any:
        """The value as written (no float conversion, no batch)."""
        return self.leaf(path)["value"]

    def has(self, path: str) -> bool:
        """The law has a value for ``path`` this year (not "ej tillgänglig")."""
        return path in self.leaves and self.leaves[path].get("status") != "ej_tillganglig"

    def finns(self, path: str) -> bool:
        """``path`` is part of the law this year — with a value or "ej tillgänglig" (the seeds do not give it). What
        decides whether a component applies (engine/kostnad/__init__.py)."""
        return path in self.leaves

    def source(self, path: str) -> str:
        leaf = self.leaves.get(path, {})
        return str(leaf.get("source", leaf.get("reason", "")))

    def describe(self, path: str) -> dict:
        """What a person may read about ``path`` (value, unit, source, valid_from, status) for audit trails; the
        internal ``note`` stays in the data. A path the law does not have this year (a component tried to read it and
        was "ej tillgänglig") is described as such, with the year its first value applies from."""
        if path not in self.leaves:
            reason = (
                SaknasForAret(path, self.ar, self.framtida[path], self.namn).reason
                if path in self.framtida
                else f"finns inte i regelverk {self.namn} för utjämningsår {self.ar}"
            )
            return {"status": "ej_tillganglig", "reason": reason}
        leaf = {k: v for k, v in self.leaves[path].items() if k != "note"}
        if path in self.batch:
            leaf["value"] = f"scenariobatch ({self.batch[path].size} värden)"
        return leaf

    def subtree(self, prefix: str) -> dict[str, Any]:
        """``{rest_of_path: value}`` of every available leaf under ``prefix.``."""
        pre = prefix + "."
        return {p[len(pre) :]: self.value(p) for p in self.leaves if p.startswith(pre) and self.has(p)}

    def as_records(self) -> list[dict]:
        """One record per parameter (for the manifest, the XLSX 'Parametrar' sheet and `forklara`)."""
        rows = []
        for p in sorted(self.leaves):
            leaf = self.leaves[p]
            v = leaf.get("value")
            rows.append(
                {
                    "parameter": p,
                    "value": json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v,
                    "unit": leaf.get("unit", ""),
                    "source": leaf.get("source", leaf.get("reason", "")),
                    "valid_from": leaf.get("valid_from"),
                    "status": leaf.get("status", ""),
                }
            )
        return rows

    def fingerprint(self) -> str:
        """sha256 over every leaf and the scenario batch: same parameters → same fingerprint."""
        h = hashlib.sha256(json.dumps(self.leaves, sort_keys=True, ensure_ascii=False, default=str).encode())
        for p in sorted(self.batch):
            h.update(p.encode()), h.update(self.batch[p].tobytes())
        return h.hexdigest()


def load_params(regelverk: str, reform: str | Path | None = None, ar: int | None = None) -> Params:
    """Law by name resolved for utjämningsår ``ar`` (default: the latest year its values start), with an optional
    reform overlay."""
    p = Params.load(regelverk, ar=ar)
    return p.with_reform(reform) if reform is not None else p
