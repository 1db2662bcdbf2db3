"""One error hierarchy (engine/errors.py): every exception class of the runtime packages is an UtjamningError, and
the command line turns exactly the InputErrors into exit status 2."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from engine.errors import InputError, UtjamningError

PACKAGES = ("engine", "geo", "pipelines")


def _exception_classes():
    """Every exception class defined in a module of the runtime packages (not merely imported there)."""
    found = {}
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{name}."):
            if info.name == "pipelines.run":  # the stdlib-only bootstrap defines none
                continue
            module = importlib.import_module(info.name)
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name:
                    found[f"{info.name}.{obj.__qualname__}"] = obj
    return found


CLASSES = _exception_classes()


def test_the_packages_define_the_known_error_classes():
    names = {n.rsplit(".", 1)[1] for n in CLASSES}
    assert {
        "ParameterError",
        "IndataError",
        "RegisterError",
        "SaknadIndata",
        "EjTillganglig",
        "GridInputError",
        "MeasureInputError",
        "KernelInputError",
        "DefinitionError",
        "OutputPathError",
        "InputPathError",
        "ForklaraError",
    } <= names


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_every_error_class_joins_the_hierarchy(name):
    cls = CLASSES[name]
    assert issubclass(cls, UtjamningError), f"{name} must derive from engine.errors.UtjamningError"
    if getattr(cls, "is_input_error", False):
        assert issubclass(cls, InputError), f"{name} says it is an input error but is no InputError"


def test_the_cli_maps_input_errors_to_2_and_other_errors_to_3(monkeypatch, capsys, tmp_path):
    from pipelines import cli

    def boom(exc):
        def run(args):
            raise exc

        return run

    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    parser = cli.build_parser

    def patched(exc):
        def build():
            p = parser()
            p.set_defaults(func=boom(exc))
            for sub in p._subparsers._group_actions[0].choices.values():
                sub.set_defaults(func=boom(exc))
            return p

        return build

    monkeypatch.setattr(cli, "build_parser", patched(InputError("kolumn 'x' saknas")))
    assert cli.main(["forklara", "--kommun", "0114", "--indata", str(tmp_path)]) == 2
    assert "kolumn 'x' saknas" in capsys.readouterr().err
    monkeypatch.setattr(cli, "build_parser", patched(KeyError("oväntat")))
    assert cli.main(["forklara", "--kommun", "0114", "--indata", str(tmp_path)]) == 3
