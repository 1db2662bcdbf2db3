"""The content-addressed step store of `utjamning natt`: each step is computed once per distinct input.

A step (gleshet, index, berakna per rule set or reform, jamfor, …) is keyed by the sha256 of

* the contents of its input files and folders (an upstream step counts by the contents of its outputs, without
  its manifest, whose timings differ between two computations of the same thing),
* its parameters (the options it is called with), and
* the code version: the package version and a hash over the source files of ``geo``, ``engine`` and ``pipelines``
  and every file under ``data/`` (rule sets, fasta index tables), so that any change of code or law data
  invalidates every step.

A computed step lives in ``<utdata>/steg/<step>/<key>/`` (``data/`` with its outputs, ``steg.json`` with its key,
inputs and the sha256 of every output file). Before a stored step is reused, its files are checked against those
hashes; a damaged entry is computed again. A run links (hard link, or copy where the file system cannot) the
step's files into its own folder, so an unchanged step costs no computation and no disk space.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from engine.paths import DATA
from engine.talformat import svenskt_tal
from pipelines.outputs import atomic_output_dir, clean_stale, sha256_file

ROOT = Path(__file__).resolve().parents[1]
KOD_MAPPAR = ("geo", "engine", "pipelines")
#: Files of an output folder that are not part of its content (a manifest records timings).
EJ_INNEHALL = frozenset({"manifest.json"})

log = logging.getLogger("utjamning.natt")


def sha256_json(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def filhashar(folder: Path) -> dict[str, str]:
    """``{relative posix path: sha256}`` of every file under ``folder``."""
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in _files(folder)}


def innehall_av(filer: dict[str, str]) -> str:
    """Content hash of a folder from its file list, without the files that are not content (a manifest)."""
    return sha256_json({k: v for k, v in filer.items() if Path(k).name not in EJ_INNEHALL})


def innehall(path: Path) -> str:
    """sha256 of a file's bytes, or of a folder's content (:func:`innehall_av`): a folder of inputs and a stored
    step with the same files have the same hash."""
    path = Path(path)
    if path.is_file():
        return sha256_file(path)
    return innehall_av(filhashar(path))


def kodversion() -> dict[str, str]:
    """The code version in every step key: package version + sha256 over the source and data files."""
    h = hashlib.sha256()
    for folder in KOD_MAPPAR:
        for p in _files(ROOT / folder):
            if p.suffix == ".py":
                h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for p in _files(DATA):
        h.update(f"data/{p.relative_to(DATA).as_posix()}".encode() + b"\0" + sha256_file(p).encode() + b"\0")
    try:
        version = metadata.version("utjamning")
    except metadata.PackageNotFoundError:
        version = "okänd"
    return {"utjamning": version, "kallkod_sha256": h.hexdigest()}


@dataclass
class Resultat:
    """A step's outputs: where they are, their content hash (for downstream keys) and what this run did."""

    namn: str
    nyckel: str
    katalog: Path  # the stored outputs (…/steg/<namn>/<nyckel>/data)
    innehall: str
    filer: dict[str, str]
    status: str  # "beräknad" | "återanvänd"
    sekunder: float
    indata: dict[str, str] = field(default_factory=dict)
    parametrar: dict[str, Any] = field(default_factory=dict)
    beskrivning: str = ""

    def manifest(self) -> dict[str, Any]:
        return {
            "nyckel": self.nyckel,
            "status": self.status,
            "sekunder": self.sekunder,
            "innehall": self.innehall,
            "indata": self.indata,
            "parametrar": self.parametrar,
            "filer": self.filer,
        }


@dataclass
class Steg:
    """A step to compute: ``kor(ut)`` writes its outputs into the folder ``ut`` (which it creates)."""

    namn: str
    beskrivning: str
    indata: dict[str, Path | Resultat]
    parametrar: dict[str, Any]
    kor: Callable[[Path], None]


class Steglager:
    """The store under ``<utdata>/steg``. ``hamta_eller_kor`` reuses or computes a step."""

    def __init__(self, rot: Path, kod: dict[str, str]):
        self.rot = Path(rot)
        self.kod = kod
        self.rot.mkdir(parents=True, exist_ok=True)

    def nyckel(self, steg: Steg) -> tuple[str, dict[str, str]]:
        hashes = {k: (v.innehall if isinstance(v, Resultat) else innehall(v)) for k, v in sorted(steg.indata.items())}
        return sha256_json(
            {"steg": steg.namn, "kod": self.kod, "indata": hashes, "parametrar": steg.parametrar}
        ), hashes

    def katalog(self, namn: str, nyckel: str) -> Path:
        return self.rot / namn / nyckel

    def hamta_eller_kor(self, steg: Steg) -> Resultat:
        key, hashes = self.nyckel(steg)
        final = self.katalog(steg.namn, key)
        stored = self._las(final)
        if stored is not None:
            log.info("%s: oförändrat, återanvänds (nyckel %s)", steg.beskrivning, key[:12])
            return Resultat(
                steg.namn,
                key,
                final / "data",
                stored["innehall"],
                stored["filer"],
                "återanvänd",
                0.0,
                hashes,
                steg.parametrar,
                steg.beskrivning,
            )
        log.info("%s: beräknas (nyckel %s)", steg.beskrivning, key[:12])
        t0 = time.perf_counter()
        filer = self.kor_steg(steg, final, key, hashes)
        secs = round(time.perf_counter() - t0, 3)
        log.info("%s: klart på %s s", steg.beskrivning, svenskt_tal(secs, 1))
        return Resultat(
            steg.namn,
            key,
            final / "data",
            innehall_av(filer),
            filer,
            "beräknad",
            secs,
            hashes,
            steg.parametrar,
            steg.beskrivning,
        )

    def kor_steg(self, steg: Steg, final: Path, key: str, hashes: dict[str, str]) -> dict[str, str]:
        """Compute the step into a temporary folder beside its place in the store and move it there when done
        (pipelines.outputs.atomic_output_dir); a failure leaves nothing in the store."""
        if final.exists():  # a damaged entry (see _las): computed again from scratch
            shutil.rmtree(final)
        paths = [v for v in steg.indata.values() if isinstance(v, Path)]
        with atomic_output_dir(final, option=f"steglagret ({steg.namn})", inputs=paths) as tmp:
            steg.kor(tmp / "data")
            if not (tmp / "data").is_dir():
                raise RuntimeError(f"steget {steg.namn} skrev ingen utdata")
            filer = filhashar(tmp / "data")
            meta = {
                "steg": steg.namn,
                "nyckel": key,
                "kod": self.kod,
                "indata": hashes,
                "parametrar": steg.parametrar,
                "filer": filer,
                "innehall": innehall_av(filer),
                "skapad": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            (tmp / "steg.json").write_text(
                json.dumps(meta, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
            )
        return filer

    def _las(self, final: Path) -> dict | None:
        """The stored step's metadata if every recorded output file is there with its recorded sha256."""
        meta_path = final / "steg.json"
        if not meta_path.is_file():
            return None
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            filer = meta["filer"]
            for rel, sha in filer.items():
                p = final / "data" / rel
                if not p.is_file() or sha256_file(p) != sha:
                    log.warning("steglagret: %s är skadad eller ändrad; steget räknas om", p)
                    return None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("steglagret: %s kan inte läsas (%s); steget räknas om", meta_path, exc)
            return None
        return meta

    def stada(self, behall: set[tuple[str, str]]) -> int:
        """Remove stored steps no kept run refers to (``behall`` = {(step, key)}) and the temporary folders killed
        runs left (pipelines.outputs.clean_stale); return how many entries were removed. Only folders of the
        store's own layout are touched."""
        removed = 0
        for step_dir in sorted(p for p in self.rot.iterdir() if p.is_dir()):
            for entry in sorted(step_dir.iterdir()):
                if entry.name.startswith("."):  # .<key>.tmp-… of a killed run (or .old-…)
                    if entry.exists():
                        clean_stale(step_dir / entry.name[1:].split(".", 1)[0])
                        removed += not entry.exists()
                    continue
                if entry.is_dir() and (entry / "steg.json").is_file() and (step_dir.name, entry.name) not in behall:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed


def lanka(kalla: Path, mal: Path) -> None:
    """Put the files of folder ``kalla`` into folder ``mal`` (created if needed; its files must be new): hard links
    (no copy, no extra disk), or copies where the file system does not support them."""
    mal.mkdir(parents=True, exist_ok=True)
    for p in _files(kalla):
        dst = mal / p.relative_to(kalla)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(p, dst)
        except OSError:
            shutil.copy2(p, dst)
