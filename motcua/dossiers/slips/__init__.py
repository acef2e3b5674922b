"""The official one-stop slips as PDF, numbered and titled as Circular 03/2025/TT-VPCP,
Appendix I (in force since 15 Sep 2025): receipt and appointment (01), supplement request (02),
refusal (03), apology and request to extend the time (04, an official letter), notice of
stopping (05, an official letter) and process control sheet (06). Form 07, the dossier
tracking book, covers a unit's dossiers, not one: `dossiers.books`.

Pure rendering: reads the dossier and its rows, writes nothing. The caller checks permission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.selectors import DetailRelations
from motcua.dossiers.slips import context as _context
from motcua.dossiers.slips.context import SlipData, SlipNotApplicable
from motcua.dossiers.slips.formatting import format_dt
from motcua.dossiers.slips.pdf import html_to_pdf

__all__ = ["FORMS", "SlipForm", "SlipNotApplicable", "applicable_forms", "format_dt",
           "render_html", "render_slip"]


@dataclass(frozen=True)
class SlipForm:
    code: str  # "01" … "06"
    title: str  # the form's legal name, in Vietnamese
    template: str
    build: Callable[[SlipData], dict[str, Any]]

    @property
    def filename_stem(self) -> str:
        return f"mau-{self.code}"


FORMS: dict[str, SlipForm] = {
    form.code: form
    for form in (
        SlipForm("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
                 "dossiers/slips/01.html", _context.form_01),
        SlipForm("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
                 "dossiers/slips/02.html", _context.form_02),
        SlipForm("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
                 "dossiers/slips/03.html", _context.form_03),
        SlipForm("04", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
                 "dossiers/slips/04.html", _context.form_04),
        SlipForm("05", "Thông báo dừng giải quyết hồ sơ",
                 "dossiers/slips/05.html", _context.form_05),
        SlipForm("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ",
                 "dossiers/slips/06.html", _context.form_06),
    )
}


def applicable_forms(d: Dossier, related: DetailRelations) -> list[SlipForm]:
    """The slips `d` has data for (those `render_slip` prints without SlipNotApplicable), told
    from the rows a dossier's page has read already: what a page offers to print."""
    def moved_to(status: Status) -> bool:
        return any(e.to_status == status and e.from_status != status for e in related.events)

    received = d.received_at is not None
    refused = moved_to(Status.REFUSED) or (
        d.outcome == "refusal" and any(e.action == "refuse_on_merits" for e in related.events))
    has = {"01": received and d.status != Status.REFUSED, "02": bool(related.supplements),
           "03": refused, "04": bool(related.apologies), "05": moved_to(Status.STOPPED),
           "06": received}
    return [form for code, form in FORMS.items() if has[code]]


def _form(form: str) -> SlipForm:
    try:
        return FORMS[form]
    except (KeyError, TypeError):
        raise ValueError(f"unknown slip form {form!r}; known: {', '.join(FORMS)}") from None


def render_html(dossier: Dossier, form: str, *, now: datetime | None = None) -> str:
    """The slip as HTML (what `render_slip` prints); SlipNotApplicable / ValueError as there."""
    spec = _form(form)
    data = SlipData(dossier, now or timezone.now())
    return render_to_string(spec.template, {**spec.build(data), "form": spec})


def render_slip(dossier: Dossier, form: str, *, now: datetime | None = None) -> bytes:
    """The slip `form` ("01"…"06") of `dossier` as PDF bytes.

    ValueError for an unknown form; SlipNotApplicable when the dossier has no data for it.
    `now` dates the process control sheet and the print time (default: the current time).
    """
    return html_to_pdf(render_html(dossier, form, now=now))
