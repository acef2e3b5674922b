"""Housekeeping: expired idempotency records go, fresh ones still replay."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.core.housekeeping import prune_idempotency_records
from motcua.core.idempotency import run_once
from motcua.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def record(key: str, age_hours: float) -> IdempotencyRecord:
    rec = IdempotencyRecord.objects.create(owner="citizen.an", key=key, request_hash="x",
                                           status_code=201, response_body={"code": key})
    IdempotencyRecord.objects.filter(pk=rec.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=age_hours))
    return rec


def test_records_older_than_the_window_are_deleted_and_the_rest_kept(settings):
    settings.IDEMPOTENCY_KEEP_HOURS = 72
    record("old", 73)
    record("weekend", 71)
    assert prune_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["weekend"]
    settings.IDEMPOTENCY_KEEP_HOURS = 1
    assert prune_idempotency_records() == 1
    assert not IdempotencyRecord.objects.exists()


def test_a_retry_inside_the_window_still_replays_after_a_pass():
    created = []

    def create():
        created.append(1)
        return 201, {"code": f"D-{len(created)}"}

    first = run_once("citizen.an", "k-1", {"a": 1}, create)
    call_command("housekeep")
    again = run_once("citizen.an", "k-1", {"a": 1}, create)
    assert again.data == first.data == {"code": "D-1"} and len(created) == 1
    assert again["Idempotent-Replayed"] == "true"


def test_the_command_says_what_it_deleted(capsys):
    from django.utils import translation

    record("old", 24 * 30)
    with translation.override("en"):
        call_command("housekeep")
    assert "idempotency_records 1" in capsys.readouterr().out


def test_counts_of_minutes_that_are_over_are_deleted():
    from motcua.core.housekeeping import prune_rate_counts
    from motcua.core.models import RateCount
    from motcua.core.ratelimit import count_hit

    now = timezone.now()
    minute = int(now.timestamp() // 60)
    assert [count_hit("lookup:10.0.0.1", minute - 1) for _ in range(2)] == [1, 2]
    assert count_hit("lookup:10.0.0.2", minute) == 1
    assert prune_rate_counts(now) == 1
    assert list(RateCount.objects.values_list("bucket", "hits")) == [("lookup:10.0.0.2", 1)]
