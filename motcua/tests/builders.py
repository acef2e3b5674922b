"""Builders of test data used across apps. Real structure, small size."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pikepdf

from motcua.catalog.models import ComponentRequirement, Fee, Procedure, ProcedureVersion, Sector
from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit, Agency, Role, StaffRole, User

PASSWORD = "Motcua@2026-test"


@dataclass
class Org:
    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    province_center: Agency
    center_a: Agency  # commune A's public administrative service center
    center_b: Agency
    pc_a: Agency  # commune A's People's Committee
    pc_b: Agency
    department: Agency
    officer_a: User  # one-stop officer at center A
    officer_b: User
    specialist_a: User  # specialist at commune A's People's Committee
    citizen: User
    other_citizen: User
    system: User


def unit(code: str, name: str, level: str, parent: AdministrativeUnit | None = None):
    return AdministrativeUnit.objects.create(
        code=code, name=name, name_folded=fold(name), level=level,
        division_type="tỉnh" if level == "province" else "phường", parent=parent,
    )


def agency(code: str, name: str, kind: str, unit_: AdministrativeUnit) -> Agency:
    return Agency.objects.create(code=code, name=name, kind=kind, unit=unit_)


def staff(username: str, full_name: str, agency_: Agency, role: str) -> User:
    user = User.objects.create_user(username, password=PASSWORD, kind=User.Kind.STAFF,
                                     full_name=full_name)
    StaffRole.objects.create(user=user, agency=agency_, role=role)
    return user


def citizen(username: str, full_name: str, national_id: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, kind=User.Kind.CITIZEN,
                                    full_name=full_name, national_id=national_id)


def build_org() -> Org:
    province = unit("37", "Ninh Bình", "province")
    commune_a = unit("14329", "Phường Hoa Lư", "commune", province)
    commune_b = unit("13666", "Phường Nam Định", "commune", province)
    province_center = agency("000.00.01.H40", "Trung tâm Phục vụ hành chính công tỉnh Ninh Bình",
                             "province_center", province)
    center_a = agency("000.01.20.H40", "Trung tâm Phục vụ hành chính công phường Hoa Lư",
                      "commune_center", commune_a)
    center_b = agency("000.02.20.H40", "Trung tâm Phục vụ hành chính công phường Nam Định",
                      "commune_center", commune_b)
    pc_a = agency("000.01.00.H40", "Ủy ban nhân dân phường Hoa Lư", "commune_pc", commune_a)
    pc_b = agency("000.02.00.H40", "Ủy ban nhân dân phường Nam Định", "commune_pc", commune_b)
    department = agency("000.00.14.H40", "Sở Tư pháp tỉnh Ninh Bình", "department", province)
    system = User.objects.create_user("portal-system", password=PASSWORD, kind=User.Kind.SYSTEM,
                                      full_name="Cổng dịch vụ công")
    return Org(
        province=province, commune_a=commune_a, commune_b=commune_b,
        province_center=province_center, center_a=center_a, center_b=center_b,
        pc_a=pc_a, pc_b=pc_b, department=department,
        officer_a=staff("officer.a", "Trần Thị Mai", center_a, Role.ONE_STOP_OFFICER),
        officer_b=staff("officer.b", "Lê Văn Hùng", center_b, Role.ONE_STOP_OFFICER),
        specialist_a=staff("specialist.a", "Phạm Quốc Bảo", pc_a, Role.SPECIALIST),
        citizen=citizen("citizen", "Nguyễn Văn An", "037095001234"),
        other_citizen=citizen("citizen2", "Hoàng Thị Lan", "036198004321"),
        system=system,
    )


MARITAL_STATUS = "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"


def build_procedure(*, code: str = "1.004873", name: str = MARITAL_STATUS,
                    duration: int | None = 3, unit: str = "working_days",
                    level: str = "commune", cutoff: dt.time | None = None,
                    supplement_mode: str = "pause", online_level: str = "full",
                    effective_from: dt.date = dt.date(2025, 7, 1),
                    competence_basis: str = "residence", any_boundary: bool = True,
                    pause_on_payment: bool = False,
                    duration_cases: list[dict[str, Any]] | None = None) -> Procedure:
    """A procedure with one version. On the list received regardless of administrative
    boundary by default, so that any unit of the test province receives it."""
    sector, _ = Sector.objects.get_or_create(name="Hộ tịch")
    procedure = Procedure.objects.create(code=code, name=name, name_folded=fold(name),
                                         sector=sector, level=level)
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, effective_from=effective_from, name=name, level=level,
        duration_value=duration, duration_unit=unit if duration else "", cutoff=cutoff,
        supplement_mode=supplement_mode, online_level=online_level,
        applicant_types=["person"], handling_agency_kind="commune_pc",
        competence_basis=competence_basis, any_boundary=any_boundary,
        pause_on_payment=pause_on_payment, duration_cases=duration_cases or [],
    )
    ComponentRequirement.objects.create(version=version, position=1, name="Tờ khai theo mẫu",
                                        required=True)
    ComponentRequirement.objects.create(version=version, position=2,
                                        name="Giấy tờ chứng minh tình trạng hôn nhân",
                                        required=False, form="copy")
    Fee.objects.create(version=version, position=1, name="Lệ phí", amount_vnd=0)
    return procedure


def pdf_bytes(pages: int = 1) -> bytes:
    """A real, minimal PDF (blank A4 pages), as the upload checks open it with pikepdf."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
