"""The ratings and petitions API: the same actions and policy as the pages, errors as
problem+json, in the OpenAPI schema."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.factories import at, received
from motcua.petitions.models import Petition, Rating

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_rating_a_dossier(api, org, returned, procedure):
    as_user(api, org.citizen)
    missing = api.post(f"/api/v1/dossiers/{returned.code}/rating", {"satisfied": False},
                       format="json")
    assert missing.status_code == 400 and missing["Content-Type"] == PROBLEM
    assert missing.json()["code"] == "reason"
    done = api.post(f"/api/v1/dossiers/{returned.code}/rating",
                    {"satisfied": False, "reason": "Chờ lâu"}, format="json")
    assert done.status_code == 201, done.content
    assert done.json()["satisfied"] is False and Rating.objects.get().disliked
    again = api.post(f"/api/v1/dossiers/{returned.code}/rating", {"satisfied": True},
                     format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"


def test_rating_is_refused_to_others_and_before_the_end(api, org, returned, procedure):
    as_user(api, org.other_citizen)
    assert api.post(f"/api/v1/dossiers/{returned.code}/rating", {"satisfied": True},
                    format="json").status_code == 404
    as_user(api, org.officer_a)  # staff read it, but do not rate it
    refused = api.post(f"/api/v1/dossiers/{returned.code}/rating", {"satisfied": True},
                       format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "citizens_only"
    running = received(org, procedure, at("09:00 04/03/2026"))
    as_user(api, org.citizen)
    early = api.post(f"/api/v1/dossiers/{running.code}/rating", {"satisfied": True},
                     format="json")
    assert early.status_code == 409 and early.json()["code"] == "not_finished"
    assert not Rating.objects.exists()


def test_filing_listing_answering_and_rating_a_petition(api, org, returned, head_a):
    as_user(api, org.citizen)
    filed = api.post("/api/v1/petitions", {"text": "Trả chậm", "topic": "conduct",
                                           "dossier_code": returned.code}, format="json")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["agency"]["code"] == org.pc_a.code and body["status"] == "open"
    assert body["dossier_code"] == returned.code and body["late"] is False
    pk = body["id"]
    twice = api.post("/api/v1/petitions", {"text": "Trả chậm", "topic": "conduct",
                                           "dossier_code": returned.code}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "petition_open"
    assert twice.json()["petition"] == pk
    assert [p["id"] for p in api.get("/api/v1/petitions").json()["results"]] == [pk]
    as_user(api, org.other_citizen)
    assert api.get(f"/api/v1/petitions/{pk}").status_code == 404
    assert api.get("/api/v1/petitions").json()["results"] == []
    as_user(api, org.specialist_a)  # of the agency: reads it, may not answer
    assert api.get(f"/api/v1/petitions/{pk}").status_code == 200
    refused = api.post(f"/api/v1/petitions/{pk}/answer", {"outcome": "answer", "text": "x"},
                       format="json")
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    as_user(api, head_a)
    bad = api.post(f"/api/v1/petitions/{pk}/answer", {"outcome": "ignore", "text": "x"},
                   format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()["errors"]
    answered = api.post(f"/api/v1/petitions/{pk}/answer",
                        {"outcome": "answer", "text": "Đã chấn chỉnh"}, format="json")
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    again = api.post(f"/api/v1/petitions/{pk}/answer",
                     {"outcome": "answer", "text": "Đã chấn chỉnh"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "petition_not_open"
    assert api.post(f"/api/v1/petitions/{pk}/rating", {"satisfied": True},
                    format="json").status_code == 403  # not the petitioner
    as_user(api, org.citizen)
    rated = api.post(f"/api/v1/petitions/{pk}/rating", {"satisfied": True}, format="json")
    assert rated.status_code == 200 and rated.json()["rating"] == "satisfied"


def test_a_petition_about_a_procedure_and_bad_input(api, org, procedure):
    as_user(api, org.citizen)
    for body, code in [
        ({"text": "x", "topic": "rules"}, "subject"),
        ({"text": "x", "topic": "rules", "procedure_code": "9.999999"}, "procedure_code"),
        ({"text": "x", "topic": "rules", "procedure_code": procedure.code}, "agency"),
        ({"text": "x", "topic": "rules", "procedure_code": procedure.code,
          "agency_code": "000.99.99.H40"}, "agency_code"),
    ]:
        response = api.post("/api/v1/petitions", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == code, body
    assert api.post("/api/v1/petitions", {"text": "", "topic": "rules"},
                    format="json").status_code == 400
    filed = api.post("/api/v1/petitions", {"text": "Mẫu khó hiểu", "topic": "rules",
                                           "procedure_code": procedure.code,
                                           "agency_code": org.pc_b.code}, format="json")
    assert filed.status_code == 201 and filed.json()["agency"]["code"] == org.pc_b.code
    assert api.post("/api/v1/petitions", {"text": "x", "topic": "rules",
                                          "dossier_code": "000.01.20.H40-260101-9999"},
                    format="json").status_code == 404
    as_user(api, org.system)
    assert api.post("/api/v1/petitions", {"text": "x", "topic": "rules",
                                          "procedure_code": procedure.code},
                    format="json").status_code == 403
    assert Petition.objects.count() == 1


def test_asking_for_more_and_the_information(api, org, procedure, head_a):
    as_user(api, org.citizen)
    pk = api.post("/api/v1/petitions", {"text": "Mẫu khó hiểu", "topic": "rules",
                                        "procedure_code": procedure.code,
                                        "agency_code": org.pc_a.code}, format="json").json()["id"]
    early = api.post(f"/api/v1/petitions/{pk}/information", {"text": "x"}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "not_waiting"
    as_user(api, head_a)
    asked = api.post(f"/api/v1/petitions/{pk}/answer",
                     {"outcome": "clarify", "text": "Mẫu số mấy?"}, format="json")
    assert asked.json()["status"] == "waiting" and asked.json()["question"] == "Mẫu số mấy?"
    as_user(api, org.citizen)
    done = api.post(f"/api/v1/petitions/{pk}/information", {"text": "Mẫu 01"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "open"


def test_the_schema_documents_the_petitions(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/petitions", "/api/v1/petitions/{petition_id}/answer",
                 "/api/v1/petitions/{petition_id}/rating",
                 "/api/v1/petitions/{petition_id}/information",
                 "/api/v1/dossiers/{code}/rating"):
        assert path in schema["paths"], path
    answer = schema["paths"]["/api/v1/petitions/{petition_id}/answer"]["post"]
    assert {"400", "403", "404", "409"} <= set(answer["responses"])
