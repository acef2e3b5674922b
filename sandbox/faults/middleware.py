"""Applies the fault rules to every request outside /_faults/ and /healthz."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.faults import rules
from sandbox.faults.models import Fault

BEFORE = (Fault.LATENCY, Fault.ERROR, Fault.TIMEOUT)


def inject_faults(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[
        [HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(("/_faults/", "/healthz", "/static/")) or not rules.any_rules():
            return get_response(request)
        rule = rules.take(path, BEFORE)
        if rule is not None:
            if rule.kind == Fault.ERROR:
                return JsonResponse({"error": "injected fault", "status": rule.status},
                                    status=rule.status)
            rules.wait(rule)
            if rule.kind == Fault.TIMEOUT:
                return JsonResponse({"error": "injected timeout"}, status=504)
        response = get_response(request)
        if rules.take(path, (Fault.DROP,)) is not None:
            return JsonResponse({"error": "injected dropped response"}, status=502)
        return response

    return middleware
