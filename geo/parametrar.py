"""The gleshet pipeline's constants: ``data/gleshet/parametrar.yaml``, every entry with value, unit, source (law
paragraph and SOU 2024:50 page, or the measurement that set it) and validity. Nothing in ``geo`` writes a constant
of the law inline; it reads it here."""

from __future__ import annotations

from functools import lru_cache

from engine.paths import DATA

DATA_DIR = DATA / "gleshet"
PARAMETRAR = DATA_DIR / "parametrar.yaml"


@lru_cache(maxsize=1)
def _doc() -> dict:
    from engine.params import load_yaml

    return load_yaml(PARAMETRAR)


def parameter(path: str):
    """The value of ``path`` (dotted, e.g. ``matt.ofaktor_max_befolkning``)."""
    node = _doc()
    for part in path.split("."):
        node = node[part]
    return node["value"]
