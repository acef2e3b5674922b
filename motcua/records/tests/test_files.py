"""Content-addressed files (records.files): stored once per content, written before their row,
orphans swept after the grace period, S3-compatible storage by setting."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.core import housekeeping
from motcua.dossiers import actions
from motcua.dossiers.models import DossierFile
from motcua.dossiers.tests.factories import at, online
from motcua.records import files
from motcua.records.models import Blob
from motcua.tests.builders import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_orphan_reused_while_the_sweep_deletes_it_is_written_again_at_commit():
    """The race of a reused orphan: a rolled-back transaction left the file; a new one finds
    it there and writes only its row; the sweep, which cannot see that row yet, deletes the
    file before the commit. The commit writes it again: a committed row has its file."""
    content = ContentFile(b"%PDF reused orphan", name="r.pdf")
    digest = files.digest_of(content)
    name = files.write(content, digest)  # the orphan a rolled-back transaction left
    with transaction.atomic():
        blob = files.put(ContentFile(b"%PDF reused orphan", name="again.pdf"),
                         content_type="application/pdf")
        default_storage.delete(name)  # the sweep, between the put and the commit
    assert Blob.objects.filter(pk=blob.pk).exists()
    with files.open_blob(blob) as f:
        assert f.read() == b"%PDF reused orphan"


def test_the_sweep_asks_again_before_deleting_a_file():
    """A row committed after the sweep read its batch keeps its file: the sweep asks for the
    row again right before each deletion."""
    old = timezone.now() - files.grace() - dt.timedelta(hours=1)
    content = ContentFile(b"%PDF committed late", name="late.pdf")
    name = files.write(content, files.digest_of(content))
    os.utime(default_storage.path(name), (old.timestamp(), old.timestamp()))
    committed = []

    def row_committed_meanwhile(candidate: str) -> bool:
        committed.append(files.put(content, content_type="application/pdf"))
        return files._no_blob(candidate)

    try:
        assert files._delete_older([name], timezone.now() - files.grace(),
                                   row_committed_meanwhile) == 0
        assert committed and default_storage.exists(name)
    finally:
        default_storage.delete(name)  # the next test's sweep must not find it


def test_the_same_content_is_stored_once():
    first = files.put(ContentFile(b"%PDF same bytes", name="a.pdf"),
                      content_type="application/pdf")
    second = files.put(ContentFile(b"%PDF same bytes", name="b.pdf"),
                       content_type="application/pdf")
    assert first.pk == second.pk and Blob.objects.count() == 1
    assert first.name.startswith(f"blobs/{first.sha256[:2]}/{first.sha256[2:4]}/")
    folder = first.name.rsplit("/", 1)[0]
    assert default_storage.listdir(folder)[1] == [first.sha256]
    with files.open_blob(first) as f:
        assert f.read() == b"%PDF same bytes"


def test_a_rolled_back_transaction_leaves_the_file_which_is_swept_later():
    content = ContentFile(b"rolled back", name="x.pdf")

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        blob = files.put(content, content_type="application/pdf")
        name = blob.name
        raise Rollback
    assert not Blob.objects.exists()
    assert default_storage.exists(name)  # never lost while a row may still come
    kept = files.put(ContentFile(b"kept", name="k.pdf"), content_type="application/pdf")
    now = timezone.now()
    assert files.sweep_orphans(now) == 0  # within the grace period
    later = now + files.grace() + dt.timedelta(minutes=1)
    assert housekeeping.run_pass(later)["orphan_files"] >= 1  # (and earlier tests' files)
    assert not default_storage.exists(name)
    assert default_storage.exists(kept.name)  # a file with its row stays


def test_uploads_no_dossier_file_names_are_swept_after_the_grace(org, procedure):
    """A citizen's upload whose action rolled back leaves its file under dossiers/ (written
    before the row): deleted once older than the grace period, never while young; the files
    the rows name stay."""
    d = online(org, procedure, at("08:00 16/11/2026"))
    [kept] = d.files.values_list("file", flat=True)
    assert kept.startswith(f"dossiers/2026/11/{d.pk}/")

    class Rollback(Exception):
        pass

    def orphan(pages: int) -> str:
        upload = SimpleUploadedFile("to-khai.pdf", pdf_bytes(pages), "application/pdf")
        with pytest.raises(Rollback), transaction.atomic():
            actions.perform(d, "attach_file", org.citizen, now=at("08:30 16/11/2026"),
                            upload=upload, component_id=d.files.get().component_id)
            name = d.files.order_by("-pk").values_list("file", flat=True)[0]
            raise Rollback
        assert default_storage.exists(name) and d.files.count() == 1
        return name

    old, young = orphan(2), orphan(3)
    now = timezone.now()
    aged = (now - files.grace() - dt.timedelta(minutes=1)).timestamp()
    os.utime(default_storage.path(old), (aged, aged))
    os.utime(default_storage.path(kept), (aged, aged))  # old, and named by its row

    assert housekeeping.run_pass(now)["orphan_uploads"] == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(young) and default_storage.exists(kept)
    # later the young one is old too; the named one still stays
    later = now + files.grace() + dt.timedelta(minutes=1)
    assert files.sweep_orphan_uploads(later) >= 1  # (and earlier tests' uploads)
    assert not default_storage.exists(young) and default_storage.exists(kept)


def test_the_upload_sweep_reads_the_rows_a_batch_of_folders_at_a_time(
        org, procedure, monkeypatch, django_assert_max_num_queries):
    """Constant memory and few queries: the folders are read in batches."""
    monkeypatch.setattr(files, "FOLDERS_PER_BATCH", 2)
    for day in (16, 17, 18):
        online(org, procedure, at(f"08:00 {day}/11/2026"))
    folders = list(files._upload_folders())  # (and earlier tests' folders)
    assert len(folders) >= 3
    with django_assert_max_num_queries(-(-len(folders) // 2)):
        files.sweep_orphan_uploads(timezone.now())
    named = DossierFile.objects.values_list("file", flat=True)
    assert len(named) == 3 and all(default_storage.exists(name) for name in named)


def test_s3_compatible_storage_by_setting():
    env = {**os.environ, "SECRET_KEY": "x", "S3_BUCKET": "motcua-files",
           "S3_ENDPOINT_URL": "http://127.0.0.1:9000"}
    code = ("import motcua.settings as s, importlib; d = s.STORAGES['default']; "
            "importlib.import_module(d['BACKEND'].rsplit('.', 1)[0]); "
            "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'], "
            "d['OPTIONS']['default_acl'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["storages.backends.s3.S3Storage", "motcua-files", "http://127.0.0.1:9000",
                   "None"]
