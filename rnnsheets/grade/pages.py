"""What ``grade`` writes: grades.csv for a gradebook, unreadable.csv, a feedback page
per student and report.html for the instructor (tables first, plots beside them)."""

from __future__ import annotations

import functools
import html
import re
import statistics
from collections import Counter
from collections.abc import Sequence

from markupsafe import Markup

from ..exercises import REGISTRY
from ..formats.common import label_text
from ..report import show
from ..responses import text_cell, to_csv
from ..templating import environment
from . import plots
from .mark import CARRIED, MISSING, RIGHT, UNREADABLE, WRONG, Graded

GRADES, UNREADABLE_CSV, REPORT = "grades.csv", "unreadable.csv", "report.html"
_VERDICT = {RIGHT: "right", CARRIED: "follow-through", WRONG: "wrong",
            UNREADABLE: "cannot be read", MISSING: "not given"}


def files(graded: Sequence[Graded], notes: Sequence[str], credit: float,
          title: str) -> dict[str, bytes]:
    """Every output file by its relative path."""
    pages = feedback_names(graded)
    out = {GRADES: grades_csv(graded), UNREADABLE_CSV: unreadable_csv(graded),
           REPORT: report_html(graded, notes, credit, title, pages).encode("utf-8")}
    for g, name in zip(graded, pages):
        out[name] = feedback_html(g, credit, title).encode("utf-8")
    return out


def number(x: float) -> str:
    """A score as a gradebook reads it: 7, 7.5, 6.67."""
    return f"{round(x, 2):g}"


def grades_csv(graded: Sequence[Graded]) -> bytes:
    """id, name, each part's score, total, the marks possible and the percentage."""
    parts = max((len(g.parts) for g in graded), default=0)
    rows: list[list[object]] = [["id", "name", *(f"p{n}" for n in range(1, parts + 1)),
                                 "total", "out_of", "percent"]]
    for g in graded:
        rows.append([text_cell(g.sheet.id), text_cell(g.name),
                     *(number(p.score) for p in g.parts), *([""] * (parts - len(g.parts))),
                     number(g.total), g.maximum,
                     number(100 * g.total / g.maximum) if g.maximum else ""])
    return to_csv(rows)


def unreadable_csv(graded: Sequence[Graded]) -> bytes:
    """Every cell that could not be read as a number (each scored 0)."""
    rows: list[list[object]] = [["source", "id", "name", "entry", "typed"]]
    for g in graded:
        for p in g.parts:
            for m in p.marks:
                if m.verdict == UNREADABLE:
                    rows.append([text_cell(g.source), text_cell(g.sheet.id), text_cell(g.name),
                                 m.entry.column.id, text_cell(m.typed or "")])
    return to_csv(rows)


def feedback_names(graded: Sequence[Graded]) -> list[str]:
    """feedback/<id>.html for each student, with the id kept to safe characters."""
    seen: Counter[str] = Counter()
    out = []
    for g in graded:
        base = re.sub(r"[^A-Za-z0-9._-]", "_", g.sheet.id).lstrip(".") or "student"
        seen[base] += 1
        out.append(f"feedback/{base}{'' if seen[base] == 1 else '-' + str(seen[base])}.html")
    return out


@functools.lru_cache(maxsize=4096)
def _label(latex: str) -> str:
    return html.escape(label_text(latex))


def _rows(p) -> Markup:
    """A part's table rows: each entry, the student's answer, the key, the verdict and the
    mark (written here rather than in the template: a class has tens of thousands)."""
    first = p.first_wrong
    out = []
    for m in p.marks:
        says = _VERDICT[m.verdict] + (" (first wrong step)" if m is first else "")
        if m.verdict == WRONG and m.expected is not None:
            says += f"; from your earlier numbers: {show(m.expected)}"
        says += "".join(f"; looks like: {x.title}" for x in m.mistakes)
        out.append(f'<tr class="{m.verdict}{" first" if m is first else ""}">'
                   f"<td>{_label(m.entry.column.label)}</td>"
                   f'<td class="num">{html.escape(m.typed or "")}</td>'
                   f'<td class="num">{html.escape(show(m.entry.key))}</td>'
                   f'<td class="verdict">{html.escape(says)}</td>'
                   f'<td class="num">{number(m.credit)}</td></tr>')
    return Markup("\n".join(out))


def feedback_html(g: Graded, credit: float, title: str) -> str:
    """One student's page: each part's entries, their answer beside the key, the credit,
    the first wrong step and the misconceptions named."""
    parts = [{"number": p.part.number, "title": REGISTRY[p.part.kind].TITLE,
              "score": number(p.score), "out_of": len(p.marks), "rows": _rows(p),
              "first": p.first_wrong, "mistakes": p.mistakes} for p in g.parts]
    return environment("html").get_template("feedback.html.j2").render(
        title=title, g=g, parts=parts, total=number(g.total), credit=number(credit),
        label=lambda m: label_text(m.entry.column.label), show=show)


def _share(scores: Sequence[float], full: float) -> tuple[float, float, float]:
    n = len(scores) or 1
    whole = sum(s >= full - 1e-9 for s in scores)
    none = sum(s <= 1e-9 for s in scores)
    return 100 * whole / n, 100 * (len(scores) - whole - none) / n, 100 * none / n


def _summary(values: Sequence[float]) -> dict:
    if not values:
        return {"mean": "", "median": "", "low": "", "high": ""}
    return {"mean": number(statistics.fmean(values)), "median": number(statistics.median(values)),
            "low": number(min(values)), "high": number(max(values))}


def report_html(graded: Sequence[Graded], notes: Sequence[str], credit: float, title: str,
                pages: Sequence[str]) -> str:
    """The instructor's report: score distributions per part and per question, the
    misconceptions counted, follow-through credit given, what could not be read."""
    part_scores: dict[tuple[int, str], list[float]] = {}
    question_scores: dict[tuple[int, str], list[tuple[float, int]]] = {}
    mistakes: Counter[tuple[int, str, str]] = Counter()
    explain: dict[tuple[int, str, str], str] = {}
    carried = Counter()
    unreadable = []
    for g in graded:
        for p in g.parts:
            kind = p.part.kind
            part_scores.setdefault((p.part.number, kind), []).append(
                100 * p.score / len(p.marks) if p.marks else 0.0)
            per_q: dict[str, list[float]] = {}
            for m in p.marks:
                column = m.entry.column  # as the sheet names it: (b) step_1
                per_q.setdefault(f"{column.item} {column.question}", []).append(m.credit)
                carried[m.verdict] += 1
                if m.verdict == UNREADABLE:
                    unreadable.append((g, m))
            for q, credits in per_q.items():
                question_scores.setdefault((p.part.number, q), []).append(
                    (sum(credits), len(credits)))
            for x in p.mistakes:
                mistakes[(p.part.number, kind, x.name)] += 1
                explain[(p.part.number, kind, x.name)] = f"{x.title}: {x.why}"
    parts = [{"number": n, "kind": kind, "title": REGISTRY[kind].TITLE, "n": len(v),
              **_summary(v)} for (n, kind), v in sorted(part_scores.items())]
    questions = []
    for (n, q), v in sorted(question_scores.items()):
        full, part, zero = _share([s for s, _ in v], v[0][1])
        questions.append({"part": n, "id": q, "entries": v[0][1], "n": len(v),
                          "mean": number(100 * statistics.fmean(s / c for s, c in v)),
                          "full": number(full), "partial": number(part), "zero": number(zero),
                          "plot": (f"p{n} {q}", full, part, zero)})
    ranked = [{"part": n, "kind": kind, "name": name, "count": c, "why": explain[(n, kind, name)]}
              for (n, kind, name), c in mistakes.most_common()]
    totals = [100 * g.total / g.maximum for g in graded if g.maximum]
    figures = {}
    if graded:
        figures["parts"] = plots.histograms(
            [("All parts", totals)] + [(f"Part {p['number']} ({p['kind']})",
                                        part_scores[(p["number"], p["kind"])]) for p in parts],
            "Histograms of the scores in percent, in all and per part")
        figures["questions"] = plots.stacked([q["plot"] for q in questions],
                                             "Share of students with full, part and no marks "
                                             "per question")
    if ranked:
        figures["mistakes"] = plots.bars(
            [(f"p{r['part']} {r['name']}", r["count"]) for r in ranked[:15]],
            "The most common misconceptions, students per misconception")
    return environment("html").get_template("report.html.j2").render(
        title=title, n=len(graded), total=_summary(totals), parts=parts, questions=questions,
        mistakes=ranked, figures=figures, notes=notes, credit=number(credit),
        counts={_VERDICT[k]: v for k, v in carried.items()},
        unreadable=[{"id": g.sheet.id, "name": g.name, "source": g.source,
                     "entry": m.entry.column.id, "typed": m.typed} for g, m in unreadable],
        students=[{"id": g.sheet.id, "name": g.name, "page": page, "total": number(g.total),
                   "out_of": g.maximum} for g, page in zip(graded, pages)])
