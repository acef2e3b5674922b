"""Applicants hear about an apology, a supplement request, a refusal and a ready result."""

import pytest
from django.core import mail

from motcua.core.errors import DomainError
from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, person, received
from motcua.notifications.tasks import notify_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def with_email(org, procedure, now, email="an@example.vn"):
    applicant = person(commune_code=org.commune_a.code, email=email)
    return received(org, procedure, now, applicant=applicant)


def test_the_apology_reaches_the_applicant_by_email_once(org, procedure,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = with_email(org, procedure, at("09:00 16/11/2026"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        d = actions.perform(d, "apologize", org.specialist_a, reason="Cần xác minh thêm tại cơ sở",
                              new_appointment=at("16:00 25/11/2026"), now=at("08:00 18/11/2026"))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    assert d.code in message.subject
    assert "16:00 25/11/2026" in message.body and "Cần xác minh thêm tại cơ sở" in message.body
    assert f"/tra-cuu/{d.code}" in message.body
    event = d.events.get(action="apologize")
    notified = d.events.get(action="notify", data__for_event=event.pk)
    assert notified.data["channel"] == "email"
    # a retried task sends nothing more
    assert notify_applicant.call(d.pk, "apology", event.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_supplement_request_lists_everything_missing(org, procedure,
                                                     django_capture_on_commit_callbacks):
    d = with_email(org, procedure, at("09:00 16/11/2026"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.perform(d, "request_supplement", org.officer_a, now=at("10:00 16/11/2026"),
            items=[{"name": "Bản sao CCCD", "note": "bị mờ"}, {"name": "Tờ khai"}],
        )
    body = mail.outbox[-1].body
    assert "- Bản sao CCCD: bị mờ" in body and "- Tờ khai" in body


def test_nothing_is_sent_for_a_refused_change_or_without_an_address(
        org, procedure, django_capture_on_commit_callbacks):
    d = with_email(org, procedure, at("09:00 16/11/2026"))
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(DomainError)):
        actions.perform(d, "apologize", org.specialist_a, reason="late",
                          new_appointment=at("16:00 25/11/2026"), now=at("10:00 20/11/2026"))
    assert callbacks == []
    no_email = received(org, procedure, at("09:00 16/11/2026"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.perform(no_email, "start_processing", org.specialist_a)
        actions.perform(no_email, "mark_result_ready", org.specialist_a)
    assert callbacks == []
