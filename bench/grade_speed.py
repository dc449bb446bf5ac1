"""How long `rnnsheets grade` takes on a class of 1,000 students (the goal: under 5 s).

Run: .venv/bin/python bench/grade_speed.py [--students 1000] [--repeat 3]

Builds a class set of one variant per student (the four-part activity, --no-pdf) in a
temporary folder, fills in its responses-template.csv as a class does: half of the
students right, a quarter rounding to 4 decimals, a fifth with one wrong number (so
follow-through and every misconception of that part are tried), the rest typing some
garbage; then times the whole command (a new process each run: Python's start, the
reading, the marking, the pages and the plots), best of --repeat.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rnnsheets.grade.key import load

EXE = str(Path(sys.executable).parent / "rnnsheets")


def responses(build: Path, path: Path, seed: int = 1) -> None:
    """A class's answers, typed into the build's responses-template.csv."""
    rng = random.Random(seed)
    _, sheets = load(build)
    with open(build / "responses-template.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    rows = [header]
    for i, s in enumerate(sheets):
        cells = {e.column.id: e.key for p in s.parts for e in p.entries}
        kind = i % 20
        if 10 <= kind < 15:
            cells = {c: round(float(v), 4) for c, v in cells.items()}
        elif 15 <= kind < 19:
            c = rng.choice(list(cells))
            cells[c] = float(cells[c]) + 0.3
        elif kind == 19:
            c = rng.choice(list(cells))
            cells[c] = "abc"
        rows.append([s.id, f"Student {s.id}", *(cells.get(c, "") for c in header[2:])])
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "build"
        subprocess.run([EXE, "generate", "--seed", "2024", "--variants", str(args.students),
                        "--format", "tex", "--no-pdf", "--out", str(build), "--quiet"],
                       check=True, capture_output=True)
        answers = Path(tmp) / "class.csv"
        responses(build, answers)
        times = []
        for _ in range(args.repeat):
            shutil.rmtree(build / "grading", ignore_errors=True)
            start = time.perf_counter()
            subprocess.run([EXE, "grade", str(build), str(answers)], check=True,
                           capture_output=True)
            times.append(time.perf_counter() - start)
    best = min(times)
    print(f"rnnsheets grade, {args.students} students: best {best:.2f} s, "
          f"median {sorted(times)[len(times) // 2]:.2f} s (goal: under 5 s)")


if __name__ == "__main__":
    main()
