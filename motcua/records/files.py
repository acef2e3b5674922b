"""Files through Django's storage API, content-addressed (models.Blob).

- Stored by `settings.STORAGES["default"]`: local disk by default, S3-compatible object storage
  when RECORDS_S3_BUCKET is set (django-storages; settings.py).
- De-duplicated: a content is stored once, under `blobs/ab/cd/<sha256>`; storing it again
  writes nothing.
- Never lost when a transaction rolls back: `put` writes the file first, then the caller's
  transaction commits the row. A rollback leaves a file without a row, which `sweep_orphans`
  deletes once it is older than RECORDS_ORPHAN_GRACE_HOURS (housekeeping, registered in
  RecordsConfig.ready). An old orphan reused by a new row is the one race: the sweep asks for
  the row again right before deleting, and `put` writes the file again at commit if it went.
- The same for the files uploaded to dossiers (dossiers.DossierFile, under
  `dossiers/<yyyy>/<mm>/<dossier id>/`, written by the attach_file action before its row):
  `sweep_orphan_uploads` deletes those no row names once older than the grace period (an
  upload whose action, or the submission around it, rolled back; a deleted dossier's files).
- Served only through `response`, by views that asked the policy first (records.store,
  records.digitization).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse

from motcua.dossiers.models import DossierFile
from motcua.records.models.files import Blob, blob_name

ROOT = "blobs"


def digest_of(content: File) -> str:
    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


def write(content: File, sha256: str) -> str:
    """Write `content` under its hash unless it is there already (outside any transaction's
    reach: files are not rolled back). Returns its name in the storage."""
    name = blob_name(sha256)
    if default_storage.exists(name):
        return name
    content.seek(0)
    saved = default_storage.save(name, content)
    if saved != name:  # written meanwhile by another request: the same bytes, keep one
        default_storage.delete(saved)
    return name


def put(content: File, *, content_type: str, sha256: str = "") -> Blob:
    """The Blob of `content`: its file written first, then its row (created in the caller's
    transaction, or found). A new row whose file was there already (an orphan of a rolled-back
    transaction, which the sweep may be deleting at this moment) has its file written again
    when the transaction commits if it went meanwhile: a committed row always has its file."""
    sha256 = sha256 or digest_of(content)
    write(content, sha256)
    found = Blob.objects.filter(sha256=sha256).first()
    if found is not None:
        return found
    # a no-op when the file is there; a failure is logged, the commit stands
    transaction.on_commit(lambda: write(content, sha256), robust=True)
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert of the same hash
            return Blob.objects.create(sha256=sha256, size=content.size or 0,
                                       content_type=content_type)
    except IntegrityError:
        return Blob.objects.get(sha256=sha256)


def open_blob(blob: Blob) -> File:
    return default_storage.open(blob.name, "rb")


def response(blob: Blob, filename: str) -> FileResponse:
    """The file as a download; call it only after the policy allowed the read."""
    return FileResponse(open_blob(blob), as_attachment=True, filename=filename,
                        content_type=blob.content_type)


def _listdir(path: str) -> tuple[list[str], list[str]]:
    """(folders, files) in `path`; none when it does not exist (a local folder never made;
    object storage lists an unknown prefix as empty)."""
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


def _stored_names() -> Iterator[str]:
    """Every file under blobs/ (two levels of folders, as blob_name makes them)."""
    first, _files = _listdir(ROOT)
    for a in first:
        second, _files = _listdir(f"{ROOT}/{a}")
        for b in second:
            _dirs, files = _listdir(f"{ROOT}/{a}/{b}")
            for name in files:
                yield f"{ROOT}/{a}/{b}/{name}"


def grace() -> dt.timedelta:
    return dt.timedelta(hours=settings.RECORDS_ORPHAN_GRACE_HOURS)


def _delete_older(names: Iterable[str], cutoff: dt.datetime,
                  still_orphan: Callable[[str], bool] = lambda name: True) -> int:
    """Delete the files among `names` last written before `cutoff` and, asked again just
    before, `still_orphan`; how many."""
    count = 0
    for name in names:
        if default_storage.get_modified_time(name) < cutoff and still_orphan(name):
            default_storage.delete(name)
            count += 1
    return count


def _no_blob(name: str) -> bool:
    """No committed Blob row names the file (asked again right before deleting it: a row
    committed since the batch was read keeps its file; `put` covers the rest)."""
    return not Blob.objects.filter(sha256=name.rsplit("/", 1)[1]).exists()


def sweep_orphans(now: dt.datetime) -> int:
    """Housekeeping: delete the files under blobs/ that no Blob row names and that are older
    than the grace period (a transaction that wrote one may still commit its row until
    then). Returns the number of files deleted."""
    cutoff = now - grace()
    removed = 0
    batch: list[str] = []

    def flush() -> int:
        known = set(Blob.objects.filter(sha256__in=[n.rsplit("/", 1)[1] for n in batch])
                    .values_list("sha256", flat=True))
        count = _delete_older((n for n in batch if n.rsplit("/", 1)[1] not in known), cutoff,
                              _no_blob)
        batch.clear()
        return count

    for name in _stored_names():
        batch.append(name)
        if len(batch) >= 1000:
            removed += flush()
    if batch:
        removed += flush()
    return removed


UPLOADS = "dossiers"  # dossiers.models.dossier_file_path: dossiers/<yyyy>/<mm>/<dossier id>/…
FOLDERS_PER_BATCH = 500  # dossier folders whose rows are read in one query


def _upload_folders() -> Iterator[tuple[int, str]]:
    """(dossier id, folder) of each folder of uploads, as dossier_file_path makes them; a
    folder of another shape is not ours to sweep."""
    years, _files = _listdir(UPLOADS)
    for year in years:
        months, _files = _listdir(f"{UPLOADS}/{year}")
        for month in months:
            folders, _files = _listdir(f"{UPLOADS}/{year}/{month}")
            for folder in folders:
                if folder.isdigit():
                    yield int(folder), f"{UPLOADS}/{year}/{month}/{folder}"


def sweep_orphan_uploads(now: dt.datetime) -> int:
    """Housekeeping: delete the files uploaded to dossiers (under dossiers/) that no
    DossierFile row names and that are older than the grace period; a batch of folders at a
    time, their rows read by dossier id (indexed). Returns the number of files deleted."""
    cutoff = now - grace()
    removed = 0
    folders = _upload_folders()
    while batch := list(islice(folders, FOLDERS_PER_BATCH)):
        known = set(DossierFile.objects.filter(dossier_id__in=[pk for pk, _folder in batch])
                    .values_list("file", flat=True))
        for _pk, folder in batch:
            _dirs, names = _listdir(folder)
            removed += _delete_older((f"{folder}/{name}" for name in names
                                      if f"{folder}/{name}" not in known), cutoff)
    return removed
