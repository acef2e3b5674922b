"""What the personal-data adapters share: the choice by settings and the sandbox HTTP call.

Each system (population, business, civil_status, judicial) has an interface (a Protocol in its
module) and a class named in settings.NATIONAL_ADAPTERS[system]; the HTTP implementations talk
to settings.NATIONAL_URLS[system] (empty: the sandbox of national systems) with the
data-sharing platform's client credential and the purpose of the call (header X-Purpose).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

from motcua.integration.http import NationalSystemUnavailable, call, client, sandbox_url


class LookupRefused(Exception):
    """The system refused the question itself (a malformed number): not worth retrying."""


def adapter(system: str) -> Any:
    return import_string(settings.NATIONAL_ADAPTERS[system])()


def base_url(system: str) -> str:
    return str(settings.NATIONAL_URLS.get(system) or sandbox_url())


def get_json(system: str, path: str, purpose: str) -> dict[str, Any] | None:
    """GET a lookup: its JSON, None when the system knows nothing (404); LookupRefused on a
    400, NationalSystemUnavailable when it does not answer in time, answers 5xx, refuses our
    credential or answers something that is not JSON."""
    auth = httpx.BasicAuth(settings.NATIONAL_CLIENT_ID, settings.NATIONAL_CLIENT_SECRET)
    with client(base_url(system)) as http:
        response = call(system, http, "GET", path, auth=auth,
                        headers={"X-Purpose": quote(purpose[:200]) or "-",
                                 "Accept": "application/json"})
    if response.status_code == 404:
        return None
    if response.status_code in (401, 403):
        raise NationalSystemUnavailable(system, "refused our credential")
    if response.status_code >= 400:
        raise LookupRefused(f"{system}: answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise NationalSystemUnavailable(system, "answered something that is not JSON") from None
    if not isinstance(body, dict):
        raise NationalSystemUnavailable(system, "answered an unexpected shape")
    return body
