from motcua.processing.tests.conftest import world  # noqa: F401
from motcua.reporting.tests.conftest import november  # noqa: F401 - fixtures
