"""The online submission's pages filled from the national population database for a citizen
whose account VNeID verified (the citizen types nothing the state already knows):

- the applicant block: their name, and their current residence and commune (`population_initial`);
- the e-form's fields that say what they take from it (catalog.eforms `prefill`: name, date of
  birth, sex, ID number, residence), when the citizen files for themselves (`eform_initial`).

Asked when the page is first shown (nothing saved yet), logged in the exchange log; the draft
remembers how it went (drafts.note_population) and the dossier filed from it is marked
(drafts.mark_identity: population data used, index 4.5b; or entered by hand when the database
did not answer). When the database does not answer, the page says so and the citizen types; the
applicant block takes the address VNeID gave at sign-in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.catalog import eforms
from motcua.integration import population
from motcua.integration.http import NationalSystemUnavailable
from motcua.integration.identity import eid_of
from motcua.org.identifiers import InvalidIdentifier
from motcua.org.models import User
from motcua.portal import drafts
from motcua.portal.commune_picker import commune_exists
from motcua.portal.models import SubmissionDraft

PURPOSE = "Nộp hồ sơ trực tuyến: điền sẵn thông tin người nộp"
EFORM_PURPOSE = "Nộp hồ sơ trực tuyến: điền sẵn tờ khai điện tử"
FOUND, UNAVAILABLE = drafts.FOUND, drafts.UNAVAILABLE


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


def eform_initial(account: User, fields: Iterable[eforms.Field]) -> tuple[dict[str, Any], str]:
    """(the e-form's initial values from the population database, the outcome: found,
    unavailable, or empty when no field asks for it, the account has no verified ID number or
    nobody was found)."""
    wanted = [f for f in fields if f.prefill]
    eid = eid_of(account)
    if not wanted or eid is None:
        return {}, ""
    try:
        person = population.lookup_person(eid.id_number, purpose=EFORM_PURPOSE, account=account)
    except (NationalSystemUnavailable, InvalidIdentifier):
        return {}, UNAVAILABLE
    if person is None:
        return {}, ""
    return population.eform_values(wanted, person), FOUND


def note(draft: SubmissionDraft, outcome: str) -> None:
    """The draft remembers a page's prefill `outcome` (for the account's verified number)."""
    eid = eid_of(draft.owner)
    if outcome and eid is not None:
        drafts.note_population(draft, outcome, eid.id_number)

