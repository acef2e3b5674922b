"""The portal's receiver (DOMAIN.md §7), and what tests read back.

    POST /portal/messages   {"messages": [{"key", "kind", "stream", "sequence", "body"}, ...]}
        → 200 {"results": {key: {"status": "stored" | "duplicate" | "rejected", "reason"}}}
        A key already received is not stored again ("duplicate"): the sender may retry a batch
        whose answer it lost. A malformed message is "rejected" with its reason; the others of
        the batch are stored. A malformed request: 400.
    Read back (tests, and a person trying the demo), outside /portal/messages so that a fault
    rule on the receiver leaves them alone:
    GET  /portal/received?dossier=CODE&stream=S&kind=K&after=ID&limit=N   in order received
    GET  /portal/dossiers/CODE   the dossier as last created/updated, and its progress records
    GET  /portal/stats           messages stored, and duplicates refused
    DELETE /portal/received      forget everything (tests)
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.portal.models import ReceivedMessage

KINDS = {"create", "update", "progress", "procedure"}
PORTAL_TIME = re.compile(r"^\d{14}$")
DOSSIER_TIMES = ("submitted_at", "received_at", "due_at", "finished_at", "returned_at")
DOSSIER_FIELDS = ("code", "procedure_code", "procedure_name", "channel", "applicant_name",
                  "submitted_at", "status", "handling_unit", "components")
MAX_BATCH = 1000


def _problem(message: dict[str, Any]) -> str:
    """Why the portal refuses one message ("" when it takes it)."""
    kind, body = message.get("kind"), message.get("body")
    if kind not in KINDS:
        return f"unknown kind {kind!r}"
    if not isinstance(body, dict):
        return "body must be an object"
    if kind == "procedure":
        return "" if body.get("procedure_code") else "procedure_code missing"
    if not body.get("code"):
        return "code missing"
    if kind in ("create", "update"):
        missing = [f for f in DOSSIER_FIELDS if f not in body]
        if missing:
            return f"missing fields: {', '.join(missing)}"
        for f in DOSSIER_TIMES:
            if body.get(f) is not None and not PORTAL_TIME.match(str(body[f])):
                return f"{f} is not yyyyMMddHHmmss"
    progress = body.get("progress")
    if progress is not None and not PORTAL_TIME.match(str(progress.get("at", ""))):
        return "progress.at is not yyyyMMddHHmmss"
    return ""


@csrf_exempt
def received(request: HttpRequest) -> JsonResponse:
    if request.method == "DELETE":
        ReceivedMessage.objects.all().delete()
        return JsonResponse({"messages": []})
    return _list(request)


@csrf_exempt
def messages(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"error": "method not allowed"}, status=405)
    try:
        batch = json.loads(request.body)["messages"]
        if not isinstance(batch, list) or len(batch) > MAX_BATCH:
            raise ValueError(f"messages must be a list of at most {MAX_BATCH}")
        keys = [str(m["key"]) for m in batch]
    except (ValueError, KeyError, TypeError) as error:
        return JsonResponse({"error": f"bad request: {error}"}, status=400)
    results: dict[str, dict[str, str]] = {}
    with transaction.atomic():
        known = set(ReceivedMessage.objects.filter(key__in=keys).values_list("key", flat=True))
        new = []
        for m in batch:
            key = str(m["key"])
            if key in known:
                results[key] = {"status": "duplicate"}
                continue
            problem = _problem(m)
            if problem:
                results[key] = {"status": "rejected", "reason": problem}
                continue
            known.add(key)
            body = m["body"]
            new.append(ReceivedMessage(
                key=key, kind=m["kind"], stream=str(m.get("stream", "")),
                dossier_code=body.get("code", "") if m["kind"] != "procedure" else "",
                sequence=m.get("sequence"), body=body))
            results[key] = {"status": "stored"}
        ReceivedMessage.objects.bulk_create(new)
        dupes = [k for k, r in results.items() if r["status"] == "duplicate"]
        if dupes:
            ReceivedMessage.objects.filter(key__in=dupes).update(
                times_received=F("times_received") + 1)
    return JsonResponse({"results": results})


def _as_json(m: ReceivedMessage) -> dict[str, Any]:
    return {"id": m.pk, "key": m.key, "kind": m.kind, "stream": m.stream,
            "sequence": m.sequence, "times_received": m.times_received, "body": m.body,
            "received_at": m.received_at.isoformat()}


def _list(request: HttpRequest) -> JsonResponse:
    rows = ReceivedMessage.objects.order_by("id")
    if code := request.GET.get("dossier"):
        rows = rows.filter(dossier_code=code)
    if stream := request.GET.get("stream"):
        rows = rows.filter(stream=stream)
    if kind := request.GET.get("kind"):
        rows = rows.filter(kind=kind)
    try:
        if after := request.GET.get("after"):
            rows = rows.filter(id__gt=int(after))
        limit = min(int(request.GET.get("limit", "1000")), 10_000)
    except ValueError:
        return JsonResponse({"error": "after and limit are numbers"}, status=400)
    return JsonResponse({"messages": [_as_json(m) for m in rows[:limit]]})


def dossier(request: HttpRequest, code: str) -> JsonResponse:
    rows = list(ReceivedMessage.objects.filter(dossier_code=code).order_by("id"))
    if not rows:
        return JsonResponse({"error": "no such dossier on the portal"}, status=404)
    state = next((m.body for m in reversed(rows) if m.kind in ("create", "update")), {})
    return JsonResponse({"dossier": state, "status": rows[-1].body.get("status"),
                         "progress": [m.body["progress"] for m in rows
                                      if m.body.get("progress")]})


def stats(request: HttpRequest) -> JsonResponse:
    total = ReceivedMessage.objects.count()
    received = ReceivedMessage.objects.aggregate(n=Sum("times_received"))["n"] or 0
    return JsonResponse({"messages": total, "duplicates_refused": received - total})
