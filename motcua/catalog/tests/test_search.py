from __future__ import annotations

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_list


def codes(text: str) -> set[str | None]:
    return set(Procedure.objects.search(text).values_list("code", flat=True))


@pytest.mark.parametrize(
    "text",
    ["Đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", "  đăng   KÝ khai sinh, ",
     "thủ tục đăng ký khai sinh"],
)
def test_with_and_without_diacritics(catalog, text):
    found = codes(text)
    assert "1.001193" in found
    assert "1.000656" not in found  # khai tử


def test_d_with_stroke_folds_to_d(catalog):
    assert codes("đất đai") == codes("dat dai") == codes("ĐẤT ĐAI")
    assert "1.013978" in codes("dat dai")
    assert "1.001193" in codes("Dang ky khai sinh")


def test_all_words_must_match(catalog):
    assert codes("khai sinh khai tử") == set()
    assert codes("kết hôn") >= {"1.000894"}


def test_code_prefix(catalog):
    assert codes("1.001193") == {"1.001193"}
    assert codes("1.0011") == {"1.001193"}
    assert codes("3.000") == {"3.000333", "3.000347"}
    assert codes("2.00") == {
        c for c in Procedure.objects.values_list("code", flat=True) if c and c.startswith("2.")
    }


def test_code_and_words_together(catalog):
    assert codes("1.00 khai sinh") == {"1.001193", "1.000689", "1.004884"}
    assert codes("2.00 khai sinh") == {"2.000635", "2.000986", "2.001023"}


def test_whole_words_only(catalog):
    # folded, "tử" (death) is "tu", which must not match "tục" in every "Thủ tục ..." name
    assert codes("khai tử") == {"1.000656"}
    assert codes("khai tu") == {"1.000656"}
    assert codes("khai sin") == set()
    # punctuation in the name does not hide a word: "... đăng ký khai sinh, đăng ký thường trú"
    assert "2.000986" in codes("khai sinh thuong tru")


def test_no_match(catalog):
    assert codes("giấy phép bay không người lái") == set()
    assert codes("9.999") == set()


def test_empty_query_lists_everything(catalog):
    assert procedure_list(q="").count() == 37
    assert procedure_list(q="   ").count() == 37


def test_inactive_procedures_are_not_listed(catalog):
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert not procedure_list(q="1.001193").exists()


def test_filter_by_the_kind_of_agency_that_handles_the_dossiers(catalog):
    from motcua.catalog.selectors import agency_kinds

    assert agency_kinds() == ["commune_pc", "department", "sector"]
    police = {p.code for p in procedure_list(agency_kind="sector")}
    assert len(police) == 8 and "1.001193" not in police
    assert {p.code for p in procedure_list(q="khai sinh", agency_kind="commune_pc")} >= {
        "1.001193"}
