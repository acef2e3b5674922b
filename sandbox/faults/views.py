"""Test controls: `POST /_faults/` adds a rule, `GET` lists them, `DELETE` removes them all.

    POST /_faults/  {"path": "/portal/", "kind": "error", "status": 503, "times": 3}
    POST /_faults/  {"path": "/population/", "kind": "latency", "seconds": 2.5}
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sandbox.faults.models import Fault, FaultRule


def _as_json(rule: FaultRule) -> dict[str, object]:
    return {"id": rule.pk, "path": rule.path_prefix, "kind": rule.kind, "seconds": rule.seconds,
            "status": rule.status, "remaining": rule.remaining, "hits": rule.hits}


@csrf_exempt
def faults(request: HttpRequest) -> JsonResponse:
    if request.method == "DELETE":
        FaultRule.objects.all().delete()
        return JsonResponse({"faults": []})
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
            kind = Fault(body["kind"])
            path = str(body["path"])
            if not path.startswith("/"):
                raise ValueError("path must start with /")
            times = body.get("times")
            rule = FaultRule.objects.create(
                path_prefix=path, kind=kind, seconds=float(body.get("seconds", 0)),
                status=int(body.get("status", 503)),
                remaining=None if times is None else int(times))
        except (KeyError, ValueError, TypeError) as error:
            return JsonResponse({"error": f"bad fault rule: {error}",
                                 "kinds": [k.value for k in Fault]}, status=400)
        return JsonResponse(_as_json(rule), status=201)
    return JsonResponse({"faults": [_as_json(r) for r in FaultRule.objects.order_by("pk")]})
