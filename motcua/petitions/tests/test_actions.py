"""Ratings and petitions through their actions: the rules of each, the legal clock, one
transaction each with its audit row and its domain event."""

from __future__ import annotations

import pytest

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.events import subscribe
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import at
from motcua.petitions import actions
from motcua.petitions.events import DossierRated, PetitionChanged, PetitionHandled
from motcua.petitions.models import Petition, Rating, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    seen = []
    subscribe(PetitionChanged, seen.append)
    subscribe(DossierRated, seen.append)
    yield seen
    from motcua.core.events import events
    events.unsubscribe(PetitionChanged, seen.append)
    events.unsubscribe(DossierRated, seen.append)


def file(org, dossier, when="09:00 04/03/2026", text="Trả kết quả chậm", **kw):
    return actions.file_petition(org.citizen, text=text, topic=Topic.CONDUCT, dossier=dossier,
                                 now=at(when), **kw)


def test_a_dissatisfied_rating_needs_a_reason_and_is_final(org, returned, published):
    with pytest.raises(InvalidInput) as missing:
        actions.rate_dossier(returned, org.citizen, satisfied=False, reason="  ")
    assert missing.value.code == "reason" and not Rating.objects.exists()
    rating = actions.rate_dossier(returned, org.citizen, satisfied=False,
                                  reason="Phải đi lại hai lần", now=at("09:00 05/03/2026"))
    assert rating.disliked and rating.reason == "Phải đi lại hai lần"
    assert [type(e) for e in published] == [DossierRated]
    assert AuditEvent.objects.filter(action="dossier.rated", object_id=str(returned.pk)).exists()
    with pytest.raises(DomainError) as again:
        actions.rate_dossier(returned, org.citizen, satisfied=True)
    assert again.value.code == "already_rated" and Rating.objects.count() == 1


def test_a_petition_about_a_dossier_goes_to_its_handling_agency_with_15_working_days(
        org, returned, published):
    p = file(org, returned)  # Wednesday 4 March 2026, 09:00
    assert (p.agency, p.procedure, p.status) == (org.pc_a, returned.procedure, "open")
    # 15 working days of 8 hours from 09:00 on Wed 4 March: Wed 25 March at 09:00
    assert p.deadline == at("09:00 25/03/2026") and p.received_at == at("09:00 04/03/2026")
    assert not p.repeated and type(published[-1]).__name__ == "PetitionFiled"
    assert AuditEvent.objects.filter(action="petition.filed").count() == 1


def test_one_open_petition_per_matter_and_a_later_one_repeats_it(org, returned, head_a):
    first = file(org, returned)
    with pytest.raises(DomainError) as open_:
        file(org, returned, when="10:00 04/03/2026")
    assert open_.value.code == "petition_open" and Petition.objects.count() == 1
    actions.answer_petition(first, head_a, outcome="answer", text="Đã kiểm tra, xin lỗi ông",
                            now=at("09:00 05/03/2026"))
    again = file(org, returned, when="09:00 06/03/2026")
    assert again.repeated and again.repeats == first


def test_answering_refusing_and_asking_for_more_on_the_legal_clock(org, returned, head_a):
    p = file(org, returned)  # received Wed 04/03 09:00
    # refusing is due within 2 working days (Fri 06/03 09:00): on Monday it is late
    refused = actions.answer_petition(p, head_a, outcome="refuse", text="Không thuộc thẩm quyền",
                                      now=at("09:00 09/03/2026"))
    assert refused.status == "refused" and refused.late_since == at("09:00 09/03/2026")
    with pytest.raises(DomainError) as twice:
        actions.answer_petition(p, head_a, outcome="answer", text="x")
    assert twice.value.code == "petition_not_open"


def test_asking_for_more_once_then_the_clock_counts_from_the_information(
        org, returned, head_a, published):
    p = file(org, returned)
    asked = actions.answer_petition(p, head_a, outcome="clarify", text="Ông nhận kết quả ngày nào?",
                                    now=at("09:00 10/03/2026"))  # within 5 working days
    assert asked.status == "waiting" and asked.late_since is None
    assert isinstance(published[-1], PetitionHandled) and published[-1].outcome == "clarify"
    completed = actions.add_information(p, org.citizen, text="Ngày 03/03",
                                        now=at("14:00 12/03/2026"))
    assert completed.status == "open" and completed.counted_from == at("14:00 12/03/2026")
    assert completed.deadline == at("14:00 02/04/2026")  # 15 working days from Thu 12/03 14:00
    with pytest.raises(DomainError) as once:
        actions.answer_petition(p, head_a, outcome="clarify", text="Còn gì nữa?")
    assert once.value.code == "clarify_once"


def test_a_late_question_marks_the_petition_late(org, returned, head_a):
    p = file(org, returned)  # 5 working days: Wed 11/03 09:00
    asked = actions.answer_petition(p, head_a, outcome="clarify", text="Số biên nhận?",
                                    now=at("10:00 11/03/2026"))
    assert asked.late_since == at("10:00 11/03/2026")


def test_the_petitioner_rates_the_answer_once(org, returned, head_a):
    p = file(org, returned)
    with pytest.raises(DomainError) as early:
        actions.rate_answer(p, org.citizen, satisfied=True)
    assert early.value.code == "not_answered"
    actions.answer_petition(p, head_a, outcome="answer", text="Đã xử lý",
                            now=at("09:00 05/03/2026"))
    rated = actions.rate_answer(p, org.citizen, satisfied=True, now=at("09:00 06/03/2026"))
    assert (rated.rating, rated.rated_at) == ("satisfied", at("09:00 06/03/2026"))
    with pytest.raises(DomainError) as again:
        actions.rate_answer(p, org.citizen, satisfied=False)
    assert again.value.code == "already_rated"


def test_a_petition_about_a_procedure_goes_to_a_competent_agency(org, procedure):
    with pytest.raises(InvalidInput) as which:
        actions.file_petition(org.citizen, text="Mẫu tờ khai khó hiểu", topic=Topic.RULES,
                              procedure=procedure, now=at("09:00 04/03/2026"))
    assert which.value.code == "agency"  # a commune-level procedure: two communes' PCs
    with pytest.raises(InvalidInput) as wrong:
        actions.file_petition(org.citizen, text="Mẫu tờ khai khó hiểu", topic=Topic.RULES,
                              procedure=procedure, agency=org.department,
                              now=at("09:00 04/03/2026"))
    assert wrong.value.code == "agency"
    p = actions.file_petition(org.citizen, text="Mẫu tờ khai khó hiểu", topic=Topic.RULES,
                              procedure=procedure, agency=org.pc_b, now=at("09:00 04/03/2026"))
    assert (p.agency, p.dossier) == (org.pc_b, None)


@pytest.mark.parametrize("bad", [{"text": " "}, {"text": "x" * 5001}, {"topic": "gossip"}])
def test_bad_petitions_write_nothing(org, returned, bad):
    values = {"text": "Chậm", "topic": Topic.CONDUCT, **bad}
    audited = AuditEvent.objects.count()  # the dossier's own (its result issued, ...)
    with pytest.raises(InvalidInput):
        actions.file_petition(org.citizen, dossier=returned, now=at("09:00 04/03/2026"),
                              **values)
    assert not Petition.objects.exists() and AuditEvent.objects.count() == audited
