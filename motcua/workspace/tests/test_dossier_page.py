"""The dossier page: what it shows, only the actions this person may take, each action's form
running the API's action under its policy, with bad input shown next to its field, a double
submit acting once, every slip printable, refusals for the wrong people."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.models import AuditEvent
from motcua.dossiers import actions, lifecycle
from motcua.dossiers.models import Apology, Dossier, DossierEvent, Status, SupplementRequest
from motcua.dossiers.serializers import API_INPUT_NAMES
from motcua.dossiers.tests.factories import at, submission
from motcua.org.models import Role, StaffRole
from motcua.processing import actions as pactions
from motcua.processing.models import StepInstance
from motcua.tests.builders import build_procedure, pdf_bytes, staff

pytestmark = pytest.mark.django_db


def url(d: Dossier, *rest: object) -> str:
    return "/".join([f"/can-bo/ho-so/{d.code}", *map(str, rest), ""])


def html_of(response, status: int = 200) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    return response.content.decode()


def field_error(html: str, prefix: str, field: str) -> str:
    """The error shown next to a field of an action's form ("" if none)."""
    found = re.search(rf'id="id_{prefix}-{field}-error" class="govuk-error-message">'
                      r'<span class="govuk-visually-hidden">[^<]*</span>([^<]*)</p>', html)
    return found.group(1).strip() if found else ""


def offered(html: str) -> set[str]:
    """The dossier actions the page offers: a button that posts the action, or a folded form
    that its disclosure fetches by the action's name (step actions are keyed step<id>-…)."""
    return {*re.findall(r"/hanh-dong/(\w+)/", html), *re.findall(r"/bieu-mau/(\w+)/", html)}


def step_offered(html: str, step: StepInstance | None = None) -> bool:
    """Whether the page offers an action on `step` (on any step when None)."""
    if step is None:
        return "/buoc/" in html or "/bieu-mau/step" in html
    return f"/buoc/{step.pk}/" in html or f"/bieu-mau/step{step.pk}-" in html


def step_url(d: Dossier, step: StepInstance, action: str) -> str:
    return url(d, "buoc", step.pk, action)


def act(client, d, action, key=None, **data):
    """POST an action's form, with a fresh one-time key unless `key` is given."""
    key = key or uuid.uuid4().hex
    return client.post(url(d, "hanh-dong", action),
                       {f"{action}-once": key, **{f"{action}-{k}": v for k, v in data.items()}})


def act_on_step(client, d, step, action, key=None, **data):
    key = key or uuid.uuid4().hex
    prefix = f"step{step.pk}-{action}"
    return client.post(step_url(d, step, action),
                       {f"{prefix}-once": key, **{f"{prefix}-{k}": v for k, v in data.items()}})


@pytest.fixture
def auditor(org):
    """Reads every dossier of the province, acts on none."""
    return staff("auditor.tinh", "Kiểm Tra Viên", org.department, Role.AUDITOR)


@pytest.fixture
def plain(org):
    """A procedure without an internal process, and a person holding every role that acts on
    its dossiers (one-stop officer where it is received, head where it is handled)."""
    procedure = build_procedure(code="1.000001", name="Thủ tục thử không có quy trình")
    person = staff("all.hands", "Hà Văn Đủ", org.center_a, Role.ONE_STOP_OFFICER)
    StaffRole.objects.create(user=person, agency=org.pc_a, role=Role.HEAD)
    d = actions.intake_at_counter(submission(org, procedure, channel=1), officer=org.officer_a,
                                  now=at("09:00 16/11/2026"))
    return d, person


# --- who sees what -------------------------------------------------------------------------


def test_the_page_shows_the_applicant_components_due_times_steps_and_timeline(
        client, world, clock):
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)
    html = html_of(client.get(url(d)))
    assert f"Hồ sơ {d.code}" in html and "Nguyễn Văn An" in html and "037095001234" in html
    assert "Tờ khai theo mẫu" in html  # a component
    assert "09:00 19/11/2026" in html  # the legal due time, three working days on
    assert "Thẩm định hồ sơ" in html and "Phạm Quốc Bảo" in html  # the step and its holder
    assert "Nhận xử lý bước" in html and "Tiếp nhận tại quầy" in html  # the timeline
    assert f'href="/api/v1/dossiers/{d.code}/slips/01.pdf"' in html
    assert f'href="/api/v1/dossiers/{d.code}/slips/06.pdf"' in html
    assert "/slips/02.pdf" not in html  # no supplement asked: no Form 02
    assert "Vì sao có hạn này" in html  # why this due time (web/includes/due_explanation.html)


def test_a_person_who_may_not_read_the_dossier_gets_404(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    client.force_login(world.specialist_b)  # another commune's People's Committee
    assert client.get(url(d)).status_code == 404
    assert act(client, d, "request_stop", reason="Có căn cứ").status_code == 404
    assert act_on_step(client, d, step, "claim").status_code == 404
    assert client.get(url(d)[:-1] + "X/").status_code == 404  # no such code: the same
    assert StepInstance.objects.get(pk=step.pk).assignee is None


def test_a_reader_who_may_not_act_sees_no_action_and_a_forged_post_is_refused(
        client, world, auditor, clock):
    d = world.receive()
    client.force_login(auditor)
    html = html_of(client.get(url(d)))
    assert "Hiện bạn không có thao tác nào trên hồ sơ này" in html
    assert not offered(html) and not step_offered(html)
    response = act(client, d, "request_stop", reason="Giả mạo")
    html = html_of(response, 403)
    assert "Bạn không có quyền" in html and "govuk-error-summary" in html
    assert not DossierEvent.objects.filter(dossier=d, action="request_stop").exists()
    assert AuditEvent.objects.filter(actor=auditor, action="dossier.refused").exists()


def test_a_wrong_officer_sees_no_step_action_and_a_forged_step_post_is_refused(
        client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    client.force_login(world.specialist_a2)  # same unit, not the step's holder
    html = html_of(client.get(url(d)))
    assert not step_offered(html, step)
    html = html_of(act_on_step(client, d, step, "forward", note="Giả mạo"), 403)
    assert "Chỉ người được phân công" in html
    assert StepInstance.objects.get(pk=step.pk).finished_at is None


def test_a_step_driven_action_is_left_to_the_steps(client, world, clock):
    d = world.receive()
    client.force_login(world.head_a)
    page = html_of(client.get(url(d)))
    assert "mark_result_ready" not in offered(page) and offered(page)
    html = html_of(act(client, d, "mark_result_ready", **{"confirm": "on"}), 409)
    assert "quy trình nội bộ" in html
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED


# --- the steps, from the page ----------------------------------------------------------------


def test_an_officer_takes_the_step_asks_for_a_supplement_and_forwards_it(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    client.force_login(world.org.specialist_a)
    assert act_on_step(client, d, step, "claim")["Location"] == url(d)
    html = html_of(client.get(url(d)))
    assert "Đã thực hiện: Nhận xử lý bước này." in html
    assert f'id="step{step.pk}-forward"' in html
    # the dossier's own supplement request is the step's here: offered once
    assert "request_supplement" not in offered(html) and step_offered(html, step)

    response = act_on_step(client, d, step, "request_supplement", items="Bản sao CCCD\n\n"
                           "Giấy xác nhận cư trú", reason="Thiếu giấy tờ")
    assert response.status_code == 302
    request = SupplementRequest.objects.get(dossier=d)
    assert [i["name"] for i in request.items] == ["Bản sao CCCD", "Giấy xác nhận cư trú"]
    assert request.reason == "Thiếu giấy tờ"
    html = html_of(client.get(url(d)))
    assert "/slips/02.pdf" in html and "Chờ người nộp" in html

    clock("14:00 16/11/2026")
    actions.perform(d, "receive_supplement", world.org.officer_a, note="Đã bổ sung")
    assert act_on_step(client, d, step, "forward", note="Đủ điều kiện").status_code == 302
    step.refresh_from_db()
    assert (step.outcome, step.note) == ("forward", "Đủ điều kiện")
    assert StepInstance.objects.get(dossier=d, finished_at__isnull=True).key == "approve"


def test_approving_asks_for_a_confirmation_then_the_officer_returns_the_result(
        client, world, clock):
    d = world.receive()
    pactions.claim(world.open_step(d), user=world.org.specialist_a)
    pactions.act(world.open_step(d), "forward", actor=world.org.specialist_a)
    approve = world.open_step(d)
    client.force_login(world.head_a)
    html = html_of(act_on_step(client, d, approve, "approve", note="Đồng ý"))
    assert field_error(html, f"step{approve.pk}-approve", "confirm") == "Đánh dấu ô để xác nhận."
    assert "Đồng ý</textarea>" in html  # what was typed is kept
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING
    act_on_step(client, d, approve, "approve", note="Đồng ý", confirm="on")
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY

    deliver = world.open_step(d)
    client.force_login(world.org.officer_a)
    act_on_step(client, d, deliver, "claim")
    act_on_step(client, d, deliver, "finish", confirm="on")
    assert Dossier.objects.get(pk=d.pk).status == Status.RETURNED
    html = html_of(client.get(url(d)))
    assert "Xong đúng hạn" in html or "Xong trước hạn" in html


def test_refusing_needs_a_reason_and_the_reason_is_kept_on_error(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)
    html = html_of(act_on_step(client, d, step, "refuse", confirm="on"))
    assert field_error(html, f"step{step.pk}-refuse", "reason") == "Nhập lý do."
    assert f'id="step{step.pk}-refuse" open' in html  # its form is open where the error is


def test_a_head_assigns_the_step_from_the_page(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    client.force_login(world.head_a)
    html = html_of(act_on_step(client, d, step, "assign", username="tax.officer"))
    assert field_error(html, f"step{step.pk}-assign", "username")  # not of the unit: no choice
    act_on_step(client, d, step, "assign", username="specialist.a2")
    assert StepInstance.objects.get(pk=step.pk).assignee == world.specialist_a2


def test_a_double_submit_acts_once(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)
    for _ in range(2):
        response = act_on_step(client, d, step, "request_supplement", key="same",
                               items="Bản sao CCCD")
        assert response.status_code == 302
    assert SupplementRequest.objects.filter(dossier=d).count() == 1
    assert "Việc này đã được thực hiện" in html_of(client.get(url(d)))


def test_a_refused_form_can_be_sent_again_with_its_key(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)
    html = html_of(act_on_step(client, d, step, "request_payment", key="k", amount_vnd="0"))
    assert field_error(html, f"step{step.pk}-request_payment", "amount_vnd")
    assert act_on_step(client, d, step, "request_payment", key="k",
                       amount_vnd="50.000").status_code == 302
    assert Dossier.objects.get(pk=d.pk).status == Status.PAYING


# --- the dossier's own actions ---------------------------------------------------------------


# Every action whose form has something to fill in or to confirm.
ON_PAGE = {name for name, spec in lifecycle.ACTIONS.items()
           if (spec.api or name == "attach_file")
           and (any(i.required for i in spec.inputs) or spec.target in lifecycle.FINISHING)}


def in_states(org, d: Dossier, person) -> list[Dossier]:
    """Dossiers of the plain procedure in the statuses the page offers those actions in:
    received (d), submitted online, processing with a request to stop and to withdraw, result
    ready."""
    online = actions.submit(submission(org, d.procedure, channel=2), account=org.citizen,
                            now=at("08:00 16/11/2026"))
    asked = actions.intake_at_counter(submission(org, d.procedure, channel=1),
                                      officer=org.officer_a, now=at("09:10 16/11/2026"))
    for name, data in (("start_processing", {}), ("request_stop", {"reason": "Đề nghị"}),
                       ("request_withdrawal", {"reason": "Rút hồ sơ"})):
        asked = actions.perform(asked, name, person, **data)
    ready = actions.intake_at_counter(submission(org, d.procedure, channel=1),
                                      officer=org.officer_a, now=at("09:20 16/11/2026"))
    for name in ("start_processing", "mark_result_ready"):
        ready = actions.perform(ready, name, person)
    return [d, online, asked, ready]


def test_every_action_form_shows_what_is_missing_next_to_its_field(client, org, plain, clock):
    d, person = plain
    client.force_login(person)
    covered = set()
    for dossier in in_states(org, d, person):
        for name in sorted(offered(html_of(client.get(url(dossier)))) & ON_PAGE):
            events = DossierEvent.objects.filter(dossier=dossier).count()
            html = html_of(act(client, dossier, name))
            spec = lifecycle.action(name)
            for item in spec.inputs:
                if item.required:
                    field = API_INPUT_NAMES.get(item.name, item.name)
                    assert field_error(html, name, field), (name, field)
            if spec.target in lifecycle.FINISHING:
                assert field_error(html, name, "confirm") == "Đánh dấu ô để xác nhận."
            assert "govuk-error-summary" in html
            assert f'id="{name}" open' in html  # the form is open where the errors are
            assert DossierEvent.objects.filter(dossier=dossier).count() == events
            covered.add(name)
    # routing waits for the dispatch queue (the counter's part); every other form is here
    assert covered == ON_PAGE - {"route"}


def test_an_action_the_dossier_is_not_in_the_status_for_is_refused_with_the_reason(
        client, org, plain, clock):
    d, person = plain
    client.force_login(person)
    html = html_of(act(client, d, "return_result", confirm="on"), 409)
    assert "govuk-error-summary" in html and "trạng thái" in html
    html = html_of(act(client, d, "stop", reason="Không có đề nghị", confirm="on"), 409)
    assert "govuk-error-summary" in html
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED


def test_a_date_outside_its_window_is_shown_next_to_it_with_what_was_typed(client, world,
                                                                          clock):
    d = world.receive()
    client.force_login(world.org.officer_a)  # the receiving unit may apologise too
    html = html_of(act(client, d, "apologize", reason="Cần xác minh thêm",
                       new_appointment="2026-11-18T10:00"))  # before the due time
    assert "phải sau" in field_error(html, "apologize", "new_appointment")
    assert 'value="2026-11-18T10:00"' in html and "Cần xác minh thêm</textarea>" in html
    html = html_of(act(client, d, "apologize", reason="Cần xác minh thêm",
                       new_appointment="ngày mai"))
    assert field_error(html, "apologize", "new_appointment")
    assert not Apology.objects.filter(dossier=d).exists()


def test_the_apology_is_issued_here_and_form_04_prints(client, world, clock):
    d = world.receive()
    client.force_login(world.org.specialist_a)
    response = act(client, d, "apologize", reason="Cần xác minh thêm",
                   new_appointment="2026-11-20T10:00")
    assert response.status_code == 302
    html = html_of(client.get(url(d)))
    assert f'href="/api/v1/dossiers/{d.code}/slips/04.pdf"' in html
    pdf = client.get(f"/api/v1/dossiers/{d.code}/slips/04.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert Dossier.objects.get(pk=d.pk).appointment_at == at("10:00 20/11/2026")


def test_an_amount_and_a_file_are_checked_as_the_api_checks_them(client, org, plain, clock):
    d, person = plain
    client.force_login(person)
    actions.perform(d, "start_processing", person)
    html = html_of(act(client, d, "request_payment", amount_vnd="năm chục"))
    assert field_error(html, "request_payment", "amount_vnd")
    assert 'value="năm chục"' in html
    fake = SimpleUploadedFile("to-khai.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(url(d, "hanh-dong", "attach_file"),
                           {"attach_file-once": "k", "attach_file-file": fake})
    assert field_error(html_of(response), "attach_file", "file")
    real = SimpleUploadedFile("to-khai.pdf", pdf_bytes(), content_type="application/pdf")
    component = d.components.get()
    response = client.post(url(d, "hanh-dong", "attach_file"),
                           {"attach_file-once": "k", "attach_file-file": real,
                            "attach_file-component_id": component.pk})
    assert response.status_code == 302
    stored = component.files.get()
    html = html_of(client.get(url(d)))
    assert f'href="/api/v1/dossiers/{d.code}/files/{stored.pk}"' in html
    assert client.get(f"/api/v1/dossiers/{d.code}/files/{stored.pk}").status_code == 200


def test_a_decision_is_offered_only_on_a_request_and_asks_for_a_confirmation(
        client, org, plain, clock):
    d, person = plain
    client.force_login(person)
    html = html_of(client.get(url(d)))
    assert "request_stop" in offered(html) and "stop" not in offered(html)
    act(client, d, "request_stop", reason="Người nộp đề nghị")
    html = html_of(client.get(url(d)))
    assert {"stop", "decline_request"} <= offered(html)
    html = html_of(act(client, d, "stop", reason="Theo đề nghị"))
    assert field_error(html, "stop", "confirm")
    assert act(client, d, "stop", reason="Theo đề nghị", confirm="on").status_code == 302
    assert Dossier.objects.get(pk=d.pk).status == Status.STOPPED
    assert f"/api/v1/dossiers/{d.code}/slips/05.pdf" in html_of(client.get(url(d)))


def test_every_slip_listed_prints_and_no_other(client, world, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    pactions.act(step, "request_supplement", actor=world.org.specialist_a,
                 items=[{"name": "Bản sao CCCD"}])
    client.force_login(world.org.specialist_a)
    listed = set(re.findall(rf"/api/v1/dossiers/{re.escape(d.code)}/slips/(\d\d)\.pdf",
                            html_of(client.get(url(d)))))
    assert listed == {"01", "02", "06"}
    for form in ("01", "02", "03", "04", "05", "06"):
        response = client.get(f"/api/v1/dossiers/{d.code}/slips/{form}.pdf")
        assert response.status_code == (200 if form in listed else 409), form


# --- folded forms ------------------------------------------------------------------------------


def form_url(d: Dossier, key: str) -> str:
    return url(d, "bieu-mau", key)


def test_a_folded_form_comes_when_its_disclosure_opens_and_only_to_who_may_act(
        client, world, auditor, clock):
    d = world.receive()
    step = world.open_step(d)
    pactions.claim(step, user=world.org.specialist_a)
    client.force_login(world.org.specialist_a)
    page = html_of(client.get(url(d)))
    key = f"step{step.pk}-forward"
    # the page names the form and where to fetch it, without its fields
    assert f'id="{key}"' in page and f'hx-get="{form_url(d, key)}"' in page
    assert f'name="{key}-note"' not in page
    fragment = html_of(client.get(form_url(d, key), headers={"HX-Request": "true"}))
    assert f'action="{step_url(d, step, "forward")}"' in fragment
    assert f'name="{key}-note"' in fragment and f'name="{key}-once"' in fragment
    assert "<html" not in fragment  # the form alone, swapped into the disclosure
    # without script: the page itself, with that form open at its place
    response = client.get(form_url(d, key))
    assert response.status_code == 302 and response["Location"] == f"{url(d)}?form={key}#{key}"
    opened = html_of(client.get(f"{url(d)}?form={key}"))
    assert f'id="{key}" open' in opened and f'name="{key}-note"' in opened
    # someone who may read the dossier but not take the step's action, and a key never offered
    client.force_login(world.specialist_a2)
    assert client.get(form_url(d, key), headers={"HX-Request": "true"}).status_code == 404
    client.force_login(auditor)
    assert client.get(form_url(d, key), headers={"HX-Request": "true"}).status_code == 404
    client.force_login(world.org.specialist_a)
    assert client.get(form_url(d, "no_such-action"),
                      headers={"HX-Request": "true"}).status_code == 404


def test_a_folded_form_of_a_dossier_out_of_reach_is_the_same_404(client, world, org, clock):
    d = world.receive()
    client.force_login(org.officer_b)  # another ward's counter
    missing = client.get(url(d)[:-1] + "X/bieu-mau/request_stop/", headers={"HX-Request": "1"})
    refused = client.get(form_url(d, "request_stop"), headers={"HX-Request": "1"})
    assert refused.status_code == missing.status_code == 404
    def main(response) -> str:  # the page's own part (the header holds a fresh CSRF token)
        return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)

    bogus = url(d)[:-1].rsplit("/", 1)[1] + "X"
    assert main(refused) == main(missing).replace(bogus, d.code)
