"""The time model against the timings it was fitted to, and the budget it keeps."""

from __future__ import annotations

from click.testing import CliRunner

from rnnsheets.cli import main
from rnnsheets.config import load_settings
from rnnsheets.sheet import draw_variant
from rnnsheets.timing import Work, part_minutes

#: The earlier default sheet that an instructor timed, part by part (minutes).
TIMED = {"bptt": {"expand": [1, 2, 3], "gradients": ["W", "V", "b", "C"], "entry": True,
                  "continue": False},
         "bigram_rnn": {"steps": 2, "general": True},
         "bigram": {"sentences": 3, "vocab": 5, "query_length": 2}}
MEASURED = {"part 1": (8, 10), "part 2": (8, 12), "part 3": (12, 15), "4(a-d)": (10, 12),
            "4(e)": (15, 25), "4(f)": (2, 4), "all": (60, 75)}


def test_the_model_lands_inside_each_measured_timing():
    settings = load_settings(None, TIMED)
    for seed in range(20):
        qs = draw_variant(seed, "1", settings).questions()
        four = {q.id: q.work.minutes for q in qs[3]}
        model = {"part 1": part_minutes(qs[0]), "part 2": part_minutes(qs[1]),
                 "part 3": part_minutes(qs[2]),
                 "4(a-d)": 1 + sum(m for k, m in four.items()
                                   if k.startswith("expansion") or k == "n_terms"),
                 "4(e)": four["gradients"], "4(f)": four["entry"],
                 "all": sum(part_minutes(q) for q in qs)}
        for part, (lo, hi) in MEASURED.items():
            assert lo <= model[part] <= hi, (seed, part, model[part])


def test_work_adds_up_and_costs_what_the_rates_say():
    w = Work(mac=4, write=2) + Work(read=0, func=1)
    assert w == Work(read=1, mac=4, write=2, func=1)
    assert abs(w.minutes - (1.0 + 4 * 0.2 + 2 * 0.1 + 0.35)) < 1e-12


def test_the_key_opens_with_the_time_and_answers_json_records_it(tmp_path):
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--no-pdf", "--out",
                                  str(tmp_path)])
    assert r.exit_code == 0, r.output
    key = (tmp_path / "key.tex").read_text()
    import json
    doc = json.loads((tmp_path / "answers.json").read_text())
    minutes = [e["minutes"] for e in doc["variants"][0]["exercises"]]
    assert all(m > 0 for m in minutes) and sum(minutes) <= 50
    total = f"in all {sum(minutes):g} minutes"
    assert "\\textbf{Time.} Part 1: " in key and total in key


def test_a_budget_keeps_the_parts_that_fit_and_names_the_rest(tmp_path):
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--no-pdf", "--minutes", "35",
                                  "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    assert "left out to fit 35 minutes: part 4 (bptt" in r.output
    import json
    doc = json.loads((tmp_path / "a/answers.json").read_text())
    kept = doc["variants"][0]["exercises"]
    assert [e["kind"] for e in kept] == ["forward", "bigram", "bigram_rnn"]
    assert sum(e["minutes"] for e in kept) <= 35
    r = CliRunner().invoke(main, ["generate", "--seed", "3", "--no-pdf", "--minutes", "5",
                                  "--out", str(tmp_path / "b")])
    assert r.exit_code == 2 and "--minutes: 5 minutes is too short" in r.output
    assert not (tmp_path / "b").exists()
