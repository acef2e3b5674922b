"""What went between a dossier and the national personal data store (records.DataStoreLink;
the index's 4.4): the components taken from it, recorded when the dossier is submitted
(reuse.record), and the results it took, recorded when the outbox delivered them (the
integration app's national_store calls `sent_to_national_store`). Both publish
`NationalStoreUsed` for the index's 4.4, which reads `used_national_store` when it first counts
a dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from motcua.core.events import publish
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.records.events import NationalStoreUsed
from motcua.records.models import DataStoreLink, ResultDocument

Direction = DataStoreLink.Direction


def sent_to_national_store(delivered: Iterable[ResultDocument], now: dt.datetime) -> int:
    """Record the results the national store took (once each, whatever the retries)."""
    rows = [DataStoreLink(dossier_id=r.dossier_id, direction=Direction.TO, result=r, at=now)
            for r in delivered]
    DataStoreLink.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        publish(NationalStoreUsed(tuple(sorted({r.dossier_id for r in rows})), now))
    return len(rows)


def taken_from_national_store(d: Dossier, components: list[DossierComponent],
                              now: dt.datetime) -> None:
    """Record the dossier's components taken from a national database instead of an upload
    (ComponentSource.NATIONAL, as the portal sync's `from_national_store`)."""
    if components:
        DataStoreLink.objects.bulk_create(
            [DataStoreLink(dossier=d, direction=Direction.FROM, component=c, at=now)
             for c in components], ignore_conflicts=True)
        publish(NationalStoreUsed((d.pk,), now))


def used_national_store(dossier_ids: Iterable[int]) -> set[int]:
    """Those of the dossiers with a component from, or a result sent to, the national
    personal data store (the index's 4.4)."""
    return set(DataStoreLink.objects.filter(dossier_id__in=list(dossier_ids))
               .values_list("dossier_id", flat=True).distinct())


def sent(result: ResultDocument) -> DataStoreLink | None:
    return DataStoreLink.objects.filter(result=result, direction=Direction.TO).first()
