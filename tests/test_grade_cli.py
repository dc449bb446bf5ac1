"""``rnnsheets grade`` through its command line: what it reads, what it refuses in one line,
what it writes and never overwrites, and that user text stays text."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

from rnnsheets.cli import main


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    out = tmp_path_factory.mktemp("grade-cli") / "b"
    r = CliRunner().invoke(main, ["generate", "--seed", "11", "--variants", "4", "--no-pdf",
                                  "--out", str(out)])
    assert r.exit_code == 0, r.output
    return out


def _template(build) -> list[list[str]]:
    with open(build / "responses-template.csv", newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _key(build) -> dict[str, dict[str, str]]:
    """{variant id: {column: the key as a fraction or decimal}} from answers.json."""
    doc = json.loads((build / "answers.json").read_text())
    columns = _template(build)[0][2:]
    out = {}
    for v in doc["variants"]:
        cells = {}
        for c in columns:
            part, label = c.split(":", 1)
            e = v["exercises"][int(part[1:]) - 1]
            node = e["answers"]
            head, *idx = label.replace("]", "").split("[")
            if head in node:
                node = node[head]
            elif head.startswith("n_terms_"):
                n = int(head.rsplit("_", 1)[1])
                node = n * (n + 1) // 2
            else:
                field, t = head.rsplit("_", 1)
                node = node[field][int(t)]
            for i in idx:
                node = node[int(i)]
            cells[c] = str(Fraction(node)) if isinstance(node, str) else repr(node)
        out[v["id"]] = cells
    return out


def _write(path, rows, delimiter=","):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _grade(*args):
    return CliRunner().invoke(main, ["grade", *map(str, args)])


def test_every_build_writes_a_response_template(build):
    rows = _template(build)
    assert rows[0][:2] == ["id", "name"]
    assert rows[0][2:5] == ["p1:h_0[0]", "p1:h_0[1]", "p1:o_0[0]"]
    assert "p2:T[0][0]" in rows[0] and "p2:likelihood" in rows[0] and "p4:dW[0][0]" in rows[0]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert all(set(r[2:]) == {""} for r in rows[1:])


def test_a_class_with_every_kind_of_bad_response(build, tmp_path):
    """Unknown ids, duplicate rows, a missing column and unreadable cells are listed, never
    fatal; fractions and decimal commas read; names stay text in every output."""
    key = _key(build)
    header = _template(build)[0]
    dropped = header[3]
    cols = [c for c in header if c != dropped]
    name = '=HYPERLINK("http://x") <script>alert(1)</script>'
    rows = [cols]
    for vid in ("1", "2", "3"):
        cells = dict(key[vid])
        rows.append([vid, name if vid == "1" else f"S{vid}", *(cells.get(c, "")
                                                                for c in cols[2:])])
    rows[2][5] = "abc"  # variant 2: one unreadable cell
    rows[3][5] = "1/0"
    rows[3][6] = ""
    rows.append(["99", "Nobody", *([""] * (len(cols) - 2))])
    rows.append(["1", "Again", *([""] * (len(cols) - 2))])
    path = _write(tmp_path / "class.csv", rows)
    out = tmp_path / "g"
    r = _grade(build, path, "--out", out)
    assert r.exit_code == 0, r.output
    assert "id '99' is no variant of this build" in r.output
    assert "variant 1 answered again" in r.output
    assert f"1 answer column(s) missing ({dropped})" in r.output
    assert "3 unreadable cells" in r.output
    grades = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    assert [g["id"] for g in grades] == ["1", "2", "3"]
    assert grades[0]["name"].startswith("'=HYPERLINK")
    out_of = int(grades[0]["out_of"])
    assert float(grades[0]["total"]) == out_of - 1  # the missing column
    assert float(grades[1]["total"]) == out_of - 2
    assert float(grades[2]["total"]) == out_of - 3
    bad = list(csv.DictReader(io.StringIO((out / "unreadable.csv").read_text())))
    assert {(b["id"], b["typed"]) for b in bad} == {("2", "abc"), ("3", "1/0"), ("3", "")}
    for page in [out / "report.html", *(out / "feedback").glob("*.html")]:
        text = page.read_text()
        assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "feedback" / "1.html").read_text()


def test_semicolons_decimal_commas_and_fractions(build, tmp_path):
    key = _key(build)["2"]
    cols = _template(build)[0]
    cells = {c: (v.replace(".", ",") if "/" not in v else v) for c, v in key.items()}
    path = _write(tmp_path / "eu.csv", [cols, ["2", "S", *(cells[c] for c in cols[2:])]], ";")
    r = _grade(build, path, "--out", tmp_path / "g")
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader(io.StringIO((tmp_path / "g" / "grades.csv").read_text())))
    assert row["total"] == row["out_of"] and row["percent"] == "100"


def test_follow_through_credit_is_the_fraction_given(build, tmp_path):
    """h_0 wrong, and o_0 = C h_0 and h_1 worked from it: they earn --credit each."""
    doc = json.loads((build / "answers.json").read_text())
    p = doc["variants"][0]["exercises"][0]["params"]
    key = _key(build)["1"]
    C = [[Fraction(str(x)) for x in row] for row in p["C"]]
    h0 = [Fraction(key["p1:h_0[0]"]) + Fraction(1, 10), Fraction(key["p1:h_0[1]"])]
    cells = dict(key)
    cells["p1:h_0[0]"] = str(h0[0])
    for i, row in enumerate(C):
        cells[f"p1:o_0[{i}]"] = str(sum(c * h for c, h in zip(row, h0)))
    cols = _template(build)[0]
    path = _write(tmp_path / "c.csv", [cols, ["1", "S", *(cells[c] for c in cols[2:])]])
    r = _grade(build, path, "--out", tmp_path / "g", "--credit", "0.5")
    assert r.exit_code == 0, r.output
    row = next(csv.DictReader(io.StringIO((tmp_path / "g" / "grades.csv").read_text())))
    moved = sum(cells[f"p1:o_0[{i}]"] != key[f"p1:o_0[{i}]"] for i in range(len(C)))
    assert moved and float(row["p1"]) == 8 - 1 - 0.5 * moved  # h_1 typed right: full mark
    page = (tmp_path / "g" / "feedback" / "1.html").read_text()
    assert "First wrong step" in page and "follow-through" in page


@pytest.mark.parametrize("content, expected", [
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"", "empty file"),
    (b"name,p1:h_0[0]\nA,1\n", "no id column"),
    (b"id,name,foo\n1,A,1\n", "no column names an answer"),
    (b"id,name,p1:h_0[0]\n", "no student's answers"),
    (b'{"answers": {}}', "variant: expected"),
    (b'{"variant": "1", "answers": 3}', "answers: expected"),
    (b'{"variant": "1", "answers": {', "not valid JSON"),
    (b"[1]", "expected an object"),
])
def test_unusable_files_are_one_line_errors(build, tmp_path, content, expected):
    path = tmp_path / "r.txt"
    path.write_bytes(content)
    r = _grade(build, path, "--out", tmp_path / "g")
    assert r.exit_code == 2, r.output
    assert r.output.count("\n") == 1 and expected in r.output and str(path) in r.output
    assert "Traceback" not in r.output and not (tmp_path / "g").exists()


def test_other_unusable_input(build, tmp_path):
    ok = _write(tmp_path / "ok.csv", [_template(build)[0], ["1", "A"]])
    for args, expected in [((tmp_path, ok), "no such file (is this a build folder?)"),
                           ((build, tmp_path), "is a folder"),
                           ((build, tmp_path / "none.csv"), "no such file"),
                           ((build, ok, "--credit", "2"), "expected a fraction from 0 to 1")]:
        r = _grade(*args)
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert expected in r.output and "Traceback" not in r.output


def test_never_overwrites_what_it_did_not_write(build, tmp_path):
    ok = _write(tmp_path / "ok.csv", [_template(build)[0], ["1", "A"]])
    out = tmp_path / "g"
    assert _grade(build, ok, "--out", out).exit_code == 0
    assert _grade(build, ok, "--out", out).exit_code == 0  # its own files: replaced
    (out / "grades.csv").write_text("my own")  # a file of ours, edited: still ours
    assert _grade(build, ok, "--out", out).exit_code == 0
    (out / "notes.txt").write_text("mine")
    r = _grade(build, ok, "--out", out)
    assert r.exit_code == 2 and "did not write (notes.txt)" in r.output
    assert (out / "notes.txt").read_text() == "mine"
    default = _grade(build, ok)
    assert default.exit_code == 0 and (build / "grading" / "grades.csv").exists()
