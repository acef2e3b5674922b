"""The test run's environment, set before Django loads the settings (pytest loads this module
early: `-p motcua.tests.environment` in pyproject.toml).

- The settings refuse to start without a SECRET_KEY when DEBUG is off, as the tests run; a
  test-only key lets `pytest` run on a fresh checkout with nothing exported.
- The tests use the database cache, whose table (and the public-lookup counts) is in the test
  database: emptied after each test like every table, and no two test processes share it. A
  REDIS_URL of the surrounding shell would make them share counts in one Redis, so it is
  dropped; the tests of the Redis configuration start servers of their own with TEST_REDIS_URL
  (default redis://127.0.0.1:6379/0).
"""

import os

if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = "test-only-key-never-used-outside-pytest"
os.environ.pop("REDIS_URL", None)
