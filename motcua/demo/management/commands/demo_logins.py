"""manage.py demo_logins [--port N]: the demo's URLs and logins, as `make run` prints them,
and which accounts have items in their worklists (counts per view, read now)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q
from django.utils import timezone

from motcua.demo.dossiers import demo_dossiers
from motcua.demo.org import DEFAULT_PASSWORD
from motcua.demo.processes import current_dossiers, worklist_counts
from motcua.demo.sharing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from motcua.dossiers.models import Dossier, Status
from motcua.org.models import StaffRole, User
from motcua.processing.selectors import VIEWS


class Command(BaseCommand):
    help = "Print the demo's URLs (with a real dossier code) and the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://{options['host']}:{options['port']}"
        out = self.stdout.write
        sample = (  # a dossier going through its process steps, if there is one
            current_dossiers().filter(status=Status.PROCESSING).order_by("-received_at").first()
            or demo_dossiers().filter(status=Status.PROCESSING).order_by("-received_at").first()
            or Dossier.objects.order_by("-submitted_at").first()
        )
        code = sample.code if sample else "<dossier code>"
        out("")
        out("Motcua demo")
        for label, path in [
            ("Citizen portal", "/  (sign in as citizen.an: /ho-so-cua-toi/)"),
            ("API docs", "/api/docs/"),
            ("OpenAPI schema", "/api/schema/"),
            ("Admin", "/admin/"),
            ("Health", "/healthz"),
            ("Tracking (API)", f"/api/v1/tracking/{code}"),
            ("Tracking (page)", f"/tra-cuu/{code}"),
            ("Token login", "/api/v1/auth/token  (POST username, password)"),
            ("Worklist (API)", "/api/v1/worklist?view=mine  (GET; views: " + ", ".join(VIEWS)
             + ")"),
            ("Notifications", "/api/v1/notifications  (GET; ?unread=1)"),
            ("Dossier steps", f"/api/v1/dossiers/{code}/steps  (GET; then POST "
             "/api/v1/steps/<id>/claim, /api/v1/steps/<id>/actions/forward)"),
            ("Data sharing", f"/api/v1/sharing/dossiers/{code}  (GET with a token from POST "
             f"/api/v1/sharing/token, client {DEMO_CLIENT_ID} / {DEMO_CLIENT_SECRET}; "
             "headers X-Purpose, X-Officer)"),
        ]:
            out(f"  {label:<17} {base}{path}")
        out("")
        out(f"Demo logins (password {DEFAULT_PASSWORD} unless changed):")
        out(f"  {'username':<20} {'kind':<8} {'role':<17} agency")
        roles = StaffRole.objects.active().select_related("agency").order_by("id")
        by_user: dict[int, list[StaffRole]] = {}
        for role in roles:
            by_user.setdefault(role.user_id, []).append(role)
        users = User.objects.filter(is_active=True).order_by("id")
        for user in users:
            held = by_user.get(user.pk, [])
            if user.kind == User.Kind.STAFF and not held:
                continue
            if not held:
                out(f"  {user.username:<20} {user.kind:<8} {'-':<17} {user.full_name}")
            for role in held:
                out(f"  {user.username:<20} {user.kind:<8} {role.role:<17} "
                    f"{role.agency.name} ({role.agency.code})")
        out("")
        self.worklists(out)

    def worklists(self, out: Any) -> None:
        counts = worklist_counts(timezone.now())
        if not counts:
            out("Worklists: no open process step yet (`manage.py load_demo` creates some).")
            out("")
            return
        unread = dict(
            User.objects.filter(username__in=list(counts))
            .annotate(n=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
            .values_list("username", "n")
        )
        out("Accounts with worklist items (GET /api/v1/worklist?view=..., signed in as them):")
        out(f"  {'username':<20} " + " ".join(f"{v:>11}" for v in VIEWS) + "  notifications")
        for username, by_view in counts.items():
            out(f"  {username:<20} " + " ".join(f"{by_view[v]:>11}" for v in VIEWS)
                + f"  {unread.get(username, 0):>6} unread")
        out("")
