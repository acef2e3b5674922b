"""The demo loader: real actions, every status and timeliness class, idempotent; the internal
processes in force after the historical dossiers, and current dossiers that fill every
worklist view of the demo officers."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from motcua.demo import processes as process_demo
from motcua.demo.dossiers import build_demo_dossiers, demo_dossiers
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Handover, Status
from motcua.dossiers.serializers import timeliness_of
from motcua.notifications.models import Notification
from motcua.org.identifiers import validate_personal_id, validate_tax_code
from motcua.org.models import User
from motcua.processing.models import (
    Escalation,
    Process,
    ProcessRun,
    StepAgency,
    StepInstance,
)
from motcua.processing.selectors import VIEWS
from motcua.workcalendar.rules import TZ
from motcua.workcalendar.service import get_calendar

pytestmark = pytest.mark.django_db
CURRENT = len(process_demo.REQUIRED)  # one dossier per situation the demo must show


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """`load_demo` with 60 historical dossiers and the required current ones, once for the
    module (a full load takes ~10 s on PostgreSQL): inside a transaction rolled back at the
    end, like TestCase.setUpTestData; each test runs in its own savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            out = io.StringIO()
            call_command("load_demo", "--count", "60", "--current", str(CURRENT),
                         "--fast-passwords", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)


def test_load_demo_covers_every_status_and_timeliness_through_allowed_actors(loaded):
    dossiers = list(demo_dossiers().select_related("procedure_version"))
    assert len(dossiers) == 60
    assert "Demo dossiers: 60 (60 created now" in loaded

    assert {d.status for d in dossiers} == {int(s) for s in Status}
    # Decree 118: dossiers no data can route wait in a center's dispatch queue; one was routed
    assert sum(1 for d in dossiers if d.dispatch_reason) == 2
    routed = [d for d in dossiers if d.events.filter(action="route").exists()]
    assert len(routed) == 1 and routed[0].handling_agency.kind == "commune_pc"
    classes = Counter(timeliness_of(d) for d in dossiers)
    assert {"early", "on_time", "late", "in_time", "overdue"} <= set(classes)

    codes = [d.code for d in dossiers]
    assert len(set(codes)) == len(codes)
    assert {d.channel for d in dossiers} == {Channel.COUNTER, Channel.ONLINE}
    assert len({d.receiving_agency_id for d in dossiers}) >= 2
    assert len({d.procedure_id for d in dossiers}) >= 10

    uploaded = 0
    for d in dossiers:  # valid identifiers; online dossiers belong to demo citizens
        if d.applicant_kind == "person":
            validate_personal_id(d.applicant_id_number)
        else:
            validate_tax_code(d.applicant_tax_code)
        if d.channel == Channel.ONLINE:  # filed by the account's holder for themselves
            assert d.account is not None and d.account.kind == User.Kind.CITIZEN
            assert d.applicant_id_number == d.account.national_id
        if d.representative_name:  # an organisation's legal representative, at the counter
            assert d.representative_relationship == "legal_representative"
            validate_personal_id(d.representative_id_number)
        if d.channel == Channel.ONLINE and d.received_at is not None:
            # received only once every declared upload had its file (a real PDF)
            uploads = list(d.components.filter(source="upload", is_paper=False))
            assert all(c.files.exists() for c in uploads), d.code
            files = [f for c in uploads for f in c.files.all()]
            assert all(f.content_type == "application/pdf" and f.file.size == f.size
                       for f in files)
            uploaded += len(files)
    assert uploaded

    now, calendar = timezone.now(), get_calendar()
    # (the escalation pass's warnings are the system's, at the real now)
    events = DossierEvent.objects.filter(dossier__in=dossiers).exclude(action="escalate") \
        .select_related("actor")
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
    def counts():
        return [m.objects.count() for m in (Dossier, DossierEvent, Process, ProcessRun,
                                            StepInstance, StepAgency, Escalation,
                                            Notification)]

    before = counts()
    out = io.StringIO()
    call_command("load_demo", "--count", "60", "--current", str(CURRENT), stdout=out)
    text = out.getvalue()
    assert "Demo dossiers: 60 (0 created now)" in text
    assert f"Current dossiers (with a process): {CURRENT} (0 created now)" in text
    assert "0 new version(s)" in text or "0 phiên bản mới" in text
    assert counts() == before
    assert build_demo_dossiers(60)["created"] == 0
    assert process_demo.build_current_dossiers(5)["created"] == 0


def worklist(api, username, view):
    api.force_authenticate(User.objects.get(username=username))
    response = api.get("/api/v1/worklist", {"view": view, "limit": 200})
    assert response.status_code == 200, response.content
    return response.json()


def test_current_dossiers_follow_their_processes_and_fill_every_worklist_view(loaded, api):
    historical, current = demo_dossiers(), process_demo.current_dossiers()
    assert current.count() == CURRENT
    assert not StepInstance.objects.filter(dossier__in=historical).exists()
    assert not ProcessRun.objects.filter(dossier__in=historical).exists()
    # the processes took effect after the last historical receipt, before the first current one
    first_day = Process.objects.order_by("effective_from").first().effective_from
    assert Process.objects.filter(effective_from=first_day).count() == 36
    start = process_demo.day_start(first_day)
    assert not historical.filter(received_at__gte=start).exists()
    assert historical.filter(received_at__isnull=False).exists()
    runs = ProcessRun.objects.filter(dossier__in=current).select_related("dossier")
    assert runs.count() == CURRENT
    assert all(r.dossier.received_at >= start and r.dossier.channel == Channel.COUNTER
               for r in runs)

    # every view of the Hoa Lư specialist and head has items, counted and listed
    for username in ("specialist.hoalu", "head.hoalu"):
        for view in VIEWS:
            page = worklist(api, username, view)
            assert page["count"] > 0 and page["items"], (username, view, page["counts"])
            assert page["count"] == page["counts"][view] == len(page["items"])
    late = worklist(api, "specialist.hoalu", "late")["items"]
    assert all(item["late"] for item in late)
    waiting = worklist(api, "specialist.hoalu", "waiting")["items"]
    assert {i["dossier"]["status"]["code"] for i in waiting} <= {Status.SUPPLEMENT,
                                                                   Status.PAYING}
    handed = worklist(api, "specialist.hoalu", "handed_over")["items"]
    assert {i["agency"]["code"] for i in handed} == {"000.00.80.H40", "000.00.82.H40"}
    assert {i["dossier"]["procedure_code"] for i in handed} <= {"2.000986", "2.001023"}
    # the police see the birth registrations handed to them, and their own procedures
    police = worklist(api, "specialist.congan", "queue")["items"]
    assert any(i["key"] == "ca_tham_dinh" for i in police)
    assert worklist(api, "specialist.congan", "mine")["count"] > 0
    assert worklist(api, "officer.hoalu", "queue")["count"] > 0
    assert Handover.objects.filter(dossier__in=current, returned_at__isnull=True).exists()

    # what happened was done by allowed accounts, in working hours, in the past
    now, calendar = timezone.now(), get_calendar()
    events = DossierEvent.objects.filter(dossier__in=current).select_related("actor")
    for e in events:
        assert e.at <= now
        if e.action != "escalate":
            assert e.actor is not None and e.actor.kind == User.Kind.STAFF
            assert calendar.next_working_moment(e.at) == e.at.astimezone(TZ), (e.action, e.at)
    actions = Counter(e.action for e in events)
    for action in ("step_claim", "step_forward", "step_handover", "step_sign", "step_return",
                   "step_request_supplement", "step_request_payment", "step_refuse",
                   "step_finish", "receive_supplement", "confirm_payment", "escalate"):
        assert actions[action], action
    statuses = set(current.values_list("status", flat=True))
    assert {Status.RETURNED, Status.RESULT_READY, Status.PROCESSING, Status.INTEROPERATING,
            Status.SUPPLEMENT, Status.PAYING} <= statuses
    # a step's refusal is a reasoned refusal to resolve (Form 03), returned like a result
    assert current.filter(outcome="refusal", status=Status.RESULT_READY).exists()
    for step in StepInstance.objects.filter(dossier__in=current, finished_at__isnull=False):
        assert step.acted_by_id is not None or step.outcome in ("return_result", "stop")

    # one escalation pass: warnings recorded once, delivered to the officers
    assert Escalation.objects.filter(kind=Escalation.Kind.STEP_LATE).exists()
    assert Notification.objects.filter(user__username="head.hoalu").exists()

    # a specialist takes a step from the queue and forwards it, through the API
    api.force_authenticate(User.objects.get(username="specialist.hoalu"))
    item = next(i for i in worklist(api, "specialist.hoalu", "queue")["items"]
                if not i["waiting"])
    claimed = api.post(f"/api/v1/steps/{item['id']}/claim")
    assert claimed.status_code == 200, claimed.content
    forwarded = api.post(f"/api/v1/steps/{item['id']}/actions/forward",
                         {"note": "Hồ sơ hợp lệ"}, format="json")
    assert forwarded.status_code == 200, forwarded.content


def test_demo_logins_prints_urls_with_a_real_code_and_the_accounts(loaded):
    out = io.StringIO()
    call_command("demo_logins", "--port", "8123", stdout=out)
    text = out.getvalue()
    code = next(line.rsplit("/", 1)[1] for line in text.splitlines()
                if "/api/v1/tracking/" in line)
    assert Dossier.objects.filter(code=code).exists()
    for expected in ("http://127.0.0.1:8123/api/docs/", "/healthz", f"/tra-cuu/{code}",
                     "officer.hoalu", "specialist.hoalu", "citizen.an", "Motcua@2026",
                     "http://127.0.0.1:8123/api/v1/worklist", "/api/v1/notifications",
                     f"/api/v1/dossiers/{code}/steps"):
        assert expected in text
    assert process_demo.current_dossiers().filter(code=code).exists()
    listed = text.split("Accounts with worklist items")[1]
    for username in ("officer.hoalu", "specialist.hoalu", "head.hoalu", "specialist.congan"):
        assert f"\n  {username} " in listed


def test_detail_payload_equals_the_serializer(loaded):
    """The dossier endpoints answer with serializers.detail_payload (built by hand, for speed)
    from the compiled reads (selectors.detail_by_code, DetailRelations.read); the serializer
    on the ORM's read (detail_queryset) is the schema and the reference. Every demo dossier,
    every status, with events, pauses, supplements, apologies, handovers and files, seen by
    its officer and applicant."""
    import json
    from types import SimpleNamespace

    from rest_framework.renderers import JSONRenderer

    from motcua.dossiers.api import detail_by_code, detail_queryset
    from motcua.dossiers.serializers import DossierDetailSerializer, detail_payload

    def as_json(data):
        return json.loads(JSONRenderer().render(data))

    from motcua.dossiers.models import DossierComponent, DossierFile

    component = DossierComponent.objects.order_by("id").first()
    DossierFile.objects.create(  # a file row: what the detail shows of it, no bytes needed
        dossier=component.dossier, component=component, file="x/y.pdf", original_name="Tờ khai.pdf",
        content_type="application/pdf", size=1234, sha256="a" * 64)
    users = [User.objects.get(username=name) for name in ("officer.hoalu", "head.hoalu")]
    dossiers = list(detail_queryset().order_by("id"))
    kinds = Counter()
    for d in dossiers:
        readers = [*users, *([d.account] if d.account else [])]
        for user in readers:
            expected = DossierDetailSerializer(d, context={"request": SimpleNamespace(user=user)})
            fast = detail_payload(detail_by_code(d.code), user)
            assert as_json(fast) == as_json(expected.data), (d.code, user.username)
        kinds.update(k for k in ("events", "pauses", "supplements", "apology_slips",
                                 "handovers") if getattr(d, k).all())
        kinds.update(["files"] if any(c.files.all() for c in d.components.all()) else [])
    assert len(dossiers) > 60 and len(kinds) == 6


def test_construction_permits_record_the_case_of_their_legal_duration(loaded):
    permits = list(process_demo.current_dossiers().filter(procedure__code="1.013225"))
    assert permits
    assert {d.duration_case for d in permits} <= {"grade_iii_iv_works", "individual_house"}
    assert all(d.duration_reason and d.duration_unit == "calendar_days" for d in permits)
    assert {d.duration_value for d in permits} & {15, 20}


def test_load_demo_numbers_letters_and_book_rows_and_returns_at_another_unit(loaded):
    from motcua.dossiers import returns
    from motcua.dossiers.models import Apology, Letter
    from motcua.org.models import Role, StaffRole

    dossiers = list(demo_dossiers().select_related("return_agency"))
    received = [d for d in dossiers if d.received_at is not None]
    assert received and all(d.book_row and d.book_year for d in received)
    assert all(d.book_row is None for d in dossiers if d.received_at is None)
    rows = Counter((d.receiving_agency_id, d.book_year, d.book_row) for d in received)
    assert max(rows.values()) == 1  # never two dossiers on one row of a book

    ids = [d.pk for d in dossiers]
    apologies = Apology.objects.filter(dossier_id__in=ids).count()
    stops = sum(1 for d in dossiers if d.status == Status.STOPPED)
    assert apologies and stops
    letters = Letter.objects.filter(dossier_id__in=ids)
    assert letters.filter(kind="04").count() == apologies
    assert letters.filter(kind="05").count() == stops
    for letter in letters:
        assert letter.notation.startswith(f"{letter.number}/")
        assert letter.signer_name and letter.signer_role in ("leader", "head")
        assert StaffRole.objects.filter(user=letter.signer, agency=letter.agency,
                                        role=Role(letter.signer_role)).exists()

    elsewhere = [d for d in dossiers if d.status == Status.RETURNED
                 and returns.return_agency_id(d) not in (None, d.receiving_agency_id)]
    assert elsewhere
    d = elsewhere[0]
    returned_by = d.events.get(action="return_result").actor
    assert StaffRole.objects.filter(user=returned_by, agency=d.return_agency,
                                    role=Role.ONE_STOP_OFFICER).exists()
    assert {d.return_method for d in dossiers} == {"unit", "postal", "online"}
    assert "results returned at another unit" in loaded


def test_the_demo_has_ratings_and_petitions_in_every_state(loaded):
    from motcua.petitions.models import Petition, Rating
    from motcua.petitions.selectors import timing

    assert "Ratings: " in loaded
    assert Rating.objects.filter(disliked=True).exists()
    assert Rating.objects.filter(disliked=False).exists()
    petitions = list(Petition.objects.all())
    assert {p.status for p in petitions} >= {"answered", "waiting", "open"}
    now = timezone.now()
    assert any(timing(p, now).late for p in petitions)  # one past its deadline
    assert any(p.rating == "satisfied" for p in petitions)


def test_the_leaders_dashboard_has_numbers_for_every_group_or_says_why(loaded, client):
    """The demo's auditor opens the dashboard of the year: every group has a score or says
    which indicators have none and why; the progress, online and digitization groups are
    scored, with no indicator waiting for data."""
    from motcua.reporting import dashboard, selectors
    from motcua.reporting.periods import YEAR, Period

    now = timezone.now()
    result = selectors.index(selectors.resolve_scope(), Period(YEAR, now.astimezone(TZ).year),
                             now=now)
    views = dashboard.group_views(result)
    assert all(v.group.score is not None or v.unscored for v in views)
    assert not [u for v in views for u in v.unscored if u.no_data]
    assert {v.group.group.code for v in views if v.group.score is not None} >= {
        "progress", "online_service", "digitization"}
    assert result.counters.dossiers.dossiers > 0
    client.force_login(User.objects.get(username="auditor.tinh"))
    html = client.get("/can-bo/chi-so/", {"timeType": "year",
                                          "year": now.astimezone(TZ).year}).content.decode()
    assert "Tổng điểm" in html and "không có gì để đánh giá trong kỳ này" in html
    # 4.5b: the counter's population lookups (most persons found)
    scores = {s.indicator.code: s for s in result.scores}
    assert scores["4.5b"].status == "scored" and 0 < scores["4.5b"].ratio < 1
    # 4.1, 4.2: dossiers finished with a written result (their results are signed by the
    # worker, which this load does not run); the counter scanned paper for most dossiers
    assert scores["4.1"].denominator > 0 and scores["4.2"].denominator > 0
    from motcua.records.models import DigitizedCopy
    assert DigitizedCopy.objects.filter(dossier__in=demo_dossiers()).exists()
