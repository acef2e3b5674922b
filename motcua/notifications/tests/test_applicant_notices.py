"""Applicants hear about receipt, an apology, a supplement request, a refusal and a ready result:
a delivery row written with the change, sent by the worker, on the dossier's timeline."""

import pytest
from django.core import mail

from motcua.core.errors import DomainError
from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, person, received
from motcua.notifications import delivery
from motcua.notifications.models import Delivery

pytestmark = pytest.mark.django_db
LATER = at("09:00 30/11/2026")  # the worker's clock: after every change below


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def with_email(org, procedure, now, email="an@example.vn"):
    applicant = person(commune_code=org.commune_a.code, email=email)
    return received(org, procedure, now, applicant=applicant)


def test_the_apology_reaches_the_applicant_by_email_once(org, procedure):
    d = with_email(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "apologize", org.specialist_a, reason="Cần xác minh thêm tại cơ sở",
                        new_appointment=at("16:00 25/11/2026"), now=at("08:00 18/11/2026"))
    event = d.events.get(action="apologize")
    row = Delivery.objects.get(cause=delivery.timeline_cause(event.pk))
    assert (row.channel, row.recipient, row.kind, row.status) == (
        "email", "an@example.vn", "apology", "pending")
    assert row.dossier == d and row.created_at == at("08:00 18/11/2026")
    assert "Kính gửi Nguyễn Văn An" in row.body  # rendered in Vietnamese, at creation

    assert mail.outbox == []  # nothing leaves before the worker runs
    assert delivery.run_pass(LATER)["sent"] == 2  # the receipt notice and the apology
    message = next(m for m in mail.outbox if m.extra_headers["X-Motcua-Delivery"] == str(row.pk))
    assert message.to == ["an@example.vn"]
    assert message.subject == row.subject and d.code in message.subject
    assert "16:00 25/11/2026" in message.body and "Cần xác minh thêm tại cơ sở" in message.body
    assert f"/tra-cuu/{d.code}" in message.body
    notified = d.events.get(action="notify", data__for_event=event.pk)
    assert notified.data == {"kind": "apology", "for_event": event.pk, "channel": "email",
                             "delivery": row.pk}
    assert notified.at == LATER and notified.to_status == d.status

    assert not any(delivery.run_pass(LATER).values())
    assert len(mail.outbox) == 2


def test_supplement_request_lists_everything_missing(org, procedure):
    d = with_email(org, procedure, at("09:00 16/11/2026"))
    actions.perform(d, "request_supplement", org.officer_a, now=at("10:00 16/11/2026"),
                    items=[{"name": "Bản sao CCCD", "note": "bị mờ"}, {"name": "Tờ khai"}])
    body = Delivery.objects.get(kind="supplement").body
    assert "- Bản sao CCCD: bị mờ" in body and "- Tờ khai" in body


def test_a_rolled_back_change_or_no_address_writes_no_row(org, procedure):
    d = with_email(org, procedure, at("09:00 16/11/2026"))
    before = Delivery.objects.count()
    with pytest.raises(DomainError):  # too late for an apology: the action is refused
        actions.perform(d, "apologize", org.specialist_a, reason="late",
                        new_appointment=at("16:00 25/11/2026"), now=at("10:00 20/11/2026"))
    assert Delivery.objects.count() == before
    no_email = received(org, procedure, at("09:00 16/11/2026"))
    actions.perform(no_email, "start_processing", org.specialist_a)
    actions.perform(no_email, "mark_result_ready", org.specialist_a)
    assert not Delivery.objects.filter(dossier=no_email).exists()


def test_a_subscriber_failure_after_the_row_rolls_the_row_back(org, procedure):
    """The row is in the action's transaction: whatever aborts the action removes it."""
    from motcua.core.events import events
    from motcua.dossiers.events import DossierChanged

    def boom(event):
        raise RuntimeError("a later subscriber fails")

    d = with_email(org, procedure, at("09:00 16/11/2026"))
    before = Delivery.objects.count()
    events.subscribe(DossierChanged, boom)
    try:
        with pytest.raises(RuntimeError):
            actions.perform(d, "request_supplement", org.officer_a, now=at("10:00 16/11/2026"),
                            items=[{"name": "Tờ khai"}])
    finally:
        events.unsubscribe(DossierChanged, boom)
    assert Delivery.objects.count() == before


def test_the_notifications_app_subscribes_to_every_dossier_change():
    from motcua.core.events import events
    from motcua.dossiers.events import DossierChanged

    assert "motcua.notifications.subscribers.queue_applicant_notice" in events.subscribers(
        DossierChanged)
