"""Random dossier histories through the real actions: the rollups kept by the dossier events
equal, row for row, those `rebuild` computes from the raw dossiers, and the index's dossier
counters read from them equal the reference recomputation (reference.py) for every scope,
month, quarter and year, judged at several instants.

Histories mix counter, online and unrouted dossiers (routed later to another agency), several
supplement requests, payment pauses, RESTART mode, procedures without a legal duration,
apologies, inter-agency handovers, withdrawals, stops, finishing early, on time or late, and
gaps of up to 35 days so that dossiers are carried over from one period to the next. Some
dossiers get an identity (population data, a VNeID-verified account, or entered by hand) and
a sync acknowledged by the portal (the outbox worker's hook), before or after their receipt
(4.5b, 1.4). Counter dossiers may be handed in on paper and digitized (copies signed by the
one-stop unit), results signed (PAdES, the sandbox's time stamps) and taken by the national data
store, at any point of their life, so that the digitization group (3.3, 4.1, 4.2, 4.4) is held
to the recomputation too; two of the three procedures give a written result."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import ComponentRequirement, ProcedureVersion, Sector
from motcua.core.errors import DomainError
from motcua.dossiers import actions
from motcua.dossiers.models import ComponentSource, Dossier, Status
from motcua.dossiers.tests.factories import person, submission
from motcua.integration import identity, portal_sync
from motcua.integration.models import OutboxMessage
from motcua.records import certificates, copy_signing, digitization, national, results
from motcua.records.models import ResultDocument, ResultState
from motcua.records.tests.conftest import dev_ca, tags, upload  # noqa: F401 - the fixture
from motcua.reporting import reference, selectors
from motcua.reporting.actions import rebuild
from motcua.reporting.models import (
    AgencyMonth,
    BalanceRollup,
    DossierFact,
    FlowRollup,
    StatusRollup,
    StepFact,
)
from motcua.reporting.periods import MONTH, QUARTER, YEAR, Period, month_of, next_month
from motcua.tests.builders import build_procedure
from motcua.workcalendar.rules import TZ

# From November: histories cross a year, so that 1.4's share of last year is not always 0
START = dt.datetime(2025, 11, 3, 8, 0, tzinfo=TZ)
HOUR, DAY = 60, 24 * 60  # minutes
GAPS = [5, HOUR, 4 * HOUR, DAY, 2 * DAY, 4 * DAY, 10 * DAY, 35 * DAY]
NEW = ("counter_a", "counter_b", "online", "unrouted")
# A step in the middle of a dossier's life, and the actions it stands for.
MIDDLE = {
    "supplement": ("request_supplement", "receive_supplement"),
    "supplement_unanswered": ("request_supplement",),
    "payment": ("request_payment", "confirm_payment"),
    "handover": ("send_interagency", "return_interagency"),
    "apology": ("apologize",),
    "ask_withdrawal": ("request_withdrawal",),
}
ENDS = {
    "ready": ("mark_result_ready",), "returned": ("mark_result_ready", "return_result"),
    "open": (), "withdrawn": ("request_withdrawal", "grant_withdrawal"),
    "stopped": ("request_stop", "stop"), "refused_on_merits": ("refuse_on_merits",),
}

# One dossier's life: how it comes in, when, its procedure, what happens in the middle, how
# it ends, and the time between its actions. Lives run side by side, in time order.
lives = st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(NEW),
    "paper": st.booleans(),  # a counter dossier's components handed in on paper
    "procedure": st.integers(0, 2),
    "start": st.integers(0, 120 * DAY),
    "middle": st.lists(st.sampled_from(sorted(MIDDLE)), max_size=4),
    "end": st.sampled_from([*sorted(ENDS), "ready", "returned"]),  # a result more often
    "refused": st.booleans(),
    "gaps": st.lists(st.sampled_from(GAPS), min_size=18, max_size=18),
    # where in its life (an index into its actions) it is identified, and synced
    "identity": st.sampled_from(["", "population", "vneid", "manual"]),
    "identity_at": st.integers(0, 6),
    "sync_at": st.one_of(st.none(), st.integers(0, 6)),
    # … its paper digitized and signed, its result signed, and taken by the national store:
    # so many of its actions before its last one (0: after it)
    "digitize_back": st.sampled_from([0, 1, 3, None]),
    "sign_back": st.sampled_from([0, 0, 1, None]),
    "store_back": st.sampled_from([0, 0, None]),
}), min_size=1, max_size=5)
RECORDS = ("digitize", "sign", "store")
EXAMPLE_LIFE = {"kind": "counter_a", "paper": False, "procedure": 0, "start": 0, "middle": [],
                "end": "open", "refused": False, "gaps": [HOUR] * 18, "identity": "",
                "identity_at": 0, "sync_at": None, "digitize_back": None, "sign_back": None,
                "store_back": None}


@pytest.fixture
def world(org, dev_ca, sandbox):  # noqa: F811 - the fixture
    pause = build_procedure(code="1.000101", duration=3, pause_on_payment=True)
    restart = build_procedure(code="1.000102", duration=2, supplement_mode="restart")
    no_clock = build_procedure(code="1.000103", duration=None)
    other = Sector.objects.create(name="Chứng thực")
    restart.sector = other
    restart.save()
    ProcedureVersion.objects.filter(procedure__in=[pause, no_clock]).update(
        results="Giấy xác nhận tình trạng hôn nhân")
    for agency in (org.pc_a, org.pc_b, org.center_a, org.center_b):
        certificates.issue_for(agency)
    return org, [pause, restart, no_clock], other


def _new(org, kind: str, procedure, now: dt.datetime, paper: bool = False) -> Dossier:
    if kind == "online":  # declared reused from the data store: nothing to upload
        required = ComponentRequirement.objects.filter(
            version=ProcedureVersion.objects.get(procedure=procedure), required=True)
        sub = submission(org, procedure, components=[
            actions.ComponentInput(requirement_id=r.pk, source=ComponentSource.REUSED,
                                   reference="kho-du-lieu") for r in required])
        return actions.submit(sub, account=org.citizen, now=now)
    agency, officer, commune = {
        "counter_a": (org.center_a, org.officer_a, org.commune_a.code),
        "counter_b": (org.center_b, org.officer_b, org.commune_b.code),
        "unrouted": (org.center_a, org.officer_a, ""),  # no commune: the dispatch queue
    }[kind]
    required = ComponentRequirement.objects.filter(
        version=ProcedureVersion.objects.get(procedure=procedure), required=True)
    sub = submission(org, procedure, agency=agency, channel=1,
                     applicant=person(commune_code=commune),
                     components=[actions.ComponentInput(requirement_id=r.pk, is_paper=paper)
                                 for r in required])
    return actions.intake_at_counter(sub, officer=officer, now=now)


INPUTS = {
    "refuse": {"reason": "Không đủ điều kiện"}, "withdraw": {"reason": "Rút"},
    "request_supplement": {"items": [{"name": "Tờ khai"}], "reason": "Còn thiếu"},
    "request_payment": {"amount_vnd": 50_000}, "request_withdrawal": {"reason": "Rút"},
    "request_stop": {"reason": "Căn cứ dừng"}, "stop": {"reason": "Dừng"},
    "refuse_on_merits": {"reason": "Không đủ điều kiện"},
}


def _plan(life: dict) -> list[str]:
    """The actions of one life, in order (after its intake)."""
    steps = []
    if life["kind"] == "online":
        steps.append("refuse" if life["refused"] else "accept")
    if life["kind"] == "unrouted":
        steps.append("route")
    for middle in life["middle"]:
        steps.extend(MIDDLE[middle])
    steps.extend(ENDS[life["end"]])
    marks = [(life["sync_at"], "sync")] if life["sync_at"] is not None else []
    if life["identity"]:
        marks.append((life["identity_at"], f"identify_{life['identity']}"))
    # (at one place: digitize, sign, then store, as `sorted` below inserts them)
    marks.extend((max(0, len(steps) - life[f"{name}_back"]), name) for name in RECORDS
                 if life[f"{name}_back"] is not None)
    for position, mark in sorted(marks, reverse=True):
        steps.insert(min(position, len(steps)), mark)
    return steps


def _act(org, d: Dossier, name: str, now: dt.datetime) -> None:
    if name.startswith("identify_"):  # as the counter or the online submission records it
        how = name.removeprefix("identify_")
        identity.record_dossier_identity(
            d, id_number=d.applicant_id_number, population_data_used=how == "population",
            vneid_verified=how == "vneid", manual_entry=how == "manual")
        return
    if name == "sync":  # the portal acknowledged the dossier's messages so far
        portal_sync.on_delivered(list(OutboxMessage.objects.filter(dossier=d)), now)
        return
    if name in RECORDS:
        _records(org, d, name, now)
        return
    inputs = dict(INPUTS.get(name, {}))
    if name == "send_interagency":
        inputs = {"to_agency": org.department}
    elif name == "route":
        inputs = {"to_agency": org.pc_b, "reason": "Đúng thẩm quyền"}
    elif name == "apologize":
        if d.due_at is None:
            return
        current = d.appointment_at or d.due_at
        inputs = {"reason": "Cần xác minh", "new_appointment": current + dt.timedelta(hours=4)}
    elif name in ("mark_result_ready", "refuse_on_merits") and d.status == Status.RECEIVED:
        d = actions.perform(d, "start_processing", org.officer_a, now=now)
    # not allowed now (an illegal transition too): the life goes on
    with contextlib.suppress(DomainError):
        actions.perform(d, name, org.officer_a, now=now, **inputs)


def _records(org, d: Dossier, name: str, now: dt.datetime) -> None:
    """The digitization of its paper, the signing of its result (none before one is issued),
    the national store's taking its signed result (the outbox worker's hook)."""
    if name == "digitize":
        officer = org.officer_b if d.receiving_agency_id == org.center_b.pk else org.officer_a
        for component in d.components.filter(is_paper=True, digitized_copy__isnull=True):
            with contextlib.suppress(DomainError):  # not while the dossier is elsewhere
                copy = digitization.digitize(d, component.pk, upload(),
                                             tags(org.citizen.national_id, document_type="other"),
                                             actor=officer, now=now)
                copy_signing.sign_copy(copy, now=now)
    elif name == "sign":
        for result in ResultDocument.objects.filter(dossier=d):
            results.sign_result(result, now=now)
    else:
        national.sent_to_national_store(
            list(ResultDocument.objects.filter(dossier=d, state=ResultState.SIGNED)), now)


def _rows(model, keys):
    counters = [f.name for f in model._meta.concrete_fields
                if f.name not in (*keys, "id") and not f.is_relation]
    columns = [f"{k}_id" if k not in ("month", "status") else k for k in keys]
    out = {}
    for row in model.objects.values(*columns, *counters):
        values = tuple(row[c] for c in counters)
        if any(values):
            out[tuple(row[c] for c in columns)] = values
    return out


def _snapshot():
    facts = {f.pk: {k: v for k, v in vars(f).items() if not k.startswith("_")}
             for f in DossierFact.objects.all()}
    steps = {f.pk: {k: v for k, v in vars(f).items() if not k.startswith("_")}
             for f in StepFact.objects.all()}
    return (facts, _rows(FlowRollup, ("agency", "sector", "procedure", "month")),
            _rows(BalanceRollup, ("agency", "sector", "month")),
            _rows(StatusRollup, ("agency", "sector", "month", "status")),
            _rows(AgencyMonth, ("agency", "month")), steps)


def _periods(last: dt.datetime) -> list[Period]:
    months, m = [], month_of(START)
    while m <= month_of(last):
        months.append(Period(MONTH, m.year, m.month))
        m = next_month(m)
    quarters = sorted({Period(QUARTER, p.year, (p.number - 1) // 3 + 1) for p in months},
                      key=lambda p: (p.year, p.number))
    years = sorted({Period(YEAR, p.year) for p in months}, key=lambda p: p.year)
    return months + quarters + years


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(plan=lives)
# every mark of the digitization group at least once: P on paper, digitized, its result signed
# and taken by the national store; Q online, given its result on paper only
@example(plan=[
    {**EXAMPLE_LIFE, "kind": "counter_a", "paper": True, "end": "returned",
     "digitize_back": 2, "sign_back": 0, "store_back": 0},
    {**EXAMPLE_LIFE, "kind": "online", "start": DAY, "end": "ready"}])
def test_rollups_equal_the_recomputation_from_the_dossiers(world, plan):
    org, procedures, other_sector = world
    with transaction.atomic():
        # (time, life, step): step -1 is the intake
        timeline: list[tuple[dt.datetime, int, int]] = []
        for n, life in enumerate(plan):
            at = START + dt.timedelta(minutes=life["start"])
            timeline.append((at, n, -1))
            for step, gap in enumerate(_plan(life)[:len(life["gaps"])]):
                at += dt.timedelta(minutes=life["gaps"][step])
                timeline.append((at, n, step))
        timeline.sort()
        dossiers: dict[int, int] = {}
        for at, n, step in timeline:
            life = plan[n]
            if step == -1:
                dossiers[n] = _new(org, life["kind"], procedures[life["procedure"]], at,
                                   life["paper"]).pk
            else:
                _act(org, Dossier.objects.get(pk=dossiers[n]), _plan(life)[step], at)
        now = timeline[-1][0]
        kept = _snapshot()
        scopes = [selectors.resolve_scope(), selectors.resolve_scope(org.commune_a.code),
                  selectors.resolve_scope(org.pc_b.code),
                  selectors.resolve_scope(org.center_a.code),
                  selectors.resolve_scope(None, other_sector.pk)]
        for at in (now, now + dt.timedelta(days=1, hours=2), now + dt.timedelta(days=40)):
            for period in _periods(at):
                for scope in scopes:
                    read = selectors.read_rollups(period, at, agency_ids=scope.agency_ids,
                                                  sector_id=scope.sector_id)
                    assert selectors.total(read.counts.values()) == \
                        reference.dossier_counts(scope, period, at), (scope.kind, period, at)
                    assert read.last_year_share(period, scope.agency_ids) == \
                        reference.last_year_share(scope, period)
        rebuild()
        assert _snapshot() == kept
        assert (Dossier.objects.filter(received_at__isnull=False).count()
                == DossierFact.objects.count())
        transaction.set_rollback(True)


def test_rebuild_after_rollups_were_lost(world):
    """The rollups made again from scratch when they are gone or wrong."""
    org, procedures, _other = world
    d = _new(org, "counter_a", procedures[0], START)
    _act(org, d, "request_supplement", START + dt.timedelta(hours=1))
    kept = _snapshot()
    FlowRollup.objects.all().delete()
    BalanceRollup.objects.update(received=99)
    DossierFact.objects.all().delete()
    done = rebuild()
    assert (done.facts, done.flow_rows, done.balance_rows) == (1, 1, 1)
    assert _snapshot() == kept
    assert Dossier.objects.get(pk=d.pk).status == Status.SUPPLEMENT


def test_the_rollups_move_in_the_actions_transaction(world):
    """Lag zero: inside the action's transaction the rollups already count the change, and
    a change rolled back leaves them as they were."""
    org, procedures, _other = world
    d = _new(org, "counter_a", procedures[0], START)
    before = _snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        _act(org, d, "mark_result_ready", START + dt.timedelta(hours=2))
        assert DossierFact.objects.get(pk=d.pk).outcome == "early"
        assert _snapshot() != before
        raise RuntimeError("rolled back")
    assert _snapshot() == before


def test_the_rebuild_command(world, capsys):
    org, procedures, _other = world
    _new(org, "counter_b", procedures[1], START)
    call_command("rebuild_index", batch=1)
    assert capsys.readouterr().out.startswith("1 dossier facts, 1 flow rows, 1 balance rows")
