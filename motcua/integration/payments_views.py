"""The payment platform's confirm callback (server to server): POST a JSON object, signed.

Answers `{"code": "00"}` when the callback was acted on, and `{"code": "97", "message": …}`
with 400 when it was refused (forged, replayed, stale, unknown, with another amount); every
callback is in the callback log either way.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.integration import payments_actions

MAX_BYTES = 16 * 1024


@csrf_exempt  # not a browser's form: authenticated by the message's own signature
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    remote = request.META.get("REMOTE_ADDR") or None
    if len(request.body) > MAX_BYTES:
        payments_actions.confirm({"body": "too large"}, remote_addr=remote)
        return JsonResponse({"code": "01", "message": "message too large"}, status=413)
    try:
        payload = json.loads(request.body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        payments_actions.confirm({"body": request.body[:500].decode(errors="replace")},
                                 remote_addr=remote)
        return JsonResponse({"code": "01", "message": "a JSON object is expected"}, status=400)
    result = payments_actions.confirm(payload, remote_addr=remote)
    if not result.accepted:
        return JsonResponse({"code": "97", "message": f"refused: {result.reason}"}, status=400)
    return JsonResponse({"code": "00", "message": "OK"})
