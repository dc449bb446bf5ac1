"""What ``check`` found: problems (each one line), notes, and how much was checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from . import numfmt


@dataclass
class Report:
    """Problems and notes, one line each, and tallies of what was checked."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """No problem found."""
        return not self.problems

    def count(self, what: str, n: int = 1) -> None:
        """Add to a tally shown in the summary."""
        self.counts[what] = self.counts.get(what, 0) + n

    def summary(self) -> str:
        """One closing line."""
        tally = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        verdict = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return f"{verdict}: checked {tally}" if tally else verdict


def show(x) -> str:
    """A value as a message shows it: exact decimals, p/q with its decimal, floats to 6."""
    if type(x) is Fraction:
        text = numfmt.plain(x, 4)
        if "/" in text:
            return f"{text} (about {numfmt.rounded(x, numfmt.approx_places(x))})"
        return text
    if isinstance(x, float):
        return numfmt.rounded(x, 6).rstrip("0").rstrip(".") or "0"
    return str(x)
