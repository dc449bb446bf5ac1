"""Bad input: one line naming the file, the field and what was expected; exit 2; nothing lost."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rnnsheets.cli import main

FORWARD = {"W": [[0.5, -0.3], [0.2, 0.4]], "V": [[0.1, 0.2], [-0.3, 0.5]], "b": [0.1, -0.1],
           "C": [[1, 0], [0.5, -0.5]], "h_init": [0, 0], "x": [[1, 0], [0, 1]],
           "activation": "relu"}


def spec(kind, **params):
    return {"exercises": [{"kind": kind, "params": params}]}


# (files to write: {name: text or JSON-able}, command-line args, expected message fragment)
CASES = {
    "seed-text": ({}, ["generate", "--seed", "abc"],
                  "'--seed': expected a non-negative integer of at most 19 digits, found 'abc'"),
    "seed-negative": ({}, ["generate", "--seed", "-4"],
                      "'--seed': expected a non-negative integer of at most 19 digits, found '-4'"),
    "seed-fraction": ({}, ["generate", "--seed", "1.5"], "expected a non-negative integer"),
    "no-seed": ({}, ["generate"], "--seed is required"),
    "spec-missing": ({}, ["generate", "--spec", "{tmp}/nope.json"], "nope.json: no such file"),
    "spec-folder": ({}, ["generate", "--spec", "{tmp}"], ": is a folder, expected a JSON or TOML"),
    "spec-bad-json": ({"s.json": '{"exercises": [\n  {"kind": "forward",}\n]}'},
                      ["generate", "--spec", "{tmp}/s.json"],
                      "s.json: not valid JSON at line 2"),
    "spec-bad-toml": ({"s.toml": '[[exercises]]\nkind = "forward\n'},
                      ["generate", "--spec", "{tmp}/s.toml"], "s.toml: not valid TOML"),
    "spec-not-utf8": ({"s.json": b"\xff\xfe{"}, ["generate", "--spec", "{tmp}/s.json"],
                      "s.json: cannot read"),
    "unknown-kind": ({"s.json": spec("gru")}, ["generate", "--spec", "{tmp}/s.json"],
                     "exercises[0].kind: unknown exercise kind 'gru'; expected one of forward"),
    "wrong-shape": ({"s.json": spec("forward", **{**FORWARD, "V": [[0.1, 0.2, 0.3]]})},
                    ["generate", "--spec", "{tmp}/s.json"],
                    "exercises[0].params.V: expected a 2x2 matrix (n_h x n_h, n_h = 2 from W's "
                    "rows), found 1x3"),
    "wrong-length": ({"s.json": spec("forward", **{**FORWARD, "b": [0.1]})},
                     ["generate", "--spec", "{tmp}/s.json"],
                     "exercises[0].params.b: expected 2 numbers (n_h = 2 from W's rows), found 1"),
    "not-a-number": ({"s.json": spec("forward", **{**FORWARD, "C": [[1, "x"], [0, 1]]})},
                     ["generate", "--spec", "{tmp}/s.json"],
                     "exercises[0].params.C[0][1]: expected a number, found 'x'"),
    "bad-activation": ({"s.json": spec("forward", **{**FORWARD, "activation": "gelu"})},
                       ["generate", "--spec", "{tmp}/s.json"],
                       "params.activation: expected one of relu, identity, tanh, sigmoid"),
    "table-range": ({"s.json": spec("bigram_rnn", T=[[1, 0], [0.5, 0.5]], vocab=["a", "b"],
                                    activation="sigmoid")},
                    ["generate", "--spec", "{tmp}/s.json"],
                    "params.T[0][0]: 1 is outside (0, 1), where sigmoid^-1 exists"),
    "table-not-stochastic": ({"s.json": spec("bigram_rnn", T=[[0.5, 0.4], [0.5, 0.5]],
                                             vocab=["a", "b"], activation="tanh")},
                             ["generate", "--spec", "{tmp}/s.json"],
                             "params.T: row 0 sums to 9/10, expected 1"),
    "empty-corpus": ({"s.json": spec("bigram", corpus=[], query=["a", "b"])},
                     ["generate", "--spec", "{tmp}/s.json"],
                     "params.corpus: expected at least one sentence"),
    "empty-sentence": ({"s.json": spec("bigram", corpus=[[]], query=["a", "b"])},
                       ["generate", "--spec", "{tmp}/s.json"],
                       "params.corpus[0]: expected at least one word"),
    "query-word": ({"s.json": spec("bigram", corpus=[["a", "b"]], query=["a", "z"])},
                   ["generate", "--spec", "{tmp}/s.json"],
                   "params.query: word 'z' is not in the corpus vocabulary (a, b)"),
    "negative-k": ({"s.json": spec("bigram", corpus=[["a", "b"]], query=["a", "b"], k=-1)},
                   ["generate", "--spec", "{tmp}/s.json"], "params.k: expected a positive number"),
    "bad-entry": ({"s.json": spec("bptt", entry=[5, 0])}, ["generate", "--spec", "{tmp}/s.json"],
                  "params.entry: expected [i, j] with 0 <= i < 2"),
    "roster-duplicate": ({"r.csv": "id,name\na1,Ann\nb2,Bob\na1,Al\n"},
                         ["generate", "--seed", "1", "--roster", "{tmp}/r.csv"],
                         "r.csv: row 4, column id: duplicate id 'a1' (first on row 2)"),
    "roster-no-id": ({"r.csv": "student,name\na1,Ann\n"},
                     ["generate", "--seed", "1", "--roster", "{tmp}/r.csv"],
                     "r.csv: header: no id column (found: student, name)"),
    "roster-bad-id": ({"r.csv": "id,name\n../etc,Eve\n"},
                      ["generate", "--seed", "1", "--roster", "{tmp}/r.csv"],
                      "r.csv: row 2, column id: expected letters, digits"),
    "variants-zero": ({}, ["generate", "--seed", "1", "--variants", "0"],
                      "--variants: expected a number from 1 to 5000, found 0"),
    "variants-huge": ({}, ["generate", "--seed", "1", "--variants", "10000000"],
                      "--variants: expected a number from 1 to 5000, found 10000000"),
    "variants-and-roster": ({"r.csv": "id\na\n"}, ["generate", "--seed", "1", "--variants", "2",
                                                    "--roster", "{tmp}/r.csv"],
                            "give --variants or --roster, not both"),
    "out-is-file": ({"f": "x"}, ["generate", "--seed", "1", "--out", "{tmp}/f"],
                    "--out {tmp}/f: is a file, expected a folder"),
    "out-unwritable": ({}, ["generate", "--seed", "1", "--out", "/proc/rnnsheets/x"],
                       "--out /proc/rnnsheets/x: cannot write there"),
    "out-foreign": ({"o/notes.txt": "mine"}, ["generate", "--seed", "1", "--out", "{tmp}/o"],
                    "holds files rnnsheets did not write (notes.txt); choose another folder, or "
                    "add --force"),
    "config-section": ({"c.toml": "[forwrd]\nhidden = 2\n"},
                       ["generate", "--seed", "1", "--config", "{tmp}/c.toml"],
                       "c.toml: [forwrd]: unknown section; expected one of sheet, forward"),
    "config-value": ({"c.toml": "[forward]\nhidden = 99\n"},
                     ["generate", "--seed", "1", "--config", "{tmp}/c.toml"],
                     "c.toml: forward.hidden: expected a whole number from 1 to 8, found 99"),
    "option-k": ({}, ["generate", "--seed", "1", "--k", "abc"],
                 "--k: expected a positive number, found 'abc'"),
    "check-missing": ({}, ["check", "{tmp}/nothing"], "nothing: no such file or folder"),
}


def _write(tmp: Path, files: dict) -> None:
    for name, content in files.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content)
        else:
            path.write_text(json.dumps(content))


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path):
    files, args, message = CASES[name]
    _write(tmp_path, files)
    before = _snapshot(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if args[0] == "generate" and "--out" not in args:
        args += ["--out", str(tmp_path / "out")]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    assert message.replace("{tmp}", str(tmp_path)) in lines[0]
    assert _snapshot(tmp_path) == before, "nothing written, nothing changed"


def test_the_table_is_big_enough():
    assert len(CASES) >= 20


def test_installed_command_prints_one_line(tmp_path):
    """The real script, too: a one-line message on stderr and exit 2, no traceback."""
    exe = str(Path(sys.executable).parent / "rnnsheets")
    (tmp_path / "s.json").write_text(json.dumps(spec("gru")))
    p = subprocess.run([exe, "generate", "--spec", str(tmp_path / "s.json")], capture_output=True,
                       text=True, cwd=tmp_path)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.count("\n") == 1 and "unknown exercise kind 'gru'" in p.stderr


def test_too_few_decimals_for_a_logarithm_is_a_clean_error(tmp_path):
    """Rounded to 1 decimal a probability can become 0 before its logarithm: no finite
    tolerance exists, so the build is refused with what to change."""
    from click.testing import CliRunner

    from rnnsheets.cli import main
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--decimals", "1", "--activation",
                                  "tanh", "--parts", "softmax_lm", "--no-pdf", "--out",
                                  str(tmp_path / "o")])
    assert r.exit_code == 2 and "ask for more decimals" in r.output
    assert len(r.output.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_bigram_sizes_the_bank_cannot_draw_are_refused(tmp_path):
    from click.testing import CliRunner

    from rnnsheets.cli import main
    (tmp_path / "c.toml").write_text("[bigram]\nsentences = 2\nvocab = 6\n")
    r = CliRunner().invoke(main, ["generate", "--seed", "1", "--config", str(tmp_path / "c.toml"),
                                  "--no-pdf", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "choose one of 3, 4" in r.output
