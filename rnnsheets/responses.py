"""Students' answers in and out: the response template a build writes, and the response
files ``grade`` reads (CSV typed from paper, or the JSON that sheet.html downloads).

A column (and a JSON key) names one answer entry: ``p<part>:<entry>``, the entry id of
answers.json without its variant (``p1:h_0[1]``, ``p2:T[2][1]``); a JSON file may give
the full id (``42-7:p1:h_0[1]``) too.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .entries import flatten
from .errors import InputError
from .formats.common import entry_label
from .sheet import Variant
from .userfiles import read_bytes

TEMPLATE = "responses-template.csv"
#: The largest response file read (a class of 5000 with every entry typed is far below).
MAX_BYTES = 100_000_000
#: The first characters that make a spreadsheet read a cell as a formula.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One answer entry a variant asks: its column, part, and where it stands in the
    exercise's answers (``path``) and among its answers asked (``name``)."""

    id: str  # p1:h_0[1]
    part: int
    path: str  # its label in the exercise's answers and policy: h_0[1], expansions[0].n_terms
    name: str  # the asked answer's name with its index: h_0[1], n_terms_3
    question: str  # the question asking it: step_0
    label: str  # the answer's label (LaTeX) with the index, as the sheet shows it
    item: str = ""  # the question's letter on the sheet: (b)


def columns(variant: Variant) -> list[Column]:
    """Every answer entry a variant asks, in sheet order."""
    out = []
    for part, questions in enumerate(variant.questions(), start=1):
        for i, q in enumerate(questions):
            for a in q.answers:
                for suffix, _ in flatten(a.value):
                    out.append(Column(f"p{part}:{a.name}{suffix}", part, a.path + suffix,
                                      a.name + suffix, q.id, entry_label(a, suffix),
                                      f"({chr(ord('a') + i)})"))
    return out


def text_cell(text: str) -> str:
    """User text for a CSV cell, kept from being read as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(rows: Sequence[Sequence[object]]) -> bytes:
    """Rows as CSV (numbers as they are, text as given: neutralise it with text_cell)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def row_columns(variant: Variant) -> tuple[str, str, list[str]]:
    """A variant's row of the template: its id, its name and the ids of its columns."""
    return variant.id, variant.name, [c.id for c in columns(variant)]


def template(variants: Sequence[Variant], made: dict | None = None) -> bytes:
    """responses-template.csv: id, name, then a column per answer entry (every variant's,
    in sheet order), a row per variant with its id and name filled in. (``made``: rows
    :func:`row_columns` made already, keyed by ("columns", index).)"""
    made = made or {}
    rows_of = [made.get(("columns", i)) or row_columns(variants[i])
               for i in range(len(variants))]
    ids = list(dict.fromkeys(c for _, _, cols in rows_of for c in cols))
    rows: list[list[object]] = [["id", "name", *ids]]
    rows += [[text_cell(vid), text_cell(name), *([""] * len(ids))] for vid, name, _ in rows_of]
    return to_csv(rows)


# --- reading ----------------------------------------------------------------------------


@dataclass
class Response:
    """What one student handed in: the variant named, and each cell as typed (None: the
    file has no such column)."""

    source: str  # file, and row for CSV
    variant: str  # as written: a variant id or code
    name: str
    cells: dict[str, str]  # column id -> text typed


@dataclass
class Reading:
    """Every response read, and what could not be used, one line each."""

    responses: list[Response] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, set[str]] = field(default_factory=dict)  # source file -> columns given


def read(paths: Sequence[Path], known: set[str]) -> Reading:
    """Responses from CSV and JSON files (by their content: JSON starts with ``{`` or
    ``[``). ``known``: every column id of the build, so unknown ones are named."""
    out = Reading()
    for path in paths:
        data = read_bytes(Path(path), "a CSV or JSON file of answers", MAX_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(str(path), f"cannot read: not UTF-8 text (byte "
                             f"0x{e.object[e.start]:02x} at position {e.start})") from None
        if text.lstrip().startswith(("{", "[")):
            _read_json(Path(path), text, known, out)
        else:
            _read_csv(Path(path), text, known, out)
    return out


def _read_csv(path: Path, text: str, known: set[str], out: Reading) -> None:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # a spreadsheet's own list separator
    try:  # csv splits rows only at line ends, not at U+2028 or U+0085 inside a cell
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as e:
        raise InputError(str(path), f"not valid CSV: {e}") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError(str(path), "empty file; expected a header row: id, name, then a "
                         f"column per answer (see {TEMPLATE})")
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    if "id" not in lower:
        raise InputError(f"{path}: header", f"no id column (found: {', '.join(header[:5])}"
                         f"{', ...' if len(header) > 5 else ''}); expected id, name, then a "
                         f"column per answer (see {TEMPLATE})")
    i_id, i_name = lower.index("id"), lower.index("name") if "name" in lower else None
    entries = {i: h for i, h in enumerate(header) if i not in (i_id, i_name) and h}
    if not any(h in known for h in entries.values()):
        raise InputError(f"{path}: header", "no column names an answer of this build; expected "
                         f"columns such as {min(known, default='p1:h_0[0]')} (see {TEMPLATE})")
    for h in entries.values():
        if h not in known:
            out.notes.append(f"{path}: column {h!r}: no such answer in this build; ignored")
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h in seen and i in entries:
            out.notes.append(f"{path}: column {h!r} appears twice; the first is read")
        seen.setdefault(h, i)
    given = {h for h in entries.values() if h in known}
    out.columns[str(path)] = given
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        ident = row[i_id].strip() if i_id < len(row) else ""
        name = row[i_name].strip() if i_name is not None and i_name < len(row) else ""
        cells = {h: (row[seen[h]] if seen[h] < len(row) else "") for h in given}
        out.responses.append(Response(f"{path}: row {n}", ident, name, cells))


def _read_json(path: Path, text: str, known: set[str], out: Reading) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(str(path), f"not valid JSON at line {e.lineno}: {e.msg}") from None
    except (ValueError, RecursionError) as e:
        raise InputError(str(path), f"not usable JSON: {str(e)[:80]}") from None
    items = doc if isinstance(doc, list) else [doc]
    for n, item in enumerate(items):
        where = f"{path}: [{n}]" if isinstance(doc, list) else str(path)
        if not isinstance(item, dict):
            raise InputError(where, "expected an object with variant and answers (as "
                             "sheet.html's Download my answers writes it)")
        variant = item.get("variant")
        if not isinstance(variant, str) or not variant.strip():
            raise InputError(f"{where}: variant", "expected the variant's id (text)")
        answers = item.get("answers")
        if not isinstance(answers, dict):
            raise InputError(f"{where}: answers", "expected an object of entry id: answer "
                             "typed")
        name = item.get("name", "")
        cells: dict[str, str] = {}
        for key, value in answers.items():
            col = _column(key)
            if col not in known:
                out.notes.append(f"{where}: answers: {key!r}: no such answer in this build; "
                                 "ignored")
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                value = "" if value is None else json.dumps(value)[:40]
            cells[col] = value if isinstance(value, str) else repr(value)
        out.columns[where] = set(cells)
        out.responses.append(Response(where, variant.strip(),
                                      name if isinstance(name, str) else "", cells))


def _column(key: str) -> str:
    """A JSON answer key as a column id: ``<variant code>:p1:h_0[1]`` or ``p1:h_0[1]``
    (an entry's name holds no colon)."""
    return ":".join(str(key).split(":")[-2:])
