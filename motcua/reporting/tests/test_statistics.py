"""The statistics (statistics.py) on the crafted November of conftest.py, every figure worked
out by hand in a comment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from motcua.dossiers.models import Status
from motcua.dossiers.tests.factories import at
from motcua.reporting import selectors, statistics
from motcua.reporting.actions import rebuild
from motcua.reporting.models import StepFact
from motcua.reporting.periods import MONTH, YEAR, Period

NOVEMBER = Period(MONTH, 2026, 11)
LATER = at("09:00 10/12/2026")
QUEUE = "(the unit's queue: nobody had taken the step)"


@pytest.fixture(autouse=True)
def english():
    """The texts these tests read, in English (Vietnamese is the default)."""
    with translation.override("en"):
        yield


def rows_of(table):
    keys = [c.key for c in table.columns]
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


@pytest.fixture
def commune_a(world):
    return selectors.resolve_scope(world.org.commune_a.code)


def test_intake_per_day_and_channel(world, november, commune_a):
    table = statistics.intake(commune_a, NOVEMBER, LATER)
    rows = {r["day"]: r for r in rows_of(table)}
    assert len(rows) == table.count == 30  # every day of November
    # 16/11: D1 D2 at the counter; 17/11: D3; 18/11: D4 online; no other day
    assert (rows[dt.date(2026, 11, 16)]["counter"], rows[dt.date(2026, 11, 16)]["total"]) == (2, 2)
    assert rows[dt.date(2026, 11, 17)]["counter"] == 1
    assert (rows[dt.date(2026, 11, 18)]["online"], rows[dt.date(2026, 11, 18)]["counter"]) == (1, 0)
    assert sum(r["total"] for r in rows.values()) == 4
    # the year: per month, from the rollups
    year = {r["day"]: r for r in rows_of(statistics.intake(commune_a, Period(YEAR, 2026), LATER))}
    assert len(year) == 12
    assert (year[dt.date(2026, 11, 1)]["counter"], year[dt.date(2026, 11, 1)]["online"]) == (3, 1)


def test_status_per_unit(world, november, commune_a):
    [row] = rows_of(statistics.status_per_unit(commune_a, NOVEMBER, LATER))
    # D1 D3 D4 returned, D2 processing (the approval waits)
    assert (row["unit"], row["received"]) == (world.org.pc_a.name, 4)
    assert (row[f"status_{Status.RETURNED}"], row[f"status_{Status.PROCESSING}"]) == (3, 1)
    assert sum(v for k, v in row.items() if k.startswith("status_")) == 4


def test_late_dossiers_per_unit(world, november, commune_a):
    [row] = rows_of(statistics.late_per_unit(commune_a, NOVEMBER, LATER))
    # 4 dossiers; D1 finished late, D2 unfinished and overdue at the end of November: 2 / 4
    assert (row["dossiers"], row["ended_late"], row["open_overdue"], row["late"],
            row["late_rate"]) == (4, 1, 1, 2, 0.5)


def test_late_dossiers_per_person_name_who_held_them_when_they_became_late(world, november,
                                                                           commune_a):
    table = statistics.late_per_officer(commune_a, NOVEMBER, LATER)
    rows = {r["person"]: r for r in rows_of(table)}
    # D1 became late at 09:00 19/11 while specialist.a held its check step (claimed 09:30
    # 16/11, forwarded 20/11), a step due 09:00 17/11: one late dossier, one late step.
    # D2 became late at 10:00 19/11 in the head's queue (approval due 08:00 17/11, open).
    assert set(rows) == {world.org.specialist_a.full_name, QUEUE}
    mine = rows[world.org.specialist_a.full_name]
    assert (mine["unit"], mine["late_dossiers"], mine["late_steps"]) == (world.org.pc_a.name, 1, 1)
    queue = rows[QUEUE]
    assert (queue["unit"], queue["late_dossiers"], queue["late_steps"]) == (world.org.pc_a.name,
                                                                         1, 1)


def test_late_dossiers_list_every_step_and_its_holder(world, november, commune_a):
    table = statistics.late_dossiers(commune_a, NOVEMBER, LATER)
    rows = {r["code"]: r for r in rows_of(table)}
    assert table.count == 2 and set(rows) == {november["D1"].code, november["D2"].code}
    d1 = rows[november["D1"].code]
    assert d1["late_at"] == at("09:00 19/11/2026") == d1["due_at"]
    assert d1["ended_at"] == at("11:00 20/11/2026")
    assert d1["held_when_late"].startswith(
        f"Thẩm định hồ sơ: {world.org.specialist_a.full_name} ({world.org.pc_a.name}), "
        "09:00 16/11/2026 – 10:00 20/11/2026")
    assert d1["steps"].count(";") == 2  # check, approve, deliver
    d2 = rows[november["D2"].code]
    assert d2["held_when_late"].startswith(f"Phê duyệt: unit queue ({world.org.pc_a.name})")
    assert d2["status"] == "Processing"


def test_due_lists_the_overdue_and_the_soon_due_with_their_holder_now(world, november,
                                                                      commune_a):
    [row] = rows_of(statistics.due(commune_a, NOVEMBER, LATER))
    assert row["code"] == november["D2"].code
    assert row["state"] == "late since 10:00 19/11/2026"
    assert row["holder"] == f"unit queue, Phê duyệt ({world.org.pc_a.name})"
    # A dossier received Monday 07/12 09:00 is due Thursday 10/12 09:00: within one working
    # day at 08:00 10/12 (listed), not at 08:00 09/12.
    d5 = world.receive("09:00 07/12/2026")
    listed = {r["code"]: r for r in rows_of(statistics.due(commune_a, NOVEMBER,
                                                          at("08:00 10/12/2026")))}
    assert listed[d5.code]["state"] == "due at 09:00 10/12/2026"
    assert listed[d5.code]["holder"] == f"unit queue, Thẩm định hồ sơ ({world.org.pc_a.name})"
    assert d5.code not in {r["code"] for r in rows_of(statistics.due(
        commune_a, NOVEMBER, at("08:00 09/12/2026")))}


def test_rates_leave_empty_what_has_nothing_to_judge(world, november, commune_a):
    table = statistics.rates(commune_a, NOVEMBER, LATER)
    [row] = rows_of(table)
    # 1 of 4 received online; none reused digitized data
    assert (row["received"], row["online"], row["online_rate"]) == (4, 1, 0.25)
    assert (row["reused"], row["reuse_rate"]) == (0, 0.0)
    # no dossier had fees to pay, none finished with a result: nothing to judge
    assert row["payment_rate"] is None
    assert row["e_result_rate"] is None and row["digitization_rate"] is None
    assert not table.missing  # every column is collected


def test_processing_time_per_procedure(world, november, commune_a):
    [row] = rows_of(statistics.processing_time_table(commune_a, NOVEMBER, LATER))
    # D1 09:00 16/11 → 11:00 20/11: 6 + 8 + 8 + 8 + 4 = 34 h; D3 09:00 → 11:00 = 2 h; D4 2 h:
    # 38 h / 3 dossiers / 8 h = 1.58 working days
    assert (row["procedure_code"], row["ended"], row["average_days"]) == ("1.004873", 3, 1.58)


def test_the_step_facts_are_rebuilt_equal(world, november):
    def snapshot():
        return sorted(StepFact.objects.values_list(
            "step_id", "dossier_id", "agency_id", "name", "holder_id", "started_at", "due_at",
            "finished_at"))

    kept = snapshot()
    assert len(kept) == 3 * 3 + 2  # D1 D3 D4 three steps each, D2 two
    done = rebuild()
    assert done.steps == len(kept) and snapshot() == kept
