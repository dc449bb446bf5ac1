"""Letters beyond Latin: the script each belongs to and the font that prints it.

pdfLaTeX's T1 fonts print Latin letters only. Text with other letters is cut into runs
of one script, each printed as ``\\rnnscript{<font>}{<letters>}``; a document holding
any such run is typeset by LuaLaTeX with the distribution's Noto fonts (see
``templates/sheet.tex.j2``), and documents without one stay on pdfLaTeX at its speed.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator

#: Debian/Ubuntu packages that LuaLaTeX documents need on top of pdfLaTeX's.
PACKAGES = "texlive-luatex fonts-noto-core fonts-noto-cjk"

#: Marks a LaTeX source that needs LuaLaTeX (TeXstudio, Overleaf and latexmk read it too).
LUALATEX = "% !TeX program = lualatex\n"

#: Code point ranges and their script; Han is settled per text (Chinese, Japanese, Korean).
_RANGES = sorted([
    (0x0100, 0x024F, "serif"), (0x0250, 0x02AF, "serif"), (0x0300, 0x036F, "serif"),
    (0x0370, 0x03FF, "serif"), (0x0400, 0x052F, "serif"), (0x1C80, 0x1C8F, "serif"),
    (0x1E00, 0x1EFF, "serif"), (0x1F00, 0x1FFF, "serif"), (0x2C60, 0x2C7F, "serif"),
    (0x2DE0, 0x2DFF, "serif"), (0xA640, 0xA69F, "serif"), (0xA720, 0xA7FF, "serif"),
    (0x0590, 0x05FF, "hebrew"), (0xFB1D, 0xFB4F, "hebrew"),
    (0x0600, 0x06FF, "arabic"), (0x0750, 0x077F, "arabic"), (0x08A0, 0x08FF, "arabic"),
    (0xFB50, 0xFDFF, "arabic"), (0xFE70, 0xFEFF, "arabic"),
    (0x0900, 0x097F, "devanagari"), (0xA8E0, 0xA8FF, "devanagari"),
    (0x0E00, 0x0E7F, "thai"),
    (0x1100, 0x11FF, "hangul"), (0x3130, 0x318F, "hangul"), (0xA960, 0xA97F, "hangul"),
    (0xAC00, 0xD7AF, "hangul"), (0xD7B0, 0xD7FF, "hangul"),
    (0x3040, 0x30FF, "kana"), (0x31F0, 0x31FF, "kana"), (0xFF65, 0xFF9F, "kana"),
    (0x2E80, 0x2FDF, "han"), (0x3000, 0x303F, "han"), (0x3100, 0x312F, "han"),
    (0x3190, 0x31EF, "han"), (0x3200, 0x33FF, "han"), (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"), (0xF900, 0xFAFF, "han"), (0xFE30, 0xFE4F, "han"),
    (0xFF00, 0xFF64, "han"), (0xFFA0, 0xFFEF, "han"), (0x20000, 0x3134F, "han"),
])
_STARTS = [r[0] for r in _RANGES]

#: Scripts written right to left.
RTL = frozenset({"arabic", "hebrew"})
#: Digits (European and Arabic-Indic) and what joins them in a number; inside
#: right-to-left text a number still reads left to right.
_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
NUMBER = re.compile(f"[{_DIGIT}]+(?:[.,:/-][{_DIGIT}]+)*")
#: Fonts of scripts written without spaces, where a line may break between any two of
#: their ideographs or kana.
UNSPACED = frozenset({"cjksc", "cjkjp"})
IDEOGRAPHIC = frozenset({"han", "kana"})


def script(char: str) -> str | None:
    """The script of one character, or None outside the table."""
    i = bisect.bisect_right(_STARTS, ord(char)) - 1
    if i >= 0 and ord(char) <= _RANGES[i][1]:
        return _RANGES[i][2]
    return None


def font(name: str, text: str) -> str:
    """The font key of a script in this text: Han, kana and Hangul share the CJK fonts,
    Japanese where the text has kana, Korean where it has Hangul, else Chinese."""
    if name in ("han", "kana", "hangul"):
        scripts = {script(c) for c in text}
        return "cjkjp" if "kana" in scripts else "cjkkr" if "hangul" in scripts else "cjksc"
    return name


def runs(text: str, plain) -> Iterator[tuple[str | None, str]]:
    """``(font, piece)`` runs of ``text``: font None for what ``plain(char)`` says the
    base fonts print. A word that needs the serif font (Greek, Cyrillic, rare Latin
    letters) is set in it whole, so its letters match; spaces and marks between two
    runs of one script stay in that run, so right-to-left phrases read in order."""
    words = []  # (font or None, word) for words and the spaces between them
    for word in _split(text):
        if word.isspace():
            words.append((" ", word))
            continue
        keys = [None if plain(c) else font(script(c) or "missing", text) for c in word]
        if "serif" in keys and all(k in (None, "serif") for k in keys):
            words.append(("serif", word))
            continue
        if all(k is None for k in keys):
            words.append((None, word))
            continue
        # Characters the base fonts print, and combining marks, join the run before them.
        last = None
        for c, k in zip(word, keys, strict=True):
            if last not in (None, "missing") and (k is None or unicodedata.combining(c)):
                k = last
            words.append((k, c))
            last = k
    for i, (k, piece) in enumerate(words):  # numbers between right-to-left words join them
        if k is None and NUMBER.fullmatch(piece):
            before = next((w[0] for w in reversed(words[:i]) if w[0] not in (" ", None)), None)
            after = next((w[0] for w in words[i + 1:] if w[0] not in (" ", None)), None)
            if before in RTL and before == after:
                words[i] = (before, piece)
    merged: list[list] = []
    for i, (k, piece) in enumerate(words):
        if k == " ":  # a space belongs to a run only if the same script goes on after it
            before = merged[-1][0] if merged else None
            after = next((w[0] for w in words[i + 1:] if w[0] != " "), None)
            k = before if before not in (None, "missing") and before == after else None
        if merged and merged[-1][0] == k and k != "missing":
            merged[-1][1] += piece
        else:
            merged.append([k, piece])
    yield from ((k, piece) for k, piece in merged)


def _split(text: str) -> Iterator[str]:
    """Words and the runs of spaces between them."""
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or text[i].isspace() != text[start].isspace():
            yield text[start:i]
            start = i
