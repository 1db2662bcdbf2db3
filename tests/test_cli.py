"""The command line (pipelines/cli.py): exit codes, -q/-v/--version, no traceback for a user (issue 9)."""

from __future__ import annotations

import pytest

from pipelines import cli


def _boom(args):
    raise RuntimeError("oväntat")


def test_an_internal_error_is_exit_3_with_a_short_message_and_a_log(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["forklara"].set_defaults(func=_boom)
    rc = cli.main(["forklara", "--kommun", "0127", "--indata", str(tmp_path)])
    err = capsys.readouterr().err
    assert rc == 3 and "internt fel (RuntimeError: oväntat)" in err and "Traceback" not in err
    logs = list(tmp_path.glob("utjamning-fel-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err and "Traceback" in logs[0].read_text(encoding="utf-8")
    rc = cli.main(["-v", "forklara", "--kommun", "0127", "--indata", str(tmp_path)])
    assert rc == 3 and "Traceback" in capsys.readouterr().err


def test_an_input_error_is_exit_2_and_an_environment_error_too(monkeypatch, tmp_path, capsys):
    rc = cli.main(
        [
            "berakna",
            "--ar",
            "2024",
            "--regelverk",
            "sou2024",
            "--indata",
            str(tmp_path / "nej"),
            "--ut",
            str(tmp_path / "ut"),
        ]
    )
    assert rc == 2 and capsys.readouterr().err.startswith("utjamning berakna: indata finns inte: --indata")

    def full(args):
        raise OSError(28, "No space left on device", str(tmp_path / "ut"))

    parser = cli.build_parser()
    parser._subparsers._group_actions[0].choices["forklara"].set_defaults(func=full)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    assert cli.main(["forklara", "--kommun", "0127", "--indata", str(tmp_path)]) == 2
    assert "utjamning forklara:" in capsys.readouterr().err


def test_version_help_and_usage_errors(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("utjamning ")
    with pytest.raises(SystemExit) as e:
        cli.main(["berakna", "--help"])
    assert e.value.code == 0 and "2  fel i anrop eller indata" in capsys.readouterr().out
    for argv in (
        ["gleshet", "--grid", "g", "--out", "o", "--chunk-size", "0"],
        ["berakna", "--ar", "2024", "--regelverk", "/tmp/sou2024", "--indata", "i", "--ut", "u"],
        ["berakna", "--ar", "3024", "--regelverk", "sou2024", "--indata", "i", "--ut", "u"],
    ):
        with pytest.raises(SystemExit) as e:
            cli.main(argv)
        assert e.value.code == 2
    assert "ange regelverkets namn, inte en sökväg" in capsys.readouterr().err


def test_quiet_and_verbose_go_before_or_after_the_command():
    p = cli.build_parser()
    a = p.parse_args(["-q", "gleshet", "--grid", "g", "--out", "o"])
    assert a.global_quiet and not a.quiet  # gleshet's own -q is left as it is
    a = p.parse_args(["berakna", "--ar", "2024", "--regelverk", "2024", "--indata", "i", "--ut", "u", "-v"])
    assert a.verbose and not a.global_verbose
