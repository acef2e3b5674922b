"""Which components an agency takes from a national database (national_sources.yaml): loaded
onto the catalogue's components, kept by a new version, refused whole when the file is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from motcua.catalog.importers import CatalogDataError, load_procedures
from motcua.catalog.models import ComponentRequirement, NationalSource, Procedure
from motcua.catalog.tests.conftest import START, bundled_records
from motcua.core.models import AuditEvent


def component(code: str, position: int) -> ComponentRequirement:
    return Procedure.objects.get(code=code).version_on(START).components.get(position=position)


def test_the_bundled_file_marks_identity_residence_and_civil_status_components(catalog):
    identity = component("1.004873", 5)
    assert identity.name.startswith("Xuất trình: Hộ chiếu/Thẻ CCCD")
    assert identity.national_source == NationalSource.POPULATION
    divorce = component("1.004873", 3)
    assert "cơ quan tự tra cứu" in divorce.name
    assert divorce.national_source == NationalSource.CIVIL_STATUS
    assert component("1.004873", 1).national_source == ""  # the declaration
    marked = ComponentRequirement.objects.exclude(national_source="")
    assert marked.count() == AuditEvent.objects.filter(
        action="catalog.national_source_loaded").count() > 20
    # a second load changes nothing
    report = load_procedures(effective_from=dt.date(2026, 1, 1))
    assert report.national_sources == [] and len(report.unchanged) == 37


def test_a_new_version_keeps_the_marks(catalog, write_yaml):
    records = bundled_records()
    marital = next(r for r in records if r["code"] == "1.004873")
    marital["duration_value"] = 5
    load_procedures(write_yaml(records), effective_from=dt.date(2026, 4, 1))
    newer = Procedure.objects.get(code="1.004873").version_on(dt.date(2026, 4, 2))
    assert newer.number == 2
    assert newer.components.get(position=5).national_source == "population"


@pytest.mark.parametrize("data, problem", [
    ({"1.004873": {5: "land"}}, "'land' is not one of"),
    ({"1.004873": {0: "population"}}, "not a component position"),
    ({"1.4873": {5: "population"}}, "not a national code"),
    ({"1.004873": []}, "a mapping of component positions"),
    ({"1.004873": {40: "population"}}, "no component 40"),
])
def test_a_wrong_file_is_refused_and_nothing_is_loaded(db, tmp_path, data, problem):
    path = tmp_path / "national_sources.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CatalogDataError) as caught:
        load_procedures(national_sources_path=path, effective_from=START)
    assert any(problem in e for e in caught.value.errors), caught.value.errors
    assert not Procedure.objects.exists()
