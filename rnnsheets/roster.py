"""Class rosters: a CSV file with a header row and columns id and name."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .errors import InputError
from .userfiles import clean, read_text

#: Ids become folder names (variants/<id>/), so they are kept to safe characters.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def read_roster(path: Path) -> list[tuple[str, str]]:
    """(id, name) for each student row, in file order; errors name the file, row and column."""
    path = Path(path)
    text = read_text(path, "a CSV file", encoding="utf-8-sig")
    try:  # csv splits rows only at line ends, not at U+2028 or U+0085 inside a name
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as e:
        raise InputError(str(path), f"not valid CSV: {e}") from None
    if not rows:
        raise InputError(str(path), "empty file; expected a header row with columns id and name")
    header = [h.strip().lower() for h in rows[0]]
    if "id" not in header:
        raise InputError(f"{path}: header", f"no id column (found: {', '.join(rows[0])}); "
                         "expected columns id and name")
    i_id = header.index("id")
    i_name = header.index("name") if "name" in header else None
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        sid = row[i_id].strip() if i_id < len(row) else ""
        if not _SAFE_ID.match(sid):
            raise InputError(f"{path}: row {n}, column id", f"expected letters, digits, '.', "
                             f"'_' or '-' (at most 64, starting with a letter or digit), "
                             f"found {sid!r}")
        if sid in seen:
            raise InputError(f"{path}: row {n}, column id",
                             f"duplicate id {sid!r} (first on row {seen[sid]})")
        seen[sid] = n
        name = row[i_name].strip() if i_name is not None and i_name < len(row) else ""
        clean(f"{path}: row {n}, column name", name, "a name", longest=200, joiners=True)
        out.append((sid, name))
    if not out:
        raise InputError(str(path), "no students: expected a row per student after the header")
    return out
