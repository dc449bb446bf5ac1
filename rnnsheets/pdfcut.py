"""Per-variant PDFs cut from the combined ones (one long TeX run is far cheaper than many).

Cutting uses qpdf (through pikepdf): it copies each variant's pages with only the objects
they use (its fonts, its figures) and writes compressed object streams, so a cut PDF is
about the size of the same variant typeset on its own, in a few milliseconds.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf

from .forked import side_by_side

#: What a cut PDF records: the MD5 of the .tex its pages were typeset from, and its variant.
KEYWORDS = "rnnsheets-source-md5 {md5} variant {code}"
#: The named destination after the last variant, where the key's answer grid begins.
TAIL = "rnnsheets-variants-end"


def open_pdf(data: bytes) -> pikepdf.Pdf:
    """A PDF from its bytes."""
    return pikepdf.open(io.BytesIO(data))


def _destinations(pdf: pikepdf.Pdf) -> dict[str, int]:
    """Each named destination's page (1-based)."""
    pages = {p.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    out = {}
    for name, dest in pikepdf.NameTree(names.Dests).items():
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.D
        if len(dest) and (n := pages.get(dest[0].objgen)) is not None:
            out[str(name)] = n
    return out


def spans(pdf: pikepdf.Pdf, count: int) -> list[tuple[int, int]]:
    """The pages (1-based, inclusive) of each of ``count`` variants, read from the named
    destinations the template puts at each variant's start, after the last one and on
    each blank page put in to start the next on an odd page: the PDF's own structure,
    which no text on a sheet can forge (a log line could be). A variant runs up to the
    next one's start (a mark at its end could float to the next page when the last page
    is full)."""
    return variant_spans(pdf, range(1, count + 1))


def variant_spans(pdf: pikepdf.Pdf, numbers: Sequence[int]) -> list[tuple[int, int]]:
    """The pages of the variants a PDF holds, by their numbers in document order: all of
    them (``spans``), or those of a sample typeset in a document of their own."""
    dests = _destinations(pdf)
    fillers = {n for name, n in dests.items() if name.startswith("rnnsheets-filler-")}
    starts = []
    for n in numbers:
        if (first := dests.get(f"rnnsheets-variant-start-{n}")) is None:
            raise ValueError(f"variant {n} has no page mark in the PDF")
        starts.append(first)
    after = dests.get(TAIL)  # what follows the last (the key's grid)
    ends = [s - 1 for s in starts[1:]] + [after - 1 if after else len(pdf.pages)]
    return [(s, e - (e in fillers)) for s, e in zip(starts, ends)]


def tail_span(pdf: pikepdf.Pdf) -> tuple[int, int] | None:
    """The pages after the last variant (a class set's answer grid), if any."""
    after = _destinations(pdf).get(TAIL)
    return (after, len(pdf.pages)) if after else None


def _pages(source: pikepdf.Pdf, first: int, last: int) -> pikepdf.Pdf:
    cut = pikepdf.new()
    cut.pages.extend(source.pages[first - 1:last])
    return cut


def stamp(cut: pikepdf.Pdf, md5: str, code: str) -> bytes:
    """The cut PDF's bytes, with its source checksum and variant in its Keywords; the same
    pages give the same bytes (the file id is computed from the content)."""
    cut.trailer.Info = cut.make_indirect(pikepdf.Dictionary(
        Keywords=pikepdf.String(KEYWORDS.format(md5=md5, code=code))))
    out = io.BytesIO()
    cut.save(out, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def cut_all(pdf: bytes, md5: str, codes: list[str], parallel: bool = False) -> list[bytes]:
    """Each variant's own PDF, stamped. ``parallel`` (the cores are otherwise idle): the
    second half is cut in a forked child at the same time (qpdf holds the interpreter, so
    threads would not help); if the child fails, its half is cut here after all."""
    source = open_pdf(pdf)
    ranges = list(zip(spans(source, len(codes)), codes, strict=True))

    def cut(part) -> list[bytes]:
        return [stamp(_pages(source, first, last), md5, code) for (first, last), code in part]

    if not parallel or len(ranges) < MIN_PARALLEL:
        return cut(ranges)
    half = len(ranges) // 2
    first, second, _ = side_by_side(lambda: cut(ranges[:half]), lambda: cut(ranges[half:]))
    return first + second


#: Fewer variants than this are cut in one process (a fork costs more than it saves).
MIN_PARALLEL = 16
