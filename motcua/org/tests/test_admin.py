import pytest
from django.utils.translation import gettext

from motcua.org.models import Agency, AgencyCodeChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, org):
    user = org.officer_a
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def test_admin_pages_load(admin_client, org):
    for url in ("/admin/org/agency/", f"/admin/org/agency/{org.pc_a.pk}/change/",
                "/admin/org/administrativeunit/", "/admin/org/staffrole/",
                "/admin/org/user/", "/admin/org/agency/?q=hoa+lu"):
        assert admin_client.get(url).status_code == 200, url


def test_changing_a_code_in_the_admin_keeps_the_history(admin_client, org):
    agency = org.pc_a
    old = agency.code
    response = admin_client.post(f"/admin/org/agency/{agency.pk}/change/", {
        "code": "000.05.30.H40", "name": agency.name, "short_name": "", "kind": agency.kind,
        "unit": agency.unit_id, "parent": "", "is_active": "on",
        "code_history-TOTAL_FORMS": "0", "code_history-INITIAL_FORMS": "0",
        "code_history-MIN_NUM_FORMS": "0", "code_history-MAX_NUM_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Agency.objects.by_code(old).code == "000.05.30.H40"
    assert AgencyCodeChange.objects.get().old_code == old


def test_the_admin_refuses_a_malformed_code(admin_client, org):
    response = admin_client.post(f"/admin/org/agency/{org.pc_a.pk}/change/", {
        "code": "5.30.H40", "name": org.pc_a.name, "kind": org.pc_a.kind,
        "unit": org.pc_a.unit_id, "is_active": "on",
        "code_history-TOTAL_FORMS": "0", "code_history-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "000.00.14.H56" in response.content.decode()


def test_the_admin_refuses_a_former_code_of_another_agency(admin_client, org):
    import datetime as dt

    from motcua.org import actions

    old = org.pc_b.code
    actions.change_agency_code(org.pc_b, "000.09.30.H40", at=dt.datetime(2025, 7, 1, tzinfo=dt.UTC),
                               reason="", actor=None)
    response = admin_client.post(f"/admin/org/agency/{org.pc_a.pk}/change/", {
        "code": old, "name": org.pc_a.name, "kind": org.pc_a.kind,
        "unit": org.pc_a.unit_id, "is_active": "on",
        "code_history-TOTAL_FORMS": "0", "code_history-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    message = gettext("This identifier code belonged to another agency; codes are never reused.")
    assert message in response.content.decode()
