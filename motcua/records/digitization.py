"""Digitization at the counter (DOMAIN.md §6): the one-stop officer scans or uploads each paper
component and tags what it is (document type, number, issuer, issue date, validity, owner).

- `digitize` is the one action: the upload checked as every upload is (dossiers.uploads), its
  file written under its hash (records.files) before the transaction, then in one transaction
  with the dossier row locked: the copy, its document in the owner's store (records.store),
  the dossier's digitization state (DossierDigitization, what the national sync carries and
  the index's 4.2 reads) and a timeline event. Digitizing a component again replaces its copy
  until the copy is signed.
- Signing (PAdES by the one-stop unit) is records.copy_signing's: it subscribes to
  `ComponentDigitized` (published in the transaction), enqueues the signing when it commits,
  and hands the signed file back to `mark_signed`, which keeps it in the copy and the owner's
  store and updates the dossier's state.
- A scan is a PDF, a JPEG or a PNG (the one-stop unit signs it as a PDF: an image is wrapped
  in one first); any other kind of file is refused, as an upload check refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import router, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.compiled import ID_STAND_IN, Compiled, CompiledModel
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.events import DomainEvent, publish
from motcua.dossiers import actions as dossier_actions
from motcua.dossiers import lifecycle, policy
from motcua.dossiers.models import Dossier
from motcua.dossiers.uploads import UploadRejected, check_upload
from motcua.org.identifiers import InvalidIdentifier, validate_personal_id, validate_tax_code
from motcua.org.models import Agency, User
from motcua.records import doctypes, files, pdfs
from motcua.records.events import DossierDigitized
from motcua.records.models import (
    DigitizedCopy,
    DossierDigitization,
    ResultDocument,
    ResultState,
    SigningCertificate,
    StoreItem,
)
from motcua.records.models.digitization import DigitizationState
from motcua.records.models.store import Origin


@dataclass(frozen=True)
class ComponentDigitized(DomainEvent):
    """A component's electronic copy was made (or made again): the signing code signs it."""

    copy: DigitizedCopy


@dataclass(frozen=True)
class Tags:
    """What the officer says the document is."""

    document_type: str
    owner_key: str  # the owner's 12-digit personal ID number or tax code
    owner_name: str
    number: str = ""
    issuer: str = ""
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None


def can_digitize(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """Staff of the receiving or handling side who may attach files to the dossier now."""
    return (user.is_authenticated and user.kind == User.Kind.STAFF
            and dossier.status not in lifecycle.FINISHING
            and policy.can_act(user, dossier, "attach_file"))


def check_owner_key(value: str) -> str:
    value = value.strip()
    try:
        if len(value) == 12:
            validate_personal_id(value)
        else:
            validate_tax_code(value)
    except (InvalidIdentifier, DomainError, ValueError):
        raise InvalidInput(_("Enter the owner's 12-digit personal ID number or tax code."),
                           code="owner_key", field="owner_key") from None
    return value


def check_scan(upload: Any) -> tuple[str, str, str]:
    """The upload checks (dossiers.uploads), and a scan's kind: PDF, JPEG or PNG."""
    try:
        name, content_type, digest = check_upload(upload)
    except UploadRejected as refused:
        if refused.extra.get("reason") != "type":
            raise
        content_type = ""
    if content_type not in pdfs.SCANS:
        raise UploadRejected(_("A scan must be a PDF, JPEG or PNG file."), reason="type")
    return name, content_type, digest


def checked(tags: Tags, today: dt.date) -> Tags:
    """The officer's tags, checked and trimmed; InvalidInput naming the field otherwise."""
    if tags.document_type not in doctypes.BY_CODE:
        raise InvalidInput(_("Choose the document type."), code="document_type",
                           field="document_type")
    if not tags.owner_name.strip():
        raise InvalidInput(_("Enter the owner's name."), code="owner_name", field="owner_name")
    key = check_owner_key(tags.owner_key)
    if tags.issued_on is not None and tags.issued_on > today:
        raise InvalidInput(_("The issue date cannot be in the future."), code="issued_on",
                           field="issued_on")
    if tags.valid_until is not None and tags.issued_on is not None \
            and tags.valid_until < tags.issued_on:
        raise InvalidInput(_("The document cannot expire before it was issued."),
                           code="valid_until", field="valid_until")
    return Tags(tags.document_type, key, tags.owner_name.strip()[:255],
                tags.number.strip()[:100], tags.issuer.strip()[:255], tags.issued_on,
                tags.valid_until)


def digitize(dossier: Dossier, component_id: int, upload: Any, tags: Tags, *, actor: User,
             now: dt.datetime | None = None) -> DigitizedCopy:
    now = now or timezone.now()
    tags = checked(tags, timezone.localdate(now))
    name, content_type, digest = check_scan(upload)  # refused before anything is written
    files.write(upload, digest)  # the file first: a rollback leaves an orphan, swept later
    with transaction.atomic():
        d = dossier_actions.lock(dossier.pk)
        if not can_digitize(actor, d):
            raise DomainError(_("You cannot digitize the components of this dossier now."),
                              code="not_allowed")
        component = d.components.filter(pk=component_id).first()
        if component is None:
            raise InvalidInput(_("No such component in this dossier."), code="component",
                               field="component")
        existing = DigitizedCopy.objects.filter(component=component).first()
        if existing is not None and existing.signed_at is not None:
            raise DomainError(_("This component's copy is signed already: it cannot change."),
                              code="signed")
        blob = files.put(upload, content_type=content_type, sha256=digest)
        copy = existing or DigitizedCopy(component=component, dossier=d)
        copy.blob, copy.original_name = blob, name
        copy.document_type, copy.number, copy.issuer = (tags.document_type, tags.number,
                                                        tags.issuer)
        copy.issued_on, copy.valid_until = tags.issued_on, tags.valid_until
        copy.owner_name, copy.owner_key = tags.owner_name, tags.owner_key
        copy.digitized_at, copy.digitized_by = now, actor
        copy.save()
        StoreItem.objects.update_or_create(source_ref=f"copy:{copy.pk}", defaults=dict(
            owner_key=tags.owner_key, owner_name=tags.owner_name,
            document_type=tags.document_type, title=component.name[:500], number=tags.number,
            issuer=tags.issuer, issued_on=tags.issued_on, valid_from=tags.issued_on,
            valid_until=tags.valid_until, origin=Origin.DIGITIZED, blob=blob, file_name=name,
            dossier=d, added_at=now))
        refresh_state(d, now)
        dossier_actions.timeline_event(d, "digitize", actor=actor, now=now,
                                       component=component.pk, file=name, sha256=digest,
                                       document_type=tags.document_type)
        publish(ComponentDigitized(copy))
    return copy


def mark_signed(copy: DigitizedCopy, signed_pdf: bytes, *, source_blob_id: int | None = None,
                certificate: SigningCertificate | None = None, agency: Agency | None = None,
                timestamp_at: dt.datetime | None = None,
                now: dt.datetime | None = None) -> DigitizedCopy:
    """The hook for the signing code: keep the copy signed by the one-stop unit (PAdES) and
    serve it, in the copy and in the owner's store, from now on; the dossier's state counts it.
    Idempotent: a copy signed already stays as it is. `source_blob_id`: the scan that was
    signed; when the copy was digitized again meanwhile, nothing changes (the new scan's own
    signing follows) and the signed file is left to the orphan sweep."""
    now = now or timezone.now()
    content = ContentFile(signed_pdf, name="signed.pdf")
    digest = files.digest_of(content)
    files.write(content, digest)
    with transaction.atomic():
        d = dossier_actions.lock(copy.dossier_id)  # the dossier first, as `digitize`
        locked = DigitizedCopy.objects.select_for_update().get(pk=copy.pk)
        if locked.signed_at is not None or (
                source_blob_id is not None and locked.blob_id != source_blob_id):
            return locked
        blob = files.put(content, content_type="application/pdf", sha256=digest)
        locked.signed_blob, locked.signed_at, locked.sign_error = blob, now, ""
        locked.certificate, locked.signer_agency = certificate, agency
        locked.timestamp_at = timestamp_at
        locked.save(update_fields=["signed_blob", "signed_at", "sign_error", "certificate",
                                   "signer_agency", "timestamp_at"])
        StoreItem.objects.filter(source_ref=f"copy:{locked.pk}").update(
            blob=blob, file_name=signed_name(locked.original_name))
        refresh_state(d, now)
        record(None, "digitized_copy.sign", locked, dossier=d.code, sha256=digest,
               certificate=certificate.serial if certificate is not None else None)
    return locked


def signed_name(name: str) -> str:
    """The signed copy's file name: the scan's, as a PDF."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'ban-so-hoa'}.pdf"


def refresh_state(d: Dossier, now: dt.datetime) -> DossierDigitization:
    """The dossier's digitization state from its components, its copies and its result:
    `state` complete once every component handed in on paper has its copy; `complete_at` set
    (once) when every paper component's copy is signed and the result is signed. Call with
    the dossier's row locked. The first time it is complete, `DossierDigitized` is published
    (the index's 4.2)."""
    paper = d.components.filter(is_paper=True).count()
    counts = DigitizedCopy.objects.filter(dossier=d).aggregate(
        digitized=Count("id"), paper_digitized=Count("id", filter=Q(component__is_paper=True)),
        signed=Count("id", filter=Q(signed_at__isnull=False)),
        paper_signed=Count("id", filter=Q(component__is_paper=True, signed_at__isnull=False)))
    result_signed_at = ResultDocument.objects.filter(
        dossier=d, state=ResultState.SIGNED).aggregate(at=Min("signed_at"))["at"]
    state = (DigitizationState.NONE if counts["digitized"] == 0
             else DigitizationState.COMPLETE if counts["paper_digitized"] >= paper
             else DigitizationState.PARTIAL)
    existing = DossierDigitization.objects.filter(dossier=d).first()
    complete_at = existing.complete_at if existing is not None else None
    newly_complete = (complete_at is None and result_signed_at is not None
                      and counts["paper_signed"] >= paper)
    if newly_complete:
        complete_at = now
    row, _created = DossierDigitization.objects.update_or_create(
        dossier=d, defaults={"state": state, "paper_components": paper,
                             "digitized_components": counts["digitized"],
                             "signed_components": counts["signed"],
                             "result_signed_at": result_signed_at, "complete_at": complete_at,
                             "updated_at": now})
    if newly_complete:
        publish(DossierDigitized(d.pk, now))
    return row


# --- reads --------------------------------------------------------------------------------


# Read on every dossier page: compiled once per process (core.compiled).
_STATE = Compiled(lambda pk: DossierDigitization.objects.filter(dossier_id=pk)
                  .values_list("state")[:1], ID_STAND_IN)
_COPIES = CompiledModel(lambda pk: DigitizedCopy.objects.filter(dossier_id=pk), ID_STAND_IN,
                        related=("blob", "signed_blob"))


def digitized(dossier_ids: Iterable[int]) -> set[int]:
    """Those of the dossiers digitized, components and result (the index's 4.2)."""
    return set(DossierDigitization.objects.digitized().filter(dossier_id__in=list(dossier_ids))
               .values_list("dossier_id", flat=True))


def state_of(dossier_id: int) -> str:
    """The dossier's digitization state (DigitizationState), for the national sync."""
    found = _STATE.rows(dossier_id, router.db_for_read(DossierDigitization))
    return found[0][0] if found else DigitizationState.NONE


def copies_by_component(dossier_id: int) -> dict[int, DigitizedCopy]:
    """The dossier's copies by component id: what the national sync sends per component
    (digitized: a component with a copy) and what the pages show."""
    return {c.component_id: c
            for c in _COPIES.all(dossier_id, router.db_for_read(DigitizedCopy))}


def readable_copy(user: User | AnonymousUser, code: str, copy_id: int) -> DigitizedCopy:
    """A copy of the dossier with `code`, read as the dossier is (policy.get_visible): the
    same 404 for another dossier's copy or one that does not exist."""
    dossier = policy.get_visible(user, code)
    copy = DigitizedCopy.objects.filter(dossier=dossier, pk=copy_id) \
        .select_related("blob", "signed_blob").first()
    if copy is None:
        raise NotFound(_("No such file in this dossier."))
    return copy
