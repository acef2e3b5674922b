"""What the national data store received: one document per idempotency key, however often it
was sent, in its owner's store (personal ID number or tax code)."""

from django.db import models


class StoredDocument(models.Model):
    key = models.CharField(max_length=120, unique=True)
    owner_key = models.CharField(max_length=14, db_index=True)
    owner_name = models.CharField(max_length=255)
    document_type = models.CharField(max_length=40)
    title = models.CharField(max_length=500)
    number = models.CharField(max_length=100, blank=True)
    issuer = models.CharField(max_length=255)
    issuer_code = models.CharField(max_length=32)
    issued_on = models.CharField(max_length=8)  # yyyyMMdd
    valid_until = models.CharField(max_length=8, blank=True)
    dossier_code = models.CharField(max_length=48, blank=True)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    content = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)
    times_received = models.PositiveIntegerField(default=1)  # > 1: duplicates were refused
