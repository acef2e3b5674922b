"""Reuse of what the applicant's store holds, on a new dossier (DOMAIN.md §6).

- A submission (the portal's, the counter's, the API's) declares a component `reused` with
  the reference `store:<item id>`; when the dossier is submitted (DossierSubmitted), `record`
  checks that the item is a valid document of the applicant's store (and, online, of the
  account's holder) and keeps the Reuse row; otherwise the submission is refused (400), with
  nothing written. Online submission counts a reused component as present
  (dossiers.lifecycle.awaits_file asks a file only of an upload).
- `offers`: what the store holds for each component of a procedure (valid documents of its
  type, records.doctypes), and what the national databases can give: a higher app (the
  integration app's adapters) registers a provider with `register_provider`.
- Asking again for a document the store holds, valid, needs a stated reason (`ask_again`),
  kept as a ReRequest and on the dossier's timeline; without one it is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.errors import InvalidInput
from motcua.dossiers import actions as dossier_actions
from motcua.dossiers.events import DossierSubmitted
from motcua.dossiers.models import ComponentSource, Dossier
from motcua.org.models import User
from motcua.records import doctypes, national, store
from motcua.records.models import ReRequest, Reuse, StoreItem

PREFIX = "store:"


@dataclass(frozen=True)
class NationalOffer:
    """A document a national database can give (population, business, civil status, …)."""

    provider: str  # the provider's name, as registered
    document_type: str
    title: str
    reference: str  # what the dossier's component keeps as its reference


# (owner key, document type) -> what the provider's database holds; registered by a higher app
NationalProvider = Callable[[str, str], list[NationalOffer]]
_providers: dict[str, NationalProvider] = {}


def register_provider(name: str, provider: NationalProvider) -> None:
    """Offer, on new dossiers, what a national database holds (called by a higher app in its
    AppConfig.ready; the component is then `taken from the national store`)."""
    _providers[name] = provider


def providers() -> dict[str, NationalProvider]:
    return dict(_providers)


@dataclass
class Offer:
    """What can give one component of a new dossier without an upload."""

    document_type: str
    items: list[StoreItem]
    national: list[NationalOffer]


def offers(owner_keys: list[str], component_names: dict[int, str],
           day: dt.date | None = None) -> dict[int, Offer]:
    """Per component (by its requirement id): the valid documents of its type in the owners'
    stores, and what the registered national providers offer. One query for the store."""
    keys = [k for k in owner_keys if k]
    types = {rid: doctypes.of_component(name) for rid, name in component_names.items()}
    wanted = {t for t in types.values() if t != doctypes.OTHER}
    held: dict[str, list[StoreItem]] = {}
    if keys and wanted:
        for item in store.valid(StoreItem.objects.filter(owner_key__in=keys,
                                                         document_type__in=wanted), day):
            held.setdefault(item.document_type, []).append(item)
    result = {}
    for rid, doc_type in types.items():
        national = [offer for provider in _providers.values() for key in keys
                    for offer in provider(key, doc_type)] if doc_type != doctypes.OTHER else []
        result[rid] = Offer(doc_type, held.get(doc_type, []), national)
    return result


def reference(item: StoreItem) -> str:
    return f"{PREFIX}{item.pk}"


def _item_of(reference: str) -> int | None:
    if not reference.startswith(PREFIX) or not reference[len(PREFIX):].isdigit():
        return None
    return int(reference[len(PREFIX):])


def record(event: DossierSubmitted) -> None:
    """Keep a Reuse row for each component of the new dossier declared as reused from the
    store; refuse a reference that is not a valid document of the applicant's store. The
    components taken from a national database are recorded too (records.national)."""
    d = event.dossier
    given = list(d.components.filter(source__in=[ComponentSource.REUSED,
                                                 ComponentSource.NATIONAL]))
    national.taken_from_national_store(
        d, [c for c in given if c.source == ComponentSource.NATIONAL], event.at)
    rows = [c for c in given if c.source == ComponentSource.REUSED
            and _item_of(c.reference) is not None]
    if not rows:
        return
    owners = {k for k in (d.applicant_id_number, d.applicant_tax_code) if k}
    if d.account_id is not None:  # online: the account's holder reuses their own documents
        account = User.objects.get(pk=d.account_id)
        owners &= set(store.keys_of(account))
    items = {i.pk: i for i in store.valid(StoreItem.objects.filter(
        pk__in=[_item_of(c.reference) for c in rows], owner_key__in=owners),
        timezone.localdate(event.at))}
    for component in rows:
        item = items.get(_item_of(component.reference) or 0)
        if item is None:
            raise InvalidInput(
                _("“%(name)s”: the document chosen is not a valid document of the applicant's "
                  "data store.") % {"name": component.name}, code="component_reference")
        Reuse.objects.create(component=component, dossier=d, item=item, at=event.at)


_REUSES = CompiledModel(lambda pk: Reuse.objects.filter(dossier_id=pk), ID_STAND_IN,
                        related=("item",))  # read on every dossier page


def reused_items(dossier_id: int) -> dict[int, StoreItem]:
    """The store documents the dossier's components reuse, by component id."""
    return {r.component_id: r.item for r in _REUSES.all(dossier_id, router.db_for_read(Reuse))}


def ask_again(dossier: Dossier, component_id: int, reason: str, *, actor: User,
              now: dt.datetime | None = None) -> ReRequest | None:
    """The officer asks the applicant again for a component's document. When the applicant's
    store holds it, valid, a reason must be stated: it is kept (ReRequest, and the timeline);
    without one, InvalidInput `reason_required`. None when the store does not hold it (nothing
    to justify)."""
    now = now or timezone.now()
    reason = reason.strip()
    with transaction.atomic():
        d = dossier_actions.lock(dossier.pk)
        component = d.components.filter(pk=component_id).first()
        if component is None:
            raise InvalidInput(_("No such component in this dossier."), code="component")
        doc_type = doctypes.of_component(component.name)
        held = store.holding([d.applicant_id_number, d.applicant_tax_code], doc_type,
                             timezone.localdate(now)).first() \
            if doc_type != doctypes.OTHER else None
        if held is None:
            return None
        if not reason:
            raise InvalidInput(
                _("The applicant's data store holds “%(name)s”, valid: state why it is asked "
                  "for again.") % {"name": component.name}, code="reason_required",
                field="reason")
        asked = ReRequest.objects.create(dossier=d, component=component, item=held,
                                         reason=reason[:2000], at=now, by=actor)
        dossier_actions.timeline_event(d, "ask_again", actor=actor, now=now, reason=reason,
                                       component=component.pk, item=held.pk)
    return asked
