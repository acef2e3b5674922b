"""The reads a step action locks, compiled once (core.compiled), give what the ORM gives."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model, Subquery

from motcua.dossiers import actions as dactions
from motcua.dossiers.models import Dossier
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.processing.tests.conftest import T0, at

pytestmark = pytest.mark.django_db(transaction=True)


def fields(instance: Model | None) -> dict[str, Any] | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def same(compiled: Model, orm: Model, relations: tuple[str, ...]) -> None:
    assert type(compiled) is type(orm)
    assert fields(compiled) == fields(orm)
    assert compiled._state.adding is False and compiled._state.db == orm._state.db
    for path in relations:
        a, b = compiled, orm
        for name in path.split("__"):
            a, b = getattr(a, name) if a else None, getattr(b, name) if b else None
        assert fields(a) == fields(b), path


def test_the_compiled_locks_read_every_field_and_relation_as_the_orm(world):
    with_land = world.receive(form_data={"has_land": True, "area_m2": 120.5})
    plain = world.receive()
    Dossier.objects.filter(pk=plain.pk).update(applicant_commune=None)  # a null relation
    step = world.open_step(with_land)
    pactions.claim(step, user=world.org.specialist_a, now=at(T0))
    pactions.act(step, "forward", actor=world.org.specialist_a, now=at(T0))  # to the tax agency
    steps = list(StepInstance.objects.all())
    assert len(steps) == 3 and any(s.assignee_id is None for s in steps)
    with transaction.atomic():
        for s in steps:
            orm_step = (StepInstance.objects.select_for_update(of=("self",))
                        .select_related("run__process", "agency", "assignee").get(pk=s.pk))
            same(pactions._STEP.get(s.pk), orm_step, ("run", "run__process", "agency",
                                                       "assignee"))
            orm_dossier = (dactions.lock_query(Subquery(
                StepInstance.objects.filter(pk=s.pk).values("dossier_id")[:1]))
                .select_related(*dactions.LOCK_RELATED).get())
            same(pactions._DOSSIER_OF_STEP.get(s.pk), orm_dossier, dactions.LOCK_RELATED)
        for d in (with_land, plain):
            orm = dactions.lock_query(d.pk).select_related(*dactions.LOCK_RELATED).get()
            locked = dactions.lock(d.pk)
            same(locked, orm, dactions.LOCK_RELATED)
            assert locked.form_data == orm.form_data  # JSON decoded, on SQLite too
        assert dactions.lock(plain.pk).applicant_commune is None
        with pytest.raises(Dossier.DoesNotExist):
            pactions._DOSSIER_OF_STEP.get(-1)
        with pytest.raises(StepInstance.DoesNotExist):
            pactions._STEP.get(-1)


@pytest.mark.postgres
def test_the_compiled_locks_lock_only_their_own_row():
    """FOR UPDATE OF the dossier (or the step) alone: locking the joined procedure version
    made every action on a dossier of that version wait for the others (dactions.lock_query)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    with transaction.atomic():
        for compiled, table in ((dactions._LOCK_BY_ID, "dossiers_dossier"),
                                (pactions._DOSSIER_OF_STEP, "dossiers_dossier"),
                                (pactions._STEP, "processing_stepinstance")):
            sql, _params = compiled.statement()
            assert sql.endswith(f'FOR UPDATE OF "{table}"'), sql
            assert "LEFT OUTER JOIN" in sql  # a null relation keeps the row
