"""PDF handling before signing: a scanned image becomes a PDF (img2pdf: the JPEG's bytes kept
as they are, a PNG losslessly; on an A4 page, turned to fit), a PDF that opens only through its
(empty) user password is written out plain (pyHanko signs by incremental update and cannot
update an encrypted file), pages are counted and appended, and the visible stamp is placed in
the last page's bottom right corner whatever the page's size.

Every input here has passed the upload checks (dossiers.uploads) already."""

from __future__ import annotations

import io
import logging

import img2pdf
import pikepdf

from motcua.dossiers.uploads import JPEG, PDF, PNG

SCANS = (PDF, JPEG, PNG)  # what a scan of a paper document may be
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 220, 62, 18

# img2pdf tells through logging that it computes a soft mask for a PNG with transparency
logging.getLogger("img2pdf").setLevel(logging.ERROR)


def as_pdf(data: bytes, content_type: str) -> bytes:
    """The scan as a PDF that pyHanko can sign."""
    if content_type in (JPEG, PNG):
        layout = img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into, auto_orient=True)
        try:
            converted: bytes = img2pdf.convert(data, layout_fun=layout,
                                               rotation=img2pdf.Rotation.ifvalid)
        except Exception as error:  # img2pdf's own errors: an image it cannot put in a PDF
            raise ValueError(f"the image cannot be made a PDF: {error}") from error
        return converted
    if content_type != PDF:
        raise ValueError(f"not a scan: {content_type}")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not pdf.is_encrypted:
            return data
        out = io.BytesIO()
        pdf.save(out)  # without its encryption (it opened without a password)
        return out.getvalue()


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def append(first: bytes, then: bytes) -> bytes:
    """`first`'s pages followed by `then`'s, as one new PDF."""
    with pikepdf.open(io.BytesIO(first)) as pdf, pikepdf.open(io.BytesIO(then)) as extra:
        pdf.pages.extend(extra.pages)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def corner_box(data: bytes) -> tuple[int, int, int, int]:
    """The stamp's box in the last page's bottom right corner, in its coordinates."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        x0, y0, x1, _y1 = (float(v) for v in pdf.pages[-1].mediabox)
    right = int(x1) - STAMP_MARGIN
    left = max(int(x0), right - STAMP_WIDTH)
    bottom = int(y0) + STAMP_MARGIN
    return left, bottom, right, bottom + STAMP_HEIGHT
