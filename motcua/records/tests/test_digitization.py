"""Digitization at the counter: the action, its refusals, and the workspace's pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.core.errors import DomainError, InvalidInput
from motcua.dossiers.models import DossierEvent
from motcua.records import digitization
from motcua.records.models import DigitizedCopy, StoreItem
from motcua.records.tests.conftest import (
    BIRTH,
    birth_component,
    digitize_birth,
    tags,
    upload,
)

pytestmark = pytest.mark.django_db


def test_a_digitized_component_goes_to_its_owners_store(org, paper_dossier):
    copy = digitize_birth(org, paper_dossier)
    assert copy.component.name == BIRTH and copy.blob.content_type == "application/pdf"
    item = StoreItem.objects.get()
    assert (item.owner_key, item.document_type, item.number, item.dossier_id) == (
        org.citizen.national_id, "birth-certificate", "123/2020", paper_dossier.pk)
    # one of the two paper components: partly digitized, for the sync and the index
    assert digitization.state_of(paper_dossier.pk) == "partial"
    assert DossierEvent.objects.filter(dossier=paper_dossier, action="digitize").count() == 1
    # the other paper component too: digitized
    other = paper_dossier.components.exclude(name=BIRTH).get()
    digitization.digitize(paper_dossier, other.pk, upload(b"" or None, "to-khai.pdf"),
                          tags(org.citizen.national_id, document_type="other"),
                          actor=org.officer_a)
    assert digitization.state_of(paper_dossier.pk) == "complete"


def test_digitizing_again_replaces_the_copy_until_it_is_signed(org, paper_dossier):
    first = digitize_birth(org, paper_dossier)
    again = digitize_birth(org, paper_dossier, number="456/2021")
    assert again.pk == first.pk and StoreItem.objects.get().number == "456/2021"
    digitization.mark_signed(again, b"%PDF-1.7 signed")
    assert StoreItem.objects.get().blob.pk == DigitizedCopy.objects.get().signed_blob_id
    with pytest.raises(DomainError) as refused:
        digitize_birth(org, paper_dossier)
    assert refused.value.code == "signed"


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"", "empty.pdf", "empty"),
    (b"MZ\x90\x00 not a document", "virus.exe", "type"),
    (b"%PDF-1.4 only a header", "broken.pdf", "pdf_unreadable"),
])
def test_refused_uploads_write_nothing(org, paper_dossier, content, name, reason):
    with pytest.raises(InvalidInput) as refused:
        digitization.digitize(paper_dossier, birth_component(paper_dossier).pk,
                              SimpleUploadedFile(name, content),
                              tags(org.citizen.national_id), actor=org.officer_a)
    assert refused.value.extra.get("reason") == reason
    assert not DigitizedCopy.objects.exists() and not StoreItem.objects.exists()


@pytest.mark.parametrize(("bad", "code"), [
    ({"owner_key": "123"}, "owner_key"),
    ({"document_type": "nonsense"}, "document_type"),
    ({"owner_name": "  "}, "owner_name"),
])
def test_wrong_tags_are_refused(org, paper_dossier, bad, code):
    with pytest.raises(InvalidInput) as refused:
        digitize_birth(org, paper_dossier, **bad)
    assert refused.value.code == code and not DigitizedCopy.objects.exists()


def test_an_officer_of_another_unit_cannot_digitize(org, paper_dossier):
    with pytest.raises(DomainError):
        digitization.digitize(paper_dossier, birth_component(paper_dossier).pk, upload(),
                              tags(org.citizen.national_id), actor=org.officer_b)
    assert not DigitizedCopy.objects.exists()


def _form(org, d, **kw):
    data = {"next": f"/can-bo/ho-so/{d.code}/"}
    prefix = f"c{birth_component(d).pk}"
    values = {"upload": upload(), "document_type": "birth-certificate", "number": "123/2020",
              "issuer": "UBND phường Hoa Lư", "issued_on": "01/05/2020", "valid_until": "",
              "owner_name": "Nguyễn Văn An", "owner_key": org.citizen.national_id}
    values.update(kw)
    data.update({f"{prefix}-{k}": v for k, v in values.items()})
    return data


def test_the_dossier_page_digitizes_and_serves_the_copy(client, org, paper_dossier):
    client.force_login(org.officer_a)
    page = client.get(f"/can-bo/ho-so/{paper_dossier.code}/")
    assert "Digitize this component" in page.content.decode() or "Số hóa" in \
        page.content.decode()
    url = reverse("workspace:digitize", kwargs={"code": paper_dossier.code,
                                                "component_id": birth_component(paper_dossier).pk})
    response = client.post(url, _form(org, paper_dossier))
    assert response.status_code == 302
    copy = DigitizedCopy.objects.get()
    download = client.get(reverse("workspace:digitized-file",
                                  kwargs={"code": paper_dossier.code, "copy_id": copy.pk}))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"%PDF"


def test_the_form_shows_its_errors_next_to_the_fields(client, org, paper_dossier):
    client.force_login(org.officer_a)
    url = reverse("workspace:digitize", kwargs={"code": paper_dossier.code,
                                                "component_id": birth_component(paper_dossier).pk})
    response = client.post(url, _form(org, paper_dossier, owner_key="12",
                                      upload=SimpleUploadedFile("x.pdf", b"")))
    assert response.status_code == 400
    assert "govuk-form-group--error" in response.content.decode()
    assert not DigitizedCopy.objects.exists()


def test_another_units_officer_gets_the_same_404(client, org, paper_dossier):
    copy = digitize_birth(org, paper_dossier)
    client.force_login(org.officer_b)
    url = reverse("workspace:digitize", kwargs={"code": paper_dossier.code,
                                                "component_id": birth_component(paper_dossier).pk})
    assert client.post(url, _form(org, paper_dossier)).status_code == 404
    download = client.get(reverse("workspace:digitized-file",
                                  kwargs={"code": paper_dossier.code, "copy_id": copy.pk}))
    missing = client.get(reverse("workspace:digitized-file",
                                 kwargs={"code": "NO-SUCH-CODE", "copy_id": copy.pk}))
    assert download.status_code == missing.status_code == 404
    assert DigitizedCopy.objects.count() == 1


def test_the_applicant_reads_the_digitization_on_their_timeline(client, org, paper_dossier):
    digitize_birth(org, paper_dossier)
    client.force_login(org.citizen)
    page = client.get(f"/ho-so-cua-toi/{paper_dossier.code}/").content.decode()
    assert "đã số hóa một giấy tờ của hồ sơ (khai-sinh.pdf)" in page
