"""Small helpers shared by the infrastruktur-type delmodeller (gator och vägar, räddningstjänst, befolkningsminskning,
fastigheter, politisk verksamhet) and their current-rule counterparts (infrastruktur och skydd, verksamhetsövergripande).
"""
from __future__ import annotations

import numpy as np

from engine.context import Ctx
from engine.params import EjTillganglig


def saknas_i_regelverket(ctx: Ctx, area: str, delar: list[str]) -> dict[str, np.ndarray] | None:
    """NaN for every part (+ a notice) if ``<area>.delmodell`` is ``ej_tillganglig`` in this rule set (a proposed
    delmodell called under the current rules); None when the delmodell exists."""
    try:
        ctx.p.leaf(f"{area}.delmodell")
    except EjTillganglig as exc:
        nan = ctx.ej_tillganglig(area, f"{exc.path}: {exc.reason}")
        return {d: nan.copy() for d in [*delar, "standardkostnad"]}
    return None


def i_lista(koder: np.ndarray, lista) -> np.ndarray:
    """Boolean (K,): is the kommun's (or its län's) code in the parameter list ``lista``?"""
    return np.isin(np.asarray(koder, dtype=str), [str(x) for x in lista])


def summa(delar: dict[str, np.ndarray]) -> np.ndarray:
    """The delmodell's standardkostnad: the sum of its parts (NaN if any part is not available)."""
    out = 0.0
    for v in delar.values():
        out = out + np.asarray(v, dtype="float64")
    return out
