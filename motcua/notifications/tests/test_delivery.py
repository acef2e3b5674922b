"""The delivery worker with a fake clock: each row sent once, crashes, leases, retries."""

import datetime as dt
import smtplib
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from motcua.notifications import channels, delivery
from motcua.notifications.channels import ChannelUnavailable
from motcua.notifications.models import Delivery

T = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)
Status = Delivery.Status


class Killed(BaseException):
    """The process dies here (SIGKILL): nothing after it runs, no handler sees it."""


class Mailbox:
    """A channel adapter that records what it sends; `then` runs after each send."""

    def __init__(self, then=None, fail=None):
        self.sent: list[int] = []
        self.then, self.fail = then, fail
        self.lock = threading.Lock()

    def send(self, d: Delivery) -> None:
        if self.fail:
            raise self.fail
        with self.lock:
            self.sent.append(d.pk)
        if self.then:
            self.then(d)


@pytest.fixture
def mailbox(monkeypatch):
    box = Mailbox()
    monkeypatch.setitem(channels.ADAPTERS, "email", box)
    return box


@pytest.fixture(autouse=True)
def delivery_settings(settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    settings.DELIVERY_BACKOFF_SECONDS = 10
    settings.DELIVERY_LEASE_SECONDS = 60


def row(n: int = 1, recipient: str = "an@example.vn", channel: str = "email") -> Delivery:
    delivery.queue(channel=channel, recipient=recipient, kind="received", cause=f"test:{n}",
                   subject=f"Hồ sơ {n}", body="Kính gửi ông An,", now=T)
    return Delivery.objects.get(cause=f"test:{n}", recipient=recipient)


def after(seconds: float) -> dt.datetime:
    return T + dt.timedelta(seconds=seconds)


def nothing() -> dict[str, int]:
    return {"sent": 0, "retry": 0, "failed": 0, "late": 0, "overtaken": 0}


@pytest.mark.django_db
def test_a_row_is_sent_once_and_marked(mailbox):
    d = row()
    assert delivery.run_pass(T, worker="w1") == {**nothing(), "sent": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts, d.sent_at, d.claimed_by, d.lease_until) == (
        Status.SENT, 1, T, "w1", None)
    assert delivery.run_pass(after(3600)) == nothing()
    assert mailbox.sent == [d.pk]


@pytest.mark.django_db
def test_a_replayed_cause_writes_no_second_row():
    row(1)
    row(1)
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_death_after_the_send_and_before_the_mark_sends_again_once_after_the_lease(monkeypatch):
    """The one duplicate window (delivery.py): the message left, the process died before
    the mark-sent commit; it is sent again when the lease runs out, and counted."""
    deaths = iter([Killed("SIGKILL after the SMTP handover")])

    def die_once(d):
        if (death := next(deaths, None)) is not None:
            raise death

    box = Mailbox(then=die_once)
    monkeypatch.setitem(channels.ADAPTERS, "email", box)
    d = row()
    with pytest.raises(Killed):
        delivery.run_pass(T, worker="dies")
    d.refresh_from_db()
    assert (d.status, d.attempts, d.claimed_by) == (Status.SENDING, 1, "dies")
    assert delivery.run_pass(after(59), worker="w2") == nothing()  # the lease still holds
    assert delivery.run_pass(after(60), worker="w2") == {**nothing(), "sent": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts, d.claimed_by) == (Status.SENT, 2, "w2")
    assert box.sent == [d.pk, d.pk]  # exactly one duplicate
    assert delivery.run_pass(after(3600)) == nothing()
    assert box.sent == [d.pk, d.pk]


@pytest.mark.django_db
def test_a_failed_mark_sent_commit_is_the_same_window(mailbox, monkeypatch):
    d = row()
    real = delivery.mark_sent

    def unreachable(*args, **kwargs):
        raise DatabaseError("connection lost before COMMIT")

    monkeypatch.setattr(delivery, "mark_sent", unreachable)
    with pytest.raises(DatabaseError):
        delivery.run_pass(T, worker="w1")
    monkeypatch.setattr(delivery, "mark_sent", real)
    assert delivery.run_pass(after(60), worker="w2")["sent"] == 1
    assert mailbox.sent == [d.pk, d.pk]


@pytest.mark.django_db
def test_death_before_the_claim_commits_leaves_the_row_pending(mailbox):
    d = row()
    with pytest.raises(Killed), transaction.atomic():
        delivery.claim("dies", T)
        raise Killed("before COMMIT")
    d.refresh_from_db()
    assert (d.status, d.attempts, d.claimed_by) == (Status.PENDING, 0, "")
    assert delivery.run_pass(T)["sent"] == 1
    assert mailbox.sent == [d.pk]


@pytest.mark.django_db
def test_a_worker_killed_after_claiming_leaves_the_row_to_the_next_after_the_lease(mailbox):
    d = row()
    [claimed] = delivery.claim("dies", T)  # …and the process is killed before sending
    assert claimed.pk == d.pk and claimed.lease_until == after(60)
    assert delivery.run_pass(after(30), worker="w2") == nothing()
    assert delivery.run_pass(after(60), worker="w2") == {**nothing(), "sent": 1}
    assert mailbox.sent == [d.pk]  # never sent by the dead worker: sent once
    d.refresh_from_db()
    assert (d.status, d.attempts) == (Status.SENT, 2)


@pytest.mark.django_db
def test_a_worker_whose_row_was_taken_over_changes_nothing(mailbox):
    d = row()
    [slow] = delivery.claim("slow", T)
    assert delivery.run_pass(after(61), worker="w2")["sent"] == 1
    assert delivery.mark_sent(slow, after(90)) is False  # run_pass counts it "overtaken"
    assert delivery.mark_failed(slow, after(90), "too late") == ""
    d.refresh_from_db()
    assert (d.status, d.sent_at, d.claimed_by, d.last_error) == (Status.SENT, after(61), "w2", "")


@pytest.mark.django_db
def test_a_row_with_too_little_lease_left_is_not_sent_late(mailbox):
    d = row()
    [claimed] = delivery.claim("w1", T)  # lease 60 s: a send may start until 30 s
    assert delivery._deliver(claimed, lambda: after(31)) == "late"
    assert mailbox.sent == []
    d.refresh_from_db()
    assert (d.status, d.attempts, d.claimed_by) == (Status.PENDING, 0, "")  # given back
    assert delivery.run_pass(after(60), worker="w2")["sent"] == 1
    assert mailbox.sent == [d.pk]


@pytest.mark.django_db
def test_failures_are_retried_with_exponential_backoff_then_failed(monkeypatch):
    down = Mailbox(fail=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    monkeypatch.setitem(channels.ADAPTERS, "email", down)
    d = row()
    assert delivery.run_pass(T) == {**nothing(), "retry": 1}
    d.refresh_from_db()
    assert (d.status, d.attempts, d.next_attempt_at, d.claimed_by, d.lease_until) == (
        Status.PENDING, 1, after(10), "", None)
    assert d.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert delivery.run_pass(after(9)) == nothing()
    assert delivery.run_pass(after(10)) == {**nothing(), "retry": 1}
    d.refresh_from_db()
    assert d.next_attempt_at == after(10 + 20)
    assert delivery.run_pass(after(30)) == {**nothing(), "failed": 1}  # the third attempt
    d.refresh_from_db()
    assert (d.status, d.attempts, d.sent_at) == (Status.FAILED, 3, None)
    assert delivery.run_pass(after(86400)) == nothing()


def test_the_backoff_doubles_and_is_capped(settings):
    settings.DELIVERY_BACKOFF_SECONDS = 60
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert delivery.backoff(40) == dt.timedelta(days=1)


@pytest.mark.django_db
def test_a_bad_address_fails_at_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    d = row(recipient="not-an-address")
    assert delivery.run_pass(T) == {**nothing(), "failed": 1}
    d.refresh_from_db()
    assert d.status == Status.FAILED and d.attempts == 1
    assert d.last_error.startswith("PermanentFailure: not an email address")


@pytest.mark.django_db
def test_a_channel_without_an_adapter_is_refused_and_never_sent(mailbox, monkeypatch):
    # a deployment without the SMS adapter (integration registers it: see channels.register)
    monkeypatch.delitem(channels.ADAPTERS, "sms", raising=False)
    with pytest.raises(ChannelUnavailable):
        row(channel="sms", recipient="0912345678")
    assert not Delivery.objects.exists()
    # a row written anyway (an adapter removed from the deployment) fails clearly, once
    orphan = Delivery.objects.create(channel="sms", recipient="0912345678", kind="received",
                                     cause="test:sms", subject="s", body="b",
                                     next_attempt_at=T, created_at=T)
    assert delivery.run_pass(T) == {**nothing(), "failed": 1}
    orphan.refresh_from_db()
    assert orphan.status == Status.FAILED
    assert orphan.last_error == "ChannelUnavailable: no adapter for the 'sms' channel"


@pytest.mark.django_db
def test_a_lease_that_runs_out_on_the_last_attempt_fails_the_row(mailbox, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    d = row()
    delivery.claim("dies", T)
    assert delivery.run_pass(after(60)) == nothing()
    d.refresh_from_db()
    assert d.status == Status.FAILED and "lease expired" in d.last_error
    assert mailbox.sent == []


@pytest.mark.django_db
def test_a_pass_takes_every_due_row_in_batches(mailbox):
    rows = [row(n) for n in range(7)]
    assert delivery.run_pass(T, batch=3)["sent"] == 7
    assert sorted(mailbox.sent) == sorted(d.pk for d in rows)


@pytest.mark.django_db
def test_the_command_runs_a_pass(mailbox, capsys):
    row()
    call_command("deliver")
    assert "sent 1" in capsys.readouterr().out
    assert len(mailbox.sent) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_row_twice(mailbox):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    ids = {row(n).pk for n in range(120)}
    start = threading.Barrier(2)
    results: list = [None, None]

    def work(i: int) -> None:
        try:
            start.wait()
            results[i] = delivery.run_pass(after(1), worker=f"w{i}", batch=4)
        except BaseException as exc:  # reported below
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, dict) for r in results), results
    assert sorted(mailbox.sent) == sorted(ids)  # each row once, none twice
    assert sum(r["sent"] for r in results) == len(ids)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Status.SENT}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_a_send_slower_than_the_lease_is_overtaken_and_counted(monkeypatch):
    """Why the lease must exceed the slowest send: another worker takes the row over meanwhile."""
    takeover: list[dict[str, int]] = []

    def stall(d):  # while worker A is still sending, its lease runs out and B takes over
        if not takeover:
            takeover.append({})
            takeover[0] = delivery.run_pass(after(61), worker="B")

    box = Mailbox(then=stall)
    monkeypatch.setitem(channels.ADAPTERS, "email", box)
    d = row()
    assert delivery.run_pass(T, worker="A") == {**nothing(), "overtaken": 1}
    assert takeover == [{**nothing(), "sent": 1}]
    assert box.sent == [d.pk, d.pk]
    d.refresh_from_db()
    assert (d.status, d.claimed_by, d.sent_at) == (Status.SENT, "B", after(61))


@pytest.mark.django_db
def test_housekeeping_deletes_sent_messages_after_the_keeping_time_and_keeps_the_rest(
        mailbox, settings):
    from django.core.management import call_command

    from motcua.core import housekeeping

    settings.DELIVERIES_KEEP_DAYS = 180
    old_sent, recent_sent, old_failed, pending = row(1), row(2), row(3), row(4)
    Delivery.objects.filter(pk=old_sent.pk).update(status=Delivery.Status.SENT,
                                                   sent_at=T - dt.timedelta(days=181))
    Delivery.objects.filter(pk=recent_sent.pk).update(status=Delivery.Status.SENT,
                                                      sent_at=T - dt.timedelta(days=179))
    Delivery.objects.filter(pk=old_failed.pk).update(status=Delivery.Status.FAILED,
                                                     created_at=T - dt.timedelta(days=400))
    assert "sent_deliveries" in housekeeping.registered()
    removed = housekeeping.run_pass(T)
    assert removed["sent_deliveries"] == 1
    assert set(Delivery.objects.values_list("pk", flat=True)) == {
        recent_sent.pk, old_failed.pk, pending.pk}
    call_command("housekeep", verbosity=0)  # the command runs the same pass
    assert Delivery.objects.filter(pk=pending.pk).exists()
