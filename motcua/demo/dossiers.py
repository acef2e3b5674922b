"""Sample dossiers for the demo province, made through the real actions with historical times.

`build_demo_dossiers` replays a few hundred dossiers over the last ~60 days: received at the
counter or submitted online at the demo province's service centers, across many of the real
procedures, by applicants with valid personal ID numbers or tax codes. Every action is done by
a demo account that `policy.can_act` allows (the receiving center's one-stop officer, the
handling People's Committee's specialist/head/leader, the agency a dossier was handed to, or
the citizen who owns an online dossier), at a working-hours time, so the demo never shows a
step a real user could not take. The data is reproducible for a given `seed` and `now`.

The final statuses cover every status 0-10, with finished dossiers early, on time and
deliberately late, and open ones in time and overdue; with supplements (the clock pauses),
payments, an apology with a new appointment, inter-agency handovers, refusals, withdrawals and
stops. The apologies and stops carry their letters' numbers and signers (Forms 04 and 05), every
received dossier its row in its unit's tracking book (Form 07), and one dossier is collected at
another one-stop unit than the one that received it (others by post and online). The applicant
of an online dossier uploads the file of each component declared as uploaded (a small real PDF
made here) before it is received, as the officer receives it only then; a dossier asked for a
supplement before receipt uploads them with the supplement, one left waiting for review in three
and those asked for a supplement online before receipt still wait for them.

Only agencies where the demo organisation has processors (specialist, head, leader) can move a
dossier past receipt: the dossiers whose plan needs processing are placed in the first named
commune (Hoa Lư), whose People's Committee handles most of them, or go to the police for police
procedures; the Department of Justice gives opinions on dossiers handed over to it. Dossiers
routed to an agency without processors (the department the routing picks for province-level
procedures) only get the receiving center's steps: received, refused, withdrawn, a supplement
before receipt.

With `received_before` (what `load_demo` passes: the day the internal processes take effect,
see `motcua.demo.processes`), every dossier that is received at all is received before that
day, so none of them is missing the process it would have followed; the later steps still
happen up to `now`. Dossiers never received (submitted online and not reviewed yet, or waiting
for a supplement before receipt) may arrive up to `now`.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Level, OnlineLevel, Procedure, ProcedureVersion, SupplementMode
from motcua.demo.org import NAMED_COMMUNES
from motcua.dossiers import actions, lifecycle, policy, returns
from motcua.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentSource,
    Dossier,
    Representation,
    ReturnMethod,
    Status,
)
from motcua.dossiers.routing import competent_agency, place_form_data, receivable_at
from motcua.dossiers.serializers import timeliness_of
from motcua.integration import identity
from motcua.org.identifiers import Sex, personal_id_marker, tax_code_check_digit
from motcua.org.models import AdministrativeUnit, Agency, Role, StaffRole, User
from motcua.records import digitization, doctypes
from motcua.workcalendar import rules
from motcua.workcalendar.rules import TZ, WorkCalendar
from motcua.workcalendar.service import get_calendar, working_day_hours

DEMO_MARK = "demo"  # form_data key that marks the sample dossiers
DEMO_PROVINCE = "37"  # Ninh Bình, as built by motcua.demo.org.build_demo_org
WINDOW_DAYS = 60
HOUR = 3600
DAY = round(working_day_hours() * HOUR)  # one working day of working time

TIMELINESS = (*rules.TIMELINESS, rules.NO_CLOCK)

# How often each procedure is asked for in a commune (a guess for the demo; default 1).
POPULARITY = {
    "2.000815": 12, "1.001193": 10, "1.004873": 8, "2.000635": 8, "2.000884": 6,
    "1.000894": 5, "1.000656": 4, "1.001612": 4, "1.013978": 4, "2.000986": 4,
    "1.004194": 4, "1.013225": 3, "2.001023": 3, "1.004222": 3, "1.014061": 3,
    "3.000333": 3, "3.000347": 3, "1.013831": 3, "2.000720": 2, "1.013949": 2,
    "2.000908": 2, "2.002481": 2, "1.013067": 2, "1.012784": 2,
}
# Procedures an organisation may apply for in the demo (construction, land, certified copies).
ORG_PROCEDURES = {"1.013225", "1.013949", "1.013978", "1.013831", "1.012784", "2.000815"}
# Interlinked procedures ("liên thông") and the sector agencies their dossiers pass through.
INTERLINKED = {"2.000986": ("CA", "BHXH"), "2.001023": ("BHXH",)}

SURNAMES = (
    ["Nguyễn"] * 30 + ["Trần"] * 10 + ["Lê"] * 8 + ["Phạm"] * 7 + ["Hoàng"] * 4 + ["Vũ"] * 5
    + ["Đinh"] * 3 + ["Đỗ"] * 3 + ["Bùi"] * 3 + ["Phan"] * 2 + ["Ngô"] * 2 + ["Đặng"] * 2
    + ["Mai", "Lương", "Trịnh", "Tạ", "Lại", "Dương", "Hà", "Cao", "Tống", "Nghiêm"]
)
MALE_MIDDLE = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Tiến",
               "Trọng", "Ngọc", "Quốc", "Mạnh"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim",
                 "Thùy", "Bích"]
MALE_GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
              "Khánh", "Khoa", "Long", "Mạnh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Thắng",
              "Thành", "Trung", "Tuấn", "Việt", "Vinh", "Đông", "Lâm", "Tùng", "Kiên", "Duy"]
FEMALE_GIVEN = ["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
                "Huyền", "Lan", "Linh", "Loan", "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương",
                "Quỳnh", "Thảo", "Trang", "Vân", "Yến", "Thủy", "Liên", "Nga", "Hòa", "Xuân"]
# Birth provinces (personal ID prefixes) of people living in Ninh Bình since the 2025 merger
# (Ninh Bình, Nam Định, Hà Nam), and a few from elsewhere.
ID_PROVINCES = ["037"] * 6 + ["036"] * 5 + ["035"] * 3 + ["038", "034", "001", "022", "040"]
# Tax-code province prefixes (old tax departments): Ninh Bình 27, Nam Định 06, Hà Nam 07.
TAX_PROVINCES = ["27", "27", "27", "06", "06", "07"]
ORG_NAMES = [
    "Công ty TNHH Xây dựng Tràng An", "Công ty Cổ phần Du lịch Hoa Lư",
    "Công ty TNHH Thương mại Thành Nam", "Công ty TNHH Dệt may Sơn Nam",
    "Công ty Cổ phần Vật liệu xây dựng Cố đô", "Hợp tác xã Nông nghiệp Ninh Nhất",
    "Công ty TNHH Cơ khí Vân Giang", "Công ty Cổ phần Đầu tư Bích Động",
    "Công ty TNHH Dịch vụ Vận tải Non Nước", "Công ty TNHH Gốm sứ Bồ Bát",
]
STREETS = {
    "hoalu": ["đường Trần Hưng Đạo", "đường Lê Hoàn", "đường Đinh Tiên Hoàng", "đường Tràng An",
              "đường Lương Văn Thăng", "phố Lê Thái Tổ", "đường Xuân Thành", "phố Vân Giang"],
    "namdinh": ["đường Trần Hưng Đạo", "phố Hàng Tiện", "đường Hùng Vương", "đường Trường Chinh",
                "phố Máy Tơ", "đường Giải Phóng", "phố Minh Khai", "đường Điện Biên"],
    "other": ["thôn Đông", "thôn Trung", "thôn Đoài", "xóm Chùa", "xóm Mới", "thôn Thượng"],
}
PHONE_PREFIXES = ["091", "094", "098", "097", "096", "086", "088", "090", "093", "035", "036",
                  "038", "039", "032", "033", "034", "037", "070", "076", "077", "078", "079"]

SUPPLEMENT_NOTES = [
    "Bản sao chưa được chứng thực",
    "Thiếu chữ ký của người yêu cầu",
    "Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư",
    "Ảnh chụp không rõ, không đọc được",
    "Giấy tờ đã hết hiệu lực",
]
REFUSALS = [
    "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan",
    "Người yêu cầu không đủ điều kiện theo quy định",
    "Việc này đã được giải quyết trước đây, đã có kết quả",
]
WITHDRAWALS = [
    "Người nộp đề nghị rút hồ sơ để hoàn thiện thông tin",
    "Người yêu cầu không còn nhu cầu giải quyết",
    "Nộp nhầm thủ tục, xin rút để nộp lại đúng thủ tục",
]
STOPS = [
    "Quá thời hạn bổ sung mà người yêu cầu không bổ sung hồ sơ (thông báo dừng xử lý)",
    "Giấy tờ trong hồ sơ có dấu hiệu giả mạo, đã chuyển cơ quan có thẩm quyền (thông báo dừng)",
]
APOLOGIES = [
    "Cần xác minh thêm thông tin tại cơ quan liên quan nên chưa trả kết quả đúng hẹn",
    "Hệ thống cơ sở dữ liệu chuyên ngành gián đoạn, chưa kịp trả kết quả đúng hẹn",
]


class _OutOfTime(Exception):
    """The next step would happen after `now`: the dossier stays where it is."""


@dataclass
class _Proc:
    procedure: Procedure
    version: ProcedureVersion
    weight: int
    since: dt.date  # the first day a version is in force

    @property
    def code(self) -> str:
        return self.procedure.code or ""

    @property
    def budget(self) -> int:
        """Rough working seconds of the statutory duration (for choosing plans)."""
        duration = self.version.duration()
        assert duration is not None
        if duration.unit == "working_days":
            return duration.value * DAY
        if duration.unit == "working_hours":
            return duration.value * HOUR
        if duration.unit == "calendar_days":
            return duration.value * 5 * DAY // 7
        return DAY // 2  # same day

    @property
    def fee(self) -> int:
        amounts = [f.amount_vnd for f in self.version.fees.all() if f.amount_vnd]
        return max(amounts) if amounts else 0


@dataclass
class _Place:
    key: str  # "hoalu", "namdinh", "other"
    unit: AdministrativeUnit
    center: Agency | None  # the commune's service center, when it has demo officers


@dataclass
class _Case:
    proc: _Proc
    channel: int
    place: _Place
    receiving: Agency
    handling: Agency
    account: User | None = None


@dataclass
class _Plan:
    name: str
    run: Callable[[_Run], None]
    process: bool = False  # needs processors at the handling agency
    online: bool | None = None  # None: either channel
    min_budget: int = 0  # working seconds of the statutory duration at least
    fee: bool = False  # needs a procedure with a positive fee (a payment step)
    finished: bool = False  # expected to end in a finishing status (start early enough)
    open_until: str = ""  # "in_time" | "overdue" for plans left open
    timeliness: str = ""  # the intended class of a finished plan
    extras: dict[str, Any] = field(default_factory=dict)


def working_before(cal: WorkCalendar, t: dt.datetime, seconds: float) -> dt.datetime:
    """The latest working moment with `seconds` of working time between it and `t` (the
    inverse of `add_working_seconds`; `t` itself when `seconds` <= 0)."""
    seconds = int(seconds)
    if seconds <= 0:
        return t
    lo = t - dt.timedelta(days=seconds / DAY * 2 + 20)
    hi = t
    while cal.working_seconds_between(lo, t) < seconds:  # far back enough (long holidays)
        lo -= dt.timedelta(days=30)
    # the largest s with working_seconds_between(s, t) >= seconds, to the second
    while (hi - lo).total_seconds() > 1:
        mid = lo + (hi - lo) / 2
        if cal.working_seconds_between(mid, t) >= seconds:
            lo = mid
        else:
            hi = mid
    return lo.replace(microsecond=0)


def _never_received(plan: _Plan, channel: int) -> bool:
    """Plans whose dossier is never received (no legal clock, no process)."""
    if plan.name in {"submitted", "before_receipt", "refused"}:
        return True
    return plan.name == "withdrawn" and plan.extras.get("at") == "submitted" \
        and channel == Channel.ONLINE


class _Demo:
    def __init__(self, rng: random.Random, now: dt.datetime,
                 received_before: dt.datetime | None = None) -> None:
        self.rng = rng
        self.now = now
        self.received_before = received_before
        self.cal: WorkCalendar = get_calendar()
        self.window_start = now - dt.timedelta(days=WINDOW_DAYS)
        self._load_org()
        self._load_procedures()

    # ---- the demo organisation ----------------------------------------------------------------

    def _load_org(self) -> None:
        self.staff: dict[int, dict[str, list[User]]] = {}
        for role in StaffRole.objects.active().select_related("user").order_by("user_id"):
            if role.user.is_active:
                self.staff.setdefault(role.agency_id, {}).setdefault(role.role, []).append(
                    role.user
                )
        province = AdministrativeUnit.objects.get(code=DEMO_PROVINCE, level="province")
        self.province = province
        self.province_center = Agency.objects.get(
            kind=Agency.Kind.PROVINCE_CENTER, unit=province, is_active=True
        )
        if not self.officers(self.province_center):
            raise RuntimeError("The demo organisation is missing: run build_demo_org first.")
        hoalu, namdinh = NAMED_COMMUNES[DEMO_PROVINCE]
        self.places: dict[str, list[_Place]] = {}
        for key, code in (("hoalu", hoalu), ("namdinh", namdinh)):
            unit = AdministrativeUnit.objects.get(code=code, level="commune")
            center = Agency.objects.filter(kind=Agency.Kind.COMMUNE_CENTER, unit=unit,
                                           is_active=True).first()
            self.places[key] = [_Place(key, unit, center if self.officers(center) else None)]
        others = list(province.children.exclude(code__in=[hoalu, namdinh]).order_by("code"))
        sample = self.rng.sample(others, min(12, len(others)))
        self.places["other"] = [_Place("other", u, None) for u in sample]
        self.citizens = list(User.objects.filter(kind=User.Kind.CITIZEN, is_active=True)
                             .exclude(national_id="").order_by("id"))
        sectors = {a.short_name: a for a in Agency.objects.filter(
            unit=province, kind=Agency.Kind.SECTOR, is_active=True)}
        self.sector = sectors
        # the department whose demo processors give opinions on handed-over dossiers
        self.consulted = [a for a in Agency.objects.filter(
            unit=province, kind=Agency.Kind.DEPARTMENT, is_active=True).order_by("code")
            if self.processors(a)]

    def receiving_units(self) -> list[Agency]:
        """The demo's one-stop units with officers: the province's center, then the named
        communes' centers."""
        centers = [self.province_center] + [
            p.center for p in self.places["hoalu"] + self.places["namdinh"] if p.center]
        return [c for c in centers if self.officers(c)]

    def officers(self, agency: Agency | None) -> list[User]:
        return self.staff.get(agency.pk, {}).get(Role.ONE_STOP_OFFICER, []) if agency else []

    def processors(self, agency: Agency) -> list[User]:
        roles = self.staff.get(agency.pk, {})
        return [u for r in lifecycle.PROCESSORS for u in roles.get(r, [])]

    # ---- the catalogue --------------------------------------------------------------------------

    def _load_procedures(self) -> None:
        self.procs: list[_Proc] = []
        for procedure in (Procedure.objects.filter(is_active=True).exclude(code__isnull=True)
                          .exclude(code="").order_by("code")):
            version = procedure.version_on(self.now.astimezone(TZ).date())
            if version is None or version.duration() is None:
                continue  # not in force, or no confirmed duration: no legal clock to show
            since = min(procedure.versions.values_list("effective_from", flat=True))
            version = ProcedureVersion.objects.prefetch_related("fees", "components").get(
                pk=version.pk
            )
            self.procs.append(_Proc(procedure, version, POPULARITY.get(procedure.code or "", 1),
                                    since))
        if not self.procs:
            raise RuntimeError("No procedure with a confirmed duration: run load_procedures.")

    # ---- choosing a case ------------------------------------------------------------------------

    def case_for(self, plan: _Plan) -> _Case | None:
        rng = self.rng
        procs = [p for p in self.procs if p.budget >= plan.min_budget and (p.fee or not plan.fee)]
        if plan.extras.get("restart"):
            procs = [p for p in procs if p.version.supplement_mode == SupplementMode.RESTART]
        if plan.extras.get("interlinked"):
            procs = [p for p in procs if p.code in INTERLINKED] or procs
        if self.received_before is not None and plan.open_until == "in_time":
            # received before the bound and still in time now: a long enough procedure (if
            # none fits, e.g. a fee and a long duration, the dossier is simply older)
            procs = [p for p in procs
                     if p.budget > self.gap(plan, Channel.COUNTER) + DAY] or procs
        for _attempt in range(60):
            if not procs:
                return None
            proc = rng.choices(procs, weights=[p.weight for p in procs])[0]
            online_ok = proc.version.online_level != OnlineLevel.NONE and self.citizens
            online = plan.online if plan.online is not None else rng.random() < 0.35
            if (online and plan.online is None and self.received_before is not None
                    and plan.open_until == "in_time"
                    and proc.budget <= self.gap(plan, Channel.ONLINE) + DAY):
                online = False
            if online and not online_ok:
                continue
            if online or plan.process:
                # the demo citizens live in the commune whose People's Committee has processors
                place = self.places["hoalu"][0]
            else:
                key = rng.choices(["hoalu", "namdinh", "other"], weights=[45, 40, 15])[0]
                place = rng.choice(self.places[key])
            receiving = place.center or self.province_center
            if proc.version.level == Level.PROVINCE:
                receiving = self.province_center
            elif rng.random() < 0.3:
                # any service center of the province receives (not bound to where one lives)
                centers = [self.province_center] + [
                    p.center for p in self.places["namdinh"] + self.places["hoalu"] if p.center
                ]
                receiving = rng.choice(centers)
            routed = competent_agency(proc.version, receiving, place.unit, place=place.unit)
            if routed.agency is None:
                continue  # the dispatch queue has dossiers of its own (_dispatch)
            if not receivable_at(proc.version, receiving, routed):
                # not on the province's list received regardless of boundary: its own unit
                receiving = (self.province_center if proc.version.level == Level.PROVINCE
                             else place.center or self.province_center)
                if not receivable_at(proc.version, receiving, routed):
                    continue
            handling = routed.agency
            if plan.process and not self.processors(handling):
                continue
            account = rng.choice(self.citizens) if online else None
            return _Case(proc, Channel.ONLINE if online else Channel.COUNTER, place, receiving,
                         handling, account)
        return None

    # ---- times ----------------------------------------------------------------------------------

    def arrival_bound(self, plan: _Plan, channel: int) -> dt.datetime:
        """The dossier must arrive before this, so that it is received (if ever) before
        `received_before`: an online review takes up to 6 working hours, a supplement before
        receipt up to ~3.3 working days."""
        if self.received_before is None or _never_received(plan, channel):
            return self.now
        margin = 0
        if channel == Channel.ONLINE:
            margin = DAY
        if plan.extras.get("pre_supplement"):
            margin = 4 * DAY
        return min(self.now, working_before(self.cal, self.received_before, margin))

    def gap(self, plan: _Plan, channel: int) -> int:
        """Working seconds from the latest possible arrival to `now`."""
        return self.cal.working_seconds_between(self.arrival_bound(plan, channel), self.now)

    def start_time(self, plan: _Plan, case: _Case) -> dt.datetime:
        """When the dossier arrives, so that the plan can play out before `now` (and it is
        received before `received_before`, when given)."""
        rng, cal = self.rng, self.cal
        bound = self.arrival_bound(plan, case.channel)
        since = dt.datetime.combine(case.proc.since, dt.time(0), tzinfo=TZ)
        lo = max(self.window_start, since)
        duration = case.proc.version.duration(online=case.channel == Channel.ONLINE)
        assert duration is not None

        def due(t: dt.datetime) -> dt.datetime:
            return cal.due_date(t, duration, cutoff=case.proc.version.cutoff).due_at

        recent = plan.open_until == "in_time" or plan.name in {"submitted", "received_new"}
        base = dt.timedelta(days=3 if plan.name == "submitted"
                            else max(2, case.proc.budget // DAY))
        fallback = None
        for attempt in range(40):
            if recent:  # look further back after each miss (holidays, weekends)
                span = min(bound - lo, base * (1 + attempt / 8))
                t = bound - span * rng.random()
            else:
                t = lo + (bound - lo) * rng.random()
            t = self.arrival(t, case.channel, bound)
            if t < lo or t >= bound:
                continue
            if plan.finished:
                slack = 5 * DAY + (4 * DAY if plan.extras.get("pauses") else 0)
                ok = cal.add_working_seconds(due(t), slack) < self.now
            elif plan.open_until == "in_time":
                ok = due(t) > self.now and cal.working_seconds_between(t, self.now) > HOUR
            elif plan.open_until == "overdue":
                ok = cal.add_working_seconds(due(t), DAY) < self.now
            else:
                ok = True
            if ok:
                return t
            fallback = fallback or t
        if plan.finished or plan.open_until == "overdue":  # as early as possible
            early = self.arrival(lo + dt.timedelta(hours=rng.uniform(0, 48)), case.channel,
                                 bound)
            fallback = early if lo <= early < bound else fallback
        return fallback or self.before(bound)

    def before(self, bound: dt.datetime) -> dt.datetime:
        """A working moment before `bound`: the morning of the last working day."""
        day = bound.astimezone(TZ).date()
        for _i in range(60):
            if self.cal.is_working_day(day):
                t = dt.datetime.combine(day, dt.time(7, 30), tzinfo=TZ)
                if t < bound:
                    return t
            day -= dt.timedelta(days=1)
        return bound - dt.timedelta(hours=1)

    def arrival(self, t: dt.datetime, channel: int, bound: dt.datetime | None = None
                ) -> dt.datetime:
        """Online: any day, 06:30-22:30. Counter: a working moment (the next one if needed)."""
        bound = bound or self.now
        local = t.astimezone(TZ).replace(microsecond=0)
        if channel == Channel.ONLINE:
            minute = 6 * 60 + 30 + int(self.rng.random() * 16 * 60)
            local = local.replace(hour=minute // 60, minute=minute % 60, second=0)
            return local if local < bound else local - dt.timedelta(days=1)
        moment = self.cal.next_working_moment(local)
        if moment != local:  # opening time: people arrive in the first hours, not at 07:00:00
            moment = self.cal.add_working_seconds(moment, int(self.rng.uniform(5, 150) * 60))
        return moment

    # ---- people ---------------------------------------------------------------------------------

    def person(self, place: _Place) -> actions.Applicant:
        rng = self.rng
        sex: Sex = "male" if rng.random() < 0.5 else "female"
        middle = rng.choice(MALE_MIDDLE if sex == "male" else FEMALE_MIDDLE)
        given = rng.choice(MALE_GIVEN if sex == "male" else FEMALE_GIVEN)
        name = f"{rng.choice(SURNAMES)} {middle} {given}"
        year = rng.randint(1950, 2007)
        id_number = (f"{rng.choice(ID_PROVINCES)}{personal_id_marker(year, sex)}{year % 100:02d}"
                     f"{rng.randrange(10**6):06d}")
        return actions.Applicant(
            kind=ApplicantKind.PERSON, name=name, id_number=id_number, phone=self.phone(),
            email=rng.choice(["", "", f"{_ascii(given)}.{_ascii(name.split()[0])}"
                              f"{rng.randint(70, 99)}@gmail.com"]),
            address=self.address(place), commune_code=place.unit.code,
        )

    def organisation(self, place: _Place) -> actions.Applicant:
        rng = self.rng
        while True:
            first_nine = f"{rng.choice(TAX_PROVINCES)}{rng.randrange(1, 10**7):07d}"
            check = tax_code_check_digit(first_nine)
            if check is not None:
                break
        representative = self.person(place)
        return actions.Applicant(
            kind=ApplicantKind.ORGANISATION, name=rng.choice(ORG_NAMES),
            tax_code=f"{first_nine}{check}", phone=self.phone(), address=self.address(place),
            commune_code=place.unit.code, representative_name=representative.name,
            representative_relationship=Representation.LEGAL_REPRESENTATIVE,
            representative_id_number=representative.id_number,
        )

    def owner(self, account: User, place: _Place) -> actions.Applicant:
        return actions.Applicant(
            kind=ApplicantKind.PERSON, name=account.full_name, id_number=account.national_id,
            phone=f"09{account.national_id[-8:]}", email=account.email,
            address=self.address(place, seed=account.pk), commune_code=place.unit.code,
        )

    def phone(self) -> str:
        return f"{self.rng.choice(PHONE_PREFIXES)}{self.rng.randrange(10**7):07d}"

    def address(self, place: _Place, seed: int | None = None) -> str:
        rng = random.Random(seed) if seed is not None else self.rng
        street = rng.choice(STREETS[place.key])
        where = place.unit.name.replace("Phường", "phường").replace("Xã", "xã")
        if place.key == "other":
            return f"{street}, {where}, tỉnh Ninh Bình"
        return f"Số {rng.randint(1, 250)}, {street}, {where}, tỉnh Ninh Bình"

    # ---- actors ---------------------------------------------------------------------------------

    def actor(self, d: Dossier, action: str, prefer: tuple[str, ...]) -> User:
        """The first demo account, in order of preference, that the policy allows to act.

        `prefer` lists "applicant" (the owner of an online dossier), "receiving" (the one-stop
        officers of the receiving center), or a role at the handling agency or at the agency the
        dossier was handed to ("specialist", "head", "leader", "handed_to")."""
        candidates: list[User] = []
        for who in prefer:
            if who == "applicant":
                if d.account_id:
                    candidates += [c for c in self.citizens if c.pk == d.account_id]
            elif who == "receiving":
                candidates += self.staff.get(d.receiving_agency_id, {}).get(
                    Role.ONE_STOP_OFFICER, [])
            elif who == "returning":  # the unit the applicant chose to collect the result at
                unit = returns.return_agency_id(d)
                if unit is not None:
                    candidates += self.staff.get(unit, {}).get(Role.ONE_STOP_OFFICER, [])
            elif who == "handed_to":
                for agency_id in d.handovers.filter(returned_at__isnull=True).values_list(
                        "to_agency_id", flat=True):
                    roles = self.staff.get(agency_id, {})
                    candidates += [u for r in lifecycle.PROCESSORS for u in roles.get(r, [])]
            else:
                candidates += self.staff.get(d.handling_agency_id, {}).get(who, [])
        for user in candidates:
            if policy.can_act(user, d, action):
                return user
        raise AssertionError(f"no demo account may {action} dossier {d.code} "
                             f"(status {d.status}, tried {[u.username for u in candidates]})")


@functools.cache
def _sample_pdf() -> bytes:
    """A real, small PDF (one A4 page that says it is a demo document), made here."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    page.Contents = pdf.make_stream(b"BT /F1 16 Tf 72 770 Td (Motcua - tai lieu mau (demo)) Tj ET")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _sample_file(component: str) -> SimpleUploadedFile:
    """The demo's upload of a component: the sample PDF, named after it."""
    stem = re.sub(r"[^a-z0-9]+", "-", _ascii(component)).strip("-")[:60].strip("-")
    return SimpleUploadedFile(f"{stem or 'tai-lieu'}.pdf", _sample_pdf(),
                              content_type="application/pdf")


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).lower()


# ---- running a plan ----------------------------------------------------------------------------


PROCESSORS_FIRST = ("specialist", "head", "leader")
LEADERS_FIRST = ("leader", "head", "specialist")
HEADS_FIRST = ("head", "leader")


class _Run:
    def __init__(self, demo: _Demo, case: _Case, plan: _Plan, t: dt.datetime) -> None:
        self.demo, self.case, self.plan, self.t = demo, case, plan, t
        self.rng = demo.rng
        self.cal = demo.cal
        self.d: Dossier | None = None
        self.target: dt.datetime | None = None

    # ---- time ----
    def wait(self, seconds: float) -> None:
        """Let `seconds` of working time pass (at least a minute), or stop the plan."""
        t = self.cal.add_working_seconds(self.t, max(60, int(seconds)))
        if t > self.demo.now:
            raise _OutOfTime
        self.t = t

    def wait_between(self, lo: float, hi: float) -> None:
        self.wait(self.rng.uniform(lo, hi))

    def left(self, until: dt.datetime | None = None) -> int:
        """Working seconds from now to `until` (the finishing target, else the due time)."""
        until = until or self.target or self.dossier.due_at or self.demo.now
        return self.cal.working_seconds_between(self.t, min(until, self.demo.now))

    def step(self, share: tuple[float, float] = (0.05, 0.3), cap: float = 3 * DAY) -> None:
        """Wait a share of the time left before the target (a short step between two others)."""
        self.wait(min(cap, self.rng.uniform(*share) * max(self.left(), 120)))

    @property
    def dossier(self) -> Dossier:
        assert self.d is not None
        return self.d

    # ---- actions ----
    def act(self, action: str, prefer: tuple[str, ...], **kwargs: Any) -> None:
        actor = self.demo.actor(self.dossier, action, prefer)
        assert policy.can_act(actor, self.dossier, action)
        self.d = actions.perform(self.dossier, action, actor, now=self.t, **kwargs)

    def submission(self) -> actions.Submission:
        case, demo, rng = self.case, self.demo, self.rng
        if case.account is not None:
            applicant = demo.owner(case.account, case.place)
        elif case.proc.code in ORG_PROCEDURES and rng.random() < 0.45:
            applicant = demo.organisation(case.place)
        else:
            applicant = demo.person(case.place)
        counter = case.channel == Channel.COUNTER
        # Online, what is only shown at the counter ("Xuất trình: …", an ID card) is looked up
        # in the national population database (DOMAIN.md §6).
        components = [
            actions.ComponentInput(
                requirement_id=c.pk, copies=c.quantity or 1, is_paper=counter,
                source=ComponentSource.NATIONAL
                if not counter and c.name.startswith("Xuất trình") else ComponentSource.UPLOAD)
            for c in case.proc.version.components.all()
            if c.required or rng.random() < 0.25
        ]
        return actions.Submission(
            procedure_code=case.proc.code, receiving_agency=case.receiving, applicant=applicant,
            components=components, channel=case.channel,
            form_data={DEMO_MARK: True, **place_form_data(case.proc.version, case.place.unit.code)},
            result_return=self.result_return(applicant),
        )

    def result_return(self, applicant: actions.Applicant) -> returns.ResultReturn | None:
        """The applicant's choice of where to collect the result (no random draw, so that the
        rest of the demo stays as it was): by default at the receiving unit."""
        choice = self.plan.extras.get("result_return")
        if choice == "elsewhere":  # another one-stop unit of the province, with officers
            other = next(a for a in self.demo.receiving_units() if a != self.case.receiving)
            return returns.ResultReturn(ReturnMethod.UNIT, agency_code=other.code)
        if choice in (ReturnMethod.POSTAL, ReturnMethod.ONLINE):
            return returns.ResultReturn(choice, address=applicant.address)
        return None

    def missing(self) -> list[dict[str, str]]:
        names = [c.name for c in self.case.proc.version.components.all()] or ["Tờ khai"]
        picked = self.rng.sample(names, k=min(len(names), self.rng.choice([1, 1, 2])))
        return [{"name": _short(n), "note": self.rng.choice(SUPPLEMENT_NOTES)} for n in picked]

    def upload_files(self) -> None:
        """The applicant uploads the file of each component of the online dossier declared
        as uploaded and still without one (attach_file, as the portal does)."""
        d = self.dossier
        for component in list(d.components.all()):
            if (component.source == ComponentSource.UPLOAD and not component.is_paper
                    and not component.files.exists()):
                self.act("attach_file", ("applicant",), upload=_sample_file(component.name),
                         component_id=component.pk)

    # ---- receipt ----
    def arrive(self, decision: str = "receive", pre_supplement: bool = False,
               files: bool = True) -> None:
        """Create the dossier: at the counter, or online then reviewed by the center.

        decision: "receive", "refuse", "none" (online, left waiting for review). Online, the
        applicant uploads the declared files at once, or (pre_supplement) when asked for them
        before receipt; `files=False`, left waiting for review: not yet."""
        sub = self.submission()
        if self.case.channel == Channel.COUNTER:
            officers = self.demo.officers(self.case.receiving)
            officer = officers[0]
            assert policy.can_intake(officer, self.case.receiving.pk)
            if decision == "refuse":
                self.d = actions.intake_at_counter(sub, officer=officer, decision="refuse",
                                                   reason=self.rng.choice(REFUSALS), now=self.t)
                return
            self.d = actions.intake_at_counter(
                sub, officer=officer, decision="supplement" if pre_supplement else "receive",
                missing=self.missing() if pre_supplement else None,
                reason="Hồ sơ chưa đầy đủ, chưa hợp lệ" if pre_supplement else "", now=self.t,
            )
            self.identify()
            if not pre_supplement:
                self.digitize(officer)
                return
            self.wait_between(2 * HOUR, 3 * DAY)  # the applicant comes back with the papers
            self.act("receive_supplement", ("receiving",), note="Đã bổ sung đủ giấy tờ")
            self.wait_between(5 * 60, 40 * 60)
            self.act("accept", ("receiving",))
            return
        self.d = actions.submit(sub, account=self.case.account, now=self.t)
        if files and not pre_supplement:
            self.upload_files()
        if decision == "none":
            return
        self.wait_between(0.3 * HOUR, 6 * HOUR)  # the center reviews the online dossier
        if decision == "refuse":
            self.act("refuse", ("receiving",), reason=self.rng.choice(REFUSALS))
            return
        if pre_supplement:
            self.act("request_supplement", ("receiving",), items=self.missing(),
                     reason="Hồ sơ trực tuyến chưa đầy đủ")
            self.wait_between(HOUR, 2 * DAY)
            self.upload_files()
            self.act("receive_supplement", ("applicant", "receiving"),
                     note="Đã tải lên giấy tờ bổ sung")
            self.wait_between(0.3 * HOUR, 4 * HOUR)
        self.act("accept", ("receiving",))

    def identify(self) -> None:
        """The counter looked the applicant up in the population database (index 4.5b): found
        for most persons, unavailable (entered by hand) for a few. Decided by the dossier's
        code, not the run's generator, so that the rest of the demo stays as it was."""
        d = self.dossier
        if d.applicant_kind != ApplicantKind.PERSON:
            return
        draw = zlib.crc32(d.code.encode()) % 10
        if draw < 9:
            identity.record_dossier_identity(d, id_number=d.applicant_id_number,
                                             population_data_used=draw < 7,
                                             manual_entry=draw >= 7)

    def digitize(self, officer: User) -> None:
        """The counter scans each component handed in on paper (index 4.2; the worker signs
        the copies as the one-stop unit, records.copy_signing) for two dossiers in three.
        Decided by the dossier's code, not the run's generator, as `identify`."""
        d = self.dossier
        if zlib.crc32(d.code.encode() + b"scan") % 3 == 0:
            return
        tags = digitization.Tags(
            document_type=doctypes.OTHER, owner_name=d.applicant_name,
            owner_key=d.applicant_id_number or d.applicant_tax_code)
        for component in list(d.components.filter(is_paper=True)):
            document = replace(tags, document_type=doctypes.of_component(component.name))
            digitization.digitize(d, component.pk, _sample_file(component.name), document,
                                  actor=officer, now=self.t)

    # ---- processing ----
    def aim(self, kind: str) -> None:
        """Set the finishing target for an early, on-time or late result, from the due time."""
        cal, rng, d = self.cal, self.rng, self.dossier
        assert d.due_at is not None
        due = d.due_at
        left = cal.working_seconds_between(self.t, due)
        day_start = cal.next_working_moment(
            dt.datetime.combine(due.astimezone(TZ).date(), dt.time(0), tzinfo=TZ))
        target = None
        if kind == "early" and left > HOUR:
            for share in (rng.uniform(0.3, 0.7), 0.2, 0.1):
                candidate = cal.add_working_seconds(self.t, int(left * share))
                if candidate < day_start:
                    target = candidate
                    break
        if target is None and kind in {"early", "on_time"} and left > 0:
            start = max(self.t, day_start)
            room = cal.working_seconds_between(start, due)
            target = cal.add_working_seconds(start, int(room * rng.uniform(0.2, 0.95)))
        if target is None:  # late, deliberately: after the due time
            target = cal.add_working_seconds(due, int(rng.uniform(0.5 * HOUR, 3 * DAY)))
        self.target = target

    def supplement(self, *, complete: bool = True) -> None:
        """Processors find something missing: the clock stops until the applicant completes."""
        self.step((0.1, 0.4))
        self.act("request_supplement", PROCESSORS_FIRST, items=self.missing(),
                 reason="Cần bổ sung giấy tờ để giải quyết")
        if not complete:
            return
        self.wait_between(2 * HOUR, 3 * DAY if self.case.proc.budget > DAY else DAY)
        prefer = ("applicant", "receiving") if self.dossier.account_id else ("receiving",)
        kind = self.plan.timeliness
        self.act("receive_supplement", prefer, note="Người yêu cầu đã bổ sung")
        if kind:
            self.aim(kind)  # the due time moved (PAUSE) or counts again (RESTART)

    def payment(self, *, confirm: bool = True) -> None:
        self.step()
        amount = self.case.proc.fee or 50_000
        self.act("request_payment", PROCESSORS_FIRST, amount_vnd=amount,
                 reason="Phí, lệ phí theo quy định")
        if not confirm:
            return
        self.wait_between(0.5 * HOUR, 1.5 * DAY)
        online = self.dossier.channel == Channel.ONLINE
        self.act("confirm_payment", ("receiving",) + PROCESSORS_FIRST,
                 reference=(f"PAYGOV-{self.rng.randrange(10**9):09d}" if online
                            else f"BL-{self.rng.randrange(10**6):06d}"))
        if self.plan.timeliness:
            self.aim(self.plan.timeliness)

    def handover(self, *, back: bool = True) -> None:
        demo = self.demo
        links = INTERLINKED.get(self.case.proc.code)
        if links:
            to = demo.sector.get(self.rng.choice(links))
            note = f"Chuyển liên thông đến {to.name}" if to else ""
        else:
            to = self.rng.choice(demo.consulted) if demo.consulted else None
            note = f"Đề nghị {to.name} cho ý kiến chuyên môn" if to else ""
        if to is None:
            return
        self.step()
        step_due = self.cal.add_working_seconds(self.t, int(max(self.left() * 0.4, 2 * HOUR)))
        self.act("send_interagency", PROCESSORS_FIRST, to_agency=to, note=note,
                 step_due_at=step_due)
        if not back:
            return
        self.wait(min(self.rng.uniform(0.2, 0.6) * max(self.left(), 600), 3 * DAY))
        self.act("return_interagency", ("handed_to",) + PROCESSORS_FIRST,
                 note="Đã xử lý phần việc liên thông, chuyển lại")

    def apologize(self) -> None:
        """Form 04 before the due time passes, with a new appointment after the target."""
        d = self.dossier
        assert d.due_at is not None and self.target is not None
        left = self.cal.working_seconds_between(self.t, d.due_at)
        if left < 120:
            return
        self.wait(left * self.rng.uniform(0.5, 0.9))
        current = d.appointment_at or d.due_at
        later = self.cal.add_working_seconds(max(self.target, current), int(
            self.rng.uniform(2 * HOUR, DAY)))
        self.act("apologize", HEADS_FIRST + ("receiving",), reason=self.rng.choice(APOLOGIES),
                 new_appointment=later)

    def finish(self, *, return_result: bool = True) -> None:
        assert self.target is not None
        if self.target > self.t:
            left = self.cal.working_seconds_between(self.t, self.target)
            if left >= 60:
                self.wait(left)
        self.act("mark_result_ready", LEADERS_FIRST, note="Lãnh đạo đã ký kết quả")
        if return_result:
            self.wait_between(10 * 60, 2 * DAY)
            self.act("return_result", ("returning", "receiving"),
                     note="Đã trả kết quả cho người yêu cầu")


def _short(name: str) -> str:
    """A component name short enough for a slip line."""
    name = name.split(" (")[0].split(";")[0].strip()
    return name if len(name) <= 160 else name[:157].rstrip() + "…"


# ---- the plans ---------------------------------------------------------------------------------


def _returned(run: _Run) -> None:
    plan, rng = run.plan, run.rng
    run.arrive(pre_supplement=plan.extras.get("pre_supplement", False))
    kind = plan.timeliness
    run.aim(kind)
    run.step()
    run.act("start_processing", PROCESSORS_FIRST)
    for _i in range(plan.extras.get("supplements", 0)):
        run.supplement()
    if plan.extras.get("handover"):
        run.handover()
    if plan.extras.get("payment") and (plan.fee or run.case.proc.fee):
        run.payment()
    if plan.extras.get("apology") and kind == "late":
        run.apologize()
    returned = plan.extras.get("returned", True) and rng.random() < 0.97
    run.finish(return_result=returned or plan.extras.get("result_return") == "elsewhere")


def _refused(run: _Run) -> None:
    run.arrive(decision="refuse")


def _withdrawn(run: _Run) -> None:
    d_online = run.case.channel == Channel.ONLINE
    at = run.plan.extras.get("at", "submitted")
    if at == "submitted" and d_online:
        run.arrive(decision="none")
        run.wait_between(0.2 * HOUR, 1.5 * DAY)
        run.act("withdraw", ("applicant", "receiving"), reason=run.rng.choice(WITHDRAWALS))
        return
    run.arrive()
    run.step((0.05, 0.2))
    if at == "processing" and run.demo.processors(run.dossier.handling_agency):
        run.act("start_processing", PROCESSORS_FIRST)
        run.step((0.1, 0.4))
    # after receipt the applicant asks, and the competent agency decides
    run.act("request_withdrawal", ("applicant", "receiving"),
            reason=run.rng.choice(WITHDRAWALS))
    run.step((0.05, 0.2))
    run.act("grant_withdrawal", HEADS_FIRST)


def _stopped(run: _Run) -> None:
    run.arrive()
    run.step()
    run.act("start_processing", PROCESSORS_FIRST)
    if run.rng.random() < 0.75:
        run.supplement(complete=False)
        run.wait_between(3 * DAY, 6 * DAY)  # the time given to supplement runs out
        reason = STOPS[0]
    else:
        run.step((0.1, 0.4))
        reason = STOPS[1]
    # the legal ground is recorded first (by the handling agency), then its head decides
    run.act("request_stop", PROCESSORS_FIRST, reason=reason)
    run.step((0.05, 0.2))
    run.act("stop", HEADS_FIRST, reason=reason)


def _submitted(run: _Run) -> None:
    """Waiting for review; one in three still waits for its declared files too (chosen by
    its code, not by the random draws, which stay as they were)."""
    run.arrive(decision="none", files=False)
    if zlib.crc32(run.dossier.code.encode()) % 3:
        run.upload_files()


def _received(run: _Run) -> None:
    run.arrive(pre_supplement=run.plan.extras.get("pre_supplement", False))


def _before_receipt(run: _Run) -> None:
    """Status 5 before receipt: Form 02 at the counter, or the center's request online."""
    if run.case.channel == Channel.COUNTER:
        sub = run.submission()
        officer = run.demo.officers(run.case.receiving)[0]
        assert policy.can_intake(officer, run.case.receiving.pk)
        run.d = actions.intake_at_counter(sub, officer=officer, decision="supplement",
                                          missing=run.missing(),
                                          reason="Hồ sơ chưa đầy đủ", now=run.t)
        return
    run.arrive(decision="none", files=False)  # the files have not come: asked for them
    run.wait_between(0.3 * HOUR, 6 * HOUR)
    run.act("request_supplement", ("receiving",), items=run.missing(),
            reason="Hồ sơ trực tuyến chưa đầy đủ")


def _open(run: _Run) -> None:
    """Received and left open in status 4, 5, 6 or 0 (in time or overdue)."""
    plan = run.plan
    run.arrive()
    run.target = None
    overdue = plan.open_until == "overdue"
    if overdue:  # the steps happened before the due time; nothing since
        run.target = run.dossier.due_at
    run.step()
    run.act("start_processing", PROCESSORS_FIRST)
    if plan.extras.get("past_supplement"):
        run.supplement()
    final = plan.extras.get("status", Status.PROCESSING)
    if final == Status.SUPPLEMENT:
        run.supplement(complete=False)
    elif final == Status.PAYING:
        run.payment(confirm=False)
    elif final == Status.INTEROPERATING:
        run.handover(back=False)


def _plan(name: str, run: Callable[[_Run], None], **kw: Any) -> _Plan:
    return _Plan(name, run, **kw)


def _finished(kind: str, strict: bool = True, **extras: Any) -> _Plan:
    """A processed dossier, finished `kind` (early, on_time, late). `strict`: choose a
    procedure where that and every extra is possible (else some extras may not happen)."""
    pauses = bool(extras.get("supplements") or extras.get("payment")
                  or extras.get("pre_supplement"))
    min_budget = 0
    if strict:
        min_budget = 2 * DAY if kind == "early" else DAY if extras.get("apology") else 0
    return _plan("returned", _returned, process=True, finished=True, timeliness=kind,
                 min_budget=min_budget, fee=strict and bool(extras.get("payment")),
                 extras={**extras, "pauses": pauses})


def _required_plans(restart_available: bool) -> list[_Plan]:
    """One of each situation the demo must show, whatever the count."""
    S = Status
    plans = [
        _finished("early"),
        _finished("on_time", result_return="elsewhere"),  # collected at another unit
        _finished("late"),
        _finished("late", apology=True),
        _finished("on_time", supplements=1),
        _finished("early", payment=True, result_return=ReturnMethod.POSTAL),
        _finished("on_time", handover=True, interlinked=True),
        _finished("late", supplements=2),  # two supplements after receipt: late in the index
        _finished("early", pre_supplement=True),
        _finished("on_time", returned=False, result_return=ReturnMethod.ONLINE),
        _plan("refused", _refused, online=False, finished=True),
        _plan("refused", _refused, online=True, finished=True),
        _plan("withdrawn", _withdrawn, online=True, extras={"at": "submitted"}),
        _plan("withdrawn", _withdrawn, online=False, process=True, finished=True,
              extras={"at": "processing"}),
        _plan("stopped", _stopped, process=True, finished=True, extras={"pauses": True}),
        _plan("submitted", _submitted, online=True),
        _plan("received_new", _received, open_until="in_time", min_budget=3 * DAY),
        _plan("processing", _open, process=True, open_until="in_time", min_budget=3 * DAY),
        _plan("processing", _open, process=True, open_until="overdue"),
        _plan("supplement", _open, process=True, open_until="in_time", min_budget=3 * DAY,
              extras={"status": S.SUPPLEMENT}),
        _plan("before_receipt", _before_receipt),
        _plan("paying", _open, process=True, open_until="in_time", min_budget=DAY, fee=True,
              extras={"status": S.PAYING}),
        _plan("interop", _open, process=True, open_until="in_time", min_budget=3 * DAY,
              extras={"status": S.INTEROPERATING, "interlinked": True}),
    ]
    if restart_available:
        plans.insert(5, _finished("on_time", supplements=1, restart=True))
    return plans


def _random_plan(rng: random.Random) -> _Plan:
    S = Status
    roll = rng.random()
    if roll < 0.50:
        kind = rng.choices(["early", "on_time", "late"], weights=[45, 35, 20])[0]
        return _finished(
            kind, strict=False,
            supplements=1 if rng.random() < 0.15 else 0,
            payment=rng.random() < 0.45,
            handover=rng.random() < 0.12,
            apology=kind == "late" and rng.random() < 0.3,
            pre_supplement=rng.random() < 0.08,
        )
    options: list[tuple[int, Callable[[], _Plan]]] = [
        (5, lambda: _plan("refused", _refused, finished=True)),
        (2, lambda: _plan("withdrawn", _withdrawn, online=True, extras={"at": "submitted"})),
        (2, lambda: _plan("withdrawn", _withdrawn, finished=True, process=True,
                          extras={"at": "processing"})),
        (3, lambda: _plan("stopped", _stopped, process=True, finished=True,
                          extras={"pauses": True})),
        (4, lambda: _plan("submitted", _submitted, online=True)),
        (5, lambda: _plan("received_new", _received, open_until="in_time")),
        (9, lambda: _plan("processing", _open, process=True, open_until="in_time",
                          min_budget=2 * DAY,
                          extras={"past_supplement": rng.random() < 0.2})),
        (3, lambda: _plan("processing", _open, process=True, open_until="overdue")),
        (3, lambda: _plan("supplement", _open, process=True, open_until="in_time",
                          min_budget=2 * DAY, extras={"status": S.SUPPLEMENT})),
        (2, lambda: _plan("before_receipt", _before_receipt)),
        (3, lambda: _plan("paying", _open, process=True, open_until="in_time", fee=True,
                          min_budget=DAY, extras={"status": S.PAYING})),
        (3, lambda: _plan("interop", _open, process=True, open_until="in_time",
                          min_budget=3 * DAY, extras={"status": S.INTEROPERATING})),
        (3, lambda: _finished(rng.choice(["early", "on_time"]), strict=False,
                              returned=False)),
    ]
    make = rng.choices([m for _w, m in options], weights=[w for w, _m in options])[0]
    return make()


_FALLBACK = _plan("received_new", _received, open_until="in_time")


# ---- entry point -------------------------------------------------------------------------------


def demo_dossiers():
    return Dossier.objects.filter(**{f"form_data__{DEMO_MARK}": True})


def build_demo_dossiers(
    count: int = 300, *, seed: int = 2026, now: dt.datetime | None = None,
    received_before: dt.datetime | None = None,
) -> dict[str, Any]:
    """Create `count` sample dossiers (all or nothing), unless demo dossiers exist already.

    Needs the demo organisation (`build_demo_org`) and the catalogue (`load_procedures`, in
    force over the last ~60 days). With `received_before`, every dossier that gets received is
    received before that moment (see the module docstring). Returns a summary: created, by
    status, by timeliness.
    """
    started = time.monotonic()
    if demo_dossiers().exists():
        return {**summary(), "created": 0, "seconds": round(time.monotonic() - started, 2)}
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(seed)
    created = 0
    stopped_early = 0
    with transaction.atomic():
        demo = _Demo(rng, now, received_before)
        restart = any(p.version.supplement_mode == SupplementMode.RESTART for p in demo.procs)
        required = _required_plans(restart)
        waiting = len(DISPATCH_AGES) if count >= 2 * len(DISPATCH_AGES) else 0
        planned = count - waiting
        plans = required[:planned] + [_random_plan(rng)
                                      for _i in range(planned - len(required))]
        for plan in plans:
            case = demo.case_for(plan)
            if case is None:
                plan, case = _FALLBACK, demo.case_for(_FALLBACK)
                assert case is not None
            run = _Run(demo, case, plan, demo.start_time(plan, case))
            try:
                plan.run(run)
            except _OutOfTime:
                stopped_early += 1  # the next step would be in the future: it stays open
            if run.d is not None:
                created += 1
        if waiting:
            created += _dispatch(demo, now)
    result = summary()
    result.update(created=created, left_open_by_time=stopped_early,
                  seconds=round(time.monotonic() - started, 2))
    return result


# Copies from an original register: the agency keeping the register is competent, which the
# dossier's data cannot tell (local.yaml: named_agency without a code).
DISPATCH_PROCEDURE = "2.000908"
DISPATCH_AGES = (30, 6, 2)  # working hours before the latest receipt
DISPATCH_REASONS = [
    "Sổ gốc khai sinh năm 1998 lưu tại UBND phường Nam Định (theo trích lục người dân xuất "
    "trình)",
]


def _dispatch(demo: _Demo, now: dt.datetime) -> int:
    """Three dossiers received at Hoa Lư's center that wait in its dispatch queue, and one
    routed by hand to the commune keeping the register (DOMAIN.md §4, Decree 118)."""
    proc = next((p for p in demo.procs if p.code == DISPATCH_PROCEDURE), None)
    place = demo.places["hoalu"][0]
    if proc is None or place.center is None:
        return 0
    officer = demo.officers(place.center)[0]
    keeper = demo.places["namdinh"][0].unit
    made = 0
    # received before the processes take effect, like every historical dossier
    latest = min(now, demo.received_before) if demo.received_before else now
    for hours_ago in DISPATCH_AGES:
        t = working_before(demo.cal, latest, hours_ago * HOUR)
        sub = actions.Submission(
            procedure_code=proc.code, receiving_agency=place.center,
            applicant=demo.person(place), channel=Channel.COUNTER,
            components=[actions.ComponentInput(requirement_id=c.pk, is_paper=True)
                        for c in proc.version.components.all() if c.required],
            form_data={DEMO_MARK: True},
        )
        d = actions.intake_at_counter(sub, officer=officer, now=t)
        assert d.dispatch_reason
        made += 1
        if hours_ago == DISPATCH_AGES[0]:  # the oldest was routed by hand the next morning
            target = Agency.objects.get(kind=Agency.Kind.COMMUNE_PC, unit=keeper)
            actions.perform(d, "route", officer, to_agency=target,
                            reason=DISPATCH_REASONS[0],
                            now=working_before(demo.cal, latest, 20 * HOUR))
    return made


def summary() -> dict[str, Any]:
    dossiers = list(demo_dossiers().select_related("procedure_version"))
    by_status = Counter(d.status for d in dossiers)
    by_timeliness = Counter(timeliness_of(d) for d in dossiers)
    by_channel = Counter(d.channel for d in dossiers)
    ids = [d.pk for d in dossiers]
    from motcua.dossiers.models import (
        Apology,
        ClockPause,
        DossierEvent,
        Handover,
        Letter,
        SupplementRequest,
    )

    return {
        "total": len(dossiers),
        "by_status": {int(s): by_status.get(int(s), 0) for s in sorted(Status, key=int)},
        "by_timeliness": {k: by_timeliness.get(k, 0) for k in TIMELINESS},
        "by_channel": {int(c): by_channel.get(int(c), 0) for c in Channel},
        "procedures": len({d.procedure_id for d in dossiers}),
        "receiving_agencies": len({d.receiving_agency_id for d in dossiers}),
        "supplements": SupplementRequest.objects.filter(dossier_id__in=ids).count(),
        "pauses": ClockPause.objects.filter(dossier_id__in=ids).count(),
        # a payment stops the clock only where the procedure's law says so (pause_on_payment)
        "payments": DossierEvent.objects.filter(dossier_id__in=ids,
                                                action="request_payment").count(),
        "apologies": Apology.objects.filter(dossier_id__in=ids).count(),
        "handovers": Handover.objects.filter(dossier_id__in=ids).count(),
        "letters": Letter.objects.filter(dossier_id__in=ids).count(),
        "returned_elsewhere": sum(
            1 for d in dossiers if d.status == Status.RETURNED
            and returns.return_agency_id(d) not in (None, d.receiving_agency_id)),
    }


def format_summary(result: dict[str, Any]) -> list[str]:
    lines = [f"Demo dossiers: {result['total']} ({result.get('created', 0)} created now"
             + (f", in {result['seconds']} s" if result.get("created") else "") + ")"]
    lines.append("  by status:")
    for code, n in result["by_status"].items():
        status = Status(code)
        lines.append(f"    {code:>2} {status.portal:<15} {str(status.label):<38} {n:>4}")
    lines.append("  by timeliness: " + ", ".join(
        f"{k} {n}" for k, n in result["by_timeliness"].items()))
    lines.append("  by channel: " + ", ".join(
        f"{str(Channel(c).label).lower()} {n}" for c, n in result["by_channel"].items() if n))
    lines.append(
        f"  {result['procedures']} procedures, {result['receiving_agencies']} receiving centers; "
        f"{result['supplements']} supplement requests, {result['payments']} payments, "
        f"{result['apologies']} apologies, {result['handovers']} inter-agency handovers; "
        f"{result['letters']} numbered letters (Forms 04, 05), "
        f"{result['returned_elsewhere']} results returned at another unit"
    )
    return lines
