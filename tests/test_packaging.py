"""A package that installs anywhere (issue 12): the wheel carries the code packages and data/ (as the package
utjamning_data), and an installed copy computes the same as the source tree, from another directory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ("engine", "geo", "pipelines", "utjamning")


def test_the_wheel_lists_every_code_package_and_the_data():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in CODE for p in (ROOT / top).rglob("__init__.py")}
    assert set(conf["packages"]) == found | {"utjamning_data"}
    assert conf["package-dir"] == {"utjamning_data": "data"} and (ROOT / "data" / "__init__.py").is_file()
    from engine.paths import DATA

    assert (DATA / "regelverk" / "sou2024" / "lag.yaml").is_file()


def _source_copy(dest: Path) -> Path:
    """The files a wheel is built from (no .venv, no outputs, no caches)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in (*CODE, "data"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.slow
def test_a_built_wheel_installed_elsewhere_runs_berakna_on_the_demo_inputs(tmp_path):
    """Build the wheel offline, install it with --no-deps into a fresh virtualenv that reuses this environment's
    installed dependencies (a .pth file, not the source tree), and run `utjamning berakna` from an unrelated
    directory: the installed code and data are used, and the results equal the source tree's."""
    src = _source_copy(tmp_path / "src")
    dist = tmp_path / "dist"
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(dist),
            str(src),
        ],
        cwd=tmp_path,
        **run,
    )
    (wheel,) = dist.glob("utjamning-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], **run)
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], **run
        ).stdout.strip()
    )
    (site / "projektets_beroenden.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        **run,
    )

    work = tmp_path / "annanstans"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    where = subprocess.run(
        [str(py), "-c", "import engine, engine.paths as p; print(engine.__file__); print(p.DATA)"],
        cwd=work,
        env=env,
        **run,
    ).stdout.split()
    assert all(Path(w).is_relative_to(site) for w in where), where  # the installed copy, not the sources
    assert Path(where[1]).name == "utjamning_data"
    subprocess.run(
        [str(py), "-c", "from pipelines.demo_indata import write_demo_inputs; write_demo_inputs('indata', 2024)"],
        cwd=work,
        env=env,
        **run,
    )
    cli = venv / ("Scripts/utjamning.exe" if os.name == "nt" else "bin/utjamning")
    p = subprocess.run(
        [str(cli), "-q", "berakna", "--ar", "2024", "--regelverk", "sou2024", "--indata", "indata", "--ut", "ut"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    assert {"kommuner.csv", "regioner.csv", "sammanfattning.csv", "utjamning.xlsx", "manifest.json"} <= {
        f.name for f in (work / "ut").iterdir()
    }

    from engine.indata import load_indata
    from engine.model import berakna, build_ctx, to_frames
    from engine.params import load_params

    ctx = build_ctx(load_indata(work / "indata", "sou2024", 2024), load_params("sou2024", ar=2024))
    ref = to_frames(ctx, berakna(ctx))["kommun"].sort_index()
    got = pd.read_parquet(work / "ut" / "kommuner.parquet")
    assert list(got.columns) == list(ref.columns)
    pd.testing.assert_frame_equal(got, ref, check_exact=True, check_names=False)
