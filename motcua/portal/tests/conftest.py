from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.importers import load_procedures

START = dt.date(2025, 7, 1)


@pytest.fixture
def catalogue(db):
    """The bundled 37 real procedures, in force since 1 July 2025."""
    load_procedures(effective_from=START)
