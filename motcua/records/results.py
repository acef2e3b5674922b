"""Signed electronic results: issued when a dossier's result is ready, signed by its competent
agency, read by its owner and the staff who may see the dossier.

- `on_dossier_changed` (subscribed in apps.py): when a dossier's result is marked ready (a
  leader approves or signs its step, or the action is taken on the dossier), a
  `ResultDocument` is numbered in the competent agency's yearly series, in the action's own
  transaction, and its signing is enqueued when that commits (`results_tasks`): rendering and
  the time stamp's HTTP call never hold the dossier's lock.
- `sign_result`: render (results_pdf), sign (signing: PAdES with the agency's certificate and
  a time stamp), store, then record it under the result row's lock: one signed file per
  result, whoever signs concurrently. In the same transaction the signed result goes to its
  owner's data store (a StoreItem keyed by the owner's ID number or tax code, valid from its
  issue), the dossier's digitization state counts it, and `ResultSigned` is published (the
  applicant's notice, result_notices; the integration app sends it to the national data store
  through its outbox). A failure leaves the row FAILED with its reason and no file, and sends
  nothing: the leader signs again from the dossier page (`sign_now`).
- `readable_result`: the dossier's policy decides (the same 404 as a dossier one may not see).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.db import router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import record
from motcua.core.compiled import ID_STAND_IN, CompiledModel
from motcua.core.errors import DomainError, NotAllowed, NotFound
from motcua.core.events import publish
from motcua.core.formatting import local
from motcua.dossiers import actions as dactions
from motcua.dossiers import policy
from motcua.dossiers.events import DossierChanged
from motcua.dossiers.letters import agency_abbreviation
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.sequences import next_in_year
from motcua.org.models import HEADS, User
from motcua.org.selectors import has_role
from motcua.records import certificates, digitization, doctypes, files, results_pdf, signing
from motcua.records.events import ResultSigned
from motcua.records.models import ResultDocument, ResultKind, ResultState, StoreItem
from motcua.records.models.files import Blob
from motcua.records.models.store import Origin

log = logging.getLogger(__name__)

TYPE_ABBREVIATIONS = {ResultKind.CERTIFICATE: "GCN", ResultKind.LICENCE: "GP",
                      ResultKind.DECISION: "QĐ"}
WITH_RESULT = (Status.RESULT_READY, Status.RETURNED)


def kind_and_title(results_text: str) -> tuple[ResultKind, str]:
    """What the procedure's result is, from the catalogue's words ("Giấy phép …" is a
    licence, "Quyết định …" a decision, any other paper a certificate), and its title: the
    first result named, without its result code."""
    first = re.split(r"[;\n]", results_text or "", maxsplit=1)[0]
    title = re.sub(r"\s*\(.*$", "", first).strip()
    lowered = title.lower()
    if lowered.startswith("giấy phép"):
        return ResultKind.LICENCE, title
    if lowered.startswith("quyết định"):
        return ResultKind.DECISION, title
    return ResultKind.CERTIFICATE, title


def series(agency_id: int) -> str:
    return f"result:{agency_id}"


def on_dossier_changed(event: DossierChanged) -> None:
    """A result is issued for a dossier whose result became ready (not for a refusal)."""
    if event.action != "mark_result_ready" or event.dossier.outcome != "result":
        return
    result = open_result(event.dossier, approved_by=event.actor, now=event.at)
    from motcua.records import results_tasks

    pk = result.pk
    transaction.on_commit(lambda: results_tasks.sign_result_task.enqueue(pk))


def open_result(d: Dossier, *, approved_by: User | None, now: dt.datetime) -> ResultDocument:
    """The dossier's result document, numbered and waiting to be signed (the one it has, if
    any), valid until the end of the period its procedure version gives results
    (`result_valid_months` from the local date of issue; none: no end date). Call in the
    transaction that holds the dossier's lock."""
    existing = ResultDocument.objects.filter(dossier=d).order_by("-id").first()
    if existing is not None:
        return existing
    kind, title = kind_and_title(d.procedure_version.results)
    agency = d.handling_agency
    number = next_in_year(series(agency.pk), local(now).year)
    result = ResultDocument.objects.create(
        dossier=d, procedure_id=d.procedure_id, kind=kind, title=title[:500],
        number=f"{number}/{TYPE_ABBREVIATIONS[kind]}-{agency_abbreviation(agency)}",
        owner_name=d.applicant_name, owner_id_number=d.applicant_id_number,
        owner_tax_code=d.applicant_tax_code, issued_at=now,
        valid_until=d.procedure_version.result_valid_until(local(now).date()),
        signer_agency=agency,
        approved_by=approved_by if approved_by is not None and approved_by.pk else None)
    record(approved_by, "result.issue", result, dossier=d.code, number=result.number)
    return result


def _load(result: ResultDocument | int) -> ResultDocument:
    pk = result.pk if isinstance(result, ResultDocument) else result
    return ResultDocument.objects.select_related(
        "dossier__procedure_version", "dossier__handling_agency", "procedure",
        "signer_agency__unit", "signer_agency__parent").get(pk=pk)


def _fail(result: ResultDocument, reason: str) -> None:
    ResultDocument.objects.filter(pk=result.pk).exclude(state=ResultState.SIGNED).update(
        state=ResultState.FAILED, error=reason[:2000])
    log.warning("result %s not signed: %s", result.number, reason)


def sign_result(result: ResultDocument | int, *, actor: User | None = None,
                now: dt.datetime | None = None) -> ResultDocument:
    """Render, sign and store the result; idempotent (a signed one is returned as it is).
    Raises signing.SigningFailed (the row then says why)."""
    result = _load(result)
    if result.state == ResultState.SIGNED:
        return result
    agency = result.signer_agency
    cert = certificates.current_for(agency)
    if cert is None:
        reason = _("%(agency)s has no valid signing certificate.") % {"agency": agency.name}
        _fail(result, reason)
        raise signing.SigningFailed(reason)
    try:
        pdf = results_pdf.render_pdf(result)
        signed = signing.sign_pdf(
            pdf, cert, reason=f"{result.title or result.get_kind_display()} số {result.number}",
            location=result.signer_agency.unit.name,
            stamp_lines=[f"Ký bởi: {agency.name}", f"Số: {result.number}"])
    except signing.SigningFailed as error:
        _fail(result, str(error))
        raise
    now = now or timezone.now()
    digest = hashlib.sha256(signed.pdf).hexdigest()
    content = ContentFile(signed.pdf, name="result.pdf")
    files.write(content, digest)  # the store's copy, content-addressed (an orphan if undone)
    stored = result.file.storage.save(
        result.file.field.generate_filename(result, "result.pdf"), ContentFile(signed.pdf))
    try:
        with transaction.atomic():
            dossier = dactions.lock(result.dossier_id)  # the dossier first, as its actions
            locked = ResultDocument.objects.select_for_update().get(pk=result.pk)
            if locked.state == ResultState.SIGNED:  # signed meanwhile by another worker
                transaction.on_commit(lambda: result.file.storage.delete(stored))
                return _load(locked)
            locked.file.name = stored
            locked.size, locked.sha256 = len(signed.pdf), digest
            locked.certificate, locked.signed_at = cert, now
            locked.timestamp_at = signed.timestamp_at
            locked.state, locked.error = ResultState.SIGNED, ""
            locked.save()
            signed_event = dactions.timeline_event(
                dossier, "result_signed", actor=actor, now=now, agency=agency,
                number=result.number, sha256=digest)
            record(actor, "result.sign", locked, number=result.number, sha256=digest,
                   certificate=cert.serial)
            to_store(locked, files.put(content, content_type="application/pdf", sha256=digest),
                     now)
            digitization.refresh_state(dossier, now)
            publish(ResultSigned(locked, now, signed_event))
    except Exception:
        result.file.storage.delete(stored)  # nothing half-written: no orphan file
        raise
    return _load(locked)


def with_signed_result(dossier_ids: Iterable[int]) -> set[int]:
    """Those of the dossiers with a signed electronic result (the index's 4.1 and 3.3)."""
    return set(ResultDocument.objects.filter(dossier_id__in=list(dossier_ids),
                                             state=ResultState.SIGNED)
               .values_list("dossier_id", flat=True).distinct())


def store_ref(result: ResultDocument) -> str:
    return f"result:{result.public_id}"


def file_name(result: ResultDocument) -> str:
    return f"ket-qua-{result.number.replace('/', '-')}.pdf"


def to_store(result: ResultDocument, blob: Blob, now: dt.datetime) -> StoreItem | None:
    """The signed result in its owner's data store (none for an owner without an ID number or
    tax code): valid from its issue date to its end of validity, if it has one."""
    owner_key = result.owner_id_number or result.owner_tax_code
    if not owner_key:
        return None
    issued_on = local(result.issued_at).date()
    item, _created = StoreItem.objects.update_or_create(source_ref=store_ref(result), defaults=dict(
        owner_key=owner_key, owner_name=result.owner_name,
        document_type=doctypes.of_component(result.title), title=result.title[:500] or
        str(result.get_kind_display()), number=result.number,
        issuer=result.signer_agency.name[:255], issued_on=issued_on, valid_from=issued_on,
        valid_until=result.valid_until, origin=Origin.RESULT, blob=blob,
        file_name=file_name(result), dossier_id=result.dossier_id, added_at=now))
    return item


def may_sign(user: User, d: Dossier) -> bool:
    """A leader or head of the dossier's competent agency signs its result by hand."""
    return (d.status in WITH_RESULT and d.outcome == "result"
            and has_role(user, d.handling_agency_id, HEADS))


def sign_now(d: Dossier, user: User) -> ResultDocument:
    """The leader's "sign the result" on the dossier page: issues the result if the dossier has
    none yet (a result made ready before signing existed), then signs it at once."""
    if not may_sign(user, d):
        raise NotAllowed(_("Only a leader or head of the competent agency signs the result, "
                           "once it is ready."))
    with transaction.atomic():
        locked = dactions.lock(d)
        if locked.status not in WITH_RESULT:
            raise DomainError(_("The dossier's result is not ready."), code="not_ready")
        result = open_result(locked, approved_by=user, now=timezone.now())
    return sign_result(result, actor=user)


_RESULTS = CompiledModel(lambda pk: ResultDocument.objects.filter(dossier_id=pk)
                         .order_by("-issued_at", "-id"), ID_STAND_IN,
                         related=("signer_agency", "certificate"))  # on every dossier page


def results_of(d: Dossier) -> list[ResultDocument]:
    return _RESULTS.all(d.pk, router.db_for_read(ResultDocument))


def readable_result(user: User | object, code: str, public_id: str) -> ResultDocument:
    """A signed result of the dossier `code`, for its owner and the staff who may see the
    dossier; everyone else gets the same 404 as for a dossier they may not see."""
    dossier = policy.get_visible(user, code)  # type: ignore[arg-type]
    found = (ResultDocument.objects.filter(dossier=dossier, public_id=public_id,
                                           state=ResultState.SIGNED).first()
             if _is_uuid(public_id) else None)
    if found is None:
        raise NotFound(_("No such result in this dossier."))
    return found


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", str(value)))
