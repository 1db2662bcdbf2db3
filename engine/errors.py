"""The tool's error hierarchy: every error it raises on purpose is an :class:`UtjamningError`.

    UtjamningError
    ├── InputError            bad input, usage, rule set, reform or output path — the user can fix it: the command
    │   │                     prints the message (Swedish, naming file, row, kommun, column or option) and exits 2
    │   ├── engine: ParameterError, IndataError, RegisterError, SaknadIndata, IngenLosning (bidrag: the
    │   │           införande rules have no solution for these inputs)
    │   ├── geo: GridInputError, MeasureInputError (IndexInputError), KernelInputError, DefinitionError
    │   └── pipelines: OutputPathError, InputPathError, ForklaraError
    └── EjTillganglig          a rule set lacks an element (the seeds do not give it): the component is reported "ej
                               tillgänglig", never guessed; SaknadIndata is also one (a missing input variable)

Anything else that escapes a command is a bug (exit 3). The module imports nothing, so every package (``geo``
included) can share it.
"""

from __future__ import annotations


class UtjamningError(Exception):
    """Base of every error the tool raises on purpose."""


class InputError(UtjamningError, ValueError):
    """Bad input or usage: one message for the user, exit status 2, nothing written.

    ``is_input_error`` stays for code that tests the older attribute convention."""

    is_input_error = True
