from __future__ import annotations

import pytest
from django.test import Client

from motcua.catalog.models import Procedure
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
