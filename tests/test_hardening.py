"""Hostile text, a sandboxed TeX, interrupted and concurrent builds, reproducibility."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdftext import text

from rnnsheets.cli import main
from rnnsheets.errors import BuildError
from rnnsheets.latex import compile_many

EXE = str(Path(sys.executable).parent / "rnnsheets")
HOSTILE = "Eve & Co. 100% $5 #1 a_b {x} ~ ^ \\input{/etc/passwd} \\write18{touch pwned} " \
          "\\catcode`\\@=11 \\def\\x{\\x}\\x Zoë Łukasz Ærø"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _words(pdf: Path) -> str:
    return " ".join(text(pdf).split())


def test_hostile_title_and_roster_names_print_literally(tex, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f"[sheet]\ntitle = {json.dumps(HOSTILE)}\ncourse = \"CS_101 & more\"\n")
    roster = tmp_path / "r.csv"
    roster.write_text(f'id,name\nx1,"{HOSTILE.replace(chr(34), "")}"\nx2,Plain Name\n')
    r = run("generate", "--seed", 3, "--config", cfg, "--roster", roster, "--out",
            tmp_path / "o")
    assert r.exit_code == 0, r.output
    for doc in ("worksheet.pdf", "key.pdf", "variants/x1/key.pdf"):
        words = _words(tmp_path / "o" / doc)
        assert HOSTILE in words, doc
        assert "CS_101 & more" in words
    assert not (tmp_path / "o" / "pwned").exists() and not Path("pwned").exists()
    assert "root:" not in text(tmp_path / "o" / "key.pdf")


@pytest.mark.parametrize("first_line", ["", "% !TeX program = lualatex\n"])
def test_tex_runs_no_programs_and_reads_nothing_outside(tex, tmp_path, monkeypatch,
                                                        first_line):
    monkeypatch.chdir(tmp_path)
    src = (first_line + r"\documentclass{article}\begin{document}"
           r"\immediate\write18{touch " + str(tmp_path / "ran") + r"}"
           r"\openin5=/etc/hostname \ifeof5 NOFILE\else READABLE\fi"
           r"\end{document}")
    built = compile_many({"probe": src})["probe"]
    assert not (tmp_path / "ran").exists()
    probe = tmp_path / "probe.pdf"
    probe.write_bytes(built.pdf)
    assert "NOFILE" in text(probe) and "READABLE" not in text(probe)


def test_a_build_that_never_ends_is_stopped(tex):
    src = r"\documentclass{article}\begin{document}\def\x{\x}\x\end{document}"
    start = time.monotonic()
    with pytest.raises(BuildError, match="did not finish within 2 s"):
        compile_many({"loop": src}, timeout=2)
    assert time.monotonic() - start < 10


def test_force_keeps_foreign_files_and_never_deletes_them(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert run("generate", "--seed", 1, "--out", out, "--no-pdf").exit_code == 2
    assert run("generate", "--seed", 1, "--out", out, "--no-pdf", "--force").exit_code == 0
    assert (out / "notes.txt").read_text() == "mine"
    assert run("generate", "--seed", 2, "--out", out, "--no-pdf", "--force").exit_code == 0
    assert (out / "notes.txt").read_text() == "mine"
    doc = json.loads((out / "answers.json").read_text())
    assert doc["seed"] == 2


def test_rebuild_replaces_only_what_rnnsheets_wrote(tmp_path):
    out = tmp_path / "o"
    assert run("generate", "--seed", 1, "--variants", 3, "--out", out, "--no-pdf",
               "-q").exit_code == 0
    assert run("generate", "--seed", 1, "--out", out, "--no-pdf").exit_code == 0
    doc = json.loads((out / "answers.json").read_text())
    assert len(doc["variants"]) == 1


def test_failed_run_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "o"
    assert run("generate", "--seed", 1, "--out", out, "--no-pdf").exit_code == 0
    before = _snapshot(out)
    (tmp_path / "bad.json").write_text('{"exercises": [{"kind": "nope"}]}')
    assert run("generate", "--spec", tmp_path / "bad.json", "--out", out).exit_code == 2
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "o"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_class_set_build_loses_nothing(tex, tmp_path, sig):
    out = tmp_path / "o"
    subprocess.run([EXE, "generate", "--seed", "5", "--variants", "3", "--out", str(out), "-q"],
                   check=True, capture_output=True)
    before = _snapshot(out)
    p = subprocess.Popen([EXE, "generate", "--seed", "6", "--variants", "300", "--out",
                          str(out), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)  # well into the TeX run
    assert p.poll() is None, "the build should still be running"
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode != 0
    if sig != signal.SIGKILL:
        assert b"Traceback" not in err and b"as it was before" in err
        leftovers = [q.name for q in tmp_path.iterdir() if q.name != "o"]
        assert leftovers == [], leftovers
    assert _snapshot(out) == before


def test_two_builds_at_once_do_not_interfere(tex, tmp_path):
    procs = [subprocess.Popen([EXE, "generate", "--seed", str(s), "--variants", "4", "--out",
                               str(tmp_path / f"o{s}"), "-q"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for s in (1, 2)]
    for p in procs:
        assert p.wait(timeout=300) == 0
    for s in (1, 2):
        subprocess.run([EXE, "generate", "--seed", str(s), "--variants", "4", "--out",
                        str(tmp_path / f"serial{s}"), "-q"], check=True, capture_output=True)
        assert _snapshot(tmp_path / f"o{s}") == _snapshot(tmp_path / f"serial{s}")


def test_spec_and_class_set_builds_are_byte_identical(tex, tmp_path):
    spec = {"exercises": [{"kind": "forward", "params": {"activation": "tanh"}},
                          {"kind": "bigram", "params": {"corpus": "a b a\nb b a", "query": "a b"}}]}
    (tmp_path / "s.json").write_text(json.dumps(spec))
    for name in ("a", "b"):
        assert run("generate", "--spec", tmp_path / "s.json", "--seed", 9, "--variants", 3,
                   "--out", tmp_path / name, "-q").exit_code == 0
    assert _snapshot(tmp_path / "a") == _snapshot(tmp_path / "b")
    assert os.path.exists(tmp_path / "a" / "variants" / "3" / "key.pdf")
