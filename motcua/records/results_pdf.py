"""A result document as PDF: an HTML template per procedure (records/results/procedures/
<procedure code>.html), else per kind (certificate, licence, decision), printed by WeasyPrint
with the official slips' stylesheet (A4, Decree 30/2020 layout, DejaVu/Times-like fonts with
every Vietnamese glyph). It bears a QR code of its public verification page and leaves the box
of the visible signature stamp (signing.STAMP_BOX) empty above the signer's name.

Pure rendering: reads the result and its dossier, writes nothing."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string, select_template
from django.urls import reverse

from motcua.core.addresses import public_url
from motcua.core.formatting import local
from motcua.dossiers.letters import leader_title, signer_of
from motcua.dossiers.slips.context import agency_header, province_of
from motcua.dossiers.slips.formatting import place_date_line
from motcua.dossiers.slips.pdf import html_to_pdf
from motcua.dossiers.slips.qr import qr_data_uri
from motcua.records.models import ResultDocument, ResultKind

HEADINGS = {
    ResultKind.CERTIFICATE: "GIẤY CHỨNG NHẬN",
    ResultKind.LICENCE: "GIẤY PHÉP",
    ResultKind.DECISION: "QUYẾT ĐỊNH",
}


def verification_url(result: ResultDocument) -> str:
    return public_url(reverse("portal:verify-result", kwargs={"public_id": result.public_id}))


def context(result: ResultDocument) -> dict[str, Any]:
    d = result.dossier
    agency = result.signer_agency
    signer = signer_of(agency)
    url = verification_url(result)
    return {
        "result": result, "dossier": d, "code": d.code,
        "header": agency_header(agency),
        "place_date": place_date_line(province_of(agency), result.issued_at),
        "heading": result.title.upper() if result.title else HEADINGS[ResultKind(result.kind)],
        "procedure_name": d.procedure_version.name,
        "owner_id_label": "Số định danh cá nhân" if result.owner_id_number else "Mã số thuế",
        "owner_id": result.owner_id_number or result.owner_tax_code,
        "address": d.applicant_address,
        "issued_date": local(result.issued_at).strftime("%d/%m/%Y"),
        "valid_until": result.valid_until.strftime("%d/%m/%Y") if result.valid_until else "",
        "signer_title": leader_title(agency).upper(),
        "signer_name": signer.name,
        "verify_url": url, "qr": qr_data_uri(url),
    }


def templates_for(result: ResultDocument) -> list[str]:
    return [f"records/results/procedures/{result.procedure.code}.html",
            f"records/results/{result.kind}.html"]


def render_html(result: ResultDocument) -> str:
    template = select_template(templates_for(result))
    return render_to_string(template.template.name, context(result))


def render_pdf(result: ResultDocument) -> bytes:
    return html_to_pdf(render_html(result))
