"""What the portal received: one row per idempotency key, however often it was sent."""

from django.db import models


class ReceivedMessage(models.Model):
    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20)  # create | update | progress | procedure
    stream = models.CharField(max_length=80)
    dossier_code = models.CharField(max_length=48, blank=True, db_index=True)
    sequence = models.BigIntegerField(null=True)  # the sender's order within the stream
    body = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    times_received = models.PositiveIntegerField(default=1)  # > 1: duplicates were refused

    class Meta:
        indexes = [models.Index(fields=["stream", "id"])]
