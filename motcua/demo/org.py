"""A demo organisation: one real province after the 1 July 2025 merger, with its agencies,
every commune's People's Committee and service center, and demo accounts.

The province and its communes are real (GSO codes and names from `vietnam-provinces`; Ninh Bình
is code 37, 129 communes and wards). The agency identifier codes are DEMO codes: they have the
QCVN 102:2016 shape (`LLL.L3.L2.Hnn`), but the real codes assigned by the province are not in
our data. The scheme:

- level 1: the province, `H40` for Ninh Bình (the suffix seen on Ninh Bình's procedure codes;
  unconfirmed) and `H<GSO code>` for any other province;
- provincial agencies at level 2: `000.00.00` People's Committee, `000.00.01` its Office,
  `000.00.02` the Public Administrative Service Center, `000.00.10`-`15` departments,
  `000.00.80`-`82` sector agencies (police, tax, social insurance);
- communes, in GSO-code order n = 1, 2, ...: level 2 = 30 + (n-1) // 99, level 3 =
  (n-1) % 99 + 1, so more than 99 communes fit; the People's Committee is level 4 `000`, its
  service center `001`.

Do not use these codes in production: load the province's real codes instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from vietnam_provinces import Ward
from vietnam_provinces.codes import WardCode

from motcua.core.errors import InvalidInput
from motcua.org import actions
from motcua.org.importers import load_units
from motcua.org.models import AdministrativeUnit, Agency, Role, User
from motcua.org.selectors import active_roles

DEFAULT_PASSWORD = "Motcua@2026"

# Level-1 (province) part of the codes. Only Ninh Bình's is taken from real data.
PROVINCE_LETTER_CODES = {"37": "H40"}

# The two communes with named one-stop officers, per province (GSO codes).
NAMED_COMMUNES = {"37": ("14329", "13666")}  # Phường Hoa Lư, Phường Nam Định

Kind = Agency.Kind

DEPARTMENTS = [
    ("10", "Sở Tài chính", "STC"),
    ("11", "Sở Xây dựng", "SXD"),
    ("12", "Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("13", "Sở Y tế", "SYT"),
    ("14", "Sở Tư pháp", "STP"),
    ("15", "Sở Giáo dục và Đào tạo", "SGDĐT"),
]
SECTOR_AGENCIES = [
    ("80", "Công an", "CA"),
    ("81", "Thuế", "Thuế"),
    ("82", "Bảo hiểm xã hội", "BHXH"),
]


@dataclass(frozen=True)
class Place:
    """How a unit is named inside an agency name: 'tỉnh Ninh Bình', 'phường Hoa Lư'."""

    full: str  # "tỉnh Ninh Bình"
    bare: str  # "Ninh Bình"


def province_place(unit: AdministrativeUnit) -> Place:
    bare = unit.name
    for prefix in ("Thành phố ", "Tỉnh "):
        if bare.startswith(prefix):
            bare = bare[len(prefix):]
    kind = "thành phố" if unit.division_type.startswith("thành phố") else "tỉnh"
    return Place(f"{kind} {bare}", bare)


def commune_place(unit: AdministrativeUnit) -> Place:
    kind = unit.division_type  # "xã", "phường", "đặc khu"
    name = unit.name
    bare = name[len(kind) + 1:] if name.lower().startswith(kind + " ") else name
    return Place(f"{kind} {bare}", bare)


def commune_slug(code: str) -> str:
    """'14329' (Phường Hoa Lư) → 'hoalu', from the package's codename."""
    codename = Ward.from_code(WardCode(int(code))).codename  # "phuong_hoa_lu"
    parts = codename.split("_")
    for prefix in (["dac", "khu"], ["phuong"], ["xa"]):
        if parts[: len(prefix)] == prefix:
            parts = parts[len(prefix):]
            break
    return "".join(parts)


def commune_codes(index: int, letter: str) -> tuple[str, str]:
    """Demo codes of the n-th commune (1-based): (People's Committee, service center)."""
    level2 = 30 + (index - 1) // 99
    level3 = (index - 1) % 99 + 1
    return f"000.{level3:02d}.{level2:02d}.{letter}", f"001.{level3:02d}.{level2:02d}.{letter}"


@dataclass(frozen=True)
class AgencySpec:
    key: str
    code: str
    name: str
    short_name: str
    kind: str
    unit: AdministrativeUnit
    parent_key: str | None = None


def _agency_specs(province: AdministrativeUnit, communes: list[AdministrativeUnit],
                  letter: str) -> list[AgencySpec]:
    p = province_place(province)
    specs = [
        AgencySpec("province_pc", f"000.00.00.{letter}", f"Ủy ban nhân dân {p.full}",
                   f"UBND {p.full}", Kind.PROVINCE_PC, province),
        AgencySpec("pc_office", f"000.00.01.{letter}",
                   f"Văn phòng Ủy ban nhân dân {p.full}", "VP UBND", Kind.PC_OFFICE, province,
                   "province_pc"),
        AgencySpec("province_center", f"000.00.02.{letter}",
                   f"Trung tâm Phục vụ hành chính công {p.full}", "TTPVHCC",
                   Kind.PROVINCE_CENTER, province, "pc_office"),
    ]
    for number, name, short in DEPARTMENTS:
        specs.append(AgencySpec(f"department:{short}", f"000.00.{number}.{letter}",
                                f"{name} {p.full}", short, Kind.DEPARTMENT, province,
                                "province_pc"))
    for number, name, short in SECTOR_AGENCIES:
        specs.append(AgencySpec(f"sector:{short}", f"000.00.{number}.{letter}",
                                f"{name} {p.full}", short, Kind.SECTOR, province))
    for index, commune in enumerate(communes, start=1):
        c = commune_place(commune)
        pc_code, center_code = commune_codes(index, letter)
        specs.append(AgencySpec(f"commune_pc:{commune.code}", pc_code,
                                f"Ủy ban nhân dân {c.full}", f"UBND {c.full}",
                                Kind.COMMUNE_PC, commune))
        specs.append(AgencySpec(f"commune_center:{commune.code}", center_code,
                                f"Trung tâm Phục vụ hành chính công {c.full}",
                                f"TTPVHCC {c.full}", Kind.COMMUNE_CENTER, commune,
                                f"commune_pc:{commune.code}"))
    return specs


def _ensure_agencies(specs: list[AgencySpec]) -> dict[str, Agency]:
    existing = {a.code: a for a in Agency.objects.filter(code__in=[s.code for s in specs])}
    by_key: dict[str, Agency] = {}
    for spec in specs:  # parents come before their children in the list
        agency = existing.get(spec.code)
        if agency is None:
            agency = actions.create_agency(
                code=spec.code, name=spec.name, kind=spec.kind, unit=spec.unit,
                parent=by_key[spec.parent_key] if spec.parent_key else None,
                short_name=spec.short_name, actor=None,
            )
        by_key[spec.key] = agency
    return by_key


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    kind: str
    roles: tuple[tuple[str, str], ...] = ()  # (agency key, role)
    national_id: str = ""
    superuser: bool = False


def _account_specs(named: list[tuple[str, str]]) -> list[AccountSpec]:
    (code_a, slug_a), (code_b, slug_b) = named
    pc_a, center_a, center_b = f"commune_pc:{code_a}", f"commune_center:{code_a}", \
        f"commune_center:{code_b}"
    pc_b = f"commune_pc:{code_b}"
    staff = User.Kind.STAFF
    return [
        AccountSpec("officer.tinh", "Nguyễn Thị Thu Hà", staff,
                    (("province_center", Role.ONE_STOP_OFFICER),)),
        # the center's director: escalations of its steps (delivery) reach someone
        AccountSpec("head.tinh", "Lê Thị Thanh Hương", staff, (("province_center", Role.HEAD),)),
        AccountSpec(f"officer.{slug_a}", "Trần Thị Mai", staff,
                    ((center_a, Role.ONE_STOP_OFFICER),)),
        AccountSpec(f"officer.{slug_b}", "Lê Văn Hùng", staff,
                    ((center_b, Role.ONE_STOP_OFFICER),)),
        AccountSpec(f"specialist.{slug_a}", "Phạm Quốc Bảo", staff, ((pc_a, Role.SPECIALIST),)),
        AccountSpec(f"head.{slug_a}", "Đỗ Thị Hồng", staff, ((pc_a, Role.HEAD),)),
        AccountSpec(f"leader.{slug_a}", "Vũ Đức Thắng", staff, ((pc_a, Role.LEADER),)),
        AccountSpec(f"specialist.{slug_b}", "Trịnh Minh Khoa", staff, ((pc_b, Role.SPECIALIST),)),
        AccountSpec(f"head.{slug_b}", "Phan Thị Thu Trang", staff, ((pc_b, Role.HEAD),)),
        AccountSpec(f"leader.{slug_b}", "Cao Văn Lộc", staff, ((pc_b, Role.LEADER),)),
        AccountSpec("specialist.congan", "Lê Quang Huy", staff, (("sector:CA", Role.SPECIALIST),)),
        AccountSpec("head.congan", "Nguyễn Đức Mạnh", staff, (("sector:CA", Role.HEAD),)),
        AccountSpec("leader.congan", "Hà Văn Quân", staff, (("sector:CA", Role.LEADER),)),
        AccountSpec("specialist.bhxh", "Đào Thị Thu", staff, (("sector:BHXH", Role.SPECIALIST),)),
        AccountSpec("head.bhxh", "Tạ Quang Vinh", staff, (("sector:BHXH", Role.HEAD),)),
        AccountSpec("specialist.tuphap", "Ngô Thanh Tùng", staff,
                    (("department:STP", Role.SPECIALIST),)),
        AccountSpec("head.tuphap", "Bùi Thị Ngọc Anh", staff, (("department:STP", Role.HEAD),)),
        AccountSpec("leader.tuphap", "Đinh Công Minh", staff,
                    (("department:STP", Role.LEADER),)),
        AccountSpec("admin.tinh", "Hoàng Văn Nam", staff, (("province_pc", Role.ADMIN),),
                    superuser=True),
        AccountSpec("auditor.tinh", "Lương Thị Thanh", staff, (("province_pc", Role.AUDITOR),)),
        AccountSpec("citizen.an", "Nguyễn Văn An", User.Kind.CITIZEN,
                    national_id="037095001234"),
        AccountSpec("citizen.lan", "Hoàng Thị Lan", User.Kind.CITIZEN,
                    national_id="036198004321"),
        AccountSpec("system.portal", "Cổng Dịch vụ công quốc gia (sandbox)", User.Kind.SYSTEM),
    ]


def _ensure_account(spec: AccountSpec, agencies: dict[str, Agency], password: str) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is None:
        if spec.kind == User.Kind.STAFF:
            first_key, first_role = spec.roles[0]
            user = actions.create_staff(spec.username, spec.full_name, password,
                                        agencies[first_key], first_role, None)
        else:
            user = actions.create_account(spec.username, spec.full_name, password,
                                          kind=spec.kind, actor=None,
                                          national_id=spec.national_id)
    for key, role in spec.roles:
        actions.grant_role(user, agencies[key], role, None)
    if spec.superuser and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def build_demo_org(province_code: str = "37", password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    """Build (or complete) the demo province; safe to run again. Returns what to print.

    Existing accounts keep their password; new ones get `password`.
    """
    province_code = f"{int(province_code):02d}"
    with transaction.atomic():
        province = AdministrativeUnit.objects.filter(
            code=province_code, level=AdministrativeUnit.Level.PROVINCE
        ).first()
        if province is None or not province.children.exists():
            load_units()
            province = AdministrativeUnit.objects.filter(
                code=province_code, level=AdministrativeUnit.Level.PROVINCE
            ).first()
        if province is None:
            raise InvalidInput(
                _("Unknown province code %(code)s.") % {"code": province_code}, code="province"
            )
        communes = list(province.children.order_by("code"))
        letter = PROVINCE_LETTER_CODES.get(province_code, f"H{province_code}")
        agencies = _ensure_agencies(_agency_specs(province, communes, letter))

        named_codes = NAMED_COMMUNES.get(province_code) or tuple(c.code for c in communes[:2])
        named = [(code, commune_slug(code)) for code in named_codes]
        accounts = []
        for spec in _account_specs(named):
            user = _ensure_account(spec, agencies, password)
            accounts.append(
                {
                    "username": user.username,
                    "full_name": user.full_name,
                    "kind": user.kind,
                    "roles": [
                        {"agency_code": r.agency.code, "agency_name": r.agency.name,
                         "role": r.role}
                        for r in active_roles(user)
                    ],
                }
            )
        system = User.objects.get(username="system.portal")
        token, _created = Token.objects.get_or_create(user=system)

    def code_of(key: str) -> str:
        return agencies[key].code

    return {
        "province": {"code": province.code, "name": province.name},
        "password": password,
        "agencies": {
            "province_pc": code_of("province_pc"),
            "pc_office": code_of("pc_office"),
            "province_center": code_of("province_center"),
            "departments": {a.short_name: a.code for k, a in agencies.items()
                            if k.startswith("department:")},
            "sector": {a.short_name: a.code for k, a in agencies.items()
                       if k.startswith("sector:")},
            "named_communes": [
                {"unit_code": code, "name": next(c.name for c in communes if c.code == code),
                 "people_committee": code_of(f"commune_pc:{code}"),
                 "service_center": code_of(f"commune_center:{code}")}
                for code, _slug in named
            ],
            "communes": len(communes),
        },
        "accounts": accounts,
        "system_token": token.key,
    }
