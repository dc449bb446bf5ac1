"""Reading the user's files (specs, configs, rosters) with errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import InputError


def read_text(path: Path, expected: str, encoding: str = "utf-8") -> str:
    """A text file's content; a one-line InputError if it is missing, a folder or not UTF-8."""
    path = Path(path)
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), f"is a folder, expected {expected}") from None
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"cannot read: not UTF-8 text (byte 0x{e.object[e.start]:02x} "
                         f"at position {e.start})") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None


def parse_toml(path: Path, text: str) -> dict:
    """TOML text as a dict; syntax errors name the file and the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        last = text.count("\n") + 1
        where = str(e).replace("(at end of document)", f"(at the end, line {last})")
        raise InputError(str(path), f"not valid TOML: {where}") from None
