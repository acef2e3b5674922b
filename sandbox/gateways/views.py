"""The sandbox SMS gateway and citizen-app message service.

    POST /gateways/sms   {"id": …, "to": "0912345678", "text": …}
    POST /gateways/app   {"id": …, "to": "<12-digit ID>", "title": …, "text": …}
    GET  /gateways/messages/?channel=sms&to=…   what they received (tests read it back)
    DELETE /gateways/messages/                 forget them (a test starts from none)

A message is stored once per channel and id (a re-send counts in `received`); a malformed one
is refused with 400 and the reason, as a real gateway refuses a bad number.
"""

from __future__ import annotations

import json
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.gateways.models import Message

PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
NATIONAL_ID = re.compile(r"^\d{12}$")


def _receive(request: HttpRequest, channel: str) -> JsonResponse:
    try:
        body = json.loads(request.body)
        if not isinstance(body, dict):
            raise ValueError("an object is expected")
        message_id, to, text = str(body["id"]), str(body["to"]), str(body["text"])
        title = str(body.get("title", ""))
    except (ValueError, KeyError, TypeError) as error:
        return JsonResponse({"error": f"malformed message: {error}"}, status=400)
    pattern = PHONE if channel == Message.SMS else NATIONAL_ID
    if not pattern.match(to):
        return JsonResponse({"error": f"not a valid recipient: {to!r}"}, status=400)
    if not text.strip() or not message_id.strip():
        return JsonResponse({"error": "empty message"}, status=400)
    try:
        with transaction.atomic():
            message = Message.objects.create(channel=channel, message_id=message_id, to=to,
                                             title=title[:300], text=text)
    except IntegrityError:
        Message.objects.filter(channel=channel, message_id=message_id).update(
            received=F("received") + 1)
        message = Message.objects.get(channel=channel, message_id=message_id)
    return JsonResponse({"status": "accepted", "id": message.pk}, status=202)


@csrf_exempt
@require_http_methods(["POST"])
def sms(request: HttpRequest) -> JsonResponse:
    return _receive(request, Message.SMS)


@csrf_exempt
@require_http_methods(["POST"])
def app(request: HttpRequest) -> JsonResponse:
    return _receive(request, Message.APP)


@csrf_exempt
@require_http_methods(["GET", "DELETE"])
def messages(request: HttpRequest) -> JsonResponse:
    if request.method == "DELETE":
        Message.objects.all().delete()
        return JsonResponse({"messages": []})
    rows = Message.objects.order_by("pk")
    for field in ("channel", "to"):
        if request.GET.get(field):
            rows = rows.filter(**{field: request.GET[field]})
    return JsonResponse({"messages": [
        {"channel": m.channel, "id": m.message_id, "to": m.to, "title": m.title, "text": m.text,
         "received": m.received} for m in rows]})
