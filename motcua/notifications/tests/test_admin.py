import datetime as dt

import pytest
from django.test import Client

from motcua.notifications import delivery
from motcua.notifications.models import Delivery
from motcua.org.models import User

pytestmark = pytest.mark.django_db
T = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_client(db) -> Client:
    user = User.objects.create_superuser("root", password="Motcua@2026-admin", kind="staff")
    client = Client()
    client.force_login(user)
    return client


def queued(n: int, recipient: str) -> Delivery:
    delivery.queue(channel="email", recipient=recipient, kind="received", cause=f"test:{n}",
                   subject="Hồ sơ", body="Kính gửi", now=T)
    return Delivery.objects.get(cause=f"test:{n}")


def test_the_delivery_pages_render_filter_and_search(admin_client):
    failed = queued(1, "an@example.vn")
    Delivery.objects.filter(pk=failed.pk).update(status="failed", attempts=8,
                                                 last_error="SMTPServerDisconnected")
    queued(2, "lan@example.vn")
    for url in ["/admin/notifications/delivery/", "/admin/notifications/delivery/?status=failed",
                "/admin/notifications/delivery/?error=yes&channel=email&attempts=8",
                f"/admin/notifications/delivery/{failed.pk}/change/"]:
        assert admin_client.get(url).status_code == 200, url
    found = admin_client.get("/admin/notifications/delivery/?q=lan@").content.decode()
    assert "lan@example.vn" in found and '">an@example.vn</td>' not in found
    assert admin_client.get("/admin/notifications/delivery/add/").status_code == 403


def test_retry_now_puts_failed_rows_back_and_leaves_the_others(admin_client):
    failed, pending = queued(1, "an@example.vn"), queued(2, "lan@example.vn")
    Delivery.objects.filter(pk=failed.pk).update(status="failed", attempts=8, last_error="x")
    response = admin_client.post("/admin/notifications/delivery/", {
        "action": "retry_now", "_selected_action": [failed.pk, pending.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 0, "x")
    pending.refresh_from_db()
    assert pending.next_attempt_at == T
