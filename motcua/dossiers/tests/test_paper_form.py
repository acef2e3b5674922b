"""At the counter the officer records, for each component handed in on paper, whether it is
the original or a copy (the catalogue says which one it asks for); the detail shows it and
Form 01 prints it."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.slips import render_slip
from motcua.dossiers.tests.test_api import as_user, payload
from motcua.dossiers.tests.test_slips import pdf_text

pytestmark = pytest.mark.django_db


def counter_body(org, procedure, *components):
    ids = [r.id for r in procedure.versions.get().components.order_by("position")]
    return payload(org, procedure, decision="receive", components=[
        {"requirement_id": rid, **c} for rid, c in zip(ids, components, strict=False)])


def test_the_counter_records_original_or_copy_and_form_01_prints_it(api, org, procedure):
    body = counter_body(org, procedure, {"is_paper": True, "paper_form": "original"},
                        {"is_paper": True, "paper_form": "copy", "copies": 2})
    response = as_user(api, org.officer_a).post("/api/v1/counter/dossiers", body, format="json")
    assert response.status_code == 201, response.content
    components = response.json()["components"]
    assert [c["paper_form"] for c in components] == ["original", "copy"]
    text = pdf_text(render_slip(Dossier.objects.get(), "01"))
    assert "Tờ khai theo mẫu (bản chính)" in text
    assert "Giấy tờ chứng minh tình trạng hôn nhân (bản sao)" in text


def test_original_or_copy_only_of_paper(api, org, procedure):
    # an electronic file is neither
    body = counter_body(org, procedure, {"is_paper": False, "paper_form": "original"})
    response = as_user(api, org.officer_a).post("/api/v1/counter/dossiers", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "component_paper_form"
    assert Dossier.objects.count() == 0


def test_an_unknown_paper_form_is_refused_by_the_api(api, org, procedure):
    body = counter_body(org, procedure, {"is_paper": True, "paper_form": "photocopy"})
    response = as_user(api, org.officer_a).post("/api/v1/counter/dossiers", body, format="json")
    assert response.status_code == 400 and Dossier.objects.count() == 0
