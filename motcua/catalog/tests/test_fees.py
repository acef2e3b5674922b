"""What a dossier is charged: the published fee lines that apply to its channel (catalog.fees),
read from the real catalogue's names, and the totals the portal, the payment and the index
use."""

import datetime as dt
import importlib

import pytest
import yaml

from motcua.catalog import fees
from motcua.catalog.importers import DEFAULT_FILE, load_procedures
from motcua.catalog.models import FeeApplies, Procedure
from motcua.catalog.selectors import fee_total

pytestmark = pytest.mark.django_db

A = FeeApplies


def reference_fee_names() -> list[str]:
    records = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    records = records if isinstance(records, list) else records["procedures"]
    return [f["name"] for r in records for f in (r.get("fees") or [])
            if isinstance(f, dict)]


@pytest.mark.parametrize(("name", "applies"), [
    ("Lệ phí đăng ký hộ kinh doanh – nộp trực tiếp", A.IN_PERSON),
    ("Lệ phí đăng ký hộ kinh doanh – trực tuyến / bưu chính", A.REMOTE),
    ("Lệ phí khi nộp trực tuyến (ưu đãi có thời hạn)", A.REMOTE),
    ("Lệ phí đăng ký tạm trú theo danh sách – trực tiếp", A.IN_PERSON),
    ("Phí cấp bản sao Giấy khai sinh (nếu có yêu cầu)", A.ON_REQUEST),
    ("Phí tại cơ quan đại diện ở nước ngoài", A.ELSEWHERE),
    ("Lệ phí cấp giấy phép lái xe", A.ANY),
    ("LỆ PHÍ – NỘP TRỰC TUYẾN", A.REMOTE),  # capitals, as typed by some provinces
])
def test_the_published_name_says_when_a_fee_is_charged(name, applies):
    assert fees.classify(name) == applies


def test_the_migrations_frozen_reading_agrees_on_every_reference_fee():
    migration = importlib.import_module("motcua.catalog.migrations.0007_fee_applies")
    names = reference_fee_names()
    assert len(names) > 30
    assert {n: migration.applies_of(n) for n in names} == {
        n: str(fees.classify(n)) for n in names}


@pytest.fixture
def catalogue():
    load_procedures(effective_from=dt.date(2025, 7, 1))

    def version(code):
        return Procedure.objects.get(code=code).version_on(dt.date(2026, 12, 5))
    return version


@pytest.mark.parametrize(("code", "in_person", "online"), [
    ("1.001612", 50_000, 150_000),  # household business: one line per channel, never both
    ("3.000347", 135_000, 115_000),  # driving licence: the online line replaces the general
    ("1.004222", 20_000, 10_000),  # permanent residence
    ("1.001193", 0, 0),  # birth: free; a copy of the certificate only if asked for
    ("2.000815", 2_000, 2_000),  # a certified copy: the fee abroad is not charged here
])
def test_the_real_catalogue_charges_each_channel_its_own_fees(catalogue, code, in_person,
                                                              online):
    version = catalogue(code)
    assert fees.totals(version) == fees.FeeTotals(in_person, online)
    assert fee_total(version, fees.COUNTER) == in_person
    assert fee_total(version, fees.ONLINE) == fee_total(version, fees.POSTAL) == online
    assert fee_total(version) == (in_person if in_person == online else None)


def test_an_unknown_amount_among_the_charged_fees_leaves_the_total_unknown(catalogue):
    version = catalogue("1.000656")  # death registration: its fee's amount is not published
    assert fees.totals(version) == fees.FeeTotals(None, None)
