"""Demo ratings and petitions, so that the portal's pages, the staff's petitions worklist and
the index's satisfaction group (5.1–5.3) show something real after `make run`.

Through the real actions (petitions.actions), with times in the past: the demo citizens rate a
few of their finished dossiers (one dissatisfied, with the reason) and file petitions in every
state: answered in time and rated satisfying, refused in time, waiting for the information the
agency asked for, open and in time, and open past its deadline. Idempotent: nothing is made
when a petition or a rating exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.dossiers import lifecycle
from motcua.dossiers import policy as dossier_policy
from motcua.dossiers.models import Dossier
from motcua.org.models import Agency, StaffRole, User
from motcua.petitions import actions, policy
from motcua.petitions.models import Petition, Rating, Topic
from motcua.workcalendar.service import get_calendar

CITIZENS = ("citizen.an", "citizen.lan")


def _answerer(agency: Agency) -> User | None:
    role = StaffRole.objects.active().filter(agency=agency, role__in=policy.ANSWERERS) \
        .select_related("user").order_by("role", "user__username").first()
    return role.user if role is not None else None


def _working_hours_later(at: dt.datetime, hours: int, now: dt.datetime) -> dt.datetime:
    return min(get_calendar().add_working_seconds(at, hours * 3600), now)


def _finished(user: User) -> list[Dossier]:
    return list(dossier_policy.visible_dossiers(user)
                .filter(status__in=lifecycle.FINISHING, received_at__isnull=False,
                        finished_at__isnull=False)
                .select_related("procedure", "handling_agency").order_by("finished_at", "pk"))


def build_demo_petitions(now: dt.datetime | None = None) -> dict[str, Any]:
    now = (now or timezone.now()).replace(microsecond=0)
    if Petition.objects.exists() or Rating.objects.exists():
        return {"petitions": Petition.objects.count(), "ratings": Rating.objects.count(),
                "created": 0}
    people = {u.username: u for u in User.objects.filter(username__in=CITIZENS)}
    if len(people) < len(CITIZENS):
        return {"petitions": 0, "ratings": 0, "created": 0}
    an, lan = people["citizen.an"], people["citizen.lan"]
    made = 0
    with transaction.atomic():
        mine = _finished(an)
        for n, d in enumerate(mine[:4]):
            actions.rate_dossier(d, an, satisfied=n != 1,
                                 reason="Phải đến bộ phận một cửa hai lần mới nhận được kết quả"
                                 if n == 1 else "", now=_working_hours_later(d.finished_at or now,
                                                                              2, now))
            made += 1
        made += _petitions(an, lan, mine, _finished(lan), now)
    return {"petitions": Petition.objects.count(), "ratings": Rating.objects.count(),
            "created": made}


def _petitions(an: User, lan: User, an_dossiers: list[Dossier], lan_dossiers: list[Dossier],
               now: dt.datetime) -> int:
    made = 0
    calendar = get_calendar()
    if an_dossiers:  # answered in time, the answer rated satisfying
        d = an_dossiers[-1]
        filed = _working_hours_later(d.finished_at or now, 4, now)
        p = actions.file_petition(an, text="Cán bộ hẹn trả kết quả nhưng khi tôi đến thì chưa "
                                  "có, phải quay lại hôm sau.", topic=Topic.CONDUCT, dossier=d,
                                  now=filed)
        made += 1
        if (head := _answerer(p.agency)) is not None and filed < now:
            answered = _working_hours_later(filed, 12, now)
            actions.answer_petition(p, head, outcome="answer", now=answered,
                                    text="Chúng tôi xin lỗi ông. Cán bộ tiếp nhận đã được nhắc "
                                         "nhở; từ nay kết quả được trả đúng hẹn.")
            actions.rate_answer(p, an, satisfied=True, now=_working_hours_later(answered, 1, now))
    # the oldest: never answered, past its 15 working days; the newest two: waiting for the
    # information asked for, and open in time
    chosen = [(lan_dossiers[0], "late")] if len(lan_dossiers) >= 3 else []
    chosen += list(zip(lan_dossiers[-2:], ("clarify", "open"), strict=False))
    for d, state in chosen:
        finished = d.finished_at or now
        filed = finished + dt.timedelta(hours=1) if state == "late" \
            else max(finished, now - dt.timedelta(days=2 if state == "clarify" else 1))
        p = actions.file_petition(lan, text="Thời gian giải quyết hồ sơ quá lâu so với giấy "
                                  "hẹn; đề nghị cơ quan giải thích.", topic=Topic.RULES,
                                  dossier=d, now=min(filed, now))
        made += 1
        head = _answerer(p.agency)
        if state == "clarify" and head is not None:
            asked = min(calendar.add_working_seconds(p.received_at, 4 * 3600), now)
            actions.answer_petition(p, head, outcome="clarify", now=asked,
                                    text="Đề nghị bà cho biết ngày hẹn ghi trên Giấy tiếp nhận.")
    return made
