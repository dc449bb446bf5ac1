"""Class-set build speed against the floor of plain pdflatex runs, side by side.

Run: .venv/bin/python bench/classset.py [--sizes 10,40,160,500] [--rounds 3]

For each class-set size N, in paired rounds (build, floors, build, floors, ...):
  build     `rnnsheets generate --variants N`: combined and per-variant PDFs
  parallel  the parallel floor: one plain `pdflatex` run over each of the two combined
            .tex files the build wrote, both started at once
  serial    the same two runs one after the other
Reported: medians, the ratio build / parallel floor (the target is at most 1.15), the
build's peak memory (its own process) and the size of its build folder. Then the
median of `rnnsheets generate --variants 1000 --no-pdf` (the target is under 5 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = str(Path(sys.executable).parent / "rnnsheets")


def timed(cmds: list[list[str]], cwd: Path | None = None) -> tuple[float, int]:
    """Wall seconds for commands started at once, and the largest peak memory (KiB)."""
    start = time.perf_counter()
    procs = [subprocess.Popen(c, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for c in cmds]
    peak = 0
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            raise SystemExit(f"failed: {' '.join(p.args)}")
        peak = max(peak, usage.ru_maxrss)
    return time.perf_counter() - start, peak


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench(n: int, rounds: int, tmp: Path) -> dict:
    out = tmp / f"build{n}"
    build = [EXE, "generate", "--seed", "2024", "--variants", str(n), "--out", str(out),
             "--quiet"]
    plain = tmp / f"plain{n}"
    builds, parallel, serial, peaks = [], [], [], []
    for r in range(rounds + 1):  # the first round warms the caches and is not counted
        shutil.rmtree(out, ignore_errors=True)
        t, peak = timed([build])
        if r == 0:
            plain.mkdir()
            for doc in ("worksheet", "key"):
                shutil.copy(out / f"{doc}.tex", plain)
            continue
        builds.append(t)
        peaks.append(peak)
        tex = [["pdflatex", "-interaction=nonstopmode", f"{doc}.tex"]
               for doc in ("worksheet", "key")]
        parallel.append(timed(tex, plain)[0])
        serial.append(sum(timed([c], plain)[0] for c in tex))
    size = folder_size(out)
    return {"n": n, "build": statistics.median(builds),
            "parallel": statistics.median(parallel), "serial": statistics.median(serial),
            "ratio": statistics.median(b / p for b, p in zip(builds, parallel)),
            "peak_mb": max(peaks) / 1024, "folder_mb": size / 1e6,
            "variants_mb": folder_size(out / "variants") / 1e6}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,40,160,500")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-pdf", type=int, default=1000, dest="no_pdf",
                    help="variants of the build without PDFs (0: none)")
    args = ap.parse_args()
    print(f"{'variants':>8} {'build s':>8} {'parallel':>9} {'serial':>7} {'ratio':>6} "
          f"{'peak MB':>8} {'folder MB':>10} {'variants/':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            r = bench(n, args.rounds, Path(tmp))
            print(f"{r['n']:>8} {r['build']:>8.2f} {r['parallel']:>9.2f} {r['serial']:>7.2f} "
                  f"{r['ratio']:>6.2f} {r['peak_mb']:>8.0f} {r['folder_mb']:>10.1f} "
                  f"{r['variants_mb']:>10.1f}", flush=True)
            shutil.rmtree(Path(tmp) / f"build{n}")
        if args.no_pdf:
            out = Path(tmp) / "nopdf"
            cmd = [EXE, "generate", "--seed", "2024", "--variants", str(args.no_pdf),
                   "--no-pdf", "--out", str(out), "--quiet"]
            times = []
            for r in range(args.rounds + 1):  # the first warms the caches
                shutil.rmtree(out, ignore_errors=True)
                t, _ = timed([cmd])
                if r:
                    times.append(t)
            print(f"--variants {args.no_pdf} --no-pdf: {statistics.median(times):.2f} s "
                  f"(median of {args.rounds})")


if __name__ == "__main__":
    main()
