"""Form 07 of Circular 03/2025/TT-VPCP: the dossier tracking book ("Sổ theo dõi hồ sơ").

What a book is: each one-stop unit (an agency that receives dossiers) keeps one book per
calendar year; its number ("Quyển số") is the year of receipt in Việt Nam time, and its rows
("Số thứ tự") run 1, 2, 3… in the order the unit received the dossiers, restarting on
1 January. A dossier gets its book and row when it is received (status 1 → 2, `enter`, called
by the accept action), never before and never again, and Form 01 prints both. Dossiers
received before books existed are listed without numbers.

The rows are read in constant memory (`rows`: a server-side iterator over plain values) so
that the exports (`slips.book`) stay bounded for a period of any length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput
from motcua.core.formatting import LOCAL_TZ, local
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.sequences import next_in_year
from motcua.org.models import Agency

# The columns of the book, in order (Circular 01/2018/TT-VPCP's "Sổ theo dõi hồ sơ", Form 06
# there, which Circular 03/2025 keeps as Form 07; the book and row numbers first, as Form 01
# prints them).
COLUMNS = (
    "Quyển số",
    "Số thứ tự",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ (giờ, ngày)",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Có kết quả / yêu cầu trả lại tổ chức, cá nhân",
    "Trả kết quả cho tổ chức, cá nhân",
    "Ký nhận",
    "Ghi chú",
)


def series(agency_id: int) -> str:
    return f"book:{agency_id}"


def enter(d: Dossier, now: dt.datetime) -> None:
    """Give the dossier, received at `now`, its row in its receiving unit's book of the year.
    Call inside the accept action's transaction, before the dossier is saved."""
    if d.book_row is not None:
        return  # entered once: a dossier keeps its number
    year = local(now).year
    d.book_year = year
    d.book_row = next_in_year(series(d.receiving_agency_id), year)


def book_label(year: int | None) -> str:
    return str(year) if year else ""


@dataclass(frozen=True)
class BookFilter:
    """A book's extract: the unit, the local days of receipt (inclusive), a procedure."""

    agency: Agency
    start: dt.date
    end: dt.date
    procedure_code: str = ""


def _date(value: str, name: str) -> dt.date:
    text = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(
        _("%(name)s must be a date as YYYY-MM-DD or dd/mm/yyyy.") % {"name": name},
        code="invalid_date", field=name,
    )


def parse_filter(agency: Agency, params: Mapping[str, str], today: dt.date) -> BookFilter:
    """`from`, `to` (default: 1 January of this year to today) and `procedure` (a national
    code) from a request's query; InvalidInput (400) for bad values."""
    start = _date(params["from"], "from") if params.get("from") else dt.date(today.year, 1, 1)
    end = _date(params["to"], "to") if params.get("to") else today
    if start > end:
        raise InvalidInput(_("“from” must not be after “to”."), code="invalid_period")
    code = (params.get("procedure") or "").strip()
    if code and not Procedure.objects.filter(code=code).exists():
        raise InvalidInput(_("Unknown procedure code."), code="unknown_procedure")
    return BookFilter(agency, start, end, code)


def _bounds(f: BookFilter) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(f.start, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return start, end


@dataclass(frozen=True)
class BookRow:
    book: str
    row: int | None
    code: str
    procedure: str
    applicant: str
    address_phone: str
    handling_agency: str
    received_at: dt.datetime | None
    appointment_at: dt.datetime | None
    transferred_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    note: str


_FIELDS = (
    "book_year", "book_row", "code", "procedure_version__name", "applicant_name",
    "applicant_address", "applicant_commune__name", "applicant_phone",
    "handling_agency__name", "received_at", "appointment_at", "due_at", "transferred_at",
    "finished_at", "returned_at", "status", "receiving_agency_id", "handling_agency_id",
)
_NOTED = {Status.STOPPED, Status.WITHDRAWN, Status.SUPPLEMENT, Status.PAYING}


def queryset(f: BookFilter) -> QuerySet[Dossier, tuple[Any, ...]]:
    start, end = _bounds(f)
    # when the dossier first reached the competent agency: its first timeline event there
    transferred = DossierEvent.objects.filter(
        dossier=OuterRef("pk"), agency_id=OuterRef("handling_agency_id"),
    ).order_by("at", "id").values("at")[:1]
    qs = Dossier.objects.filter(
        receiving_agency=f.agency, received_at__gte=start, received_at__lt=end,
    )
    if f.procedure_code:
        qs = qs.filter(procedure__code=f.procedure_code)
    return (
        qs.annotate(transferred_at=Subquery(transferred))
        .order_by(F("book_year").asc(nulls_first=True), F("book_row").asc(nulls_first=True),
                  "received_at", "id")
        .values_list(*_FIELDS)
    )


def count(f: BookFilter) -> int:
    start, end = _bounds(f)
    qs = Dossier.objects.filter(receiving_agency=f.agency, received_at__gte=start,
                                received_at__lt=end)
    if f.procedure_code:
        qs = qs.filter(procedure__code=f.procedure_code)
    return qs.count()


def rows(f: BookFilter, *, chunk_size: int = 1000) -> Iterator[BookRow]:
    """The book's rows in order, read `chunk_size` at a time (constant memory)."""
    for values in queryset(f).iterator(chunk_size=chunk_size):
        item = dict(zip(_FIELDS, values, strict=True))
        address = str(item["applicant_address"] or "").strip()
        commune = str(item["applicant_commune__name"] or "")
        if commune and commune.lower() not in address.lower():
            address = f"{address}, {commune}" if address else commune
        phone = str(item["applicant_phone"] or "")
        status = Status(item["status"])
        same_agency = item["receiving_agency_id"] == item["handling_agency_id"]
        yield BookRow(
            book=book_label(item["book_year"]),
            row=item["book_row"],
            code=item["code"],
            procedure=item["procedure_version__name"],
            applicant=item["applicant_name"],
            address_phone="; ".join(p for p in (address, phone) if p),
            handling_agency=item["handling_agency__name"],
            received_at=item["received_at"],
            appointment_at=item["appointment_at"] or item["due_at"],
            transferred_at=None if same_agency else item["transferred_at"],
            finished_at=item["finished_at"],
            returned_at=item["returned_at"],
            note=str(status.label) if status in _NOTED else "",
        )
