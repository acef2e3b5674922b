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
from django.db import transaction
from django.utils import timezone

from motcua.core import housekeeping
from motcua.records import files
from motcua.records.models import Blob

pytestmark = pytest.mark.django_db(transaction=True)


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
