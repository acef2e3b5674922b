"""The national systems in one citizen's journey, in a real browser against the sandbox (real
servers, real redirects): sign in with VNeID on the sandbox's OpenID Connect sign-in page, find
the applicant block and the declaration filled from the population database, take the ID card
from it instead of uploading, submit, pay the fee on the sandbox payment platform's page, and
get the electronic receipt; the dossier reaches the national portal with its marks. axe-core
audits every page of ours (motcua/tests/browser.py).

The product runs on 127.0.0.1 (not "localhost"): the sandbox's VNeID client may return to any
port of the loopback address (RFC 8252), as in `make run`, where both share one cookie jar."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers.models import ComponentSource, Dossier
from motcua.integration import outbox
from motcua.integration.models import DossierIdentity, EIdAccount, Payment
from motcua.tests.browser import Browser, open_browser
from motcua.tests.builders import build_org

pytestmark = pytest.mark.browser
AN = "037095001234"  # the demo's citizen.an, in the sandbox's population with this number
EXTRACT = "2.000635"  # a copy of a civil-status extract: an e-form and a published fee, 8,000 ₫
SANDBOX_PASSWORD = "Motcua@2026"


@pytest.fixture
def loopback(chromium, live_server, sandbox, settings, tmp_path) -> Iterator[Browser]:
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.PUBLIC_BASE_URL = base  # where the platform calls back and sends the payer
    settings.MEDIA_ROOT = tmp_path
    session = open_browser(chromium, base)
    yield session
    session.context.close()
    assert not session.problems, session.problems


@pytest.fixture
def org(catalogue):
    return build_org()  # its citizen holds AN, not yet linked to VNeID


def continue_(page) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_sign_in_with_vneid_prefilled_declaration_pay_and_receipt(loopback, org, sandbox):
    browser = loopback
    page = browser.visit("/dang-nhap/?next=/thu-tuc/2.000635/")
    page.get_by_role("button", name="Đăng nhập bằng VNeID").click()

    # VNeID's sign-in page (the sandbox's OpenID Connect provider)
    page.wait_for_url(f"{sandbox.url}/idp/login/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("Định danh điện tử VNeID")
    page.get_by_label("Số định danh cá nhân").fill(AN)
    page.get_by_label("Mật khẩu").fill(SANDBOX_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    # back on the portal, signed in: the procedure asked for, the account linked to VNeID
    page.wait_for_url(f"{browser.base_url}/thu-tuc/{EXTRACT}/")
    browser.check()
    eid = EIdAccount.objects.get(user=org.citizen)
    assert (eid.id_number, eid.assurance_level) == (AN, 2)
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    browser.check()
    page.get_by_role("button", name="Bắt đầu").click()

    # 1. who is applying: filled from the population database
    expect(page.locator("#population-prefilled")).to_be_visible()
    expect(page.get_by_label("Họ, chữ đệm, tên của bạn")).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Địa chỉ nơi cư trú")).to_have_value(re.compile("Hoa Lư"))
    expect(page.get_by_label("Xã, phường", exact=True)).to_have_value("14329")  # Hoa Lư
    browser.check()
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    continue_(page)

    # 2. the declaration: the answers about the citizen are there already
    expect(page.get_by_role("heading", level=1)).to_have_text("Tờ khai")
    expect(page.locator("#eform-prefilled")).to_be_visible()
    expect(page.get_by_label("Họ, chữ đệm, tên", exact=True)).to_have_value("Nguyễn Văn An")
    expect(page.get_by_label("Ngày, tháng, năm sinh", exact=True)).to_have_value("14/03/1995")
    expect(page.get_by_label("Giới tính", exact=True)).to_have_value("nam")
    expect(page.get_by_label("Số định danh cá nhân (không bắt buộc)")).to_have_value(AN)
    expect(page.get_by_label("Nơi cư trú (không bắt buộc)")).to_have_value(
        re.compile("Hoa Lư"))
    browser.check()
    page.get_by_label("Quan hệ với người được cấp bản sao trích lục").fill("bản thân")
    page.get_by_label("Loại việc hộ tịch").select_option(label="Khai sinh")
    page.get_by_label("Nơi đã đăng ký", exact=True).fill("Ủy ban nhân dân phường Hoa Lư")
    continue_(page)

    # 3. the documents: the ID card is taken from the population database, nothing uploaded
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành phần hồ sơ")
    id_card = page.get_by_role("group", name=re.compile("^Xuất trình: Hộ chiếu"))
    id_card.get_by_label("Cơ quan tự khai thác từ cơ sở dữ liệu quốc gia").check()
    expect(id_card).to_contain_text("Từ Cơ sở dữ liệu quốc gia về dân cư, khi bạn nộp hồ sơ")
    browser.check()
    continue_(page)

    # 4. the result, at the receiving unit; 5. the review, then the submission
    expect(page.get_by_role("heading", level=1)).to_have_text("Nơi nhận kết quả")
    browser.check()
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra và nộp")
    expect(page.locator("#main-content")).to_contain_text("14/03/1995")
    browser.check()
    page.get_by_label("Tôi cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã nộp hồ sơ")
    browser.check()
    dossier = Dossier.objects.get()
    mark = DossierIdentity.objects.get(dossier=dossier)
    assert (mark.population_data_used, mark.vneid_verified, mark.manual_entry) == (
        True, True, False)
    taken = dossier.components.get(requirement__position=3)
    assert (taken.source, taken.reference) == (ComponentSource.NATIONAL, f"population:{AN}")

    # pay the fee online on the national payment platform's page, and get the receipt
    page = browser.visit(f"/ho-so-cua-toi/{dossier.code}/")
    section = page.locator("#payment")
    expect(section.locator("#payment-total")).to_have_text("8.000 ₫")
    section.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(f"{sandbox.url}/payments/pay/**")
    expect(page.locator("#amount")).to_have_text("8000 VND")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url(f"{browser.base_url}/ho-so-cua-toi/{dossier.code}/bien-lai/**")
    expect(page.locator("#receipt-amount")).to_have_text("8.000 ₫")
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == Payment.Status.SUCCEEDED
    expect(page.locator("#receipt-reference")).to_have_text(payment.reference)
    browser.check()

    # the national portal gets the dossier with its marks and its payment
    outbox.run_pass(timezone.now())
    synced = sandbox.get(f"/portal/dossiers/{dossier.code}").json()["dossier"]
    assert (synced["vneid_verified"], synced["population_data_used"], synced["paid_online"]) \
        == (True, True, True)
    assert synced["payments"][0]["reference"] == payment.reference
    national = [c for c in synced["components"] if c["from_national_store"]]
    assert [c["national_database"] for c in national] == ["population"]
