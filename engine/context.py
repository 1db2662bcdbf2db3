"""The computation context every component function receives.

A component is a plain function ``f(ctx) -> dict[str, array]`` (kr per inhabitant, one entry per tillägg/avdrag
and a ``"standardkostnad"`` total for a delmodell). Arrays are per kommun (shape (K,), register order) or per
region (R,); under a scenario batch the parameters are (S, 1) arrays and results broadcast to (S, K).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.params import Params
from engine.register import FastaIndex


@dataclass
class Ctx:
    ar: int                               #: utjämningsår t
    p: Params                             #: the rule set (with reform / scenario batch)
    k: dict[str, np.ndarray]              #: per-kommun inputs, float64 (K,), register order
    lan: dict[str, np.ndarray]            #: per-län inputs (L = 21, same order as regions)
    r: dict[str, np.ndarray]              #: per-region inputs (R = 21), incl. derived folkmangd_* and skatteunderlag_kr
    riket: dict[str, float]               #: national scalar inputs
    idx: FastaIndex                       #: fasta index tables (kommun and region)
    kommun_kod: np.ndarray                #: (K,) str
    lan_kod: np.ndarray                   #: (K,) str, the kommun's län
    kommun_lan: np.ndarray                #: (K,) int: row of the kommun's län/region in the region order
    region_kod: np.ndarray                #: (R,) str (= län codes; "09" is Gotland)
    ingar_i_region: np.ndarray            #: (R,) bool; False for Gotland (kommun outside a region)
    cache: dict[str, Any] = field(default_factory=dict)   #: intermediate results shared between components
    notes: list[str] = field(default_factory=list)        #: "not available" and other notices for the output

    @property
    def P(self) -> np.ndarray:
        """Folkmängd 31 dec t−2 per kommun: the weights of korrigeringsfaktorer and invånarbaserade avdrag."""
        return self.k["folkmangd_31dec_t2"]

    @property
    def P_region(self) -> np.ndarray:
        return self.r["folkmangd_31dec_t2"]

    def lan_sum(self, x: np.ndarray) -> np.ndarray:
        """Sum a per-kommun array (…, K) over each län → (…, L)."""
        x = np.asarray(x, dtype="float64")
        onehot = self.cache.get("_lan_onehot")
        if onehot is None:
            onehot = np.zeros((len(self.kommun_lan), len(self.region_kod)))
            onehot[np.arange(len(self.kommun_lan)), self.kommun_lan] = 1.0
            self.cache["_lan_onehot"] = onehot
        return x @ onehot

    def kommun_from_lan(self, x: np.ndarray) -> np.ndarray:
        """Spread a per-län array (…, L) to its kommuner (…, K)."""
        return np.asarray(x)[..., self.kommun_lan]

    def ej_tillganglig(self, komponent: str, reason: str, shape_of: np.ndarray | None = None) -> np.ndarray:
        """NaN for a component the rule set does not specify, with a notice in the output (never a guess)."""
        note = f"{komponent}: ej tillgänglig i regelverk {self.p.namn} — {reason}"
        if note not in self.notes:
            self.notes.append(note)
        n = len(self.kommun_kod) if shape_of is None else np.shape(shape_of)[-1]
        return np.full(n, np.nan)

    def komponent(self, name: str, fn, *args, region: bool = False, **kwargs) -> np.ndarray:
        """Run ``fn(*args)`` for one tillägg/avdrag; if the rule set lacks an element it needs (EjTillganglig: a
        parameter with status ej_tillganglig, or fasta index tables the seeds do not give), return NaN for this
        component (per region when ``region``) and record why, so the other components are still shown."""
        from engine.params import EjTillganglig
        try:
            return fn(*args, **kwargs)
        except EjTillganglig as exc:
            return self.ej_tillganglig(name, f"{exc.path}: {exc.reason}", self.region_kod if region else None)
