"""The public address of a page, for what leaves the site (a notice, a printed QR code, a
payment's return address, an API's link): settings.PUBLIC_BASE_URL joined to the page's path."""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    """`path` (from the site's root, e.g. a `reverse`) under PUBLIC_BASE_URL, whether or not
    the setting ends with a slash."""
    return str(settings.PUBLIC_BASE_URL).rstrip("/") + "/" + path.lstrip("/")
