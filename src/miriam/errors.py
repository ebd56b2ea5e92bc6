"""Errors meant for people: each names the file, the row, the column and what was expected."""

from __future__ import annotations


class MiriamError(Exception):
    """A problem with the input or the configuration that a researcher can fix.

    The workflow scripts catch it and print only its message (no traceback), so the message
    must say everything: where (file, row, column) and what was expected.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file, self.row, self.column = file, row, column
        self.expected, self.hint = expected, hint
        super().__init__(self.render())

    def render(self) -> str:
        where = ", ".join(
            part
            for part in (
                f"file {self.file}" if self.file else "",
                f"row {self.row}" if self.row is not None else "",
                f"column '{self.column}'" if self.column else "",
            )
            if part
        )
        text = f"{where}: {self.problem}" if where else self.problem
        if self.expected:
            text += f"; expected {self.expected}"
        if self.hint:
            text += f". {self.hint}"
        return text


class ConfigError(MiriamError):
    """A configuration file is invalid (names the file and the key)."""


class InputError(MiriamError):
    """A raw export is unusable as declared (wrong file, encoding, language, wave...)."""


class DisclosureError(MiriamError):
    """The disclosure audit could recover a withheld value: the build must not publish."""
