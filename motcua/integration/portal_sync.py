"""Sync with the National Public Service Portal (DOMAIN.md §7; index 1.4): dossiers and the
procedure catalogue, through the outbox.

- Every dossier change (`DossierChanged`) writes one outbox message in its transaction:
  `create` for the dossier's first event, `update` for a change of status, `progress` for
  anything else on its timeline (a step, a supplement received, an apology). Its idempotency
  key is the timeline event's (`portal:dossier-event:<id>`), its stream the dossier: the portal
  gets a dossier's messages in the order of its timeline.
- The message's body is rendered when it is sent (`render`), a batch at a time: the dossier as
  it is then (a later message only brings the portal nearer to now), and the progress record of
  the timeline event the message is for (as it was: events are never changed).
- A fee paid online (`FeePaidOnline`, payments) writes an `update` in the payment's
  transaction, keyed by its `pay_online` timeline event: the dossier with its payment fields
  (`paid_online`, `payments`) and the progress record of the payment.
- `publish_catalogue` writes one `procedure` message per procedure in force whose published
  content changed since it was last sent (the key holds a digest of the content).
- The adapter is chosen by settings.PORTAL_SYNC_ADAPTER: `HttpPortal` posts a batch to
  PORTAL_URL (default: the sandbox's /portal). Another portal (the real one, with its signed
  envelope) is another class with the same `send`.

Fields (DOMAIN.md §7): dates as `yyyyMMddHHmmss` in Vietnam time. A component is
`digitized` when it has a file, an e-form or an electronic copy made at the counter
(records.DigitizedCopy); the dossier's `results` are its signed electronic results (number,
title, when signed, SHA-256, verification address). `vneid_verified` and
`population_data_used` (integration.DossierIdentity, index 4.5b), `paid_online` and `payments`
(each online payment that the platform confirmed: reference, transaction number, amount, paid
time, fee lines); per component whether it was taken from a national database and from which
(`from_national_store`, `national_database`). Sent as null, by name, until the work that records
it: per component `replacing_result_code`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import router
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Fee, Procedure, ProcedureVersion
from motcua.core.compiled import ID_STAND_IN, Compiled, CompiledModel
from motcua.core.events import publish
from motcua.core.formatting import iso_local
from motcua.dossiers.events import DossierChanged
from motcua.dossiers.lifecycle import action_label
from motcua.dossiers.models import (
    ComponentSource,
    Dossier,
    DossierComponent,
    DossierEvent,
    SupplementRequest,
)
from motcua.integration import http, outbox
from motcua.integration.events import DossiersSynced, FeePaidOnline
from motcua.integration.models import DossierIdentity, OutboxMessage, Payment, PortalSync
from motcua.processing.models import StepInstance
from motcua.records.models import DigitizedCopy, ResultDocument, ResultState
from motcua.records.results_pdf import verification_url
from motcua.workcalendar.rules import TZ

SYSTEM = "portal"
CREATE, UPDATE, PROGRESS, PROCEDURE = "create", "update", "progress", "procedure"
KINDS = (CREATE, UPDATE, PROGRESS, PROCEDURE)


def portal_time(value: dt.datetime | None) -> str | None:
    """`yyyyMMddHHmmss` in Vietnam time (the portal's format), None for no time."""
    return value.astimezone(TZ).strftime("%Y%m%d%H%M%S") if value is not None else None


def event_key(event_id: int) -> str:
    return f"portal:dossier-event:{event_id}"


def dossier_stream(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


# --- writing (a subscriber, in the action's transaction) -----------------------------------


def queue_dossier_change(event: DossierChanged) -> None:
    t = event.timeline
    if t.from_status is None:
        kind = CREATE
    elif t.from_status != t.to_status:
        kind = UPDATE
    else:
        kind = PROGRESS
    outbox.queue(system=SYSTEM, kind=kind, stream=dossier_stream(event.dossier.pk),
                 key=event_key(t.pk), dossier=event.dossier, event_id=t.pk, now=event.at)


def queue_payment(event: FeePaidOnline) -> None:
    """The dossier's update with its payment fields, after the `pay_online` event."""
    t = event.timeline
    outbox.queue(system=SYSTEM, kind=UPDATE, stream=dossier_stream(event.dossier.pk),
                 key=event_key(t.pk), dossier=event.dossier, event_id=t.pk, now=event.at)


def publish_catalogue(now: dt.datetime | None = None) -> int:
    """Queue the procedures in force whose content changed since last sent; returns how
    many messages were written."""
    now = now or timezone.now()
    today = now.astimezone(TZ).date()
    versions = (ProcedureVersion.objects.in_force_on(today)
                .filter(procedure__is_active=True)
                .select_related("procedure__sector").prefetch_related("components", "fees"))
    written = 0
    for v in versions:
        body = procedure_body(v)
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False)
                                .encode()).hexdigest()[:20]
        key = f"portal:procedure:{v.procedure.code}:{digest}"
        if OutboxMessage.objects.filter(key=key).exists():
            continue
        outbox.queue(system=SYSTEM, kind=PROCEDURE, stream=f"procedure:{v.procedure.code}",
                     key=key, payload=body, now=now)
        written += 1
    return written


def procedure_body(v: ProcedureVersion) -> dict[str, Any]:
    p: Procedure = v.procedure
    return {
        "procedure_code": p.code,
        "version": v.number,
        "name": v.name,
        "sector": p.sector.name if p.sector_id else "",
        "level": v.level,
        "implementing_agency": v.implementing_agency,
        "competent_agency": v.competent_agency,
        "steps": v.steps,
        "method": v.method,
        "duration": {"value": v.duration_value, "unit": v.duration_unit,
                     "text": v.duration_text},
        "online_level": v.online_level,
        "components": [{"code": c.code, "name": c.name, "form": c.form,
                        "quantity": c.quantity, "required": c.required}
                       for c in v.components.all()],
        "fees": [{"name": f.name, "amount_vnd": f.amount_vnd, "note": f.note}
                 for f in v.fees.all()],
        "results": v.results,
        "legal_basis": v.legal_basis,
        "effective_from": v.effective_from.strftime("%Y%m%d"),
        "effective_to": v.effective_to.strftime("%Y%m%d") if v.effective_to else None,
        "decision_number": v.decision_number,
    }


# --- rendering (at delivery, a batch at a time) --------------------------------------------


def render(rows: list[OutboxMessage]) -> list[dict[str, Any]]:
    """The messages as the portal gets them, in the rows' order."""
    dossier_ids = {m.dossier_id for m in rows if m.dossier_id is not None}
    dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in=dossier_ids).select_related(
        "procedure__sector", "procedure_version", "handling_agency", "receiving_agency")}
    components: dict[int, list[DossierComponent]] = defaultdict(list)
    for c in (DossierComponent.objects.filter(dossier_id__in=dossier_ids)
              .select_related("requirement").annotate(n_files=Count("files"))
              .order_by("id")):
        components[c.dossier_id].append(c)
    copied = set(DigitizedCopy.objects.filter(dossier_id__in=dossier_ids)
                 .values_list("component_id", flat=True))
    signed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in (ResultDocument.objects.filter(dossier_id__in=dossier_ids,
                                            state=ResultState.SIGNED).order_by("id")):
        signed[r.dossier_id].append(
            {"number": r.number, "title": r.title, "signed_at": portal_time(r.signed_at),
             "sha256": r.sha256, "verify_url": verification_url(r)})
    supplements: dict[int, list[SupplementRequest]] = defaultdict(list)
    for s in SupplementRequest.objects.filter(dossier_id__in=dossier_ids):
        supplements[s.dossier_id].append(s)
    fees: dict[int, list[dict[str, Any]]] = defaultdict(list)
    version_ids = {d.procedure_version_id for d in dossiers.values()}
    for f in Fee.objects.filter(version_id__in=version_ids).order_by("position"):
        fees[f.version_id].append({"name": f.name, "amount_vnd": f.amount_vnd})
    identities = {i.dossier_id: i for i in DossierIdentity.objects.filter(
        dossier_id__in=dossier_ids)}
    payments: dict[int, list[Payment]] = defaultdict(list)
    for p in Payment.objects.filter(dossier_id__in=dossier_ids,
                                    status=Payment.Status.SUCCEEDED).order_by("succeeded_at",
                                                                              "pk"):
        payments[p.dossier_id].append(p)
    events = {e.pk: e for e in DossierEvent.objects.filter(
        pk__in=[m.event_id for m in rows if m.event_id is not None]).select_related("agency")}
    steps = _steps_at(events.values())
    out = []
    with translation.override("vi"):
        for m in rows:
            body: dict[str, Any]
            if m.kind == PROCEDURE:
                body = dict(m.payload)
            else:
                d = dossiers[m.dossier_id]  # type: ignore[index]
                e = events.get(m.event_id)  # type: ignore[arg-type]
                body = {"code": d.code, "status": d.status,
                        "progress": _progress(d, e, steps.get(e.pk)) if e else None}
                if m.kind != PROGRESS:
                    body.update(_dossier(d, components[d.pk], supplements[d.pk],
                                         fees[d.procedure_version_id], copied, signed[d.pk],
                                         identities.get(d.pk), payments[d.pk]))
            out.append({"key": m.key, "kind": m.kind, "stream": m.stream,
                        "sequence": m.pk, "sent_at": portal_time(timezone.now()),
                        "body": body})
    return out


def _dossier(d: Dossier, components: list[DossierComponent],
             supplements: list[SupplementRequest], fees: list[dict[str, Any]],
             copied: set[int], results: list[dict[str, Any]],
             identity: DossierIdentity | None, payments: list[Payment]) -> dict[str, Any]:
    comps = [_component(c, c.pk in copied) for c in components]
    return {
        "code": d.code,
        "procedure_code": d.procedure.code,
        "procedure_name": d.procedure_version.name,
        "sector": d.procedure.sector.name if d.procedure.sector_id else "",
        "channel": d.channel,
        "applicant_id_number": d.applicant_id_number or d.applicant_tax_code,
        "applicant_name": d.applicant_name,
        "submitted_at": portal_time(d.submitted_at),
        "received_at": portal_time(d.received_at),
        "due_at": portal_time(d.due_at),
        "finished_at": portal_time(d.finished_at),
        "returned_at": portal_time(d.returned_at),
        "status": d.status,
        "status_name": d.get_status_display(),
        "handling_unit": {"code": d.handling_agency.code, "name": d.handling_agency.name},
        "receiving_unit": {"code": d.receiving_agency.code, "name": d.receiving_agency.name},
        "digitized": bool(comps) and all(c["digitized"] or c["reused"]
                                         or c["from_national_store"] for c in comps),
        "vneid_verified": bool(identity and identity.vneid_verified),
        "population_data_used": bool(identity and identity.population_data_used),
        "paid_online": any(p.online for p in payments),
        "payments": [
            {"reference": p.reference, "transaction_no": p.transaction_no,
             "amount_vnd": p.amount_vnd, "paid_at": portal_time(p.succeeded_at),
             "online": p.online, "fees": p.lines}
            for p in payments],
        "components": comps,
        "fees": fees,
        "supplements": [
            {"requested_at": portal_time(s.requested_at),
             "received_at": portal_time(s.fulfilled_at),
             "old_due_at": portal_time(s.old_due_at), "new_due_at": portal_time(s.new_due_at)}
            for s in supplements],
        "results": results,
    }


def _component(c: DossierComponent, copied: bool = False) -> dict[str, Any]:
    files: int = getattr(c, "n_files", 0)
    return {
        "component_code": c.requirement.code if c.requirement is not None else "",
        "name": c.name,
        "has_file": files > 0 or copied,
        "digitized": files > 0 or copied or c.source == ComponentSource.EFORM,
        "reused": c.source == ComponentSource.REUSED,
        "from_national_store": c.source == ComponentSource.NATIONAL,
        # the national database it was taken from, as the reference names it ("judicial:…")
        "national_database": c.reference.partition(":")[0] or None
        if c.source == ComponentSource.NATIONAL else None,
        "replacing_result_code": None,  # records (issue 13)
    }


def _steps_at(events: Any) -> dict[int, StepInstance]:
    """For each timeline event, the process step of its dossier open at that time (the
    latest started at or before it)."""
    events = list(events)
    if not events:
        return {}
    by_dossier: dict[int, list[StepInstance]] = defaultdict(list)
    for s in StepInstance.objects.filter(dossier_id__in={e.dossier_id for e in events}
                                         ).order_by("started_at", "id"):
        by_dossier[s.dossier_id].append(s)
    found = {}
    for e in events:
        before = [s for s in by_dossier[e.dossier_id] if s.started_at <= e.at]
        if before:
            found[e.pk] = before[-1]
    return found


def _progress(d: Dossier, e: DossierEvent, step: StepInstance | None) -> dict[str, Any]:
    return {
        "officer": e.actor_name,
        "title": step.name if step is not None else "",
        "at": portal_time(e.at),
        "unit": e.agency.name if e.agency is not None else "",
        "unit_code": e.agency.code if e.agency is not None else "",
        "action": e.action,
        "content": action_label(e.action) + (f": {e.reason}" if e.reason else ""),
        "status": e.to_status,
        "step_started_at": portal_time(step.started_at if step else None),
        "step_due_at": portal_time(step.due_at if step else None),
    }


# --- the adapter ---------------------------------------------------------------------------


class PortalAdapter(Protocol):
    def send(self, messages: list[dict[str, Any]]) -> dict[str, str]:
        """Per key: "" when the portal has the message (new or already had), else why it
        refused it. Raises NationalSystemUnavailable when the batch may be retried."""


class HttpPortal:
    """The portal over HTTP (the sandbox's receiver by default): POST {url}/messages."""

    def __init__(self) -> None:
        self.url = str(settings.PORTAL_URL or http.sandbox_url("/portal"))

    def send(self, messages: list[dict[str, Any]]) -> dict[str, str]:
        with http.client(self.url, timeout=float(settings.NATIONAL_SEND_SECONDS)) as c:
            response = http.call(SYSTEM, c, "POST", self.url + "/messages",
                                 json={"messages": messages})
        if response.status_code != 200:
            raise http.NationalSystemUnavailable(
                SYSTEM, f"answered {response.status_code}: {response.text[:200]}")
        results = response.json().get("results", {})
        return {k: ("" if r.get("status") in ("stored", "duplicate")
                    else str(r.get("reason") or r.get("status")))
                for k, r in results.items()}


def adapter() -> PortalAdapter:
    cls = import_string(settings.PORTAL_SYNC_ADAPTER)
    result: PortalAdapter = cls()
    return result


def send(rows: list[OutboxMessage]) -> dict[str, str]:
    return adapter().send(render(rows))


def on_delivered(rows: list[OutboxMessage], now: dt.datetime) -> None:
    """Each dossier of the batch is synced as of now (its status on the portal: the one sent
    with its latest message); `DossiersSynced` tells the index (1.4)."""
    ids = sorted({m.dossier_id for m in rows if m.dossier_id is not None})
    if not ids:
        return
    status = dict(Dossier.objects.filter(pk__in=ids).values_list("pk", "status"))
    PortalSync.objects.bulk_create(
        [PortalSync(dossier_id=i, created_at=now, synced_at=now, status=status.get(i))
         for i in ids],
        update_conflicts=True, unique_fields=["dossier"], update_fields=["synced_at", "status"])
    publish(DossiersSynced(dossier_ids=tuple(ids), at=now))


SYSTEM_ENTRY = outbox.System(send=send, on_delivered=on_delivered)


# --- what a dossier shows (index 1.4) ------------------------------------------------------


@dataclass(frozen=True)
class SyncState:
    state: str  # "synced" | "waiting" | "retrying" | "failed" | "not_synced"
    synced_at: dt.datetime | None
    created_at: dt.datetime | None
    waiting: int  # messages not yet delivered
    next_attempt_at: dt.datetime | None
    last_error: str

    @property
    def label(self) -> str:
        return str(dict(STATE_LABELS)[self.state])

    def as_json(self) -> dict[str, Any]:
        return {"state": self.state, "label": self.label,
                "synced_at": iso_local(self.synced_at), "created_at": iso_local(self.created_at),
                "waiting": self.waiting, "next_attempt_at": iso_local(self.next_attempt_at)}


STATE_LABELS: tuple[tuple[str, Any], ...] = (
    ("synced", _("Synced with the National Public Service Portal")),
    ("waiting", _("Waiting to be synced")),
    ("retrying", _("The portal is not answering: retrying")),
    ("failed", _("Sync failed: an administrator must retry it")),
    ("not_synced", _("Not synced yet")),
)


def _undelivered(dossier_id: int) -> QuerySet[OutboxMessage]:
    return (OutboxMessage.objects.filter(dossier_id=dossier_id, system=SYSTEM)
            .exclude(status=OutboxMessage.Status.DELIVERED))


# Read on every dossier page and detail: compiled once per process (core.compiled).
_SYNC = CompiledModel(lambda pk: PortalSync.objects.filter(dossier_id=pk), ID_STAND_IN)
_UNDELIVERED = Compiled(lambda pk: _undelivered(pk).values("dossier_id").annotate(
    n=Count("id"), dead=Count("id", filter=Q(status=OutboxMessage.Status.DEAD)),
    failing=Count("id", filter=Q(attempts__gt=0)), next_at=Min("next_attempt_at"),
).values_list("n", "dead", "failing", "next_at"), ID_STAND_IN)


def state_of(dossier: Dossier) -> SyncState:
    using = router.db_for_read(OutboxMessage)
    sync = _SYNC.first(dossier.pk, using)
    found = _UNDELIVERED.rows(dossier.pk, using)
    n, dead, failing, next_at = found[0] if found else (0, 0, 0, None)
    error = ""
    if failing:
        error = (_undelivered(dossier.pk).filter(attempts__gt=0).order_by("id")
                 .values_list("last_error", flat=True).first() or "")
    if dead:
        state = "failed"
    elif failing:
        state = "retrying"
    elif n:
        state = "waiting"
    elif sync is not None:
        state = "synced"
    else:
        state = "not_synced"
    return SyncState(state, sync.synced_at if sync else None,
                     sync.created_at if sync else None, n,
                     next_at if n else None, error)


def detail_section(dossier: Dossier) -> dict[str, Any]:
    """The dossier detail's `portal_sync` (dossiers.serializers.DETAIL_SECTIONS)."""
    return state_of(dossier).as_json()
