"""Consumer systems of the data-sharing API as an administrator manages them: added in the
admin (Vietnamese and English) or by `manage.py create_consumer`, their secret shown once and
stored only as a hash, new credentials issued, credentials revoked, never deleted; and the
exchange log stays read-only for everyone, superusers included."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.management import CommandError, call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from motcua.core import housekeeping
from motcua.core.models import AuditEvent
from motcua.integration import consumers, exchange_log
from motcua.integration.exchange_log import Direction, Exchange, Outcome
from motcua.integration.models import ConsumerSystem, ExchangeLogEntry, Scope
from motcua.tests.builders import staff

pytestmark = pytest.mark.django_db
BASE = "/admin/integration/consumersystem/"


@pytest.fixture
def admin_user(org):
    user = staff("admin", "Hoàng Văn Nam", org.department, "admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def new(code="stp-hotich", **kw):
    values = dict(code=code, name="Hệ thống hộ tịch điện tử",
                  agency_name="Sở Tư pháp tỉnh Ninh Bình", scopes=[Scope.DOSSIER_STATUS])
    values.update(kw)
    return consumers.create_consumer(**values)


def test_the_secret_is_kept_only_as_a_hash(org):
    consumer, credentials = new()
    stored = Application.objects.get(client_id=credentials.client_id)
    assert stored.client_secret != credentials.client_secret
    assert identify_hasher(stored.client_secret)  # a Django password hash
    assert check_password(credentials.client_secret, stored.client_secret)
    assert len(credentials.client_secret) >= 43  # 256 bits
    assert consumer.application == stored and consumer.credentials_issued_at is not None
    assert AuditEvent.objects.filter(action="sharing.credentials.issue").count() == 1


def test_new_credentials_replace_the_old_ones_and_revoking_leaves_none(org):
    consumer, first = new()
    second = consumers.issue_credentials(consumer)
    assert second.client_id != first.client_id
    assert not Application.objects.filter(client_id=first.client_id).exists()
    assert consumers.revoke_credentials(consumer) is True
    assert consumer.application is None and not Application.objects.exists()
    assert consumers.revoke_credentials(consumer) is False
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "sharing.consumer.create", "sharing.credentials.issue", "sharing.credentials.issue",
        "sharing.credentials.revoke"]


@pytest.mark.parametrize("kw", [
    {"code": "Bad Code"}, {"code": ""}, {"name": ""}, {"rate_limit_per_minute": 0},
    {"scopes": ["everything"]}, {"contact_email": "not-an-email"}])
def test_a_consumer_with_bad_fields_is_refused_and_nothing_is_written(org, kw):
    with pytest.raises((ValueError, Exception)):
        new(**kw)
    assert not ConsumerSystem.objects.exists() and not Application.objects.exists()


def test_the_command_prints_the_credentials_once(org):
    out = StringIO()
    call_command("create_consumer", "bhxh-ninhbinh", "--name", "Hệ thống BHXH",
                 "--agency", "Bảo hiểm xã hội tỉnh Ninh Bình", "--scopes",
                 "dossier-status,statistics", "--rate", "120", "--reach",
                 f"{org.pc_a.code},{org.center_a.code}", stdout=out)
    text = out.getvalue()
    client_id = re.search(r"client_id=(\S+)", text).group(1)
    secret = re.search(r"client_secret=(\S+)", text).group(1)
    consumer = ConsumerSystem.objects.get(code="bhxh-ninhbinh")
    assert (consumer.client_id, consumer.scopes, consumer.rate_limit_per_minute) == (
        client_id, "dossier-status statistics", 120)
    assert set(consumer.agencies.all()) == {org.pc_a, org.center_a}
    assert secret not in str(list(Application.objects.values_list()))
    again = StringIO()
    call_command("create_consumer", "bhxh-ninhbinh", "--new-credentials", stdout=again)
    assert secret not in again.getvalue() and "client_secret=" in again.getvalue()
    for bad in (["x-y", "--name", "n"], ["bhxh-ninhbinh", "--name", "n", "--agency", "a"],
                ["new-one", "--name", "n", "--agency", "a", "--scopes", "all"],
                ["new-one", "--name", "n", "--agency", "a", "--reach", "999.99.99.H99"],
                ["Bad Code", "--name", "n", "--agency", "a"],
                ["nobody", "--new-credentials"]):
        with pytest.raises(CommandError):
            call_command("create_consumer", *bad, stdout=StringIO())
    assert ConsumerSystem.objects.count() == 1


@pytest.mark.parametrize("language, title", [("vi", "Thông tin đăng nhập mới"),
                                             ("en", "New credentials")])
def test_adding_a_consumer_in_the_admin_shows_its_secret_once(client, admin_user, org,
                                                             language, title):
    client.force_login(admin_user)
    client.cookies["django_language"] = language
    form = client.get(f"{BASE}add/")
    assert form.status_code == 200
    response = client.post(f"{BASE}add/", {
        "code": "stp-hotich", "name": "Hệ thống hộ tịch điện tử",
        "agency_name": "Sở Tư pháp tỉnh Ninh Bình", "services": ["dossier-status", "results"],
        "rate_limit_per_minute": "30", "agencies": [org.pc_a.pk], "is_active": "on"})
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert title in html
    consumer = ConsumerSystem.objects.get()
    assert consumer.scopes == "dossier-status results"
    assert consumer.client_id in html
    secret = re.search(r"<td><code>([A-Za-z0-9_\-]{43,})</code></td>", html).group(1)
    assert check_password(secret, consumer.application.client_secret)
    listing = client.get(BASE).content.decode()
    assert consumer.client_id in listing and secret not in listing
    assert secret not in client.get(f"{BASE}{consumer.pk}/change/").content.decode()


def test_the_admins_actions_issue_and_revoke(client, admin_user, org):
    consumer, first = new()
    client.force_login(admin_user)
    issued = client.post(BASE, {"action": "issue_new_credentials",
                                "_selected_action": [consumer.pk]})
    assert issued.status_code == 200 and "no-store" in issued["Cache-Control"]
    consumer.refresh_from_db()
    assert consumer.client_id != first.client_id and consumer.client_id in issued.content.decode()
    revoked = client.post(BASE, {"action": "revoke_all_credentials",
                                 "_selected_action": [consumer.pk]}, follow=True)
    assert revoked.status_code == 200
    consumer.refresh_from_db()
    assert consumer.application is None


def test_changing_a_consumers_services_in_the_admin_revokes_its_tokens(client, admin_user,
                                                                      org):
    import datetime as dt

    from django.utils import timezone

    consumer, _ = new()
    AccessToken.objects.create(application=consumer.application, token="t" * 30,
                               expires=timezone.now() + dt.timedelta(hours=1),
                               scope="dossier-status")
    client.force_login(admin_user)
    response = client.post(f"{BASE}{consumer.pk}/change/", {
        "code": consumer.code, "name": consumer.name, "agency_name": consumer.agency_name,
        "services": ["catalogue"], "rate_limit_per_minute": "60", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    consumer.refresh_from_db()
    assert consumer.scopes == "catalogue" and not AccessToken.objects.exists()


def test_consumers_are_never_deleted_and_the_toolkits_pages_are_not_shown(client, admin_user,
                                                                         org):
    consumer, _ = new()
    client.force_login(admin_user)
    assert client.post(f"{BASE}{consumer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ConsumerSystem.objects.filter(pk=consumer.pk).exists()
    for model in ("application", "accesstoken", "refreshtoken", "grant", "idtoken"):
        assert client.get(f"/admin/oauth2_provider/{model}/").status_code == 404


def test_an_inbound_entry_is_read_only_in_the_admin_for_a_superuser(client, admin_user, org):
    consumer, _ = new()
    entry = exchange_log.record(Exchange(
        system="sharing", operation="dossier-status", data="x", purpose="Xác minh",
        direction=Direction.INBOUND, consumer=consumer, remote_officer="Lê Thị Hồng",
        id_number="037095001234"), Outcome.FOUND)
    client.force_login(admin_user)
    base = "/admin/integration/exchangelogentry/"
    page = client.get(f"{base}{entry.pk}/change/")
    assert page.status_code == 200 and 'name="purpose"' not in page.content.decode()
    assert client.post(f"{base}{entry.pk}/change/", {"purpose": "x"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk],
                              "post": "yes"}).status_code in (200, 302, 403)
    assert ExchangeLogEntry.objects.get().purpose == "Xác minh"
    assert client.post(f"{BASE}{consumer.pk}/delete/", {"post": "yes"}).status_code == 403


def test_housekeeping_deletes_the_tokens_that_expired_only(org):
    consumer, _credentials = new()
    now = timezone.now()
    for name, expires in (("expired", now - dt.timedelta(seconds=1)),
                          ("live", now + dt.timedelta(minutes=30))):
        AccessToken.objects.create(application=consumer.application, token=name,
                                   expires=expires, scope="dossier-status")
    removed = housekeeping.run_pass(now)
    assert removed["expired_consumer_tokens"] == 1
    assert list(AccessToken.objects.values_list("token", flat=True)) == ["live"]
