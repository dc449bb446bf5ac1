"""A plain (not editable) install ships everything the package needs at run time."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_runs_without_the_source_tree(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True,
                   capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("rnnsheets-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for kind in ("sheet", "macros", "forward", "bigram", "bigram_rnn", "bptt"):
        assert f"rnnsheets/templates/{kind}.tex.j2" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    p = subprocess.run([sys.executable, "-c",
                        "import rnnsheets.cli, sys; print(rnnsheets.cli.__file__); "
                        "sys.argv = ['rnnsheets', 'generate', '--seed', '3', '--no-pdf']; "
                        "rnnsheets.cli.main()"],
                       cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(str(site))
    assert (work / "build/seed-3/key.tex").exists()
