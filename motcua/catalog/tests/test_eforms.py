"""E-forms as catalogue data (catalog.eforms): the document's check, the values' check, and how
the admin and the importer refuse a bad document."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from motcua.catalog import eforms
from motcua.catalog.importers import DEFAULT_EFORMS_FILE, CatalogDataError, load_procedures
from motcua.catalog.models import ComponentRequirement, Procedure, ProcedureVersion
from motcua.catalog.tests.conftest import START
from motcua.core.models import AuditEvent
from motcua.org.models import User

TODAY = dt.date(2026, 11, 16)
FORM = {
    "title_vi": "Tờ khai",
    "sections": [{"title_vi": "Người được cấp", "title_en": "The person", "fields": [
        {"name": "full_name", "type": "text", "label_vi": "Họ, chữ đệm, tên",
         "label_en": "Full name", "required": True, "max_length": 20},
        {"name": "birth_date", "type": "date", "label_vi": "Ngày sinh", "required": True,
         "max": "today"},
        {"name": "sex", "type": "select", "label_vi": "Giới tính", "choices": [
            {"value": "nam", "label_vi": "Nam", "label_en": "Male"},
            {"value": "nu", "label_vi": "Nữ", "label_en": "Female"}]},
        {"name": "children", "type": "number", "label_vi": "Số con", "min": 0, "max": 20},
        {"name": "id_number", "type": "national_id", "label_vi": "Số định danh"},
        {"name": "phone", "type": "phone", "label_vi": "Điện thoại"},
        {"name": "email", "type": "email", "label_vi": "Thư điện tử"},
        {"name": "note", "type": "textarea", "label_vi": "Ghi chú"},
        {"name": "agree", "type": "checkbox", "label_vi": "Đồng ý", "required": True},
        {"name": "event_commune_code", "type": "commune", "label_vi": "Xã nơi xảy ra"},
    ]}],
}


def parse_errors(raw) -> list[str]:
    with pytest.raises(eforms.SchemaError) as caught:
        eforms.parse(raw)
    return caught.value.errors


def test_a_form_reads_as_sections_of_fields_in_the_active_language():
    form = eforms.parse(FORM)
    assert [f.name for f in form.fields][:3] == ["full_name", "birth_date", "sex"]
    with translation.override("en"):
        assert form.sections[0].title == "The person"
        assert form.fields[0].label == "Full name"
        assert form.fields[1].label == "Ngày sinh"  # no English given: the Vietnamese
        assert form.fields[2].choice_label("nu") == "Female"
    with translation.override("vi"):
        assert form.fields[0].label == "Họ, chữ đệm, tên"
    flat = eforms.parse({"fields": FORM["sections"][0]["fields"]})
    assert len(flat.fields) == 10 and flat.sections[0].title == ""


@pytest.mark.parametrize(("change", "where"), [
    (lambda f: f["sections"][0]["fields"][0].update(type="colour"), "sections[1].fields[1].type"),
    (lambda f: f["sections"][0]["fields"][0].update(name="Full Name"),
     "sections[1].fields[1].name"),
    (lambda f: f["sections"][0]["fields"][0].pop("label_vi"), "sections[1].fields[1].label_vi"),
    (lambda f: f["sections"][0]["fields"][0].update(max_length=0),
     "sections[1].fields[1].max_length"),
    (lambda f: f["sections"][0]["fields"][1].update(max="tomorrow"),
     "sections[1].fields[2].max"),
    (lambda f: f["sections"][0]["fields"][2].update(choices=[]), "sections[1].fields[3].choices"),
    (lambda f: f["sections"][0]["fields"][3].update(min=30), "sections[1].fields[4]"),
    (lambda f: f["sections"][0]["fields"][4].update(choices=[]),
     "sections[1].fields[5].choices"),
    (lambda f: f["sections"][0]["fields"][5].update(requird=True),
     "sections[1].fields[6].requird"),
    (lambda f: f["sections"][0]["fields"].append({"name": "sex", "type": "text",
                                                 "label_vi": "X"}),
     "sections[1].fields[11].name"),
    (lambda f: f.update(fields=[]), "sections"),
    # a fact the population database does not have, or one of another type than the field's
    (lambda f: f["sections"][0]["fields"][0].update(prefill="religion"),
     "sections[1].fields[1].prefill"),
    (lambda f: f["sections"][0]["fields"][0].update(prefill="birth_date"),
     "sections[1].fields[1].prefill"),
])
def test_a_bad_document_is_refused_naming_where(change, where):
    raw = copy.deepcopy(FORM)
    change(raw)
    errors = parse_errors(raw)
    assert any(e.startswith(where) or where in e for e in errors), errors


def test_every_problem_is_listed_at_once():
    raw = {"sections": [{"fields": [{"name": "1x", "type": "nope"}, "not an object"]}],
           "colour": "red"}
    errors = parse_errors(raw)
    assert len(errors) >= 4
    assert not parse_errors([])[0].startswith("sections")  # not an object at all
    assert eforms.of({"type": "object"}) is None  # a stored bad document: no e-form
    assert eforms.of(None) is None


@pytest.fixture
def form():
    return eforms.parse(FORM)


def clean(form, **data):
    return eforms.clean(form, data, today=TODAY, commune_exists=lambda c: c == "14329")


def test_values_are_checked_and_kept_as_the_form_keeps_them(form):
    values, errors = clean(form, full_name="  Nguyễn   Văn An ", birth_date="02/03/1995",
                           sex="nam", children="2", id_number="037095001234",
                           phone="0912 345 678", email="an@example.com", note="Dòng 1\nDòng 2",
                           agree="on", event_commune_code="14329")
    assert errors == {}
    assert values == {"full_name": "Nguyễn Văn An", "birth_date": "1995-03-02", "sex": "nam",
                      "children": 2, "id_number": "037095001234", "phone": "0912 345 678",
                      "email": "an@example.com", "note": "Dòng 1\nDòng 2", "agree": True,
                      "event_commune_code": "14329"}
    # JSON as the API sends it
    values, errors = clean(form, full_name="An", birth_date="1995-03-02", children=3, agree=True)
    assert errors == {} and values["children"] == 3 and "sex" not in values


@pytest.mark.parametrize(("field", "value", "message"), [
    ("full_name", "", "Enter “Full name”."),
    ("full_name", "x" * 21, "at most 20 characters (it has 21)"),
    ("full_name", "An\x00", "cannot be stored"),
    ("birth_date", "2026-11-17", "cannot be in the future"),
    ("birth_date", "31/02/2020", "must be a real date"),
    ("sex", "khac", "Choose one of the answers"),
    ("children", "1.5", "whole number"),
    ("children", "21", "at most 20"),
    ("id_number", "12345", "exactly 12 digits"),
    ("phone", "abc", "phone number"),
    ("email", "an@", "email address"),
    ("agree", "", "Tick “Đồng ý”."),
    ("event_commune_code", "99999", "from the list"),
    ("full_name", ["a", "b"], "must be text"),
])
def test_a_wrong_value_is_refused_with_its_reason(form, field, value, message):
    data = {"full_name": "An", "birth_date": "1995-03-02", "agree": True, field: value}
    _values, errors = clean(form, **data)
    assert message in errors[field], errors


def test_values_are_shown_as_people_read_them(form):
    fields = {f.name: f for f in form.fields}
    with translation.override("vi"):
        assert eforms.display(fields["birth_date"], "1995-03-02") == "02/03/1995"
        assert eforms.display(fields["sex"], "nu") == "Nữ"
        assert eforms.display(fields["agree"], True) == "Có"
        assert eforms.display(fields["children"], 1200) == "1.200"


# --- catalogue data: the bundled forms, the importer, the admin ----------------------------


def bundled() -> dict:
    return yaml.safe_load(DEFAULT_EFORMS_FILE.read_text(encoding="utf-8"))


def test_the_bundled_forms_are_loaded_on_the_declaration(catalog):
    for code in ("1.001193", "1.004873", "1.000656", "2.000635"):
        version = Procedure.objects.get(code=code).version_on(START)
        declaration = version.components.get(position=1)
        assert declaration.name.startswith("Tờ khai")
        assert eforms.of(declaration.eform_schema) is not None
        assert not version.components.exclude(position=1).exclude(eform_schema=None).exists()
    death = eforms.of(Procedure.objects.get(code="1.000656").version_on(START)
                      .components.get(position=1).eform_schema)
    assert death is not None
    place = next(f for f in death.fields if f.name == "event_commune_code")
    assert place.type == eforms.COMMUNE and place.required  # the deceased's last residence
    assert AuditEvent.objects.filter(action="catalog.eform_loaded").count() == 4
    # the fields about the person filing are filled from the population database
    marital = eforms.of(Procedure.objects.get(code="1.004873").version_on(START)
                        .components.get(position=1).eform_schema)
    assert marital is not None
    assert {f.name: f.prefill for f in marital.fields if f.prefill} == {
        "full_name": "full_name", "birth_date": "birth_date", "sex": "sex",
        "id_number": "id_number", "residence": "current_address"}


def test_a_changed_form_is_stored_without_a_new_version(catalog, tmp_path):
    data = bundled()
    data["1.004873"]["form"]["sections"][1]["fields"][0]["max_length"] = 120
    path = tmp_path / "eforms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = load_procedures(eforms_path=path, effective_from=dt.date(2026, 1, 1))
    assert report.eforms == ["1.004873"] and len(report.unchanged) == 37
    version = Procedure.objects.get(code="1.004873").versions.get()
    form = eforms.of(version.components.get(position=1).eform_schema)
    assert form is not None and form.fields[1].max_length == 120


def test_a_bad_form_file_is_refused_and_nothing_is_written(db, tmp_path):
    data = bundled()
    data["1.004873"]["form"]["sections"][1]["fields"][0]["type"] = "colour"
    data["1.000656"]["component"] = 0
    path = tmp_path / "eforms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogDataError) as caught:
        load_procedures(eforms_path=path, effective_from=START)
    assert any("1.004873" in e and "type" in e for e in caught.value.errors)
    assert any("1.000656" in e and "component" in e for e in caught.value.errors)
    assert not Procedure.objects.exists()
    with pytest.raises(CommandError, match="1.004873"):
        call_command("load_procedures", "--eforms", str(path))


def test_a_form_for_a_procedure_not_loaded_is_reported(db, tmp_path, write_yaml):
    from motcua.catalog.tests.conftest import minimal_record

    report = load_procedures(write_yaml([minimal_record()]), effective_from=START)
    assert sorted(report.eforms_skipped) == ["1.000656", "1.001193", "1.004873", "2.000635"]
    assert ComponentRequirement.objects.exclude(eform_schema=None).count() == 0


def test_a_form_for_a_missing_component_is_refused(catalog, tmp_path):
    data = {"1.004873": {"component": 40, "form": FORM}}
    path = tmp_path / "eforms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogDataError, match="no component 40"):
        load_procedures(eforms_path=path, effective_from=dt.date(2026, 1, 1))


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x", kind="staff"))
    return client


def admin_post(client: Client, version: ProcedureVersion, schema: str,
               second: str = "null") -> str:
    """Change the first component's e-form (and the second's) in the version's admin page;
    the page when it refuses, "" when it saved."""
    components = list(version.components.order_by("position"))
    data = {"name": version.name, "name_en": version.name_en, "level": version.level,
            "implementing_agency": version.implementing_agency,
            "competent_agency": "", "handling_agency_kind": version.handling_agency_kind,
            "applicant_types": "[\"person\"]", "steps": "", "method": "",
            "duration_value": version.duration_value or "",
            "duration_unit": version.duration_unit, "duration_text": version.duration_text,
            "online_duration_value": "", "cutoff": "", "supplement_mode": "pause",
            "max_apologies": "1", "results": version.results,
            "legal_basis": version.legal_basis, "online_level": version.online_level,
            "decision_number": version.decision_number, "decision_date": "",
            "legal_effective_date": "", "made_public_at": "", "source_url": version.source_url,
            "unconfirmed": "[]", "confirmed": "[]", "retrieved_via": "", "notes": "",
            "components-TOTAL_FORMS": len(components),
            "components-INITIAL_FORMS": len(components),
            "components-MIN_NUM_FORMS": 0, "components-MAX_NUM_FORMS": 1000,
            "fees-TOTAL_FORMS": 0, "fees-INITIAL_FORMS": 0, "fees-MIN_NUM_FORMS": 0,
            "fees-MAX_NUM_FORMS": 1000}
    for i, c in enumerate(components):
        data.update({f"components-{i}-id": c.pk, f"components-{i}-version": version.pk,
                     f"components-{i}-position": c.position, f"components-{i}-code": c.code,
                     f"components-{i}-name": c.name, f"components-{i}-form": c.form,
                     f"components-{i}-quantity": c.quantity if c.quantity is not None else "",
                     f"components-{i}-condition": c.condition,
                     f"components-{i}-eform_schema": {0: schema, 1: second}.get(i, "null")})
        if c.required:
            data[f"components-{i}-required"] = "on"
    response = client.post(f"/admin/catalog/procedureversion/{version.pk}/change/", data)
    return response.content.decode() if response.status_code == 200 else ""


def test_the_admin_stores_a_good_form_and_refuses_a_bad_one(admin_client, catalog):
    import json

    version = Procedure.objects.get(code="1.000894").version_on(START)
    good = {"fields": [{"name": "note", "type": "text", "label_vi": "Ghi chú"}]}
    with translation.override("en"):
        page = admin_post(admin_client, version, json.dumps(good))
    assert page == ""  # saved, redirected
    assert version.components.get(position=1).eform_schema == good
    bad = {"fields": [{"name": "note", "type": "colour", "label_vi": "Ghi chú"}]}
    page = admin_post(admin_client, version, json.dumps(bad))
    assert "fields[1].type" in page and "colour" in page
    assert version.components.get(position=1).eform_schema == good  # unchanged


def test_the_admin_refuses_two_e_forms_of_a_version_with_one_field_name(admin_client, catalog):
    import json

    version = Procedure.objects.get(code="1.000894").version_on(START)
    form = json.dumps({"fields": [{"name": "note", "type": "text", "label_vi": "Ghi chú"}]})
    page = admin_post(admin_client, version, form, second=form)
    assert "Biểu mẫu điện tử của thành phần 1 và 2 cùng có trường “note”" in page
    assert not version.components.exclude(eform_schema=None).exists()
