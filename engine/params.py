"""Rule sets as data: the constants of a regelverk, reform overlays and scenario batches.

A rule set is a directory ``data/regelverk/<namn>/`` of YAML files. Each file is one area (its stem is the first
part of every parameter path: ``forskola.yaml`` → ``forskola.…``). Every leaf is a mapping with

    value       the number (or list / mapping / string) the law gives
    unit        e.g. ``kr/inv (2022)``, ``andel``, ``procent``, ``index``
    source      the law paragraph and the SOU 2024:50 seed line (``L1234``) or ``002:L…`` (SFS 2023:683)
    valid_from  the first utjämningsår the value applies to

A leaf may instead say ``status: ej_tillganglig`` with a ``reason``: the rule set has that element, but the seeds
do not give it (used for the current rules). Reading such a parameter raises :class:`EjTillganglig`, which the
engine turns into an explicit "not available in this rule set" result — never a guess.

A **reform** is a YAML overlay ``{namn: …, beskrivning: …, andringar: {path: value | {value:…, source:…}}}``
applied on top of a rule set; every path must already exist (a typo is an error, not a new parameter).

A **scenario batch** maps parameter paths to 1-d arrays of S values; :meth:`Params.value` then returns an
array of shape (S, 1) that broadcasts against per-kommun arrays of shape (K,), so one engine run computes all
S scenarios at once (results of shape (S, K)).
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
REGELVERK_DIR = ROOT / "data" / "regelverk"
LEAF_KEYS = {"value", "unit", "source", "valid_from", "note", "status", "reason", "alternativ"}


class ParameterError(ValueError):
    """Bad rule set, reform or scenario file (an input error: printed as one message, exit 2)."""

    is_input_error = True


class EjTillganglig(LookupError):
    """The rule set has no value for this element (the seeds do not specify it)."""

    def __init__(self, path: str, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: ej tillgänglig i regelverket ({reason})")


def _is_leaf(node: Any) -> bool:
    return isinstance(node, Mapping) and ("value" in node or node.get("status") == "ej_tillganglig")


def _flatten(tree: Mapping, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, node in tree.items():
        path = f"{prefix}{key}"
        if _is_leaf(node):
            unknown = set(node) - LEAF_KEYS
            if unknown:
                raise ParameterError(f"parameter {path}: unknown keys {sorted(unknown)}")
            out[path] = dict(node)
        elif isinstance(node, Mapping):
            out.update(_flatten(node, path + "."))
        else:
            raise ParameterError(f"parameter {path}: a leaf needs 'value' (with unit, source, valid_from), got {node!r}")
    return out


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
        d = Path(directory) if directory is not None else REGELVERK_DIR / str(namn)
        if not d.is_dir():
            raise ParameterError(f"unknown regelverk {namn!r}: {d} not found (available: {available_rule_sets()})")
        leaves: dict[str, dict] = {}
        files = sorted(d.glob("*.yaml"))
        if not files:
            raise ParameterError(f"regelverk {namn!r}: no parameter files in {d}")
        for f in files:
            try:
                tree = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise ParameterError(f"{f}: not valid YAML: {exc}") from None
            leaves.update(_flatten(tree, f.stem + "."))
        problems = [f"{p}: missing {k}" for p, leaf in leaves.items() if "value" in leaf
                    for k in ("unit", "source", "valid_from") if k not in leaf]
        if problems:
            raise ParameterError(f"regelverk {namn!r} ({d}): " + "; ".join(problems[:20]))
        return cls(str(namn), leaves)

    def with_reform(self, reform: str | Path | Mapping) -> "Params":
        """A copy with a reform overlay applied (file path or already parsed mapping)."""
        if isinstance(reform, Mapping):
            doc, label = reform, str(reform.get("namn", "reform"))
        else:
            path = Path(reform)
            if not path.is_file():
                raise ParameterError(f"reform file {path} not found")
            try:
                doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise ParameterError(f"{path}: not valid YAML: {exc}") from None
            label = str(doc.get("namn", path.stem))
        changes = doc.get("andringar")
        if not isinstance(changes, Mapping) or not changes:
            raise ParameterError(f"reform {label}: needs a non-empty mapping 'andringar: {{path: value}}'")
        leaves = copy.deepcopy(self.leaves)
        problems = []
        for path, new in changes.items():
            if path not in leaves:
                close = [p for p in leaves if p.split(".")[-1] == str(path).split(".")[-1]][:3]
                problems.append(f"{path}: no such parameter in regelverk {self.namn}" + (f" (did you mean {close}?)" if close else ""))
                continue
            leaf = leaves[path]
            if isinstance(new, Mapping) and "value" in new:
                upd = dict(new)                                  # {value: …, source: …}
            elif isinstance(new, Mapping) and not isinstance(leaf.get("value"), Mapping):
                problems.append(f"{path}: an override needs a value")
                continue
            else:
                upd = {"value": new}                             # a plain value (a mapping for mapping-valued leaves)
            leaf.pop("status", None), leaf.pop("reason", None)
            leaf.update(upd)
            leaf["source"] = upd.get("source", f"reform {label}")
            leaf.setdefault("unit", "")
            leaf.setdefault("valid_from", None)
        if problems:
            raise ParameterError(f"reform {label}: " + "; ".join(problems))
        return Params(self.namn, leaves, self.reformer + [label], dict(self.batch))

    def with_batch(self, batch: Mapping[str, Iterable[float]]) -> "Params":
        """A copy evaluating S scenarios at once: ``{path: S values}`` (all of the same length S)."""
        arrays = {p: np.asarray(v, dtype="float64").reshape(-1) for p, v in batch.items()}
        sizes = {a.size for a in arrays.values()}
        if len(sizes) > 1:
            raise ParameterError(f"scenario batch: every path needs the same number of values, got {sorted(sizes)}")
        for p in arrays:
            self.leaf(p)  # exists and is available
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
