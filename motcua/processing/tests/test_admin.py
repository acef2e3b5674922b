"""Publishing a process version from the administration pages; step agency rules."""

import pytest
import yaml

from motcua.org.models import User
from motcua.processing.models import Process
from motcua.processing.tests.conftest import definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("root", password="Motcua@2026-test")
    client.force_login(user)
    return client


def test_an_administrator_publishes_a_version_from_yaml(admin_client, world):
    text = yaml.safe_dump(definition(name="Quy trình sửa đổi"), allow_unicode=True)
    response = admin_client.post("/admin/processing/process/add/", {
        "procedure": world.procedure.pk, "text": text, "starts": "2026-12-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = Process.objects.order_by("-number").first()
    assert (latest.number, latest.source, latest.name) == (2, "admin", "Quy trình sửa đổi")
    assert str(latest.effective_from) == "2026-12-01"
    page = admin_client.get(f"/admin/processing/process/{latest.pk}/change/")
    assert page.status_code == 200 and "Quy trình sửa đổi" in page.content.decode()


def test_an_invalid_definition_shows_every_problem_and_publishes_nothing(admin_client, world):
    raw = definition()
    raw["steps"][0]["hours"] = 100
    raw["steps"][1]["role"] = "janitor"
    response = admin_client.post("/admin/processing/process/add/", {
        "procedure": world.procedure.pk, "text": yaml.safe_dump(raw, allow_unicode=True)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "unknown role" in page and "janitor" in page
    assert Process.objects.count() == 1
    response = admin_client.post("/admin/processing/process/add/", {
        "procedure": world.procedure.pk, "text": "steps: [unclosed"})
    assert response.status_code == 200 and Process.objects.count() == 1


def test_step_agency_rules_route_ambiguous_kinds(world):
    from motcua.dossiers.tests.factories import at
    from motcua.processing import actions as pactions
    from motcua.processing.models import StepAgency
    from motcua.processing.publishing import publish_process
    from motcua.tests.builders import agency

    police = agency("000.00.30.H40", "Công an tỉnh", "sector", world.org.province)  # first code
    raw = definition(name="Theo loại cơ quan")
    raw["steps"][1]["agency"] = "sector"
    raw["steps"][1]["key"] = "thue_xac_dinh"
    raw["steps"][0]["actions"]["forward"][0]["to"] = "thue_xac_dinh"
    raw["steps"][0]["actions"]["handover"] = "thue_xac_dinh"
    publish_process(world.procedure, raw, effective_from=at("09:00 16/11/2026").date())

    def handed_to():
        d = world.receive()
        pactions.claim(world.open_step(d), user=world.org.specialist_a, now=at("09:00 16/11/2026"))
        return pactions.act(world.open_step(d), "handover", actor=world.org.specialist_a,
                          now=at("10:00 16/11/2026")).next_step.agency

    assert handed_to() == police  # the kind alone: the first sector agency by code
    StepAgency.objects.create(step_key="thue_*", agency=world.tax)
    assert handed_to() == world.tax
    StepAgency.objects.create(step_key="thue_xac_dinh", agency=police,
                              procedure=world.procedure)
    assert handed_to() == police  # a rule for the procedure and the exact key wins
