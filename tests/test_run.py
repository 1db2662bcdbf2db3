"""The README's first command on a machine that cannot make the virtual environment: a Swedish message naming the
cause and the fix, status 2, no traceback (pipelines/run.py; the real venv and pip are replaced)."""

from __future__ import annotations

import subprocess

import pytest

from pipelines import run


@pytest.fixture
def ny_venv(tmp_path, monkeypatch):
    v = tmp_path / ".venv"
    monkeypatch.setattr(run, "VENV", v)
    monkeypatch.setattr(run, "STAMP", v / ".utjamning-stamp")
    return v


def _python():
    """The environment's python as venv leaves it before pip is installed."""
    py = run._venv_python()
    py.parent.mkdir(parents=True)
    py.write_text("")


def test_missing_python3_venv_names_the_debian_package_and_exits_2(ny_venv, monkeypatch, capsys):
    def create(self, env_dir):  # what Debian's python3 without python3-venv does: ensurepip fails
        _python()
        raise subprocess.CalledProcessError(1, [str(run._venv_python()), "-m", "ensurepip"])

    monkeypatch.setattr(run.venv.EnvBuilder, "create", create)
    with pytest.raises(SystemExit) as exit_:
        run.main(["setup"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "kunde inte skapas (ensurepip avslutades med status 1)" in err
    assert "installera paketet python3-venv" in err and "Traceback" not in err
    assert not ny_venv.exists()  # the half-made environment is gone: the next call starts over


def test_a_failing_pip_names_requirements_lock_and_exits_2(ny_venv, monkeypatch, capsys):
    _python()
    calls = []

    def fake_run(cmd, check=False, **kw):
        calls.append(cmd)
        raise subprocess.CalledProcessError(1, cmd)

    monkeypatch.setattr(run.subprocess, "run", fake_run)
    with pytest.raises(SystemExit) as exit_:
        run.main(["test"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "pip kunde inte installera requirements.lock: pip avslutades med status 1" in err
    assert "Traceback" not in err
    assert len(calls) == 1 and calls[0][-2:] == ["-r", str(run.ROOT / "requirements.lock")]
    assert not run.STAMP.exists()  # not marked as set up: the next call tries again


def test_pip_that_cannot_start_exits_2(ny_venv, monkeypatch, capsys):
    monkeypatch.setattr(run.venv.EnvBuilder, "create", lambda self, env_dir: None)

    def fake_run(cmd, check=False, **kw):
        raise FileNotFoundError(2, "No such file or directory", cmd[0])

    monkeypatch.setattr(run.subprocess, "run", fake_run)
    with pytest.raises(SystemExit) as exit_:
        run.ensure_env()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "pip kunde inte installera requirements.lock" in err and "kunde inte startas" in err
