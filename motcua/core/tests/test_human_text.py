import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import UnfitText, clean_human_text, storable


def test_text_is_stored_in_nfc():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert decomposed != "Nguyễn Văn An"
    assert clean_human_text(decomposed) == "Nguyễn Văn An"


@pytest.mark.parametrize("text, code", [
    ("Nguyễn \u202eAn", "bidi"),  # right-to-left override: Form 01 printed "Nguyễn live nA"
    ("Lý do\u2066", "bidi"),
    ("\u200b\u200b\u200b", "invisible"),  # a refusal "reason" nobody can read
    ("\ufeff \u200d", "invisible"),
    ("tên\x00", "control"),
    ("\udfff", "control"),
])
def test_unfit_texts_are_refused_with_their_reason(text, code):
    with pytest.raises(UnfitText) as unfit:
        clean_human_text(text)
    assert unfit.value.code == code


def test_an_empty_text_stays_the_fields_business():
    assert clean_human_text("") == "" and clean_human_text("  ") == "  "


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf"))))
def test_ordinary_text_comes_back_as_its_nfc(text):
    assert clean_human_text(text) == unicodedata.normalize("NFC", text)


def test_form_data_with_a_nul_or_a_lone_surrogate_is_not_storable():
    assert storable({"a": ["b", {"c": 1, "d": None}]})
    assert not storable({"a": "x\x00"})
    assert not storable({"\udfff": 1})
    assert not storable({"a": [{"b": "\ud800"}]})
