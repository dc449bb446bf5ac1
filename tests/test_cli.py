"""The command line, through CliRunner and once as the installed script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from click.testing import CliRunner
from verify import verify

from rnnsheets.cli import main
from rnnsheets.exercises import solve
from rnnsheets.numbers import decode_exact


def run(*args, cwd=None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_generate_writes_answers_json(tmp_path):
    out = tmp_path / "s7"
    r = run("generate", "--seed", "7", "--out", str(out), "--no-pdf")
    assert r.exit_code == 0, r.output
    doc = json.loads((out / "answers.json").read_text())
    assert doc["schema"] == 2 and doc["seed"] == 7
    assert doc["generator"].startswith("rnnsheets ")
    (variant,) = doc["variants"]
    assert [e["kind"] for e in variant["exercises"]] == ["forward", "bigram", "bigram_rnn", "bptt"]
    for e in variant["exercises"]:
        ex = solve(e["kind"], decode_exact(e["params"]), e["decimals"] or 4)
        verify(ex)


def test_same_seed_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert run("generate", "--seed", "7", "--out", str(tmp_path / name),
                   "--no-pdf").exit_code == 0
    assert (tmp_path / "a/answers.json").read_bytes() == (tmp_path / "b/answers.json").read_bytes()


def test_options_change_the_sheet(tmp_path):
    r = run("generate", "--seed", "3", "--out", str(tmp_path), "--no-pdf", "--activation",
            "tanh", "--hidden", "3", "--steps", "3", "--k", "0.5", "--orientation", "column")
    assert r.exit_code == 0, r.output
    ex = {e["kind"]: e for e in json.loads((tmp_path / "answers.json").read_text())
          ["variants"][0]["exercises"]}
    assert ex["forward"]["params"]["activation"] == "tanh" and not ex["forward"]["exact"]
    assert len(ex["forward"]["params"]["W"]) == 3 and len(ex["forward"]["params"]["x"]) == 3
    assert len(ex["bptt"]["params"]["x"]) == 4
    assert ex["bigram"]["params"]["k"] == 0.5 and ex["bigram"]["params"]["orientation"] == "column"
    # tanh: every h, o rounded to the sheet's 4 decimals, within a computed tolerance
    assert ex["forward"]["decimals"] == 4 and ex["forward"]["forms"]["h"][0] == ["decimals"] * 3
    assert all(0.00005 < t < 0.01 for t in ex["forward"]["tolerances"]["h"][-1])


def test_config_file(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[forward]\nactivation = "identity"\nhidden = 1\n[bigram]\nboundaries = true\n')
    r = run("generate", "--seed", "3", "--out", str(tmp_path / "o"), "--no-pdf",
            "--config", str(cfg))
    assert r.exit_code == 0, r.output
    ex = json.loads((tmp_path / "o/answers.json").read_text())["variants"][0]["exercises"]
    assert ex[0]["params"]["activation"] == "identity" and len(ex[0]["params"]["W"]) == 1
    a = ex[1]["answers"]  # <s> only a previous word, </s> only a next word
    assert a["contexts"] == ["<s>", *a["vocab"]] and a["outcomes"] == [*a["vocab"], "</s>"]
    assert len(a["T"]) == len(a["T"][0]) == len(a["vocab"]) + 1


def test_bad_seed_is_a_clean_error(tmp_path):
    r = CliRunner().invoke(main, ["generate", "--seed", "-1", "--out", str(tmp_path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    (line,) = r.output.strip().splitlines()
    assert "'--seed'" in line and "-1" in line


def test_help_documents_the_options():
    r = run("generate", "--help")
    for word in ("--seed", "--out", "--spec", "--config", "--activation", "--hidden", "--steps",
                 "--k", "--orientation"):
        assert word in r.output


def test_installed_script_and_module(tmp_path):
    exe = shutil.which("rnnsheets") or str(__import__("pathlib").Path(sys.executable).parent
                                            / "rnnsheets")
    p = subprocess.run([exe, "generate", "--seed", "11", "--out", str(tmp_path / "a"),
                        "--no-pdf"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    q = subprocess.run([sys.executable, "-m", "rnnsheets", "generate", "--seed", "11", "--out",
                        str(tmp_path / "b"), "--no-pdf"], capture_output=True, text=True,
                       timeout=120)
    assert q.returncode == 0, q.stderr
    assert (tmp_path / "a/answers.json").read_bytes() == (tmp_path / "b/answers.json").read_bytes()
    bad = subprocess.run([exe, "generate", "--seed", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
