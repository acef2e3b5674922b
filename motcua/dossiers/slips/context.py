"""What each slip shows, read from the dossier's rows (never written).

One builder per form returns the template context; a builder raises SlipNotApplicable when
the dossier has no data for its form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.addresses import public_url
from motcua.core.errors import DomainError
from motcua.dossiers.books import book_label
from motcua.dossiers.letters import leader_title
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentSource,
    Dossier,
    DossierEvent,
    Handover,
    Letter,
    LetterKind,
    PaperForm,
    Representation,
    Status,
)
from motcua.dossiers.returns import place_text
from motcua.dossiers.slips.formatting import (
    format_dt_or_blank,
    local,
    place_date_line,
    place_name,
    unit_title,
)
from motcua.dossiers.slips.qr import qr_data_uri
from motcua.org.models import Agency
from motcua.workcalendar.rules import timeliness
from motcua.workcalendar.service import get_calendar


class SlipNotApplicable(DomainError):
    """The dossier has no data for the requested form (e.g. Form 02 without a request)."""

    code = "slip_not_applicable"


RECEIPT_ACTIONS = ("receive", "intake", "accept")

DURATION_UNITS = {
    "working_days": "ngày làm việc",
    "working_hours": "giờ làm việc",
    "calendar_days": "ngày",
}

CHANNEL_NOTES = {
    Channel.COUNTER: "Nộp trực tiếp",
    Channel.ONLINE: "Nộp trực tuyến",
    Channel.POSTAL: "Nộp qua dịch vụ bưu chính công ích",
}

# Form 01 notes a component the applicant did not hand in or upload (DOMAIN.md §6).
SOURCE_NOTES: dict[str, str] = {
    ComponentSource.REUSED: "tái sử dụng từ hồ sơ, kho dữ liệu đã có",
    ComponentSource.NATIONAL: "khai thác từ cơ sở dữ liệu quốc gia",
    ComponentSource.EFORM: "kê khai trực tuyến trên biểu mẫu điện tử",
}

# Form 01 says whether a component handed in on paper is the original or a copy.
PAPER_FORMS: dict[str, str] = {PaperForm.ORIGINAL: "bản chính", PaperForm.COPY: "bản sao"}

TIMELINESS_LABELS = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "overdue": "Quá hạn",
}


@dataclass(frozen=True)
class Header:
    """The agency name block (left) of the form's header."""

    governing: str  # TÊN CƠ QUAN CHỦ QUẢN
    agency: str  # TÊN CƠ QUAN / BỘ PHẬN ban hành


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()


def event_actor(event: DossierEvent | None) -> str:
    if event is None:
        return ""
    return event.actor_name or user_name(event.actor)


PEOPLES_COMMITTEES = (Agency.Kind.PROVINCE_PC, Agency.Kind.COMMUNE_PC)


def agency_header(agency: Agency) -> Header:
    """The governing body above the issuing agency; a People's Committee has none."""
    if agency.parent_id and agency.parent is not None:
        governing = agency.parent.name
    elif agency.kind in PEOPLES_COMMITTEES:
        governing = ""
    else:
        governing = "Ủy ban nhân dân " + unit_title(agency.unit.name, agency.unit.division_type)
    return Header(governing=governing.upper(), agency=agency.name.upper())


def province_of(agency: Agency) -> str:
    return place_name(agency.unit.province().name)


def local_date(value: datetime | None) -> str:
    return local(value).strftime("%d/%m/%Y") if value is not None else ""


class SlipData:
    """The dossier and its related rows, loaded once per rendering."""

    def __init__(self, dossier: Dossier, now: datetime) -> None:
        self.dossier = dossier
        self.now = now
        self.version = dossier.procedure_version
        self.procedure = dossier.procedure
        self.events: list[DossierEvent] = list(
            dossier.events.select_related("actor", "agency").order_by("at", "id")
        )

    # -- pieces shared by the forms ------------------------------------------------------

    def common(self, issuer: Agency, issued_at: datetime) -> dict[str, Any]:
        d = self.dossier
        return {
            "code": d.code,
            "header": agency_header(issuer),
            "place_date": place_date_line(province_of(issuer), issued_at),
            "issuer": issuer.name,
            "receiving_agency": d.receiving_agency.name,
            "handling_agency": d.handling_agency.name,
            "applicant": d.applicant_name,
            "addressee": "Ông/Bà" if d.applicant_kind == ApplicantKind.PERSON else "Quý tổ chức",
            "applicant_address": self.address(),
            "applicant_phone": d.applicant_phone,
            "applicant_email": d.applicant_email,
            "applicant_id": d.applicant_id_number or d.applicant_tax_code,
            "applicant_id_label": (
                "Số định danh cá nhân" if d.applicant_id_number else "Mã số thuế"
            ),
            "representative": d.representative_name,
            "representative_role": self.representative_role(),
            "representative_id": d.representative_id_number,
            "procedure_name": self.version.name,
            "procedure_code": self.procedure.code,
            "received": format_dt_or_blank(self.receipt_time()),
            "received_date": local_date(self.receipt_time()),
            "appointment": format_dt_or_blank(d.appointment_at or d.due_at),
            "printed": format_dt_or_blank(self.now),
        }

    def representative_role(self) -> str:
        """How the representative stands for the applicant, in Vietnamese (slips are in the
        official language whatever the reader's): "người được ủy quyền"."""
        relationship = self.dossier.representative_relationship
        if relationship not in Representation.values:
            return ""
        with translation.override("vi"):
            label = str(Representation(relationship).label)
        return label[:1].lower() + label[1:]

    def address(self) -> str:
        d = self.dossier
        parts = [d.applicant_address.strip()] if d.applicant_address.strip() else []
        commune = d.applicant_commune
        if commune is not None and commune.name.lower() not in d.applicant_address.lower():
            parts.append(commune.name)
            province = commune.province()
            if province.pk != commune.pk:
                parts.append(province.name)
        return ", ".join(parts)

    def receipt_time(self) -> datetime | None:
        return self.dossier.received_at or self.dossier.submitted_at

    def receipt_event(self) -> DossierEvent | None:
        """The officer's receipt: the move to RECEIVED, else a counter intake record."""
        for event in self.events:
            if event.to_status == Status.RECEIVED:
                return event
        for event in self.events:
            if event.action in RECEIPT_ACTIONS:
                return event
        return None

    def last_event_to(self, status: Status) -> DossierEvent | None:
        """The last event that moved the dossier into `status` (not one written while it was
        there: a notice sent, a file attached)."""
        found = None
        for event in self.events:
            if event.to_status == status and event.from_status != status:
                found = event
        return found

    def duration_text(self) -> str:
        """The legal duration that applies to this dossier: the one recorded at receipt (with
        its case, e.g. "05 ngày làm việc (Cần xác minh …)"), else the procedure's."""
        d, v = self.dossier, self.version
        value, unit = (d.duration_value, d.duration_unit) if d.duration_unit else (
            v.duration_value, v.duration_unit)
        if not (value and unit):
            return v.duration_text
        if unit == "same_day":
            text = "Trong ngày làm việc" if value == 1 else f"{value:02d} ngày làm việc"
        else:
            text = f"{value:02d} {DURATION_UNITS.get(unit, '')}".strip()
        return f"{text} ({d.duration_case_label})" if d.duration_case_label else text

    def tracking_url(self) -> str:
        return public_url(f"/tra-cuu/{self.dossier.code}")


# -- Form 01 ---------------------------------------------------------------------------------


def form_01(data: SlipData) -> dict[str, Any]:
    d = data.dossier
    if d.status == Status.REFUSED:
        raise SlipNotApplicable(
            _("Dossier %(code)s was refused at receipt: it has no receipt slip (Form 01).")
            % {"code": d.code},
            form="01",
        )
    if d.received_at is None:  # never for status 1 (nor 3, above): no receipt, no slip
        raise SlipNotApplicable(
            _("Dossier %(code)s has not been received: the receipt and appointment slip "
              "(Form 01) is issued only for a received dossier.") % {"code": d.code},
            form="01",
        )
    issued_at = d.received_at
    components = [
        {"no": i, "name": c.name, "copies": c.copies, "paper": c.is_paper,
         "paper_form": PAPER_FORMS.get(c.paper_form, ""), "source": SOURCE_NOTES.get(c.source, "")}
        for i, c in enumerate(d.components.all().order_by("id"), start=1)
    ]
    receipt = data.receipt_event()
    url = data.tracking_url()
    return {
        **data.common(d.receiving_agency, issued_at),
        "title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "components": components,
        "duration": data.duration_text(),
        "channel_note": CHANNEL_NOTES.get(Channel(d.channel), ""),
        "submitted": format_dt_or_blank(d.submitted_at),
        "is_online": d.channel == Channel.ONLINE,
        "officer": event_actor(receipt),
        "return_place": place_text(d),
        "book": book_label(d.book_year),
        "book_row": d.book_row or "",
        "tracking_url": url,
        "qr": qr_data_uri(url),
    }


# -- Form 02 ---------------------------------------------------------------------------------


def form_02(data: SlipData) -> dict[str, Any]:
    d = data.dossier
    request = d.supplements.select_related("requested_by").order_by("requested_at", "id").last()
    if request is None:
        raise SlipNotApplicable(
            _("Dossier %(code)s has no supplement request (Form 02).") % {"code": d.code},
            form="02",
        )
    items = []
    for i, item in enumerate(request.items or [], start=1):
        if isinstance(item, dict):
            name, note = str(item.get("name", "")), str(item.get("note", "") or "")
        else:
            name, note = str(item), ""
        items.append({"no": i, "name": name, "note": note})
    officer = request.requested_by
    # before receipt the receiving centre asks; after it, the competent (handling) agency
    issuer = d.receiving_agency if request.before_receipt else d.handling_agency
    return {
        **data.common(issuer, request.requested_at),
        "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "items": items,
        "reason": request.reason,
        "requested": format_dt_or_blank(request.requested_at),
        "officer": user_name(officer),
        "officer_phone": getattr(officer, "phone", "") if officer is not None else "",
        "before_receipt": request.before_receipt,
    }


# -- Form 03 ---------------------------------------------------------------------------------


def form_03(data: SlipData) -> dict[str, Any]:
    """Refusing to receive (at the counter, status 3) or, after appraisal, to resolve (the
    competent agency's reasoned refusal, the dossier's outcome): the Circular's one form
    covers both (DOMAIN.md §4)."""
    d = data.dossier
    event = data.last_event_to(Status.REFUSED)
    on_merits = event is None and d.outcome == "refusal"
    if on_merits:
        event = next((e for e in reversed(data.events) if e.action == "refuse_on_merits"), None)
    if event is None:
        raise SlipNotApplicable(
            _("Dossier %(code)s was not refused, at receipt or on the merits (Form 03).")
            % {"code": d.code},
            form="03",
        )
    issuer = event.agency or (d.handling_agency if on_merits else d.receiving_agency)
    return {
        **data.common(issuer, event.at),
        "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "on_merits": on_merits,
        "reason": event.reason,
        "refused": format_dt_or_blank(event.at),
        "officer": event_actor(event),
    }


# -- Form 04 ---------------------------------------------------------------------------------


def letter_place(agency: Agency) -> str:
    """The place before the date of a letter (Decree 30/2020): the administrative unit where
    the agency sits, without its kind ("Phường Hoa Lư" -> "Hoa Lư", "Tỉnh Ninh Bình" ->
    "Ninh Bình")."""
    name = place_name(agency.unit.name)
    lowered = name.lower()
    for prefix in ("phường ", "xã ", "đặc khu ", "thị trấn "):
        if lowered.startswith(prefix):
            return name[len(prefix):]
    return name


def letter_fields(letter: Letter | None, issuer: Agency) -> dict[str, Any]:
    """The number and notation line and the signature block of an official letter; blanks to
    fill by hand for a letter issued before letters were numbered."""
    if letter is None:
        return {"letter_number": "", "signer": "", "signer_title": "Thủ trưởng cơ quan",
                "signer_capacity": ""}
    capacity = ""
    if letter.signer_role == "head":  # signing on the leader's behalf (Decree 30, Art. 13)
        capacity = f"TL. {leader_title(issuer)}"
    elif issuer.kind in PEOPLES_COMMITTEES:  # a collective body: its chair signs on its behalf
        capacity = "TM. Ủy ban nhân dân"
    return {
        "letter_number": letter.notation,
        "signer": letter.signer_name,
        "signer_title": letter.signer_title or "Thủ trưởng cơ quan",
        "signer_capacity": capacity,
    }


def form_04(data: SlipData) -> dict[str, Any]:
    d = data.dossier
    apology = d.apology_slips.select_related("issued_by").order_by("issued_at", "id").last()
    if apology is None:
        raise SlipNotApplicable(
            _("Dossier %(code)s has no apology (Form 04).") % {"code": d.code},
            form="04",
        )
    letter = (d.letters.select_related("agency__unit", "agency__parent")
              .filter(kind=LetterKind.APOLOGY, issued_at=apology.issued_at).last())
    issuer = letter.agency if letter is not None else d.handling_agency
    return {
        **data.common(issuer, apology.issued_at),
        **letter_fields(letter, issuer),
        "place_date": place_date_line(letter_place(issuer), apology.issued_at),
        "title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "reason": apology.reason,
        "old_due": format_dt_or_blank(apology.old_due_at),
        "new_due": format_dt_or_blank(apology.new_due_at),
        "issued": format_dt_or_blank(apology.issued_at),
    }


# -- Form 05: notice of stopping ------------------------------------------------------------


def form_05(data: SlipData) -> dict[str, Any]:
    d = data.dossier
    event = data.last_event_to(Status.STOPPED)
    if event is None:
        raise SlipNotApplicable(
            _("Dossier %(code)s was not stopped (notice of stopping, Form 05).")
            % {"code": d.code},
            form="05",
        )
    letter = (d.letters.select_related("agency__unit", "agency__parent")
              .filter(kind=LetterKind.STOP).last())
    issuer = letter.agency if letter is not None else (event.agency or d.handling_agency)
    issued_at = letter.issued_at if letter is not None else event.at
    return {
        **data.common(issuer, issued_at),
        **letter_fields(letter, issuer),
        "place_date": place_date_line(letter_place(issuer), issued_at),
        "title": "THÔNG BÁO",
        "subtitle": "Dừng giải quyết hồ sơ",
        "reason": event.reason,
        "stopped": format_dt_or_blank(event.at),
    }


# -- Form 06: process control sheet ---------------------------------------------------------


def _classify(done: datetime | None, due: datetime | None, now: datetime) -> str:
    """Trước hạn / Đúng hạn / Quá hạn of one step; blank when it cannot be told yet."""
    if due is None:
        return ""
    result = timeliness(
        done, due, now, get_calendar(),
        settings.TIMELINESS_GRANULARITY,
    )
    return TIMELINESS_LABELS.get(result, "")


@dataclass
class Step:
    """One pass of the dossier from an agency to another (a Form 06 row)."""

    from_name: str
    to_name: str
    sent_at: datetime
    due_at: datetime | None = None
    done_at: datetime | None = None
    giver: str = ""
    receiver: str = ""
    note: str = ""


def _step_end(
    handover: Handover, handovers: list[Handover], events: list[DossierEvent]
) -> datetime | None:
    """When the receiving agency finished its step: the recorded return, else the time it
    passed the dossier on, else its next status change in the timeline."""
    if handover.returned_at is not None:
        return handover.returned_at
    for later in handovers:
        if later.sent_at > handover.sent_at and later.from_agency_id == handover.to_agency_id:
            return later.sent_at
    for event in events:
        if (event.at > handover.sent_at and event.agency_id == handover.to_agency_id
                and event.to_status is not None):
            return event.at
    return None


def _handover_steps(handovers: list[Handover], events: list[DossierEvent]) -> list[Step]:
    return [
        Step(h.from_agency.name, h.to_agency.name, h.sent_at, due_at=h.step_due_at,
             done_at=_step_end(h, handovers, events), giver=user_name(h.sent_by), note=h.note)
        for h in handovers
    ]


def _process_steps(d: Dossier) -> list[Step]:
    """With an internal process: one row per step, from who handed it over to who handled it."""
    rows: list[Step] = []
    previous_agency, previous_actor = d.receiving_agency.name, ""
    steps = d.steps.select_related("agency", "assignee", "acted_by").order_by("started_at", "id")
    for step in steps:
        handler = step.acted_by or step.assignee
        rows.append(Step(
            previous_agency, f"{step.agency.name} — {step.name}", step.started_at,
            due_at=step.due_at, done_at=step.finished_at, giver=previous_actor,
            receiver=user_name(handler), note=step.note,
        ))
        previous_agency, previous_actor = step.agency.name, user_name(handler)
    return rows


def _event_steps(data: SlipData) -> list[Step]:
    """Without Handover rows: the moves between agencies seen in the event timeline."""
    steps: list[Step] = []
    current = data.dossier.receiving_agency
    for event in data.events:
        if event.agency is None or event.agency_id == current.pk:
            continue
        if steps:
            steps[-1].done_at = event.at
        steps.append(Step(current.name, event.agency.name, event.at,
                          receiver=event_actor(event)))
        current = event.agency
    return steps


def form_06(data: SlipData) -> dict[str, Any]:
    d = data.dossier
    if d.received_at is None:
        raise SlipNotApplicable(
            _("Dossier %(code)s has not been received yet (Form 06).") % {"code": d.code},
            form="06",
        )
    handovers = list(
        d.handovers.select_related("from_agency", "to_agency", "sent_by").order_by("sent_at", "id")
    )
    receipt = data.receipt_event()
    rows: list[dict[str, Any]] = [{
        "kind": "receipt",
        "from": f"Người nộp hồ sơ: {d.applicant_name}",
        "to": d.receiving_agency.name,
        "sent": format_dt_or_blank(d.received_at),
        "due": "", "done": "", "result": "",
        "giver": d.applicant_name,
        "receiver": event_actor(receipt),
        "note": CHANNEL_NOTES.get(Channel(d.channel), ""),
    }]
    steps = _process_steps(d)
    if not steps:
        steps = _handover_steps(handovers, data.events) if handovers else _event_steps(data)
    for step in steps:
        rows.append({
            "kind": "step",
            "from": step.from_name, "to": step.to_name,
            "sent": format_dt_or_blank(step.sent_at),
            "due": format_dt_or_blank(step.due_at),
            "done": format_dt_or_blank(step.done_at),
            "result": _classify(step.done_at, step.due_at, data.now),
            "giver": step.giver, "receiver": step.receiver, "note": step.note,
        })
    if d.returned_at is not None:
        returned = data.last_event_to(Status.RETURNED)
        rows.append({
            "kind": "return",
            "from": (d.return_agency or d.receiving_agency).name,
            "to": f"Người nộp hồ sơ: {d.applicant_name}",
            "sent": format_dt_or_blank(d.returned_at),
            "due": format_dt_or_blank(d.due_at),
            "done": format_dt_or_blank(d.finished_at or d.returned_at),
            "result": _classify(d.finished_at or d.returned_at, d.due_at, data.now),
            "giver": event_actor(returned), "receiver": d.applicant_name, "note": "",
        })
    for i, row in enumerate(rows, start=1):
        row["no"] = i
    partners: list[str] = []
    for h in handovers:
        for agency in (h.from_agency, h.to_agency):
            if (agency.pk not in (d.receiving_agency_id, d.handling_agency_id)
                    and agency.name not in partners):
                partners.append(agency.name)
    return {
        **data.common(d.receiving_agency, data.now),
        "title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "rows": rows,
        "partners": partners,
        "overall": _classify(d.finished_at, d.due_at, data.now) if d.finished_at else "",
    }
