"""How long `rnnsheets check` takes on a 100-variant build.

Run: .venv/bin/python bench/check_speed.py [--variants 100]

Builds the class set once (answers.json, both .tex files and both PDFs) in a
temporary folder, then times the check of it and, side by side in the same
run, a check of a one-variant build, and prints both with their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from rnnsheets.check import check
from rnnsheets.generate import build_files, draw_all, make_request
from rnnsheets.output import publish


def build(folder: Path, n: int) -> None:
    req = make_request(2024)
    req.variant_ids = tuple(str(i) for i in range(1, n + 1))
    publish(folder, build_files(req, draw_all(req)))


def timed(folder: Path, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        report = check(folder)
        best = min(best, time.perf_counter() - start)
        assert report.ok, report.problems[:3]
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=100)
    n = ap.parse_args().variants
    with tempfile.TemporaryDirectory() as tmp:
        big, one = Path(tmp) / "big", Path(tmp) / "one"
        build(big, n)
        build(one, 1)
        t_big, t_one = timed(big), timed(one)
    print(f"check, {n} variants: {t_big:.2f} s ({t_big / n * 1000:.1f} ms per variant)")
    print(f"check, 1 variant:    {t_one:.3f} s")
    print(f"ratio: {t_big / t_one:.1f}x for {n}x the variants")


if __name__ == "__main__":
    main()
