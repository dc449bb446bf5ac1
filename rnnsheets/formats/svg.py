"""The unrolled RNN as an inline SVG, for the HTML sheet (the PDF draws it with TikZ).

Sizes are chosen so that the widest figure (8 steps) keeps every letter at 12 px or more
when the page is 1280 px wide. Arrowheads are drawn as shapes of their own, not as a
marker, so a page with many figures has no ids to clash, and sit clear of the labels."""

from __future__ import annotations

import math

from ..questions import Figure

_STEP, _LEFT = 100, 80
_Y = {"o": 30, "h": 110, "x": 190}
_R, _BOX = 20, (40, 26)  # a hidden state's radius; an input or output box
_HOT, _INK = "#c0392b", "#1f2d3d"
_NAME, _SUB, _EDGE = 18, 14, 15  # font sizes: node letters, their subscripts, edge labels
#: The least a figure is scaled on screen (its smallest letters stay at 12 px); a narrower
#: screen scrolls it.
_MIN_SCALE = 12 / _SUB


def unrolled(fig: Figure, show_init: bool = True) -> str:
    """SVG markup: inputs below, hidden states joined by V, outputs above; a term's path in red."""
    steps = list(fig.steps)
    left = _LEFT if show_init else 30
    width = left + _STEP * len(steps) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} 220" '
             f'width="{width}" height="220" class="rnn" '
             f'style="min-width: {math.ceil(width * _MIN_SCALE)}px">',
             f"<title>{fig.caption or 'The RNN unrolled over ' + str(len(steps)) + ' steps'}"
             "</title>"]

    def on(t: int, what: str) -> bool:
        if fig.output is None:
            return False
        if what == "h":
            return fig.step <= t <= fig.output
        if what == "o":
            return t == fig.output
        if what == "x":
            return t == fig.step
        return fig.step < t <= fig.output  # the V edge into step t

    def colour(hot: bool) -> str:
        return _HOT if hot else _INK

    def edge(x1, y1, x2, y2, hot):
        parts.append(_arrow(x1, y1, x2, y2, colour(hot), 3 if hot else 1.5))

    def edge_label(x, y, label, anchor="end"):
        parts.append(f'<text x="{x}" y="{y}" font-size="{_EDGE}" font-style="italic" '
                     f'text-anchor="{anchor}" fill="{_INK}">{label}</text>')

    def box(cx, cy, label, hot):
        w, h = _BOX
        parts.append(f'<rect x="{cx - w // 2}" y="{cy - h // 2}" width="{w}" height="{h}" '
                     f'rx="4" fill="white" stroke="{colour(hot)}" '
                     f'stroke-width="{3 if hot else 1.5}"/>')
        _label(parts, cx, cy, label, colour(hot))

    def circle(cx, cy, label, hot, dashed=False):
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="{_R}" fill="white" '
                     f'stroke="{colour(hot)}" stroke-width="{3 if hot else 1.5}"{dash}/>')
        _label(parts, cx, cy, label, colour(hot))

    half = _BOX[1] // 2
    if show_init:
        circle(left - _STEP + 50, _Y["h"], ("h", "−1"), False, dashed=True)
    for n, t in enumerate(steps):
        cx = left + 20 + _STEP * n
        # labels beside the shaft, on the side away from the arrowhead's tip
        edge(cx, _Y["x"] - half, cx, _Y["h"] + _R + 1, on(t, "x"))
        edge_label(cx - 8, (_Y["x"] - half + _Y["h"] + _R) // 2 + 10, "W")
        edge(cx, _Y["h"] - _R, cx, _Y["o"] + half + 1, on(t, "o"))
        edge_label(cx - 8, (_Y["h"] - _R + _Y["o"] + half) // 2 + 12, "C")
        if n or show_init:
            x1 = cx - _STEP + _R if n else left - _STEP + 50 + _R
            edge(x1 + 1, _Y["h"], cx - _R - 1, _Y["h"], on(t, "v") and n > 0)
            edge_label((x1 + cx - _R - 12) // 2, _Y["h"] - 7, "V", "middle")
        box(cx, _Y["x"], ("x", str(t)), on(t, "x"))
        circle(cx, _Y["h"], ("h", str(t)), on(t, "h"))
        box(cx, _Y["o"], ("o", str(t)), on(t, "o"))
    parts.append("</svg>")
    return "".join(parts)


def _arrow(x1: float, y1: float, x2: float, y2: float, ink: str, width: float) -> str:
    """A line from (x1, y1) whose head's tip touches (x2, y2)."""
    length, half = 4 + 2.5 * width, 2 + 1.3 * width
    dx, dy = x2 - x1, y2 - y1
    norm = math.hypot(dx, dy)
    ux, uy = dx / norm, dy / norm
    bx, by = x2 - ux * length, y2 - uy * length  # the middle of the head's base

    def pt(x: float, y: float) -> str:
        return f"{x:.1f},{y:.1f}"

    return (f'<line x1="{x1}" y1="{y1}" x2="{bx + ux:.1f}" y2="{by + uy:.1f}" stroke="{ink}" '
            f'stroke-width="{width}"/><polygon class="head" points="{pt(x2, y2)} '
            f'{pt(bx - uy * half, by + ux * half)} {pt(bx + uy * half, by - ux * half)}" '
            f'fill="{ink}"/>')


def _label(parts: list, cx: float, cy: float, label: tuple[str, str], fill: str) -> None:
    name, sub = label
    parts.append(f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="{_NAME}" '
                 f'font-style="italic" fill="{fill}">{name}<tspan font-size="{_SUB}" dy="4" '
                 f'font-style="normal">{sub}</tspan></text>')
