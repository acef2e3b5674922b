"""Forms 04 and 05 as official letters: numbered per agency and year, signed by the competent
agency's leader (Decree 30/2020)."""

import pytest
from django.db import connection, transaction

from motcua.dossiers import actions, letters
from motcua.dossiers.models import Letter
from motcua.dossiers.tests.factories import at, received
from motcua.dossiers.tests.test_concurrency import at_once
from motcua.org.models import Agency, Role
from motcua.tests.builders import agency, staff

pytestmark = pytest.mark.django_db


def test_apology_and_stop_get_numbers_from_the_handling_agencys_yearly_series(api, org,
                                                                              procedure):
    leader = staff("leader.a", "Đinh Công Lý", org.pc_a, Role.LEADER)
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    first = received(org, procedure, at("09:00 14/12/2026"))
    actions.perform(first, "apologize", org.specialist_a, reason="Cần xác minh",
                    new_appointment=at("16:00 28/12/2026"), now=at("10:00 15/12/2026"))
    second = received(org, procedure, at("09:00 28/12/2026"))
    actions.perform(second, "request_stop", org.citizen, reason="Tôi xin dừng",
                    now=at("09:30 29/12/2026"))
    actions.perform(second, "stop", head, reason="Người yêu cầu đề nghị dừng",
                    now=at("10:00 29/12/2026"))
    third = received(org, procedure, at("09:00 30/12/2026"))
    actions.perform(third, "request_stop", org.specialist_a, reason="Giấy tờ giả mạo",
                    now=at("07:30 04/01/2027"))
    actions.perform(third, "stop", head, reason="Hồ sơ giả mạo", now=at("08:00 04/01/2027"))

    rows = list(Letter.objects.order_by("issued_at").values_list(
        "dossier__code", "kind", "year", "number", "notation", "signer", "signer_title"))
    assert rows == [
        (first.code, "04", 2026, 1, "1/UBND-MC", leader.pk, "Chủ tịch"),
        (second.code, "05", 2026, 2, "2/TB-UBND", leader.pk, "Chủ tịch"),
        (third.code, "05", 2027, 1, "1/TB-UBND", leader.pk, "Chủ tịch"),  # 1 January
    ]
    api.force_authenticate(org.officer_a)
    detail = api.get(f"/api/v1/dossiers/{second.code}").json()
    assert detail["letters"] == [{
        "form": "05", "notation": "2/TB-UBND",
        "agency": {"code": org.pc_a.code, "name": org.pc_a.name},
        "issued_at": "2026-12-29T10:00:00+07:00", "signer_name": "Đinh Công Lý",
        "signer_title": "Chủ tịch",
    }]


def test_a_failed_action_gives_its_number_back(org, procedure):
    d = received(org, procedure, at("09:00 14/12/2026"))
    with pytest.raises(Exception):  # noqa: B017  # the new appointment is not later
        actions.perform(d, "apologize", org.specialist_a, reason="x",
                        new_appointment=at("09:00 14/12/2026"), now=at("10:00 15/12/2026"))
    assert not Letter.objects.exists()
    actions.perform(d, "apologize", org.specialist_a, reason="x",
                    new_appointment=at("16:00 28/12/2026"), now=at("10:00 15/12/2026"))
    assert Letter.objects.get().number == 1


def test_the_signer_is_the_leader_else_the_head_else_left_blank(org):
    assert letters.signer_of(org.pc_a) == letters.Signer(None, "", "", "")
    head = staff("head.a", "Đỗ Minh Tâm", org.pc_a, Role.HEAD)
    assert letters.signer_of(org.pc_a) == letters.Signer(head, "Đỗ Minh Tâm", "Trưởng phòng",
                                                         "head")
    leader = staff("leader.dept", "Ngô Thị Thu", org.department, Role.LEADER)
    assert letters.signer_of(org.department).title == "Giám đốc"
    leader.is_active = False
    leader.save()
    assert letters.signer_of(org.department).user is None  # an inactive account never signs


@pytest.mark.parametrize("name, kind, short, expected", [
    ("Ủy ban nhân dân phường Hoa Lư", "commune_pc", "", "UBND"),
    ("Sở Tư pháp tỉnh Ninh Bình", "department", "", "STP"),
    ("Bảo hiểm xã hội tỉnh Ninh Bình", "sector", "", "BHXH"),
    ("Công an tỉnh Ninh Bình", "sector", "", "CA"),
    ("Sở Nội vụ tỉnh Ninh Bình", "department", "Sở Nội vụ", "SNV"),
    ("Sở Xây dựng tỉnh Ninh Bình", "department", "SXD", "SXD"),
    ("Sở Giáo dục và Đào tạo tỉnh Ninh Bình", "department", "", "SGDĐT"),
])
def test_agency_abbreviation(org, name, kind, short, expected):
    a = agency(f"000.00.{len(name):02d}.H40", name, kind, org.province)
    a.short_name = short
    assert letters.agency_abbreviation(a) == expected
    assert letters.notation("05", 7, a) == f"7/TB-{expected}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_letters_of_one_agency_never_share_a_number(org, procedure):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    dossiers = iter([received(org, procedure, at("09:00 16/11/2026")) for _ in range(40)])
    lock = __import__("threading").Lock()

    def issue_some() -> None:
        for _ in range(5):
            with lock:
                d = next(dossiers)
            with transaction.atomic():
                letters.issue(actions.lock(d), letters.STOP, at("10:00 17/11/2026"))

    at_once(issue_some, threads=8)
    numbers = sorted(Letter.objects.filter(agency=org.pc_a).values_list("number", flat=True))
    assert numbers == list(range(1, 41))
    assert Agency.objects.filter(pk=org.pc_a.pk).exists()
