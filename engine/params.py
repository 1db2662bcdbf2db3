"""Rule sets as data: the constants of a regelverk, reform overlays and scenario batches.

A rule set is a directory ``data/regelverk/<namn>/`` of YAML files. Each file is one area (its stem is the first
part of every parameter path: ``forskola.yaml`` → ``forskola.…``). Every leaf is a mapping with

    value       the number (or list / mapping / string) the law gives
    unit        e.g. ``kr/inv (2022)``, ``andel``, ``procent``, ``index``
    source      the law paragraph and the SOU 2024:50 seed line (``L1234``) or ``002:L…`` (SFS 2023:683)
    valid_from  the first utjämningsår the value applies to
    range       optional [min, max] (both included, ``.inf`` = open) for a number, or for every number inside a
                list / mapping value; without it the unit's default range applies (``data/regelverk/enheter.yaml``)
    allowed     optional list of the values an enumerated choice may take (a string compared by the engine, e.g.
                ``efter_iba | fore_iba``); for a number, special values allowed besides ``range`` (e.g. ``.inf``)

A leaf may instead say ``status: ej_tillganglig`` with a ``reason``: the rule set has that element, but the seeds
do not give it (used for the current rules). Reading such a parameter raises :class:`EjTillganglig`, which the
engine turns into an explicit "not available in this rule set" result — never a guess.

A **reform** is a YAML overlay ``{namn: …, beskrivning: …, andringar: {path: value | {value:…, source:…}}}``
applied on top of a rule set; every path must already exist (a typo is an error, not a new parameter) and every
value must have the rule set's type (a number for a number: not ``true``, not the text ``"1,7"``), be finite, lie in
the parameter's range and, for an enumerated choice, be one of its allowed values. A YAML key given twice (in a rule
set or a reform) is an error, never "the last one wins". Every problem is listed at once.

A **scenario batch** maps parameter paths to 1-d arrays of S values; :meth:`Params.value` then returns an
array of shape (S, 1) that broadcasts against per-kommun arrays of shape (K,), so one engine run computes all
S scenarios at once (results of shape (S, K)).
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np
import yaml

from engine.errors import InputError, UtjamningError

ROOT = Path(__file__).resolve().parent.parent
REGELVERK_DIR = ROOT / "data" / "regelverk"
LEAF_KEYS = {"value", "unit", "source", "valid_from", "note", "status", "reason", "alternativ", "range", "allowed"}
#: Default range of a number by the leaf's unit (first matching pattern), where the leaf declares none.
UNIT_RANGES_FILE = REGELVERK_DIR / "enheter.yaml"
#: Keys of a reform file, and of a {value: …} override inside it.
REFORM_KEYS = {"namn", "beskrivning", "andringar"}
OVERRIDE_KEYS = {"value", "source", "note"}


class ParameterError(InputError):
    """Bad rule set, reform or scenario file (an input error: printed as one message, exit 2)."""


class EjTillganglig(UtjamningError, LookupError):
    """The rule set has no value for this element (the seeds do not specify it)."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: ej tillgänglig i regelverket ({reason})")


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
                except TypeError:        # an unhashable key: the base class reports it
                    continue
                if first != key_node.start_mark.line + 1:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"nyckeln {key!r} förekommer två gånger (första gången på rad {first}); "
                                    f"ta bort den ena", key_node.start_mark)
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
    return isinstance(node, Mapping) and ("value" in node or node.get("status") == "ej_tillganglig")


def _flatten(tree: Mapping, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, node in tree.items():
        path = f"{prefix}{key}"
        if _is_leaf(node):
            unknown = set(node) - LEAF_KEYS
            if unknown:
                raise ParameterError(f"parameter {path}: okända nycklar {sorted(unknown)} (tillåtna: {sorted(LEAF_KEYS)})")
            out[path] = dict(node)
        elif isinstance(node, Mapping):
            out.update(_flatten(node, path + "."))
        else:
            raise ParameterError(f"parameter {path}: ett löv behöver 'value' (med unit, source, valid_from), fick {node!r}")
    return out


_MISSING = object()


@lru_cache(maxsize=1)
def unit_ranges() -> list[tuple[re.Pattern, tuple[float, float], bool]]:
    """(unit pattern, (min, max), whole numbers only) from ``data/regelverk/enheter.yaml``, in order."""
    doc = load_yaml(UNIT_RANGES_FILE)
    return [(re.compile(r["enhet"]), _bounds(r["range"], UNIT_RANGES_FILE), bool(r.get("heltal", False)))
            for r in doc["enheter"]]


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
    for pattern, rng, whole in unit_ranges():
        if pattern.search(unit):
            return (_bounds(leaf["range"], "range") if "range" in leaf else rng), whole
    return (_bounds(leaf["range"], "range") if "range" in leaf else None), False


def check_value(path: str, leaf: Mapping, value: Any, expect: Any = _MISSING) -> list[str]:
    """Every problem of ``value`` as the value of parameter ``path`` declared by ``leaf``: the type of ``expect``
    (the rule set's own value), finiteness, the range (declared or the unit's) and the allowed values."""
    if expect is not _MISSING and expect is not None and _kind(value) != _kind(expect):
        shown = (f"texten {value!r}" if isinstance(value, str) else str(value).lower() if isinstance(value, bool)
                 else repr(value))
        hint = (f" (decimaltecknet är punkt i YAML: {value.replace(',', '.')})"
                if isinstance(value, str) and _is_number(expect) and "," in value else "")
        return [f"{path}: ska vara {_kind(expect)}, fick {shown}{hint}"]
    allowed = leaf.get("allowed")
    allowed = list(allowed) if isinstance(allowed, (list, tuple)) else None
    rng, whole = leaf_range(leaf)
    problems = []
    for x in _scalars(value):
        if _is_number(x):
            x = float(x)
            if allowed is not None and x in allowed:
                continue
            if not math.isfinite(x):
                problems.append(f"{path}: {x!r} är inte ett ändligt tal")
            elif rng is not None and not rng[0] <= x <= rng[1]:
                problems.append(f"{path}: {x:g} ligger utanför det tillåtna intervallet [{rng[0]:g}, {rng[1]:g}] "
                                f"({leaf.get('unit', '')})")
            elif whole and x != math.floor(x):
                problems.append(f"{path}: {x:g} är inte ett heltal ({leaf.get('unit', '')})")
        elif isinstance(x, str) and allowed is not None and any(isinstance(a, str) for a in allowed):
            if x not in allowed:
                close = difflib.get_close_matches(x, [str(a) for a in allowed], n=1)
                problems.append(f"{path}: okänt val {x!r}; tillåtna värden: {', '.join(map(str, allowed))}"
                                + (f" (menade du {close[0]!r}?)" if close else ""))
    return problems


def available_rule_sets() -> list[str]:
    return sorted(p.name for p in REGELVERK_DIR.iterdir() if p.is_dir()) if REGELVERK_DIR.is_dir() else []


@dataclass
class Params:
    """Flat view of a rule set: ``path → leaf`` plus optional scenario arrays."""

    namn: str
    leaves: dict[str, dict]
    reformer: list[str] = field(default_factory=list)
    batch: dict[str, np.ndarray] = field(default_factory=dict)

    # -- construction -----------------------------------------------------------------------------------------
    @classmethod
    def load(cls, namn: str, directory: str | Path | None = None) -> "Params":
        """Load rule set ``namn`` (``sou2024`` or ``2024``) from ``data/regelverk/<namn>/*.yaml``."""
        if directory is None and any(sep in str(namn) for sep in ("/", "\\")):
            raise ParameterError(f"okänt regelverk {namn!r}: ange regelverkets namn ({', '.join(available_rule_sets())}), "
                                 f"inte en sökväg; egna värden ges som en reform")
        d = Path(directory) if directory is not None else REGELVERK_DIR / str(namn)
        if not d.is_dir():
            raise ParameterError(f"okänt regelverk {namn!r}: {d} finns inte (tillgängliga: {', '.join(available_rule_sets())})")
        leaves: dict[str, dict] = {}
        files = sorted(d.glob("*.yaml"))
        if not files:
            raise ParameterError(f"regelverk {namn!r}: inga parameterfiler i {d}")
        for f in files:
            leaves.update(_flatten(load_yaml(f) or {}, f.stem + "."))
        problems = [f"{p}: saknar {k}" for p, leaf in leaves.items() if "value" in leaf
                    for k in ("unit", "source", "valid_from") if k not in leaf]
        problems += [q for p, leaf in leaves.items() if "value" in leaf for q in check_value(p, leaf, leaf["value"])]
        if problems:
            raise ParameterError(f"regelverk {namn!r} ({d}): " + "; ".join(problems[:20]))
        return cls(str(namn), leaves)

    def with_reform(self, reform: str | Path | Mapping) -> "Params":
        """A copy with a reform overlay applied (file path or already parsed mapping). Every problem of every change
        (unknown path, wrong type, not finite, out of range, not an allowed value) is listed in one error."""
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
        problems = [f"okänd nyckel {k!r} i reformen (tillåtna: {', '.join(sorted(REFORM_KEYS))})"
                    for k in doc if k not in REFORM_KEYS]
        leaves = copy.deepcopy(self.leaves)
        for path, new in changes.items():
            path = str(path)
            if path not in leaves:
                close = difflib.get_close_matches(path, list(leaves), n=3, cutoff=0.8) or \
                    [p for p in leaves if p.split(".")[-1] == path.split(".")[-1]][:3]
                problems.append(f"{path}: ingen sådan parameter i regelverk {self.namn}"
                                + (f" (menade du {', '.join(close)}?)" if close else ""))
                continue
            leaf = leaves[path]
            if isinstance(new, Mapping) and "value" in new:
                extra = set(new) - OVERRIDE_KEYS
                if extra:
                    problems.append(f"{path}: okända nycklar {sorted(extra)} i ändringen (tillåtna: "
                                    f"{', '.join(sorted(OVERRIDE_KEYS))}; range och allowed ändras inte av en reform)")
                    continue
                upd = dict(new)                                  # {value: …, source: …}
            elif isinstance(new, Mapping) and not isinstance(leaf.get("value"), Mapping):
                problems.append(f"{path}: en ändring behöver ett värde (value: …)")
                continue
            else:
                upd = {"value": new}                             # a plain value (a mapping for mapping-valued leaves)
            own = None if leaf.get("status") == "ej_tillganglig" else leaf.get("value")
            bad = check_value(path, leaf, upd["value"], expect=own)
            if bad:
                problems += bad
                continue
            leaf.pop("status", None), leaf.pop("reason", None)
            leaf.update(upd)
            leaf["source"] = upd.get("source", f"reform {label}")
            leaf.setdefault("unit", "")
            leaf.setdefault("valid_from", None)
        if problems:
            raise ParameterError(f"{where}: {len(problems)} problem; inget beräknades\n"
                                 + "\n".join(f"  - {p}" for p in problems))
        return Params(self.namn, leaves, self.reformer + [label], dict(self.batch))

    def with_batch(self, batch: Mapping[str, Iterable[float]]) -> "Params":
        """A copy evaluating S scenarios at once: ``{path: S values}`` (all of the same length S)."""
        arrays = {p: np.asarray(v, dtype="float64").reshape(-1) for p, v in batch.items()}
        sizes = {a.size for a in arrays.values()}
        if len(sizes) > 1:
            raise ParameterError(f"scenariobatch: varje sökväg behöver lika många värden, fick {sorted(sizes)}")
        problems = []
        for p, a in arrays.items():
            leaf = self.leaf(p)  # exists and is available
            problems += check_value(p, leaf, a.tolist(), expect=[leaf["value"]] if _is_number(leaf["value"]) else leaf["value"])
        if problems:
            raise ParameterError("scenariobatch: " + "; ".join(problems[:20]))
        return Params(self.namn, self.leaves, self.reformer, {**self.batch, **arrays})

    # -- access -----------------------------------------------------------------------------------------------
    @property
    def n_scenarios(self) -> int | None:
        return next(iter(self.batch.values())).size if self.batch else None

    def leaf(self, path: str) -> dict:
        try:
            leaf = self.leaves[path]
        except KeyError:
            raise KeyError(f"parameter {path!r} is not defined in regelverk {self.namn}") from None
        if leaf.get("status") == "ej_tillganglig":
            raise EjTillganglig(path, leaf.get("reason", "not specified in the seeds"))
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
        return path in self.leaves and self.leaves[path].get("status") != "ej_tillganglig"

    def source(self, path: str) -> str:
        leaf = self.leaves.get(path, {})
        return str(leaf.get("source", leaf.get("reason", "")))

    def describe(self, path: str) -> dict:
        """Everything known about ``path`` (value, unit, source, valid_from, note) for audit trails."""
        leaf = dict(self.leaves[path])
        if path in self.batch:
            leaf["value"] = f"scenario batch ({self.batch[path].size} values)"
        return leaf

    def subtree(self, prefix: str) -> dict[str, Any]:
        """``{rest_of_path: value}`` of every available leaf under ``prefix.``."""
        pre = prefix + "."
        return {p[len(pre):]: self.value(p) for p in self.leaves if p.startswith(pre) and self.has(p)}

    def as_records(self) -> list[dict]:
        """One record per parameter (for the manifest, the XLSX 'Parametrar' sheet and `forklara`)."""
        rows = []
        for p in sorted(self.leaves):
            leaf = self.leaves[p]
            v = leaf.get("value")
            rows.append({"parameter": p, "value": json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v,
                         "unit": leaf.get("unit", ""), "source": leaf.get("source", leaf.get("reason", "")),
                         "valid_from": leaf.get("valid_from"), "status": leaf.get("status", "")})
        return rows

    def fingerprint(self) -> str:
        """sha256 over every leaf and the scenario batch: same parameters → same fingerprint."""
        h = hashlib.sha256(json.dumps(self.leaves, sort_keys=True, ensure_ascii=False, default=str).encode())
        for p in sorted(self.batch):
            h.update(p.encode()), h.update(self.batch[p].tobytes())
        return h.hexdigest()


def load_params(regelverk: str, reform: str | Path | None = None) -> Params:
    """Rule set by name, with an optional reform overlay."""
    p = Params.load(regelverk)
    return p.with_reform(reform) if reform is not None else p
