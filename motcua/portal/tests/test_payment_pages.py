"""The payment section of the dossier page and the electronic receipt: who sees and pays what.
Another citizen, or staff, get the same 404 as for a missing dossier, for paying, returning
and the receipt (page and PDF) alike."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.factories import at, online, received
from motcua.integration.models import Payment
from motcua.integration.tests.payments_helpers import fee_procedure, pending

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(org):
    d = online(org, fee_procedure(), at("08:00 02/03/2026"))
    p = pending(d)
    Payment.objects.filter(pk=p.pk).update(status="succeeded", succeeded_at=at("09:00 02/03/2026"),
                                            transaction_no="26030200000001")
    return d, p


def urls(d, reference):
    base = f"/ho-so-cua-toi/{d.code}/"
    return [("get", base + f"bien-lai/{reference}/"), ("get", base + f"bien-lai/{reference}/pdf"),
            ("get", base + f"thanh-toan/ket-qua/?reference={reference}"),
            ("post", base + "thanh-toan/")]


def test_others_get_the_404_of_a_missing_dossier(client, org, paid):
    d, p = paid
    for stranger in (org.other_citizen, org.officer_a, org.specialist_a):
        client.force_login(stranger)
        for method, url in urls(d, p.reference):
            assert getattr(client, method)(url).status_code == 404, (stranger, url)
    client.logout()
    for method, url in urls(d, p.reference):
        assert getattr(client, method)(url)["Location"].startswith("/dang-nhap/")
    assert Payment.objects.count() == 1  # nobody started a payment


def test_the_applicant_reads_the_receipt_and_its_pdf(client, org, paid):
    d, p = paid
    client.force_login(org.citizen)
    html = client.get(f"/ho-so-cua-toi/{d.code}/bien-lai/{p.reference}/").content.decode()
    assert "Biên lai điện tử" in html and "70.000 ₫" in html and "09:00 02/03/2026" in html
    assert "Lệ phí cấp giấy xác nhận" in html and "26030200000001" in html
    pdf = client.get(f"/ho-so-cua-toi/{d.code}/bien-lai/{p.reference}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # a reference of no payment, or of one not paid, has no receipt
    other = pending(d, reference="MC261205FFFFFFFFFF")
    for ref in ("MC000000NOTHING000", other.reference):
        assert client.get(f"/ho-so-cua-toi/{d.code}/bien-lai/{ref}/").status_code == 404
    # a receipt is read under its own dossier only
    d2 = online(org, fee_procedure(code="1.000009"), at("08:00 03/03/2026"))
    assert client.get(f"/ho-so-cua-toi/{d2.code}/bien-lai/{p.reference}/").status_code == 404


def test_the_page_offers_online_payment_only_for_known_fees(client, org):
    client.force_login(org.citizen)
    owed = online(org, fee_procedure(), at("08:00 02/03/2026"))
    html = client.get(f"/ho-so-cua-toi/{owed.code}/").content.decode()
    assert "Phí, lệ phí" in html and "70.000 ₫" in html
    assert f'action="/ho-so-cua-toi/{owed.code}/thanh-toan/"' in html
    unknown = online(org, fee_procedure(code="1.000002", fees=(("Lệ phí", None),)),
                     at("08:00 02/03/2026"))
    html = client.get(f"/ho-so-cua-toi/{unknown.code}/").content.decode()
    assert "chưa thể thanh toán trực tuyến" in html and "thanh-toan/" not in html
    response = client.post(f"/ho-so-cua-toi/{unknown.code}/thanh-toan/", follow=True)
    assert "Hiện không có khoản nào cần thanh toán trực tuyến" in response.content.decode()
    assert not Payment.objects.exists()
    free = received(org, fee_procedure(code="1.000001", fees=(("Lệ phí", 0),)),
                    at("08:00 02/03/2026"))
    html = client.get(f"/ho-so-cua-toi/{free.code}/").content.decode()
    assert 'id="payment"' not in html


def test_paying_needs_a_post(client, org):
    d = online(org, fee_procedure(), at("08:00 02/03/2026"))
    client.force_login(org.citizen)
    assert client.get(f"/ho-so-cua-toi/{d.code}/thanh-toan/").status_code == 405
    assert not Payment.objects.exists()
