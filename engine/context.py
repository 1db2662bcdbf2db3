"""The computation context every component function receives.

A delmodell is a list of registered components (engine/kostnad/__init__.py): module-level functions
``f(ctx, d) -> array`` (kr per inhabitant) that read the inputs, parameters and fasta index through ``ctx`` and the
other components' results by name through ``d`` (:class:`engine.kostnad.Delresultat`). Arrays are per kommun
(shape (K,), register order) or per region (R,); under a scenario batch the parameters are (S, 1) arrays and
results broadcast to (S, K).

A context holds the inputs of one run and the run's notices. ``engine.model.berakna`` computes on a copy
(:meth:`Ctx.korning`), so the caller's context is never changed; the notices come back with the results.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from engine.errors import InputError
from engine.params import EjTillganglig, Params
from engine.register import FastaIndex, Skattesatser
from engine.sammanfattning import etikett

#: The input table each level's variables come from (docs/inputs.md), for messages naming a missing input.
TABELL = {"kommun": "kommuner", "region": "regioner", "lan": "lan", "riket": "riket"}


class SaknadIndata(EjTillganglig, InputError):
    """A variable the user's input tables do not contain: the component that reads it is not available. Where no
    component catches it (a step that needs the variable itself) it is an input error (exit 2) naming it."""

    def __init__(self, niva: str, namn: str):
        self.niva, self.namn = niva, namn
        super().__init__(f"{TABELL[niva]}.{namn}", "indata saknas")

    def __str__(self) -> str:
        return f"indata saknas: {self.path} (docs/inputs.md)"


class Indatatabell(dict):
    """The inputs of one level (name → array, or → float for ``riket``). Reading a variable the user did not supply
    raises :class:`SaknadIndata`, so every component whose inputs are present is computed and the others are "ej
    tillgänglig" naming what is missing. While ``saknade`` is a set (the listing pass of
    :meth:`Ctx.saknade_indata`) a missing variable reads as NaN and is recorded instead."""

    def __init__(self, data, niva: str, n: int | None = None, harledda=()):
        super().__init__(data)
        self.niva, self.n = niva, n
        self.harledda = frozenset(harledda)  #: region variables summed from the kommuner's (named so)
        self.saknade: set | None = None

    def __missing__(self, key):
        niva = "kommun" if key in self.harledda else self.niva
        if self.saknade is None:
            raise SaknadIndata(niva, key)
        self.saknade.add(f"{TABELL[niva]}.{key}")
        return np.nan if self.n is None else np.full(self.n, np.nan)


@dataclass
class Ctx:
    ar: int  #: utjämningsår t
    p: Params  #: the rule set (with reform / scenario batch)
    k: dict[str, np.ndarray]  #: per-kommun inputs, float64 (K,), register order
    lan: dict[str, np.ndarray]  #: per-län inputs (L = 21, same order as regions)
    r: dict[str, np.ndarray]  #: per-region inputs (R = 21), incl. derived folkmangd_* and skatteunderlag_kr
    riket: dict[str, float]  #: national scalar inputs
    idx: FastaIndex  #: fasta index tables (kommun and region)
    kommun_kod: np.ndarray  #: (K,) str
    lan_kod: np.ndarray  #: (K,) str, the kommun's län
    kommun_lan: np.ndarray  #: (K,) int: row of the kommun's län/region in the region order
    region_kod: np.ndarray  #: (R,) str (= län codes; "09" is Gotland)
    ingar_i_region: np.ndarray  #: (R,) bool; False for Gotland (kommun outside a region)
    #: tables of länsvisa skattesatser by name (engine.register.Skattesatser; "indata": the user's table)
    skattesatser: Skattesatser = field(default_factory=Skattesatser)
    #: other tables a rule set names by a parameter of unit ``katalog`` (path → table), read by build_ctx
    tabeller: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  #: "not available" and other notices of the run
    #: component → why it is not available (Swedish; the missing inputs or the rule set's reason), for the summary
    ej_tillgangliga: dict[str, str] = field(default_factory=dict)
    #: the audit trail of `utjamning forklara` (engine/forklara.py), or None: what each component reads
    sparning: Any = None

    def korning(self) -> Ctx:
        """A copy for one run: the same inputs and rule set, notices of its own (the caller's stay as they are)."""
        return dataclasses.replace(self, notes=[], ej_tillgangliga={})

    def spara(self, namn: str) -> None:
        """Name the component (``delmodell.komponent``) or post being computed, for the audit trail."""
        if self.sparning is not None:
            self.sparning.current = namn

    @cached_property
    def lan_matris(self) -> np.ndarray:
        """(K, L) one-hot matrix: kommun k belongs to län l."""
        onehot = np.zeros((len(self.kommun_lan), len(self.region_kod)))
        onehot[np.arange(len(self.kommun_lan)), self.kommun_lan] = 1.0
        return onehot

    @property
    def P(self) -> np.ndarray:
        """Folkmängd 31 dec t−2 per kommun: the weights of korrigeringsfaktorer and invånarbaserade avdrag."""
        return self.k["folkmangd_31dec_t2"]

    @property
    def P_region(self) -> np.ndarray:
        return self.r["folkmangd_31dec_t2"]

    def lan_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum a per-kommun array (…, K) over each län → (…, L)."""
        return np.asarray(x, dtype="float64") @ self.lan_matris

    def kommun_from_lan(self, x: np.ndarray) -> np.ndarray:
        """Spread a per-län array (…, L) to its kommuner (…, K)."""
        return np.asarray(x)[..., self.kommun_lan]

    def ej_tillganglig(self, komponent: str, reason: str, shape_of: np.ndarray | None = None) -> np.ndarray:
        """NaN for a component the rule set does not specify, with a notice in the output (never a guess):
        ``reason`` says why, for people (the leaf's ``reason``: the law, the page, what is missing)."""
        return self.notera_ej_tillganglig(komponent, f"ej tillgänglig i regelverk {self.p.namn} — {reason}", shape_of)

    def notera_ej_tillganglig(self, komponent: str, text: str, shape_of: np.ndarray | None) -> np.ndarray:
        """NaN for ``komponent`` (the engine's key, kept in :attr:`ej_tillgangliga`) with the notice ``text``
        (Swedish, beginning "ej tillgänglig") under the component's Swedish name (engine.sammanfattning.etikett)."""
        note = f"{etikett(komponent)}: {text}"
        if note not in self.notes:
            self.notes.append(note)
        self.ej_tillgangliga.setdefault(komponent, text)
        n = len(self.kommun_kod) if shape_of is None else np.shape(shape_of)[-1]
        return np.full(n, np.nan)

    def saknade_indata(self, fn, *args, **kwargs) -> list[str]:
        """Every input variable ``fn(*args, **kwargs)`` reads that the user did not supply ("kommuner.bef_1_5", …).

        A second, lenient pass after :class:`SaknadIndata` stopped the first at the first missing variable: missing
        variables read as NaN and are recorded, the notices are restored afterwards. A pass that fails later
        (NaN where a component cannot take it) still lists what it found before failing."""
        tabeller = [t for t in (self.k, self.r, self.lan, self.riket) if isinstance(t, Indatatabell)]
        found: set[str] = set()
        notes, ej = list(self.notes), dict(self.ej_tillgangliga)
        for t in tabeller:
            t.saknade = found
        try:
            with np.errstate(all="ignore"):
                fn(*args, **kwargs)
        except Exception:  # noqa: BLE001 - best effort: the first missing variable is already known
            pass
        finally:
            for t in tabeller:
                t.saknade = None
            self.notes[:] = notes
            self.ej_tillgangliga.clear()
            self.ej_tillgangliga.update(ej)
        return sorted(found)

    def indata_saknas(self, komponent: str, exc: SaknadIndata, fn, *args, shape_of=None, **kwargs) -> np.ndarray:
        """NaN for a component whose inputs are incomplete, with a notice naming every missing input."""
        saknade = self.saknade_indata(fn, *args, **kwargs) or [exc.path]
        return self.notera_ej_tillganglig(komponent, "ej tillgänglig — indata saknas: " + ", ".join(saknade), shape_of)

    def komponent(self, name: str, fn, *args, region: bool = False, **kwargs) -> np.ndarray:
        """Run ``fn(*args)`` for one tillägg/avdrag; if the rule set lacks an element it needs (EjTillganglig: a
        parameter with status ej_tillganglig, or fasta index tables the seeds do not give) or the user's inputs lack
        a variable it reads (SaknadIndata), return NaN for this component (per region when ``region``) and record
        why, so the other components are still shown."""
        shape = self.region_kod if region else None
        try:
            return fn(*args, **kwargs)
        except SaknadIndata as exc:
            return self.indata_saknas(name, exc, fn, *args, shape_of=shape, **kwargs)
        except EjTillganglig as exc:
            return self.ej_tillganglig(name, exc.reason, shape)
