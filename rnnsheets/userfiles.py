"""Reading what the user gives (spec, config and roster files, words, names, titles),
with bounded size and errors that name the file."""

from __future__ import annotations

import os
import stat
import tomllib
import unicodedata
from pathlib import Path

from .errors import InputError

#: The largest file rnnsheets reads: far above any real spec, config, roster or build file.
MAX_BYTES = 1_000_000


def read_bytes(path: Path, expected: str, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; a one-line InputError otherwise
    (missing, a folder, a device or pipe that could block or never end, too large)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except IsADirectoryError:
        raise InputError(str(path), f"is a folder, expected {expected}") from None
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(str(path), f"is a folder, expected {expected}")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), f"is not a regular file, expected {expected}")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as e:
        raise InputError(str(path), f"cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(str(path), f"is larger than {limit:,} bytes; expected {expected}")
    return data


def read_text(path: Path, expected: str, encoding: str = "utf-8",
              limit: int = MAX_BYTES) -> str:
    """A text file's content; a one-line InputError if it cannot be used (see read_bytes)
    or is not UTF-8."""
    data = read_bytes(path, expected, limit)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(str(path), f"cannot read: not UTF-8 text (byte 0x{e.object[e.start]:02x} "
                         f"at position {e.start})") from None


def parse_toml(path: Path, text: str) -> dict:
    """TOML text as a dict; syntax errors name the file and the line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        last = text.count("\n") + 1
        where = str(e).replace("(at end of document)", f"(at the end, line {last})")
        raise InputError(str(path), f"not valid TOML: {where}") from None
    except (ValueError, RecursionError) as e:  # e.g. an integer of thousands of digits
        raise InputError(str(path), f"not usable TOML: {str(e)[:80]}") from None


#: Characters a word, name or title may not hold: controls, surrogates, private use,
#: format characters (zero-width, bidi overrides, BOM) and line or paragraph separators.
_REFUSED = {"Cc", "Cs", "Co", "Cf", "Zl", "Zp", "Cn"}


#: Default-ignorable code points (Unicode's DerivedCoreProperties): they print as nothing,
#: so two different words would look the same.
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
              (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
              (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
              (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
              (0xE0000, 0xE0FFF))
#: Zero-width (non-)joiners: part of how Persian, Arabic and Indic names are spelled.
_JOINERS = {"\u200c", "\u200d"}


def clean(where: str, text: str, what: str = "text", longest: int = 200,
          joiners: bool = False) -> str:
    """User text that prints the same in every format, or a one-line InputError: nothing
    invisible, nothing that XML cannot hold, nothing that reorders what follows.
    ``joiners``: allow the zero-width joiners that names in some scripts need."""
    if len(text) > longest:
        raise InputError(where, f"{what} of {len(text)} characters; at most {longest}")
    for c in text:
        cat = unicodedata.category(c)
        if joiners and c in _JOINERS:
            continue
        o = ord(c)
        if (cat in _REFUSED or 0xFDD0 <= o <= 0xFDEF or (o & 0xFFFE) == 0xFFFE
                or any(lo <= o <= hi for lo, hi in _IGNORABLE)):
            name = unicodedata.name(c, "unnamed").lower() if cat != "Cs" else "surrogate"
            raise InputError(where, f"{what} holds the invisible or control character "
                             f"U+{ord(c):04X} ({name}); remove it")
    return text
