from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.actions import publish_version, set_active
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.core.models import AuditEvent

START = dt.date(2025, 7, 1)
LATER = dt.date(2026, 2, 1)


def test_publish_version_copies_applies_and_closes(procedure, org):
    v1 = procedure.version_on(START)
    v1.components.filter(position=1).update(eform_schema={"type": "object"})
    v2 = publish_version(
        procedure,
        changes={"duration_value": 5, "online_level": "partial", "cutoff": dt.time(16, 0)},
        effective_from=LATER,
        actor=org.officer_a,
    )
    v1.refresh_from_db()
    assert (v1.effective_from, v1.effective_to, v1.duration_value) == (START, LATER, 3)
    assert (v2.number, v2.effective_from, v2.effective_to) == (2, LATER, None)
    assert (v2.duration_value, v2.online_level, v2.cutoff) == (5, "partial", dt.time(16, 0))
    # unchanged fields, components and fees are copied
    assert v2.name == v1.name and v2.handling_agency_kind == "commune_pc"
    assert v2.applicant_types == ["person"]
    assert [(c.position, c.name, c.form, c.required) for c in v2.components.all()] == [
        (c.position, c.name, c.form, c.required) for c in v1.components.all()
    ]
    assert v2.components.get(position=1).eform_schema == {"type": "object"}
    assert [(f.name, f.amount_vnd) for f in v2.fees.all()] == [("Lệ phí", 0)]
    assert set(v2.components.values_list("pk", flat=True)).isdisjoint(
        v1.components.values_list("pk", flat=True)
    )
    # a dossier keeps the version in force when received
    assert procedure.version_on(LATER - dt.timedelta(days=1)) == v1
    assert procedure.version_on(LATER) == v2


def test_publish_version_writes_an_audit_row(procedure, org):
    v2 = publish_version(procedure, changes={"duration_value": 5}, effective_from=LATER,
                         actor=org.officer_a)
    event = AuditEvent.objects.get(action="catalog.version_published")
    assert event.actor == org.officer_a
    assert (event.object_type, event.object_id) == ("catalog.procedureversion", str(v2.pk))
    assert event.data == {"procedure": "1.004873", "number": 2, "previous": 1,
                          "effective_from": "2026-02-01", "changed": ["duration_value"]}


def test_publish_version_replaces_components_and_fees(procedure):
    v2 = publish_version(
        procedure,
        changes={
            "components": [{"name": "Tờ khai điện tử", "form": "either", "quantity": 1,
                            "required": True}],
            "fees": [{"name": "Lệ phí", "amount_vnd": 10000, "note": ""},
                     {"name": "Phí bản sao", "amount_vnd": 8000, "note": "nếu có"}],
        },
        effective_from=LATER,
        actor=None,
    )
    assert [c.name for c in v2.components.all()] == ["Tờ khai điện tử"]
    assert [(f.position, f.amount_vnd) for f in v2.fees.all()] == [(1, 10000), (2, 8000)]
    assert procedure.version_on(START).components.count() == 2


def test_publish_version_renames_the_listing(procedure):
    publish_version(procedure, changes={"name": "Thủ tục cấp Giấy xác nhận (mới)"},
                    effective_from=LATER, actor=None)
    procedure.refresh_from_db()
    assert procedure.name == "Thủ tục cấp Giấy xác nhận (mới)"
    assert Procedure.objects.search("giay xac nhan moi").get() == procedure


def test_an_earlier_date_is_refused(procedure):
    publish_version(procedure, changes={"duration_value": 5}, effective_from=LATER, actor=None)
    with pytest.raises(InvalidInput) as caught:
        publish_version(procedure, changes={"duration_value": 7},
                        effective_from=LATER - dt.timedelta(days=1), actor=None)
    assert caught.value.code == "effective_from_too_early"
    assert "1.004873" in caught.value.detail
    assert procedure.versions.count() == 2
    assert procedure.version_on(LATER).effective_to is None
    assert AuditEvent.objects.filter(action="catalog.version_published").count() == 1


def test_an_earlier_date_than_the_first_version_is_refused(procedure):
    with pytest.raises(InvalidInput):
        publish_version(procedure, changes={}, effective_from=START - dt.timedelta(days=1),
                        actor=None)
    assert procedure.versions.count() == 1


def test_same_day_as_the_version_in_force_is_allowed(procedure):
    v2 = publish_version(procedure, changes={"duration_value": 4}, effective_from=START,
                         actor=None)
    assert procedure.version_on(START) == v2


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"number": 9}, InvalidInput),
        ({"effective_to": LATER}, InvalidInput),
        ({"no_such_field": 1}, InvalidInput),
        ({"components": [{"name": "x", "colour": "red"}]}, InvalidInput),
        ({"duration_unit": "weeks"}, ValidationError),
        ({"online_level": "total"}, ValidationError),
        ({"fees": [{"name": "Lệ phí", "amount_vnd": -5}]}, ValidationError),
    ],
)
def test_bad_changes_are_refused_and_nothing_written(procedure, changes, error):
    with pytest.raises(error):
        publish_version(procedure, changes=changes, effective_from=LATER, actor=None)
    assert ProcedureVersion.objects.filter(procedure=procedure).count() == 1
    assert procedure.version_on(START).effective_to is None
    assert not AuditEvent.objects.exists()


def test_set_active(procedure, org):
    set_active(procedure, False, org.officer_a)
    procedure.refresh_from_db()
    assert procedure.is_active is False
    event = AuditEvent.objects.get()
    assert event.action == "catalog.procedure_deactivated" and event.actor == org.officer_a
    set_active(procedure, False, org.officer_a)  # no change, no audit row
    assert AuditEvent.objects.count() == 1
    set_active(procedure, True, org.officer_a)
    procedure.refresh_from_db()
    assert procedure.is_active is True
    assert AuditEvent.objects.latest("pk").action == "catalog.procedure_activated"
