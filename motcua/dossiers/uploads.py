"""Checks on uploaded files: size, real content type (sniffed, not trusted), safe names."""

from __future__ import annotations

import hashlib
import os
import unicodedata

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

ALLOWED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
}


class UploadRejected(InvalidInput):
    code = "upload_rejected"


def safe_name(name: str) -> str:
    name = unicodedata.normalize("NFC", os.path.basename(name.replace("\\", "/")))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"/\\|?*')
    return name.strip(" .")[:200] or "file"


def check_upload(upload: UploadedFile) -> tuple[str, str, str]:
    """(safe name, content type, sha256) or UploadRejected with the reason."""
    if upload.size is None or upload.size == 0:
        raise UploadRejected(_("The file is empty."))
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.MAX_UPLOAD_BYTES // 2**20}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    name = safe_name(upload.name or "file")
    extension = os.path.splitext(name)[1].lower()
    if kind is None or kind.mime not in ALLOWED:
        raise UploadRejected(_("Only PDF, JPEG, PNG, DOCX and XLSX files are accepted."))
    if extension not in ALLOWED[kind.mime]:
        raise UploadRejected(_("The file's name does not match its content."))
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return name, kind.mime, digest.hexdigest()
