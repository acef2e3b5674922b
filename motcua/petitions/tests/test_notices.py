"""The petitioner is told by email when the agency handles their petition: a delivery row
written with the answer (sent by the notifications worker, like the applicant notices)."""

from __future__ import annotations

import pytest
from django.core import mail

from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import at
from motcua.notifications import delivery
from motcua.notifications.models import Delivery
from motcua.petitions import actions
from motcua.petitions.models import Topic

pytestmark = pytest.mark.django_db

LATER = at("10:00 10/03/2026")


def file(org, dossier):
    return actions.file_petition(org.citizen, text="Trả kết quả chậm", topic=Topic.CONDUCT,
                                 dossier=dossier, now=at("09:00 04/03/2026"))


def test_the_petitioner_is_emailed_the_answer(org, returned, head_a):
    org.citizen.email = "an@example.com"
    org.citizen.save(update_fields=["email"])
    p = file(org, returned)
    assert not Delivery.objects.exists()  # filing tells the petitioner nothing by email
    actions.answer_petition(p, head_a, outcome="answer", text="Đã kiểm tra, xin lỗi ông",
                            now=at("09:00 05/03/2026"))
    row = Delivery.objects.get()
    assert (row.channel, row.recipient, row.kind, row.user) == (
        "email", "an@example.com", "petition_answered", org.citizen)
    assert row.dossier is None  # not an event of the dossier's timeline
    assert row.subject == f"Phản ánh số {p.pk}: cơ quan đã trả lời"
    assert "Đã kiểm tra, xin lỗi ông" in row.body and returned.code in row.body
    assert f"/phan-anh-cua-toi/{p.pk}/" in row.body
    assert delivery.run_pass(LATER)["sent"] == 1
    [message] = mail.outbox
    assert message.to == ["an@example.com"] and "xin lỗi ông" in message.body


def test_a_question_then_the_answer_are_two_emails_to_the_dossiers_address(org, returned,
                                                                           head_a):
    """Without an email on the account: the one the petitioner gave on their dossier."""
    Dossier.objects.filter(pk=returned.pk).update(applicant_email="an.nguyen@example.com")
    p = file(org, Dossier.objects.get(pk=returned.pk))
    actions.answer_petition(p, head_a, outcome="clarify", text="Ông nhận kết quả ngày nào?",
                            now=at("09:00 05/03/2026"))
    actions.add_information(p, org.citizen, text="Ngày 03/03", now=at("10:00 05/03/2026"))
    actions.answer_petition(p, head_a, outcome="refuse", text="Không thuộc thẩm quyền",
                            now=at("11:00 05/03/2026"))
    rows = list(Delivery.objects.order_by("pk"))
    assert [(r.kind, r.recipient) for r in rows] == [
        ("petition_clarify", "an.nguyen@example.com"),
        ("petition_refused", "an.nguyen@example.com")]
    assert "Ông nhận kết quả ngày nào?" in rows[0].body
    assert "Không thuộc thẩm quyền" in rows[1].body


def test_no_address_no_email_and_a_failed_answer_writes_none(org, returned, head_a):
    p = file(org, returned)
    with pytest.raises(InvalidInput):
        actions.answer_petition(p, head_a, outcome="answer", text="   ")
    assert not Delivery.objects.exists()
    actions.answer_petition(p, head_a, outcome="answer", text="Đã xử lý",
                            now=at("09:00 05/03/2026"))
    assert not Delivery.objects.exists()  # neither the account nor the dossier has an email
