"""Identifier rules: personal ID numbers, tax codes and agency identifier codes.

Pure functions (no database), so they can be used anywhere and tested with hypothesis.
Each validator returns the parsed facts or raises InvalidIdentifier (a ValueError whose
message is a translatable, user-facing sentence and whose `code` is stable for clients).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class InvalidIdentifier(ValueError):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------------------------
# Personal identification number ("số định danh cá nhân", the 12 digits on the chip ID card).
# Digits 1-3: the birth-province code (Circular 07/2016/TT-BCA, kept by Circular 59/2021): the
# codes of the 63 provinces before the 2025 merger. They stay valid: numbers are never reissued.
# Digit 4: century and sex. Digits 5-6: the last two digits of the birth year. Digits 7-12: a
# random sequence.
# ---------------------------------------------------------------------------------------------

PERSONAL_ID_PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

_PERSONAL_ID_RE = re.compile(r"[0-9]{12}")

Sex = Literal["male", "female"]


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str  # birth-province code, e.g. "037"
    province_name: str  # its name before the 2025 merger, e.g. "Ninh Bình"
    century: int  # 20 for 1900-1999, 21 for 2000-2099, ...
    sex: Sex
    birth_year: int


def validate_personal_id(value: str, *, today: dt.date | None = None) -> PersonalId:
    """Check a 12-digit personal identification number and return what it encodes.

    >>> validate_personal_id("037095001234").birth_year
    1995
    """
    if not isinstance(value, str):
        raise InvalidIdentifier(_("The personal ID number must be text."), "personal_id_type")
    number = value.strip()
    if not _PERSONAL_ID_RE.fullmatch(number):
        raise InvalidIdentifier(
            _("The personal ID number must be exactly 12 digits."), "personal_id_format"
        )
    province_code = number[:3]
    province_name = PERSONAL_ID_PROVINCES.get(province_code)
    if province_name is None:
        raise InvalidIdentifier(
            _("The personal ID number does not start with a valid province code."),
            "personal_id_province",
        )
    marker = int(number[3])
    century_index = marker // 2  # 0 → 1900s, 1 → 2000s, ..., 4 → 2300s
    birth_year = 1900 + 100 * century_index + int(number[4:6])
    today = today or dt.datetime.now(VIETNAM_TZ).date()
    if birth_year > today.year:
        raise InvalidIdentifier(
            _("The personal ID number gives a birth year in the future."), "personal_id_year"
        )
    return PersonalId(
        number=number,
        province_code=province_code,
        province_name=province_name,
        century=20 + century_index,
        sex="male" if marker % 2 == 0 else "female",
        birth_year=birth_year,
    )


def personal_id_marker(birth_year: int, sex: Sex) -> str:
    """The 4th digit for a birth year and sex (the inverse of the rule above)."""
    century_index = (birth_year - 1900) // 100
    if not 0 <= century_index <= 4:
        raise ValueError("birth year outside 1900-2399")
    return str(2 * century_index + (0 if sex == "male" else 1))


# ---------------------------------------------------------------------------------------------
# Tax code ("mã số thuế"): 10 digits, or 10 digits + "-" + a 3-digit branch number (13 digits).
# Digits 1-2: province of registration; 3-9: sequence (never 0000000); 10: check digit,
# 10 - (Σ dᵢ·wᵢ mod 11) with w = 31, 29, 23, 19, 17, 13, 7, 5, 3. A remainder of 0 would need a
# check "digit" of 10; such sequences are not issued, so they are invalid (as in python-stdnum's
# stdnum.vn.mst). Branch numbers run 001-999.
# ---------------------------------------------------------------------------------------------

TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_TAX_CODE_RE = re.compile(r"([0-9]{10})(?:-?([0-9]{3}))?")


@dataclass(frozen=True)
class TaxCode:
    number: str  # canonical: "0100109106" or "0100109106-001"
    base: str  # the 10-digit code of the organisation (the parent for a branch)
    branch: str  # "" or the 3-digit branch number
    province_code: str  # the first two digits


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit for the first nine, or None when the sequence cannot have one."""
    total = sum(w * int(d) for w, d in zip(TAX_CODE_WEIGHTS, first_nine, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def validate_tax_code(value: str) -> TaxCode:
    """Check an organisation's tax code (10 or 13 digits) and its check digit.

    >>> validate_tax_code("0100109106-001").base
    '0100109106'
    """
    if not isinstance(value, str):
        raise InvalidIdentifier(_("The tax code must be text."), "tax_code_type")
    match = _TAX_CODE_RE.fullmatch(value.strip())
    if not match:
        raise InvalidIdentifier(
            _("The tax code must be 10 digits, or 10 digits, a dash and 3 digits."),
            "tax_code_format",
        )
    base, branch = match.group(1), match.group(2) or ""
    if base[2:9] == "0000000" or branch == "000":
        raise InvalidIdentifier(_("The tax code is not a valid number."), "tax_code_format")
    if tax_code_check_digit(base[:9]) != int(base[9]):
        raise InvalidIdentifier(
            _("The tax code is not valid: its check digit does not match."), "tax_code_checksum"
        )
    return TaxCode(
        number=f"{base}-{branch}" if branch else base,
        base=base,
        branch=branch,
        province_code=base[:2],
    )


# ---------------------------------------------------------------------------------------------
# Agency identifier codes (QCVN 102:2016/BTTTT style), e.g. "000.00.14.H56": four dot-separated
# parts, read right to left: the level-1 unit (a letter and two digits: H for provinces, G for
# ministries), then level-2 and level-3 units (two digits each) and the level-4 unit (3 digits).
# ---------------------------------------------------------------------------------------------

AGENCY_CODE_RE = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")


def validate_agency_code(value: str) -> str:
    """Return the code if it has the QCVN 102:2016 shape, else raise InvalidIdentifier."""
    if not isinstance(value, str) or not AGENCY_CODE_RE.fullmatch(value):
        raise InvalidIdentifier(
            _(
                "An agency identifier code has four dot-separated parts: 3 digits, 2 digits, "
                "2 digits, then a capital letter and 2 digits, e.g. 000.00.14.H56."
            ),
            "invalid_agency_code",
        )
    return value
