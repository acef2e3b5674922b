"""Background work of the notifications app, run by the django-tasks worker (`db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.notifications.messages import send_email


@task()
def notify_applicant(dossier_id: int, kind: str, for_event_id: int) -> str:
    """Tell the applicant; idempotent: a retried task never sends the same message twice."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if dossier is None:
            return "gone"
        already = DossierEvent.objects.filter(
            dossier=dossier, action="notify", data__for_event=for_event_id
        ).exists()
        if already:
            return "already sent"
        sent = send_email(dossier, kind)
        DossierEvent.objects.create(
            dossier=dossier, at=timezone.now(), action="notify",
            from_status=dossier.status, to_status=dossier.status,
            data={"kind": kind, "for_event": for_event_id,
                  "channel": "email" if sent else "none"},
        )
    return "sent" if sent else "no contact"
