"""The report's plots, drawn by matplotlib as inline SVG (text kept as text, no clock
or random ids in the file, so the same marks give the same bytes)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence

_INK, _RIGHT, _PART, _ZERO = "#1f2d3d", "#1b6e3a", "#d9a21b", "#b02a1a"
#: Score bins of the histograms, in percent of the part's marks.
BINS = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001)


def _pyplot():
    import matplotlib

    matplotlib.use("svg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "rnnsheets",
                         "font.size": 9, "axes.edgecolor": _INK, "axes.labelcolor": _INK,
                         "xtick.color": _INK, "ytick.color": _INK, "font.family": "sans-serif"})
    return plt


def _svg(fig, title: str) -> str:
    plt = _pyplot()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE
    label = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" ', text, count=1)


def histograms(panels: Sequence[tuple[str, Sequence[float]]], title: str) -> str:
    """Small multiples: a histogram of scores in percent for each (heading, scores)."""
    plt = _pyplot()
    cols = min(3, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.2 * rows), squeeze=False)
    for ax, (heading, scores) in zip(axes.flat, panels):
        ax.hist(list(scores), bins=BINS, color=_INK, edgecolor="white")
        ax.set_title(heading, fontsize=9)
        ax.set_xlim(0, 100)
        ax.set_xlabel("score (%)")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.tight_layout()
    return _svg(fig, title)


def stacked(rows: Sequence[tuple[str, float, float, float]], title: str) -> str:
    """A horizontal bar per row: the share of students with full, partial and no marks."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(rows) + 0.9))
    labels = [r[0] for r in rows][::-1]
    full, part, zero = ([r[i] for r in rows][::-1] for i in (1, 2, 3))
    ax.barh(labels, full, color=_RIGHT, label="full marks")
    ax.barh(labels, part, left=full, color=_PART, label="part marks")
    ax.barh(labels, zero, left=[a + b for a, b in zip(full, part)], color=_ZERO,
            label="no marks")
    ax.set_xlim(0, 100)
    ax.set_xlabel("students (%)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    fig.tight_layout()
    return _svg(fig, title)


def bars(rows: Sequence[tuple[str, int]], title: str) -> str:
    """A horizontal bar per (label, count), largest first as given."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.3 * len(rows) + 0.8))
    ax.barh([r[0] for r in rows][::-1], [r[1] for r in rows][::-1], color=_ZERO)
    ax.set_xlabel("students")
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    return _svg(fig, title)
