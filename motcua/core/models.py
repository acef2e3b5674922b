from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only record of a state change outside a dossier's own timeline (Zulip style)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)


class IdempotencyRecord(models.Model):
    """The first response to a request with an Idempotency-Key, replayed on retries."""

    owner = models.CharField(max_length=150)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]


class CacheEntry(models.Model):
    """The table of Django's database cache (settings.CACHES, when REDIS_URL is unset).

    The same columns as `manage.py createcachetable` makes, as a model so that every migrated
    database has it (test databases too) and flushes empty it. Only the cache backend reads and
    writes it, with its own SQL; nothing should use it through the ORM.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "motcua_cache"


class RateCount(models.Model):
    """A client's requests in the current minute, for a limit that holds across processes
    (core.ratelimit). One row per client, updated by one atomic upsert per request."""

    bucket = models.CharField(max_length=100, primary_key=True)
    minute = models.BigIntegerField()  # minutes since the epoch
    hits = models.IntegerField()
