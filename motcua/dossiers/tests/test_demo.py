"""The demo loader: real actions, every status and timeliness class, idempotent."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.demo import build_demo_dossiers, demo_dossiers
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Status
from motcua.dossiers.serializers import timeliness_of
from motcua.org.identifiers import validate_personal_id, validate_tax_code
from motcua.org.models import User
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> str:
    """`load_demo` with 60 dossiers (the fast password hasher comes from conftest)."""
    out = io.StringIO()
    call_command("load_demo", "--count", "60", stdout=out)
    return out.getvalue()


def test_load_demo_covers_every_status_and_timeliness_through_allowed_actors(loaded):
    dossiers = list(demo_dossiers().select_related("procedure_version"))
    assert len(dossiers) == 60
    assert "Demo dossiers: 60 (60 created now" in loaded

    assert {d.status for d in dossiers} == {int(s) for s in Status}
    classes = Counter(timeliness_of(d) for d in dossiers)
    assert {"early", "on_time", "late", "in_time", "overdue"} <= set(classes)

    codes = [d.code for d in dossiers]
    assert len(set(codes)) == len(codes)
    assert {d.channel for d in dossiers} == {Channel.COUNTER, Channel.ONLINE}
    assert len({d.receiving_agency_id for d in dossiers}) >= 2
    assert len({d.procedure_id for d in dossiers}) >= 10

    for d in dossiers:  # valid identifiers; online dossiers belong to demo citizens
        if d.applicant_kind == "person":
            validate_personal_id(d.applicant_id_number)
        else:
            validate_tax_code(d.applicant_tax_code)
        if d.channel == Channel.ONLINE:
            assert d.account is not None and d.account.kind == User.Kind.CITIZEN

    now, calendar = timezone.now(), get_calendar()
    events = DossierEvent.objects.filter(dossier__in=dossiers).select_related("actor")
    for e in events:
        assert e.at <= now
        assert e.actor is not None
        if e.actor.kind == User.Kind.STAFF:
            # acted for an agency where the account holds a role on this dossier, in hours.
            # (return_interagency closes the handover before its event is written, so the
            # agency the dossier was handed to is not found as the acting agency.)
            if e.action != "return_interagency":
                assert e.agency_id is not None, (e.dossier_id, e.action, e.actor.username)
            assert calendar.next_working_moment(e.at) == e.at.astimezone(TZ)
    actions = Counter(e.action for e in events)
    for action in ("request_supplement", "receive_supplement", "request_payment",
                   "confirm_payment", "send_interagency", "return_interagency", "apologize",
                   "refuse", "withdraw", "stop", "return_result"):
        assert actions[action], action
    late = [d for d in dossiers if timeliness_of(d) == "late"]
    assert any(d.apologies for d in late)


def test_load_demo_again_adds_nothing(loaded):
    dossiers, events = Dossier.objects.count(), DossierEvent.objects.count()
    out = io.StringIO()
    call_command("load_demo", "--count", "60", stdout=out)
    assert "Demo dossiers: 60 (0 created now)" in out.getvalue()
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (dossiers, events)
    assert build_demo_dossiers(60)["created"] == 0


def test_demo_logins_prints_urls_with_a_real_code_and_the_accounts(loaded):
    out = io.StringIO()
    call_command("demo_logins", "--port", "8123", stdout=out)
    text = out.getvalue()
    code = next(line.rsplit("/", 1)[1] for line in text.splitlines()
                if "/api/v1/tracking/" in line)
    assert Dossier.objects.filter(code=code).exists()
    for expected in ("http://127.0.0.1:8123/api/docs/", "/healthz", f"/tra-cuu/{code}",
                     "officer.hoalu", "specialist.hoalu", "citizen.an", "Motcua@2026"):
        assert expected in text
