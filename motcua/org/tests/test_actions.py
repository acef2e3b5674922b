import datetime as dt

import pytest
from django.utils import timezone

from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.models import AuditEvent
from motcua.org import actions
from motcua.org.models import Agency, AgencyCodeChange, Role, StaffRole, User
from motcua.org.selectors import agency_by_code

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 7, 1, 0, 0, tzinfo=dt.UTC)


def audit(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_create_agency_writes_an_audit_row_and_folds_the_name(org):
    admin = org.officer_a
    agency = actions.create_agency(
        code="000.00.11.H40", name="Sở  Xây dựng tỉnh Ninh Bình", kind=Agency.Kind.DEPARTMENT,
        unit=org.province, actor=admin,
    )
    assert agency.name == "Sở Xây dựng tỉnh Ninh Bình"
    assert agency.name_folded == "so xay dung tinh ninh binh"
    [event] = audit("org.agency_created")
    assert event.actor == admin and event.object_id == str(agency.pk)
    assert event.data["code"] == "000.00.11.H40"


@pytest.mark.parametrize("code", [
    "", "000.00.14", "00.00.14.H40", "000.0.14.H40", "000.00.14.h40", "000.00.14.H4",
    "000.00.14.HH0", "000-00-14-H40", "000.00.14.H40.1", " 000.00.14.H40x", "０00.00.14.H40",
])
def test_malformed_codes_are_refused_with_a_clear_error(org, code):
    with pytest.raises(actions.InvalidAgencyCode) as caught:
        actions.create_agency(code=code, name="Sở Y tế", kind="department", unit=org.province)
    assert caught.value.code == "invalid_agency_code"
    assert "000.00.14.H56" in caught.value.detail
    assert not Agency.objects.filter(name="Sở Y tế").exists()


def test_create_agency_refuses_a_taken_code_and_an_unknown_kind(org):
    with pytest.raises(actions.AgencyCodeTaken):
        actions.create_agency(code=org.department.code, name="Trùng", kind="department",
                              unit=org.province)
    with pytest.raises(InvalidInput):
        actions.create_agency(code="000.00.90.H40", name="X", kind="ministry", unit=org.province)


def test_code_change_keeps_history_and_old_codes_resolve(org):
    agency = org.pc_a
    old = agency.code
    actions.change_agency_code(agency, "000.05.30.H40", at=AT, reason="Sắp xếp đơn vị",
                               actor=None)
    actions.change_agency_code(agency, "000.06.30.H40", at=AT + dt.timedelta(days=1),
                               reason="Đổi mã lần hai", actor=None)

    agency.refresh_from_db()
    assert agency.code == "000.06.30.H40"
    history = list(agency.code_history.values_list("old_code", "new_code"))
    assert history == [(old, "000.05.30.H40"), ("000.05.30.H40", "000.06.30.H40")]
    for code in (old, "000.05.30.H40", "000.06.30.H40"):
        assert Agency.objects.by_code(code) == agency
        assert agency_by_code(code) == agency
    assert agency_by_code("000.99.99.H40") is None
    with pytest.raises(Agency.DoesNotExist):
        Agency.objects.by_code("000.99.99.H40")
    events = audit("org.agency_code_changed")
    assert [e.data["old_code"] for e in events] == [old, "000.05.30.H40"]


def test_code_change_refusals_leave_nothing_written(org):
    agency = org.pc_a
    old = agency.code
    with pytest.raises(actions.InvalidAgencyCode):
        actions.change_agency_code(agency, "5.30.H40", at=AT, reason="", actor=None)
    with pytest.raises(actions.AgencyCodeTaken):
        actions.change_agency_code(agency, org.pc_b.code, at=AT, reason="", actor=None)
    with pytest.raises(InvalidInput):
        actions.change_agency_code(agency, old, at=AT, reason="", actor=None)
    with pytest.raises(InvalidInput):
        actions.change_agency_code(agency, "000.07.30.H40", at=dt.datetime(2025, 7, 1),
                                   reason="", actor=None)
    assert AgencyCodeChange.objects.count() == 0
    assert audit("org.agency_code_changed") == []
    agency.refresh_from_db()
    assert agency.code == old


def test_a_former_code_of_one_agency_is_never_given_to_another(org):
    old = org.pc_a.code
    actions.change_agency_code(org.pc_a, "000.05.30.H40", at=AT, reason="", actor=None)
    with pytest.raises(actions.AgencyCodeTaken):
        actions.create_agency(code=old, name="Khác", kind="commune_pc", unit=org.commune_b)
    with pytest.raises(actions.AgencyCodeTaken):
        actions.change_agency_code(org.pc_b, old, at=AT, reason="", actor=None)
    # ...but the agency itself may go back to its own former code.
    actions.change_agency_code(org.pc_a, old, at=AT + dt.timedelta(hours=1), reason="",
                               actor=None)
    assert Agency.objects.by_code(old) == org.pc_a


def test_deactivate_agency_is_audited_once_and_its_roles_stop_counting(org):
    from motcua.org.selectors import agencies_of

    assert list(agencies_of(org.officer_a)) == [org.center_a]
    actions.deactivate_agency(org.center_a, actor=None, reason="Sáp nhập")
    actions.deactivate_agency(org.center_a, actor=None)
    assert not Agency.objects.get(pk=org.center_a.pk).is_active
    assert len(audit("org.agency_deactivated")) == 1
    assert list(agencies_of(org.officer_a)) == []


def test_grant_and_revoke_roles_with_audit_rows(org):
    user, agency = org.specialist_a, org.pc_a
    role = actions.grant_role(user, agency, Role.HEAD, org.officer_a)
    assert role.is_active
    actions.grant_role(user, agency, Role.HEAD, org.officer_a)  # idempotent
    assert len(audit("org.role_granted")) == 1

    actions.revoke_role(user, agency, Role.HEAD, org.officer_a)
    actions.revoke_role(user, agency, Role.HEAD, org.officer_a)  # already revoked
    assert not StaffRole.objects.get(user=user, agency=agency, role=Role.HEAD).is_active
    [revoked] = audit("org.role_revoked")
    assert revoked.actor == org.officer_a
    assert revoked.data == {"user": user.username, "agency": agency.code, "role": "head"}

    actions.grant_role(user, agency, Role.HEAD, None)  # re-granted: reactivated, audited
    assert StaffRole.objects.get(user=user, agency=agency, role=Role.HEAD).is_active
    assert len(audit("org.role_granted")) == 2


def test_role_refusals(org):
    with pytest.raises(InvalidInput):
        actions.grant_role(org.specialist_a, org.pc_a, "mayor", None)
    with pytest.raises(InvalidInput):
        actions.grant_role(org.citizen, org.pc_a, Role.SPECIALIST, None)
    with pytest.raises(NotFound):
        actions.revoke_role(org.specialist_a, org.pc_b, Role.SPECIALIST, None)
    actions.deactivate_agency(org.pc_b, actor=None)
    with pytest.raises(InvalidInput):
        actions.grant_role(org.specialist_a, org.pc_b, Role.SPECIALIST, None)


def test_create_staff_validates_the_password_and_grants_the_role(org):
    user = actions.create_staff("nv.hoalu", "Trần Văn Bình", "Kh0ng-de-doan@2026", org.pc_a,
                                Role.SPECIALIST, org.officer_a)
    assert user.kind == User.Kind.STAFF and user.check_password("Kh0ng-de-doan@2026")
    assert StaffRole.objects.active().filter(user=user, agency=org.pc_a).count() == 1
    assert audit("org.staff_created")[0].data["username"] == "nv.hoalu"


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901", "nv.hoalu2026"])
def test_create_staff_refuses_weak_passwords(org, password):
    with pytest.raises(InvalidInput) as caught:
        actions.create_staff("nv.hoalu", "Trần Văn Bình", password, org.pc_a, Role.SPECIALIST,
                             None)
    assert caught.value.code == "weak_password"
    assert caught.value.extra["errors"]["password"]
    assert not User.objects.filter(username="nv.hoalu").exists()
    assert audit("org.staff_created") == []


def test_create_staff_refuses_a_taken_or_invalid_username(org):
    with pytest.raises(DomainError) as caught:
        actions.create_staff("OFFICER.A", "Ai Đó", "Kh0ng-de-doan@2026", org.pc_a,
                             Role.SPECIALIST, None)
    assert caught.value.code == "username_taken"
    with pytest.raises(InvalidInput):
        actions.create_staff("có dấu cách", "Ai Đó", "Kh0ng-de-doan@2026", org.pc_a,
                             Role.SPECIALIST, None)


def test_create_account_checks_the_personal_id(org):
    with pytest.raises(InvalidInput) as caught:
        actions.create_account("cd.moi", "Công Dân", "Kh0ng-de-doan@2026",
                               kind=User.Kind.CITIZEN, actor=None, national_id="999095001234")
    assert caught.value.code == "personal_id_province"
    user = actions.create_account("cd.moi", "Công Dân", "Kh0ng-de-doan@2026",
                                  kind=User.Kind.CITIZEN, actor=None, national_id="037095001239")
    assert user.national_id == "037095001239"


def test_by_code_uses_the_current_holder_first(org):
    assert Agency.objects.by_code(f"  {org.department.code} ") == org.department
    assert timezone.is_aware(AT)
