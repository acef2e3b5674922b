"""QR code of the public tracking address, as an SVG data URI for the slip's <img>."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=256)
def qr_data_uri(text: str) -> str:
    # Error correction M survives a creased or slightly stained paper slip.
    return segno.make(text, error="m", micro=False).svg_data_uri(border=2, dark="#000")
