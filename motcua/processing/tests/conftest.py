"""A small province with a commune People's Committee (specialists, a head, a leader), a tax
agency, the commune's service center, and an inter-agency process for the test procedure."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

import pytest

from motcua.dossiers.tests.factories import at, person, submission
from motcua.org.models import Agency, Role, User
from motcua.processing.models import Process, StepInstance
from motcua.processing.publishing import publish_process
from motcua.tests.builders import Org, agency, staff

TAX_CODE = "000.00.31.H40"

# 8 + 4 + 4 + 4 = 20 working hours on the longest path, within 3 working days (24 h).
DEFINITION = {
    "procedure": "1.004873",
    "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
    "steps": [
        {
            "key": "check", "name": "Thẩm định hồ sơ", "role": "specialist",
            "agency": "competent", "hours": 8,
            "actions": {
                "forward": [
                    {"to": "tax", "when": {"field": "form_data.has_land", "equals": True}},
                    {"to": "approve"},
                ],
                "handover": "tax",
                "request_supplement": None,
                "refuse": None,
            },
        },
        {
            "key": "tax", "name": "Xác định nghĩa vụ thuế", "role": "specialist",
            "agency": f"code:{TAX_CODE}", "hours": 4,
            "actions": {"forward": "approve", "return": "check"},
        },
        {
            "key": "approve", "name": "Phê duyệt", "role": "head", "agency": "competent",
            "hours": 4,
            "actions": {"approve": "deliver", "return": "check", "refuse": None},
        },
        {
            "key": "deliver", "name": "Trả kết quả", "role": "one_stop_officer",
            "agency": "receiving", "hours": 4, "actions": {"finish": None},
        },
    ],
}

T0 = "09:00 16/11/2026"  # a Monday


def definition(**changes) -> dict:
    raw = copy.deepcopy(DEFINITION)
    raw.update(changes)
    return raw


@dataclass
class World:
    org: Org
    procedure: object
    process: Process
    tax: Agency
    head_a: User
    leader_a: User
    specialist_a2: User
    specialist_b: User  # specialist at commune B's People's Committee
    tax_officer: User
    tax_head: User
    officer_a2: User

    def receive(self, when: str = T0, form_data: dict | None = None, **kw):
        from motcua.dossiers import actions

        sub = submission(self.org, self.procedure, channel=1, **kw)
        if form_data is not None:
            sub = actions.Submission(**{**sub.__dict__, "form_data": form_data})
        return actions.intake_at_counter(sub, officer=self.org.officer_a, now=at(when))

    def open_step(self, dossier) -> StepInstance:
        return StepInstance.objects.get(dossier=dossier, finished_at__isnull=True)


@pytest.fixture
def world(org, procedure) -> World:
    tax = agency(TAX_CODE, "Chi cục Thuế khu vực Ninh Bình", "sector", org.province)
    process = publish_process(procedure, definition(), effective_from=dt.date(2025, 7, 1))
    return World(
        org=org, procedure=procedure, process=process, tax=tax,
        head_a=staff("head.a", "Đỗ Văn Trưởng", org.pc_a, Role.HEAD),
        leader_a=staff("leader.a", "Vũ Thị Lãnh", org.pc_a, Role.LEADER),
        specialist_a2=staff("specialist.a2", "Ngô Minh Tâm", org.pc_a, Role.SPECIALIST),
        specialist_b=staff("specialist.b", "Lý Thu Hà", org.pc_b, Role.SPECIALIST),
        tax_officer=staff("tax.officer", "Trịnh Công Thuế", tax, Role.SPECIALIST),
        tax_head=staff("tax.head", "Mai Văn Chi", tax, Role.HEAD),
        officer_a2=staff("officer.a2", "Bùi Thị Nhàn", org.center_a, Role.ONE_STOP_OFFICER),
    )


__all__ = ["World", "at", "definition", "person", "T0", "TAX_CODE"]
