"""The leaders' dashboard (/can-bo/chi-so/): who opens it (heads, leaders, auditors; a
specialist is refused), what it shows for a crafted November, the fragment that refreshes, the
exports (at once, or in the background with progress), a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from motcua.dossiers.tests.factories import at
from motcua.org.models import Role
from motcua.reporting.models import Export
from motcua.tests.builders import staff

NOVEMBER = {"timeType": "month", "year": "2026", "month": "11", "quarter": "4"}
URL = "/can-bo/chi-so/"


@pytest.fixture
def auditor(world):
    return staff("auditor.tinh", "Phạm Kiểm Toán", world.org.province_center, Role.AUDITOR)


def test_a_specialist_and_a_one_stop_officer_are_refused(client, world, november):
    for user in (world.org.specialist_a, world.org.officer_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL + "theo-doi/", NOVEMBER).status_code == 403
        assert client.get(URL + "tai-ve/due.csv", NOVEMBER).status_code == 403
        # nor does the menu offer it
        assert URL not in client.get("/can-bo/", follow=True).content.decode()


def test_a_head_reads_his_commune_and_not_another(client, world, november):
    client.force_login(world.head_a)
    assert URL in client.get("/can-bo/", follow=True).content.decode()  # the menu entry
    response = client.get(URL, {**NOVEMBER, "rootDepartmentId": world.org.commune_a.code})
    assert response.status_code == 200
    html = response.content.decode()
    assert world.org.commune_a.name in html
    # commune B is not among his choices: the form refuses it, nothing is shown
    response = client.get(URL, {**NOVEMBER, "rootDepartmentId": world.org.commune_b.code})
    assert response.status_code == 400
    assert "Tổng điểm" not in response.content.decode()
    assert client.get(URL + "tai-ve/late-dossiers.csv", {
        **NOVEMBER, "rootDepartmentId": world.org.commune_b.code}).status_code == 403


def test_the_page_shows_the_index_groups_charts_due_and_exports(client, world, november,
                                                               auditor):
    client.force_login(auditor)
    html = client.get(URL, NOVEMBER).content.decode()
    assert "Tổng điểm" in html
    for group in ("Công khai, minh bạch", "Tiến độ giải quyết", "Thanh toán trực tuyến"):
        assert group in html
    # why online payment has no score: no fee-bearing procedure, nothing to judge
    assert "Không có gì để đánh giá" in html and "không có gì để đánh giá trong kỳ này" in html
    for chart in ("chart-trend", "chart-rates", "chart-intake"):
        assert f'data-chart="{chart}-data"' in html and f'id="{chart}-data"' in html
    # the dossier past due, with who holds it now
    assert november["D2"].code in html and "Phê duyệt" in html
    assert 'hx-trigger="every 60s"' in html
    assert "/can-bo/chi-so/tai-ve/late-dossiers.xlsx?" in html
    assert "/can-bo/chi-so/bao-cao.xlsx?" in html


def test_bad_input_is_shown_next_to_the_field(client, world, november, auditor):
    client.force_login(auditor)
    response = client.get(URL, {**NOVEMBER, "year": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and 'value="abc"' in html
    response = client.get(URL, {**NOVEMBER, "year": "2099"})
    assert response.status_code == 400 and "2099" in response.content.decode()


def test_the_due_fragment_refreshes_alone(client, world, november, auditor):
    client.force_login(auditor)
    response = client.get(URL + "theo-doi/", NOVEMBER, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="due"')
    assert november["D2"].code in html and "<html" not in html


def test_the_page_reads_a_fixed_number_of_queries(client, world, november, auditor):
    client.force_login(auditor)
    client.get(URL, NOVEMBER)  # warm the trend's cache and the roles
    with CaptureQueriesContext(connection) as once:
        client.get(URL, NOVEMBER)
    for n in range(3):
        world.receive(f"09:00 {23 + n}/11/2026")
    with CaptureQueriesContext(connection) as again:
        client.get(URL, NOVEMBER)
    assert len(again) == len(once)


def test_a_small_export_streams_at_once(client, world, november, auditor):
    client.force_login(auditor)
    response = client.get(URL + "tai-ve/late-units.xlsx", NOVEMBER)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    assert (world.org.pc_a.code, world.org.pc_a.name, 4, 1, 1, 2, 0.5) in rows
    report = client.get(URL + "bao-cao.xlsx", NOVEMBER)
    assert report.status_code == 200 and report["Content-Disposition"].startswith("attachment")


def test_a_large_export_runs_in_the_background_with_its_progress(
        client, world, november, auditor, settings, tmp_path,
        django_capture_on_commit_callbacks):
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    client.force_login(auditor)
    offer = client.get(URL + "tai-ve/late-dossiers.csv", NOVEMBER)
    assert offer.status_code == 200 and 'name="table" value="late-dossiers"' in \
        offer.content.decode()
    form = {"table": "late-dossiers", "fmt": "csv", "timeType": "month", "year": "2026",
            "month": "11"}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(URL + "xuat/", form)
    assert started.status_code == 302
    export = Export.objects.get()
    page = client.get(started["Location"])
    assert "tai-ve" in page.content.decode() and export.state == Export.State.DONE
    progress = client.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert progress.lstrip().startswith('<div id="export-progress"')
    assert "hx-trigger" not in progress  # done: it stops polling
    data = b"".join(client.get(started["Location"] + "tai-ve").streaming_content)
    assert november["D1"].code.encode() in data
    # another person may not see it, nor download it
    client.force_login(world.head_a)
    assert client.get(started["Location"]).status_code == 404
    assert client.get(started["Location"] + "tai-ve").status_code == 404


def test_an_export_still_running_polls_its_progress(client, world, november, auditor):
    client.force_login(auditor)
    export = Export.objects.create(requested_by=auditor, table="due", fmt="csv",
                                   query={}, state=Export.State.RUNNING, rows_done=50,
                                   rows_total=200, created_at=at("09:00 10/12/2026"))
    html = client.get(f"{URL}xuat/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html
