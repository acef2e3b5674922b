"""Reads of dossiers: what the detail shows, read with the dossier or built by an action; the
one-stop unit's queues (intake, dispatch, results to return) and the counter's search of
earlier applicants, each on the policy's visible dossiers."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import router
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.text import fold
from motcua.dossiers import policy
from motcua.dossiers.models import (
    Apology,
    Channel,
    ClockPause,
    ComponentSource,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierRequest,
    Handover,
    Letter,
    ReturnMethod,
    Status,
    SupplementRequest,
)
from motcua.org.models import User

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


# --- the one-stop unit's queues (staff workspace, API) --------------------------------------


def online_intake_queue(user: User) -> QuerySet[Dossier]:
    """The dossiers that wait at `user`'s one-stop units to be received or refused (status 1:
    submitted online or by post, or back from a supplement asked before receipt), the oldest
    first. Each carries `awaiting_files`: a required component the applicant declared as
    uploaded still has no file (lifecycle.awaits_file; receipt waits for them)."""
    waiting = DossierComponent.objects.filter(
        dossier_id=OuterRef("pk"), required=True, source=ComponentSource.UPLOAD,
        is_paper=False,
    ).exclude(Exists(DossierFile.objects.filter(component_id=OuterRef("pk"))))
    return (policy.visible_dossiers(user)
            .filter(status=Status.SUBMITTED, receiving_agency_id__in=policy.intake_agencies(user))
            .select_related("procedure", "procedure_version", "receiving_agency")
            .annotate(awaiting_files=ExpressionWrapper(Q(channel=Channel.ONLINE) & Exists(waiting),
                                                       output_field=BooleanField()))
            .order_by("submitted_at", "id"))


def dispatch_queue(user: User, agency_code: str = "") -> QuerySet[Dossier]:
    """Dossiers waiting in `user`'s receiving centers for a person to route them to the
    competent agency (no agency could be found, Decree 118), the oldest first."""
    qs = policy.visible_dossiers(user).filter(
        receiving_agency_id__in=policy.dispatch_centers(user)).exclude(dispatch_reason="")
    if agency_code:
        qs = qs.filter(receiving_agency__code=agency_code)
    return qs.select_related("procedure", "procedure_version").order_by("submitted_at", "id")


def results_to_return(user: User, *, method: str = "", code: str = "") -> QuerySet[Dossier]:
    """Dossiers whose result is ready (status 9) and that `user` returns as a one-stop
    officer (lifecycle "return_result"): received at their unit, or to be collected there (the
    applicant's choice, `returns`). `method`: a ReturnMethod; `code`: the dossier code or its
    beginning. The longest ready first."""
    mine = policy.intake_agencies(user)
    qs = policy.visible_dossiers(user).filter(
        Q(receiving_agency_id__in=mine)
        | Q(return_method=ReturnMethod.UNIT, return_agency_id__in=mine),
        status=Status.RESULT_READY,
    )
    if method:
        qs = qs.filter(return_method=method)
    if code.strip():
        qs = qs.filter(code__startswith=code.strip())
    return (qs.select_related("procedure", "procedure_version", "receiving_agency",
                              "return_agency")
            .order_by(F("finished_at").asc(nulls_last=True), "id"))


IDENTIFIER = re.compile(r"^\d{10}(\d{2,3})?$")
APPLICANT_FIELDS = ("code", "submitted_at", "applicant_kind", "applicant_name",
                    "applicant_id_number", "applicant_tax_code", "applicant_phone",
                    "applicant_email", "applicant_address", "applicant_commune",
                    "representative_name", "representative_relationship",
                    "representative_id_number")


def earlier_applicants(user: User, query: str, *, limit: int = 10) -> list[Dossier]:
    """Applicants of earlier dossiers received at `user`'s one-stop units, as the counter
    finds them again: by personal ID number or tax code (whole), else by a part of the name,
    insensitive to case and diacritics (core.text.fold, as the procedure search). One dossier
    per applicant, the newest; only dossiers the policy lets `user` read."""
    text = " ".join(query.split())
    if not text:
        return []
    qs = policy.visible_dossiers(user).filter(
        receiving_agency_id__in=policy.intake_agencies(user))
    compact = text.replace(" ", "").replace("-", "")
    if IDENTIFIER.match(compact):
        qs = qs.filter(Q(applicant_id_number=compact) | Q(applicant_tax_code=compact))
    else:  # a part of the name, with or without its diacritics ("nguyen van an")
        qs = qs.filter(applicant_name_folded__contains=fold(text))
    found: dict[tuple[str, ...], Dossier] = {}
    for d in qs.only(*APPLICANT_FIELDS).order_by("-submitted_at", "-id")[:limit * 5]:
        key = (d.applicant_kind, d.applicant_id_number or d.applicant_tax_code
               or d.applicant_name.casefold())
        found.setdefault(key, d)
    return list(found.values())[:limit]
