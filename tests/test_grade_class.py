"""``grade`` on simulated classes of 200 variants (tests/students.py, which imports nothing
from rnnsheets, works every sheet by hand).

For each activation a class set of all six kinds is built with the real command; then
for every variant: (a) a student who answers right, (b) one who rounds every value the
key shows, (c) for every catalogued mistake, one who makes it at one random step where
it shows and carries its own wrong value forward correctly, (d) one who types garbage.
(a) and (b) get full marks; (c) gets exactly the follow-through credit the policy gives
(right from the key: 1; the mistaken step: 0; every other entry: the credit), has the
mistaken step named as its first wrong step, and is labelled with its misconception in
at least 95% of cases, per misconception; every (d) cell is unreadable. A mixed class
also goes through the command end to end.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from collections import Counter
from fractions import Fraction

import pytest
from click.testing import CliRunner
from students import CATALOGUE, Student, work
from test_students import lookup, typed

from rnnsheets.cli import main
from rnnsheets.grade.key import load
from rnnsheets.grade.mark import mark_sheet

VARIANTS = 200
KINDS = ("forward", "bigram", "bigram_rnn", "bptt", "softmax_lm", "lstm")
#: The package's name for each mistake the simulated students make.
NAMES = {("forward", "no_b"): "no_bias", ("forward", "swap_WV"): "swapped_W_V",
         ("forward", "no_memory"): "no_memory", ("forward", "sigma_out"): "sigma_on_output",
         ("bigram", "no_smoothing"): "no_smoothing", ("bigram", "no_kV"): "no_kV",
         ("bigram", "flipped"): "flipped_orientation", ("bigram", "across"): "across_sentences",
         ("bigram_rnn", "sigmoid_for_logit"): "sigma_for_inverse",
         ("bigram_rnn", "transpose"): "design_transposed",
         ("bptt", "no_factor_2"): "no_factor_2", ("bptt", "no_recurrent"): "no_recurrent_path",
         ("bptt", "h_t_for_h_prev"): "h_t_for_h_prev",
         ("softmax_lm", "no_one_hot"): "no_one_hot",
         ("lstm", "no_b"): "no_bias", ("lstm", "no_forget_gate"): "no_forget_gate"}
GARBAGE = ("abc", "1/0", "", "  ", "nan", "inf", "1e9999", "1.2.3", "=1+1", "x", "--1", "½")
#: A mistake shows clearly when each entry it moves goes this many tolerances away (nearer,
#: and rounding could make it look right, or right from the student's own values).
CLEAR = 4
CREDIT = 0.5  # follow-through earns half a mark here, so it shows apart from a right answer


def test_every_catalogued_mistake_is_named():
    """The package declares at least 12 named mistakes, and the students make each."""
    from rnnsheets.exercises import REGISTRY

    declared = {(k, m.name) for k in REGISTRY for m in REGISTRY[k].MISTAKES}
    assert len(declared) >= 12
    assert set(NAMES.values()) <= {m for _, m in declared}
    assert {(k, m) for k, ms in CATALOGUE.items() for m in ms} == set(NAMES)


@pytest.fixture(scope="module", params=["tanh", "relu"])
def build(request, tmp_path_factory):
    act = request.param
    out = tmp_path_factory.mktemp(f"grade-{act}")
    cfg = out / "c.toml"
    cfg.write_text(f'[forward]\nactivation = "{act}"\n[softmax_lm]\nactivation = "{act}"\n'
                   f'[bigram_rnn]\nactivation = "{"sigmoid" if act == "tanh" else act}"\n'
                   f'[bptt]\nactivation = "{act}"\ngradients = ["W", "V", "b", "C"]\n'
                   "entry = true\n")
    result = CliRunner().invoke(main, ["generate", "--seed", "2025", "--variants",
                                       str(VARIANTS), "--config", str(cfg), "--parts",
                                       ",".join(KINDS), "--no-pdf", "--out", str(out / "b")])
    assert result.exit_code == 0, result.output
    return out / "b"


# --- the simulated class ---------------------------------------------------------------


def _columns(folder) -> list[str]:
    with open(folder / "responses-template.csv", newline="", encoding="utf-8") as f:
        return next(csv.reader(f))[2:]


def _value(label: str, e: dict, mine: dict):
    """A student's value for an entry: what it worked out, or (the number of chain-rule
    terms, counted rather than computed) the count itself."""
    if label in mine:
        return mine[label]
    if m := re.fullmatch(r"n_terms(?:_(\d+))?", label):
        n = int(m.group(1)) if m.group(1) else len(e["params"]["x"]) - 1
        return n * (n + 1) // 2
    raise KeyError(label)


def _key(label: str, e: dict):
    v = _value(label, e, {}) if label.startswith("n_terms") else lookup(e["answers"], label)
    return Fraction(v) if isinstance(v, str) else v


def _tol(label: str, e: dict) -> float:
    return 0.0 if label.startswith("n_terms") else lookup(e["tolerances"], label)


def _step(label: str) -> str:
    """The step (answer asked) an entry belongs to: ``h_1[0]`` -> ``h_1``."""
    return label.split("[", 1)[0]


def _base(step: str) -> str:
    return re.sub(r"_\d+$", "", step)


class Class:
    """Every simulated student of one build, with what each should score."""

    def __init__(self, folder):
        self.doc = json.loads((folder / "answers.json").read_text())
        self.columns = _columns(folder)
        self.rng = random.Random(15)

    def parts(self, v: dict):
        """(part number, exercise, places, [labels]) of a variant."""
        for n, e in enumerate(v["exercises"], start=1):
            labels = [c.split(":", 1)[1] for c in self.columns if c.startswith(f"p{n}:")]
            yield n, e, e["decimals"] or 4, labels

    def cells(self, v: dict, student=None, part_student=None):
        """{column: typed}: the key typed (``student`` None) or a student's own values;
        ``part_student`` (part, student) answers that one part."""
        out = {}
        for n, e, places, labels in self.parts(v):
            s = part_student[1] if part_student and part_student[0] == n else student
            mine = work(e["kind"], e["params"], s) if s is not None else {}
            for label in labels:
                value = _value(label, e, mine) if s is not None else _key(label, e)
                out[f"p{n}:{label}"] = typed(value, places, True)
        return out

    def careless(self, v: dict, n: int, e: dict, places: int, labels: list[str], mistake: str):
        """A student who makes ``mistake`` at one random step of part n where it shows:
        (step, its answers) or None if it shows nowhere on this sheet."""
        steps = [s for s in dict.fromkeys(_step(lb) for lb in labels)
                 if _base(s) in CATALOGUE[e["kind"]][mistake]]
        self.rng.shuffle(steps)
        right = work(e["kind"], e["params"], Student(places, "all", v["seed"]))
        for step in steps:
            s = Student(places, "all", v["seed"], mistake, at=step)
            mine = work(e["kind"], e["params"], s)
            moved = [(abs(float(_value(lb, e, mine)) - float(_value(lb, e, right))), lb)
                     for lb in labels if _step(lb) == step]
            # it shows, and clearly: every entry it moves goes well past the rounding
            if any(d for d, _ in moved) and all(d == 0 or d > CLEAR * _tol(lb, e) + 1e-9
                                                for d, lb in moved):
                return step, s
        return None


def expected(e: dict, labels: list[str], cells: dict, n: int, step: str, credit: float):
    """What the policy gives a student who made a mistake at ``step``: 1 where the entry is
    within the key's tolerance, 0 on the mistaken step, the credit everywhere else."""
    total = 0.0
    for label in labels:
        x = Fraction(cells[f"p{n}:{label}"])
        if abs(float(x) - float(_key(label, e))) <= _tol(label, e) + 1e-12:
            total += 1
        elif _step(label) != step:
            total += credit
    return total


# --- the tests -----------------------------------------------------------------------------


def test_simulated_class(build):
    """(a) to (d) on every variant, marked by the package's own marker."""
    cls = Class(build)
    _, sheets = load(build)
    by_id = {s.id: s for s in sheets}
    labelled, applicable, coincide, bad_scores = Counter(), Counter(), Counter(), []
    for v in cls.doc["variants"]:
        sheet = by_id[v["id"]]
        full = sum(len(p.entries) for p in sheet.parts)
        right = mark_sheet(sheet, cls.cells(v), CREDIT)
        assert right.total == full, (v["id"], "right")
        rounding = Student(4, "all", v["seed"])
        careful = cls.cells(v, rounding)
        marked = mark_sheet(sheet, careful, CREDIT)
        assert marked.total == full, (v["id"], "rounding",
                                      [(m.entry.column.id, m.typed, m.entry.key)
                                       for p in marked.parts for m in p.marks if m.credit < 1])
        junk = {c: cls.rng.choice(GARBAGE) for c in careful}
        garbage = mark_sheet(sheet, junk, CREDIT)
        assert garbage.total == 0
        assert all(m.verdict == "unreadable" for p in garbage.parts for m in p.marks)
        for n, e, places, labels in cls.parts(v):
            for mistake in CATALOGUE[e["kind"]]:
                found = cls.careless(v, n, e, places, labels, mistake)
                if found is None:
                    continue
                step, student = found
                name = NAMES[e["kind"], mistake]
                applicable[e["kind"], name] += 1
                cells = {**careful, **{c: t for c, t in cls.cells(v, None, (n, student)).items()
                                       if c.startswith(f"p{n}:")}}
                g = mark_sheet(sheet, cells, CREDIT)
                part = g.parts[n - 1]
                want = expected(e, labels, cells, n, step, CREDIT)
                if abs(part.score - want) > 1e-9 or g.total - part.score != full - len(
                        part.marks):
                    bad_scores.append((v["id"], n, e["kind"], mistake, step, part.score, want))
                first = part.first_wrong
                if first is None or _step(first.entry.column.name) != step:
                    bad_scores.append((v["id"], n, mistake, step, "first wrong step",
                                       first and first.entry.column.id))
                wrong = [m for m in part.marks if m.verdict == "wrong"]
                names = {x.name for m in wrong for x in m.mistakes}
                if wrong and all(name in {x.name for x in m.mistakes} for m in wrong):
                    labelled[e["kind"], name] += 1
                for other in names - {name}:
                    coincide[e["kind"], name, other] += 1
    rates = {k: labelled[k] / applicable[k] for k in applicable}
    print("\nlabelled with the right misconception (kind, mistake: rate of students):")
    for k in sorted(applicable):
        print(f"  {k[0]}.{k[1]}: {labelled[k]}/{applicable[k]} = {rates[k]:.1%}")
    if coincide:
        print("also matched by another mistake (same number):")
        for (kind, a, b), c in sorted(coincide.items()):
            print(f"  {kind}: {a} also reads as {b}: {c} students")
    assert not bad_scores, bad_scores[:5]
    assert min(rates.values()) >= 0.95, rates


def test_a_mixed_class_end_to_end(build, tmp_path):
    """The command on one class: right, rounding, careless and garbage students, some in
    CSV and some as sheet.html's JSON; grades.csv, unreadable.csv and the pages agree."""
    cls = Class(build)
    header = ["id", "name", *cls.columns]
    rows, want, junk_cells = [], {}, set()
    mistakes = [(k, m) for k in KINDS for m in CATALOGUE[k]]
    json_files = []
    for i, v in enumerate(cls.doc["variants"]):
        kind = i % 4
        careful = cls.cells(v, Student(4, "all", v["seed"]))
        full = len(careful)
        if kind == 0:
            cells, score = cls.cells(v), full
        elif kind == 1:
            cells, score = careful, full
        elif kind == 2:
            cells, score = careful, full
            k, m = mistakes[(i // 4) % len(mistakes)]
            for n, e, places, labels in cls.parts(v):
                found = cls.careless(v, n, e, places, labels, m) if e["kind"] == k else None
                if found:
                    cells = {**careful, **{c: t for c, t in cls.cells(v, None, (n, found[1]))
                                           .items() if c.startswith(f"p{n}:")}}
                    score = full - len(labels) + expected(e, labels, cells, n, found[0], 1.0)
        else:
            cells = {c: cls.rng.choice(GARBAGE) for c in careful}
            junk_cells |= {(v["id"], c) for c in cells}
            score = 0
        want[v["id"]] = score
        name = f"=HYPERLINK(\"x\") <b>{i}</b>" if i == 5 else f"Student {i}"
        if i % 10 == 9 and kind != 3:  # handed in from sheet.html
            path = tmp_path / f"answers-{v['id']}.json"
            path.write_text(json.dumps({"variant": v["code"], "answers": {
                f"{v['code']}:{c}": t for c, t in cells.items()}}))
            json_files.append(str(path))
            continue
        rows.append([v["id"], name, *(cells.get(c, "") for c in cls.columns)])
    buf = io.StringIO()
    csv.writer(buf).writerows([header, *rows])
    (tmp_path / "class.csv").write_text(buf.getvalue())
    out = tmp_path / "grading"
    result = CliRunner().invoke(main, ["grade", str(build), str(tmp_path / "class.csv"),
                                       *json_files, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{VARIANTS} students marked" in result.output
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        grades = list(csv.DictReader(f))
    assert len(grades) == VARIANTS
    got = {r["id"]: float(r["total"]) for r in grades}
    assert got == pytest.approx(want, abs=0.006)
    assert next(r for r in grades if r["id"] == "6")["name"].startswith("'=HYPERLINK")
    with open(out / "unreadable.csv", newline="", encoding="utf-8") as f:
        listed = {(r["id"], r["entry"]) for r in csv.DictReader(f)}
    assert listed == junk_cells
    report = (out / "report.html").read_text()
    assert "<b>5</b>" not in report and "&lt;b&gt;5&lt;/b&gt;" in report
    assert report.count("<svg") >= 3
    pages = list((out / "feedback").glob("*.html"))
    assert len(pages) == VARIANTS
