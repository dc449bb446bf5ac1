"""Class-set build speed against the floor of two plain pdflatex passes.

Run: .venv/bin/python bench/classset.py [--variants 40] [--repeat 3]

Side by side in one run, best of --repeat each:
  build   `rnnsheets generate --variants N` (combined and per-variant PDFs)
  floor   one plain `pdflatex` pass over each of the two combined .tex files the
          build wrote, one after the other
  no-pdf  `rnnsheets generate --variants 1000 --no-pdf`
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = str(Path(sys.executable).parent / "rnnsheets")
R_EXAMS_PER_VARIANT = 28.6 / 40  # exams2pdf(n = 40, exam + solution), one-question sheet


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.variants
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "build"

        def build() -> None:
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run([EXE, "generate", "--seed", "2024", "--variants", str(n), "--out",
                            str(out), "--quiet"], check=True, capture_output=True)

        def floor() -> None:
            for doc in ("worksheet", "key"):
                subprocess.run(["pdflatex", "-interaction=nonstopmode", f"{doc}.tex"],
                               cwd=plain, check=True, capture_output=True,
                               stdin=subprocess.DEVNULL)

        def no_pdf() -> None:
            subprocess.run([EXE, "generate", "--seed", "2024", "--variants", "1000", "--no-pdf",
                            "--out", str(tmp / "nopdf"), "--quiet", "--force"], check=True,
                           capture_output=True)

        t_build = best(build, args.repeat)
        plain = tmp / "plain"
        plain.mkdir()
        for doc in ("worksheet", "key"):
            shutil.copy(out / f"{doc}.tex", plain)
        t_floor = best(floor, args.repeat)
        t_nopdf = best(no_pdf, args.repeat)
    per = t_build / n
    print(f"build, {n} variants (combined + per-variant PDFs): {t_build:6.2f} s")
    print(f"floor, two plain pdflatex passes:                 {t_floor:6.2f} s")
    print(f"ratio build / floor:                              {t_build / t_floor:6.2f}x")
    print(f"per variant: {per:.3f} s (R/exams reference {R_EXAMS_PER_VARIANT:.3f} s: "
          f"{per / R_EXAMS_PER_VARIANT:.2f} of it)")
    print(f"--no-pdf, 1000 variants:                          {t_nopdf:6.2f} s")


if __name__ == "__main__":
    main()
