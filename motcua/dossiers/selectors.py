"""Reads of dossiers: what the detail shows, read with the dossier or built by an action."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import router
from django.db.models import Model, Prefetch, QuerySet

from motcua.core.compiled import ID_STAND_IN, CompiledModel
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

DETAIL_RELATED = ("procedure", "procedure_version", "receiving_agency", "handling_agency",
                  "applicant_commune", "return_agency")


def detail_queryset(qs: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    """`qs` (all dossiers by default) with what the detail shows, read with it: the ORM's
    way, kept for the printed slips and as the reference of the compiled read below."""
    return (Dossier.objects.all() if qs is None else qs).select_related(
        *DETAIL_RELATED
    ).prefetch_related(
        Prefetch("components", DossierComponent.objects.prefetch_related("files")),
        "events", "pauses", "supplements", "apology_slips",
        "handovers__from_agency", "handovers__to_agency",
    )


# The detail is the API's most read answer (GET, every action): its reads are compiled once
# per process (core.compiled). Through the ORM, compiling them cost more than half of the
# request's CPU (bench/intake.py, docs/benchmarks.md).
_DETAIL_BY_CODE = CompiledModel(lambda code: Dossier.objects.filter(code=code),
                                stand_in="-stand-in-770077-", related=DETAIL_RELATED)


def _of_dossier(model: type[Model], related: tuple[str, ...] = ()) -> CompiledModel[Any]:
    """The rows of `model` that belong to a dossier, in the model's own order."""
    return CompiledModel(lambda pk: model._default_manager.filter(dossier_id=pk),
                         stand_in=ID_STAND_IN, related=related)


_COMPONENTS = _of_dossier(DossierComponent)
_FILES = CompiledModel(
    lambda pk: DossierFile.objects.filter(component__dossier_id=pk).order_by("id"),
    stand_in=ID_STAND_IN)
_EVENTS = _of_dossier(DossierEvent)
_PAUSES = _of_dossier(ClockPause)
_SUPPLEMENTS = _of_dossier(SupplementRequest)
_APOLOGIES = _of_dossier(Apology)
_HANDOVERS = _of_dossier(Handover, ("from_agency", "to_agency"))
_REQUESTS = _of_dossier(DossierRequest)
_LETTERS = _of_dossier(Letter, ("agency",))


def detail_by_code(code: str) -> Dossier | None:
    """The dossier with `code`, with what the detail shows of its own relations (procedure,
    agencies, commune); DetailRelations.read gives the rest."""
    return _DETAIL_BY_CODE.first(code, router.db_for_read(Dossier))


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
    def read(cls, d: Dossier) -> DetailRelations:
        """The rows of dossier `d`. Requests and letters are rare: they are read only when
        the dossier's own rows say there are some (a request event on the timeline; an
        apology or a stop, the only actions that issue a letter), which saves two
        statements on almost every detail (bench/intake.py)."""
        using = router.db_for_read(Dossier)
        events = _EVENTS.all(d.pk, using)
        asked = any(e.action in REQUEST_ACTIONS for e in events)
        lettered = d.apologies > 0 or d.status == Status.STOPPED
        components = _COMPONENTS.all(d.pk, using)
        files: dict[int | None, list[DossierFile]] = defaultdict(list)
        if components:
            for f in _FILES.all(d.pk, using):
                files[f.component_id].append(f)
        return cls(
            components=[(c, files[c.pk]) for c in components],
            events=events, pauses=_PAUSES.all(d.pk, using),
            supplements=_SUPPLEMENTS.all(d.pk, using), apologies=_APOLOGIES.all(d.pk, using),
            handovers=_HANDOVERS.all(d.pk, using),
            requests=_REQUESTS.all(d.pk, using) if asked else [],
            letters=_LETTERS.all(d.pk, using) if lettered else [],
        )

    def open_handover_agencies(self) -> list[int]:
        return [h.to_agency_id for h in self.handovers if h.returned_at is None]
