"""A dossier's component taken from a national database instead of being handed in or uploaded
(DOMAIN.md §6): the catalogue says which database holds it (ComponentRequirement.
national_source); `take` looks the applicant up there at once, by their personal ID number (the
business registry: by the organisation's tax code), through the lookup of that system
(population.lookup_person, registries.lookup_*), which logs the exchange whatever the outcome.

Found: a `Taken` whose `reference` ("<database>:<number>") goes on the component with
ComponentSource.NATIONAL; the portal sync carries it (from_national_store, national_database).
Not found, or no number to look up: `NotTaken` with what to tell the person. Not answering:
NationalSystemUnavailable (the counter takes the paper instead, the citizen uploads it or tries
again later). Called outside any transaction: the exchange log must keep the lookup even when
the dossier is not filed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.catalog.models import NationalSource
from motcua.integration import population, registries
from motcua.org.identifiers import InvalidIdentifier
from motcua.org.models import User


class NotTaken(Exception):
    """The database cannot give the document: the message says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Taken:
    source: str  # catalog.NationalSource
    number: str  # the ID number or tax code looked up

    @property
    def reference(self) -> str:
        """What the dossier's component keeps (DossierComponent.reference)."""
        return f"{self.source}:{self.number}"


# The lookup of each database: (number, *, purpose, officer, account) → its record or None.
LOOKUPS: dict[str, Callable[..., object]] = {
    NationalSource.POPULATION: population.lookup_person,
    NationalSource.BUSINESS: registries.lookup_business,
    NationalSource.CIVIL_STATUS: registries.lookup_civil_status,
    NationalSource.JUDICIAL: registries.lookup_judicial_record,
}


def database_name(source: str) -> str:
    return str(NationalSource(source).label)


def take(source: str, *, id_number: str = "", tax_code: str = "", purpose: str,
         officer: User | None = None, account: User | None = None) -> Taken:
    """Look the applicant up in the national database `source` (see the module docstring)."""
    name = database_name(source)
    number = tax_code if source == NationalSource.BUSINESS else id_number
    if not number:
        raise NotTaken(
            _("%(database)s is looked up by the organisation's tax code: enter it.")
            % {"database": name} if source == NationalSource.BUSINESS else
            _("%(database)s is looked up by the personal ID number: enter it.")
            % {"database": name})
    try:
        found = LOOKUPS[source](number, purpose=purpose, officer=officer, account=account)
    except InvalidIdentifier as exc:
        raise NotTaken(exc.message) from None
    if found is None:
        raise NotTaken(_("%(database)s has no record for %(number)s.")
                       % {"database": name, "number": number})
    return Taken(source, number)
