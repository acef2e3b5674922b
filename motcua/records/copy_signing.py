"""The one-stop unit signs the electronic copies digitized at its counter (DOMAIN.md §6): the
same PAdES signature as the results (records.signing: its certificate from the CA, a visible
stamp, an RFC 3161 time stamp), on the scan as a PDF (an image is wrapped in one first,
records.pdfs).

- `on_component_digitized` (subscribed in apps.py): the digitization's transaction enqueues
  the signing when it commits (records.results_tasks.sign_copy_task); nothing is enqueued for
  a rolled-back digitization, and the scan's upload never waits for the time stamp.
- `sign_copy`: idempotent (a signed copy stays as it is); the signed PDF goes back to
  digitization.mark_signed, which keeps it under the copy's row lock. A failure is kept on the
  copy (`sign_error`) and raised as signing.SigningFailed.
- The signer is the one-stop unit that received the dossier (its public administrative
  service center), else the agency handling it.
"""

from __future__ import annotations

import datetime as dt
import logging

import pikepdf
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Agency
from motcua.records import certificates, digitization, files, pdfs, signing
from motcua.records.models import DigitizedCopy

log = logging.getLogger(__name__)


def one_stop_unit(d: Dossier) -> Agency:
    """Who signs the dossier's digitized copies."""
    if d.receiving_agency.receives_dossiers:
        return d.receiving_agency
    return d.handling_agency


def on_component_digitized(event: digitization.ComponentDigitized) -> None:
    from motcua.records import results_tasks

    pk = event.copy.pk
    transaction.on_commit(lambda: results_tasks.sign_copy_task.enqueue(pk))


def _fail(copy: DigitizedCopy, reason: str) -> None:
    DigitizedCopy.objects.filter(pk=copy.pk, signed_at__isnull=True).update(
        sign_error=reason[:2000])
    log.warning("digitized copy %s not signed: %s", copy.pk, reason)


def sign_copy(copy: DigitizedCopy | int, *, now: dt.datetime | None = None) -> DigitizedCopy:
    """Sign the copy as the one-stop unit; returns it signed. Raises signing.SigningFailed."""
    pk = copy.pk if isinstance(copy, DigitizedCopy) else copy
    copy = DigitizedCopy.objects.select_related(
        "blob", "dossier__receiving_agency__unit", "dossier__handling_agency__unit").get(pk=pk)
    if copy.signed_at is not None:
        return copy
    agency = one_stop_unit(copy.dossier)
    cert = certificates.current_for(agency)
    if cert is None:
        reason = _("%(agency)s has no valid signing certificate.") % {"agency": agency.name}
        _fail(copy, reason)
        raise signing.SigningFailed(reason)
    source = copy.blob
    with files.open_blob(source) as stored:
        scan = stored.read()
    try:
        pdf = pdfs.as_pdf(scan, source.content_type)
        signed = signing.sign_pdf(
            pdf, cert, reason=f"Bản điện tử số hóa từ bản giấy, hồ sơ {copy.dossier.code}",
            location=agency.unit.name, box=pdfs.corner_box(pdf),
            stamp_lines=[f"Số hóa bởi: {agency.name}", f"Hồ sơ: {copy.dossier.code}"])
    except signing.SigningFailed as error:
        _fail(copy, str(error))
        raise
    except (pikepdf.PdfError, ValueError, OSError) as error:  # a scan that cannot be a PDF
        reason = f"{type(error).__name__}: {error}"
        _fail(copy, reason)
        raise signing.SigningFailed(reason) from error
    return digitization.mark_signed(copy, signed.pdf, source_blob_id=source.pk,
                                    certificate=cert, agency=agency,
                                    timestamp_at=signed.timestamp_at,
                                    now=now or timezone.now())
