"""Every write of the satisfaction group's tables (`PetitionFact`, `ComplaintFact`): kept by
the petitions' events in their own transaction (lag zero), and made again from the raw
petitions and ratings by `rebuild_satisfaction` (part of `actions.rebuild`).

- `record_petition` (PetitionChanged): the petition's fact computed again and stored; a new
  petition about a dossier marks the dossier complained about.
- `record_rating` (DossierRated): a dissatisfied rating marks the dossier.
A dossier keeps the first of these instants (an upsert keeping the earlier one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Min

from motcua.petitions.events import DossierRated, PetitionChanged, PetitionFiled
from motcua.petitions.models import Petition, Rating, Satisfaction
from motcua.reporting import satisfaction
from motcua.reporting.models import ComplaintFact, PetitionFact

PETITION_FIELDS = ("id", "agency_id", "procedure__sector_id", "procedure_id", "status",
                   "received_at", "deadline", "handled_at", "late_since", "rating", "rated_at",
                   "repeated")


def _state(row: tuple[Any, ...]) -> satisfaction.PetitionState:
    (pk, agency, sector, procedure, status, received, deadline, handled, late_since, rating,
     rated_at, repeated) = row
    disliked = rated_at if rating == Satisfaction.DISSATISFIED else None
    return satisfaction.PetitionState(
        pk, agency, sector, procedure, status, received, deadline, handled, late_since,
        disliked, bool(repeated))


def petition_facts(ids: Sequence[int] | None = None, *, batch: int = 5000
                   ) -> Iterator[list[satisfaction.PetitionFact]]:
    """The fact of every petition (or of those in `ids`), `batch` at a time."""
    qs = Petition.objects.all() if ids is None else Petition.objects.filter(pk__in=list(ids))
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values_list(*PETITION_FIELDS)[:batch])
        if not rows:
            return
        last = rows[-1][0]
        yield [satisfaction.fact_of(_state(r)) for r in rows]


def _row(f: satisfaction.PetitionFact) -> PetitionFact:
    return PetitionFact(petition_id=f.petition_id, agency_id=f.agency_id, sector_id=f.sector_id,
                        procedure_id=f.procedure_id, received_at=f.received_at,
                        handled_at=f.handled_at, late_from=f.late_from,
                        unsatisfied_from=f.unsatisfied_from)


def record_petition(event: PetitionChanged) -> None:
    for chunk in petition_facts([event.petition.pk]):
        for fact in chunk:
            _row(fact).save()  # an update, or the first insert
    if isinstance(event, PetitionFiled) and event.petition.dossier_id is not None:
        complained(event.petition.dossier_id, event.petition.received_at)


def record_rating(event: DossierRated) -> None:
    if event.rating.disliked:
        complained(event.rating.dossier_id, event.rating.rated_at)


def complained(dossier_id: int, at: dt.datetime) -> None:
    """The dossier was complained about at `at`: kept if it is the first time."""
    meta, qn = ComplaintFact._meta, connection.ops.quote_name
    table, key = qn(meta.db_table), qn("dossier_id")
    column = qn(meta.get_field("complained_at").column)
    sql = (f"INSERT INTO {table} ({key}, {column}) VALUES (%s, %s) "  # noqa: S608
           f"ON CONFLICT ({key}) DO UPDATE SET {column} = CASE WHEN excluded.{column} < "
           f"{table}.{column} THEN excluded.{column} ELSE {table}.{column} END")
    with connection.cursor() as cursor:
        cursor.execute(sql, [dossier_id, connection.ops.adapt_datetimefield_value(at)])


def complaints() -> dict[int, dt.datetime]:
    """Each complained-about dossier's first complaint, from the raw petitions and ratings."""
    found: dict[int, dt.datetime] = {}
    sources = (
        Petition.objects.filter(dossier__isnull=False).values("dossier_id")
        .annotate(at=Min("received_at")).order_by(),
        Rating.objects.filter(disliked=True).values("dossier_id")
        .annotate(at=Min("rated_at")).order_by(),
    )
    for rows in sources:
        for row in rows:
            at = row["at"]
            found[row["dossier_id"]] = min(at, found.get(row["dossier_id"], at))
    return found


def rebuild_satisfaction(*, batch: int = 5000) -> tuple[int, int]:
    """Delete the two tables and compute them again (inside the caller's transaction, or
    one of its own); how many petition facts and complaints it made."""
    with transaction.atomic():
        PetitionFact.objects.all().delete()
        ComplaintFact.objects.all().delete()
        count = 0
        for chunk in petition_facts(batch=batch):
            PetitionFact.objects.bulk_create([_row(f) for f in chunk], batch_size=batch)
            count += len(chunk)
        rows = [ComplaintFact(fact_id=k, complained_at=v) for k, v in complaints().items()]
        ComplaintFact.objects.bulk_create(rows, batch_size=batch)
    return count, len(rows)
