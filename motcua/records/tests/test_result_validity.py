"""How long a signed result stays valid: its procedure version's `result_valid_months`
(a deployment setting, none by default) counted from the local date of issue, on the result,
its owner's store item, the public verification page and the PDF."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, received
from motcua.records import results, results_pdf
from motcua.records.models import StoreItem

pytestmark = pytest.mark.django_db


def ready(org, procedure, leader, months: int | None, when: str = "15:00 18/11/2026"):
    """A dossier whose result is marked ready at `when` (local time), its procedure's results
    valid for `months`."""
    procedure.versions.update(result_valid_months=months)
    d = received(org, procedure, at("09:00 16/11/2026"))
    d = actions.perform(d, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    return actions.perform(d, "mark_result_ready", leader, now=at(when))


def test_a_result_valid_24_months_ends_the_same_day_two_years_later(org, procedure, leader):
    result = ready(org, procedure, leader, 24).signed_results.get()
    assert result.valid_until == dt.date(2028, 11, 18)
    assert "Có giá trị đến:</span> 18/11/2028" in results_pdf.render_html(result)


def test_a_day_the_last_month_lacks_ends_on_its_last_day(org, procedure, leader):
    result = ready(org, procedure, leader, 3, when="10:00 30/11/2026").signed_results.get()
    assert result.valid_until == dt.date(2027, 2, 28)  # 30 February does not exist


def test_the_local_date_of_issue_counts_not_utc(org, procedure, leader):
    # 06:00 on 1 December in Vietnam is still 30 November in UTC
    result = ready(org, procedure, leader, 12, when="06:00 01/12/2026").signed_results.get()
    assert result.valid_until == dt.date(2027, 12, 1)


def test_no_period_no_end_date(org, procedure, leader):
    result = ready(org, procedure, leader, None).signed_results.get()
    assert result.valid_until is None
    assert "Có giá trị đến" not in results_pdf.render_html(result)


def test_the_store_item_and_the_verification_page_carry_it(org, procedure, leader,
                                                          agency_cert, sandbox, client):
    result = ready(org, procedure, leader, 24).signed_results.get()
    signed = results.sign_result(result, actor=leader)
    item = StoreItem.objects.get(source_ref=results.store_ref(signed))
    assert item.valid_until == signed.valid_until == dt.date(2028, 11, 18)
    assert item.valid_on(dt.date(2028, 11, 18)) and not item.valid_on(dt.date(2028, 11, 19))
    page = client.get(reverse("portal:verify-result", kwargs={"public_id": signed.public_id}))
    assert "18/11/2028" in page.content.decode()
