"""Idempotency-Key handling: a retried request replays the first response, never acts twice."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from motcua.core.errors import DomainError, InvalidInput
from motcua.core.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
T = TypeVar("T")


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


def run_first(owner: str, key: str, work: Callable[[], T]) -> tuple[bool, T | None]:
    """Run `work` at most once per (owner, key): a web form's one-time key, so that a double
    submit acts once. The key is taken in work's transaction: a second submit waits for the
    first to end, then finds its key taken and gets (False, None). A DomainError from `work`
    frees the key (the corrected form is sent again with it) and is raised after the commit of
    what the refusal recorded (the policy's audit). `work` writes nothing half when it raises
    (the domain actions run in their own transaction)."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(_("The form is incomplete: send it again from the page."),
                           code="form_key")
    refused: DomainError | None = None
    with transaction.atomic():
        try:
            with transaction.atomic():
                taken = IdempotencyRecord.objects.create(
                    owner=owner, key=key, request_hash="", status_code=0, response_body={})
        except IntegrityError:
            return False, None
        try:
            result = work()
        except DomainError as exc:
            taken.delete()
            refused = exc
    if refused is not None:
        raise refused
    return True, result
