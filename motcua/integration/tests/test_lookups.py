"""Contract tests of the personal-data adapters against the sandbox (real HTTP), their refused
and failing cases, and the exchange log each call leaves."""

import datetime as dt

import pytest

from motcua.integration import population, registries
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.models import ExchangeLogEntry
from motcua.integration.models.exchange_log import ExchangeLogImmutable
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id, validate_tax_code
from motcua.org.models import User

AN = "037095001234"  # the demo's citizen.an, generated in the sandbox with the same number
UNKNOWN = "037095999999"

pytestmark = pytest.mark.django_db


def test_a_demo_citizen_is_in_the_population_database_with_residence_and_household(sandbox):
    person = population.lookup_person(AN, purpose="test")
    assert person is not None
    assert (person.full_name, person.birth_date, person.sex) == (
        "Nguyễn Văn An", dt.date(1995, 3, 14), "male")
    assert person.permanent_commune_code == "14329"  # Phường Hoa Lư, Ninh Bình
    assert "Hoa Lư" in person.permanent_address
    assert person.household_code and person.relation_to_head == "Chủ hộ"
    assert AN in [m.id_number for m in person.household]


def test_generated_people_have_valid_numbers_that_match_their_sex_and_birth_year(sandbox):
    person = population.lookup_person(AN, purpose="test")
    assert person is not None
    seen = 0
    for member in person.household:
        found = population.lookup_person(member.id_number, purpose="test")
        assert found is not None
        facts = validate_personal_id(found.id_number)
        assert facts.birth_year == found.birth_date.year and facts.sex == found.sex
        seen += 1
    assert seen >= 1


def test_an_unknown_person_is_none_and_a_malformed_number_is_refused_before_asking(sandbox):
    assert population.lookup_person(UNKNOWN, purpose="test") is None
    with pytest.raises(InvalidIdentifier):
        population.lookup_person("12345", purpose="test")
    outcomes = list(ExchangeLogEntry.objects.values_list("subject_id_number", "outcome"))
    assert outcomes == [(UNKNOWN, "not_found")]  # the malformed number was never sent


def test_a_lookup_that_times_out_says_the_system_is_not_answering_and_is_logged(
        sandbox, settings):
    settings.NATIONAL_WAIT_SECONDS = 0.5
    sandbox.fault("/population/", "timeout", seconds=2)
    with pytest.raises(NationalSystemUnavailable, match="timed out"):
        population.lookup_person(AN, purpose="counter")
    entry = ExchangeLogEntry.objects.get()
    assert (entry.system, entry.outcome, entry.purpose) == ("population", "unavailable",
                                                            "counter")


def test_a_5xx_answer_and_a_wrong_credential_are_unavailable(sandbox, settings):
    sandbox.fault("/population/", "error", status=503, times=1)
    with pytest.raises(NationalSystemUnavailable, match="503"):
        population.lookup_person(AN, purpose="test")
    settings.NATIONAL_CLIENT_SECRET = "wrong"
    with pytest.raises(NationalSystemUnavailable, match="credential"):
        population.lookup_person(AN, purpose="test")


def test_the_sandbox_refuses_calls_without_credential_or_purpose(sandbox):
    assert sandbox.get(f"/population/citizens/{AN}").status_code == 401
    answer = sandbox.get(f"/population/citizens/{AN}", auth=("motcua", "motcua-sandbox-secret"))
    assert answer.status_code == 400 and answer.json()["error"] == "purpose_required"


def test_business_registry_by_tax_code(sandbox):
    business = registries.lookup_business("2701000019", purpose="test")
    assert business is not None
    assert validate_tax_code(business.tax_code).province_code == "27"
    assert (business.representative_id_number, business.commune_code) == (AN, "14329")
    assert business.name.startswith("Công ty")
    assert registries.lookup_business("2701000026", purpose="test") is None
    with pytest.raises(InvalidIdentifier):
        registries.lookup_business("2701000010", purpose="test")  # wrong check digit
    assert list(ExchangeLogEntry.objects.order_by("pk").values_list(
        "subject_tax_code", "outcome")) == [("2701000019", "found"), ("2701000026", "not_found")]


def test_civil_status_and_judicial_records(sandbox):
    entries = registries.lookup_civil_status(AN, purpose="test")
    assert entries is not None
    assert [e.kind for e in entries] == ["birth"]
    assert entries[0].details["full_name"] == "Nguyễn Văn An"
    record = registries.lookup_judicial_record(AN, purpose="test")
    assert record is not None and record.has_convictions is False and record.convictions == ()
    assert registries.lookup_civil_status(UNKNOWN, purpose="test") is None
    assert registries.lookup_judicial_record(UNKNOWN, purpose="test") is None
    systems = set(ExchangeLogEntry.objects.values_list("system", flat=True))
    assert systems == {"civil_status", "judicial"}


def test_the_exchange_log_cannot_be_changed_or_deleted(sandbox):
    officer = User.objects.create_user("officer", kind=User.Kind.STAFF)
    population.lookup_person(AN, purpose="test", officer=officer)
    entry = ExchangeLogEntry.objects.get()
    assert entry.officer == officer
    entry.purpose = "something else"
    with pytest.raises(ExchangeLogImmutable):
        entry.save()
    with pytest.raises(ExchangeLogImmutable):
        entry.delete()
    with pytest.raises(ExchangeLogImmutable):
        ExchangeLogEntry.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(ExchangeLogImmutable):
        ExchangeLogEntry.objects.all().delete()
    assert ExchangeLogEntry.objects.get().purpose == "test"

