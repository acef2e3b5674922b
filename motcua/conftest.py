"""Fixtures shared by every app's tests: a small province with agencies, staff and a procedure."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from motcua.tests.browser import browser, chromium  # noqa: F401 - fixtures of browser tests
from motcua.tests.builders import Org, build_org, build_procedure
from motcua.tests.sandbox import sandbox, sandbox_server  # noqa: F401 - the national systems


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - pytest-django's, wrapped
    """pytest-django's test databases, and before they are dropped, on PostgreSQL, the end of
    the sessions other processes of the tests opened on them (the servers a test started and
    stopped: a backend outlives its client's exit by a moment, and the drop would fail with
    "being accessed by other users", leaving the database behind)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2 is deliberately slow; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_calendar():
    """The working calendar is cached per process; each test starts from its own overrides."""
    from motcua.workcalendar.service import reset_calendar

    reset_calendar()
    yield
    reset_calendar()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def org(db) -> Org:
    return build_org()


@pytest.fixture
def procedure(db):
    """A 3-working-day commune procedure in force since 2025."""
    return build_procedure(code="1.004873", duration=3, unit="working_days",
                           effective_from=dt.date(2025, 7, 1))
