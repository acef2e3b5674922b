"""manage.py create_consumer CODE --name … --agency … --scopes …: a consumer system of the
data-sharing API with its first credentials, printed once (the secret is stored only as a
hash). --new-credentials CODE: new credentials for an existing one (the old ones stop
working)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.integration import consumers
from motcua.integration.models import ConsumerSystem, Scope
from motcua.org.models import Agency


class Command(BaseCommand):
    help = _("Create a consumer system of the data-sharing API and print its client id and "
             "secret once; with --new-credentials, issue new ones to an existing system.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help=_("the system's code, e.g. stp-hotich"))
        parser.add_argument("--name", default="", help=_("the system's name"))
        parser.add_argument("--agency", default="", help=_("the agency that runs it"))
        parser.add_argument("--scopes", default=",".join(Scope.values),
                            help=_("services, comma-separated: %(scopes)s (default: all)")
                            % {"scopes": ", ".join(Scope.values)})
        parser.add_argument("--rate", type=int, default=60, help=_("calls per minute"))
        parser.add_argument("--reach", default="",
                            help=_("identifier codes of the agencies whose dossiers it may ask "
                                   "about, comma-separated (default: the whole province)"))
        parser.add_argument("--email", default="", help=_("contact email"))
        parser.add_argument("--new-credentials", action="store_true",
                            help=_("issue new credentials to the existing system CODE"))

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        if options["new_credentials"]:
            consumer = ConsumerSystem.objects.filter(code=code).first()
            if consumer is None:
                raise CommandError(_("No consumer system has the code %(code)s.")
                                   % {"code": code})
            self._print(consumer, consumers.issue_credentials(consumer))
            return
        if not options["name"] or not options["agency"]:
            raise CommandError(_("--name and --agency are required to create a system."))
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown:
            raise CommandError(_("Unknown services: %(names)s.") % {"names": ", ".join(unknown)})
        reach_codes = [c.strip() for c in options["reach"].split(",") if c.strip()]
        reach = list(Agency.objects.filter(code__in=reach_codes))
        missing = sorted(set(reach_codes) - {a.code for a in reach})
        if missing:
            raise CommandError(_("Unknown agency codes: %(codes)s.")
                               % {"codes": ", ".join(missing)})
        if ConsumerSystem.objects.filter(code=code).exists():
            raise CommandError(_("A consumer system has the code %(code)s already (use "
                                 "--new-credentials).") % {"code": code})
        try:
            with transaction.atomic():
                consumer, credentials = consumers.create_consumer(
                    code=code, name=options["name"], agency_name=options["agency"],
                    scopes=scopes, rate_limit_per_minute=options["rate"], agencies=reach,
                    contact_email=options["email"])
        except ValidationError as error:
            raise CommandError("; ".join(
                f"{field}: {' '.join(messages)}"
                for field, messages in error.message_dict.items())) from None
        self._print(consumer, credentials)

    def _print(self, consumer: ConsumerSystem, credentials: consumers.Credentials) -> None:
        self.stdout.write(_("Consumer system %(code)s: %(name)s (%(agency)s)") % {
            "code": consumer.code, "name": consumer.name, "agency": consumer.agency_name})
        self.stdout.write(f"client_id={credentials.client_id}")
        self.stdout.write(f"client_secret={credentials.client_secret}")
        self.stdout.write(_("The secret is stored only as a hash: keep it now, it cannot be "
                            "shown again."))
