"""The test run's environment, set before Django loads the settings (pytest loads this module
early: `-p motcua.tests.environment` in pyproject.toml).

- The settings refuse to start without a SECRET_KEY when DEBUG is off, as the tests run; a
  test-only key lets `pytest` run on a fresh checkout with nothing exported.
- The tests use the database cache, whose table (and the public-lookup counts) is in the test
  database: emptied after each test like every table, and no two test processes share it. A
  REDIS_URL of the surrounding shell would make them share counts in one Redis, so it is
  dropped; the tests of the Redis configuration start servers of their own with TEST_REDIS_URL
  (default redis://127.0.0.1:6379/0).
- The HTTPS settings of the surrounding shell (HTTPS=1 would redirect every test request to
  https://) are dropped too: the tests run as a deployment without them, DEBUG off; the tests
  of those settings import them in a process of their own.
- On PostgreSQL the test connections turn synchronous_commit off: a commit then returns before
  its WAL reaches the disk (still atomic and consistent; only a crash of the server could lose
  the last commits, which no test needs). It takes several milliseconds off every commit on
  this machine's disk (measured 7 ms -> 2 ms per commit under load), and the transactional
  tests (live server, browser, workers) commit a lot.
- Uploaded files go to a temporary folder of the test process (MEDIA_ROOT), removed at its
  end: the tests attach real files to dossiers, never into the installation's var/media.
"""

import atexit
import os
import shutil
import tempfile

if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = "test-only-key-never-used-outside-pytest"
for name in ("REDIS_URL", "HTTPS", "SECURE_COOKIES", "HSTS_SECONDS", "HSTS_INCLUDE_SUBDOMAINS"):
    os.environ.pop(name, None)

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url.startswith("postgres") and "options=" not in _database_url:
    _separator = "&" if "?" in _database_url else "?"
    os.environ["DATABASE_URL"] = (
        f"{_database_url}{_separator}options=-c%20synchronous_commit%3Doff")

_media = tempfile.mkdtemp(prefix="motcua-test-media-")
os.environ["MEDIA_ROOT"] = _media
atexit.register(shutil.rmtree, _media, ignore_errors=True)

# The development CA of the signed results (records.certificates), per test process: the
# sandbox started by the tests reads its time-stamping key from the same folder.
_pki = tempfile.mkdtemp(prefix="motcua-test-pki-")
os.environ["SIGNING_PKI_DIR"] = _pki
os.environ.pop("SIGNING_KEY_STORE", None)
os.environ.pop("TSA_URL", None)
atexit.register(shutil.rmtree, _pki, ignore_errors=True)
