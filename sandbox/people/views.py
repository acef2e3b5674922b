"""The lookup APIs of the population database and the registries.

Every call is authenticated by a client credential (HTTP Basic, the client ids and secrets of
settings.SANDBOX_CLIENTS) and states its purpose (header `X-Purpose`), as the data-sharing
platform requires. Answers are JSON; an unknown person or business is 404 `not_found`, a
malformed number 400 `invalid`, a missing or wrong credential 401.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from vietnam_provinces import Ward
from vietnam_provinces.codes import WardCode

from sandbox.people.models import Business, Person

ID_RE = re.compile(r"[0-9]{12}")
TAX_RE = re.compile(r"[0-9]{10}")


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _client_of(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    expected = settings.SANDBOX_CLIENTS.get(client_id)
    if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
        return None
    return client_id


def authenticated(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if _client_of(request) is None:
            response = _error(401, "unauthorized", "A valid client credential is required.")
            response["WWW-Authenticate"] = 'Basic realm="sandbox"'
            return response
        if not request.headers.get("X-Purpose", "").strip():
            return _error(400, "purpose_required", "State the purpose (X-Purpose header).")
        return view(request, *args, **kwargs)
    return require_GET(wrapper)


def _commune(code: str) -> dict[str, str]:
    try:
        ward = Ward.from_code(WardCode(int(code)))
    except (ValueError, KeyError):
        return {"code": code, "name": ""}
    return {"code": code, "name": str(ward.name), "province_code": f"{int(ward.province_code):02d}"}


def person_json(person: Person) -> dict[str, Any]:
    members = Person.objects.filter(household_code=person.household_code).order_by("birth_date")
    return {
        "id_number": person.id_number,
        "full_name": person.full_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "nationality": person.nationality,
        "ethnicity": person.ethnicity,
        "permanent_residence": {"address": person.permanent_address,
                                "commune": _commune(person.permanent_commune_code)},
        "current_residence": {"address": person.current_address,
                              "commune": _commune(person.current_commune_code)},
        "household": {
            "code": person.household_code,
            "relation_to_head": person.relation_to_head,
            "members": [{"id_number": m.id_number, "full_name": m.full_name,
                         "relation_to_head": m.relation_to_head} for m in members],
        },
    }


def _person_or_error(id_number: str) -> Person | JsonResponse:
    if not ID_RE.fullmatch(id_number):
        return _error(400, "invalid", "A personal ID number is 12 digits.")
    person = Person.objects.filter(pk=id_number).first()
    if person is None:
        return _error(404, "not_found", "No citizen with this ID number.")
    return person


@authenticated
def citizen(request: HttpRequest, id_number: str) -> HttpResponse:
    found = _person_or_error(id_number)
    if isinstance(found, JsonResponse):
        return found
    return JsonResponse(person_json(found))


@authenticated
def business(request: HttpRequest, tax_code: str) -> HttpResponse:
    if not TAX_RE.fullmatch(tax_code):
        return _error(400, "invalid", "A tax code here is 10 digits.")
    found = Business.objects.select_related("representative").filter(pk=tax_code).first()
    if found is None:
        return _error(404, "not_found", "No business with this tax code.")
    return JsonResponse({
        "tax_code": found.tax_code, "name": found.name, "kind": found.kind,
        "address": found.address, "commune": _commune(found.commune_code),
        "registered_on": found.registered_on.isoformat(), "status": found.status,
        "representative": {"id_number": found.representative.id_number,
                           "full_name": found.representative.full_name},
    })


@authenticated
def civil_status(request: HttpRequest, id_number: str) -> HttpResponse:
    found = _person_or_error(id_number)
    if isinstance(found, JsonResponse):
        return found
    return JsonResponse({"id_number": found.id_number, "records": [
        {"kind": e.kind, "registered_on": e.registered_on.isoformat(),
         "authority": e.authority, "book_number": e.book_number, "details": e.details}
        for e in found.civil_status.all()]})


@authenticated
def judicial(request: HttpRequest, id_number: str) -> HttpResponse:
    found = _person_or_error(id_number)
    if isinstance(found, JsonResponse):
        return found
    records = [{"court": r.court, "judgment": r.judgment, "judged_on": r.judged_on.isoformat(),
                "offence": r.offence, "sentence": r.sentence, "expunged": r.expunged}
               for r in found.convictions.all()]
    return JsonResponse({"id_number": found.id_number, "full_name": found.full_name,
                         "has_convictions": any(not r["expunged"] for r in records),
                         "records": records})
