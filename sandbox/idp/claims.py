"""The claims VNeID gives a relying party (DOMAIN.md §7): the 12-digit ID number, full name,
date of birth, permanent address, tax code (a person's is their ID number since 1 July 2025)
and the assurance level (identification level 1 or 2), under the scope `vneid`."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator

from sandbox.people.models import Person

VNEID_CLAIMS = ("id_number", "name", "birthdate", "gender", "permanent_address", "tax_code",
                "assurance_level")


def subject(id_number: str) -> str:
    """A stable, opaque subject per person (the same in every seeded sandbox)."""
    return hmac.new(settings.SECRET_KEY.encode(), id_number.encode(),
                    hashlib.sha256).hexdigest()[:32]


class VNeIDValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope,
                        **{claim: "vneid" for claim in VNEID_CLAIMS}, "sub": "openid"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = Person.objects.filter(pk=request.user.username).first()
        if person is None:
            return {}
        return {
            "sub": subject(person.id_number),
            "id_number": person.id_number,
            "name": person.full_name,
            "birthdate": person.birth_date.isoformat(),
            "gender": person.sex,
            "permanent_address": person.permanent_address,
            "tax_code": person.id_number,
            "assurance_level": person.assurance_level,
        }
