"""Per-variant PDFs cut from the combined ones (one long TeX run is far cheaper than many)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader, PdfWriter

#: What a cut PDF records: the MD5 of the .tex its pages were typeset from, and its variant.
KEYWORDS = "rnnsheets-source-md5 {md5} variant {code}"


def spans(reader: PdfReader, count: int) -> list[tuple[int, int]]:
    """The pages (1-based, inclusive) of each of ``count`` variants, read from the named
    destinations the template puts at each variant's start and end: the PDF's own
    structure, which no text on a sheet can forge (a log line could be)."""
    dests = reader.named_destinations
    out = []
    for n in range(1, count + 1):
        first, last = (dests.get(f"rnnsheets-variant-{end}-{n}") for end in ("start", "end"))
        if first is None or last is None:
            raise ValueError(f"variant {n} has no page marks in the PDF")
        out.append((reader.get_destination_page_number(first) + 1,
                    reader.get_destination_page_number(last) + 1))
    return out


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
