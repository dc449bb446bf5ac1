"""Per-variant PDFs cut from the combined ones (one long TeX run is far cheaper than many)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader, PdfWriter

#: What a cut PDF records: the MD5 of the .tex its pages were typeset from, and its variant.
KEYWORDS = "rnnsheets-source-md5 {md5} variant {code}"


def slice_pdf(pdf: bytes, spans: list[tuple[int, int]]) -> Iterator[PdfWriter]:
    """A writer holding pages first..last (1-based, inclusive) for each span."""
    reader = PdfReader(io.BytesIO(pdf))
    for first, last in spans:
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
