import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.org.identifiers import (
    PERSONAL_ID_PROVINCES,
    TAX_CODE_WEIGHTS,
    InvalidIdentifier,
    personal_id_marker,
    tax_code_check_digit,
    validate_agency_code,
    validate_personal_id,
    validate_tax_code,
)

TODAY = dt.date(2026, 3, 1)

# ------------------------------------------------------------------ personal ID numbers


def test_the_63_birth_province_codes():
    assert len(PERSONAL_ID_PROVINCES) == 63
    assert min(PERSONAL_ID_PROVINCES) == "001" and max(PERSONAL_ID_PROVINCES) == "096"
    assert PERSONAL_ID_PROVINCES["037"] == "Ninh Bình"


def test_parses_the_facts_of_a_valid_id():
    parsed = validate_personal_id("037095001234", today=TODAY)
    assert (parsed.province_code, parsed.province_name) == ("037", "Ninh Bình")
    assert (parsed.century, parsed.sex, parsed.birth_year) == (20, "male", 1995)
    parsed = validate_personal_id(" 001305012345 ", today=TODAY)
    assert parsed.number == "001305012345"
    assert (parsed.century, parsed.sex, parsed.birth_year) == (21, "female", 2005)


@pytest.mark.parametrize(("value", "code"), [
    ("03709500123", "personal_id_format"),  # 11 digits
    ("0370950012345", "personal_id_format"),  # 13 digits
    ("03709500123A", "personal_id_format"),  # a letter
    ("037 95001234", "personal_id_format"),
    ("٠٣٧٠٩٥٠٠١٢٣٤", "personal_id_format"),  # non-ASCII digits
    ("", "personal_id_format"),
    ("003095001234", "personal_id_province"),  # 003 is not a province code
    ("097095001234", "personal_id_province"),
    ("000095001234", "personal_id_province"),
    ("037227001234", "personal_id_year"),  # born 2027
    ("037499001234", "personal_id_year"),  # born 2199
])
def test_refuses_invalid_ids(value, code):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_personal_id(value, today=TODAY)
    assert caught.value.code == code
    assert str(caught.value)  # a sentence for the user


def test_refuses_non_text():
    with pytest.raises(InvalidIdentifier):
        validate_personal_id(37095001234)  # type: ignore[arg-type]


def test_this_year_is_not_the_future():
    assert validate_personal_id("037326001234", today=dt.date(2026, 1, 1)).birth_year == 2026


@given(
    province=st.sampled_from(sorted(PERSONAL_ID_PROVINCES)),
    year=st.integers(1900, TODAY.year),
    sex=st.sampled_from(["male", "female"]),
    serial=st.integers(0, 999_999),
)
def test_round_trip_for_any_valid_id(province, year, sex, serial):
    number = f"{province}{personal_id_marker(year, sex)}{year % 100:02d}{serial:06d}"
    parsed = validate_personal_id(number, today=TODAY)
    assert (parsed.province_code, parsed.birth_year, parsed.sex) == (province, year, sex)
    assert parsed.century == year // 100 + 1


@given(
    province=st.sampled_from(sorted(PERSONAL_ID_PROVINCES)),
    year=st.integers(TODAY.year + 1, 2399),
    sex=st.sampled_from(["male", "female"]),
)
def test_any_future_birth_year_is_refused(province, year, sex):
    number = f"{province}{personal_id_marker(year, sex)}{year % 100:02d}000001"
    with pytest.raises(InvalidIdentifier) as caught:
        validate_personal_id(number, today=TODAY)
    assert caught.value.code == "personal_id_year"


@given(st.text(max_size=20))
def test_never_fails_other_than_with_invalid_identifier(text):
    try:
        parsed = validate_personal_id(text, today=TODAY)
    except InvalidIdentifier:
        return
    assert len(parsed.number) == 12 and parsed.number.isdigit()


@given(st.integers(0, 999).map(lambda n: f"{n:03d}").filter(
    lambda c: c not in PERSONAL_ID_PROVINCES))
def test_any_unknown_province_code_is_refused(code):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_personal_id(f"{code}095001234", today=TODAY)
    assert caught.value.code == "personal_id_province"


# ------------------------------------------------------------------ tax codes

REAL_TAX_CODES = ["0100109106", "0100233488", "0314409058", "0100109106-001", "0314409058-002"]


@pytest.mark.parametrize("value", REAL_TAX_CODES)
def test_accepts_published_tax_codes(value):
    parsed = validate_tax_code(value)
    assert parsed.number == value and parsed.base == value[:10]
    assert parsed.province_code == value[:2]


def test_thirteen_digits_without_dash_are_normalized():
    parsed = validate_tax_code("0314409058002")
    assert (parsed.number, parsed.branch) == ("0314409058-002", "002")


@pytest.mark.parametrize(("value", "code"), [
    ("010010910", "tax_code_format"),  # 9 digits
    ("01001091061", "tax_code_format"),  # 11 digits
    ("0100109106-01", "tax_code_format"),
    ("01001O9106", "tax_code_format"),  # letter O
    ("0100109106_001", "tax_code_format"),
    ("0100000000", "tax_code_format"),  # sequence 0000000
    ("0100109106-000", "tax_code_format"),  # branch 000
    ("0100109107", "tax_code_checksum"),
    ("0100233480", "tax_code_checksum"),
    ("0100109107-001", "tax_code_checksum"),
])
def test_refuses_invalid_tax_codes(value, code):
    with pytest.raises(InvalidIdentifier) as caught:
        validate_tax_code(value)
    assert caught.value.code == code


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(
    lambda s: s[2:] != "0000000")


@given(nine_digits)
def test_exactly_one_check_digit_or_none_is_valid(first_nine):
    check = tax_code_check_digit(first_nine)
    total = sum(w * int(d) for w, d in zip(TAX_CODE_WEIGHTS, first_nine, strict=True))
    valid = [d for d in "0123456789" if _is_valid(first_nine + d)]
    if total % 11 == 0:
        assert check is None and valid == []
    else:
        assert valid == [str(check)]


@given(nine_digits, st.integers(1, 999))
def test_branch_codes_share_the_parent_check(first_nine, branch):
    check = tax_code_check_digit(first_nine)
    if check is None:
        return
    parsed = validate_tax_code(f"{first_nine}{check}-{branch:03d}")
    assert parsed.base == f"{first_nine}{check}" and parsed.branch == f"{branch:03d}"


def _is_valid(value):
    try:
        validate_tax_code(value)
    except InvalidIdentifier:
        return False
    return True


# ------------------------------------------------------------------ agency codes


@given(st.from_regex(r"\A[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}\Z"))
def test_any_qcvn_shaped_code_is_accepted(code):
    assert validate_agency_code(code) == code


@pytest.mark.parametrize("code", ["000.00.14.H56", "000.00.00.G01", "001.91.30.H40"])
def test_agency_code_examples(code):
    assert validate_agency_code(code) == code
