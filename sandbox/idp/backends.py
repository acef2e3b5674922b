"""Sign-in of a generated citizen: their 12-digit ID number and the sandbox's citizen password
(settings.SANDBOX_CITIZEN_PASSWORD; the same for everyone: these people do not exist). The
account behind the OIDC session is made on first sign-in, named by the ID number."""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from sandbox.people.models import Person


class CitizenBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> User | None:
        if not username or password is None:
            return None
        if not hmac.compare_digest(password.encode(),
                                   settings.SANDBOX_CITIZEN_PASSWORD.encode()):
            return None
        person = Person.objects.filter(pk=username.strip()).first()
        if person is None:
            return None
        user, _ = User.objects.get_or_create(username=person.id_number,
                                             defaults={"first_name": person.full_name[:150]})
        return user
