"""The counter's lookup of the applicant in the national population database.

The officer types the applicant's ID number (`population` in the page's address); the page asks
the population database (logged in the exchange log, with the officer and the purpose) and:

- found: the applicant block is filled from it, and the form carries a signed note that the
  data came from the population database for that number;
- unknown: the officer is told, and enters the applicant as usual;
- not answering (a timeout, an error): the officer is told the national system is not
  answering and continues by hand; the signed note says so, and the dossier is marked as
  entered by hand.

After intake, `record` turns the note into the dossier's identification row (integration), if
it still names the dossier's applicant ID number (a number changed by hand was not checked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from motcua.dossiers.models import ApplicantKind, Dossier
from motcua.integration import identity, population
from motcua.integration.http import NationalSystemUnavailable
from motcua.org.identifiers import InvalidIdentifier
from motcua.org.models import AdministrativeUnit, User

SALT = "motcua.workspace.counter.identity"
PURPOSE = "Tiếp nhận hồ sơ tại Bộ phận Một cửa (xác thực người nộp)"
FOUND, NOT_FOUND, UNAVAILABLE, INVALID = "found", "not_found", "unavailable", "invalid"


@dataclass(frozen=True)
class PopulationCheck:
    id_number: str
    outcome: str
    person: population.PersonRecord | None = None
    error: str = ""
    initial: dict[str, Any] = field(default_factory=dict)


def check(user: User, id_number: str, communes: list[AdministrativeUnit]) -> PopulationCheck:
    """Ask the population database about `id_number` for the officer `user`."""
    try:
        person = population.lookup_person(id_number, purpose=PURPOSE, officer=user)
    except InvalidIdentifier as exc:
        return PopulationCheck(id_number, INVALID, error=exc.message)
    except NationalSystemUnavailable:
        return PopulationCheck(id_number, UNAVAILABLE, initial={
            "applicant_kind": ApplicantKind.PERSON, "applicant_id_number": id_number,
            "identity_check": _note(id_number, UNAVAILABLE)})
    if person is None:
        return PopulationCheck(id_number, NOT_FOUND, error=_(
            "No one with this ID number in the national population database: check the "
            "number on the identity card."))
    known = {u.code for u in communes}
    return PopulationCheck(id_number, FOUND, person, initial={
        "applicant_kind": ApplicantKind.PERSON, "applicant_name": person.full_name,
        "applicant_id_number": person.id_number,
        "applicant_address": person.current_address,
        "applicant_commune": person.current_commune_code
        if person.current_commune_code in known else "",
        "identity_check": _note(id_number, FOUND)})


def _note(id_number: str, outcome: str) -> str:
    return signing.dumps({"id": id_number, "outcome": outcome}, salt=SALT, compress=True)


def record(dossier: Dossier, note: str) -> None:
    """Mark the dossier from the form's signed note (nothing if absent, forged or stale)."""
    if not note:
        return
    try:
        data = signing.loads(note, salt=SALT, max_age=12 * 3600)
    except signing.BadSignature:
        return
    if not isinstance(data, dict) or data.get("id") != dossier.applicant_id_number:
        return
    if data.get("outcome") == FOUND:
        identity.record_dossier_identity(dossier, id_number=dossier.applicant_id_number,
                                         population_data_used=True)
    elif data.get("outcome") == UNAVAILABLE:
        identity.record_dossier_identity(dossier, id_number=dossier.applicant_id_number,
                                         manual_entry=True)
