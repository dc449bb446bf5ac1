"""Errors shown to the user as one clean line (the CLI turns them into exit status 2)."""


class RnnsheetsError(Exception):
    """A problem the user can fix: bad input, a missing tool, a failed build."""

    exit_code = 2


def printable(text: str) -> str:
    """Text for one line of a terminal: control, format and separator characters (escape
    sequences, line breaks, bidi overrides) shown as escapes instead."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class InputError(RnnsheetsError):
    """Bad input: names where (file, field) and what was expected, on one line."""

    def __init__(self, where: str, message: str) -> None:
        self.where = printable(where)
        self.message = printable(message)
        super().__init__(f"{self.where}: {self.message}" if where else self.message)


class BuildError(RnnsheetsError):
    """The PDF build failed or could not run."""
