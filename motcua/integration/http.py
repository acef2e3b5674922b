"""The one HTTP client of the adapters to national systems.

An adapter names its system and gets a client with that system's base address and timeout;
a call that cannot complete (refused connection, timeout, a 5xx answer) raises
`NationalSystemUnavailable`, which pages turn into "the national system is not answering" and
the outbox into a retry.
"""

from __future__ import annotations

import httpx
from django.conf import settings


class NationalSystemUnavailable(Exception):
    def __init__(self, system: str, reason: str) -> None:
        super().__init__(f"{system}: {reason}")
        self.system = system
        self.reason = reason


def client(base_url: str, *, timeout: float | None = None) -> httpx.Client:
    seconds = settings.NATIONAL_WAIT_SECONDS if timeout is None else timeout
    return httpx.Client(base_url=base_url, timeout=httpx.Timeout(seconds),
                        headers={"User-Agent": "Motcua"})


def sandbox_url(path: str = "") -> str:
    """An address in the sandbox of national systems (the default of every adapter)."""
    return str(settings.NATIONAL_SANDBOX_URL).rstrip("/") + path


def call(system: str, client: httpx.Client, method: str, path: str,
         **kwargs: object) -> httpx.Response:
    """One request; a transport failure or a 5xx answer becomes NationalSystemUnavailable."""
    try:
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
    except httpx.TimeoutException:
        raise NationalSystemUnavailable(system, "timed out") from None
    except httpx.TransportError as error:
        raise NationalSystemUnavailable(system, f"unreachable ({error})") from None
    if response.status_code >= 500:
        raise NationalSystemUnavailable(system, f"answered {response.status_code}")
    return response
