"""The test run's environment, set before Django loads the settings (pytest loads this module
early: `-p motcua.tests.environment` in pyproject.toml).

The settings refuse to start without a SECRET_KEY when DEBUG is off, as the tests run; a
test-only key lets `pytest` run on a fresh checkout with nothing exported.
"""

import os

if not os.environ.get("SECRET_KEY"):
    os.environ["SECRET_KEY"] = "test-only-key-never-used-outside-pytest"
