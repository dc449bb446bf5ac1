"""Errors shown to the user as one clean line (the CLI turns them into exit status 2)."""


class RnnsheetsError(Exception):
    """A problem the user can fix: bad input, a missing tool, a failed build."""

    exit_code = 2


class InputError(RnnsheetsError):
    """Bad input: names where (file, field) and what was expected."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)


class BuildError(RnnsheetsError):
    """The PDF build failed or could not run."""
