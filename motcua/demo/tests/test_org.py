import pytest
from django.core.management import call_command

from motcua.core.models import AuditEvent
from motcua.demo.org import build_demo_org, commune_codes
from motcua.org.identifiers import validate_agency_code, validate_personal_id
from motcua.org.models import AdministrativeUnit, Agency, Role, StaffRole, User
from motcua.org.selectors import has_role

pytestmark = pytest.mark.django_db


def counts():
    return (Agency.objects.count(), User.objects.count(), StaffRole.objects.count(),
            AuditEvent.objects.count(), AdministrativeUnit.objects.count())


def test_demo_org_builds_ninh_binh_with_every_commune_and_is_idempotent():
    demo = build_demo_org()
    first = counts()
    again = build_demo_org()
    assert counts() == first
    assert again["accounts"] == demo["accounts"]
    assert again["system_token"] == demo["system_token"]

    assert demo["province"] == {"code": "37", "name": "Ninh Bình"}
    province = AdministrativeUnit.objects.get(code="37")
    communes = list(province.children.all())
    assert len(communes) == demo["agencies"]["communes"] == 129
    for commune in communes:
        kinds = sorted(commune.agencies.values_list("kind", flat=True))
        assert kinds == ["commune_center", "commune_pc"], commune
    assert Agency.objects.count() == 3 + 6 + 3 + 2 * 129
    for code in Agency.objects.values_list("code", flat=True):
        validate_agency_code(code)

    names = set(Agency.objects.filter(unit=province).values_list("name", flat=True))
    assert {
        "Ủy ban nhân dân tỉnh Ninh Bình",
        "Văn phòng Ủy ban nhân dân tỉnh Ninh Bình",
        "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình",
        "Sở Tư pháp tỉnh Ninh Bình", "Sở Xây dựng tỉnh Ninh Bình",
        "Sở Nông nghiệp và Môi trường tỉnh Ninh Bình", "Sở Tài chính tỉnh Ninh Bình",
        "Sở Y tế tỉnh Ninh Bình", "Sở Giáo dục và Đào tạo tỉnh Ninh Bình",
        "Công an tỉnh Ninh Bình", "Thuế tỉnh Ninh Bình", "Bảo hiểm xã hội tỉnh Ninh Bình",
    } == names
    hoa_lu = Agency.objects.get(unit__code="14329", kind="commune_center")
    assert hoa_lu.name == "Trung tâm Phục vụ hành chính công phường Hoa Lư"
    assert hoa_lu.parent.name == "Ủy ban nhân dân phường Hoa Lư"
    assert Agency.objects.get(kind="province_center").receives_dossiers


def test_demo_accounts_and_roles():
    demo = build_demo_org(password="Mot-khau-khac@2026")
    accounts = {a["username"]: a for a in demo["accounts"]}
    roles = {name: {(r["role"], r["agency_name"]) for r in a["roles"]}
             for name, a in accounts.items()}
    assert roles["officer.tinh"] == {
        ("one_stop_officer", "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình")}
    assert roles["head.tinh"] == {("head", "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình")}
    assert roles["officer.hoalu"] == {
        ("one_stop_officer", "Trung tâm Phục vụ hành chính công phường Hoa Lư")}
    assert roles["officer.namdinh"] == {
        ("one_stop_officer", "Trung tâm Phục vụ hành chính công phường Nam Định")}
    for role in ("specialist", "head", "leader"):
        assert roles[f"{role}.hoalu"] == {(role, "Ủy ban nhân dân phường Hoa Lư")}
        assert roles[f"{role}.tuphap"] == {(role, "Sở Tư pháp tỉnh Ninh Bình")}
    assert roles["admin.tinh"] == {("admin", "Ủy ban nhân dân tỉnh Ninh Bình")}
    assert roles["auditor.tinh"] == {("auditor", "Ủy ban nhân dân tỉnh Ninh Bình")}

    citizens = User.objects.filter(kind=User.Kind.CITIZEN)
    assert citizens.count() == 2
    for citizen in citizens:
        validate_personal_id(citizen.national_id)
        assert citizen.check_password("Mot-khau-khac@2026")
    assert accounts["system.portal"]["kind"] == "system"
    officer = User.objects.get(username="officer.hoalu")
    center = Agency.objects.get(code=accounts["officer.hoalu"]["roles"][0]["agency_code"])
    assert has_role(officer, center, Role.ONE_STOP_OFFICER)


def test_existing_accounts_keep_their_password():
    build_demo_org()
    build_demo_org(password="Mot-khau-khac@2026")
    assert User.objects.get(username="officer.tinh").check_password("Motcua@2026")


def test_commune_codes_fit_more_than_99_communes():
    assert commune_codes(1, "H40") == ("000.01.30.H40", "001.01.30.H40")
    assert commune_codes(99, "H40") == ("000.99.30.H40", "001.99.30.H40")
    assert commune_codes(100, "H40") == ("000.01.31.H40", "001.01.31.H40")


def test_another_province_can_be_built():
    demo = build_demo_org("08")  # Tuyên Quang
    assert demo["province"]["code"] == "08"
    assert demo["agencies"]["province_pc"] == "000.00.00.H08"
    assert Agency.objects.get(code="000.00.00.H08").name == "Ủy ban nhân dân tỉnh Tuyên Quang"


def test_load_demo_org_command_prints_logins(capsys):
    call_command("load_demo_org")
    out = capsys.readouterr().out
    assert "officer.hoalu" in out and "Motcua@2026" in out and "Ninh Bình" in out
