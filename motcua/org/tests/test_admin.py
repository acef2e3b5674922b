import unicodedata

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


def _agency_form(agency, **changes):
    return {"code": agency.code, "name": agency.name, "short_name": "", "kind": agency.kind,
            "unit": agency.unit_id, "parent": "", "is_active": "on",
            "code_history-TOTAL_FORMS": "0", "code_history-INITIAL_FORMS": "0",
            "code_history-MIN_NUM_FORMS": "0", "code_history-MAX_NUM_FORMS": "0", **changes}


def test_the_admin_checks_typed_text_like_the_api(admin_client, org):
    """One validator for the API, the admin and the web forms (core.text.clean_human_text):
    a reordering control or an invisible-only text is refused, and nothing is saved."""
    agency = org.pc_a
    url = f"/admin/org/agency/{agency.pk}/change/"
    for bad, why in (("UBND \u202eulA aoH", "direction-changing"),
                     ("\u200b\u200b", "only invisible"),
                     ("UBND\x00", "Null characters are not allowed")):
        response = admin_client.post(url, _agency_form(agency, name=bad),
                                     HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, why
        assert why in response.content.decode(), why
        agency.refresh_from_db()
        assert agency.name == org.pc_a.name
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Hoa Lư")
    assert decomposed != "Ủy ban nhân dân xã Hoa Lư"
    response = admin_client.post(url, _agency_form(agency, name=decomposed))
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.name == "Ủy ban nhân dân xã Hoa Lư"  # stored composed (NFC)


def test_the_admin_checks_a_users_name_but_leaves_a_password_as_typed(admin_client, org):
    user = org.specialist_a
    response = admin_client.post(f"/admin/org/user/{user.pk}/change/", {
        "username": user.username, "full_name": "Nguyễn \u202eAn", "kind": user.kind,
        "national_id": "", "tax_code": "", "phone": "", "is_active": "on",
        "date_joined_0": "2026-11-01", "date_joined_1": "00:00:00",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    user.refresh_from_db()
    assert "\u202e" not in user.full_name
    from motcua.core.forms import HumanTextFormMixin
    from motcua.org.admin import UserCreationForm

    assert issubclass(UserCreationForm, HumanTextFormMixin)
    form = UserCreationForm(data={"username": "new.one", "usertype": "",
                                  "password1": "Mật\u200bkhẩu-rất-dài-2026",
                                  "password2": "Mật\u200bkhẩu-rất-dài-2026"})
    assert form.is_valid(), form.errors
    created = form.save()
    assert created.check_password("Mật\u200bkhẩu-rất-dài-2026")  # as typed
    assert admin_client.get("/admin/org/user/add/").status_code == 200
