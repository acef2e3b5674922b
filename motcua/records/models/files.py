"""Stored files, content-addressed (records.files): one row per distinct content."""

from __future__ import annotations

from django.db import models


class Blob(models.Model):
    """A file's content, stored once under its SHA-256 (`blobs/ab/cd/<sha256>`) through the
    default storage (local disk, or S3-compatible storage by setting). The file is written
    before the row is committed, so a rolled-back transaction leaves at most an orphan file,
    which housekeeping sweeps (records.files.sweep_orphans); never a row without its file."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256

    @property
    def name(self) -> str:
        """Its name in the storage."""
        return blob_name(self.sha256)


def blob_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"
