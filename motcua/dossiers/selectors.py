"""Reads of dossiers: what the detail shows, read with the dossier or built by an action."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from motcua.dossiers.models import (
    Apology,
    ClockPause,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierRequest,
    Handover,
    Letter,
    Status,
    SupplementRequest,
)


def detail_queryset(qs: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """`qs` (all dossiers by default) with what the detail shows, read with it."""
    return (Dossier.objects.all() if qs is None else qs).select_related(
        "procedure", "procedure_version", "receiving_agency", "handling_agency",
        "applicant_commune", "return_agency",
    ).prefetch_related(
        Prefetch("components", DossierComponent.objects.prefetch_related("files")),
        "events", "pauses", "supplements", "apology_slips",
        "handovers__from_agency", "handovers__to_agency",
    )


REQUEST_ACTIONS = frozenset({"request_withdrawal", "request_stop"})


@dataclass
class DetailRelations:
    """The rows the detail shows beside the dossier's own fields: a read model, filled from a
    dossier read through `detail_queryset` (`of`) or by the action that made them."""

    components: list[tuple[DossierComponent, list[DossierFile]]] = field(default_factory=list)
    events: list[DossierEvent] = field(default_factory=list)
    pauses: list[ClockPause] = field(default_factory=list)
    supplements: list[SupplementRequest] = field(default_factory=list)
    apologies: list[Apology] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    requests: list[DossierRequest] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)

    @classmethod
    def of(cls, d: Dossier) -> DetailRelations:
        """From a dossier read through `detail_queryset`. Requests and letters are rare: they
        are read only when the dossier's own rows say there are some (a request event on the
        timeline; an apology or a stop, the only actions that issue a letter), which saves
        two statements on almost every detail (bench/intake.py)."""
        events = list(d.events.all())
        asked = any(e.action in REQUEST_ACTIONS for e in events)
        lettered = d.apologies > 0 or d.status == Status.STOPPED
        return cls(
            components=[(c, list(c.files.all())) for c in d.components.all()],
            events=events, pauses=list(d.pauses.all()),
            supplements=list(d.supplements.all()), apologies=list(d.apology_slips.all()),
            handovers=list(d.handovers.all()),
            requests=list(d.requests.all()) if asked else [],
            letters=list(d.letters.select_related("agency")) if lettered else [],
        )

    def open_handover_agencies(self) -> list[int]:
        return [h.to_agency_id for h in self.handovers if h.returned_at is None]
