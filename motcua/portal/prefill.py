"""The online submission's applicant block, filled from the national population database for a
citizen whose account VNeID verified: their name, and their current residence and commune, as
the state knows them (the citizen types nothing the state already knows). Asked once, when the
applicant step is first shown (nothing saved yet), logged in the exchange log; when the
database does not answer, the address VNeID gave at sign-in is used instead."""

from __future__ import annotations

from typing import Any

from motcua.integration import population
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.identity import eid_of
from motcua.org.identifiers import InvalidIdentifier
from motcua.org.models import User
from motcua.portal.commune_picker import commune_exists

PURPOSE = "Nộp hồ sơ trực tuyến: điền sẵn thông tin người nộp"
FOUND, UNAVAILABLE = "found", "unavailable"


def population_initial(account: User) -> tuple[dict[str, Any], str]:
    """(the applicant form's initial values from the population database, the outcome: found,
    unavailable or empty when the account has no verified ID number or nobody was found)."""
    eid = eid_of(account)
    if eid is None:
        return {}, ""
    try:
        person = population.lookup_person(eid.id_number, purpose=PURPOSE, account=account)
    except (NationalSystemUnavailable, InvalidIdentifier):
        return ({"address": eid.permanent_address} if eid.permanent_address else {}), UNAVAILABLE
    if person is None:
        return {}, ""
    initial: dict[str, Any] = {"name": person.full_name, "address": person.current_address}
    if commune_exists(person.current_commune_code):
        initial["commune"] = person.current_commune_code
    return initial, FOUND
