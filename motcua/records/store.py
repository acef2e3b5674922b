"""Each person's or organisation's data store (DOMAIN.md §6): its documents, keyed by the
owner's personal ID number or tax code, and who may read them.

The owner is the signed-in account whose personal ID number (User.national_id) or tax code
(User.tax_code) is the document's key; nobody else reads a store from the portal: another
person's document is "not found", the same 404 as one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.org.models import User
from motcua.records.models import StoreItem


def keys_of(user: User | AnonymousUser) -> list[str]:
    """The store keys of a signed-in citizen or business account (none for staff)."""
    if not user.is_authenticated or user.kind == User.Kind.STAFF:
        return []
    return [k for k in (user.national_id, user.tax_code) if k]


def items_of(user: User | AnonymousUser) -> QuerySet[StoreItem]:
    """The account's documents, the last added first."""
    return StoreItem.objects.filter(owner_key__in=keys_of(user)).select_related("blob", "dossier")


def readable_item(user: User | AnonymousUser, item_id: int) -> StoreItem:
    item = items_of(user).filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such document in your data store."))
    return item


def valid(items: QuerySet[StoreItem], day: dt.date | None = None) -> QuerySet[StoreItem]:
    day = day or timezone.localdate()
    return items.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day),
                        Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def holding(owner_keys: list[str], document_type: str, day: dt.date | None = None
            ) -> QuerySet[StoreItem]:
    """The valid documents of `document_type` that the owners' stores hold."""
    keys = [k for k in owner_keys if k]
    return valid(StoreItem.objects.filter(owner_key__in=keys, document_type=document_type),
                 day)
