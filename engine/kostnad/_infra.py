"""Small helpers shared by the infrastruktur-type delmodeller (gator och vägar, räddningstjänst, befolkningsminskning,
fastigheter, politisk verksamhet) and their current-rule counterparts (infrastruktur och skydd,
verksamhetsövergripande).
"""

from __future__ import annotations

import numpy as np


def i_lista(koder: np.ndarray, lista) -> np.ndarray:
    """Boolean (K,): is the kommun's (or its län's) code in the parameter list ``lista``?"""
    return np.isin(np.asarray(koder, dtype=str), [str(x) for x in lista])
