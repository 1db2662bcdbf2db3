"""Self-setting-up entry point used by the README's two commands (standard library only).

    python3 -m pipelines.run demo   # create/refresh .venv from requirements.lock, run the demo end to end
    python3 -m pipelines.run test   # create/refresh .venv from requirements.lock, lint (ruff), run the test suite

``test`` runs ``ruff check`` and ``ruff format --check`` (configured in pyproject.toml) before pytest; a lint or
format finding fails the command before the tests run (``ruff format .`` and ``ruff check --fix .`` mend most).
Arguments after ``test`` go to pytest.

The virtualenv is rebuilt only when requirements.lock or pyproject.toml change (a stamp file holds
their hash), so repeated calls are cheap and idempotent. When it cannot be made (Debian without python3-venv) or pip
cannot install into it, the command says why and what to do, in Swedish, and exits with status 2.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".utjamning-stamp"
ANVANDNING = """\
användning:
    python3 -m pipelines.run demo   # skapar .venv (låsta versioner) och kör demon från början till slut → out/demo
    python3 -m pipelines.run test   # skapar .venv, granskar koden (ruff) och kör testerna; argument efter test går
                                    # till pytest
    python3 -m pipelines.run setup  # bara .venv"""


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _wanted_stamp() -> str:
    h = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def _setup_fel(text: str) -> NoReturn:
    """A setup problem the user can mend: one Swedish message naming the cause and the fix, exit 2, no traceback."""
    print(f"[setup] {text}", file=sys.stderr, flush=True)
    sys.exit(2)


def _skapa_venv() -> None:
    print(f"[setup] skapar den virtuella miljön {VENV}", flush=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(VENV, ignore_errors=True)  # half made (python without pip): the next call starts over
        orsak = f"ensurepip avslutades med status {exc.returncode}" if hasattr(exc, "returncode") else str(exc)
        _setup_fel(
            f"den virtuella miljön {VENV} kunde inte skapas ({orsak}). Pythons venv/ensurepip saknas: på "
            f"Debian och Ubuntu installera paketet python3-venv (sudo apt-get install python3-venv) och kör "
            f"kommandot igen."
        )


def _pip(py: Path, args: list[str], vad: str) -> None:
    cmd = [str(py), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    try:
        subprocess.run(cmd, check=True)
    except subprocess.CalledProcessError as exc:
        _setup_fel(
            f"pip kunde inte installera {vad}: pip avslutades med status {exc.returncode} (pip:s meddelande står "
            f"ovan). Kontrollera nätverket och att pakethanteraren (PyPI) nås, och kör kommandot igen."
        )
    except OSError as exc:
        _setup_fel(
            f"pip kunde inte installera {vad}: {py} kunde inte startas ({exc}). Ta bort mappen {VENV} och kör "
            f"kommandot igen."
        )


def ensure_env() -> Path:
    """Create the virtualenv and install the pinned tree plus this project (editable). A failure to create it or to
    install into it ends with a Swedish message naming the cause and the fix, status 2."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py is started by whatever python3 the user has
        sys.exit(f"utjamning kräver Python 3.11 eller senare; detta är {sys.version.split()[0]}")
    py = _venv_python()
    want = _wanted_stamp()
    if py.exists() and STAMP.exists() and STAMP.read_text() == want:
        return py
    if not py.exists():
        _skapa_venv()
    print("[setup] installerar de låsta beroendena (requirements.lock)", flush=True)
    _pip(py, ["install", "-r", str(ROOT / "requirements.lock")], "requirements.lock")
    _pip(py, ["install", "--no-deps", "-e", str(ROOT)], f"projektet ({ROOT})")
    STAMP.write_text(want)
    return py


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in {"demo", "test", "setup"}:
        print(ANVANDNING)
        return 2
    what, rest = argv[0], argv[1:]
    py = ensure_env()
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    if what == "setup":
        return 0
    if what == "test":
        for lint in (["check", "--quiet", "."], ["format", "--check", "--quiet", "--output-format", "concise", "."]):
            rc = subprocess.run([str(py), "-m", "ruff", *lint], cwd=ROOT, env=env).returncode
            if rc != 0:
                print(
                    f"[test] ruff {lint[0]} misslyckades (status {rc}): rätta det som anges ovan och kör testerna igen",
                    file=sys.stderr,
                    flush=True,
                )
                return rc
        cmd = [str(py), "-m", "pytest", "-q", *rest]
    else:
        cmd = [str(py), "-m", "pipelines.cli", "demo", *rest]
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
