"""HTML -> PDF with WeasyPrint; the font configuration and stylesheet are built once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEET = Path(__file__).with_name("slips.css")

_lock = threading.Lock()
# (FontConfiguration, CSS): WeasyPrint has no type information, so they are Any to mypy.
_state: tuple[Any, Any] | None = None


def _fonts_and_css() -> tuple[Any, Any]:
    global _state
    state = _state
    if state is None:
        with _lock:
            if _state is None:
                font_config = FontConfiguration()
                css = CSS(filename=str(STYLESHEET), font_config=font_config)
                _state = (font_config, css)
            state = _state
    return state


def html_to_pdf(html: str) -> bytes:
    font_config, css = _fonts_and_css()
    # Slips embed their images as data: URIs; nothing is ever fetched from a file or network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=font_config)
    return pdf
