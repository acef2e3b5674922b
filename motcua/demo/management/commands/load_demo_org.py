from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.demo.org import DEFAULT_PASSWORD, build_demo_org


class Command(BaseCommand):
    help = (
        "Build the demo province (default Ninh Bình, 37): agencies with demo identifier codes, "
        "every commune's People's Committee and service center, and demo accounts. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", default="37", help="GSO province code (default 37)")
        parser.add_argument("--password", default=DEFAULT_PASSWORD,
                            help="password of newly created demo accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        demo = build_demo_org(options["province"], options["password"])
        agencies = demo["agencies"]
        self.stdout.write(self.style.SUCCESS(
            f"Demo organisation: {demo['province']['name']} ({demo['province']['code']}), "
            f"{agencies['communes']} communes, provincial center {agencies['province_center']}"
        ))
        self.stdout.write(f"Demo logins (password for new accounts: {demo['password']}):")
        for account in demo["accounts"]:
            roles = ", ".join(f"{r['role']} @ {r['agency_name']} ({r['agency_code']})"
                              for r in account["roles"]) or account["kind"]
            self.stdout.write(f"  {account['username']:<20} {account['full_name']} — {roles}")
        self.stdout.write(f"Integrating-system token (system.portal): {demo['system_token']}")
