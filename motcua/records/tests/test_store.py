"""The citizen's data store in the portal: their documents, each downloadable; another
person's refused with the same 404 as a document that does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.records.models import StoreItem
from motcua.records.tests.conftest import digitize_birth

pytestmark = pytest.mark.django_db


def test_the_owner_sees_and_downloads_their_documents(client, org, paper_dossier):
    digitize_birth(org, paper_dossier)
    item = StoreItem.objects.get()
    client.force_login(org.citizen)
    page = client.get(reverse("portal:my-store"))
    assert page.status_code == 200 and "Giấy khai sinh (bản sao)" in page.content.decode()
    download = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:4] == b"%PDF"
    assert download["Content-Disposition"].startswith("attachment")


def test_another_persons_store_is_not_found(client, org, paper_dossier):
    digitize_birth(org, paper_dossier)
    item = StoreItem.objects.get()
    client.force_login(org.other_citizen)
    page = client.get(reverse("portal:my-store"))
    assert "Giấy khai sinh (bản sao)" not in page.content.decode()
    theirs = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk}))
    missing = client.get(reverse("portal:store-file", kwargs={"item_id": item.pk + 1000}))
    assert theirs.status_code == missing.status_code == 404


def test_staff_and_anonymous_have_no_store(client, org, paper_dossier):
    digitize_birth(org, paper_dossier)
    item = StoreItem.objects.get()
    url = reverse("portal:store-file", kwargs={"item_id": item.pk})
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(org.officer_a)
    assert client.get(url).status_code == 404
