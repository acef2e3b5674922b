"""Electronic certified copies from originals ("chứng thực bản sao điện tử từ bản chính",
Decree 23/2015 as amended, Decree 45/2020 art. 27; the index's 4.6).

- Offered by the communes whose CertificationService says so (an administrator's setting per
  commune, off by default), with the fee it sets (none by default: DOMAIN.md states none).
- Made by an officer of such a commune (a one-stop officer, specialist, head or leader of its
  service center or People's Committee) from the original the person shows: the scan is
  checked as every upload (dossiers.uploads; a PDF, JPEG or PNG), wrapped in a PDF when it is
  an image, numbered in the People's Committee's yearly book, given a certification page
  (the statement, the certifier, the fee if any, and a QR code of its public verification
  page), and signed by the People's Committee's certificate (records.signing: PAdES with a
  time stamp), all before the officer's page answers.
- `certify` checks everything first (who, the commune, its certificate, the upload, the
  facts): a refusal writes nothing. It then records the copy numbered (one short transaction),
  signs it, and records the signed copy with its document in the owner's data store. A
  signing that fails (the time-stamping service down) leaves the copy FAILED with its reason,
  and `sign_certified` (the page's "sign again") finishes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.addresses import public_url
from motcua.core.audit import record
from motcua.core.errors import DomainError, InvalidInput, NotAllowed, NotFound
from motcua.core.formatting import format_vnd, local
from motcua.dossiers.letters import leader_title, signer_of
from motcua.dossiers.sequences import next_in_year
from motcua.dossiers.slips.context import agency_header, province_of
from motcua.dossiers.slips.formatting import place_date_line
from motcua.dossiers.slips.pdf import html_to_pdf
from motcua.dossiers.slips.qr import qr_data_uri
from motcua.dossiers.uploads import UploadRejected
from motcua.org.models import AdministrativeUnit, Agency, Role, StaffRole, User
from motcua.records import certificates, digitization, files, pdfs, signing
from motcua.records.models import (
    CertificationService,
    CertifiedCopy,
    CertifiedState,
    SigningCertificate,
    StoreItem,
)
from motcua.records.models.store import Origin

log = logging.getLogger(__name__)

CERTIFIERS = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.HEAD, Role.LEADER})
COMMUNE_AGENCIES = frozenset({Agency.Kind.COMMUNE_CENTER, Agency.Kind.COMMUNE_PC})
HEADING = "LỜI CHỨNG CHỨNG THỰC BẢN SAO ĐIỆN TỬ TỪ BẢN CHÍNH"


# --- who certifies where --------------------------------------------------------------------


def officer_communes(user: User | AnonymousUser) -> list[AdministrativeUnit]:
    """The communes where the person is an officer (of their service center or People's
    Committee), whether or not they certify copies."""
    if not user.is_authenticated or user.kind != User.Kind.STAFF:
        return []
    roles = (StaffRole.objects.active().filter(user=user, role__in=CERTIFIERS,
                                               agency__kind__in=COMMUNE_AGENCIES)
             .select_related("agency__unit").order_by("agency__unit__name"))
    return list({r.agency.unit_id: r.agency.unit for r in roles}.values())


def service_of(unit: AdministrativeUnit) -> CertificationService | None:
    return CertificationService.objects.filter(unit=unit).first()


def offers(unit: AdministrativeUnit) -> bool:
    service = service_of(unit)
    return service is not None and service.offered


def certifying_communes(user: User | AnonymousUser) -> list[AdministrativeUnit]:
    """The communes where the person may certify copies now."""
    communes = officer_communes(user)
    offering = set(CertificationService.objects.filter(
        unit__in=communes, offered=True).values_list("unit_id", flat=True))
    return [u for u in communes if u.pk in offering]


def communes_certified(start: dt.datetime, end: dt.datetime) -> set[int]:
    """The communes (AdministrativeUnit ids) that issued a signed electronic certified copy
    in [start, end) (the index's 4.6 when it is not given full marks)."""
    return set(CertifiedCopy.objects.filter(issued_at__gte=start, issued_at__lt=end,
                                            state=CertifiedState.SIGNED)
               .values_list("unit_id", flat=True).distinct())


def check_may_certify(user: User | AnonymousUser, unit: AdministrativeUnit | None = None
                      ) -> AdministrativeUnit:
    """The commune the person certifies for (`unit`, or their only one), else NotAllowed with
    the reason."""
    communes = officer_communes(user)
    if not communes:
        raise NotAllowed(_("Only the officers of a commune certify copies from originals."))
    allowed = certifying_communes(user)
    if unit is not None:
        if unit not in communes:
            raise NotAllowed(_("You are not an officer of this commune."))
        if unit not in allowed:
            raise NotAllowed(_("%(commune)s does not certify electronic copies from "
                               "originals.") % {"commune": unit.name})
        return unit
    if not allowed:
        raise NotAllowed(_("Your commune does not certify electronic copies from originals.")
                         if len(communes) == 1 else
                         _("None of your communes certifies electronic copies from "
                           "originals."))
    return allowed[0]


def certifying_agency(unit: AdministrativeUnit) -> Agency:
    """The commune's People's Committee, whose certificate signs its certified copies."""
    agency = Agency.objects.active().filter(unit=unit, kind=Agency.Kind.COMMUNE_PC) \
        .select_related("unit", "parent").first()
    if agency is None:
        raise DomainError(_("%(commune)s has no People's Committee in the register of "
                            "agencies.") % {"commune": unit.name}, code="no_agency")
    return agency


def fee_of(unit: AdministrativeUnit) -> int | None:
    service = service_of(unit)
    return service.fee_vnd if service is not None else None


# --- the action --------------------------------------------------------------------------


class NotSigned(signing.SigningFailed):
    """The copy is recorded, numbered, but its signing failed (kept FAILED with the reason)."""

    def __init__(self, copy: CertifiedCopy, reason: str) -> None:
        super().__init__(reason)
        self.copy = copy


@dataclass(frozen=True)
class Original:
    """What the officer says the original is (the same facts as a digitized component's,
    with the document's name)."""

    title: str
    tags: digitization.Tags


def series(agency_id: int) -> str:
    return f"certified:{agency_id}"


def certify(upload: Any, original: Original, *, actor: User,
            unit: AdministrativeUnit | None = None,
            now: dt.datetime | None = None) -> CertifiedCopy:
    """Certify the scanned original as an electronic copy, signed by the commune's People's
    Committee. Raises NotAllowed (who, where), InvalidInput (the upload, the facts),
    DomainError (no certificate), NotSigned (recorded, but kept FAILED: sign it again)."""
    now = now or timezone.now()
    unit = check_may_certify(actor, unit)
    agency = certifying_agency(unit)
    if certificates.current_for(agency) is None:
        raise DomainError(_("%(agency)s has no valid signing certificate: the copy cannot be "
                            "certified.") % {"agency": agency.name}, code="no_certificate")
    title = original.title.strip()[:500]
    if not title:
        raise InvalidInput(_("Enter the document's name."), code="title", field="title")
    tags = digitization.checked(original.tags, timezone.localdate(now))
    name, content_type, digest = digitization.check_scan(upload)
    upload.seek(0)
    scan = upload.read()
    try:
        pages = pdfs.page_count(pdfs.as_pdf(scan, content_type))
    except ValueError as error:  # an image img2pdf cannot place: refused like a bad upload
        raise UploadRejected(_("The scan cannot be made a PDF."), reason="image") from error
    files.write(upload, digest)  # the file first: a rollback leaves an orphan, swept later
    with transaction.atomic():
        blob = files.put(upload, content_type=content_type, sha256=digest)
        number = next_in_year(series(agency.pk), local(now).year)
        copy = CertifiedCopy.objects.create(
            unit=unit, signer_agency=agency, number=f"{number}/{local(now).year}-SCT/BS",
            document_type=tags.document_type, title=title, document_number=tags.number,
            issuer=tags.issuer, issued_on=tags.issued_on, valid_until=tags.valid_until,
            owner_name=tags.owner_name, owner_key=tags.owner_key, pages=pages,
            fee_vnd=fee_of(unit), certified_by=actor, issued_at=now, original_blob=blob,
            original_name=name)
        record(actor, "certified_copy.issue", copy, number=copy.number, sha256=digest,
               unit=unit.code)
    try:
        return sign_certified(copy, actor=actor)
    except signing.SigningFailed as error:
        raise NotSigned(copy, str(error)) from error


# --- signing --------------------------------------------------------------------------------


def verification_url(copy: CertifiedCopy) -> str:
    return public_url(reverse("portal:verify-result", kwargs={"public_id": copy.public_id}))


def render_statement(copy: CertifiedCopy) -> bytes:
    """The certification page (records/certified/statement.html), as a PDF."""
    agency = copy.signer_agency
    url = verification_url(copy)
    return html_to_pdf(render_to_string("records/certified/statement.html", {
        "result": copy, "heading": HEADING, "header": agency_header(agency),
        "place_date": place_date_line(province_of(agency), copy.issued_at),
        "issued_on": copy.issued_on.strftime("%d/%m/%Y") if copy.issued_on else "",
        "certifier": copy.certified_by.full_name or copy.certified_by.username,
        "fee": format_vnd(copy.fee_vnd) if copy.fee_vnd else "",
        "signer_title": leader_title(agency).upper(), "signer_name": signer_of(agency).name,
        "verify_url": url, "qr": qr_data_uri(url)}))


def _load(pk: int) -> CertifiedCopy:
    return CertifiedCopy.objects.select_related(
        "signer_agency__unit", "signer_agency__parent", "original_blob", "blob",
        "certified_by", "unit").get(pk=pk)


def _fail(copy: CertifiedCopy, reason: str) -> None:
    CertifiedCopy.objects.filter(pk=copy.pk).exclude(state=CertifiedState.SIGNED).update(
        state=CertifiedState.FAILED, error=reason[:2000])
    log.warning("certified copy %s not signed: %s", copy.number, reason)


def sign_certified(copy: CertifiedCopy | int, *, actor: User | None = None,
                   now: dt.datetime | None = None) -> CertifiedCopy:
    """Append the certification page, sign as the People's Committee, store, and put the
    copy in its owner's data store. Idempotent: a signed copy is returned as it is."""
    copy = _load(copy.pk if isinstance(copy, CertifiedCopy) else copy)
    if copy.state == CertifiedState.SIGNED:
        return copy
    agency = copy.signer_agency
    cert = certificates.current_for(agency)
    if cert is None:
        reason = _("%(agency)s has no valid signing certificate.") % {"agency": agency.name}
        _fail(copy, reason)
        raise signing.SigningFailed(reason)
    with files.open_blob(copy.original_blob) as stored:
        scan = stored.read()
    try:
        pdf = pdfs.append(pdfs.as_pdf(scan, copy.original_blob.content_type),
                          render_statement(copy))
        signed = signing.sign_pdf(
            pdf, cert, reason=f"Chứng thực bản sao điện tử từ bản chính, số {copy.number}",
            location=agency.unit.name,
            stamp_lines=[f"Chứng thực bởi: {agency.name}", f"Số chứng thực: {copy.number}"])
    except signing.SigningFailed as error:
        _fail(copy, str(error))
        raise
    except ValueError as error:
        _fail(copy, str(error))
        raise signing.SigningFailed(str(error)) from error
    return _mark_signed(copy, signed, cert, actor=actor, now=now or timezone.now())


def file_name(copy: CertifiedCopy) -> str:
    return f"ban-sao-chung-thuc-{copy.number.replace('/', '-')}.pdf"


def _mark_signed(copy: CertifiedCopy, signed: signing.Signed, cert: SigningCertificate, *,
                 actor: User | None, now: dt.datetime) -> CertifiedCopy:
    content = ContentFile(signed.pdf, name="certified.pdf")
    digest = files.digest_of(content)
    files.write(content, digest)
    with transaction.atomic():
        locked = CertifiedCopy.objects.select_for_update().get(pk=copy.pk)
        if locked.state == CertifiedState.SIGNED:  # signed meanwhile: the file is an orphan
            return _load(locked.pk)
        blob = files.put(content, content_type="application/pdf", sha256=digest)
        locked.blob, locked.sha256, locked.certificate = blob, digest, cert
        locked.signed_at, locked.timestamp_at = now, signed.timestamp_at
        locked.state, locked.error = CertifiedState.SIGNED, ""
        locked.save()
        StoreItem.objects.update_or_create(source_ref=store_ref(locked), defaults=dict(
            owner_key=locked.owner_key, owner_name=locked.owner_name,
            document_type=locked.document_type, title=locked.title,
            number=locked.document_number, issuer=locked.issuer, issued_on=locked.issued_on,
            valid_from=locked.issued_on, valid_until=locked.valid_until,
            origin=Origin.CERTIFIED, blob=blob, file_name=file_name(locked), dossier=None,
            added_at=now))
        record(actor, "certified_copy.sign", locked, number=locked.number, sha256=digest,
               certificate=cert.serial)
    return _load(locked.pk)


def store_ref(copy: CertifiedCopy) -> str:
    return f"certified:{copy.public_id}"


# --- reads -----------------------------------------------------------------------------------


def register_of(units: list[AdministrativeUnit]) -> QuerySet[CertifiedCopy]:
    """The communes' certified copies, the newest first (their book of certifications)."""
    return CertifiedCopy.objects.filter(unit__in=units).select_related(
        "signer_agency", "certified_by").order_by("-issued_at", "-id")


def readable(user: User | AnonymousUser, public_id: str) -> CertifiedCopy:
    """A certified copy, for the officers of its commune; anyone else gets the same 404 as
    for one that does not exist (the owner reads it from their data store)."""
    found = register_of(officer_communes(user)).filter(public_id=public_id).first() \
        if _is_uuid(public_id) else None
    if found is None:
        raise NotFound(_("No such certified copy."))
    return found


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", str(value)))
