from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog.importers import CatalogDataError, load_procedures
from motcua.catalog.models import (
    ComponentRequirement,
    Fee,
    Procedure,
    ProcedureVersion,
    Sector,
)
from motcua.catalog.tests.conftest import START, bundled_records, minimal_record
from motcua.core.models import AuditEvent


def snapshot() -> tuple:
    """Every catalogue row, to prove that a run changed nothing."""
    return (
        list(Sector.objects.order_by("pk").values()),
        list(Procedure.objects.order_by("pk").values()),
        list(ProcedureVersion.objects.order_by("pk").values()),
        list(ComponentRequirement.objects.order_by("pk").values()),
        list(Fee.objects.order_by("pk").values()),
        AuditEvent.objects.count(),
    )


def test_all_37_procedures_load(catalog):
    assert len(catalog.created) == 37
    assert Procedure.objects.count() == 37
    assert ProcedureVersion.objects.count() == 37
    assert Sector.objects.count() == len({r["sector"] for r in bundled_records()})
    assert ProcedureVersion.objects.exclude(number=1).count() == 0
    assert not ProcedureVersion.objects.exclude(effective_from=START).exists()
    assert ComponentRequirement.objects.count() == sum(
        len(r["components"]) for r in bundled_records()
    )


def test_same_day_procedure_with_cutoff(catalog):
    birth = Procedure.objects.get(code="1.001193")
    assert birth.name == "Thủ tục đăng ký khai sinh"
    assert birth.name_folded == "thu tuc dang ky khai sinh"
    assert birth.sector.name == "Hộ tịch (Tư pháp)"
    v = birth.version_on(START)
    assert (v.duration_value, v.duration_unit, v.cutoff) == (1, "same_day", dt.time(15, 0))
    assert v.decision_number == "163/QĐ-BTP"
    assert v.results.startswith("Giấy khai sinh")
    assert v.source_url.startswith("https://dichvucong.gov.vn/")
    assert v.name_en == "Birth registration"
    assert v.handling_agency_kind == "commune_pc"
    assert v.online_level == "partial"
    assert v.supplement_mode == "pause"
    assert v.pause_on_payment is False  # the civil-status law excludes no payment time
    assert v.max_apologies == 1
    assert "duration_text" in v.confirmed
    assert [f.amount_vnd for f in v.fees.all()] == [0, None]
    assert v.unconfirmed == ["fees[2].amount_vnd"]
    assert v.components.count() == 7
    assert v.components.first().form == "original"


def test_question_marks_become_null_and_are_listed(catalog):
    # '3' without a unit: no duration is invented
    v = Procedure.objects.get(code="1.001022").version_on(START)
    assert v.duration_value is None and v.duration_unit == ""
    assert v.duration() is None
    assert {"duration_value", "duration_unit", "fees[1].amount_vnd"} <= set(v.unconfirmed)
    assert "'3'" in v.duration_text  # the published text is kept as it is

    # a component quantity of '?'
    marriage = Procedure.objects.get(code="1.000894").version_on(START)
    assert marriage.components.get(position=4).quantity is None
    assert "components[4].quantity" in marriage.unconfirmed

    # the procedure without a confirmed national code
    codeless = Procedure.objects.get(code__isnull=True)
    assert codeless.level == "province"
    v = codeless.version_on(START)
    assert {"code", "results", "decision_number"} <= set(v.unconfirmed)
    assert v.results == ""
    assert "[result] ? (Giấy phép hành nghề" in v.notes
    assert v.handling_agency_kind == "department"  # local.yaml by_name
    assert v.fees.get().amount_vnd == 430000


def test_decision_number_only_when_reliable(catalog):
    # the portal shows a placeholder 'QĐ/0001-BTP' for 2.000986: not read as a decision
    v = Procedure.objects.get(code="2.000986").version_on(START)
    assert v.decision_number == ""
    assert "decision_number" in v.unconfirmed
    police = Procedure.objects.get(code="1.004222").version_on(START)
    assert police.decision_number == "1523/QĐ-BCA-C06"
    assert police.handling_agency_kind == "sector"


def test_second_run_changes_nothing(catalog):
    before = snapshot()
    report = load_procedures(effective_from=dt.date(2026, 1, 1))
    assert len(report.unchanged) == 37 and not report.created and not report.updated
    assert snapshot() == before


def test_changed_duration_creates_version_2(catalog, write_yaml):
    records = bundled_records()
    record = next(r for r in records if r["code"] == "1.004873")
    record["duration_value"] = 5
    boundary = dt.date(2026, 3, 1)
    report = load_procedures(write_yaml(records), effective_from=boundary)
    assert report.updated == ["1.004873"] and len(report.unchanged) == 36

    procedure = Procedure.objects.get(code="1.004873")
    v1, v2 = procedure.versions.order_by("number")
    assert (v1.number, v1.effective_from, v1.effective_to) == (1, START, boundary)
    assert (v2.number, v2.effective_from, v2.effective_to) == (2, boundary, None)
    assert (v1.duration_value, v2.duration_value) == (3, 5)
    assert v2.components.count() == v1.components.count() == 6
    assert v2.fees.count() == 1

    assert procedure.version_on(boundary - dt.timedelta(days=1)) == v1
    assert procedure.version_on(boundary) == v2
    assert procedure.version_on(dt.date(2030, 1, 1)) == v2
    assert procedure.version_on(START - dt.timedelta(days=1)) is None
    assert AuditEvent.objects.filter(action="catalog.version_imported",
                                     object_id=str(v2.pk)).exists()

    # loading the changed file again is a no-op
    before = snapshot()
    load_procedures(write_yaml(records), effective_from=dt.date(2026, 4, 1))
    assert snapshot() == before


def test_new_version_keeps_settings_the_file_does_not_carry(catalog, write_yaml):
    # 1.000894 has no e-form in eforms.yaml: the one written in the admin is kept
    eform = {"fields": [{"name": "note", "type": "text", "label_vi": "Ghi chú"}]}
    v1 = Procedure.objects.get(code="1.000894").version_on(START)
    v1.components.filter(position=1).update(eform_schema=eform, digitization_required=True)
    records = bundled_records()
    next(r for r in records if r["code"] == "1.000894")["duration_text"] = "3 ngày làm việc"
    load_procedures(write_yaml(records), effective_from=dt.date(2026, 1, 1))
    v2 = Procedure.objects.get(code="1.000894").versions.get(number=2)
    first = v2.components.get(position=1)
    assert first.eform_schema == eform and first.digitization_required
    assert v2.duration_text == "3 ngày làm việc"


def test_changed_name_renames_the_listing(catalog, write_yaml):
    records = bundled_records()
    next(r for r in records if r["code"] == "1.001193")["name_vi"] = "Đăng ký khai sinh (mới)"
    load_procedures(write_yaml(records), effective_from=dt.date(2026, 1, 1))
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name == "Đăng ký khai sinh (mới)"
    assert procedure.name_folded == "dang ky khai sinh moi"
    assert procedure.version_on(START).name == "Thủ tục đăng ký khai sinh"


def test_changed_local_setting_creates_a_version(catalog, write_yaml, tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text(
        "procedures:\n  '1.001193': {online_level: full, handling_agency_kind: commune_pc}\n",
        encoding="utf-8",
    )
    report = load_procedures(local_path=local, effective_from=dt.date(2026, 1, 1))
    assert "1.001193" in report.updated
    v2 = Procedure.objects.get(code="1.001193").version_on(dt.date(2026, 1, 1))
    assert v2.number == 2 and v2.online_level == "full"


def test_results_have_no_validity_period_unless_the_province_sets_one(catalog, tmp_path):
    """The national data gives no period: none is invented for the bundled procedures; a
    local setting publishes a version whose results are valid that many months."""
    assert not ProcedureVersion.objects.exclude(result_valid_months=None).exists()
    local = tmp_path / "local.yaml"
    local.write_text("procedures:\n  '1.001193': {result_valid_months: 24}\n",
                     encoding="utf-8")
    report = load_procedures(local_path=local, effective_from=dt.date(2026, 1, 1))
    assert "1.001193" in report.updated
    v2 = Procedure.objects.get(code="1.001193").version_on(dt.date(2026, 1, 1))
    assert v2.result_valid_months == 24
    assert v2.result_valid_until(dt.date(2026, 8, 31)) == dt.date(2028, 8, 31)


@pytest.mark.parametrize("value", ["-1", "0", "1201", "'24'", "true", "1.5"])
def test_a_bad_validity_period_is_refused(db, tmp_path, value):
    local = tmp_path / "local.yaml"
    local.write_text(f"defaults:\n  result_valid_months: {value}\n", encoding="utf-8")
    with pytest.raises(CatalogDataError, match="'result_valid_months': a whole number of "
                                               "months from 1 to 1200 expected"):
        load_procedures(local_path=local, effective_from=START)
    assert not Procedure.objects.exists()


def test_change_before_the_newest_version_is_refused(catalog, write_yaml):
    records = bundled_records()
    next(r for r in records if r["code"] == "1.004873")["duration_value"] = 5
    before = snapshot()
    with pytest.raises(CatalogDataError, match="1.004873"):
        load_procedures(write_yaml(records), effective_from=dt.date(2025, 6, 30))
    assert snapshot() == before


def test_code_confirmed_later_is_adopted(db, write_yaml):
    record = minimal_record(code="?")
    load_procedures(write_yaml([record]), effective_from=START)
    procedure = Procedure.objects.get()
    assert procedure.code is None
    record["code"] = "1.009999"
    load_procedures(write_yaml([record]), effective_from=dt.date(2026, 1, 1))
    procedure.refresh_from_db()
    assert procedure.code == "1.009999"
    assert Procedure.objects.count() == 1
    assert procedure.versions.count() == 2  # 'code' left the unconfirmed list
    assert "code" not in procedure.version_on(dt.date(2026, 1, 1)).unconfirmed


BAD_RECORDS = [
    pytest.param({"code": None}, "record 2", "code", id="missing-code"),
    pytest.param({"code": "1.00119"}, "record 2", "code", id="code-format"),
    pytest.param({"code": "H40.1.001193"}, "record 2", "code", id="code-local-format"),
    pytest.param({"code": 1.00119}, "record 2", "code", id="code-unquoted-number"),
    pytest.param({"duration_unit": "weeks"}, "1.009999", "duration_unit", id="bad-unit"),
    pytest.param({"duration_value": -2}, "1.009999", "duration_value", id="negative-duration"),
    pytest.param({"fees": [{"name": "Lệ phí", "amount_vnd": -1000, "note": ""}]},
                 "1.009999", "fees[1].amount_vnd", id="negative-fee"),
    pytest.param({"fees": [{"name": "Lệ phí", "amount_vnd": "8.000", "note": ""}]},
                 "1.009999", "fees[1].amount_vnd", id="fee-with-separator"),
    pytest.param({"level": "district"}, "1.009999", "level", id="bad-level"),
    pytest.param({"cutoff": "25:00"}, "1.009999", "cutoff", id="bad-cutoff"),
    pytest.param({"cutoff": 900}, "1.009999", "cutoff", id="unquoted-cutoff"),
    pytest.param({"cutoff": "15:00"}, "1.009999", "cutoff", id="cutoff-on-working-days"),
    pytest.param({"duration_unit": "calendar_days", "cutoff": "15:00"}, "1.009999", "cutoff",
                 id="cutoff-on-calendar-days"),
    pytest.param({"duration_cases": {"a": 1}}, "1.009999", "duration_cases",
                 id="cases-not-a-list"),
    pytest.param({"duration_cases": [{"key": "Xác minh", "label_vi": "x", "value": 5,
                                      "unit": "working_days"}]},
                 "1.009999", "duration_cases[1].key", id="case-key-format"),
    pytest.param({"duration_cases": [{"key": "default", "label_vi": "x", "value": 5,
                                      "unit": "working_days"}]},
                 "1.009999", "duration_cases[1].key", id="case-key-reserved"),
    pytest.param({"duration_cases": [{"key": "x", "label_vi": "", "value": 5,
                                      "unit": "working_days"}]},
                 "1.009999", "duration_cases[1].label_vi", id="case-without-label"),
    pytest.param({"duration_cases": [{"key": "x", "label_vi": "x", "value": "?",
                                      "unit": "working_days"}]},
                 "1.009999", "duration_cases[1].value", id="case-unconfirmed-value"),
    pytest.param({"duration_cases": [{"key": "x", "label_vi": "x", "value": 5,
                                      "unit": "weeks"}]},
                 "1.009999", "duration_cases[1].unit", id="case-bad-unit"),
    pytest.param({"duration_cases": [{"key": "x", "label_vi": "x", "value": 5,
                                      "unit": "working_days", "when": "needs it"}]},
                 "1.009999", "duration_cases[1].when", id="case-bad-rule"),
    pytest.param({"duration_cases": [{"key": "x", "label_vi": "x", "value": 5,
                                      "unit": "working_days", "days": 5}]},
                 "1.009999", "duration_cases[1].days", id="case-typo-key"),
    pytest.param({"duration_cases": [
        {"key": "x", "label_vi": "x", "value": 5, "unit": "working_days"},
        {"key": "x", "label_vi": "y", "value": 6, "unit": "working_days"}]},
        "1.009999", "duration_cases[2].key", id="case-duplicate"),
    pytest.param({"components": [{"name": "Tờ khai", "form": "scan"}]},
                 "1.009999", "components[1].form", id="bad-component-form"),
    pytest.param({"duraton_unit": "working_days"}, "1.009999", "duraton_unit", id="typo-key"),
    pytest.param({"sector": ""}, "1.009999", "sector", id="missing-sector"),
]


@pytest.mark.parametrize(("override", "who", "field"), BAD_RECORDS)
def test_bad_record_is_refused_and_nothing_written(db, write_yaml, override, who, field):
    good = minimal_record(code="1.008888", name_vi="Thủ tục tốt")
    bad = minimal_record(**override)
    with pytest.raises(CatalogDataError) as caught:
        load_procedures(write_yaml([good, bad]), effective_from=START)
    message = str(caught.value.detail)
    assert who in message and f"'{field}'" in message
    assert not Procedure.objects.exists() and not Sector.objects.exists()


def test_cutoffs_only_on_same_day_procedures(catalog):
    with_cutoff = ProcedureVersion.objects.filter(cutoff__isnull=False)
    assert set(with_cutoff.values_list("duration_unit", flat=True)) <= {"same_day", ""}
    copies = Procedure.objects.get(code="2.000908").version_on(START)
    assert (copies.duration_value, copies.duration_unit, copies.cutoff) == (
        1, "same_day", dt.time(15, 0))


def test_procedures_with_more_than_one_legal_duration(catalog):
    marriage = Procedure.objects.get(code="1.000894").version_on(START)
    assert (marriage.duration_value, marriage.duration_unit) == (1, "same_day")
    [case] = marriage.cases()
    assert (case.key, case.value, case.unit) == ("verification", 5, "working_days")
    assert case.label_vi.startswith("Cần xác minh")
    assert marriage.case_for({"can_xac_minh": True}) == case
    assert marriage.case_for({"can_xac_minh": False}) is None
    assert marriage.case_for({}) is None
    permit = Procedure.objects.get(code="1.013225").version_on(START)
    assert [(c.key, c.value, c.unit) for c in permit.cases()] == [
        ("individual_house", 15, "calendar_days"), ("grade_iii_iv_works", 20, "calendar_days")]
    assert permit.case_for({"anything": True}) is None  # no rule: the officer chooses
    # judicial records: 10 days, 15 in the cases of the Law on Judicial Records, Art. 48(1)
    records = Procedure.objects.get(code="3.000333").version_on(START)
    assert [(c.key, c.value, c.unit) for c in records.cases()] == [
        ("several_places_or_abroad", 15, "calendar_days")]
    assert (records.duration_value, records.duration_unit) == (10, "calendar_days")


def test_pause_on_payment_only_where_the_law_excludes_payment_time(catalog):
    paused = set(ProcedureVersion.objects.filter(pause_on_payment=True)
                 .values_list("procedure__code", flat=True))
    assert paused == {"1.013067", "1.013978", "1.013831", "1.012784"}


def test_every_problem_is_reported_at_once(db, write_yaml):
    bad = [minimal_record(code="x"), minimal_record(code="1.000001", duration_unit="weeks")]
    with pytest.raises(CatalogDataError) as caught:
        load_procedures(write_yaml(bad), effective_from=START)
    assert len(caught.value.errors) == 2


def test_duplicate_code_is_refused(db, write_yaml):
    with pytest.raises(CatalogDataError, match="duplicate of record 1"):
        load_procedures(write_yaml([minimal_record(), minimal_record()]), effective_from=START)


@pytest.mark.parametrize(
    "text",
    [
        "- code: '1.001193'\n  name_vi: [unclosed\n",
        "- code: '1.001193'\n\tname_vi: tab\n",
    ],
)
def test_malformed_yaml_is_refused(db, write_yaml, text):
    with pytest.raises(CatalogDataError, match="not valid YAML at line"):
        load_procedures(write_yaml(text), effective_from=START)
    assert not Procedure.objects.exists()


def test_not_a_list_is_refused(db, write_yaml):
    with pytest.raises(CatalogDataError, match="must be a YAML list"):
        load_procedures(write_yaml({"code": "1.001193"}), effective_from=START)


def test_bad_local_settings_are_refused(db, tmp_path):
    local = tmp_path / "local.yaml"
    local.write_text("procedures:\n  '1.001193': {online_level: total}\n", encoding="utf-8")
    with pytest.raises(CatalogDataError, match="1.001193, setting 'online_level'"):
        load_procedures(local_path=local, effective_from=START)
    assert not Procedure.objects.exists()


def test_command_loads_and_is_idempotent(db, capsys):
    call_command("load_procedures", "--effective-from", "2025-07-01")
    assert "37 new" in capsys.readouterr().out
    call_command("load_procedures")
    assert "37 unchanged" in capsys.readouterr().out


def test_command_refuses_a_bad_file_with_a_clear_message(db, write_yaml):
    path = write_yaml([minimal_record(duration_unit="weeks")])
    with pytest.raises(CommandError, match=r"procedure 1\.009999 .*'duration_unit'.*weeks"):
        call_command("load_procedures", "--file", str(path))
    assert not Procedure.objects.exists()


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("load_procedures", "--effective-from", "01/07/2025")
