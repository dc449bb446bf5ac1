"""Hostile and huge input: printed as itself in every format, or refused in one line.

Each case runs the real CLI. Refusals must be one line, exit status 2, no traceback,
and leave nothing behind; accepted hostile words must stay data in every output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

EXE = str(Path(sys.executable).parent / "rnnsheets")
#: Words that would run script, add a graded field, or be typeset as math if treated as
#: anything but text (at most 30 characters each: the longest word a sheet prints).
XSS = ["<svg/onload=pwned=1>", r"\(<svg/onload=pwned=2>\)", "<script>pwned=3</script>",
       r"\(\href{javascript:x}{a}\)", "{1:NUMERICAL:=99:0.5}", r"\[x\]", "$$y$$", "=HYPERLINK(1)"]


def cli(*args, timeout: float = 60, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, stdin=stdin if stdin is not None else subprocess.DEVNULL)


def refused(p: subprocess.CompletedProcess, *expected: str) -> None:
    """One line on stderr naming what is wrong, exit 2, no traceback."""
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr, p.stderr
    for e in expected:
        assert e in p.stderr, p.stderr


def spec_file(tmp_path: Path, exercises: list, name: str = "s.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"exercises": exercises}, ensure_ascii=False))
    return path


def bigram(corpus, query) -> dict:
    return {"kind": "bigram", "params": {"corpus": corpus, "query": query}}


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """A build whose corpus is made of words that are markup, math and cloze syntax."""
    tmp = tmp_path_factory.mktemp("hostile")
    spec = spec_file(tmp, [bigram([XSS[:4], XSS[4:]], [XSS[0], XSS[1]])])
    out = tmp / "o"
    p = cli("generate", "--spec", spec, "--format", "tex,moodle,qti,html", "--out", out)
    assert p.returncode == 0, p.stderr
    return out


def test_hostile_words_stay_text_in_the_lms_files_and_check_passes(hostile_build):
    out = hostile_build
    assert cli("check", out).returncode == 0
    xml = (out / "moodle.xml").read_text()
    ET.fromstring(xml)  # well-formed
    for q in ET.fromstring(xml).iter("question"):
        text = q.findtext("questiontext/text") or ""
        # the only cloze fields are ours: one per entry, none from the corpus word
        assert "{1:NUMERICAL:=99" not in text
        for word in XSS[:7]:  # no markup, math or cloze word reaches Moodle as it is
            assert word not in text, word
    with zipfile.ZipFile(out / "canvas-qti.zip") as z:
        for name in z.namelist():
            body = z.read(name).decode()
            ET.fromstring(body)
            assert "<svg" not in body and "<script" not in body and "\\(<svg" not in body


def test_hostile_words_never_become_markup_in_sheet_html(hostile_build):
    page = (hostile_build / "sheet.html").read_text()
    assert "<svg/onload" not in page and "<script>pwned" not in page
    assert not re.search(r"""href\s*=\s*["']?\s*javascript""", page, re.I)
    assert "&lt;svg/onload=pwned=1&gt;" in page  # printed, escaped


def test_no_script_from_user_words_runs_in_chromium(browser, hostile_build):
    browser.get((hostile_build / "sheet.html").as_uri())
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.execute_script(
        "return document.querySelectorAll('main svg[onload], main script, main a[href]')"
        ".length") == 0
    text = browser.execute_script("return document.body.innerText")
    assert "<svg/onload=pwned=1>" in text and "{1:NUMERICAL:=99:0.5}" in text


@pytest.mark.parametrize("word, char", [
    ("a\u200bb", "U+200B"), ("evil\u202egnp", "U+202E"), ("\ufeffbom", "U+FEFF"),
    ("bell\x07", "U+0007"), ("esc\x1b[31m", "U+001B"), ("nul\x00", "U+0000"),
    ("ff\x0c", "U+000C"), ("\ufffe", "U+FFFE"), ("pua\ue000", "U+E000"),
])
def test_invisible_and_control_characters_in_words_are_refused(tmp_path, word, char):
    spec = spec_file(tmp_path, [bigram([["ok", word, "ok"]], ["ok", word])])
    p = cli("generate", "--spec", spec, "--format", "moodle,qti,html", "--out", tmp_path / "o")
    refused(p, "corpus[0][1]", char)
    assert "\x1b" not in p.stderr and not (tmp_path / "o").exists()


def test_a_lone_surrogate_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{"exercises": [{"kind": "bigram", "params": {"corpus": [["a", "\\ud800"]],'
                    ' "query": ["a", "a"]}}]}')
    refused(cli("generate", "--spec", path, "--out", tmp_path / "o"), "surrogate")


def test_a_line_separator_in_a_roster_name_is_refused_not_a_new_student(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name\nx1,Ann\u2028x2\nx3,Bo\n", encoding="utf-8")
    refused(cli("generate", "--seed", 1, "--roster", roster, "--no-pdf", "--out",
                tmp_path / "o"), "row 2, column name", "U+2028")


def test_names_in_other_scripts_with_joiners_are_kept(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("id,name\nx1,\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n",
                      encoding="utf-8")
    p = cli("generate", "--seed", 1, "--roster", roster, "--no-pdf", "--out", tmp_path / "o")
    assert p.returncode == 0, p.stderr


def test_error_messages_show_control_characters_escaped(tmp_path):
    p = cli("generate", "--seed", 1, "--roster", tmp_path / "no\x1b[2Jsuch.csv", "--out",
            tmp_path / "o")
    refused(p, "no\\x1b[2Jsuch.csv")
    assert "\x1b" not in p.stderr


@pytest.mark.parametrize("args, expected", [
    (["--seed", "1", "--k", "1e-99999999"], "--k"),
    (["--seed", "1", "--k", "1/" + "9" * 40], "--k"),
    (["--seed", "9" * 5000], "--seed"),
    (["--seed", "1", "--parts", "forward,,gru"], "--parts"),
])
def test_huge_or_odd_numbers_on_the_command_line_are_refused_fast(tmp_path, args, expected):
    refused(cli("generate", *args, "--no-pdf", "--out", tmp_path / "o", timeout=20), expected)


def test_huge_numbers_in_files_are_refused_fast(tmp_path):
    (tmp_path / "big.json").write_text('{"exercises": [{"kind": "forward", "params": '
                                       '{"b": [' + "9" * 5000 + "]}}]}")
    refused(cli("generate", "--spec", tmp_path / "big.json", "--out", tmp_path / "o",
                timeout=20), "big.json")
    (tmp_path / "c.toml").write_text("[bigram]\nk = " + "1" * 5000 + "\n")
    refused(cli("generate", "--seed", 1, "--config", tmp_path / "c.toml", "--out",
                tmp_path / "o", timeout=20), "c.toml")
    (tmp_path / "deep.json").write_text("[" * 100_000)
    refused(cli("generate", "--spec", tmp_path / "deep.json", "--out", tmp_path / "o",
                timeout=20), "deep.json")
    spec = spec_file(tmp_path, [{"kind": "bigram", "params": {
        "corpus": [["a", "b"]], "query": ["a", "b"], "k": "1e-9999"}}], "k.json")
    refused(cli("generate", "--spec", spec, "--out", tmp_path / "o", timeout=20), "params.k")


def test_files_that_never_end_or_block_are_refused(tmp_path):
    for flag in ("--spec", "--config", "--roster"):
        refused(cli("generate", "--seed", 1, flag, "/dev/zero", "--out", tmp_path / "o",
                    timeout=20), "/dev/zero", "not a regular file")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    refused(cli("generate", "--seed", 1, "--spec", fifo, "--out", tmp_path / "o", timeout=20),
            "not a regular file")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_100_000 + "\n")
    refused(cli("generate", "--seed", 1, "--config", big, "--out", tmp_path / "o"),
            "larger than 1,000,000 bytes")


def test_sizes_a_sheet_cannot_lay_out_are_refused(tmp_path):
    words = [f"w{i}" for i in range(11)]
    refused(cli("generate", "--spec", spec_file(tmp_path, [bigram([words], words[:2])]),
                "--out", tmp_path / "o"), "11 different words; at most 10")
    many = [f"w{i}" for i in range(5000)]
    refused(cli("generate", "--spec", spec_file(tmp_path, [bigram([many], many[:2])], "m.json"),
                "--out", tmp_path / "o", timeout=20), "at most 12")
    refused(cli("generate", "--spec", spec_file(tmp_path, [bigram([["a" * 31, "b"]], ["b", "b"])],
                                                "w.json"), "--out", tmp_path / "o"),
            "a word of 31 characters; at most 30")
    (tmp_path / "c.toml").write_text("[bigram]\nsentences = 5\n")
    refused(cli("generate", "--seed", 1, "--config", tmp_path / "c.toml", "--out",
                tmp_path / "o"), "sentences", "from 2 to 4")


def test_unknown_params_are_refused_not_redrawn(tmp_path):
    spec = spec_file(tmp_path, [{"kind": "forward", "params": {"h_int": [0, 0]}}])
    refused(cli("generate", "--spec", spec, "--out", tmp_path / "o"),
            "exercises[0].params.h_int", "unknown param of forward")


def test_parts_and_spec_together_are_refused(tmp_path):
    spec = spec_file(tmp_path, [{"kind": "forward", "params": {}}])
    refused(cli("generate", "--spec", spec, "--parts", "lstm", "--out", tmp_path / "o"),
            "--parts: give --parts or --spec")


@pytest.fixture()
def small_build(tmp_path):
    out = tmp_path / "b"
    assert cli("generate", "--seed", 3, "--no-pdf", "--out", out).returncode == 0
    return out


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.update(variants=[1, 2]), "variants[0]"),
    (lambda d: d.update(seed="abc"), "seed"),
    (lambda d: d["variants"][0].update(exercises=None), "variants[0].exercises"),
    (lambda d: d["variants"][0]["exercises"][0].pop("params"), "exercises[0].params"),
    (lambda d: d["variants"][0]["exercises"][0].update(decimals=True), "decimals"),
    (lambda d: d["variants"][0].update(seed=1.5), "variants[0].seed"),
])
def test_check_refuses_a_malformed_answers_json_in_one_line(small_build, change, expected):
    path = small_build / "answers.json"
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
    refused(cli("check", small_build), expected)


def test_check_reads_no_endless_file(small_build):
    (small_build / "answers.json").unlink()
    (small_build / "answers.json").symlink_to("/dev/zero")
    refused(cli("check", small_build, timeout=20), "not a regular file")


def test_hand_keys_with_unreadable_answers_are_findings(tmp_path):
    params = {"W": [[0.5]], "V": [[0.1]], "b": [0.1], "C": [[1]], "h_init": [0], "x": [[1]],
              "activation": "relu"}
    key = spec_file(tmp_path, [{"kind": "forward", "params": params,
                                "answers": {"h": [["nan"]], "o": [[True]], "z": "abc"}}])
    p = cli("check", key)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    for what in ("h[0][0]: 'nan' is not a number", "o[0][0]: True is not a number",
                 "z: 'abc' is not a number"):
        assert what in p.stdout, p.stdout


def test_a_fifo_as_config_does_not_block_even_with_a_writer_waiting(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    t = threading.Thread(target=lambda: open(fifo, "w").close(), daemon=True)
    t.start()
    refused(cli("generate", "--seed", 1, "--config", fifo, "--out", tmp_path / "o",
                timeout=20), "f: is not a regular file")
    t.join(timeout=5)


def test_foreign_entries_of_every_kind_stop_the_build_and_are_kept(tmp_path):
    import socket

    out = tmp_path / "o"
    assert cli("generate", "--seed", 1, "--no-pdf", "--out", out).returncode == 0
    (out / "empty").mkdir()
    os.mkfifo(out / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(out / "sock"))
    (out / "variants").mkdir()
    (out / "variants" / "mine.txt").write_text("mine")
    (out / "link").symlink_to("/etc/hostname")
    refused(cli("generate", "--seed", 2, "--no-pdf", "--out", out), "did not write")
    p = cli("generate", "--seed", 2, "--no-pdf", "--out", out, "--force")
    assert p.returncode == 0, p.stderr
    assert (out / "empty").is_dir() and (out / "pipe").is_fifo() and (out / "sock").is_socket()
    assert (out / "variants" / "mine.txt").read_text() == "mine"
    assert (out / "link").is_symlink()
    assert json.loads((out / "answers.json").read_text())["seed"] == 2
    sock.close()


def test_a_file_written_during_the_build_is_kept(tmp_path):
    out = tmp_path / "o"
    assert cli("generate", "--seed", 1, "--no-pdf", "--out", out).returncode == 0
    p = subprocess.Popen([EXE, "generate", "--seed", "2", "--variants", "600", "--no-pdf",
                          "--out", str(out), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    import time

    time.sleep(1.0)  # after the scan for foreign files, before the swap
    assert p.poll() is None, "the build should still be running"
    (out / "late.txt").write_text("written while it ran")
    assert p.wait(timeout=120) == 0, p.stderr.read()
    assert (out / "late.txt").read_text() == "written while it ran"
    assert json.loads((out / "answers.json").read_text())["seed"] == 2


def test_out_as_a_symlink_or_the_root_is_refused(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    refused(cli("generate", "--seed", 1, "--no-pdf", "--out", link), "symbolic link")
    assert link.is_symlink() and list(real.iterdir()) == []
    assert sorted(q.name for q in tmp_path.iterdir()) == ["link", "real"]
    refused(cli("generate", "--seed", 1, "--no-pdf", "--out", "/", "--force"), "root")


def test_a_killed_build_leaves_no_tex_running_and_its_debris_goes_next_time(tex, tmp_path):
    import signal
    import tempfile
    import time

    p = subprocess.Popen([EXE, "generate", "--seed", "6", "--variants", "300", "--out",
                          str(tmp_path / "o"), "-q"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    debris = []
    for _ in range(300):  # until the TeX run has started (later on a busy machine)
        debris = list(Path(tempfile.gettempdir()).glob(f"tex.rnnsheets-{p.pid}-*"))
        if debris or p.poll() is not None:
            break
        time.sleep(0.1)
    time.sleep(1)  # well into the TeX run
    assert p.poll() is None
    assert debris, "the TeX folder of the running build"
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    for _ in range(50):  # the kernel delivers the death signal to TeX at once
        running = subprocess.run(["pgrep", "-f", f"tex.rnnsheets-{p.pid}|pdflatex"],
                                 capture_output=True, text=True).stdout.split()
        alive = [pid for pid in running if Path(f"/proc/{pid}/cwd").exists()
                 and f"tex.rnnsheets-{p.pid}-" in os.readlink(f"/proc/{pid}/cwd")]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, "pdflatex outlived the killed build"
    assert cli("generate", "--seed", 1, "--out", tmp_path / "small").returncode == 0
    assert not any(d.exists() for d in debris)


def test_a_file_written_into_a_folder_the_build_also_writes_is_kept(tex, tmp_path):
    out = tmp_path / "o"
    assert cli("generate", "--seed", 1, "--no-pdf", "--out", out).returncode == 0
    p = subprocess.Popen([EXE, "generate", "--seed", "1", "--variants", "40", "--out",
                          str(out), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    import time

    time.sleep(1.5)
    assert p.poll() is None
    (out / "variants" / "7").mkdir(parents=True)
    (out / "variants" / "7" / "user.txt").write_text("u")
    assert p.wait(timeout=120) == 0, p.stderr.read()
    assert (out / "variants" / "7" / "user.txt").read_text() == "u"
    assert (out / "variants" / "7" / "key.pdf").exists()
    assert cli("check", out).returncode == 0


@pytest.mark.parametrize("char", ["\u3164", "\u034f", "\ufe0f", "\u17b4", "\u00ad", "\u2061"])
def test_default_ignorable_characters_are_refused(tmp_path, char):
    spec = spec_file(tmp_path, [bigram([["ab", "ab" + char, "c"]], ["ab", "c"])])
    refused(cli("generate", "--spec", spec, "--no-pdf", "--out", tmp_path / "o"),
            f"U+{ord(char):04X}")


def test_duplicate_keys_and_broken_csv_are_refused(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{"exercises": [{"kind": "forward", "kind": "bigram", "params": {}}]}')
    refused(cli("generate", "--spec", path, "--out", tmp_path / "o"), "given twice")
    roster = tmp_path / "r.csv"
    roster.write_text('id,name\nx1,"Ann\n')
    refused(cli("generate", "--seed", 1, "--roster", roster, "--no-pdf", "--out",
                tmp_path / "o"), "not valid CSV")


def test_non_finite_numbers_in_answers_json_are_findings(tmp_path):
    out = tmp_path / "b"
    assert cli("generate", "--seed", 1, "--no-pdf", "--out", out).returncode == 0
    text = (out / "answers.json").read_text()
    text = re.sub(r'"likelihood": [^,}\n]+', '"likelihood": NaN', text)
    text = re.sub(r'"W": \[\[[^]]*\]', '"W": [[Infinity, 0]', text, count=1)
    (out / "answers.json").write_text(text)
    p = cli("check", out)
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert "likelihood: recorded NaN" in p.stdout and "params do not solve" in p.stdout


def test_hand_keys_of_the_wrong_shape_are_findings(tmp_path):
    params = {"corpus": [["a", "b"], ["b", "a"]], "query": ["a", "b"]}
    key = spec_file(tmp_path, [
        {"kind": "bigram", "params": params, "answers": {"likelihood": {"x": 0.1},
                                                         "T": [[], []], "zz": 1}},
        {"kind": "bigram", "params": params, "answers": [1, 2]}])
    p = cli("check", key)
    assert p.returncode == 1, p.stdout
    for what in ("likelihood: expected one number, found a table", "T: expected a 2x2 matrix",
                 "zz: no such answer", "exercises[1].answers: expected a table"):
        assert what in p.stdout, p.stdout


def test_words_spelt_like_sentence_markers_are_refused_with_boundaries(tmp_path):
    spec = spec_file(tmp_path, [{"kind": "bigram", "params": {
        "corpus": [["a", "</s>", "b"]], "query": ["a", "b"], "boundaries": True}}])
    refused(cli("generate", "--spec", spec, "--no-pdf", "--out", tmp_path / "o"),
            "corpus[0]", "sentence marker")
