"""The demo's consumer system of the data-sharing API: the provincial Department of Justice's
civil-status system, with published demo credentials (README: a curl example). Never in a real
deployment: its secret is in the README."""

from __future__ import annotations

from motcua.integration import consumers
from motcua.integration.models import ConsumerSystem, Scope

DEMO_CODE = "demo-stp-hotich"
DEMO_CLIENT_ID = "demo-stp-hotich"
DEMO_CLIENT_SECRET = "demo-sharing-secret-not-for-production"


def build_demo_consumer() -> tuple[ConsumerSystem, bool]:
    """The demo consumer, with every service and 60 calls a minute; (it, made now). An
    existing one is kept as it is (its credentials too, if an administrator changed them)."""
    existing = ConsumerSystem.objects.filter(code=DEMO_CODE).first()
    if existing is not None:
        return existing, False
    consumer, _random = consumers.create_consumer(
        code=DEMO_CODE, name="Hệ thống quản lý hộ tịch điện tử (demo)",
        agency_name="Sở Tư pháp tỉnh Ninh Bình", scopes=Scope.values,
        rate_limit_per_minute=60, contact_name="Lê Thị Hồng",
        contact_email="hotich@stp.ninhbinh.example")
    consumers.issue_credentials(consumer, client_id=DEMO_CLIENT_ID,
                                client_secret=DEMO_CLIENT_SECRET)
    return consumer, True
