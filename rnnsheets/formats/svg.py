"""The unrolled RNN as an inline SVG, for the HTML sheet (the PDF draws it with TikZ)."""

from __future__ import annotations

from ..questions import Figure

_STEP, _LEFT = 110, 80
_Y = {"o": 30, "h": 110, "x": 190}
_HOT, _INK = "#c0392b", "#1f2d3d"


def unrolled(fig: Figure, show_init: bool = True) -> str:
    """SVG markup: inputs below, hidden states joined by V, outputs above; a term's path in red."""
    steps = list(fig.steps)
    left = _LEFT if show_init else 30
    width = left + _STEP * len(steps) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} 220" '
             f'width="{width}" height="220" class="rnn">',
             f"<title>{fig.caption or 'The RNN unrolled over ' + str(len(steps)) + ' steps'}"
             "</title>",
             '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
             'fill="context-stroke"/></marker></defs>']

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

    def edge(x1, y1, x2, y2, label, hot, lx, ly):
        w = 3 if hot else 1.5
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour(hot)}" '
                     f'stroke-width="{w}" marker-end="url(#a)"/>')
        parts.append(f'<text x="{lx}" y="{ly}" font-size="12" font-style="italic">{label}</text>')

    def box(cx, cy, label, hot):
        parts.append(f'<rect x="{cx - 20}" y="{cy - 13}" width="40" height="26" rx="4" '
                     f'fill="white" stroke="{colour(hot)}" stroke-width="{3 if hot else 1.5}"/>')
        _label(parts, cx, cy, label, colour(hot))

    def circle(cx, cy, label, hot, dashed=False):
        dash = ' stroke-dasharray="4 3"' if dashed else ""
        parts.append(f'<circle cx="{cx}" cy="{cy}" r="20" fill="white" stroke="{colour(hot)}" '
                     f'stroke-width="{3 if hot else 1.5}"{dash}/>')
        _label(parts, cx, cy, label, colour(hot))

    if show_init:
        circle(left - _STEP + 60, _Y["h"], ("h", "−1"), False, dashed=True)
    for n, t in enumerate(steps):
        cx = left + 20 + _STEP * n
        edge(cx, _Y["x"] - 13, cx, _Y["h"] + 21, "W", on(t, "x"), cx - 16, 155)
        edge(cx, _Y["h"] - 21, cx, _Y["o"] + 14, "C", on(t, "o"), cx - 16, 75)
        if n or show_init:
            x1 = cx - _STEP + 20 if n else left - _STEP + 80
            edge(x1 + 1, _Y["h"], cx - 21, _Y["h"], "V", on(t, "v") and n > 0,
                 (x1 + cx) / 2 - 4, _Y["h"] - 6)
        box(cx, _Y["x"], ("x", str(t)), on(t, "x"))
        circle(cx, _Y["h"], ("h", str(t)), on(t, "h"))
        box(cx, _Y["o"], ("o", str(t)), on(t, "o"))
    parts.append("</svg>")
    return "".join(parts)


def _label(parts: list, cx: float, cy: float, label: tuple[str, str], fill: str) -> None:
    name, sub = label
    parts.append(f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="15" '
                 f'font-style="italic" fill="{fill}">{name}<tspan font-size="10" dy="4" '
                 f'font-style="normal">{sub}</tspan></text>')
