"""Where the result is returned: the applicant's choice at intake (DOMAIN.md §4).

Any one-stop unit of the province (an active agency that receives dossiers, in the receiving
unit's province), the public postal service (to an address: the one given, else the
applicant's), or online. Without a choice: the receiving unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.org.models import Agency


@dataclass(frozen=True)
class ResultReturn:
    """The choice as given (API input): method, a unit's code, a postal address."""

    method: str = ReturnMethod.UNIT
    agency_code: str = ""
    address: str = ""


@dataclass(frozen=True)
class Choice:
    method: ReturnMethod
    agency: Agency | None
    address: str


def _province_id(agency: Agency) -> int:
    return agency.unit.parent_id or agency.unit_id


def validated(given: ResultReturn | None, receiving: Agency, applicant_address: str) -> Choice:
    """The choice checked, or InvalidInput (400) saying what is wrong."""
    given = given or ResultReturn()
    try:
        method = ReturnMethod(given.method or ReturnMethod.UNIT)
    except ValueError:
        raise InvalidInput(
            _("Choose where the result is returned: unit, postal or online."),
            code="return_method",
        ) from None
    if method == ReturnMethod.POSTAL:
        address = " ".join((given.address or applicant_address).split())
        if not address:
            raise InvalidInput(_("An address is needed to return the result by post."),
                               code="return_address")
        return Choice(method, None, address)
    if method == ReturnMethod.ONLINE:
        return Choice(method, None, "")
    code = given.agency_code.strip()
    if not code or code == receiving.code:
        return Choice(method, receiving, "")
    unit = Agency.objects.select_related("unit").filter(code=code).first()
    if (unit is None or not unit.is_active or not unit.receives_dossiers
            or _province_id(unit) != _province_id(receiving)):
        raise InvalidInput(
            _("The result can be returned only at an active one-stop unit of the same "
              "province."),
            code="return_agency",
        )
    return Choice(method, unit, "")


def return_agency_id(d: Dossier) -> int | None:
    """The unit where the applicant collects the result; None by post or online."""
    if d.return_method != ReturnMethod.UNIT:
        return None
    return d.return_agency_id or d.receiving_agency_id


def place_text(d: Dossier) -> str:
    """What Form 01 prints after "Đăng ký nhận kết quả tại:"."""
    if d.return_method == ReturnMethod.POSTAL:
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {d.return_address}"
    if d.return_method == ReturnMethod.ONLINE:
        return "Trực tuyến (tài khoản trên Cổng Dịch vụ công)"
    agency = d.return_agency or d.receiving_agency
    return agency.name
