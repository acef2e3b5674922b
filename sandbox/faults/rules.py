"""Which fault applies to a request (read by the middleware and by systems that call back)."""

from __future__ import annotations

import time

from django.db import transaction
from django.db.models import F

from sandbox.faults.models import FaultRule


def take(path: str, kinds: tuple[str, ...]) -> FaultRule | None:
    """The newest active rule of one of `kinds` whose prefix matches `path`, counted as used."""
    with transaction.atomic():
        for rule in FaultRule.objects.filter(kind__in=kinds).order_by("-pk"):
            if not path.startswith(rule.path_prefix):
                continue
            if rule.remaining is not None:
                if rule.remaining == 0:
                    continue
                updated = FaultRule.objects.filter(pk=rule.pk, remaining__gt=0).update(
                    remaining=F("remaining") - 1, hits=F("hits") + 1)
                if not updated:
                    continue
            else:
                FaultRule.objects.filter(pk=rule.pk).update(hits=F("hits") + 1)
            return rule
    return None


def any_rules() -> bool:
    return FaultRule.objects.exists()


def wait(rule: FaultRule) -> None:
    """Sleeps the rule's `seconds`, or less when the rule is removed meanwhile (DELETE
    /_faults/ at the end of a test frees the server's thread instead of holding it)."""
    deadline = time.monotonic() + rule.seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, 0.25))
        if not FaultRule.objects.filter(pk=rule.pk).exists():
            return
