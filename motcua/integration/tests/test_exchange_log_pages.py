"""Who sees the exchange log: a citizen sees the exchanges about their own VNeID-verified ID
number (never another's, never by a number typed into an account); auditors search it; nobody
changes it (the admin is read-only)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from motcua.integration import exchange_log
from motcua.integration.exchange_log import Exchange, Outcome
from motcua.integration.models import EIdAccount, ExchangeLogEntry
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db
AN, LAN = "037095001234", "036198004321"
PAGE = "/tai-khoan/truy-cap-du-lieu/"
AUDIT = "/can-bo/nhat-ky-trao-doi/"


def looked_up(id_number, officer, purpose="Tiếp nhận hồ sơ"):
    return exchange_log.record(Exchange(
        system="population", operation="person", purpose=purpose, officer=officer,
        data="full name, date of birth, sex, permanent and current residence, household",
        id_number=id_number), Outcome.FOUND)


def verify(user, id_number):
    EIdAccount.objects.create(user=user, subject=f"s-{id_number}", id_number=id_number,
                              assurance_level=2, full_name=user.full_name,
                              verified_at=timezone.now())


def test_a_verified_citizen_sees_who_accessed_their_data_and_not_anothers(client, org):
    looked_up(AN, org.officer_a, "Tiếp nhận hồ sơ của An")
    looked_up(LAN, org.officer_a, "Tiếp nhận hồ sơ của Lan")
    verify(org.citizen, AN)
    client.force_login(org.citizen)
    html = client.get(PAGE).content.decode()
    assert 'id="data-access"' in html and "Tiếp nhận hồ sơ của An" in html
    assert org.officer_a.full_name in html and "Cơ sở dữ liệu quốc gia về dân cư" in html
    assert "Tiếp nhận hồ sơ của Lan" not in html
    # the number is the account's verified one: nothing in the address chooses another
    assert "Tiếp nhận hồ sơ của Lan" not in client.get(PAGE, {"id": LAN}).content.decode()


def test_an_account_whose_number_was_only_typed_sees_nothing(client, org):
    looked_up(LAN, org.officer_a, "Tiếp nhận hồ sơ của Lan")
    client.force_login(org.other_citizen)  # national_id LAN, typed, not verified
    html = client.get(PAGE).content.decode()
    assert 'id="not-verified"' in html and "Tiếp nhận hồ sơ của Lan" not in html


def test_the_page_needs_sign_in(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_an_auditor_searches_the_log_by_id_number_and_system(client, org):
    looked_up(AN, org.officer_a, "Tiếp nhận hồ sơ của An")
    looked_up(LAN, org.officer_a, "Tiếp nhận hồ sơ của Lan")
    auditor = staff("auditor", "Lương Thị Thanh", org.department, "auditor")
    client.force_login(auditor)
    html = client.get(AUDIT, {"q": AN, "system": "population"}).content.decode()
    assert "Tiếp nhận hồ sơ của An" in html and "Tiếp nhận hồ sơ của Lan" not in html
    html = client.get(AUDIT, {"q": AN, "system": "judicial"}).content.decode()
    assert "Tiếp nhận hồ sơ của An" not in html
    response = client.get(AUDIT, {"since": "31/12/2026", "until": "01/01/2026"})
    assert response.status_code == 200 and "govuk-error-message" in response.content.decode()
    response = client.get(AUDIT, {"system": "<script>", "since": "not a date"})
    assert response.status_code == 200 and "govuk-error-message" in response.content.decode()


def test_an_officer_who_is_not_an_auditor_and_a_citizen_are_refused(client, org):
    client.force_login(org.officer_a)
    assert client.get(AUDIT).status_code == 403
    client.force_login(org.citizen)
    assert client.get(AUDIT).status_code == 403


def test_the_admin_shows_the_log_but_cannot_add_change_or_delete(client, org):
    entry = looked_up(AN, org.officer_a)
    admin = staff("admin", "Hoàng Văn Nam", org.department, "admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    base = "/admin/integration/exchangelogentry/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"purpose": "x"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ExchangeLogEntry.objects.get().purpose == "Tiếp nhận hồ sơ"
