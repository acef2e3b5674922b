"""Helpers of the online submission's tests: a citizen's client through the steps of a draft."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.catalog.models import ComponentRequirement, Procedure
from motcua.portal.submission import SLUGS
from motcua.tests.builders import Org, pdf_bytes

MARITAL = "1.004873"  # with an e-form (catalog/data/eforms.yaml), level partial
ID_CARD = 5  # its component "Xuất trình: Hộ chiếu/Thẻ CCCD/…", required


def applicant(org: Org, **over: Any) -> dict[str, Any]:
    data = {"filing_for": "self", "name": "Nguyễn Văn An", "phone": "0912 345 678",
            "email": "an@example.com", "address": "Số 12, đường Lê Lợi",
            "commune_0": org.province.code, "commune_1": org.commune_a.code}
    data.update(over)
    return data


def marital_eform(**over: Any) -> dict[str, Any]:
    data = {"requester_relationship": "bản thân", "full_name": "Nguyễn Văn An",
            "birth_date": "02/03/1995", "sex": "nam", "ethnicity": "Kinh",
            "nationality": "Việt Nam", "id_number": "037095001234",
            "residence": "Số 12, đường Lê Lợi", "marital_status": "Chưa đăng ký kết hôn với ai.",
            "purpose": "Để kết hôn."}
    data.update(over)
    return data


def component(code: str, position: int) -> ComponentRequirement:
    return Procedure.objects.get(code=code).versions.get().components.get(position=position)


def pdf(name: str = "can-cuoc.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def pdf_with_javascript() -> bytes:
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Draft:
    """A citizen's client on one draft."""

    client: Client
    key: str

    def url(self, step: str) -> str:
        return f"/ho-so-dang-soan/{self.key}/{SLUGS[step]}/"

    def post(self, step: str, data: dict[str, Any], action: str = "continue") -> Any:
        return self.client.post(self.url(step), {**data, "action": action})

    def get(self, step: str) -> Any:
        return self.client.get(self.url(step))


def start(client: Client, code: str = MARITAL) -> Draft:
    response = client.post(f"/thu-tuc/{code}/nop-truc-tuyen/")
    assert response.status_code == 302, response.content
    key = re.search(r"/ho-so-dang-soan/([0-9a-f-]+)/", response["Location"])
    assert key is not None, response["Location"]
    return Draft(client, key[1])


def fill_to_review(client: Client, org: Org, **applicant_over: Any) -> Draft:
    """A draft of the marital-status certificate with every step done: the review is next."""
    draft = start(client)
    steps = [("applicant", applicant(org, **applicant_over)), ("eform", marital_eform()),
             ("components", {f"file-{component(MARITAL, ID_CARD).pk}": pdf()}),
             ("return", {"method": "unit", "agency": org.center_a.code})]
    for step, data in steps:
        response = draft.post(step, data)
        assert response.status_code == 302, (step, errors(response))
    return draft


def errors(response: Any) -> list[str]:
    """The messages of a page's error summary."""
    html = response.content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    return re.findall(r"<a [^>]*>(.*?)</a>", summary[1], re.S) if summary else []


def field_error(response: Any, field_id: str) -> str:
    """The error shown next to a field (its `<id>-error` paragraph), without the hidden
    "Error:" prefix."""
    html = response.content.decode()
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, re.S)
    return re.sub(r"<span[^>]*>.*?</span>", "", found[1]).strip() if found else ""
