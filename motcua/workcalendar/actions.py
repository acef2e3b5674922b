from __future__ import annotations

import datetime as dt

from django.db import transaction

from motcua.core.audit import record
from motcua.org.models import User
from motcua.workcalendar.models import DayOverride
from motcua.workcalendar.service import reset_calendar


def set_day_override(day: dt.date, *, is_working: bool, reason: str, actor: User | None
                     ) -> DayOverride:
    """Make `day` a working day or a day off locally (e.g. a provincial decision)."""
    with transaction.atomic():
        override, _ = DayOverride.objects.update_or_create(
            date=day, defaults={"is_working": is_working, "reason": reason}
        )
        record(actor, "calendar.override", override, date=day.isoformat(),
               is_working=is_working, reason=reason)
        _reset_now_and_on_commit()
    return override


def remove_day_override(day: dt.date, *, actor: User | None) -> None:
    with transaction.atomic():
        override = DayOverride.objects.filter(date=day).first()
        if override is not None:
            record(actor, "calendar.override_removed", override, date=day.isoformat())
            override.delete()
        _reset_now_and_on_commit()


def _reset_now_and_on_commit() -> None:
    # now: this transaction's own reads see the change; on commit: so a rollback is forgotten
    reset_calendar()
    transaction.on_commit(reset_calendar)
