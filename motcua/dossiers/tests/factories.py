"""Dossier builders for tests: go through the real actions, with explicit times."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import actions, lifecycle
from motcua.dossiers.models import Dossier
from motcua.tests.builders import pdf_bytes
from motcua.workcalendar.rules import TZ


def at(text: str) -> dt.datetime:
    """'09:00 16/11/2026' in Vietnam time."""
    return dt.datetime.strptime(text, "%H:%M %d/%m/%Y").replace(tzinfo=TZ)


def person(name: str = "Nguyễn Văn An", id_number: str = "037095001234", **kw) -> actions.Applicant:
    return actions.Applicant(kind="person", name=name, id_number=id_number, **kw)


def own(account, **kw) -> actions.Applicant:
    """The applicant of a citizen filing for themselves: their account's name and ID."""
    return person(name=account.full_name, id_number=account.national_id, **kw)


def required_components(procedure) -> list[actions.ComponentInput]:
    """Every component the procedure requires, each to be uploaded (an online submission
    declares them all)."""
    version = procedure.versions.order_by("number").first()
    return [actions.ComponentInput(requirement_id=r.id, copies=1)
            for r in version.components.filter(required=True, condition="")]


def submission(org, procedure, *, agency=None, applicant=None, channel=2, components=None,
               authorization=False):
    """`authorization`: add the document proving the applicant's representation."""
    if components is None:
        components = required_components(procedure)
    if authorization:
        components = [*components, actions.ComponentInput(authorization=True)]
    return actions.Submission(
        procedure_code=procedure.code,
        receiving_agency=agency or org.center_a,
        applicant=applicant or person(commune_code=org.commune_a.code),
        components=components,
        channel=channel,
    )


def online(org, procedure, now: dt.datetime, *, files: bool = True, account=None,
           **kw) -> Dossier:
    """Submitted online by `account` (the org's citizen by default), who then uploads the
    file of every component declared as uploaded, as a complete online dossier has before an
    officer receives it. `files=False`: the dossier still waits for them."""
    account = account or org.citizen
    d = actions.submit(submission(org, procedure, **kw), account=account, now=now)
    return upload_declared(d, account, now) if files else d


def upload_declared(d: Dossier, account, now: dt.datetime) -> Dossier:
    """The applicant uploads a real, small PDF for every component that waits for its file
    (lifecycle.awaits_file), through the attach_file action."""
    for component in list(d.components.all()):
        if lifecycle.awaits_file(d, component, component.files.exists()):
            upload = SimpleUploadedFile(f"thanh-phan-{component.pk}.pdf", pdf_bytes(),
                                        content_type="application/pdf")
            d = actions.perform(d, "attach_file", account, now=now, upload=upload,
                                component_id=component.pk)
    return d


def received(org, procedure, now: dt.datetime, **kw) -> Dossier:
    return actions.intake_at_counter(
        submission(org, procedure, channel=1, **kw), officer=org.officer_a, now=now
    )
