"""Where the tool's shipped data is: every module takes its paths from :data:`DATA` (none computes its own).

A built wheel carries the repository's ``data/`` folder as the package ``utjamning_data`` (pyproject.toml maps the
folder to that name), found through :mod:`importlib.resources`; in an editable install the same name points at the
repository's folder. Run from a source checkout without any install, the folder beside the packages is used.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

#: The name the data folder is installed under (pyproject.toml, [tool.setuptools] package-dir).
PAKET = "utjamning_data"


def data_dir() -> Path:
    """The folder holding ``regelverk/``, ``fasta_index/``, ``gleshet/`` … (see data/README.md)."""
    try:
        d = Path(str(resources.files(PAKET)))
    except ModuleNotFoundError:  # a source checkout that was never installed
        d = Path(__file__).resolve().parent.parent / "data"
    if not (d / "regelverk").is_dir():
        raise RuntimeError(
            f"utjamning: de medföljande data saknas i {d} (en trasig installation; installera paketet igen)"
        )
    return d


DATA: Path = data_dir()
