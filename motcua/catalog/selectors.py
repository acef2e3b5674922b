"""Reads of the catalogue. Query counts do not grow with the number of procedures."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import fees
from motcua.catalog.models import CODE_RE, Level, Procedure, ProcedureVersion, Sector
from motcua.core.errors import NotFound


def in_force_on(day: dt.date) -> Q:
    """Versions in force on `day` (the rule of Procedure.version_on)."""
    return Q(effective_from__lte=day) & (Q(effective_to__isnull=True) | Q(effective_to__gt=day))


def procedure_list(
    *,
    q: str = "",
    sector: int | None = None,
    level: str = "",
    online_level: str = "",
    agency_kind: str = "",
    on: dt.date | None = None,
) -> QuerySet[Procedure]:
    """Active procedures matching the filters. Each carries `current` (its version in force on
    `on`, default today, or None) with fees prefetched: four queries for any page size.
    `online_level` and `agency_kind` (the kind of agency that handles the dossiers, an
    Agency.Kind) filter on the version in force."""
    day = on or timezone.localdate()
    qs = Procedure.objects.filter(is_active=True).select_related("sector")
    if q.strip():
        qs = qs.search(q)
    if sector is not None:
        qs = qs.filter(sector_id=sector)
    if level:
        # a procedure performed at both levels is also a commune (and a province) procedure
        qs = qs.filter(level__in=[level, Level.BOTH] if level != Level.BOTH else [Level.BOTH])
    version_filters = {
        key: value for key, value in (("online_level", online_level),
                                      ("handling_agency_kind", agency_kind)) if value
    }
    if version_filters:
        qs = qs.filter(
            pk__in=ProcedureVersion.objects.filter(in_force_on(day), **version_filters)
            .values("procedure_id")
        )
    return qs.prefetch_related(
        Prefetch(
            "versions",
            queryset=ProcedureVersion.objects.filter(in_force_on(day))
            .order_by("-effective_from")
            .prefetch_related("fees"),
            to_attr="in_force",
        )
    ).order_by(F("code").asc(nulls_last=True), "name")


def current(procedure: Procedure) -> ProcedureVersion | None:
    versions = getattr(procedure, "in_force", None)
    return versions[0] if versions else None


def fee_total(version: ProcedureVersion | None, channel: int | None = None) -> int | None:
    """What a dossier filed on `channel` is charged (catalog.fees), when every amount is
    known; without a channel, the total when it is the same on every channel. None
    otherwise."""
    if version is None:
        return None
    if channel is None:
        return fees.totals(version).single
    return fees.total(fees.charged(version.fees.all(), channel))


def find_procedure(ref: str) -> Procedure:
    """By national code (e.g. 1.001193) or, for a procedure whose code is not confirmed, by
    its numeric id."""
    qs = Procedure.objects.select_related("sector")
    procedure = None
    if CODE_RE.match(ref):
        procedure = qs.filter(code=ref).first()
    elif ref.isdigit() and len(ref) < 19:
        procedure = qs.filter(pk=int(ref)).first()
    if procedure is None:
        raise NotFound(_("No procedure with code %(code)s.") % {"code": ref})
    return procedure


def procedure_detail(ref: str, on: dt.date | None = None) -> tuple[Procedure, ProcedureVersion]:
    """The procedure and its version in force on `on` (default today), with components, fees
    and the list of versions prefetched."""
    day = on or timezone.localdate()
    procedure = find_procedure(ref)
    version = (
        procedure.versions.filter(in_force_on(day))
        .order_by("-effective_from")
        .prefetch_related("components", "fees")
        .first()
    )
    if version is None:
        raise NotFound(
            _("No version of procedure %(code)s is in force on %(day)s.")
            % {"code": ref, "day": day.isoformat()},
            code="no_version_in_force",
        )
    procedure.all_versions = list(  # type: ignore[attr-defined]  # not a field: for the API
        procedure.versions.order_by("number").only(
            "id", "procedure_id", "number", "effective_from", "effective_to"
        )
    )
    return procedure, version


def agency_kinds(on: dt.date | None = None) -> list[str]:
    """The kinds of agency (Agency.Kind values) that handle the active procedures in force on
    `on` (default today), for a filter: one query."""
    day = on or timezone.localdate()
    return sorted(
        ProcedureVersion.objects.filter(in_force_on(day), procedure__is_active=True)
        .exclude(handling_agency_kind="")
        .order_by().values_list("handling_agency_kind", flat=True).distinct()
    )


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__is_active=True))
    ).order_by("name")
