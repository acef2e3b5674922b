from __future__ import annotations

import pytest
from django.test import Client

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.models import AuditEvent
from motcua.org.models import User


@pytest.fixture
def admin_client(db) -> Client:
    user = User.objects.create_superuser("root", password="Motcua@2026-admin", kind="staff")
    client = Client()
    client.force_login(user)
    return client


def test_admin_pages_render(admin_client, catalog):
    procedure = Procedure.objects.get(code="1.001193")
    version = procedure.versions.get()
    for url in [
        "/admin/catalog/procedure/",
        "/admin/catalog/procedure/?q=dang+ky+khai+sinh",
        f"/admin/catalog/procedure/{procedure.pk}/change/",
        "/admin/catalog/procedureversion/",
        f"/admin/catalog/procedureversion/{version.pk}/change/",
        "/admin/catalog/sector/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    page = admin_client.get(f"/admin/catalog/procedureversion/{version.pk}/change/")
    assert "Tờ khai đăng ký khai sinh" in page.content.decode()
    found = admin_client.get("/admin/catalog/procedure/?q=dang+ky+khai+sinh").content.decode()
    assert "1.001193" in found and "1.000656" not in found


def test_admin_withdraw_action_goes_through_set_active(admin_client, catalog):
    procedure = Procedure.objects.get(code="1.001193")
    response = admin_client.post(
        "/admin/catalog/procedure/",
        {"action": "deactivate", "_selected_action": [procedure.pk]},
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.is_active is False
    assert AuditEvent.objects.filter(action="catalog.procedure_deactivated").count() == 1


def _post_version(client: Client, version: ProcedureVersion, **changes: str) -> int:
    """Save the version's admin page with its own values and `changes`; the status code
    (302: saved, 200: the page again with its errors)."""
    data = {"name": version.name, "name_en": version.name_en, "level": version.level,
            "implementing_agency": version.implementing_agency,
            "competent_agency": version.competent_agency,
            "handling_agency_kind": version.handling_agency_kind,
            "competence_basis": version.competence_basis, "applicant_types": "[\"person\"]",
            "duration_value": version.duration_value or "",
            "duration_unit": version.duration_unit, "duration_text": version.duration_text,
            "cutoff": "", "duration_cases": "[]", "supplement_mode": version.supplement_mode,
            "max_apologies": version.max_apologies, "results": version.results,
            "result_valid_months": "", "legal_basis": version.legal_basis,
            "online_level": version.online_level, "unconfirmed": "[]", "confirmed": "[]",
            "components-TOTAL_FORMS": 0, "components-INITIAL_FORMS": 0,
            "fees-TOTAL_FORMS": 0, "fees-INITIAL_FORMS": 0, **changes}
    response = client.post(f"/admin/catalog/procedureversion/{version.pk}/change/", data)
    return response.status_code


def test_admin_sets_how_long_results_stay_valid(admin_client, catalog):
    version = Procedure.objects.get(code="1.001193").versions.get()
    assert "result_valid_months" in admin_client.get(
        f"/admin/catalog/procedureversion/{version.pk}/change/").content.decode()
    assert _post_version(admin_client, version, result_valid_months="24") == 302
    version.refresh_from_db()
    assert version.result_valid_months == 24
    for bad in ("-1", "0", "1201", "99999", "hai năm"):
        assert _post_version(admin_client, version, result_valid_months=bad) == 200, bad
        version.refresh_from_db()
        assert version.result_valid_months == 24, bad
    assert _post_version(admin_client, version) == 302  # empty: no end date
    version.refresh_from_db()
    assert version.result_valid_months is None
