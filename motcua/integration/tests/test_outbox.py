"""The outbox worker with a fake clock and a recording system: order per stream, retries with
backoff, dead letters and their retry, leases, takeovers, pruning."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from motcua.core import housekeeping
from motcua.integration import outbox
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.models import OutboxMessage

T = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
Status = OutboxMessage.Status


class Recorder:
    """A national system that records what it got; `fail` raises, `refuse` refuses keys."""

    def __init__(self):
        self.got: list[str] = []
        self.batches: list[list[str]] = []
        self.fail: Exception | None = None
        self.refuse: set[str] = set()
        self.then = None
        self.lock = threading.Lock()

    def send(self, rows):
        if self.fail:
            raise self.fail
        with self.lock:
            self.batches.append([m.key for m in rows])
            self.got.extend(m.key for m in rows if m.key not in self.refuse)
        if self.then:
            self.then(rows)
        return {m.key: ("bad message" if m.key in self.refuse else "") for m in rows}


@pytest.fixture
def recorder():
    box = Recorder()
    outbox.register("test", outbox.System(send=box.send))
    yield box
    outbox._SYSTEMS.pop("test", None)


@pytest.fixture(autouse=True)
def outbox_settings(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    settings.OUTBOX_BACKOFF_SECONDS = 10
    settings.OUTBOX_MAX_BACKOFF_SECONDS = 60
    settings.OUTBOX_LEASE_SECONDS = 60
    settings.OUTBOX_BATCH = 50


def put(key: str, stream: str = "s1", now: dt.datetime = T) -> None:
    outbox.queue(system="test", kind="k", stream=stream, key=key, now=now)


def after(seconds: float) -> dt.datetime:
    return T + dt.timedelta(seconds=seconds)


def status(key: str) -> str:
    return OutboxMessage.objects.get(key=key).status


@pytest.mark.django_db
def test_messages_of_a_stream_go_in_order_one_at_a_time_others_in_parallel(recorder):
    for i in range(3):
        put(f"a{i}", "a")
        put(f"b{i}", "b")
    counts = outbox.run_pass(T, worker="w1")
    assert counts["delivered"] == 6
    assert recorder.got == ["a0", "b0", "a1", "b1", "a2", "b2"]
    # one message per stream per batch: a later one waits for the earlier's delivery
    assert recorder.batches == [["a0", "b0"], ["a1", "b1"], ["a2", "b2"]]
    assert outbox.run_pass(after(3600)) == dict.fromkeys(outbox.OUTCOMES, 0)


@pytest.mark.django_db
def test_a_replayed_key_writes_nothing_more(recorder):
    put("k")
    put("k")
    assert OutboxMessage.objects.filter(key="k").count() == 1


@pytest.mark.django_db
def test_queue_refuses_an_unknown_system():
    with pytest.raises(LookupError):
        outbox.queue(system="nowhere", kind="k", stream="s", key="x", now=T)


@pytest.mark.django_db
def test_a_failing_message_holds_back_its_stream_and_retries_with_exponential_backoff(
        recorder):
    put("a0", "a")
    put("a1", "a")
    put("b0", "b")
    recorder.fail = NationalSystemUnavailable("test", "answered 503")
    assert outbox.run_pass(T)["retry"] == 2  # a0 and b0; a1 waits behind a0
    m = OutboxMessage.objects.get(key="a0")
    assert (m.status, m.attempts, m.next_attempt_at) == (Status.PENDING, 1, after(10))
    assert "503" in m.last_error
    assert outbox.run_pass(after(9))["retry"] == 0  # not due yet
    assert outbox.run_pass(after(10))["retry"] == 2
    assert OutboxMessage.objects.get(key="a0").next_attempt_at == after(30)  # 10, then 20
    recorder.fail = None
    assert outbox.run_pass(after(30))["delivered"] == 3
    assert recorder.got == ["a0", "b0", "a1"]


@pytest.mark.django_db
def test_after_the_last_attempt_a_message_is_dead_holds_its_stream_and_can_be_retried(
        recorder):
    put("a0", "a")
    put("a1", "a")
    recorder.fail = RuntimeError("boom")
    clock = T
    for _ in range(4):
        outbox.run_pass(clock)
        clock += dt.timedelta(seconds=120)
    assert status("a0") == Status.DEAD
    recorder.fail = None
    assert outbox.run_pass(clock + dt.timedelta(days=1))["delivered"] == 0  # a1 stays behind
    assert status("a1") == Status.PENDING
    assert outbox.retry_dead(OutboxMessage.objects.all(), clock) == 1
    assert outbox.run_pass(clock)["delivered"] == 2
    assert recorder.got == ["a0", "a1"]


@pytest.mark.django_db
def test_a_message_the_system_refuses_is_dead_at_once(recorder):
    put("bad", "a")
    put("good", "b")
    recorder.refuse = {"bad"}
    counts = outbox.run_pass(T)
    assert (counts["dead"], counts["delivered"]) == (1, 1)
    m = OutboxMessage.objects.get(key="bad")
    assert (m.status, m.attempts, m.last_error) == (Status.DEAD, 1, "refused: bad message")


@pytest.mark.django_db
def test_a_worker_that_died_after_claiming_leaves_its_messages_to_another_after_the_lease(
        recorder):
    put("a0", "a")
    put("a1", "a")
    assert [m.key for m in outbox.claim("dead-worker", T)] == ["a0"]  # and then it died
    assert outbox.run_pass(after(59), worker="w2")["delivered"] == 0  # leased, a1 behind
    counts = outbox.run_pass(after(60), worker="w2")
    assert counts["delivered"] == 2
    assert recorder.got == ["a0", "a1"]
    m = OutboxMessage.objects.get(key="a0")
    assert (m.attempts, m.claimed_by) == (2, "w2")


@pytest.mark.django_db
def test_a_lease_that_runs_out_on_the_last_attempt_makes_the_message_dead(recorder, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    put("a0")
    outbox.claim("dead-worker", T)
    assert outbox.run_pass(after(61))["delivered"] == 0
    assert status("a0") == Status.DEAD
    assert "worker gone" in OutboxMessage.objects.get(key="a0").last_error


@pytest.mark.django_db
def test_a_worker_whose_messages_were_taken_over_changes_nothing(recorder):
    put("a0")
    rows = outbox.claim("slow", T)
    outbox.run_pass(after(61), worker="fast")  # the lease ran out: delivered by "fast"
    assert outbox._mark_delivered("test", rows, after(90)) == 0
    assert outbox._mark_failed(rows, after(90), "late")["overtaken"] == 1
    m = OutboxMessage.objects.get(key="a0")
    assert (m.status, m.claimed_by, m.delivered_at) == (Status.DELIVERED, "fast", after(61))


@pytest.mark.django_db
def test_a_batch_with_too_little_lease_left_is_given_back_unsent(recorder):
    put("a0")
    rows = outbox.claim("w1", T)
    assert outbox._deliver("test", rows, lambda: after(31)) == {"late": 1}
    m = OutboxMessage.objects.get(key="a0")
    assert (m.status, m.attempts, recorder.got) == (Status.PENDING, 0, [])


@pytest.mark.django_db
def test_a_pass_takes_every_due_message_in_batches(recorder, settings):
    settings.OUTBOX_BATCH = 7
    for i in range(30):
        put(f"m{i}", f"s{i}")
    assert outbox.run_pass(T)["delivered"] == 30
    assert [len(b) for b in recorder.batches] == [7, 7, 7, 7, 2]


@pytest.mark.django_db
def test_the_command_runs_a_pass(recorder, capsys):
    put("a0", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    call_command("deliver_outbox")
    assert "delivered 1" in capsys.readouterr().out
    assert recorder.got == ["a0"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_deliver_the_same_message_twice_and_keep_the_order(recorder):
    for i in range(40):
        for s in range(5):
            put(f"{s}:{i:02d}", f"s{s}")
    errors = []

    def work(name):
        try:
            for _ in range(20):
                outbox.run_pass(after(1), worker=name, batch=3)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(3)]
    if connection.vendor == "sqlite":
        threads = threads[:1]  # SQLite: one worker (serialized claims; see outbox.py)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(recorder.got) == sorted(set(recorder.got))
    assert len(recorder.got) == 200
    for s in range(5):
        mine = [k for k in recorder.got if k.startswith(f"{s}:")]
        assert mine == sorted(mine)


@pytest.mark.django_db
def test_housekeeping_prunes_delivered_messages_after_the_keeping_time(recorder, settings):
    settings.OUTBOX_KEEP_DAYS = 7
    put("old", "a")
    put("dead", "b")
    outbox.run_pass(T)
    OutboxMessage.objects.filter(key="dead").update(status=Status.DEAD)
    put("new", "c", now=after(7 * 86400))
    outbox.run_pass(after(7 * 86400))
    removed = housekeeping.run_pass(T + dt.timedelta(days=7, seconds=1))
    assert removed["delivered_outbox"] == 1
    assert set(OutboxMessage.objects.values_list("key", flat=True)) == {"dead", "new"}
