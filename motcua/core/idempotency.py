"""Idempotency-Key handling: a retried request replays the first response, never acts twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


class IdempotencyMismatch(DomainError):
    status_code = 422
    code = "idempotency_key_reused"


def request_hash(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def run_once(
    owner: str, key: str | None, payload: Any, create: Callable[[], tuple[int, dict]]
) -> Response:
    """Run `create` (which returns status and body) at most once per (owner, key)."""
    if not key:
        status_code, body = create()
        return Response(body, status=status_code)
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(_("The Idempotency-Key header is malformed."), code="idempotency_key")
    digest = request_hash(payload)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                owner=owner, key=key, request_hash=digest, status_code=0, response_body={}
            )
            status_code, body = create()
            record.status_code, record.response_body = status_code, body
            record.save(update_fields=["status_code", "response_body"])
            return Response(body, status=status_code)
    except IntegrityError:
        # Another request with this key committed first (or is the original): replay it.
        record = IdempotencyRecord.objects.get(owner=owner, key=key)
    if record.request_hash != digest:
        raise IdempotencyMismatch(
            _("This Idempotency-Key was already used with a different request.")
        )
    return Response(record.response_body, status=record.status_code,
                    headers={"Idempotent-Replayed": "true"})
