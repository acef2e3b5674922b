"""Writing and reading the exchange log (models/exchange_log.py).

`record` is the only writer: every adapter call touching personal data ends in one row, found
or not, answered or not, and so does every call of another agency's system to the data-sharing
API that asks about a person (motcua/sharing: direction "in", with the consumer system and the
officer it named). Reads: `for_citizen` (what a citizen may see: the exchanges about their own
verified ID number), `search` (auditors) and `rows` (both pages: each entry with its system and
data as a person reads them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from motcua.integration.models import ConsumerSystem, ExchangeLogEntry
from motcua.org.models import User

Outcome = ExchangeLogEntry.Outcome
Direction = ExchangeLogEntry.Direction

SYSTEMS: dict[str, Promise] = {
    "population": gettext_lazy("National population database"),
    "business": gettext_lazy("National business registration database"),
    "civil_status": gettext_lazy("Electronic civil-status database"),
    "judicial": gettext_lazy("Judicial records database"),
    "vneid": gettext_lazy("VNeID national e-ID"),
    # inbound: another agency's system through the data-sharing API (the entry names which)
    "sharing": gettext_lazy("Another agency's system (data-sharing API)"),
    "datastore": gettext_lazy("National personal data store"),
}
# What the adapters write in `data`, as a person reads it.
DATA_LABELS: dict[str, Promise] = {
    "full name, date of birth, sex, permanent and current residence, household":
        gettext_lazy("full name, date of birth, sex, permanent and current residence, "
                     "household"),
    "name, kind, address, registration, legal representative":
        gettext_lazy("name, kind, address, registration, legal representative"),
    "births, marriages and deaths registered":
        gettext_lazy("births, marriages and deaths registered"),
    "convictions (judicial record)": gettext_lazy("convictions (judicial record)"),
    "ID number, full name, date of birth, permanent address, tax code, assurance level":
        gettext_lazy("ID number, full name, date of birth, permanent address, tax code, "
                     "assurance level"),
    # what the data-sharing API gives (motcua/sharing)
    "dossier status, applicant's name, ID number or tax code":
        gettext_lazy("dossier status, applicant's name, ID number or tax code"),
    "signed results of the dossier: number, title, owner, signer":
        gettext_lazy("signed results of the dossier: number, title, owner, signer"),
    "signed result document (PDF)": gettext_lazy("signed result document (PDF)"),
    "signed electronic result (PDF)": gettext_lazy("signed electronic result (PDF)"),
}


def system_label(code: str, consumer: ConsumerSystem | None = None) -> str:
    if consumer is not None:  # the consumer's own name, and its agency's
        return f"{consumer.name} ({consumer.agency_name})"
    return str(SYSTEMS.get(code, code))


def data_label(data: str) -> str:
    return str(DATA_LABELS.get(data, data))


@dataclass(frozen=True)
class Exchange:
    """Who asks which system what about whom, and why."""

    system: str
    operation: str
    data: str  # the data categories, e.g. "name, date of birth, residence"
    purpose: str
    officer: User | None = None
    account: User | None = None
    id_number: str = ""
    tax_code: str = ""
    dossier_code: str = ""
    direction: str = Direction.OUTBOUND
    consumer: ConsumerSystem | None = None  # inbound: the consumer system that asked
    remote_officer: str = ""  # inbound: the person at its end, as it declared


def record(exchange: Exchange, outcome: str) -> ExchangeLogEntry:
    """Append one row (in the caller's transaction, if any: what is rolled back was never
    shown, so its log goes with it)."""
    with transaction.atomic():
        return ExchangeLogEntry.objects.create(
            at=timezone.now(), direction=exchange.direction, system=exchange.system,
            operation=exchange.operation,
            officer=exchange.officer if exchange.officer and exchange.officer.pk else None,
            account=exchange.account if exchange.account and exchange.account.pk else None,
            subject_id_number=exchange.id_number[:12], subject_tax_code=exchange.tax_code[:14],
            data=exchange.data[:300], purpose=exchange.purpose[:300],
            dossier_code=exchange.dossier_code[:48], outcome=outcome,
            consumer=exchange.consumer, remote_officer=exchange.remote_officer[:150])


def for_citizen(user: User) -> list[ExchangeLogEntry] | None:
    """The exchanges about the account's VNeID-verified ID number, newest first; None when the
    account has no verified number (a number typed into an account proves nothing, so showing
    its log could show a stranger's)."""
    eid = getattr(user, "eid", None) if user.pk else None
    if eid is None:
        return None
    return list(ExchangeLogEntry.objects.about(eid.id_number)
                .select_related("officer", "consumer").order_by("-at", "-pk")[:500])


def search(*, q: str = "", system: str = "", since: dt.date | None = None,
           until: dt.date | None = None, limit: int = 200) -> list[ExchangeLogEntry]:
    """The auditors' search: by ID number, tax code, dossier code, officer's user name, or a
    consumer system's code."""
    rows = ExchangeLogEntry.objects.select_related("officer", "account", "consumer")
    q = q.strip()
    if q:
        rows = rows.filter(Q(subject_id_number=q) | Q(subject_tax_code=q) | Q(dossier_code=q)
                           | Q(officer__username=q) | Q(consumer__code=q))
    if system:
        rows = rows.filter(system=system)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    return list(rows.order_by("-at", "-pk")[:limit])


def rows(entries: list[ExchangeLogEntry]) -> list[tuple[ExchangeLogEntry, str, str]]:
    """Each entry with its system and its data as a person reads them (the citizen's and the
    auditors' pages)."""
    return [(e, system_label(e.system, e.consumer), data_label(e.data)) for e in entries]
