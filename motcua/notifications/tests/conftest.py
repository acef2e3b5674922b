from motcua.processing.tests.conftest import world  # noqa: F401  (escalations need a process)
