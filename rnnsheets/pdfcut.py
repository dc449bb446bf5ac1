"""Per-variant PDFs cut from the combined ones (one long TeX run is far cheaper than many)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader, PdfWriter

#: What a cut PDF records: the MD5 of the .tex its pages were typeset from, and its variant.
KEYWORDS = "rnnsheets-source-md5 {md5} variant {code}"


def spans(reader: PdfReader, count: int) -> list[tuple[int, int]]:
    """The pages (1-based, inclusive) of each of ``count`` variants, read from the named
    destinations the template puts at each variant's start, after the last one and on
    each blank page put in to start the next on an odd page: the PDF's own structure,
    which no text on a sheet can forge (a log line could be). A variant runs up to the
    next one's start (a mark at its end could float to the next page when the last page
    is full)."""
    dests = reader.named_destinations
    page = reader.get_destination_page_number
    fillers = {page(d) + 1 for name, d in dests.items() if name.startswith("rnnsheets-filler-")}
    starts = []
    for n in range(1, count + 1):
        if (first := dests.get(f"rnnsheets-variant-start-{n}")) is None:
            raise ValueError(f"variant {n} has no page mark in the PDF")
        starts.append(page(first) + 1)
    after = dests.get("rnnsheets-variants-end")  # what follows the last (the key's grid)
    ends = [s - 1 for s in starts[1:]] + [page(after) if after else len(reader.pages)]
    return [(s, e - (e in fillers)) for s, e in zip(starts, ends)]


def slice_pdf(pdf: bytes, count: int) -> Iterator[PdfWriter]:
    """A writer holding the pages of each of the ``count`` variants of a combined PDF."""
    reader = PdfReader(io.BytesIO(pdf))
    for first, last in spans(reader, count):
        writer = PdfWriter()
        for page in reader.pages[first - 1:last]:
            writer.add_page(page)
        yield writer


def stamp(writer: PdfWriter, md5: str, code: str) -> bytes:
    """The cut PDF's bytes, with its source checksum and variant in its Keywords."""
    writer.add_metadata({"/Keywords": KEYWORDS.format(md5=md5, code=code)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
