"""The processing tests' small province (a commune's People's Committee with specialists, a
head and a leader, a tax agency, an inter-agency process for the test procedure), and the
pages' clock."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.dossiers.tests.factories import at
from motcua.processing.tests.conftest import World, world  # noqa: F401 - a fixture

__all__ = ["World"]


@pytest.fixture
def clock(monkeypatch):
    """The pages' clock (and the actions'), set by the test: a Monday morning by default."""
    now = {"t": at("10:00 16/11/2026")}
    monkeypatch.setattr(timezone, "now", lambda: now["t"])

    def set_to(text: str) -> None:
        now["t"] = at(text)
    return set_to
