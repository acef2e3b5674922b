"""Fault rules: what the sandbox does wrong, per endpoint, while a test (or a person trying the
demo) wants it to. Kept in the sandbox's database so that every gunicorn worker obeys them."""

from django.db import models


class Fault(models.TextChoices):
    LATENCY = "latency", "wait `seconds`, then answer normally"
    ERROR = "error", "answer `status` (default 503) without doing anything"
    TIMEOUT = "timeout", "wait `seconds` (longer than the caller waits), then answer 504"
    DROP = "drop", "do the work, then lose the answer (502): the caller retries a done request"
    DUPLICATE = "duplicate", "send outgoing callbacks twice (read by the systems that call back)"


class FaultRule(models.Model):
    path_prefix = models.CharField(max_length=200)  # e.g. "/portal/" or "/population/people/"
    kind = models.CharField(max_length=20, choices=Fault.choices)
    seconds = models.FloatField(default=0)
    status = models.PositiveSmallIntegerField(default=503)
    remaining = models.PositiveIntegerField(null=True, blank=True)  # None: until removed
    hits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on {self.path_prefix}"
